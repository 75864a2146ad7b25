// ZoneIndex: the records of one zone grouped into RRsets by owner and type, the owner names in
// canonical order (RFC 4034 §6.1), each name's role relative to the zone cuts (RFC 1034 §4.2.1,
// RFC 4035 §2.2: apex, authoritative, delegation point, below a cut), and each RRSIG attached to
// the RRset it covers. Building never fails; odd input (RRSIG RDATA too short to name a type,
// records outside the apex) is recorded for the checks to report.
#ifndef ROLLCAGE_ORACLE_ZONE_INDEX_H_
#define ROLLCAGE_ORACLE_ZONE_INDEX_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dns/name.h"
#include "dns/rr.h"
#include "dns/zone.h"

namespace rollcage::oracle {

enum class NodeKind : uint8_t {
  kApex,
  kAuthoritative,  // at or below the apex, above every cut
  kDelegation,     // has NS, not the apex, not below another cut
  kBelowCut,       // below a delegation point or a DNAME owner: glue or occluded data
  kOutOfZone,      // not at or below the apex
};

class ZoneIndex {
 public:
  struct Rrset {
    uint32_t node = 0;
    uint16_t type = 0;
    uint16_t rrclass = 0;
    uint32_t ttl = 0;             // the lowest TTL of its RRs
    bool ttl_consistent = true;   // all RRs had the same TTL
    std::span<const uint32_t> records;  // indices into records(), in file order
    std::span<const uint32_t> sigs;     // RRSIG records at the owner covering this type
  };
  struct Node {
    const dns::Name* name = nullptr;  // points into records()
    NodeKind kind = NodeKind::kAuthoritative;
    bool nsec3_only = false;                // holds NSEC3 RRs (and their RRSIGs) and nothing else
    std::span<const uint32_t> rrsets;       // indices into rrsets(), by increasing type
    std::span<const uint32_t> orphan_sigs;     // RRSIGs covering a type absent at this owner
    std::span<const uint32_t> malformed_sigs;  // RRSIGs naming no type, or covering RRSIG
  };

  ZoneIndex() = default;
  ZoneIndex(ZoneIndex&&) = default;  // the spans point into arrays the index owns: move only
  ZoneIndex& operator=(ZoneIndex&&) = default;
  ZoneIndex(const ZoneIndex&) = delete;
  ZoneIndex& operator=(const ZoneIndex&) = delete;

  // Indexes zone's records (which must outlive the index) relative to apex.
  static ZoneIndex Build(const dns::Zone& zone, const dns::Name& apex);

  const std::vector<dns::RR>& records() const { return *records_; }
  const std::vector<Node>& nodes() const { return nodes_; }  // canonical order
  const std::vector<Rrset>& rrsets() const { return rrsets_; }
  int apex() const { return apex_; }  // node index, or -1 when the apex holds no record
  const dns::Name& apex_name() const { return apex_name_; }
  size_t rrsig_count() const { return rrsig_count_; }

  // The RRset of type at node, or nullptr.
  const Rrset* Find(uint32_t node, uint16_t type) const;
  int FindIndex(uint32_t node, uint16_t type) const;  // -1 when absent
  // The node of name, or -1.
  int FindNode(const dns::Name& name) const;
  // RDATA views of an RRset.
  std::vector<std::string_view> Rdatas(const Rrset& r) const;

 private:
  const std::vector<dns::RR>* records_ = nullptr;
  std::vector<Node> nodes_;
  std::vector<Rrset> rrsets_;
  std::vector<uint32_t> sorted_records_;  // record indices by (node, type): the RRsets' spans
  std::vector<uint32_t> rrset_ids_;       // 0, 1, 2, ...: the nodes' rrsets spans
  std::vector<uint32_t> odd_sigs_;        // orphan and malformed RRSIGs, by node
  std::vector<uint32_t> by_hash_;  // open-addressing table of node indices + 1 (0: empty)
  int apex_ = -1;
  dns::Name apex_name_;
  size_t rrsig_count_ = 0;
};

// A byte string whose memcmp order is the canonical name order (RFC 4034 §6.1): labels from the
// right, lowercased, 0x00/0x01 escaped, each followed by 0x00.
std::string CanonicalSortKey(std::string_view wire);
void AppendCanonicalSortKey(std::string_view wire, std::string& key);

}  // namespace rollcage::oracle

#endif  // ROLLCAGE_ORACLE_ZONE_INDEX_H_
