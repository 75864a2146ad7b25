#include "timeline/timeline.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "base/file.h"

namespace rollcage::timeline {
namespace {

constexpr char kHeader[] = "# rollcage timeline 1";

std::string Trim(std::string s) {
  size_t a = s.find_first_not_of(" \t\r");
  if (a == std::string::npos) return "";
  size_t b = s.find_last_not_of(" \t\r");
  return s.substr(a, b - a + 1);
}

std::vector<std::string> Words(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  std::string w;
  while (in >> w) out.push_back(w);
  return out;
}

std::string Numbered(const char* dir, size_t n, const char* ext) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s/%06zu.%s", dir, n, ext);
  return buf;
}

bool SafeRelativePath(const std::string& p) {
  if (p.empty() || p[0] == '/') return false;
  return p.find("..") == std::string::npos;
}

}  // namespace

void Timeline::AddZone(UnixTime t, dns::Zone zone) {
  zones.push_back({t, Numbered("zones", zones.size() + 1, "zone"), std::move(zone)});
}

void Timeline::AddDs(UnixTime t, std::vector<dns::RR> ds, uint32_t ttl) {
  parent_ds.push_back({t, Numbered("parent", parent_ds.size() + 1, "ds"), ttl, std::move(ds)});
}

Result<Timeline> ReadTimeline(const std::string& dir) {
  std::string index_path = dir + "/index";
  RC_ASSIGN_OR_RETURN(std::string text, ReadFile(index_path));
  Timeline tl;
  bool have_origin = false;
  std::istringstream in(text);
  std::string raw;
  int line = 0;
  auto err = [&](const std::string& what) { return BadInput(index_path + ":" + std::to_string(line) + ": " + what); };
  while (std::getline(in, raw)) {
    ++line;
    if (auto hash = raw.find('#'); hash != std::string::npos) {
      if (line == 1 && raw.rfind("# rollcage timeline", 0) == 0) {
        std::string v = Trim(raw.substr(19));
        if (v != "1") return err("unsupported timeline version '" + v + "'");
        continue;
      }
      raw = raw.substr(0, hash);
    }
    std::string l = Trim(raw);
    if (l.empty()) continue;
    auto w = Words(l);
    if (w.empty()) continue;
    if (w[0] == "origin") {
      if (w.size() != 2) return err("expected 'origin NAME'");
      auto o = dns::Name::FromText(w[1]);
      if (!o.ok()) return err(o.status().message());
      tl.origin = *o;
      have_origin = true;
      continue;
    }
    if (w[0] == "end") {
      if (w.size() != 2) return err("expected 'end TIME'");
      auto t = ParseTime(w[1]);
      if (!t.ok()) return err(t.status().message());
      tl.end = *t;
      continue;
    }
    if (w.size() < 2) return err("expected 'TIME zone FILE', 'TIME ds FILE [ttl N]' or 'TIME note TEXT'");
    auto t = ParseTime(w[0]);
    if (!t.ok()) return err(t.status().message());
    const std::string& kind = w[1];
    if (kind == "note") {
      auto pos = l.find("note");
      tl.notes.push_back({*t, Trim(l.substr(pos + 4))});
      continue;
    }
    if (!have_origin) return err("'origin NAME' must come before the first event");
    if (w.size() < 3) return err("missing file name");
    if (!SafeRelativePath(w[2])) return err("file name must be relative and stay inside the timeline: '" + w[2] + "'");
    std::string path = dir + "/" + w[2];
    if (kind == "zone") {
      if (w.size() != 3) return err("unexpected text after the zone file name");
      auto z = dns::Zone::Load(path, {.origin = tl.origin});
      if (!z.ok()) return z.status();
      tl.zones.push_back({*t, w[2], std::move(z).value()});
    } else if (kind == "ds") {
      DsVersion d;
      d.published = *t;
      d.file = w[2];
      if (w.size() == 5 && w[3] == "ttl") {
        char* end = nullptr;
        unsigned long v = std::strtoul(w[4].c_str(), &end, 10);
        if (*end != 0 || v > 0x7fffffff) return err("bad ttl '" + w[4] + "'");
        d.ttl = uint32_t(v);
      } else if (w.size() != 3) {
        return err("expected 'TIME ds FILE [ttl N]'");
      }
      RC_ASSIGN_OR_RETURN(std::string dstext, ReadFile(path));
      if (Trim(dstext).empty()) {
        tl.parent_ds.push_back(std::move(d));
        continue;
      }
      auto z = dns::Zone::Parse(dstext, {.origin = tl.origin, .default_ttl = d.ttl}, path);
      if (!z.ok()) return z.status();
      for (const auto& rr : z->records()) {
        if (rr.type != dns::rrtype::kDS) {
          return BadInput(path + ": only DS records belong in a parent DS file, found " + dns::TypeToText(rr.type));
        }
        if (!(rr.owner == tl.origin)) {
          return BadInput(path + ": DS owner " + rr.owner.ToText() + " is not the zone origin " + tl.origin.ToText());
        }
        d.ds.push_back(rr);
      }
      if (!d.ds.empty() && w.size() == 3) d.ttl = d.ds.front().ttl;
      tl.parent_ds.push_back(std::move(d));
    } else {
      return err("unknown event kind '" + kind + "' (zone, ds or note)");
    }
  }
  if (!have_origin) return BadInput(index_path + ": no 'origin NAME' line");
  if (tl.zones.empty()) return BadInput(index_path + ": no zone versions");
  auto by_time = [](const auto& a, const auto& b) { return a.published < b.published; };
  if (!std::is_sorted(tl.zones.begin(), tl.zones.end(), by_time) ||
      !std::is_sorted(tl.parent_ds.begin(), tl.parent_ds.end(), by_time)) {
    return BadInput(index_path + ": events must be listed in time order");
  }
  return tl;
}

