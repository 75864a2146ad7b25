#include "oracle/zone_validator.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <set>
#include <thread>

#include "base/encoding.h"
#include "dns/rdata.h"
#include "oracle/crypto.h"
#include "oracle/internal/validation.h"
#include "oracle/signed_data.h"
#include "oracle/zone_index.h"

namespace rollcage::oracle {
namespace {

using internal::Context;
using Clock = std::chrono::steady_clock;  // durations for the timing report only, never verdicts

double Since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

std::string TagText(uint16_t tag, uint8_t a) {
  return "key tag " + std::to_string(tag) + " " + AlgorithmName(a);
}

// Apex records, keys and their findings.
void CheckApexAndKeys(Context& ctx) {
  const ZoneIndex& ix = ctx.ix;
  const dns::Name& apex = ix.apex_name();
  for (const auto& n : ix.nodes()) {
    if (n.kind == NodeKind::kOutOfZone) {
      ctx.Add(FindingClass::kRecordOutOfZone, *n.name, 0, "owner is not at or below the apex " + apex.ToText());
    }
  }
  const ZoneIndex::Rrset* soa = ix.apex() >= 0 ? ix.Find(ix.apex(), dns::rrtype::kSOA) : nullptr;
  if (!soa) {
    ctx.Add(FindingClass::kApexSoaMissing, apex, dns::rrtype::kSOA, "no SOA at the zone apex");
  } else {
    auto d = dns::SoaData::Parse(ix.records()[soa->records.front()].rdata);
    if (d.ok()) {
      ctx.have_soa = true;
      ctx.soa_minimum = d->minimum;
      ctx.soa_ttl = soa->ttl;
    } else {
      ctx.Add(FindingClass::kRdataMalformed, apex, dns::rrtype::kSOA, d.status().message());
    }
  }
  const ZoneIndex::Rrset* dnskey = ix.apex() >= 0 ? ix.Find(ix.apex(), dns::rrtype::kDNSKEY) : nullptr;
  if (!dnskey) {
    ctx.Add(FindingClass::kDnskeyMissing, apex, dns::rrtype::kDNSKEY, "no DNSKEY RRset at the zone apex");
    return;
  }
  std::vector<std::string_view> rdatas = ix.Rdatas(*dnskey);
  for (auto r : rdatas) {
    if (r.size() < 4) ctx.Add(FindingClass::kRdataMalformed, apex, dns::rrtype::kDNSKEY, "DNSKEY RDATA shorter than 4 octets");
  }
  ctx.keys = KeySet::Shared(rdatas);
  std::map<std::pair<uint16_t, uint8_t>, size_t> tags;
  for (const ZoneKey& k : ctx.keys->keys()) {
    if (k.protocol != 3) {
      ctx.Add(FindingClass::kDnskeyMalformed, apex, dns::rrtype::kDNSKEY,
              "DNSKEY with " + TagText(k.tag, k.algorithm) + " has protocol " + std::to_string(k.protocol) +
                  ", not 3",
              k.tag, k.algorithm);
    }
    if (!k.zone_key()) continue;
    if (!k.load.ok()) {
      if (k.load.kind() == ErrorKind::kEnvironment) {
        ctx.report.not_checked.push_back(NotChecked{NotCheckedKind::kUnsupportedAlgorithm, apex, dns::rrtype::kDNSKEY,
                                                    "DNSKEY " + TagText(k.tag, k.algorithm) + ": " + k.load.message()});
      } else {
        ctx.Add(FindingClass::kDnskeyMalformed, apex, dns::rrtype::kDNSKEY,
                "DNSKEY " + TagText(k.tag, k.algorithm) + ": " + k.load.message(), k.tag, k.algorithm);
      }
    }
    if (k.usable()) ++tags[{k.tag, k.algorithm}];
  }
  for (const auto& [ta, n] : tags) {
    if (n > 1) ctx.report.published_tag_collisions.emplace_back(ta.first, n);
  }
  if (ctx.keys->Algorithms().empty()) {
    ctx.Add(FindingClass::kDnskeyMissing, apex, dns::rrtype::kDNSKEY,
            "the DNSKEY RRset holds no usable zone key (Zone Key flag set, protocol 3, not revoked)");
  }
}

// Worker threads for n signatures: one below the threshold (no thread start-up for small zones).
int ThreadsFor(const ValidateOptions& o, size_t n) {
  if (n < o.parallel_threshold) return 1;
  return o.threads > 0 ? o.threads : int(std::max(1u, std::thread::hardware_concurrency()));
}

struct Task {
  uint32_t rrset;
  uint32_t record;
};

struct SigResult {
  bool parsed = false;
  RrsigView sig;  // views into the zone's records
  SignatureCheck check;
};

// The signature pass: the tasks (one per RRSIG over an authoritative RRset), their results, and the
// next unclaimed task. Any number of threads may call Work at once; each result is written by the
// one thread that claimed its task.
struct SignaturePass {
  std::vector<Task> tasks;
  std::vector<SigResult> results;
  std::atomic<size_t> next{0};
};

// Claims and runs tasks until none is left (or until about max_tasks were claimed); returns how
// many it ran.
size_t WorkSignatures(const Context& ctx, SignaturePass* pass, size_t max_tasks = SIZE_MAX) {
  RrsetVerifier verifier(ctx.opt.cache);
  const ZoneIndex& ix = ctx.ix;
  const auto& recs = ix.records();
  const auto& tasks = pass->tasks;
  constexpr size_t kChunk = 32;
  RrsetView view;  // rebuilt per RRset (tasks of one RRset are adjacent)
  uint32_t view_of = UINT32_MAX;
  size_t ran = 0;
  while (ran < max_tasks) {
    size_t begin = pass->next.fetch_add(kChunk);
    if (begin >= tasks.size()) return ran;
    size_t end = std::min(tasks.size(), begin + kChunk);
    ran += end - begin;
    for (size_t t = begin; t < end; ++t) {
      auto sig = RrsigView::Parse(recs[tasks[t].record].rdata);
      if (!sig.ok()) continue;
      if (view_of != tasks[t].rrset) {
        const ZoneIndex::Rrset& rs = ix.rrsets()[tasks[t].rrset];
        view.owner = ix.nodes()[rs.node].name;
        view.type = rs.type;
        view.rrclass = rs.rrclass;
        view.ttl = rs.ttl;
        view.rdatas.clear();
        for (uint32_t i : rs.records) view.rdatas.emplace_back(recs[i].rdata);
        view_of = tasks[t].rrset;
      }
      SigResult& r = pass->results[t];
      r.parsed = true;
      r.sig = *sig;
      r.check = verifier.Check(view, *sig, *ctx.keys, ix.apex_name(), ctx.opt.now);
    }
  }
  return ran;
}

std::string ShortKey(const std::string& k) {
  std::string b = Base64Encode(k);
  return b.size() > 16 ? b.substr(0, 16) + "..." : b;
}

// Findings for one verified signature.
void ReportSignature(Context& ctx, const ZoneIndex::Rrset& rs, const dns::RR& sig_rr, const RrsigView& sig,
                     const SignatureCheck& c, std::map<uint8_t, size_t>& unsupported) {
  bool clean = c.outcome == SigOutcome::kValid && !c.signer_mismatch && !c.labels_mismatch && !c.expired &&
               !c.not_yet_valid && sig.original_ttl == rs.ttl && sig_rr.ttl == rs.ttl;
  if (clean) return;  // the common case builds no strings
  const dns::Name& owner = *ctx.ix.nodes()[rs.node].name;
  int tag = sig.key_tag, a = sig.algorithm;
  std::string who = "RRSIG by " + TagText(sig.key_tag, sig.algorithm);
  if (c.signer_mismatch) {
    auto n = dns::Name::FromWire(sig.signer_wire);
    ctx.Add(FindingClass::kRrsigWrongSigner, owner, rs.type,
            who + " names signer " + (n.ok() ? n->ToText() : "<malformed>") + ", not the apex " +
                ctx.ix.apex_name().ToText(),
            tag, a);
  }
  if (c.labels_mismatch) {
    ctx.Add(FindingClass::kRrsigBadLabels, owner, rs.type,
            who + " has Labels " + std::to_string(sig.labels) + ", the owner has " +
                std::to_string(RrsigLabelCount(owner)),
            tag, a);
  }
  if (sig.original_ttl != rs.ttl) {
    ctx.Add(FindingClass::kRrsigOriginalTtlMismatch, owner, rs.type,
            who + " has Original TTL " + std::to_string(sig.original_ttl) + ", the RRset's TTL is " +
                std::to_string(rs.ttl),
            tag, a);
  }
  if (sig_rr.ttl != rs.ttl) {
    ctx.Add(FindingClass::kRrsigTtlMismatch, owner, rs.type,
            who + " has TTL " + std::to_string(sig_rr.ttl) + ", the RRset's TTL is " + std::to_string(rs.ttl), tag, a);
  }
  if (c.expired) {
    ctx.Add(FindingClass::kRrsigExpired, owner, rs.type,
            who + " expired at " + FormatTimeIso(c.expiration) + " (validation time " + FormatTimeIso(ctx.opt.now) + ")",
            tag, a);
  }
  if (c.not_yet_valid) {
    ctx.Add(FindingClass::kRrsigNotYetValid, owner, rs.type,
            who + " is valid only from " + FormatTimeIso(c.inception) + " (validation time " +
                FormatTimeIso(ctx.opt.now) + ")",
            tag, a);
  }
  size_t published = ctx.keys->Matching(sig.key_tag, sig.algorithm, rs.type == dns::rrtype::kDNSKEY).size();
  std::string none_of = who + " verifies under none of the " + std::to_string(published) +
                        " published key(s) with that tag";
  switch (c.outcome) {
    case SigOutcome::kValid:
    case SigOutcome::kBadLabels:  // reported as rrsig-bad-labels above
    case SigOutcome::kKeyUnusable:  // reported as dnskey-malformed
      break;
    case SigOutcome::kUnsupportedAlgorithm:
      ++unsupported[sig.algorithm];
      break;
    case SigOutcome::kNoKey:
      ctx.Add(FindingClass::kRrsigUnknownKey, owner, rs.type, who + ": no published zone key has that tag and algorithm",
              tag, a);
      break;
    case SigOutcome::kMalformedSignature:
      ctx.Add(FindingClass::kRrsigBadSignature, owner, rs.type,
              who + ": a signature of " + std::to_string(sig.signature.size()) + " octets is malformed for " +
                  AlgorithmName(sig.algorithm),
              tag, a);
      break;
    case SigOutcome::kInvalid:
      switch (c.evidence) {
        case InvalidEvidence::kUnpublishedKey:
          ctx.Add(FindingClass::kRrsigUnpublishedKeySameTag, owner, rs.type,
                  none_of + "; the public key recovered from it (" + ShortKey(c.recovered_keys.front()) +
                      (c.candidate_votes >= 2
                           ? ") made " + std::to_string(c.candidate_votes) +
                                 " invalid signatures of this zone: an unpublished key signed under this tag"
                           : ") has the same tag: an unpublished key made it"),
                  tag, a);
          break;
        case InvalidEvidence::kUndetermined:
          ctx.Add(FindingClass::kRrsigUnpublishedKeySameTag, owner, rs.type,
                  none_of +
                      (sig.algorithm == alg::kEd25519 || sig.algorithm == alg::kEd448
                           ? "; EdDSA signatures do not reveal their key: an unpublished key with that tag, or a corrupted signature"
                           : "; it does not decode under any of them: another key with that tag made it, or it is corrupted"),
                  tag, a);
          break;
        case InvalidEvidence::kNotMadeOverThisData:
          ctx.Add(FindingClass::kRrsigBadSignature, owner, rs.type,
                  none_of + "; no key with that tag made it over this RRset: the RRset or the signature changed after signing",
                  tag, a);
          break;
        case InvalidEvidence::kPublishedKeyOtherData:
          ctx.Add(FindingClass::kRrsigBadSignature, owner, rs.type,
                  none_of + "; a published key with that tag made it over other data: the RRset changed after signing or the wrong data was signed",
                  tag, a);
          break;
        case InvalidEvidence::kNone:
          ctx.Add(FindingClass::kRrsigBadSignature, owner, rs.type, none_of, tag, a);
          break;
      }
      break;
  }
}

// Which RRsets are authoritative, the structural findings about signatures, and the task list.
void PrepareSignatures(Context& ctx, SignaturePass* pass) {
  const ZoneIndex& ix = ctx.ix;
  const auto& recs = ix.records();
  Report& rep = ctx.report;
  size_t nrr = ix.rrsets().size();
  ctx.authoritative.assign(nrr, 0);
  ctx.secure.assign(nrr, 0);
  ctx.bogus_reason.assign(nrr, "");
  ctx.unchecked.assign(nrr, 0);

  // Which RRsets are authoritative (RFC 4035 §2.2): everything at the apex and at authoritative
  // names; at a delegation point only DS and NSEC; nothing below a cut.
  std::vector<Task>& tasks = pass->tasks;
  tasks.reserve(ix.rrsig_count());
  for (uint32_t r = 0; r < nrr; ++r) {
    const ZoneIndex::Rrset& rs = ix.rrsets()[r];
    const ZoneIndex::Node& n = ix.nodes()[rs.node];
    bool auth = false;
    switch (n.kind) {
      case NodeKind::kApex: case NodeKind::kAuthoritative: auth = true; break;
      case NodeKind::kDelegation: auth = rs.type == dns::rrtype::kDS || rs.type == dns::rrtype::kNSEC; break;
      default: auth = false;
    }
    // Below a zone cut a DS is occluded data, never served (RFC 4035 §2.2): ignored, like any
    // occluded data; signatures over it are reported as signatures on non-authoritative data.
    if (rs.type == dns::rrtype::kDS && n.kind != NodeKind::kDelegation && n.kind != NodeKind::kOutOfZone &&
        n.kind != NodeKind::kBelowCut) {
      ctx.Add(FindingClass::kDsNotAtDelegation, *n.name, rs.type,
              n.kind == NodeKind::kApex ? "a DS RRset at the zone apex belongs in the parent zone"
              : n.kind == NodeKind::kBelowCut ? "a DS RRset below a zone cut"
                                               : "a DS RRset at a name without NS: not a delegation point");
    }
    if (!auth) {
      rep.rrsigs_not_verified += rs.sigs.size();
      if (!rs.sigs.empty() && n.kind != NodeKind::kOutOfZone) {
        bool deleg_ns = n.kind == NodeKind::kDelegation && rs.type == dns::rrtype::kNS;
        ctx.Add(deleg_ns ? FindingClass::kRrsigOnDelegationNs : FindingClass::kRrsigOnGlue, *n.name, rs.type,
                std::to_string(rs.sigs.size()) + " RRSIG(s) over " +
                    (deleg_ns ? std::string("the delegation NS RRset")
                              : std::string("non-authoritative data (") +
                                    (n.kind == NodeKind::kBelowCut ? "below a zone cut" : "at a delegation point") + ")"));
      }
      continue;
    }
    ctx.authoritative[r] = 1;
    if (!rs.ttl_consistent) {
      ctx.Add(FindingClass::kRrsetTtlInconsistent, *n.name, rs.type,
              "the RRs of this RRset have different TTLs; the lowest, " + std::to_string(rs.ttl) + ", is used");
    }
    for (uint32_t s : rs.sigs) tasks.push_back(Task{r, s});
  }
  for (const auto& n : ix.nodes()) {
    for (uint32_t s : n.malformed_sigs) {
      ++rep.rrsigs_not_verified;
      ctx.Add(FindingClass::kRrsigMalformed, *n.name, 0,
              recs[s].rdata.size() < 2 ? "RRSIG RDATA too short to name a covered type" : "an RRSIG covering the RRSIG type");
    }
    for (uint32_t s : n.orphan_sigs) {
      ++rep.rrsigs_not_verified;
      if (n.kind == NodeKind::kOutOfZone) continue;
      uint16_t covered = ReadU16(reinterpret_cast<const unsigned char*>(recs[s].rdata.data()));
      if (n.kind == NodeKind::kBelowCut) {
        ctx.Add(FindingClass::kRrsigOnGlue, *n.name, covered, "an RRSIG below a zone cut (covering a type absent here)");
      } else {
        ctx.Add(FindingClass::kRrsigWithoutRrset, *n.name, covered,
                "an RRSIG covers " + dns::TypeToText(covered) + " but the owner has no such RRset");
      }
    }
  }

  pass->results.resize(tasks.size());
}

// Findings from the verified signatures, coverage, and the .DE diagnosis.
void FinishSignatures(Context& ctx, SignaturePass* pass) {
  const ZoneIndex& ix = ctx.ix;
  const auto& recs = ix.records();
  Report& rep = ctx.report;
  size_t nrr = ix.rrsets().size();
  const std::vector<Task>& tasks = pass->tasks;
  const std::vector<SigResult>& results = pass->results;

  // Findings, coverage and the .DE diagnosis, in RRset order (deterministic). The common case (every
  // RRSIG valid) allocates nothing: algorithm sets are bitsets, reasons are built only on failure.
  struct AlgSet {
    uint64_t w[4] = {};
    void Add(uint8_t a) { w[a >> 6] |= uint64_t(1) << (a & 63); }
    bool Has(uint8_t a) const { return w[a >> 6] >> (a & 63) & 1; }
    bool Empty() const { return !(w[0] | w[1] | w[2] | w[3]); }
  };
  std::vector<uint8_t> algorithms;
  for (uint8_t a : ctx.keys->Algorithms()) {
    if (AlgorithmSupported(a)) algorithms.push_back(a);
  }
  std::map<uint8_t, size_t> unsupported;
  struct DeSig {
    std::vector<std::string> recovered;
  };
  std::map<std::pair<uint16_t, uint8_t>, std::vector<DeSig>> de;
  auto why = [](const SignatureCheck& c) {
    std::string w = SigOutcomeName(c.outcome);
    if (c.expired) w += ", expired";
    if (c.not_yet_valid) w += ", not yet valid";
    if (c.signer_mismatch) w += ", wrong signer";
    return w;
  };
  // Keys recovered from several invalid signatures made them: count, per recovered key, the
  // invalid signatures of the zone that recover to it (random points never repeat).
  std::map<std::string, int> votes;
  for (const auto& res : results) {
    if (!res.parsed || res.check.outcome != SigOutcome::kInvalid) continue;
    std::set<std::string> seen(res.check.candidate_keys.begin(), res.check.candidate_keys.end());
    for (const auto& k : seen) ++votes[k];
  }
  size_t t = 0;
  for (uint32_t r = 0; r < nrr; ++r) {
    if (!ctx.authoritative[r]) continue;
    const ZoneIndex::Rrset& rs = ix.rrsets()[r];
    const dns::Name& owner = *ix.nodes()[rs.node].name;
    AlgSet covered, present;
    size_t unsupported_sigs = 0;
    size_t first = t;
    for (size_t k = 0; k < rs.sigs.size(); ++k, ++t) {
      const SigResult& res = results[t];
      const dns::RR& sig_rr = recs[tasks[t].record];
      if (!res.parsed) {
        ++rep.rrsigs_invalid;
        auto e = RrsigView::Parse(sig_rr.rdata);
        ctx.Add(FindingClass::kRrsigMalformed, owner, rs.type, e.ok() ? "RRSIG RDATA malformed" : e.status().message());
        continue;
      }
      const RrsigView& sig = res.sig;
      SignatureCheck c = res.check;
      if (c.outcome == SigOutcome::kInvalid && c.evidence == InvalidEvidence::kNotMadeOverThisData) {
        const std::string* best = nullptr;
        for (const auto& k : c.candidate_keys) {
          if (!best || votes[k] > votes[*best]) best = &k;
        }
        if (best && votes[*best] >= 2) {
          c.evidence = InvalidEvidence::kUnpublishedKey;
          c.recovered_keys = {*best};
          c.candidate_votes = votes[*best];
        }
      }
      rep.crypto_ops += c.crypto_ops;
      if (c.outcome == SigOutcome::kValid && c.crypto_ops == 0) ++rep.cache_hits;
      switch (c.outcome) {
        case SigOutcome::kValid: ++rep.rrsigs_valid; break;
        case SigOutcome::kNoKey: ++rep.rrsigs_no_key; break;
        case SigOutcome::kUnsupportedAlgorithm: ++rep.rrsigs_not_checked; ++unsupported_sigs; break;
        default: ++rep.rrsigs_invalid; break;
      }
      ReportSignature(ctx, rs, sig_rr, sig, c, unsupported);
      present.Add(sig.algorithm);
      if (c.Validates()) covered.Add(sig.algorithm);
      if (c.outcome == SigOutcome::kInvalid) {
        de[{sig.key_tag, sig.algorithm}].push_back(DeSig{c.recovered_keys});
      }
    }
    // The first failing RRSIG of algorithm a, for the reasons below.
    auto why_not = [&](uint8_t a) -> std::string {
      for (size_t u = first; u < t; ++u) {
        if (results[u].parsed && results[u].sig.algorithm == a && !results[u].check.Validates()) return why(results[u].check);
      }
      return "malformed";
    };
    if (!covered.Empty()) {
      ctx.secure[r] = 1;
    } else if (!rs.sigs.empty() && unsupported_sigs == rs.sigs.size()) {
      ctx.unchecked[r] = 1;
    } else {
      ctx.bogus_reason[r] = rs.sigs.empty() ? "no RRSIG" : "no RRSIG validates";
      for (size_t u = first; u < t; ++u) {
        if (results[u].parsed) {
          ctx.bogus_reason[r] += " (" + why(results[u].check) + ")";
          break;
        }
      }
    }
    if (rs.sigs.empty()) {
      ctx.Add(FindingClass::kRrsetUnsigned, owner, rs.type, "an authoritative RRset without any RRSIG");
      continue;
    }
    for (uint8_t a : algorithms) {
      if (covered.Has(a)) continue;
      ctx.Add(FindingClass::kRrsetAlgorithmMissing, owner, rs.type,
              "no valid RRSIG of algorithm " + AlgorithmName(a) + ", which the apex DNSKEY RRset holds" +
                  (present.Has(a) ? " (" + why_not(a) + ")" : " (no RRSIG of that algorithm)"),
              -1, a);
    }
  }
  for (const auto& [a, n] : unsupported) {
    rep.not_checked.push_back(NotChecked{NotCheckedKind::kUnsupportedAlgorithm, ix.apex_name(), 0,
                                         std::to_string(n) + " RRSIG(s) of algorithm " + AlgorithmName(a) +
                                             " could not be verified",
                                         n});
  }

  // .DE diagnosis: group invalid signatures per (tag, algorithm) by a common recovered key.
  DeDiagnosis& d = rep.de;
  for (auto& [ta, sigs] : de) {
    DeKeyGroup g;
    g.key_tag = ta.first;
    g.algorithm = ta.second;
    g.signatures = sigs.size();
    g.published_keys = ctx.keys->Matching(ta.first, ta.second, true).size();
    std::map<std::string, size_t> votes;
    for (const auto& s : sigs) {
      for (const auto& k : s.recovered) ++votes[k];
    }
    std::map<std::string, size_t> assigned;
    for (const auto& s : sigs) {
      const std::string* best = nullptr;
      for (const auto& k : s.recovered) {
        if (!best || votes[k] > votes[*best] || (votes[k] == votes[*best] && k < *best)) best = &k;
      }
      if (best) {
        ++assigned[*best];
      } else {
        ++g.unattributed;
      }
    }
    for (const auto& [k, n] : assigned) g.recovered.push_back(DeKeyGroup::Recovered{k, n});
    std::stable_sort(g.recovered.begin(), g.recovered.end(),
                     [](const auto& a, const auto& b) { return a.signatures > b.signatures; });
    d.rrsigs += g.signatures;
    d.unpublished_keys += g.recovered.size();
    d.groups.push_back(std::move(g));
  }
  d.share = rep.rrsigs_total ? double(d.rrsigs) / double(rep.rrsigs_total) : 0.0;
}

// The chain of trust (RFC 4035 §5.2) from --ds / --trust-anchor, or the apex keys taken as given.
void CheckTrust(Context& ctx) {
  const ZoneIndex& ix = ctx.ix;
  const dns::Name& apex = ix.apex_name();
  TrustSummary& ts = ctx.report.trust;
  ts.source = ctx.opt.trust_source;
  int dnskey = ix.apex() >= 0 ? ix.FindIndex(ix.apex(), dns::rrtype::kDNSKEY) : -1;
  bool given = !ctx.opt.ds_rdatas.empty() || !ctx.opt.anchor_dnskeys.empty();
  if (dnskey < 0 || ctx.keys->empty()) {
    ts.security = Security::kBogus;
    ts.detail = "no DNSKEY RRset";
    return;
  }
  // Signatures over the DNSKEY RRset and the key each validates under.
  std::set<int> signing;
  bool dnskey_checkable = false;  // some RRSIG over the DNSKEY RRset uses an algorithm the oracle verifies
  {
    RrsetVerifier v(ctx.opt.cache);
    RrsetView view;
    view.owner = &apex;
    view.type = dns::rrtype::kDNSKEY;
    view.ttl = ix.rrsets()[dnskey].ttl;
    view.rdatas = ix.Rdatas(ix.rrsets()[dnskey]);
    for (uint32_t s : ix.rrsets()[dnskey].sigs) {
      auto sig = RrsigView::Parse(ix.records()[s].rdata);
      if (!sig.ok()) continue;
      SignatureCheck c = v.Check(view, *sig, *ctx.keys, apex, ctx.opt.now);
      if (c.outcome != SigOutcome::kUnsupportedAlgorithm) dnskey_checkable = true;
      if (c.Validates()) signing.insert(c.key);
    }
  }
  if (signing.empty() && !dnskey_checkable && !ix.rrsets()[dnskey].sigs.empty()) {
    ts.security = Security::kUnchecked;
    ts.detail = "the DNSKEY RRset is signed only with algorithms the oracle cannot verify";
    return;
  }
  if (!given) {
    ts.security = signing.empty() ? Security::kBogus : Security::kSecure;
    ts.detail = "no --ds or --trust-anchor given: the apex DNSKEY RRset is taken as given";
    for (int k : signing) ts.trusted_key_tags.push_back(ctx.keys->keys()[k].tag);
    if (signing.empty()) ts.detail += "; no key in it validly signs it";
    ctx.keys_trusted = !signing.empty();
    return;
  }
  std::set<int> matched;
  size_t checkable = 0;
  for (const auto& ds : ctx.opt.ds_rdatas) {
    auto d = dns::DsData::Parse(ds);
    if (!d.ok()) continue;
    if (!DigestTypeSupported(d->digest_type)) {
      ctx.report.not_checked.push_back(NotChecked{NotCheckedKind::kUnsupportedDigest, apex, dns::rrtype::kDS,
                                                  "DS " + TagText(d->key_tag, d->algorithm) + " uses digest type " +
                                                      std::to_string(d->digest_type)});
      continue;
    }
    if (!AlgorithmSupported(d->algorithm)) {
      ctx.report.not_checked.push_back(NotChecked{NotCheckedKind::kUnsupportedAlgorithm, apex, dns::rrtype::kDS,
                                                  "DS " + TagText(d->key_tag, d->algorithm) + " names an unsupported algorithm"});
      continue;
    }
    ++checkable;
    const auto& cands = ctx.keys->Matching(d->key_tag, d->algorithm, true);
    bool hit = false;
    for (int k : cands) {
      auto digest = DsDigest(apex, ctx.keys->keys()[k].rdata, d->digest_type);
      if (digest && *digest == d->digest) {
        matched.insert(k);
        hit = true;
      }
    }
    if (!cands.empty() && !hit) {
      ctx.Add(FindingClass::kDsDigestMismatch, apex, dns::rrtype::kDS,
              "parent DS " + TagText(d->key_tag, d->algorithm) + " digest type " + std::to_string(d->digest_type) +
                  " does not match the published key(s) with that tag",
              d->key_tag, d->algorithm);
    }
  }
  for (const auto& a : ctx.opt.anchor_dnskeys) {
    ++checkable;
    for (size_t i = 0; i < ctx.keys->keys().size(); ++i) {
      if (ctx.keys->keys()[i].rdata == a && ctx.keys->keys()[i].usable()) matched.insert(int(i));
    }
  }
  if (matched.empty()) {
    if (checkable == 0) {
      ts.security = Security::kUnchecked;
      ts.detail = "every DS uses a digest type or algorithm the oracle cannot use";
      return;
    }
    ts.security = Security::kBogus;
    ts.detail = "no DS or trust anchor matches a key in the DNSKEY RRset";
    ctx.Add(FindingClass::kDsNoMatchingDnskey, apex, dns::rrtype::kDNSKEY,
            std::to_string(checkable) + " DS/trust-anchor record(s), none matches any of the " +
                std::to_string(ctx.keys->keys().size()) + " published DNSKEYs");
    return;
  }
  std::string tags;
  for (int k : matched) {
    if (signing.count(k)) ts.trusted_key_tags.push_back(ctx.keys->keys()[k].tag);
    tags += (tags.empty() ? "" : ", ") + std::to_string(ctx.keys->keys()[k].tag);
  }
  if (ts.trusted_key_tags.empty()) {
    ts.security = Security::kBogus;
    ts.detail = "key(s) " + tags + " match the DS set but none validly signs the DNSKEY RRset";
    ctx.Add(FindingClass::kDnskeyNotSignedByTrustedKey, apex, dns::rrtype::kDNSKEY,
            "key tag(s) " + tags + " match the parent DS (or trust anchor), but no valid RRSIG over the DNSKEY RRset is made by them");
    return;
  }
  ts.security = Security::kSecure;
  ts.detail = "DNSKEY RRset signed by key(s) matching the " + std::string(ctx.opt.ds_rdatas.empty() ? "trust anchor" : "DS set");
  ctx.keys_trusted = true;
}

}  // namespace

Report Validate(const dns::Zone& zone, const ValidateOptions& options) {
  auto t0 = Clock::now();
  Report rep;
  rep.zone = options.origin;
  rep.time = options.now;
  ZoneIndex ix = ZoneIndex::Build(zone, options.origin);
  rep.records = zone.size();
  rep.rrsets = ix.rrsets().size();
  rep.names = ix.nodes().size();
  rep.rrsigs_total = ix.rrsig_count();
  rep.timing.index_s = Since(t0);

  Context ctx(ix, options, rep);
  auto t1 = Clock::now();
  CheckApexAndKeys(ctx);
  // The denial checks need only the index. On large zones one thread runs them first and then joins
  // the signature verification, so both cores stay busy; their findings are merged afterwards.
  Report drep;
  Context dctx(ix, options, drep);
  dctx.have_soa = ctx.have_soa;
  dctx.soa_minimum = ctx.soa_minimum;
  dctx.soa_ttl = ctx.soa_ttl;
  auto run_denial = [&dctx, &drep] {
    auto t = Clock::now();
    internal::CheckDenial(dctx);
    drep.timing.denial_s = Since(t);
  };
  SignaturePass pass;
  PrepareSignatures(ctx, &pass);
  int threads = ThreadsFor(options, pass.tasks.size());
  if (threads > 1) {
    // Helpers start only when the work left is worth a thread: the calling thread verifies a first
    // slice and extrapolates (with cached verdicts a large zone can be cheap; starting a thread on a
    // busy machine can cost milliseconds).
    auto probe_start = Clock::now();
    size_t probed = WorkSignatures(ctx, &pass, 128);
    size_t left = pass.tasks.size() - std::min(pass.tasks.size(), probed);
    double per_task = probed ? Since(probe_start) / double(probed) : 0;
    if (per_task * double(left) < 0.004) threads = 1;
  }
  rep.timing.threads = threads;
  if (threads > 1) {
    std::vector<std::thread> pool;
    pool.emplace_back([&] {
      run_denial();
      WorkSignatures(ctx, &pass);
    });
    for (int i = 2; i < threads; ++i) pool.emplace_back([&] { WorkSignatures(ctx, &pass); });
    WorkSignatures(ctx, &pass);
    for (auto& t : pool) t.join();
  } else {
    WorkSignatures(ctx, &pass);
    run_denial();
  }
  FinishSignatures(ctx, &pass);
  CheckTrust(ctx);
  rep.timing.signatures_s = Since(t1);
  rep.timing.denial_s = drep.timing.denial_s;
  ctx.mode = dctx.mode;
  ctx.nsec3_usable = dctx.nsec3_usable;
  ctx.params = dctx.params;
  ctx.chain = std::move(dctx.chain);
  ctx.chain_table = std::move(dctx.chain_table);
  ctx.hash_arena = std::move(dctx.hash_arena);  // a vector move keeps the buffer the views point into
  ctx.node_hashed = std::move(dctx.node_hashed);
  ctx.node_hash = std::move(dctx.node_hash);
  ctx.other_hash = std::move(dctx.other_hash);
  rep.denial = drep.denial;
  rep.nsec3_opt_out = drep.nsec3_opt_out;
  for (auto& f : drep.findings) rep.findings.push_back(std::move(f));
  for (auto& n : drep.not_checked) rep.not_checked.push_back(std::move(n));
  auto t3 = Clock::now();
  internal::BuildResolverView(ctx);
  rep.timing.resolver_s = Since(t3);

  // Deterministic order: owner (canonical), type, class, detail.
  std::stable_sort(rep.findings.begin(), rep.findings.end(), [](const Finding& a, const Finding& b) {
    int c = dns::CanonicalCompare(a.owner.wire(), b.owner.wire());
    if (c != 0) return c < 0;
    if (a.type != b.type) return a.type < b.type;
    if (a.cls != b.cls) return a.cls < b.cls;
    return a.detail < b.detail;
  });
  rep.timing.total_s = Since(t0);
  return rep;
}

Status LoadTrustFile(const std::string& path, const dns::Name& origin, ValidateOptions* options) {
  dns::LoadOptions lo;
  lo.origin = origin;
  lo.allow_out_of_zone = true;
  auto z = dns::Zone::Load(path, lo);
  if (!z.ok()) return z.status();
  size_t n = 0;
  for (const auto& rr : z->records()) {
    if (!(rr.owner == origin)) {
      return BadInput(path + ": " + rr.owner.ToText() + " " + dns::TypeToText(rr.type) + " is not for the zone " +
                      origin.ToText());
    }
    if (rr.type == dns::rrtype::kDS) {
      if (rr.rdata.size() < 4) return BadInput(path + ": malformed DS RDATA");
      options->ds_rdatas.push_back(rr.rdata);
    } else if (rr.type == dns::rrtype::kDNSKEY) {
      if (rr.rdata.size() < 4) return BadInput(path + ": malformed DNSKEY RDATA");
      options->anchor_dnskeys.push_back(rr.rdata);
    } else {
      return BadInput(path + ": " + dns::TypeToText(rr.type) + " record: only DS and DNSKEY records are accepted");
    }
    ++n;
  }
  if (n == 0) return BadInput(path + ": no DS or DNSKEY records");
  return Status::Ok();
}

}  // namespace rollcage::oracle
