#include "signer-under-test/mutants/mutants.h"

namespace rollcage::signer::mutants {

bool Switches::any() const {
  return per_hsm_keypair || sign_by_tag || zsk_early_removal || zsk_early_use || ksk_early_removal ||
         refresh_off_by_one || no_inception_backdate || nsec3_delegation_bitmap || nsec3_stale_after_delete ||
         optout_after_ds || sign_glue || stale_original_ttl || keygen_retry || partial_zone || state_lost_on_crash;
}

Switches Switches::From(const std::set<std::string>& names) {
  Switches s;
  auto on = [&](const char* n) { return names.count(n) > 0; };
  s.per_hsm_keypair = on("per-hsm-keypair");
  s.sign_by_tag = on("sign-by-tag");
  s.zsk_early_removal = on("zsk-early-removal");
  s.zsk_early_use = on("zsk-early-use");
  s.ksk_early_removal = on("ksk-early-removal");
  s.refresh_off_by_one = on("refresh-off-by-one");
  s.no_inception_backdate = on("no-inception-backdate");
  s.nsec3_delegation_bitmap = on("nsec3-delegation-bitmap");
  s.nsec3_stale_after_delete = on("nsec3-stale-after-delete");
  s.optout_after_ds = on("optout-after-ds");
  s.sign_glue = on("sign-glue");
  s.stale_original_ttl = on("stale-original-ttl");
  s.keygen_retry = on("keygen-retry");
  s.partial_zone = on("partial-zone");
  s.state_lost_on_crash = on("state-lost-on-crash");
  return s;
}

const std::vector<Mutant>& All() {
  static const std::vector<Mutant> kAll = {
      {"per-hsm-keypair", "one key pair per HSM with identical metadata; only one published (.DE, May 2026)",
       "The .DE outage of 5 May 2026: the rollover agent should have generated one key pair and loaded it into "
       "every HSM; it generated a separate pair per HSM with the same label and id. All carried key tag 33834, "
       "one was published, and signing spread over the HSMs made about two thirds of the RRSIGs fail. The "
       "signer did not check its own signatures against the published key.",
       3, "nsec3", {}},
      {"sign-by-tag", "the signing key is looked up by key tag alone among colliding keys",
       "Key tags are not identities (RFC 4034 §8, RFC 4035 §5.3.1): with 16 bits, two keys of one zone share a "
       "tag more often than operators expect. A signer that finds 'the' private key by tag signs with whichever "
       "colliding key it finds first, e.g. a standby or retired key that is not published.",
       0, "nsec3", {}},
      {"zsk-early-removal", "the old ZSK leaves the DNSKEY RRset while its signatures are still cacheable",
       "RFC 7583 §3.2: after a ZSK rollover the old key must stay published for Iret (propagation plus the "
       "largest TTL of the RRsets it signed). Removing it at the switch makes cached RRsets signed by the old "
       "key bogus for resolvers that fetch the new DNSKEY RRset.",
       0, "nsec3", {{"zsk-lifetime", "5d"}}},
      {"zsk-early-use", "the new ZSK signs before its DNSKEY reached resolvers' caches",
       "RFC 7583 §3.2.1 pre-publication: a new ZSK may sign only after Ipub (propagation plus the DNSKEY TTL). "
       "Signing with it at once makes fresh RRsets bogus for resolvers that still hold the old DNSKEY RRset.",
       0, "nsec3", {{"zsk-lifetime", "5d"}}},
      {"ksk-early-removal", "the old KSK goes before the old DS aged out of caches (no check of the parent)",
       "RFC 7583 §3.3 and RFC 6781 §4.1.2: the old KSK may go only once the parent serves the new DS and the old "
       "DS has expired from caches. A signer that assumes the registrar acts within a fixed time, instead of "
       "checking the parent, breaks the chain of trust when the registrar is slow.",
       0, "nsec3", {{"ksk-lifetime", "20d"}}},
      {"refresh-off-by-one", "signatures are refreshed an hour after they expire instead of before",
       "RFC 6781 §4.4.2: signatures must be refreshed well before expiration. An off-by-one in the refresh "
       "computation (the refresh interval counted from the expiration in the wrong direction, in hours) serves "
       "expired signatures until the next re-signing.",
       0, "nsec3", {{"signature-validity", "3d"}, {"signature-refresh", "1d"}, {"signature-jitter", "1h"}}},
      {"no-inception-backdate", "signature inception is the signer's 'now', not backdated",
       "RFC 6781 §4.4.2.2: inception should be set in the past so validators with slightly wrong clocks (or a "
       "signer whose clock runs ahead) do not see signatures that are not yet valid.",
       0, "nsec3", {}},
      {"nsec3-delegation-bitmap", "the NSEC3 type bitmap of an insecure delegation claims DS and RRSIG",
       "RFC 5155 §7.1 and RFC 4035 §5.2: the NSEC3 of an insecure delegation proves there is no DS. A bitmap "
       "that lists DS makes the referral's no-DS proof bogus, so even unsigned delegations fail to resolve (as "
       "in the .DE outage, where bogus NSEC3 in referrals took down unsigned children).",
       0, "nsec3", {}},
      {"nsec3-stale-after-delete", "the NSEC3 chain is not rebuilt after a name is deleted",
       "Incremental signers must update the denial chain on every change (RFC 5155 §7.2). Keeping the old "
       "chain after a deletion leaves NSEC3 records for names that no longer exist and breaks the chain.",
       0, "nsec3", {}},
      {"optout-after-ds", "a delegation that gained a DS stays inside the opt-out span",
       "RFC 5155 §6 and §7.1: with opt-out only insecure delegations may be left out of the NSEC3 chain. A "
       "delegation that gets a DS must get its NSEC3; otherwise DS denial and the secure referral break.",
       0, "nsec3-optout", {}},
      {"sign-glue", "delegation NS RRsets and glue are signed",
       "RFC 4035 §2.2: the NS RRset at a delegation point and glue are not authoritative data and must not be "
       "signed. Signing them publishes RRSIGs over data the child owns.",
       0, "nsec3", {}},
      {"stale-original-ttl", "after a TTL change the old RRSIG is reused: its original TTL is stale",
       "RFC 4034 §3.1.4 and RFC 4035 §5.3.3: the RRSIG carries the RRset's original TTL. Reusing a signature "
       "after the TTL changed leaves RRSIG and RRset disagreeing; validators must not trust the larger TTL.",
       0, "nsec3", {}},
      {"keygen-retry", "a keygen that failed as reported is retried with new material; the first key is published",
       "An HSM operation that succeeded inside the HSM but was reported as failed (a timeout, a lost reply): "
       "the rollover agent retried with a fresh key pair, recorded the first public key and signed with the "
       "second — signatures under a key nobody published.",
       2, "nsec3", {}},
      {"partial-zone", "a partly signed zone is published after a C_Sign error",
       "Fail closed (DESIGN.md): when the HSM fails mid-signing the signer must keep the last good zone. "
       "Publishing what it managed to sign leaves RRsets without signatures: bogus answers.",
       2, "nsec3", {}},
      {"state-lost-on-crash", "key state is kept in memory only and lost on a crash",
       "A signer restarted after a crash must continue the rollover where it stopped. One that lost its key "
       "state starts over: new keys published and used at once, the DS at the parent no longer matching.",
       0, "nsec3", {}},
  };
  return kAll;
}

const Mutant* Find(std::string_view name) {
  for (const auto& m : All()) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

}  // namespace rollcage::signer::mutants
