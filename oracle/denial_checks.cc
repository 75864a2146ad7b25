// Authenticated denial checks: the NSEC chain (RFC 4034 §4, RFC 4035 §2.3) or the NSEC3 chain
// (RFC 5155 §3, §7.1; RFC 9276 §3.1), judged against the names the zone actually holds.
#include <algorithm>
#include <set>

#include "base/encoding.h"
#include "dns/rdata.h"
#include "oracle/crypto.h"
#include "oracle/internal/validation.h"

namespace rollcage::oracle::internal {
namespace {

std::string HashText(const std::string& h) { return Base32HexEncode(h); }

bool IsChainName(const ZoneIndex::Node& n) {
  return !n.nsec3_only &&
         (n.kind == NodeKind::kApex || n.kind == NodeKind::kAuthoritative || n.kind == NodeKind::kDelegation);
}

std::string BitmapDiff(const std::set<uint16_t>& want, const std::set<uint16_t>& have) {
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
    std::set<uint16_t> types = ExpectedTypes(ctx, i, true);
    if (types != d->types) {
      ctx.Add(FindingClass::kNsecBitmapMismatch, *n.name, dns::rrtype::kNSEC, BitmapDiff(types, d->types));
    }
  }
}

bool ParamsEqual(const dns::Nsec3Data& d, const dns::Nsec3ParamData& p) {
  return d.hash_algorithm == p.hash_algorithm && d.iterations == p.iterations && d.salt == p.salt;
}

std::string ParamsText(uint8_t alg, uint16_t it, const std::string& salt) {
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
    uint32_t rec;
    dns::Nsec3Data d;
  };
  std::vector<Raw> raws;
  for (uint32_t i = 0; i < ix.nodes().size(); ++i) {
    int r = ix.FindIndex(i, dns::rrtype::kNSEC3);
    if (r < 0) continue;
    for (uint32_t rec : ix.rrsets()[r].records) {
      auto d = dns::Nsec3Data::Parse(ix.records()[rec].rdata);
      if (!d.ok()) {
        ctx.Add(FindingClass::kRdataMalformed, *ix.nodes()[i].name, dns::rrtype::kNSEC3, d.status().message());
        continue;
      }
      raws.push_back(Raw{i, r, rec, std::move(d).value()});
    }
  }
  if (!np) {
    ctx.Add(FindingClass::kNsec3ParamMissing, apex, dns::rrtype::kNSEC3PARAM,
            "the zone has " + std::to_string(raws.size()) + " NSEC3 RRs but no NSEC3PARAM at the apex");
  }
  if (!params && !raws.empty()) {
    params = dns::Nsec3ParamData{raws.front().d.hash_algorithm, 0, raws.front().d.iterations, raws.front().d.salt};
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
  for (auto& raw : raws) {
    const dns::Name& owner = *ix.nodes()[raw.node].name;
    if (!ParamsEqual(raw.d, *params)) {
      ctx.Add(FindingClass::kNsec3ParamMismatch, owner, dns::rrtype::kNSEC3,
              "NSEC3 with " + ParamsText(raw.d.hash_algorithm, raw.d.iterations, raw.d.salt) + ", the zone uses " +
                  ParamsText(params->hash_algorithm, params->iterations, params->salt));
      continue;
    }
    std::optional<std::string> hash;
    if (owner.LabelCount() == apex_labels + 1 && owner.Parent() == apex) {
      hash = Base32HexDecode(owner.FirstLabel());
    }
    if (!hash || hash->size() != 20) {
      ctx.Add(FindingClass::kNsec3BadOwner, owner, dns::rrtype::kNSEC3,
              "the owner is not <base32hex SHA-1 hash>." + apex.ToText());
      continue;
    }
    if (ctx.chain_by_hash.count(*hash)) {
      ctx.Add(FindingClass::kNsec3ChainGap, owner, dns::rrtype::kNSEC3, "more than one NSEC3 RR at one owner");
      continue;
    }
    ctx.chain_by_hash[*hash] = -1;
    CheckTtl(ctx, owner, dns::rrtype::kNSEC3, ix.rrsets()[raw.rrset].ttl);
    if (raw.d.OptOut()) ctx.report.nsec3_opt_out = true;
    ctx.chain.push_back(Nsec3Entry{std::move(*hash), raw.node, raw.rrset, std::move(raw.d)});
  }
  std::sort(ctx.chain.begin(), ctx.chain.end(), [](const Nsec3Entry& a, const Nsec3Entry& b) { return a.hash < b.hash; });
  for (size_t i = 0; i < ctx.chain.size(); ++i) ctx.chain_by_hash[ctx.chain[i].hash] = int(i);
  for (size_t i = 0; i < ctx.chain.size(); ++i) {
    const Nsec3Entry& e = ctx.chain[i];
    const std::string& want = ctx.chain[(i + 1) % ctx.chain.size()].hash;
    if (e.data.next_hashed != want) {
      ctx.Add(FindingClass::kNsec3ChainGap, ctx.NodeName(e.node), dns::rrtype::kNSEC3,
              "Next Hashed Owner Name " + HashText(e.data.next_hashed) + ", the next NSEC3 in hash order is " +
                  HashText(want) + (i + 1 == ctx.chain.size() ? " (the chain must close on the first hash)" : ""));
    }
  }

  // Every name that needs an NSEC3 has one; names left out are opt-out-able and covered by Opt-Out.
  std::vector<uint8_t> matched(ctx.chain.size(), 0);
  auto judge = [&](const dns::Name& name, bool optoutable, const std::set<uint16_t>& want, const char* what) {
    const std::string& h = ctx.Hash(name);
    int m = ctx.Matching(h);
    if (m >= 0) {
      matched[m] = 1;
      const Nsec3Entry& e = ctx.chain[m];
      if (e.data.types != want) {
        ctx.Add(FindingClass::kNsec3BitmapMismatch, ctx.NodeName(e.node), dns::rrtype::kNSEC3,
                "for " + name.ToText() + ": " + BitmapDiff(want, e.data.types));
      }
      return;
    }
    int cov = ctx.Covering(h);
    bool opt_out = cov >= 0 && ctx.chain[cov].data.OptOut();
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
    if (n.kind != NodeKind::kApex) {
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
    judge(*n.name, optoutable, ExpectedTypes(ctx, i, false),
          n.kind == NodeKind::kDelegation ? (optoutable ? "the insecure delegation" : "the secure delegation")
                                          : "the name");
  }
  for (const auto& e : ents) {
    judge(e.name, !e.required, {}, e.required ? "the empty non-terminal" : "the empty non-terminal above insecure delegations");
  }
  for (size_t i = 0; i < ctx.chain.size(); ++i) {
    if (matched[i]) continue;
    ctx.Add(FindingClass::kNsec3Extra, ctx.NodeName(ctx.chain[i].node), dns::rrtype::kNSEC3,
            "no name in the zone that may have an NSEC3 hashes to " + HashText(ctx.chain[i].hash));
  }
}

}  // namespace

const std::string& Context::Hash(const dns::Name& name) {
  auto it = hash_memo.find(name);
  if (it != hash_memo.end()) return it->second;
  auto h = Nsec3Hash(name, params.hash_algorithm, params.salt, params.iterations);
  return hash_memo.emplace(name, h ? *h : std::string()).first->second;
}

int Context::Matching(const std::string& h) const {
  auto it = chain_by_hash.find(h);
  return it == chain_by_hash.end() ? -1 : it->second;
}

int Context::Covering(const std::string& h) const {
  if (chain.empty()) return -1;
  auto it = std::upper_bound(chain.begin(), chain.end(), h,
                             [](const std::string& x, const Nsec3Entry& e) { return x < e.hash; });
  size_t i = it == chain.begin() ? chain.size() - 1 : size_t(it - chain.begin()) - 1;
  const Nsec3Entry& e = chain[i];
  const std::string& next = e.data.next_hashed;
  bool covers = e.hash < next ? (e.hash < h && h < next) : (h > e.hash || h < next);
  return covers ? int(i) : -1;
}

std::set<uint16_t> ExpectedTypes(const Context& ctx, uint32_t node, bool nsec) {
  const ZoneIndex& ix = ctx.ix;
  const auto& n = ix.nodes()[node];
  std::set<uint16_t> t;
  if (n.kind == NodeKind::kDelegation) {
    t.insert(dns::rrtype::kNS);
    bool ds = ix.Find(node, dns::rrtype::kDS) != nullptr;
    if (ds) t.insert(dns::rrtype::kDS);
    if (nsec) {
      t.insert(dns::rrtype::kNSEC);
      t.insert(dns::rrtype::kRRSIG);
    } else if (ds) {
      t.insert(dns::rrtype::kRRSIG);
    }
    return t;
  }
  for (uint32_t r : n.rrsets) {
    uint16_t type = ix.rrsets()[r].type;
    if (type == dns::rrtype::kNSEC3) continue;  // never at an original owner name (RFC 5155 §7.1)
    t.insert(type);
  }
  if (nsec) t.insert(dns::rrtype::kNSEC);
  if (!t.empty()) t.insert(dns::rrtype::kRRSIG);
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
