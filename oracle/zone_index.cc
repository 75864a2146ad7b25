#include "oracle/zone_index.h"
#include "base/hot.h"

#include <algorithm>

#include "base/encoding.h"

namespace rollcage::oracle {
namespace {

size_t TableSize(size_t n) {
  size_t s = 16;
  while (s < n * 2) s <<= 1;
  return s;
}

}  // namespace

std::string CanonicalSortKey(std::string_view wire) {
  std::string key;
  AppendCanonicalSortKey(wire, key);
  return key;
}

RC_HOT_LEAF void AppendCanonicalSortKey(std::string_view wire, std::string& key) {
  uint8_t offsets[128];  // (a name is at most 255 octets; a small array is cheaper under ASan)
  int n = 0;
  size_t p = 0;
  while (p < wire.size() && wire[p] != 0 && n < 128 && p < 256) {
    offsets[n++] = uint8_t(p);
    p += 1 + static_cast<unsigned char>(wire[p]);
  }
  for (int i = n - 1; i >= 0; --i) {
    size_t o = offsets[i];
    size_t len = static_cast<unsigned char>(wire[o]);
    for (size_t k = 1; k <= len && o + k < wire.size(); ++k) {
      unsigned char c = static_cast<unsigned char>(wire[o + k]);
      if (c >= 'A' && c <= 'Z') c = c + 32;
      if (c <= 1) {
        key.push_back('\x01');
        key.push_back(char(c + 1));
      } else {
        key.push_back(char(c));
      }
    }
    key.push_back('\0');
  }
}

ZoneIndex ZoneIndex::Build(const dns::Zone& zone, const dns::Name& apex) {
  ZoneIndex ix;
  ix.records_ = &zone.records();
  ix.apex_name_ = apex;
  const auto& recs = zone.records();
  const uint32_t n_recs = uint32_t(recs.size());

  // 1. Owner names (case-insensitive) with an open-addressing table; node ids in first-seen order.
  std::vector<const dns::Name*> names;
  std::vector<uint32_t> table(TableSize(recs.size() + 1), 0);
  size_t mask = table.size() - 1;
  dns::NameHash hasher;
  std::vector<uint32_t> node_of(n_recs);
  for (uint32_t i = 0; i < n_recs; ++i) {
    const dns::Name& owner = recs[i].owner;
    // Zone files list an owner's records together: the same octets as the previous owner need no lookup.
    if (i > 0 && owner.wire() == recs[i - 1].owner.wire()) {
      node_of[i] = node_of[i - 1];
      continue;
    }
    size_t h = hasher(owner) & mask;
    while (table[h] != 0 && !(*names[table[h] - 1] == owner)) h = (h + 1) & mask;
    if (table[h] == 0) {
      names.push_back(&owner);
      table[h] = uint32_t(names.size());
    }
    node_of[i] = table[h] - 1;
  }
  const uint32_t n_nodes = uint32_t(names.size());

  // 2. Canonical order of the names (sort keys compared with memcmp).
  std::vector<uint32_t> pos(n_nodes);
  {
    std::string keys;  // all sort keys back to back (no allocation per name)
    size_t wire_total = 0;
    for (const dns::Name* name : names) wire_total += name->wire().size();
    keys.reserve(wire_total + wire_total / 8 + 8);  // (octets 0 and 1 take two)
    std::vector<std::pair<uint32_t, uint32_t>> at(n_nodes);  // offset, length
    for (uint32_t i = 0; i < n_nodes; ++i) {
      size_t off = keys.size();
      AppendCanonicalSortKey(names[i]->wire(), keys);
      at[i] = {uint32_t(off), uint32_t(keys.size() - off)};
    }
    std::vector<uint32_t> order(n_nodes);
    for (uint32_t i = 0; i < n_nodes; ++i) order[i] = i;
    const char* base = keys.data();
    std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
      std::string_view ka(base + at[a].first, at[a].second), kb(base + at[b].first, at[b].second);
      return ka < kb;
    });
    for (uint32_t i = 0; i < n_nodes; ++i) pos[order[i]] = i;
  }
  for (auto& t : table) {
    if (t != 0) t = pos[t - 1] + 1;
  }
  ix.by_hash_ = std::move(table);

  // 3. Records grouped by node (counting sort on the node's position), then by type key within a
  // node: type*2 for data, covered*2+1 for an RRSIG (so an RRset's RRSIGs follow it), file order kept.
  auto type_key = [&](uint32_t i) -> uint32_t {
    const dns::RR& rr = recs[i];
    if (rr.type != dns::rrtype::kRRSIG) return uint32_t(rr.type) << 1;
    if (rr.rdata.size() < 2) return 0x40000;  // malformed: names no type
    uint16_t covered = ReadU16(reinterpret_cast<const unsigned char*>(rr.rdata.data()));
    if (covered == dns::rrtype::kRRSIG) return 0x40000;
    return uint32_t(covered) << 1 | 1;
  };
  std::vector<uint32_t> start(n_nodes + 1, 0);
  for (uint32_t i = 0; i < n_recs; ++i) ++start[pos[node_of[i]] + 1];
  for (uint32_t k = 0; k < n_nodes; ++k) start[k + 1] += start[k];
  std::vector<uint32_t> fill(start.begin(), start.end() - 1);
  ix.sorted_records_.resize(n_recs);
  std::vector<uint32_t> keys(n_recs);
  for (uint32_t i = 0; i < n_recs; ++i) {
    uint32_t slot = fill[pos[node_of[i]]]++;
    ix.sorted_records_[slot] = i;
    keys[i] = type_key(i);
  }
  node_of.clear();
  node_of.shrink_to_fit();
  ix.nodes_.resize(n_nodes);
  ix.rrsets_.reserve(n_recs / 2 + 1);
  std::vector<std::pair<uint32_t, uint32_t>> odd_ranges(n_nodes);  // [orphans begin, malformed begin)
  std::vector<uint32_t> odd_end(n_nodes);
  for (uint32_t k = 0; k < n_nodes; ++k) {
    uint32_t* b = ix.sorted_records_.data() + start[k];
    uint32_t* e = ix.sorted_records_.data() + start[k + 1];
    if (e - b > 1) {
      std::sort(b, e, [&](uint32_t x, uint32_t y) { return keys[x] != keys[y] ? keys[x] < keys[y] : x < y; });
    }
    Node& n = ix.nodes_[k];
    n.name = &recs[*b].owner;
    uint32_t first_rrset = uint32_t(ix.rrsets_.size());
    std::vector<uint32_t> orphans, malformed;
    for (uint32_t* p = b; p < e;) {
      uint32_t key = keys[*p];
      uint32_t* q = p;
      while (q < e && keys[*q] == key) ++q;
      if (key == 0x40000) {
        malformed.insert(malformed.end(), p, q);
      } else if ((key & 1) == 0) {
        Rrset s;
        s.node = k;
        s.type = uint16_t(key >> 1);
        s.rrclass = recs[*p].rrclass;
        s.ttl = recs[*p].ttl;
        for (uint32_t* r = p; r < q; ++r) {
          if (recs[*r].ttl != s.ttl) {
            s.ttl_consistent = false;
            s.ttl = std::min(s.ttl, recs[*r].ttl);
          }
        }
        s.records = std::span<const uint32_t>(p, q);
        ix.rrsets_.push_back(s);
      } else {
        uint16_t covered = uint16_t(key >> 1);
        if (ix.rrsets_.size() > first_rrset && ix.rrsets_.back().type == covered) {
          ix.rrsets_.back().sigs = std::span<const uint32_t>(p, q);
        } else {
          orphans.insert(orphans.end(), p, q);
        }
      }
      p = q;
    }
    odd_ranges[k] = {uint32_t(ix.odd_sigs_.size()), uint32_t(ix.odd_sigs_.size() + orphans.size())};
    ix.odd_sigs_.insert(ix.odd_sigs_.end(), orphans.begin(), orphans.end());
    ix.odd_sigs_.insert(ix.odd_sigs_.end(), malformed.begin(), malformed.end());
    odd_end[k] = uint32_t(ix.odd_sigs_.size());
    ix.rrsig_count_ += uint32_t(malformed.size() + orphans.size());
    n.nsec3_only = ix.rrsets_.size() > first_rrset;
    for (size_t r = first_rrset; r < ix.rrsets_.size(); ++r) {
      n.nsec3_only &= ix.rrsets_[r].type == dns::rrtype::kNSEC3;
      ix.rrsig_count_ += ix.rrsets_[r].sigs.size();
    }
    start[k] = first_rrset;  // from here on: the node's first RRset (spans are set below)
  }
  start[n_nodes] = uint32_t(ix.rrsets_.size());
  ix.rrset_ids_.resize(ix.rrsets_.size());
  for (uint32_t r = 0; r < ix.rrset_ids_.size(); ++r) ix.rrset_ids_[r] = r;
  for (uint32_t k = 0; k < n_nodes; ++k) {
    Node& n = ix.nodes_[k];
    n.rrsets = std::span<const uint32_t>(ix.rrset_ids_.data() + start[k], ix.rrset_ids_.data() + start[k + 1]);
    n.orphan_sigs = std::span<const uint32_t>(ix.odd_sigs_.data() + odd_ranges[k].first,
                                              ix.odd_sigs_.data() + odd_ranges[k].second);
    n.malformed_sigs = std::span<const uint32_t>(ix.odd_sigs_.data() + odd_ranges[k].second,
                                                 ix.odd_sigs_.data() + odd_end[k]);
  }

  // 4. Roles. In canonical order a name's descendants follow it directly, so one active cut at a
  // time suffices: every name below it until the first name that is not is below the cut.
  int cut = -1;
  for (uint32_t i = 0; i < ix.nodes_.size(); ++i) {
    Node& n = ix.nodes_[i];
    if (!n.name->IsSubdomainOf(apex)) {
      n.kind = NodeKind::kOutOfZone;
      continue;
    }
    if (cut >= 0 && n.name->IsSubdomainOf(*ix.nodes_[cut].name)) {
      // A DNAME at the apex does not occlude the zone's NSEC3 records: they sit at hashed names
      // one label below the apex and are not part of the namespace the DNAME redirects (found by
      // the zone fuzz target: the oracle rejected the signed NSEC3 chain of a zone with an apex
      // DNAME, which every signer publishes and validators accept).
      bool nsec3_under_apex_dname = ix.nodes_[cut].kind == NodeKind::kApex && n.name->Parent() == apex &&
                                    ix.FindIndex(i, dns::rrtype::kNSEC3) >= 0;
      if (!nsec3_under_apex_dname) {
        n.kind = NodeKind::kBelowCut;
        continue;
      }
      n.kind = NodeKind::kAuthoritative;
      continue;
    }
    cut = -1;
    bool is_apex = *n.name == apex;
    if (is_apex) {
      n.kind = NodeKind::kApex;
      ix.apex_ = int(i);
    } else if (ix.FindIndex(i, dns::rrtype::kNS) >= 0) {
      n.kind = NodeKind::kDelegation;
      cut = int(i);
    } else {
      n.kind = NodeKind::kAuthoritative;
    }
    // Names below a DNAME owner are occluded (RFC 6672 §2.3).
    if (cut < 0 && ix.FindIndex(i, dns::rrtype::kDNAME) >= 0) cut = int(i);
  }
  return ix;
}

int ZoneIndex::FindIndex(uint32_t node, uint16_t type) const {
  for (uint32_t r : nodes_[node].rrsets) {
    if (rrsets_[r].type == type) return int(r);
  }
  return -1;
}

const ZoneIndex::Rrset* ZoneIndex::Find(uint32_t node, uint16_t type) const {
  int r = FindIndex(node, type);
  return r < 0 ? nullptr : &rrsets_[r];
}

int ZoneIndex::FindNode(const dns::Name& name) const {
  if (by_hash_.empty()) return -1;
  size_t mask = by_hash_.size() - 1;
  size_t h = dns::NameHash()(name) & mask;
  while (by_hash_[h] != 0) {
    if (*nodes_[by_hash_[h] - 1].name == name) return int(by_hash_[h] - 1);
    h = (h + 1) & mask;
  }
  return -1;
}

std::vector<std::string_view> ZoneIndex::Rdatas(const Rrset& r) const {
  std::vector<std::string_view> out;
  out.reserve(r.records.size());
  for (uint32_t i : r.records) out.emplace_back((*records_)[i].rdata);
  return out;
}

}  // namespace rollcage::oracle
