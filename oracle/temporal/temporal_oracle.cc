#include "oracle/temporal/temporal_oracle.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>
#include <optional>

#include "base/encoding.h"
#include "dns/rdata.h"
#include "oracle/signed_data.h"

namespace rollcage::oracle::temporal {
namespace {

using dns::Name;
using dns::RR;

// The timeline outlives the oracle's run: versions point into its zone versions, copying nothing.
struct SigInfo {
  const RR* rr = nullptr;
  uint16_t key_tag = 0;
  uint8_t algorithm = 0;
  bool signer_is_apex = false;
  UnixTime inception = 0, expiration = 0;
  // Indices of the keys that verify this signature: verifiers[vbegin, vbegin + vcount) of the
  // Builder (one flat list; a version's signatures' ranges are consecutive).
  uint32_t vbegin = 0, vcount = 0;
};

// One version of one RRset: a maximal run of zone versions serving identical content.
struct RVersion {
  int id = 0;
  const Name* owner = nullptr;
  uint16_t type = 0;
  uint32_t ttl = 0;
  std::vector<std::string_view> rdatas;
  std::vector<SigInfo> sigs;
  int first_zone = 0, last_zone = 0;  // 0-based
  UnixTime start = 0, served_until = 0;
  UnixTime max_exp = 0;
  bool has_sigs() const { return !sigs.empty(); }
  // Present (fetchable or cacheable) at t: served, or cached within TTL and before its last RRSIG
  // expiration (RFC 4035 §5.3.3).
  bool PresentAt(UnixTime t) const {
    if (t < start || served_until <= start) return false;  // never served: superseded at once
    if (t < served_until) return true;
    return t < served_until + UnixTime(ttl) && t <= max_exp;
  }
  UnixTime PresentEnd() const {
    return std::max(served_until, std::min(served_until + UnixTime(ttl), max_exp + 1));
  }
  bool ServedAt(UnixTime t) const { return t >= start && t < served_until; }
};

struct DsVer {
  int index = 0;  // 0-based
  UnixTime start = 0, served_until = 0;
  uint32_t ttl = 0;
  std::vector<std::string> rdatas;
  bool PresentAt(UnixTime t) const { return t >= start && t < served_until + UnixTime(ttl); }
  UnixTime PresentEnd() const { return served_until + UnixTime(ttl); }
  bool ServedAt(UnixTime t) const { return t >= start && t < served_until; }
};

// An RRset's identity: owner (compared without regard to case, in canonical order) and type,
// pointing at an owner in the timeline instead of copying it.
using RRef = std::pair<const Name*, uint16_t>;
int CompareRef(const RRef& a, const RRef& b) {
  int c = dns::CanonicalCompare(a.first->wire(), b.first->wire());
  return c != 0 ? c : int(a.second) - int(b.second);
}
struct RKeyLess {
  bool operator()(const RRef& a, const RRef& b) const { return CompareRef(a, b) < 0; }
};

// Whether two lists hold the same octet strings, in any order (RRset content is a set).
template <class A, class B>
bool SameMultiset(const std::vector<A>& a, const std::vector<B>& b, std::string_view (*get_a)(const A&),
                  std::string_view (*get_b)(const B&)) {
  if (a.size() != b.size()) return false;
  bool in_order = true;
  for (size_t i = 0; in_order && i < a.size(); ++i) in_order = get_a(a[i]) == get_b(b[i]);
  if (in_order) return true;
  thread_local std::vector<std::string_view> x, y;  // scratch: no allocation once grown
  x.clear();
  y.clear();
  for (const auto& e : a) x.push_back(get_a(e));
  for (const auto& e : b) y.push_back(get_b(e));
  std::sort(x.begin(), x.end());
  std::sort(y.begin(), y.end());
  return x == y;
}

struct Builder {
  const timeline::Timeline& tl;
  SignatureJudge& judge;
  Name apex;
  std::vector<RVersion> versions;
  std::map<RRef, std::vector<int>, RKeyLess> by_key;  // version ids per RRset, in time order
  std::vector<std::string> keys;            // key universe: DNSKEY rdata
  std::unordered_map<std::string_view, int> key_index;  // views into the timeline
  std::vector<std::vector<int>> version_keys;  // for DNSKEY versions: zone keys they hold, sorted
  std::vector<int> verifiers;                  // see SigInfo::vbegin
  std::vector<DsVer> ds;
  UnixTime end = 0;

