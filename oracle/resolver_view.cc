// The resolver view: for every delegation, the referral a validating resolver receives — the NS
// RRset plus either the DS RRset with its RRSIGs (RFC 4035 §5.2) or the signed proof that no DS
// exists: the NSEC at the delegation (RFC 4035 §5.2, RFC 6840 §4.4) or the matching NSEC3, or a
// closest-encloser proof whose next-closer name is covered by an Opt-Out NSEC3 (RFC 5155 §8.9,
// §7.2.7). Each referral is judged secure, insecure or bogus; bogus unsigned children are the ones
// broken only by the parent's proof.
#include "base/encoding.h"
#include "dns/rdata.h"
#include "oracle/internal/validation.h"

namespace rollcage::oracle::internal {
namespace {

constexpr size_t kMaxBogusListed = 1000;

struct Judgement {
  Security security = Security::kBogus;
  std::string reason;
};

Judgement Bogus(std::string why) { return Judgement{Security::kBogus, std::move(why)}; }

// A proof record's bitmap must show NS and neither DS nor SOA (RFC 6840 §4.4, RFC 5155 §8.9).
std::string BitmapProblem(std::string_view bitmap) {
  if (BitmapHas(bitmap, dns::rrtype::kDS)) return "its bitmap claims a DS RRset";
  if (!BitmapHas(bitmap, dns::rrtype::kNS)) return "its bitmap lacks NS";
  if (BitmapHas(bitmap, dns::rrtype::kSOA)) return "its bitmap shows SOA (a child-side record)";
  return "";
}

Judgement ProofSecure(const Context& ctx, int rrset, const char* what) {
  if (ctx.secure[rrset]) return Judgement{Security::kInsecure, ""};
  if (ctx.unchecked[rrset]) return Judgement{Security::kUnchecked, std::string(what) + " uses an unsupported algorithm"};
  return Bogus(std::string(what) + ": " + ctx.bogus_reason[rrset]);
}

Judgement JudgeNsec(const Context& ctx, uint32_t node) {
  int r = ctx.ix.FindIndex(node, dns::rrtype::kNSEC);
  if (r < 0) return Bogus("no NSEC at the delegation to prove that no DS exists");
  auto d = dns::NsecData::Parse(ctx.ix.records()[ctx.ix.rrsets()[r].records.front()].rdata);
  if (!d.ok()) return Bogus("the NSEC at the delegation is malformed");
  std::string p = BitmapProblem(dns::EncodeTypeBitmap(d->types));
  if (!p.empty()) return Bogus("the NSEC at the delegation: " + p);
  return ProofSecure(ctx, r, "the NSEC at the delegation");
}

Judgement JudgeNsec3(Context& ctx, uint32_t node) {
  const dns::Name& name = ctx.NodeName(node);
  if (!ctx.nsec3_usable) {
    if (ctx.params.hash_algorithm != 1) {
      return Judgement{Security::kUnchecked, "the NSEC3 hash algorithm is not SHA-1: the proof cannot be checked"};
    }
    return Bogus("no usable NSEC3 chain");
  }
  int m = ctx.Matching(ctx.NodeHash(node));
  if (m >= 0) {
    const Nsec3Entry& e = ctx.chain[m];
    std::string p = BitmapProblem(e.bitmap);
    if (!p.empty()) return Bogus("the matching NSEC3 " + ctx.NodeName(e.node).ToText() + ": " + p);
    return ProofSecure(ctx, e.rrset, "the matching NSEC3");
  }
  // Closest encloser proof (RFC 5155 §8.3) with an Opt-Out NSEC3 over the next closer name.
  const dns::Name& apex = ctx.ix.apex_name();
  int ce = -1;
  dns::Name ce_name;
  for (dns::Name a = name.Parent();; a = a.Parent()) {
    int hm = ctx.Matching(ctx.Hash(a));
    if (hm >= 0) {
      ce = hm;
      ce_name = a;
      break;
    }
    if (a == apex || a.IsRoot()) break;
  }
  if (ce < 0) return Bogus("no NSEC3 matches the delegation or any ancestor (no closest encloser)");
  dns::Name next_closer = name.Suffix(ce_name.LabelCount() + 1);
  int cov = ctx.Covering(ctx.Hash(next_closer));
  if (cov < 0) return Bogus("no NSEC3 matches the delegation and none covers the next closer name " + next_closer.ToText());
  const Nsec3Entry& c = ctx.chain[cov];
  if (!c.opt_out) {
    return Bogus("no NSEC3 matches the delegation and the NSEC3 covering it (" + ctx.NodeName(c.node).ToText() +
                 ") lacks the Opt-Out flag");
  }
  Judgement j = ProofSecure(ctx, ctx.chain[ce].rrset, "the closest encloser's NSEC3");
  if (j.security != Security::kInsecure) return j;
  return ProofSecure(ctx, c.rrset, "the Opt-Out NSEC3 covering the next closer name");
}

}  // namespace

void BuildResolverView(Context& ctx) {
  const ZoneIndex& ix = ctx.ix;
  ResolverView& rv = ctx.report.resolver;
  for (uint32_t i = 0; i < ix.nodes().size(); ++i) {
    const auto& n = ix.nodes()[i];
    if (n.kind != NodeKind::kDelegation) continue;
    ++rv.delegations;
    int ds = ix.FindIndex(i, dns::rrtype::kDS);
    Judgement j;
    if (!ctx.keys_trusted && ctx.report.trust.security == Security::kUnchecked) {
      j = Judgement{Security::kUnchecked, "the zone's keys use algorithms the oracle cannot verify"};
    } else if (!ctx.keys_trusted) {
      j = Bogus("the zone's DNSKEY RRset is not trusted (" + ctx.report.trust.detail + ")");
    } else if (ds >= 0) {
      if (ctx.secure[ds]) {
        j = Judgement{Security::kSecure, ""};
      } else if (ctx.unchecked[ds]) {
        j = Judgement{Security::kUnchecked, "the DS RRSIGs use an unsupported algorithm"};
      } else {
        j = Bogus("the DS RRset: " + ctx.bogus_reason[ds]);
      }
    } else if (ctx.mode == Context::Mode::kNsec) {
      j = JudgeNsec(ctx, i);
    } else if (ctx.mode == Context::Mode::kNsec3) {
      j = JudgeNsec3(ctx, i);
    } else {
      j = Bogus("the zone has no NSEC or NSEC3 chain to prove that no DS exists");
    }
    switch (j.security) {
      case Security::kSecure: ++rv.secure; break;
      case Security::kInsecure: ++rv.insecure; break;
      case Security::kUnchecked: ++rv.unchecked; break;
      case Security::kBogus:
        ++rv.bogus;
        if (ds >= 0) {
          ++rv.bogus_with_ds;
        } else {
          ++rv.bogus_unsigned;
        }
        if (rv.bogus_list.size() < kMaxBogusListed) rv.bogus_list.push_back(DelegationVerdict{*n.name, j.security, ds >= 0, j.reason});
        ctx.Add(FindingClass::kDelegationBogus, *n.name, ds >= 0 ? dns::rrtype::kDS : dns::rrtype::kNS,
                std::string(ds >= 0 ? "signed child: " : "unsigned child: ") + j.reason);
        break;
    }
  }
}

}  // namespace rollcage::oracle::internal
