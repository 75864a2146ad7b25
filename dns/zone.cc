#include "dns/zone.h"

#include <algorithm>
#include <cstdio>
#include <memory>
#include <type_traits>

#include "base/file.h"
#include "dns/internal/convert.h"
#include "dns/internal/ldns.h"

namespace rollcage::dns {
namespace {

struct FileCloser {
  void operator()(FILE* f) const {
    if (f) std::fclose(f);
  }
};

Result<Zone> ParseStream(FILE* fp, const LoadOptions& options, const std::string& source) {
  ldns_rdf* origin = nullptr;
  if (options.origin) {
    origin = ldns_rdf_new_frm_data(LDNS_RDF_TYPE_DNAME, options.origin->wire().size(),
                                   options.origin->wire().data());
  }
  ldns_rdf* prev = nullptr;
  uint32_t ttl = options.default_ttl;
  int line = 1;
  Zone zone;
  bool have_origin = options.origin.has_value();
  if (have_origin) zone.set_origin(*options.origin);
  Status error;
  while (!std::feof(fp)) {
    ldns_rr* rr = nullptr;
    int line_before = line;
    ldns_status s = ldns_rr_new_frm_fp_l(&rr, fp, &ttl, &origin, &prev, &line);
    if (s == LDNS_STATUS_SYNTAX_EMPTY || s == LDNS_STATUS_SYNTAX_TTL) continue;
    if (s == LDNS_STATUS_SYNTAX_ORIGIN) {
      if (!have_origin && origin) {
        auto o = Name::FromWire(std::string_view(reinterpret_cast<const char*>(ldns_rdf_data(origin)),
                                                 ldns_rdf_size(origin)));
        if (o.ok()) {
          zone.set_origin(*o);
          have_origin = true;
        }
      }
      continue;
    }
    if (s == LDNS_STATUS_SYNTAX_INCLUDE) {
      error = BadInput(source + ":" + std::to_string(line) + ": $INCLUDE is not supported");
      break;
    }
    if (s != LDNS_STATUS_OK || !rr) {
      if (rr) ldns_rr_free(rr);
      // ldns may report the line after the record; name the line the record started on when known.
      int at = line > line_before ? line - 1 : line;
      error = BadInput(source + ":" + std::to_string(at) + ": " + internal::StatusText(s));
      break;
    }
    auto converted = internal::FromLdns(rr);
    ldns_rr_free(rr);
    if (!converted.ok()) {
      error = BadInput(source + ":" + std::to_string(line) + ": " + converted.status().message());
      break;
    }
    RR& r = converted.value();
    if (!have_origin && r.type == rrtype::kSOA) {
      zone.set_origin(r.owner);
      have_origin = true;
    }
    if (!options.allow_out_of_zone && have_origin && !r.owner.IsSubdomainOf(zone.origin())) {
      error = BadInput(source + ":" + std::to_string(line > line_before ? line - 1 : line) + ": record owner " + r.owner.ToText() +
                       " is outside the zone " + zone.origin().ToText());
      break;
    }
    zone.Add(std::move(r));
  }
  if (origin) ldns_rdf_deep_free(origin);
  if (prev) ldns_rdf_deep_free(prev);
  if (!error.ok()) return error;
  if (!have_origin) return BadInput(source + ": no origin: give one, or start with $ORIGIN or an SOA");
  return zone;
}

}  // namespace

Status CheckZoneText(std::string_view text, std::string_view source) {
  size_t bad = text.find_first_of(std::string_view("\0\v\f", 3));
  if (bad == std::string_view::npos) return Status::Ok();
  size_t line = 1 + std::count(text.begin(), text.begin() + bad, '\n');
  const char* what = text[bad] == '\0' ? "a NUL byte" : text[bad] == '\v' ? "a vertical tab" : "a form feed";
  return BadInput(std::string(source) + ":" + std::to_string(line) + ": " + what +
                  " in the zone text (write the octet as \\DDD; blanks are spaces and tabs)");
}

Result<Zone> Zone::Load(const std::string& path, const LoadOptions& options) {
  auto text = ReadFile(path);
  if (!text.ok()) return IoError(path + ": cannot open zone file");
  return Parse(*text, options, path);
}

Result<Zone> Zone::Parse(std::string_view text, const LoadOptions& options, std::string_view source) {
  if (text.empty()) return BadInput(std::string(source) + ": empty zone");
  RC_RETURN_IF_ERROR(CheckZoneText(text, source));
  std::string copy(text);
  std::unique_ptr<FILE, FileCloser> fp(fmemopen(copy.data(), copy.size(), "r"));
  if (!fp) return IoError("cannot open in-memory zone text");
  return ParseStream(fp.get(), options, std::string(source));
}

void Zone::SortCanonical() {
  // Already strictly increasing (the common case for a zone a signer emitted): nothing to sort, and no
  // duplicates to drop.
  auto out_of_order = [](const RR& a, const RR& b) { return !CanonicalLess(a, b); };
  if (std::adjacent_find(records_.begin(), records_.end(), out_of_order) == records_.end()) return;
  // Sorted in place, canonical RDATA compared without copies (CompareCanonicalRdata). A zone is
  // usually a few sorted runs (a signer appends its DNSKEYs, its denial chain and its signatures to
  // sorted data): the runs are merged pairwise, which takes a few comparisons per record where a
  // full sort takes log2(n); many runs (unsorted input) get a plain sort.
  std::vector<size_t> runs{0};
  runs.reserve(10);
  for (size_t i = 1; i < records_.size(); ++i) {
    if (CanonicalLess(records_[i], records_[i - 1])) runs.push_back(i);
  }
  if (runs.size() > 8) {
    std::sort(records_.begin(), records_.end(), CanonicalLess);
  } else {
    runs.push_back(records_.size());
    while (runs.size() > 2) {
      std::vector<size_t> merged{0};
      for (size_t r = 0; r + 2 < runs.size(); r += 2) {
        std::inplace_merge(records_.begin() + long(runs[r]), records_.begin() + long(runs[r + 1]),
                           records_.begin() + long(runs[r + 2]), CanonicalLess);
        merged.push_back(runs[r + 2]);
      }
      if (runs.size() % 2 == 0) merged.push_back(runs.back());  // an odd run out waits a round
      runs = std::move(merged);
    }
  }
  size_t kept = 0;  // duplicates dropped in place
  for (size_t i = 0; i < records_.size(); ++i) {
    if (kept > 0) {
      const RR& last = records_[kept - 1];
      if (records_[i].type == last.type && records_[i].rrclass == last.rrclass && records_[i].owner == last.owner &&
          CompareCanonicalRdata(records_[i].type, records_[i].rdata, last.rdata) == 0) {
        continue;
      }
    }
    if (kept != i) records_[kept] = std::move(records_[i]);
    ++kept;
  }
  records_.erase(records_.begin() + long(kept), records_.end());
}

namespace {

// Groups consecutive records of equal owner, class and type; Records is const (copies) or not
// (moves owners and RDATA out, leaving types, classes and TTLs).
template <class Records>
std::vector<RRset> GroupRrsets(Records& records) {
  constexpr bool kTake = !std::is_const_v<Records>;
  auto pass = [](auto& x) -> decltype(auto) {
    if constexpr (kTake) {
      return std::move(x);
    } else {
      return static_cast<const std::remove_reference_t<decltype(x)>&>(x);
    }
  };
  std::vector<RRset> out;
  for (auto& r : records) {
    if (!out.empty() && out.back().type == r.type && out.back().rrclass == r.rrclass && out.back().owner == r.owner) {
      out.back().rdatas.push_back(pass(r.rdata));
      continue;
    }
    out.push_back(RRset{pass(r.owner), r.type, r.rrclass, r.ttl, {pass(r.rdata)}});
  }
  return out;
}

}  // namespace

std::vector<RRset> Zone::Rrsets() const { return GroupRrsets(records_); }

std::vector<RRset> Zone::TakeRrsets() { return GroupRrsets(records_); }

std::string Zone::ToText() const {
  std::string out;
  out.reserve(records_.size() * 80);
  for (const auto& r : records_) {
    out += r.ToText();
    out.push_back('\n');
  }
  return out;
}

Status Zone::Save(const std::string& path) const { return WriteFileAtomic(path, ToText()); }

}  // namespace rollcage::dns
