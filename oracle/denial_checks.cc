// Authenticated denial checks: the NSEC chain (RFC 4034 §4, RFC 4035 §2.3) or the NSEC3 chain
// (RFC 5155 §3, §7.1; RFC 9276 §3.1), judged against the names the zone actually holds.
#include <algorithm>
#include <cstring>
#include <set>
#include <unordered_map>

#include "base/encoding.h"
#include "dns/rdata.h"
#include "oracle/crypto.h"
#include "oracle/internal/validation.h"

namespace rollcage::oracle::internal {
namespace {

std::string HashText(std::string_view h) { return Base32HexEncode(h); }

bool IsChainName(const ZoneIndex::Node& n) {
  return !n.nsec3_only &&
         (n.kind == NodeKind::kApex || n.kind == NodeKind::kAuthoritative || n.kind == NodeKind::kDelegation);
}

std::string BitmapDiff(const std::vector<uint16_t>& want_v, std::string_view have_bitmap) {
  std::set<uint16_t> want(want_v.begin(), want_v.end());
  auto decoded = dns::DecodeTypeBitmap(have_bitmap);
  std::set<uint16_t> have = decoded.ok() ? *decoded : std::set<uint16_t>{};
  std::set<uint16_t> missing, extra;
  std::set_difference(want.begin(), want.end(), have.begin(), have.end(), std::inserter(missing, missing.end()));
  std::set_difference(have.begin(), have.end(), want.begin(), want.end(), std::inserter(extra, extra.end()));
  std::string s = "bitmap {" + TypesText(have) + "}, the name holds {" + TypesText(want) + "}";
  if (!missing.empty()) s += "; missing " + TypesText(missing);
  if (!extra.empty()) s += "; extra " + TypesText(extra);
  return s;
}

void CheckTtl(Context& ctx, const dns::Name& owner, uint16_t type, uint32_t ttl) {
  if (!ctx.have_soa) return;
  uint32_t a = ctx.soa_minimum, b = std::min(ctx.soa_ttl, ctx.soa_minimum);
  if (ttl == a || ttl == b) return;
  ctx.Add(FindingClass::kDenialTtlMismatch, owner, type,
          "TTL " + std::to_string(ttl) + ", expected the SOA MINIMUM " + std::to_string(a) +
              (a != b ? " or min(SOA TTL, SOA MINIMUM) " + std::to_string(b) : ""));
}

void CheckNsec(Context& ctx) {
  const ZoneIndex& ix = ctx.ix;
  std::vector<uint32_t> chain;
  for (uint32_t i = 0; i < ix.nodes().size(); ++i) {
    const auto& n = ix.nodes()[i];
    if (IsChainName(n)) {
      chain.push_back(i);
    } else if (n.kind == NodeKind::kBelowCut && ix.Find(i, dns::rrtype::kNSEC)) {
      ctx.Add(FindingClass::kNsecExtra, *n.name, dns::rrtype::kNSEC, "an NSEC below a zone cut (glue or occluded name)");
    }
  }
  for (size_t c = 0; c < chain.size(); ++c) {
    uint32_t i = chain[c];
    const auto& n = ix.nodes()[i];
    const ZoneIndex::Rrset* nsec = ix.Find(i, dns::rrtype::kNSEC);
    if (!nsec) {
      ctx.Add(FindingClass::kNsecMissing, *n.name, dns::rrtype::kNSEC,
              n.kind == NodeKind::kDelegation ? "a delegation point without an NSEC" : "a name with authoritative data without an NSEC");
      continue;
    }
    if (n.rrsets.size() == 1) {
      ctx.Add(FindingClass::kNsecExtra, *n.name, dns::rrtype::kNSEC, "the name holds nothing but its NSEC");
    }
    if (nsec->records.size() > 1) {
      ctx.Add(FindingClass::kNsecChainGap, *n.name, dns::rrtype::kNSEC,
              std::to_string(nsec->records.size()) + " NSEC RRs at one owner");
    }
    auto d = dns::NsecData::Parse(ix.records()[nsec->records.front()].rdata);
    if (!d.ok()) {
      ctx.Add(FindingClass::kRdataMalformed, *n.name, dns::rrtype::kNSEC, d.status().message());
      continue;
    }
    CheckTtl(ctx, *n.name, dns::rrtype::kNSEC, nsec->ttl);
    const dns::Name& want = *ix.nodes()[chain[(c + 1) % chain.size()]].name;
    if (!(d->next == want)) {
      bool last = c + 1 == chain.size();
      ctx.Add(FindingClass::kNsecChainGap, *n.name, dns::rrtype::kNSEC,
              "Next Domain Name " + d->next.ToText() + ", the next name in canonical order is " + want.ToText() +
                  (last ? " (the last NSEC must point back to the apex)" : ""));
    }
    std::vector<uint16_t> types = ExpectedTypes(ctx, i, true);
    if (!std::equal(types.begin(), types.end(), d->types.begin(), d->types.end())) {
      ctx.Add(FindingClass::kNsecBitmapMismatch, *n.name, dns::rrtype::kNSEC, BitmapDiff(types, dns::EncodeTypeBitmap(d->types)));
    }
  }
}

// A zero-copy view of NSEC3 RDATA (RFC 5155 §3.2); views point into the RDATA.
struct Nsec3View {
  uint8_t hash_algorithm = 0, flags = 0;
  uint16_t iterations = 0;
  std::string_view salt, next, bitmap;
};

// A well-formed type bitmap: windows in increasing order, lengths 1..32, nothing truncated.
bool BitmapWellFormed(std::string_view b) {
  size_t p = 0;
  int last = -1;
  while (p < b.size()) {
    if (p + 2 > b.size()) return false;
    int w = static_cast<unsigned char>(b[p]), len = static_cast<unsigned char>(b[p + 1]);
    if (w <= last || len < 1 || len > 32 || p + 2 + len > b.size()) return false;
    last = w;
    p += 2 + len;
  }
  return true;
}

bool ParseNsec3(std::string_view r, Nsec3View* v) {
  const auto* u = reinterpret_cast<const unsigned char*>(r.data());
  if (r.size() < 5) return false;
  v->hash_algorithm = u[0];
  v->flags = u[1];
  v->iterations = uint16_t(u[2] << 8 | u[3]);
  size_t salt_len = u[4], p = 5;
  if (p + salt_len + 1 > r.size()) return false;
  v->salt = r.substr(p, salt_len);
  p += salt_len;
  size_t hash_len = u[p++];
  if (hash_len == 0 || p + hash_len > r.size()) return false;
  v->next = r.substr(p, hash_len);
  v->bitmap = r.substr(p + hash_len);
  return BitmapWellFormed(v->bitmap);
}

std::string ParamsText(uint8_t alg, uint16_t it, std::string_view salt) {
  return "hash " + std::to_string(alg) + ", iterations " + std::to_string(it) + ", salt " +
         (salt.empty() ? std::string("-") : HexEncode(salt));
}

void CheckNsec3(Context& ctx) {
  const ZoneIndex& ix = ctx.ix;
  const dns::Name& apex = ix.apex_name();
  std::optional<dns::Nsec3ParamData> params;
  const ZoneIndex::Rrset* np = ix.apex() >= 0 ? ix.Find(ix.apex(), dns::rrtype::kNSEC3PARAM) : nullptr;
  if (np) {
    for (uint32_t r : np->records) {
      auto p = dns::Nsec3ParamData::Parse(ix.records()[r].rdata);
      if (!p.ok()) {
        ctx.Add(FindingClass::kRdataMalformed, apex, dns::rrtype::kNSEC3PARAM, p.status().message());
      } else if (!params) {
        params = *p;
      }
    }
    if (np->records.size() > 1) {
      ctx.Add(FindingClass::kNsec3ParamMismatch, apex, dns::rrtype::kNSEC3PARAM,
              std::to_string(np->records.size()) + " NSEC3PARAM RRs: one parameter set expected");
    }
  }
  struct Raw {
    uint32_t node;
    int rrset;
    Nsec3View v;
  };
  std::vector<Raw> raws;
  for (uint32_t i = 0; i < ix.nodes().size(); ++i) {
    int r = ix.FindIndex(i, dns::rrtype::kNSEC3);
    if (r < 0) continue;
    for (uint32_t rec : ix.rrsets()[r].records) {
      Nsec3View v;
      if (!ParseNsec3(ix.records()[rec].rdata, &v)) {
        auto d = dns::Nsec3Data::Parse(ix.records()[rec].rdata);
        ctx.Add(FindingClass::kRdataMalformed, *ix.nodes()[i].name, dns::rrtype::kNSEC3,
                d.ok() ? std::string("NSEC3 RDATA malformed") : d.status().message());
        continue;
      }
      raws.push_back(Raw{i, r, v});
    }
  }
  if (!np) {
    ctx.Add(FindingClass::kNsec3ParamMissing, apex, dns::rrtype::kNSEC3PARAM,
            "the zone has " + std::to_string(raws.size()) + " NSEC3 RRs but no NSEC3PARAM at the apex");
  }
  if (!params && !raws.empty()) {
    const Nsec3View& f = raws.front().v;
    params = dns::Nsec3ParamData{f.hash_algorithm, 0, f.iterations, std::string(f.salt)};
  }
  if (!params) return;
  ctx.params = *params;
  if (params->hash_algorithm != 1) {
    ctx.report.not_checked.push_back(NotChecked{NotCheckedKind::kUnsupportedNsec3Hash, apex, dns::rrtype::kNSEC3PARAM,
                                                "NSEC3 hash algorithm " + std::to_string(params->hash_algorithm) +
                                                    " is not SHA-1: the NSEC3 chain was not checked"});
    return;
  }
  ctx.nsec3_usable = true;
  if (params->iterations > 0) {
    ctx.Add(FindingClass::kNsec3IterationsNonzero, apex, dns::rrtype::kNSEC3PARAM,
            std::to_string(params->iterations) + " iterations; RFC 9276 asks for 0");
  }
  if (!params->salt.empty()) {
    ctx.Add(FindingClass::kNsec3SaltPresent, apex, dns::rrtype::kNSEC3PARAM,
            "salt " + HexEncode(params->salt) + " (" + std::to_string(params->salt.size()) + " octets); RFC 9276 asks for none");
  }

  // Chain entries: NSEC3 RRs with the zone's parameters at well-formed owners.
  int apex_labels = apex.LabelCount();
  ctx.chain.reserve(raws.size());
  ctx.hash_arena.assign(raws.size() * 20, 0);  // sized once: the entries' views point into it
  for (auto& raw : raws) {
    const dns::Name& owner = *ix.nodes()[raw.node].name;
    const Nsec3View& v = raw.v;
    if (v.hash_algorithm != params->hash_algorithm || v.iterations != params->iterations || v.salt != params->salt) {
      ctx.Add(FindingClass::kNsec3ParamMismatch, owner, dns::rrtype::kNSEC3,
              "NSEC3 with " + ParamsText(v.hash_algorithm, v.iterations, v.salt) + ", the zone uses " +
                  ParamsText(params->hash_algorithm, params->iterations, params->salt));
      continue;
    }
    std::optional<std::string> hash;
    if (owner.wire().size() == apex.wire().size() + 33 && owner.IsSubdomainOf(apex)) {
      hash = Base32HexDecode(owner.FirstLabel());  // 32 base32hex characters: 20 octets
    }
    if (!hash || hash->size() != 20) {
      ctx.Add(FindingClass::kNsec3BadOwner, owner, dns::rrtype::kNSEC3,
              "the owner is not <base32hex SHA-1 hash>." + apex.ToText());
      continue;
    }
    CheckTtl(ctx, owner, dns::rrtype::kNSEC3, ix.rrsets()[raw.rrset].ttl);
    if (v.flags & 1) ctx.report.nsec3_opt_out = true;
    char* slot = ctx.hash_arena.data() + ctx.chain.size() * 20;
    std::memcpy(slot, hash->data(), 20);
    ctx.chain.push_back(Nsec3Entry{std::string_view(slot, 20), raw.node, raw.rrset, bool(v.flags & 1), v.next, v.bitmap});
  }
  std::stable_sort(ctx.chain.begin(), ctx.chain.end(),
                   [](const Nsec3Entry& a, const Nsec3Entry& b) { return a.hash < b.hash; });
  // Two NSEC3 RRs with one hash (two RRs at one owner): keep the first.
  for (size_t i = 1; i < ctx.chain.size();) {
    if (ctx.chain[i].hash == ctx.chain[i - 1].hash) {
      ctx.Add(FindingClass::kNsec3ChainGap, ctx.NodeName(ctx.chain[i].node), dns::rrtype::kNSEC3,
              "more than one NSEC3 RR at one owner");
      ctx.chain.erase(ctx.chain.begin() + long(i));
    } else {
      ++i;
    }
  }
  ctx.BuildChainTable();
  for (size_t i = 0; i < ctx.chain.size(); ++i) {
    const Nsec3Entry& e = ctx.chain[i];
    std::string_view want = ctx.chain[(i + 1) % ctx.chain.size()].hash;
    if (e.next != want) {
      ctx.Add(FindingClass::kNsec3ChainGap, ctx.NodeName(e.node), dns::rrtype::kNSEC3,
              "Next Hashed Owner Name " + HashText(e.next) + ", the next NSEC3 in hash order is " +
                  HashText(want) + (i + 1 == ctx.chain.size() ? " (the chain must close on the first hash)" : ""));
    }
  }

  // Every name that needs an NSEC3 has one; names left out are opt-out-able and covered by Opt-Out.
  std::vector<uint8_t> matched(ctx.chain.size(), 0);
  auto judge = [&](const dns::Name& name, std::string_view h, bool optoutable, const std::vector<uint16_t>& want,
                   const char* what) {
    int m = ctx.Matching(h);
    if (m >= 0) {
      matched[m] = 1;
      const Nsec3Entry& e = ctx.chain[m];
      if (!BitmapEquals(e.bitmap, want)) {
        ctx.Add(FindingClass::kNsec3BitmapMismatch, ctx.NodeName(e.node), dns::rrtype::kNSEC3,
                "for " + name.ToText() + ": " + BitmapDiff(want, e.bitmap));
      }
      return;
    }
    int cov = ctx.Covering(h);
    bool opt_out = cov >= 0 && ctx.chain[cov].opt_out;
    if (opt_out && optoutable) return;
    if (opt_out) {
      ctx.Add(FindingClass::kNsec3OptOutCoversSignedName, name, dns::rrtype::kNSEC3,
              std::string(what) + " has no NSEC3 (hash " + HashText(h) + ") and falls in the Opt-Out span of " +
                  ctx.NodeName(ctx.chain[cov].node).ToText());
    } else {
      ctx.Add(FindingClass::kNsec3Missing, name, dns::rrtype::kNSEC3,
              std::string(what) + " has no NSEC3 (hash " + HashText(h) + ")" +
                  (optoutable ? "; it may be left out only under an Opt-Out NSEC3" : ""));
    }
  };
  struct Ent {
    dns::Name name;
    bool required = false;
  };
  std::vector<Ent> ents;
  std::unordered_map<dns::Name, size_t, dns::NameHash> ent_index;
  for (uint32_t i = 0; i < ix.nodes().size(); ++i) {
    const auto& n = ix.nodes()[i];
    if (!IsChainName(n)) continue;
    bool optoutable = n.kind == NodeKind::kDelegation && !ix.Find(i, dns::rrtype::kDS);
    if (n.kind != NodeKind::kApex && n.name->LabelCount() > apex_labels + 1) {
      for (dns::Name p = n.name->Parent(); !(p == apex) && !p.IsRoot(); p = p.Parent()) {
        if (ix.FindNode(p) >= 0) break;
        auto it = ent_index.find(p);
        size_t e;
        if (it == ent_index.end()) {
          e = ents.size();
          ents.push_back(Ent{p, false});
          ent_index.emplace(p, e);
        } else {
          e = it->second;
        }
        if (!optoutable) ents[e].required = true;
      }
    }
    judge(*n.name, ctx.NodeHash(i), optoutable, ExpectedTypes(ctx, i, false),
          n.kind == NodeKind::kDelegation ? (optoutable ? "the insecure delegation" : "the secure delegation")
                                          : "the name");
  }
  for (const auto& e : ents) {
    judge(e.name, ctx.Hash(e.name), !e.required, {},
          e.required ? "the empty non-terminal" : "the empty non-terminal above insecure delegations");
  }
  for (size_t i = 0; i < ctx.chain.size(); ++i) {
    if (matched[i]) continue;
    ctx.Add(FindingClass::kNsec3Extra, ctx.NodeName(ctx.chain[i].node), dns::rrtype::kNSEC3,
            "no name in the zone that may have an NSEC3 hashes to " + HashText(ctx.chain[i].hash));
  }
}

}  // namespace

std::string_view Context::NodeHash(uint32_t node) {
  if (node_hashed.size() != ix.nodes().size()) {
    node_hashed.assign(ix.nodes().size(), 0);
    node_hash.assign(ix.nodes().size() * 20, 0);
  }
  char* slot = node_hash.data() + size_t(node) * 20;
  if (!node_hashed[node]) {
    auto v = Nsec3Hash(*ix.nodes()[node].name, params.hash_algorithm, params.salt, params.iterations);
    if (!v || v->size() != 20) return {};
    std::memcpy(slot, v->data(), 20);
    node_hashed[node] = 1;
  }
  return std::string_view(slot, 20);
}

std::string_view Context::Hash(const dns::Name& name) {
  int n = ix.FindNode(name);
  if (n >= 0) return NodeHash(uint32_t(n));
  auto it = other_hash.find(name);
  if (it != other_hash.end()) return it->second;
  auto h = Nsec3Hash(name, params.hash_algorithm, params.salt, params.iterations);
  return other_hash.emplace(name, h ? *h : std::string()).first->second;
}

namespace {
uint64_t HashSlot(std::string_view h) {
  uint64_t v = 0;
  std::memcpy(&v, h.data(), std::min<size_t>(8, h.size()));
  return v * 0x9E3779B97F4A7C15ull;  // the hash is uniform already; mix in case it is short
}
}  // namespace

void Context::BuildChainTable() {
  size_t size = 16;
  while (size < chain.size() * 2) size <<= 1;
  chain_table.assign(size, 0);
  for (size_t i = 0; i < chain.size(); ++i) {
    size_t slot = HashSlot(chain[i].hash) & (size - 1);
    while (chain_table[slot] != 0) slot = (slot + 1) & (size - 1);
    chain_table[slot] = uint32_t(i + 1);
  }
}

int Context::Matching(std::string_view h) const {
  if (chain_table.empty() || h.empty()) return -1;
  size_t mask = chain_table.size() - 1;
  for (size_t slot = HashSlot(h) & mask; chain_table[slot] != 0; slot = (slot + 1) & mask) {
    const Nsec3Entry& e = chain[chain_table[slot] - 1];
    if (e.hash == h) return int(chain_table[slot] - 1);
  }
  return -1;
}

int Context::Covering(std::string_view h) const {
  if (chain.empty() || h.empty()) return -1;
  auto it = std::upper_bound(chain.begin(), chain.end(), h,
                             [](std::string_view x, const Nsec3Entry& e) { return x < e.hash; });
  size_t i = it == chain.begin() ? chain.size() - 1 : size_t(it - chain.begin()) - 1;
  const Nsec3Entry& e = chain[i];
  std::string_view next = e.next, hv = h, own = e.hash;
  bool covers = own < next ? (own < hv && hv < next) : (hv > own || hv < next);
  return covers ? int(i) : -1;
}

bool BitmapEquals(std::string_view bitmap, const std::vector<uint16_t>& types) {
  // Encoded on the stack: at most a few windows for the types a name holds.
  unsigned char buf[512];
  size_t n = 0;
  size_t i = 0;
  while (i < types.size()) {
    int window = types[i] >> 8;
    unsigned char bits[32] = {};
    int maxlen = 0;
    for (; i < types.size() && (types[i] >> 8) == window; ++i) {
      int lo = types[i] & 0xff;
      bits[lo / 8] |= uint8_t(0x80 >> (lo % 8));
      maxlen = std::max(maxlen, lo / 8 + 1);
    }
    if (n + 2 + size_t(maxlen) > sizeof buf) return bitmap == EncodeTypes(types);
    buf[n++] = uint8_t(window);
    buf[n++] = uint8_t(maxlen);
    std::memcpy(buf + n, bits, size_t(maxlen));
    n += size_t(maxlen);
  }
  return bitmap == std::string_view(reinterpret_cast<char*>(buf), n);
}

bool BitmapHas(std::string_view b, uint16_t type) {
  size_t p = 0;
  int window = type >> 8, lo = type & 0xff;
  while (p + 2 <= b.size()) {
    int w = static_cast<unsigned char>(b[p]), len = static_cast<unsigned char>(b[p + 1]);
    if (p + 2 + len > b.size()) return false;
    if (w == window) {
      return lo / 8 < len && (static_cast<unsigned char>(b[p + 2 + lo / 8]) & (0x80 >> (lo % 8)));
    }
    p += 2 + len;
  }
  return false;
}

std::string EncodeTypes(const std::vector<uint16_t>& types) {
  std::string out;
  size_t i = 0;
  while (i < types.size()) {
    int window = types[i] >> 8;
    unsigned char bits[32] = {};
    int maxlen = 0;
    for (; i < types.size() && (types[i] >> 8) == window; ++i) {
      int lo = types[i] & 0xff;
      bits[lo / 8] |= uint8_t(0x80 >> (lo % 8));
      maxlen = std::max(maxlen, lo / 8 + 1);
    }
    out.push_back(char(window));
    out.push_back(char(maxlen));
    out.append(reinterpret_cast<char*>(bits), size_t(maxlen));
  }
  return out;
}

std::vector<uint16_t> ExpectedTypes(const Context& ctx, uint32_t node, bool nsec) {
  const ZoneIndex& ix = ctx.ix;
  const auto& n = ix.nodes()[node];
  std::vector<uint16_t> t;
  if (n.kind == NodeKind::kDelegation) {
    t.push_back(dns::rrtype::kNS);
    bool ds = ix.Find(node, dns::rrtype::kDS) != nullptr;
    if (ds) t.push_back(dns::rrtype::kDS);
    if (nsec || ds) t.push_back(dns::rrtype::kRRSIG);
    if (nsec) t.push_back(dns::rrtype::kNSEC);
    return t;
  }
  for (uint32_t r : n.rrsets) {
    uint16_t type = ix.rrsets()[r].type;
    if (type == dns::rrtype::kNSEC3) continue;  // never at an original owner name (RFC 5155 §7.1)
    t.push_back(type);
  }
  if (nsec) t.push_back(dns::rrtype::kNSEC);
  if (!t.empty()) t.push_back(dns::rrtype::kRRSIG);
  std::sort(t.begin(), t.end());
  t.erase(std::unique(t.begin(), t.end()), t.end());
  return t;
}

std::string TypesText(const std::set<uint16_t>& types) {
  std::string s;
  for (uint16_t t : types) s += (s.empty() ? "" : " ") + dns::TypeToText(t);
  return s;
}

void CheckDenial(Context& ctx) {
  const ZoneIndex& ix = ctx.ix;
  bool has_nsec = false, has_nsec3 = false;
  for (const auto& r : ix.rrsets()) {
    has_nsec |= r.type == dns::rrtype::kNSEC;
    has_nsec3 |= r.type == dns::rrtype::kNSEC3 || r.type == dns::rrtype::kNSEC3PARAM;
  }
  bool param = ix.apex() >= 0 && ix.Find(ix.apex(), dns::rrtype::kNSEC3PARAM);
  if (!has_nsec && !has_nsec3) {
    ctx.Add(FindingClass::kDenialMissing, ix.apex_name(), 0, "neither an NSEC nor an NSEC3 chain");
    ctx.report.denial = "none";
    return;
  }
  if (has_nsec3 && (param || !has_nsec)) {
    ctx.mode = Context::Mode::kNsec3;
    ctx.report.denial = "nsec3";
    if (has_nsec) {
      ctx.Add(FindingClass::kDenialMixed, ix.apex_name(), 0, "NSEC records in a zone with an NSEC3 chain; the NSEC3 chain is judged");
    }
    CheckNsec3(ctx);
  } else {
    ctx.mode = Context::Mode::kNsec;
    ctx.report.denial = "nsec";
    if (has_nsec3) {
      ctx.Add(FindingClass::kDenialMixed, ix.apex_name(), 0, "NSEC3 records without an NSEC3PARAM in a zone with NSEC records; the NSEC chain is judged");
    }
    CheckNsec(ctx);
  }
}

}  // namespace rollcage::oracle::internal
