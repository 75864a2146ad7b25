#include "oracle/finding.h"

namespace rollcage::oracle {
namespace {

constexpr Severity E = Severity::kError;
constexpr Severity W = Severity::kWarning;
using C = FindingClass;

const FindingClassInfo kInfo[kFindingClassCount] = {
    {C::kRrsigBadSignature, "rrsig-bad-signature", E, "RFC 4035 §5.3.3",
     "an RRSIG carries a published key's tag and algorithm, verifies under none of them, and the "
     "evidence says the RRset or the signature changed after signing (or the signature is malformed)"},
    {C::kRrsigUnpublishedKeySameTag, "rrsig-unpublished-key-same-tag", E, "RFC 4034 App. B; RFC 4035 §5.3.1",
     "the .DE class: an RRSIG carries a published key's tag and algorithm but verifies under none of "
     "the published keys with that tag; it was made by a different, unpublished key"},
    {C::kRrsigUnknownKey, "rrsig-unknown-key", W, "RFC 4035 §2.1, §5.3.1",
     "an RRSIG names a key tag and algorithm that no published zone key has"},
    {C::kRrsigExpired, "rrsig-expired", E, "RFC 4035 §5.3.1",
     "the validation time is after the RRSIG's Signature Expiration"},
    {C::kRrsigNotYetValid, "rrsig-not-yet-valid", E, "RFC 4035 §5.3.1",
     "the validation time is before the RRSIG's Signature Inception"},
    {C::kRrsigWrongSigner, "rrsig-wrong-signer", E, "RFC 4035 §2.2, §5.3.1",
     "the RRSIG's Signer's Name is not the zone apex"},
    {C::kRrsigBadLabels, "rrsig-bad-labels", E, "RFC 4034 §3.1.3; RFC 4035 §2.2",
     "the RRSIG's Labels field differs from the owner's label count (less a leading wildcard)"},
    {C::kRrsigOriginalTtlMismatch, "rrsig-original-ttl-mismatch", E, "RFC 4034 §3.1.4; RFC 4035 §2.2",
     "the RRSIG's Original TTL differs from the TTL of the RRset in the zone"},
    {C::kRrsigTtlMismatch, "rrsig-ttl-mismatch", E, "RFC 4034 §3; RFC 4035 §2.2",
     "the RRSIG RR's own TTL differs from the TTL of the RRset it covers"},
    {C::kRrsigMalformed, "rrsig-malformed", E, "RFC 4034 §3.1",
     "RRSIG RDATA that cannot be parsed, or an RRSIG covering the RRSIG type"},
    {C::kRrsigWithoutRrset, "rrsig-without-rrset", W, "RFC 4035 §2.2",
     "an RRSIG covers a type that has no RRset at its owner name"},
    {C::kRrsigOnDelegationNs, "rrsig-on-delegation-ns", E, "RFC 4035 §2.2",
     "the NS RRset at a delegation point is signed"},
    {C::kRrsigOnGlue, "rrsig-on-glue", E, "RFC 4035 §2.2",
     "non-authoritative data (glue or other data below or at a zone cut, other than DS and NSEC) is signed"},
    {C::kRrsetUnsigned, "rrset-unsigned", E, "RFC 4035 §2.2",
     "an authoritative RRset has no RRSIG at all"},
    {C::kRrsetAlgorithmMissing, "rrset-algorithm-missing", E, "RFC 4035 §2.2; RFC 6840 §5.11",
     "an authoritative RRset has no valid RRSIG of an algorithm in the apex DNSKEY RRset"},
    {C::kRrsetTtlInconsistent, "rrset-ttl-inconsistent", W, "RFC 2181 §5.2",
     "the RRs of one RRset have different TTLs"},
    {C::kDnskeyMissing, "dnskey-missing", E, "RFC 4035 §2.1",
     "the zone apex has no DNSKEY RRset with a usable zone key"},
    {C::kDnskeyMalformed, "dnskey-malformed", E, "RFC 4034 §2.1; RFC 3110 §2; RFC 6605 §4; RFC 8080 §3",
     "a DNSKEY's public key cannot be loaded for its algorithm, or its protocol is not 3"},
    {C::kDsNoMatchingDnskey, "ds-no-matching-dnskey", E, "RFC 4035 §5.2; RFC 4034 §5.1.4",
     "no parent DS (or trust anchor) matches any key in the apex DNSKEY RRset"},
    {C::kDnskeyNotSignedByTrustedKey, "dnskey-not-signed-by-trusted-key", E, "RFC 4035 §5.2",
     "keys match the parent DS (or trust anchor) but none of them validly signs the DNSKEY RRset"},
    {C::kDsDigestMismatch, "ds-digest-mismatch", W, "RFC 4034 §5.1.4",
     "a DS names a published key's tag and algorithm but its digest does not match that key"},
    {C::kApexSoaMissing, "apex-soa-missing", E, "RFC 1035 §5.2; RFC 1034 §4.2.1",
     "the zone apex has no SOA RRset"},
    {C::kDsNotAtDelegation, "ds-not-at-delegation", E, "RFC 4035 §2.4",
     "a DS RRset at the apex or at a name that is not a delegation point"},
    {C::kRecordOutOfZone, "record-out-of-zone", E, "RFC 1034 §4.2.1",
     "a record whose owner is not at or below the zone apex"},
    {C::kRdataMalformed, "rdata-malformed", E, "RFC 4034 §2-§5; RFC 5155 §3-§4",
     "DNSKEY, DS, NSEC, NSEC3 or NSEC3PARAM RDATA that cannot be parsed"},
    {C::kDenialMissing, "denial-missing", E, "RFC 4035 §2.3; RFC 5155 §7.1",
     "the signed zone has neither an NSEC nor an NSEC3 chain"},
    {C::kDenialMixed, "denial-mixed", W, "RFC 5155 §10.4",
     "the zone holds both NSEC and NSEC3 records; only the chain NSEC3PARAM selects is judged"},
    {C::kDenialTtlMismatch, "denial-ttl-mismatch", W, "RFC 4034 §4; RFC 5155 §3; RFC 9077 §3",
     "an NSEC/NSEC3 TTL is neither the SOA MINIMUM nor min(SOA TTL, SOA MINIMUM)"},
    {C::kNsecMissing, "nsec-missing", E, "RFC 4035 §2.3",
     "a name with authoritative data or a delegation has no NSEC"},
    {C::kNsecChainGap, "nsec-chain-gap", E, "RFC 4034 §4.1.1; RFC 4035 §2.3",
     "an NSEC's Next Domain Name is not the next name of the chain in canonical order (or the "
     "last NSEC does not point back to the apex)"},
    {C::kNsecExtra, "nsec-extra", E, "RFC 4035 §2.3",
     "an NSEC at a name that must not have one (glue, data below a cut, or a name with nothing else)"},
    {C::kNsecBitmapMismatch, "nsec-bitmap-mismatch", E, "RFC 4034 §4.1.2; RFC 4035 §2.3",
     "an NSEC type bitmap differs from the types present at its owner"},
    {C::kNsec3Missing, "nsec3-missing", E, "RFC 5155 §7.1",
     "a name that needs an NSEC3 (authoritative data, secure delegation, empty non-terminal, or an "
     "insecure delegation not covered by an Opt-Out span) has none"},
    {C::kNsec3ChainGap, "nsec3-chain-gap", E, "RFC 5155 §3.1.7, §7.1",
     "an NSEC3's Next Hashed Owner Name is not the next hash of the chain (or the chain does not close)"},
    {C::kNsec3Extra, "nsec3-extra", E, "RFC 5155 §7.1",
     "an NSEC3 whose hash matches no name that may have one (a deleted name, glue, or occluded data)"},
    {C::kNsec3BitmapMismatch, "nsec3-bitmap-mismatch", E, "RFC 5155 §3.2.1, §7.1",
     "an NSEC3 type bitmap differs from the types present at its original owner name"},
    {C::kNsec3ParamMismatch, "nsec3-param-mismatch", E, "RFC 5155 §4, §7.1",
     "NSEC3 parameters (hash, iterations, salt) differ from the NSEC3PARAM, or more than one NSEC3PARAM"},
    {C::kNsec3ParamMissing, "nsec3param-missing", E, "RFC 5155 §4, §7.1",
     "the zone has NSEC3 records but no NSEC3PARAM at the apex"},
    {C::kNsec3BadOwner, "nsec3-bad-owner", E, "RFC 5155 §3",
     "an NSEC3 owner is not <base32hex hash>.<apex>"},
    {C::kNsec3OptOutCoversSignedName, "nsec3-optout-covers-signed-name", E, "RFC 5155 §6, §7.1",
     "a name with signed data or a DS has no NSEC3 and falls in an Opt-Out span: resolvers would "
     "accept its denial as insecure"},
    {C::kNsec3IterationsNonzero, "nsec3-iterations-nonzero", W, "RFC 9276 §3.1",
     "NSEC3 iterations above 0"},
    {C::kNsec3SaltPresent, "nsec3-salt-present", W, "RFC 9276 §3.1",
     "a non-empty NSEC3 salt"},
    {C::kDelegationBogus, "delegation-bogus", E, "RFC 4035 §5.2; RFC 5155 §8.9",
     "the referral a resolver receives for a delegation (NS with a signed DS, or a signed proof that no "
     "DS exists) does not validate: the child is bogus"},
};

}  // namespace

const FindingClassInfo& Info(FindingClass c) { return kInfo[static_cast<int>(c)]; }
const char* FindingClassId(FindingClass c) { return Info(c).id; }

std::optional<FindingClass> FindingClassFromId(std::string_view id) {
  for (const auto& i : kInfo) {
    if (id == i.id) return i.cls;
  }
  return std::nullopt;
}

const char* SeverityName(Severity s) { return s == Severity::kError ? "error" : "warning"; }

const char* NotCheckedKindId(NotCheckedKind k) {
  switch (k) {
    case NotCheckedKind::kUnsupportedAlgorithm: return "unsupported-algorithm";
    case NotCheckedKind::kUnsupportedDigest: return "unsupported-digest";
    case NotCheckedKind::kUnsupportedNsec3Hash: return "unsupported-nsec3-hash";
  }
  return "unknown";
}

}  // namespace rollcage::oracle