Status WriteTimeline(const Timeline& tl, const std::string& dir) {
  RC_RETURN_IF_ERROR(MakeDirs(dir + "/zones"));
  RC_RETURN_IF_ERROR(MakeDirs(dir + "/parent"));
  struct Line {
    UnixTime t;
    int order;  // zones before DS before notes at equal times, then by sequence
    size_t seq;
    std::string text;
  };
  std::vector<Line> lines;
  for (size_t i = 0; i < tl.zones.size(); ++i) {
    const auto& z = tl.zones[i];
    RC_RETURN_IF_ERROR(z.zone.Save(dir + "/" + z.file));
    lines.push_back({z.published, 0, i, FormatTimeIso(z.published) + " zone " + z.file});
  }
  for (size_t i = 0; i < tl.parent_ds.size(); ++i) {
    const auto& d = tl.parent_ds[i];
    std::string text;
    for (const auto& rr : d.ds) text += rr.ToText() + "\n";
    RC_RETURN_IF_ERROR(WriteFileAtomic(dir + "/" + d.file, text));
    lines.push_back({d.published, 1, i, FormatTimeIso(d.published) + " ds " + d.file + " ttl " + std::to_string(d.ttl)});
  }
  for (size_t i = 0; i < tl.notes.size(); ++i) {
    std::string text = tl.notes[i].text;
    std::replace(text.begin(), text.end(), '\n', ' ');
    std::replace(text.begin(), text.end(), '#', '*');
    lines.push_back({tl.notes[i].time, 2, i, FormatTimeIso(tl.notes[i].time) + " note " + text});
  }
  std::stable_sort(lines.begin(), lines.end(), [](const Line& a, const Line& b) {
    if (a.t != b.t) return a.t < b.t;
    if (a.order != b.order) return a.order < b.order;
    return a.seq < b.seq;
  });
  std::string index = std::string(kHeader) + "\norigin " + tl.origin.ToText() + "\n";
  if (tl.end) index += "end " + FormatTimeIso(*tl.end) + "\n";
  for (const auto& l : lines) index += l.text + "\n";
  return WriteFileAtomic(dir + "/index", index);
}

}  // namespace rollcage::timeline
