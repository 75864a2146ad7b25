// Timeline: every zone version and parent DS version a signer published, each with the time it was
// published, plus free-form notes (faults injected, keys generated). Stored as a directory of plain
// master files and an index (docs/timeline.md), so any validator can judge any version and a timeline
// written by hand or by another signer's pipeline reads the same way.
#ifndef ROLLCAGE_TIMELINE_TIMELINE_H_
#define ROLLCAGE_TIMELINE_TIMELINE_H_

#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "dns/name.h"
#include "dns/rr.h"
#include "dns/zone.h"

namespace rollcage::timeline {

struct ZoneVersion {
  UnixTime published = 0;
  std::string file;  // relative to the timeline directory, e.g. "zones/000001.zone"
  dns::Zone zone;
};

// The DS RRset the parent serves for the zone from `published` on; empty `ds` means no DS (insecure).
struct DsVersion {
  UnixTime published = 0;
  std::string file;  // e.g. "parent/000001.ds"
  uint32_t ttl = 3600;
  std::vector<dns::RR> ds;
};

struct Note {
  UnixTime time = 0;
  std::string text;
};

// Events in file order; simultaneous events keep their order (the deterministic tie-breaker).
struct Timeline {
  dns::Name origin;
  std::vector<ZoneVersion> zones;
  std::vector<DsVersion> parent_ds;
  std::vector<Note> notes;
  std::optional<UnixTime> end;  // when observation ends; default: last event + the largest TTL

  // Appends a zone version / DS version with a generated file name.
  void AddZone(UnixTime t, dns::Zone zone);
  void AddDs(UnixTime t, std::vector<dns::RR> ds, uint32_t ttl);
  void AddNote(UnixTime t, std::string text) { notes.push_back({t, std::move(text)}); }
};

// Reads DIR/index (and every file it names). Errors name "DIR/index:line: what" or the zone file's
// "file:line: what"; kBadInput for malformed content, kIo for unreadable files.
Result<Timeline> ReadTimeline(const std::string& dir);

// Writes the timeline to dir (created if needed): zone files, DS files and the index, each
// crash-safely. Existing files of the same names are replaced.
Status WriteTimeline(const Timeline& timeline, const std::string& dir);

}  // namespace rollcage::timeline

#endif  // ROLLCAGE_TIMELINE_TIMELINE_H_