  int KeyIndex(std::string_view rdata) {
    auto it = key_index.find(rdata);
    if (it != key_index.end()) return it->second;
    int idx = int(keys.size());
    keys.emplace_back(rdata);
    key_index.emplace(rdata, idx);
    return idx;
  }
};

// Which RRsets of a zone version must be signed: everything authoritative except delegation NS;
// nothing below a delegation point (glue, occluded data); at a delegation point only DS and NSEC.
// `cuts`: the owners of NS RRsets other than the apex (a handful; compared in place).
bool MustBeSigned(const Name& owner, uint16_t type, const Name& apex, const std::vector<const Name*>& cuts) {
  if (type == dns::rrtype::kRRSIG) return false;
  if (!owner.IsSubdomainOf(apex)) return false;
  if (owner == apex) return true;
  bool at_cut = false;
  for (const Name* c : cuts) {
    if (owner == *c) {
      at_cut = true;
    } else if (owner.IsSubdomainOf(*c) && c->IsSubdomainOf(apex)) {
      return false;  // below a zone cut inside the zone
    }
  }
  if (at_cut) return type == dns::rrtype::kDS || type == dns::rrtype::kNSEC;
  return true;
}

// The fields of an RRSIG RDATA the temporal oracle uses, read in place (RrsigView). False when the
// RDATA is not a well-formed RRSIG.
struct Parsed {
  uint32_t inception = 0, expiration = 0;
  uint16_t key_tag = 0;
  uint8_t algorithm = 0;
  bool signer_is_apex = false;
};
bool ParseRrsig(std::string_view rdata, const Name& apex, Parsed* out) {
  auto v = RrsigView::Parse(rdata);
  if (!v.ok()) return false;
  out->inception = v->inception;
  out->expiration = v->expiration;
  out->key_tag = v->key_tag;
  out->algorithm = v->algorithm;
  out->signer_is_apex = dns::CanonicalCompare(v->signer_wire, apex.wire()) == 0;  // (case-insensitive)
  return true;
}

// The Type Covered field of an RRSIG RDATA, read in place (0 when too short to be an RRSIG).
uint16_t TypeCovered(std::string_view rdata) {
  return rdata.size() < 18 ? 0 : ReadU16(reinterpret_cast<const unsigned char*>(rdata.data()));
}

}  // namespace

const char* TemporalClassId(TemporalClass c) {
  switch (c) {
    case TemporalClass::kKeyRemovedTooEarly: return "key-removed-too-early";
    case TemporalClass::kKeyUsedTooEarly: return "key-used-too-early";
    case TemporalClass::kDsKskOutOfStep: return "ds-ksk-out-of-step";
    case TemporalClass::kSignatureExpiredWhileCacheable: return "signature-expired-while-cacheable";
    case TemporalClass::kSignatureNotYetValid: return "signature-not-yet-valid";
    case TemporalClass::kTtlChangeNotHonoured: return "ttl-change-not-honoured";
  }
  return "unknown";
}

const char* TemporalClassRfc(TemporalClass c) {
  switch (c) {
    case TemporalClass::kKeyRemovedTooEarly: return "RFC 7583 §3.3.1; RFC 6781 §4.1.1.1";
    case TemporalClass::kKeyUsedTooEarly: return "RFC 7583 §3.2, §3.3.1";
    case TemporalClass::kDsKskOutOfStep: return "RFC 7583 §3.3.2-3.3.3; RFC 6781 §4.1.2";
    case TemporalClass::kSignatureExpiredWhileCacheable: return "RFC 4035 §5.3.1; RFC 6781 §4.4.2";
    case TemporalClass::kSignatureNotYetValid: return "RFC 4035 §5.3.1; RFC 6781 §4.4.2.2";
    case TemporalClass::kTtlChangeNotHonoured: return "RFC 7583 §2; RFC 6781 §4.1.4";
  }
  return "";
}

std::string FormatFinding(const TemporalFinding& f) {
  std::string out = FormatTimeIso(f.first_instant) + " " + TemporalClassId(f.cls) + " " + f.owner.ToText() + " " +
                    dns::TypeToText(f.type) + ": " + f.detail;
  out += " [mix: rrset from zone v" + std::to_string(f.rrset_zone_version) + ", DNSKEY from zone v" +
         std::to_string(f.dnskey_zone_version) +
         (f.ds_version > 0 ? ", parent DS v" + std::to_string(f.ds_version) : std::string()) + "]";
  if (f.instants > 1) {
    out += " (fails at " + std::to_string(f.instants) + " instants until " + FormatTimeIso(f.last_instant) + ")";
  }
  return out;
}

Result<TemporalReport> CheckTimeline(const timeline::Timeline& tl, SignatureJudge& judge,
                                     const TemporalOptions& options) {
  if (tl.zones.empty()) return BadInput("timeline has no zone versions");
  Builder b{tl, judge, tl.origin};
  const Name& apex = tl.origin;

  // Observation end: explicit, or the last event plus the largest TTL.
  UnixTime last_event = tl.zones.back().published;
  if (!tl.parent_ds.empty()) last_event = std::max(last_event, tl.parent_ds.back().published);
  uint32_t max_ttl = 0;
  for (const auto& z : tl.zones) {
    for (const auto& rr : z.zone.records()) max_ttl = std::max(max_ttl, rr.ttl);
  }
  for (const auto& d : tl.parent_ds) max_ttl = std::max(max_ttl, d.ttl);
  b.end = tl.end ? *tl.end : last_event + UnixTime(max_ttl) + 1;

  // 1. RRset versions.
  std::map<RRef, int, RKeyLess> open;  // RRset -> version id currently served
  std::vector<const Name*> cuts;
  // The signed RRsets of one zone version, in canonical order: groups of records that are
  // consecutive once sorted (a signer's zone is sorted already). Reused from version to version.
  struct Acc {
    const RR* first = nullptr;
    std::vector<std::string_view> rdatas;
    std::vector<const RR*> sigs;
    RRef Ref() const { return {&first->owner, first->type}; }
  };
  std::vector<Acc> groups;
  size_t ngroups = 0;
  std::vector<const RR*> records;
  auto find_group = [&](const RRef& ref) -> Acc* {
    size_t lo = 0, hi = ngroups;
    while (lo < hi) {
      size_t mid = (lo + hi) / 2;
      int c = CompareRef(groups[mid].Ref(), ref);
      if (c == 0) return &groups[mid];
      if (c < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return nullptr;
  };
  std::vector<Parsed> parsed;  // of the RRSIGs of a new RRset version
  for (size_t zi = 0; zi < tl.zones.size(); ++zi) {
    const auto& zv = tl.zones[zi];
    UnixTime t = zv.published;
    cuts.clear();
    for (const auto& rr : zv.zone.records()) {
      if (rr.type == dns::rrtype::kNS && !(rr.owner == apex)) cuts.push_back(&rr.owner);
    }
    records.clear();
    for (const auto& rr : zv.zone.records()) {
      if (rr.type == dns::rrtype::kRRSIG) continue;
      if (!MustBeSigned(rr.owner, rr.type, apex, cuts)) continue;
      records.push_back(&rr);
    }
    auto ref_less = [](const RR* x, const RR* y) { return CompareRef({&x->owner, x->type}, {&y->owner, y->type}) < 0; };
    if (!std::is_sorted(records.begin(), records.end(), ref_less)) {
      std::stable_sort(records.begin(), records.end(), ref_less);  // each RRset's records in zone order
    }
    ngroups = 0;
    for (const RR* rr : records) {
      if (ngroups == 0 || CompareRef(groups[ngroups - 1].Ref(), {&rr->owner, rr->type}) != 0) {
        if (groups.size() == ngroups) groups.emplace_back();
        Acc& g = groups[ngroups++];
        g.first = rr;
        g.rdatas.clear();
        g.sigs.clear();
      }
      groups[ngroups - 1].rdatas.push_back(rr->rdata);
    }
    for (const auto& rr : zv.zone.records()) {
      if (rr.type != dns::rrtype::kRRSIG) continue;
      if (Acc* g = find_group(RRef{&rr.owner, TypeCovered(rr.rdata)})) g->sigs.push_back(&rr);
    }
    // Close versions no longer served.
    for (auto it = open.begin(); it != open.end();) {
      if (!find_group(it->first)) {
        b.versions[it->second].served_until = t;
        it = open.erase(it);
      } else {
        ++it;
      }
    }
    auto view = +[](const std::string_view& x) { return x; };
    auto sig_rdata = +[](const SigInfo& x) { return std::string_view(x.rr->rdata); };
    auto ptr_rdata = +[](const RR* const& x) { return std::string_view(x->rdata); };
    for (size_t gi = 0; gi < ngroups; ++gi) {
      Acc& a = groups[gi];
      const RRef ref = a.Ref();
      // Malformed RRSIGs are the static oracle's business: left out, so parsed only when the
      // signatures differ from the version served so far.
      bool filtered = false;
      auto filter = [&]() {
        if (filtered) return;
        filtered = true;
        parsed.clear();
        size_t kept = 0;
        for (const RR* sig : a.sigs) {
          Parsed d;
          if (!ParseRrsig(sig->rdata, apex, &d)) continue;
          a.sigs[kept++] = sig;
          parsed.push_back(d);
        }
        a.sigs.resize(kept);
      };
      auto it = open.find(ref);
      if (it != open.end()) {
        RVersion& v = b.versions[it->second];
        bool same = v.ttl == a.first->ttl && SameMultiset(v.rdatas, a.rdatas, view, view);
        if (same && !SameMultiset(v.sigs, a.sigs, sig_rdata, ptr_rdata)) {
          filter();
          same = SameMultiset(v.sigs, a.sigs, sig_rdata, ptr_rdata);
        }
        if (same) {
          v.last_zone = int(zi);
          continue;
        }
        v.served_until = t;
      }
      filter();
      RVersion v;
      v.id = int(b.versions.size());
      v.owner = &a.first->owner;
      v.type = a.first->type;
      v.ttl = a.first->ttl;
      v.rdatas = a.rdatas;
      v.first_zone = v.last_zone = int(zi);
      v.start = t;
      v.served_until = b.end;
      v.max_exp = t - 1;
      v.sigs.reserve(a.sigs.size());
      for (size_t i = 0; i < a.sigs.size(); ++i) {
        SigInfo si;
        si.rr = a.sigs[i];
        si.key_tag = parsed[i].key_tag;
        si.algorithm = parsed[i].algorithm;
        si.signer_is_apex = parsed[i].signer_is_apex;
        si.inception = ExpandRrsigTime(parsed[i].inception, t);
        si.expiration = ExpandRrsigTime(parsed[i].expiration, t);
        v.max_exp = std::max(v.max_exp, si.expiration);
        v.sigs.push_back(std::move(si));
      }
      if (v.sigs.empty()) v.max_exp = b.end;  // unsigned data: the static oracle reports it
      RRef key{v.owner, v.type};
      if (it != open.end()) {
        it->second = v.id;
      } else {
        open.emplace(key, v.id);
      }
      b.by_key[key].push_back(v.id);
      b.versions.push_back(std::move(v));
    }
  }

  // 2. Key universe and verifiers.
  const RRef dnskey_key{&apex, dns::rrtype::kDNSKEY};
  b.version_keys.resize(b.versions.size());
  for (int id : b.by_key[dnskey_key]) {
    for (const auto& rd : b.versions[id].rdatas) {
      auto k = dns::DnskeyData::Parse(rd);
      if (!k.ok() || !k->IsZoneKey() || k->IsRevoked() || k->protocol != 3) continue;
      b.version_keys[id].push_back(b.KeyIndex(rd));
    }
    auto& ks = b.version_keys[id];
    std::sort(ks.begin(), ks.end());
    ks.erase(std::unique(ks.begin(), ks.end()), ks.end());
  }
  std::vector<uint16_t> key_tags(b.keys.size());
  std::vector<uint8_t> key_algs(b.keys.size());
  for (size_t i = 0; i < b.keys.size(); ++i) {
    key_tags[i] = judge.KeyTag(b.keys[i]);
    key_algs[i] = uint8_t(b.keys[i].size() > 3 ? b.keys[i][3] : 0);
  }
  for (auto& v : b.versions) {
    const RrsetRef set{*v.owner, v.type, v.ttl, v.rdatas};
    for (auto& s : v.sigs) {
      s.vbegin = uint32_t(b.verifiers.size());
      if (!s.signer_is_apex) continue;
      for (size_t k = 0; k < b.keys.size(); ++k) {
        if (key_tags[k] != s.key_tag || key_algs[k] != s.algorithm) continue;
        if (judge.Verifies(set, s.rr->rdata, b.keys[k])) b.verifiers.push_back(int(k));
      }
      s.vcount = uint32_t(b.verifiers.size()) - s.vbegin;
    }
  }

  // 3. Parent DS versions.
  for (size_t i = 0; i < tl.parent_ds.size(); ++i) {
    DsVer d;
    d.index = int(i);
    d.start = tl.parent_ds[i].published;
    d.served_until = i + 1 < tl.parent_ds.size() ? tl.parent_ds[i + 1].published : b.end;
    d.ttl = tl.parent_ds[i].ttl;
    for (const auto& rr : tl.parent_ds[i].ds) d.rdatas.push_back(rr.rdata);
    if (d.served_until > d.start) b.ds.push_back(std::move(d));
  }
  std::map<std::pair<int, int>, bool> ds_trusts;  // (ds version, key) -> some DS matches the key
  auto trusts = [&](const DsVer& d, int key) {
    auto k = std::make_pair(d.index, key);
    auto it = ds_trusts.find(k);
    if (it != ds_trusts.end()) return it->second;
    bool m = false;
    for (const auto& rd : d.rdatas) {
      if (judge.DsMatches(apex, rd, b.keys[key])) {
        m = true;
        break;
      }
    }
    ds_trusts[k] = m;
    return m;
  };

  // 4. Critical instants.
  UnixTime t0 = tl.zones.front().published;
  std::vector<UnixTime> instants;
  auto add = [&](UnixTime t) {
    if (t >= t0 && t <= b.end) instants.push_back(t);
  };
  for (const auto& v : b.versions) {
    if (v.served_until <= v.start) continue;
    add(v.start);
    add(v.PresentEnd());
    for (const auto& s : v.sigs) {
      add(s.inception);
      add(s.expiration + 1);
    }
  }
  for (const auto& d : b.ds) {
    add(d.start);
    add(d.PresentEnd());
  }

  std::sort(instants.begin(), instants.end());
  instants.erase(std::unique(instants.begin(), instants.end()), instants.end());

  TemporalReport report;
  report.rrset_versions = b.versions.size();
  report.start = t0;
  report.end = b.end;
  report.critical_instants = instants.size();

  using FKey = std::tuple<int, std::string, uint16_t, int, int, int>;
  std::map<FKey, TemporalFinding> found;
  auto record = [&](TemporalClass cls, const RVersion& r, const RVersion& k, const DsVer* d, UnixTime t,
                    const std::string& detail) {
    FKey key{int(cls), r.owner->Lowercase().wire(), r.type, r.id, k.id, d ? d->index : -1};
    auto it = found.find(key);
    if (it == found.end()) {
      if (found.size() >= options.max_findings) return;
      TemporalFinding f;
      f.cls = cls;
      f.first_instant = f.last_instant = t;
      f.instants = 1;
      f.owner = *r.owner;
      f.type = r.type;
      f.rrset_zone_version = r.first_zone + 1;
      f.dnskey_zone_version = k.first_zone + 1;
      f.ds_version = d ? d->index + 1 : -1;
      f.detail = detail;
      found.emplace(key, std::move(f));
    } else {
      it->second.last_instant = t;
      it->second.instants++;
    }
  };
  auto time_valid = [](const SigInfo& s, UnixTime t) { return s.inception <= t && t <= s.expiration; };
  auto tags_of = [&](const auto& ks) {
    std::string out;
    for (int k : ks) out += (out.empty() ? "" : ",") + std::to_string(key_tags[k]);
    return out;
  };
  // The newest version of an RRset served at t (for the TTL-change test).
  auto served_version = [&](const RVersion& v, UnixTime t) -> const RVersion* {
    for (int id : b.by_key[RRef{v.owner, v.type}]) {
      if (b.versions[id].ServedAt(t)) return &b.versions[id];
    }
    return nullptr;
  };
  // True when `stale` is present at t only because it kept a longer TTL than its successor's.
  auto ttl_not_honoured = [&](const RVersion& stale, UnixTime t) {
    if (stale.ServedAt(t)) return false;
    const RVersion* now = served_version(stale, t);
    if (!now || now->ttl >= stale.ttl) return false;
    return t >= stale.served_until + UnixTime(now->ttl);
  };

  const auto& dnskey_ids = b.by_key[dnskey_key];
  // The keys that verify a signature, and the keys that made any of a version's signatures (its
  // signatures' ranges are consecutive in b.verifiers).
  struct Ids {
    const int* first;
    const int* last;
    const int* begin() const { return first; }
    const int* end() const { return last; }
    bool empty() const { return first == last; }
  };
  auto verifiers_of = [&b](const SigInfo& s) {
    const int* base = b.verifiers.data() + s.vbegin;
    return Ids{base, base + s.vcount};
  };
  auto made_by_of = [&b](const RVersion& v) {
    if (v.sigs.empty()) return Ids{nullptr, nullptr};
    return Ids{b.verifiers.data() + v.sigs.front().vbegin, b.verifiers.data() + v.sigs.back().vbegin + v.sigs.back().vcount};
  };
  auto holds = [](const std::vector<int>& keys, int k) { return std::binary_search(keys.begin(), keys.end(), k); };
  // How v's signatures by any of `keys` (sorted) fare at t: one valid (ok), else whether one is outside
  // its validity period (time_fail; before: the last such is not yet valid).
  struct SignedBy {
    bool ok = false, time_fail = false, before = false;
  };
  auto signed_by = [&](const RVersion& v, const std::vector<int>& keys, UnixTime t) {
    SignedBy r;
    for (const auto& s : v.sigs) {
      Ids vs = verifiers_of(s);
      if (!std::any_of(vs.begin(), vs.end(), [&](int x) { return holds(keys, x); })) continue;
      if (time_valid(s, t)) {
        r.ok = true;
        break;
      }
      r.time_fail = true;
      r.before = t < s.inception;
    }
    return r;
  };
  // Scratch, reused from instant to instant.
  std::vector<const RVersion*> kset;
  std::vector<const DsVer*> ds_or_none;
  std::vector<int> trusted;
  // The other RRset versions that can fail a mix (signed by some key), in the order they are
  // checked (RRsets in canonical order, versions in time order), each present (served or cacheable)
  // over [start, end) (PresentAt). A sweep over the instants keeps the ones present, by position,
  // so an instant costs what is present at it rather than every version of the timeline.
  struct Candidate {
    int id;
    UnixTime start, end;
  };
  std::vector<Candidate> candidates;
  for (const auto& [rk, ids] : b.by_key) {
    if (CompareRef(rk, dnskey_key) == 0) continue;
    for (int rid : ids) {
      const RVersion& r = b.versions[rid];
      if (!r.has_sigs() || made_by_of(r).empty()) continue;
      UnixTime end = r.served_until <= r.start ? r.start : r.PresentEnd();
      candidates.push_back({rid, r.start, end});
    }
  }
  std::vector<int> by_start(candidates.size()), by_end(candidates.size());
  for (size_t i = 0; i < candidates.size(); ++i) by_start[i] = by_end[i] = int(i);
  std::sort(by_start.begin(), by_start.end(), [&](int x, int y) { return candidates[x].start < candidates[y].start; });
  std::sort(by_end.begin(), by_end.end(), [&](int x, int y) { return candidates[x].end < candidates[y].end; });
  std::set<int> present;  // positions in candidates
  size_t next_start = 0, next_end = 0;
  for (UnixTime t : instants) {
    while (next_start < by_start.size() && candidates[by_start[next_start]].start <= t) present.insert(by_start[next_start++]);
    while (next_end < by_end.size() && candidates[by_end[next_end]].end <= t) present.erase(by_end[next_end++]);
    kset.clear();
    for (int id : dnskey_ids) {
      if (b.versions[id].PresentAt(t)) kset.push_back(&b.versions[id]);
    }
    ds_or_none.clear();
    for (const auto& d : b.ds) {
      if (d.PresentAt(t)) ds_or_none.push_back(&d);
    }
    if (b.ds.empty()) ds_or_none.push_back(nullptr);
    // DNSKEY RRset under the parent's DS (or self-signed when there is no parent DS).
    for (const RVersion* k : kset) {
      for (const DsVer* d : ds_or_none) {
        ++report.mixes_checked;
        if (d && d->rdatas.empty()) continue;  // insecure delegation: nothing to validate
        trusted.clear();
        for (int key : b.version_keys[k->id]) {
          if (!d || trusts(*d, key)) trusted.push_back(key);
        }
        auto [ok, time_fail, before] = signed_by(*k, trusted, t);
        if (ok) continue;
        if (time_fail) {
          record(before ? TemporalClass::kSignatureNotYetValid : TemporalClass::kSignatureExpiredWhileCacheable, *k, *k, d,
                 t, "the DNSKEY RRset's only signatures by a trusted key are outside their validity period");
        } else if (d) {
          bool ttl = ttl_not_honoured(*k, t);
          record(ttl ? TemporalClass::kTtlChangeNotHonoured : TemporalClass::kDsKskOutOfStep, *k, *k, d, t,
                 trusted.empty() ? "no key in this DNSKEY RRset matches a DS in the parent DS RRset a resolver may hold"
                                 : "the DNSKEY RRset is not signed by the key the parent's DS points to");
        }
      }
    }
    // Every other RRset under every cacheable DNSKEY RRset.
    for (int pos : present) {
      const RVersion& r = b.versions[candidates[pos].id];
      const Ids made_by = made_by_of(r);  // (versions no key verifies are static findings, not here)
      for (const RVersion* k : kset) {
        ++report.mixes_checked;
        auto [ok, time_fail, before] = signed_by(r, b.version_keys[k->id], t);
        if (ok) continue;
        if (time_fail) {
          record(before ? TemporalClass::kSignatureNotYetValid : TemporalClass::kSignatureExpiredWhileCacheable, r, *k,
                 nullptr, t,
                 std::string(before ? "signature not yet valid" : "signature expired") +
                     " while the RRset is served or cacheable");
          continue;
        }
        // None of the keys that signed r is in k: k is older (key used too early) or newer
        // (key removed too early) than the keys r needs.
        int first_with = -1, last_with = -1;
        for (int kid : dnskey_ids) {
          const auto& kk = b.version_keys[kid];
          if (std::any_of(made_by.begin(), made_by.end(), [&](int v) { return holds(kk, v); })) {
            if (first_with < 0) first_with = kid;
            last_with = kid;
          }
        }
        bool too_early = first_with >= 0 ? b.versions[first_with].start > k->start : false;
        const RVersion& stale = too_early ? *k : r;
        TemporalClass cls = too_early ? TemporalClass::kKeyUsedTooEarly : TemporalClass::kKeyRemovedTooEarly;
        if (ttl_not_honoured(stale, t)) cls = TemporalClass::kTtlChangeNotHonoured;
        record(cls, r, *k, nullptr, t,
               too_early ? "signed only by key tag " + tags_of(made_by) + ", which the cached DNSKEY RRset does not hold yet"
                         : "signed only by key tag " + tags_of(made_by) + ", which the DNSKEY RRset no longer holds");
      }
    }
  }
  for (auto& [k, f] : found) report.findings.push_back(std::move(f));
  std::stable_sort(report.findings.begin(), report.findings.end(),
                   [](const TemporalFinding& a, const TemporalFinding& b) { return a.first_instant < b.first_instant; });
  return report;
}

}  // namespace rollcage::oracle::temporal
