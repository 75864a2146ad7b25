#include "signer-under-test/zone_classifier.h"

#include <algorithm>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>

namespace rollcage::signer {

namespace rt = dns::rrtype;

const char* NodeKindName(NodeKind kind) {
  switch (kind) {
    case NodeKind::kApex: return "apex";
    case NodeKind::kAuthoritative: return "authoritative";
    case NodeKind::kDelegation: return "delegation";
    case NodeKind::kOccluded: return "occluded";
    case NodeKind::kEmptyNonTerminal: return "empty non-terminal";
  }
  return "?";
}

bool ZoneNode::Has(uint16_t type) const { return Find(type) != nullptr; }

const dns::RRset* ZoneNode::Find(uint16_t type) const {
  for (const auto& s : rrsets) {
    if (s.type == type) return &s;
  }
  return nullptr;
}

namespace {

bool CnameAllowedBeside(uint16_t type) {
  return type == rt::kCNAME || type == rt::kRRSIG || type == rt::kNSEC;
}

}  // namespace

Result<ClassifiedZone> ClassifyZone(std::vector<dns::RR> records, const dns::Name& origin) {
  for (const auto& r : records) {
    if (r.rrclass != dns::kClassIN) {
      return BadInput(r.owner.ToText() + ": class " + std::to_string(r.rrclass) + " is not IN");
    }
    if (!r.owner.IsSubdomainOf(origin)) {
      return BadInput(r.owner.ToText() + " is outside the zone " + origin.ToText());
    }
  }
  dns::Zone sorted(origin);
  sorted.mutable_records() = std::move(records);
  sorted.SortCanonical();
  std::vector<dns::RRset> rrsets = sorted.TakeRrsets();  // (sorted keeps the TTLs read below)

  ClassifiedZone out;
  out.origin = origin;
  // Group RRsets by owner (they are in canonical order, so owners are contiguous).
  for (auto& set : rrsets) {
    if (out.nodes.empty() || !(out.nodes.back().name == set.owner)) {
      ZoneNode node;
      node.name = set.owner;
      out.nodes.push_back(std::move(node));
    }
    out.nodes.back().rrsets.push_back(std::move(set));
  }
  // RFC 2181 §5.2: one TTL per RRset; use the smallest when the RRs disagree.
  {
    size_t i = 0;
    const auto& recs = sorted.records();
    for (auto& node : out.nodes) {
      for (auto& set : node.rrsets) {
        uint32_t ttl = set.ttl;
        for (size_t k = 0; k < set.rdatas.size(); ++k, ++i) ttl = std::min(ttl, recs[i].ttl);
        set.ttl = ttl;
      }
    }
  }
  if (out.nodes.empty() || !(out.nodes.front().name == origin) || !out.nodes.front().Has(rt::kSOA)) {
    return BadInput("no SOA record at the apex " + origin.ToText());
  }
  if (out.nodes.front().Find(rt::kSOA)->rdatas.size() != 1) {
    return BadInput(origin.ToText() + ": more than one SOA record");
  }

  // One pass in canonical order: descendants follow their ancestor directly, so the current cut
  // (delegation or DNAME owner) occludes every following name below it.
  const dns::Name* cut = nullptr;
  for (auto& node : out.nodes) {
    bool apex = node.name == origin;
    if (cut && node.name.IsSubdomainOf(*cut)) {
      node.kind = NodeKind::kOccluded;
      continue;
    }
    cut = nullptr;
    for (const auto& set : node.rrsets) {
      if (set.type == rt::kSOA && !apex) return BadInput(node.name.ToText() + ": SOA record outside the apex");
    }
    if (apex) {
      node.kind = NodeKind::kApex;
      if (node.Has(rt::kDS)) return BadInput(node.name.ToText() + ": DS record at the zone apex (it belongs in the parent)");
    } else if (node.Has(rt::kNS)) {
      node.kind = NodeKind::kDelegation;
      node.secure = node.Has(rt::kDS);
      cut = &node.name;
      continue;
    } else {
      node.kind = NodeKind::kAuthoritative;
      if (node.Has(rt::kDS)) return BadInput(node.name.ToText() + ": DS record without a delegation (no NS)");
    }
    if (node.Has(rt::kCNAME)) {
      for (const auto& set : node.rrsets) {
        if (!CnameAllowedBeside(set.type)) {
          return BadInput(node.name.ToText() + ": CNAME and " + dns::TypeToText(set.type) + " at the same name");
        }
      }
    }
    if (node.Has(rt::kDNAME)) cut = &node.name;  // RFC 6672 §2.4: names below a DNAME are occluded
  }

  // Empty non-terminals: ancestors (below the apex) of chained names that have no node of their own.
  // (The nodes are in canonical order: whether a name has a node is a binary search.)
  auto has_node = [&out](const dns::Name& name) {
    return std::binary_search(out.nodes.begin(), out.nodes.end(), name,
                              [](const auto& a, const auto& b) {
                                constexpr bool kNodeFirst = std::is_same_v<std::decay_t<decltype(a)>, ZoneNode>;
                                if constexpr (kNodeFirst) {
                                  return a.name < b;
                                } else {
                                  return a < b.name;
                                }
                              });
  };
  std::unordered_map<dns::Name, bool, dns::NameHash> ents;  // name -> secure
  for (const auto& node : out.nodes) {
    if (node.kind != NodeKind::kAuthoritative && node.kind != NodeKind::kDelegation) continue;
    bool needs = node.kind == NodeKind::kAuthoritative || node.secure;
    for (dns::Name p = node.name.Parent(); !(p == origin); p = p.Parent()) {
      if (has_node(p)) break;  // an existing node: its own ancestors are handled through it
      auto [it, inserted] = ents.emplace(p, needs);
      if (!inserted) {
        if (!needs || it->second) break;  // nothing new to record further up
        it->second = true;
      }
    }
  }
  if (!ents.empty()) {
    for (auto& [name, secure] : ents) {
      ZoneNode node;
      node.name = name;
      node.kind = NodeKind::kEmptyNonTerminal;
      node.secure = secure;
      out.nodes.push_back(std::move(node));
    }
    std::sort(out.nodes.begin(), out.nodes.end(), [](const ZoneNode& a, const ZoneNode& b) { return a.name < b.name; });
  }
  return out;
}

}  // namespace rollcage::signer
