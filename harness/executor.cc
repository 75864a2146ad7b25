#include "harness/executor.h"

#include <algorithm>
#include <deque>
#include <map>
#include <optional>
#include <set>

#include "base/encoding.h"
#include "dns/rdata.h"
#include "harness/sim/parent.h"
#include "harness/sim/sim_clock.h"

namespace rollcage::harness {
namespace {

constexpr UnixTime kNever = INT64_MAX / 4;

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

dns::RR MakeRR(const dns::Name& owner, uint16_t type, uint32_t ttl, std::string rdata) {
  return dns::RR{owner, type, dns::kClassIN, ttl, std::move(rdata)};
}

// 32 deterministic octets for a child's DS digest.
std::string FakeDigest(const dns::Name& child, uint64_t seed) {
  std::string out;
  uint64_t h = 1469598103934665603ull ^ seed;
  const dns::Name lower = child.Lowercase();  // a range-for over Lowercase().wire() reads a dead temporary
  for (unsigned char c : lower.wire()) h = (h ^ c) * 1099511628211ull;
  for (int i = 0; i < 32; ++i) {
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ull;
    out.push_back(char(h >> 56));
  }
  return out;
}

void RemoveWhere(dns::Zone* zone, const std::function<bool(const dns::RR&)>& pred) {
  auto& r = zone->mutable_records();
  r.erase(std::remove_if(r.begin(), r.end(), pred), r.end());
}

uint32_t SerialOf(const dns::Zone& z) {
  for (const auto& rr : z.records()) {
    if (rr.type == dns::rrtype::kSOA && rr.owner == z.origin()) {
      if (auto soa = dns::SoaData::Parse(rr.rdata); soa.ok()) return soa->serial;
    }
  }
  return 0;
}

bool SameContent(const dns::Zone& a, const dns::Zone& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (!(a.records()[i] == b.records()[i])) return false;
  }
  return true;
}

}  // namespace

bool RunResult::Failed() const {
  return std::any_of(findings.begin(), findings.end(), [](const Finding& f) { return f.severity == "error"; });
}

dns::Zone BaseZone(const dns::Name& origin) {
  dns::Zone z(origin);
  dns::Name ns1 = *origin.Prepend("ns1");
  dns::SoaData soa{ns1, *origin.Prepend("hostmaster"), 1, 7200, 3600, 1209600, 300};
  z.Add(MakeRR(origin, dns::rrtype::kSOA, 3600, soa.Encode()));
  z.Add(MakeRR(origin, dns::rrtype::kNS, 3600, ns1.wire()));
  z.Add(MakeRR(ns1, dns::rrtype::kA, 3600, std::string("\xc0\x00\x02\x35", 4)));
  z.Add(MakeRR(*origin.Prepend("www"), dns::rrtype::kA, 3600, std::string("\xc0\x00\x02\x50", 4)));
  return z;
}

bool ApplyZoneEdit(const Event& e, dns::Zone* zone, uint64_t seed) {
  const dns::Name& origin = zone->origin();
  auto is_apex_soa_or_ns = [&](const dns::Name& owner, uint16_t type) {
    return owner == origin && (type == dns::rrtype::kSOA || type == dns::rrtype::kNS);
  };
  return std::visit(
      Overloaded{
          [&](const AddRecord& x) {
            if (is_apex_soa_or_ns(x.rr.owner, x.rr.type)) return true;  // the apex stays the executor's
            for (const auto& r : zone->records()) {
              if (r.owner == x.rr.owner && r.type == x.rr.type && r.rdata == x.rr.rdata) return true;
            }
            // An RRset has one TTL (RFC 2181 §5.2): the new record takes the RRset's TTL.
            dns::RR rr = x.rr;
            for (const auto& r : zone->records()) {
              if (r.owner == rr.owner && r.type == rr.type) rr.ttl = r.ttl;
            }
            zone->Add(rr);
            return true;
          },
          [&](const RemoveRecord& x) {
            if (is_apex_soa_or_ns(x.rr.owner, x.rr.type)) return true;
            RemoveWhere(zone, [&](const dns::RR& r) {
              return r.owner == x.rr.owner && r.type == x.rr.type && r.rdata == x.rr.rdata;
            });
            return true;
          },
          [&](const RemoveRrset& x) {
            if (is_apex_soa_or_ns(x.owner, x.type)) return true;
            RemoveWhere(zone, [&](const dns::RR& r) { return r.owner == x.owner && r.type == x.type; });
            return true;
          },
          [&](const SetTtl& x) {
            for (auto& r : zone->mutable_records()) {
              if (r.owner == x.owner && r.type == x.type) r.ttl = x.ttl;
            }
            return true;
          },
          [&](const Delegate& x) {
            if (x.child == origin || !x.child.IsSubdomainOf(origin)) return true;
            // Replace whatever delegation was there.
            RemoveWhere(zone, [&](const dns::RR& r) {
              return r.owner == x.child && (r.type == dns::rrtype::kNS || r.type == dns::rrtype::kDS);
            });
            dns::Name ns = *dns::Name::FromText("ns.provider.invalid.");
            if (x.glue) {
              auto n = x.child.Prepend("ns1");
              if (!n.ok()) return true;  // no room for a glue name below this child
              ns = *n;
            }
            zone->Add(MakeRR(x.child, dns::rrtype::kNS, 3600, ns.wire()));
            if (x.glue) {
              bool have = false;
              for (const auto& r : zone->records()) have |= r.owner == ns && r.type == dns::rrtype::kA;
              if (!have) zone->Add(MakeRR(ns, dns::rrtype::kA, 3600, std::string("\xc0\x00\x02\x07", 4)));
            }
            if (x.ds) {
              dns::DsData ds{uint16_t(seed % 65536), 13, 2, FakeDigest(x.child, seed)};
              zone->Add(MakeRR(x.child, dns::rrtype::kDS, 3600, ds.Encode()));
            }
            return true;
          },
          [&](const Undelegate& x) {
            if (x.child == origin) return true;
            bool was = false;
            for (const auto& r : zone->records()) was |= r.owner == x.child && r.type == dns::rrtype::kNS;
            if (!was) return true;
            RemoveWhere(zone, [&](const dns::RR& r) {
              return (r.owner == x.child && (r.type == dns::rrtype::kNS || r.type == dns::rrtype::kDS)) ||
                     (!(r.owner == x.child) && r.owner.IsSubdomainOf(x.child));
            });
            return true;
          },
          [](const auto&) { return false; },
      },
      e);
}

Result<RunResult> Executor::Run(const Scenario& sc) {
  RunResult out;
  SimClock clock(options_.start);
  SimParent parent;
  auto policy_ttl = sc.policy.find("parent-ds-ttl");
  if (policy_ttl != sc.policy.end()) {
    auto d = ParseSignedDuration(policy_ttl->second);
    if (d.ok() && *d >= 0) parent = SimParent(uint32_t(*d));
  } else {
    parent = SimParent(86400);
  }
  dns::Zone unsigned_zone = BaseZone(sc.origin);
  out.timeline.origin = sc.origin;
  out.timeline.AddDs(clock.Now(), {}, parent.ds_ttl());  // the parent starts with no DS: insecure

  struct PendingPub {
    UnixTime due;
    dns::Zone zone;
  };
  std::deque<PendingPub> pubs;
  UnixTime last_pub_due = 0;
  int64_t publish_delay = 0;
  uint32_t served_serial = 0;
  // The last zone the signer produced (for change detection): the newest pending publication, or
  // else the newest published version (publications land in order), so never copied.
  auto last_signed = [&]() -> const dns::Zone* {
    if (!pubs.empty()) return &pubs.back().zone;
    return out.timeline.zones.empty() ? nullptr : &out.timeline.zones.back().zone;
  };
  UnixTime wakeup = clock.Now();         // true time of the signer's next wake-up
  UnixTime auto_restart = kNever;
  std::map<int, UnixTime> auto_restore;  // hsm -> true time
  bool stop = false;

  auto log = [&](const std::string& line) {
    if (options_.keep_log) out.log.push_back(FormatTimeIso(clock.Now()) + " " + line);
  };
  auto add_findings = [&](std::vector<Finding> fs, int version) {
    for (auto& f : fs) {
      if (version && !f.zone_version) f.zone_version = version;
      if (f.severity == "error" && options_.stop_at_first_finding) stop = true;
      out.findings.push_back(std::move(f));
    }
  };
  auto collect_faults = [&]() {
    for (auto& line : signer_->TakeInjectedFaults()) {
      out.timeline.AddNote(clock.Now(), "fault injected: " + line);
      log("fault injected: " + line);
    }
  };

  // Publications and parent updates due by now.
  auto process_due = [&]() -> Status {
    while (!pubs.empty() && pubs.front().due <= clock.Now()) {
      PendingPub p = std::move(pubs.front());
      pubs.pop_front();
      UnixTime at = p.due;
      served_serial = SerialOf(p.zone);
      out.timeline.zones.push_back({at, "", std::move(p.zone)});
      auto& tz = out.timeline.zones.back();
      char name[64];
      std::snprintf(name, sizeof name, "zones/%06zu.zone", out.timeline.zones.size());
      tz.file = name;
      int version = int(out.timeline.zones.size());
      if (options_.keep_log) {
        out.log.push_back(FormatTimeIso(at) + " zone v" + std::to_string(version) + " published (serial " +
                          std::to_string(served_serial) + ", " + std::to_string(tz.zone.size()) + " records)");
      }
      if (options_.check_each_version && !stop) {
        auto fs = judge_->CheckZone(tz.zone, parent.Current(), at);
        if (!fs.ok()) return fs.status().WithContext("static oracle on zone v" + std::to_string(version));
        add_findings(std::move(fs).value(), version);
        for (auto& f : out.findings) {
          if (f.zone_version == version && f.at == 0) f.at = at;
        }
      }
    }
    if (parent.Update(clock.Now())) {
      out.timeline.AddDs(clock.Now(), parent.Current(), parent.ds_ttl());
      std::string tags;
      for (const auto& rr : parent.Current()) {
        if (auto d = dns::DsData::Parse(rr.rdata); d.ok()) tags += " " + std::to_string(d->key_tag);
      }
      log("parent DS v" + std::to_string(out.timeline.parent_ds.size()) + " published:" +
          (tags.empty() ? std::string(" (none)") : tags));
    }
    if (auto_restart <= clock.Now()) {
      auto_restart = kNever;
      if (!signer_->Running()) {
        log("signer restarted (automatically, after the bounded downtime)");
        RC_RETURN_IF_ERROR(signer_->Start());
        wakeup = clock.Now();
      }
    }
    for (auto it = auto_restore.begin(); it != auto_restore.end();) {
      if (it->second <= clock.Now()) {
        log("HSM " + std::to_string(it->first) + " restored (automatically, after the bounded outage)");
        RC_RETURN_IF_ERROR(signer_->SetHsmPresent(it->first, true));
        it = auto_restore.erase(it);
      } else {
        ++it;
      }
    }
    return Status::Ok();
  };

  auto tick = [&]() -> Status {
    if (!signer_->Running()) return Status::Ok();
    TickInput in{clock.SignerNow(), &unsigned_zone, parent.Current(), served_serial};
    auto r = signer_->Tick(in);
    ++out.ticks;
    collect_faults();
    if (!r.ok()) {
      // The signer's own code failed: an executor finding, and the signer is restarted.
      add_findings({Finding{"executor", "signer-error", "error", clock.Now(), 0, "", "", r.status().message()}}, 0);
      log("signer error: " + r.status().message());
      signer_->Crash();
      auto_restart = clock.Now() + options_.max_downtime;
      return Status::Ok();
    }
    for (const auto& n : r->notes) {
      out.timeline.AddNote(clock.Now(), n);
      log(n);
    }
    if (r->crashed) {
      log("signer crashed (armed crash point)");
      auto_restart = clock.Now() + options_.max_downtime;
      return Status::Ok();
    }
    if (r->refused) {
      ++out.refusals;
      log("signer failed closed: " + r->refusal);
    }
    if (r->ds_request) {
      parent.Submit(*r->ds_request, clock.Now());
      log("signer asks the parent for " + std::to_string(r->ds_request->size()) + " DS record(s)");
    }
    if (r->zone) {
      dns::Zone z = std::move(*r->zone);
      z.SortCanonical();
      const dns::Zone* last = last_signed();
      if (!last || !SameContent(*last, z)) {
        UnixTime due = std::max(clock.Now() + publish_delay, last_pub_due);
        last_pub_due = due;
        pubs.push_back({due, std::move(z)});
      }
    }
    UnixTime w = clock.TrueTimeFor(r->next_wakeup);
    wakeup = std::max(w, clock.Now() + 1);
    return process_due();
  };

  // Runs the world until true time `end`.
  auto run_until = [&](UnixTime end) -> Status {
    while (true) {
      UnixTime next = kNever;
      if (signer_->Running()) next = std::min(next, wakeup);
      if (!pubs.empty()) next = std::min(next, pubs.front().due);
      if (auto due = parent.NextDue()) next = std::min(next, *due);
      next = std::min(next, auto_restart);
      for (const auto& [h, t] : auto_restore) next = std::min(next, t);
      if (next > end) break;
      clock.AdvanceTo(next);
      RC_RETURN_IF_ERROR(process_due());
      if (signer_->Running() && wakeup <= clock.Now()) RC_RETURN_IF_ERROR(tick());
    }
    clock.AdvanceTo(end);
    return process_due();
  };

  RC_RETURN_IF_ERROR(signer_->Start());
  log("signer " + signer_->Name() + " started");
  RC_RETURN_IF_ERROR(tick());

  for (size_t i = 0; i < sc.events.size() && !stop; ++i) {
    const Event& e = sc.events[i];
    if (ApplyZoneEdit(e, &unsigned_zone, sc.seed)) {
      if (options_.keep_log) log("event: " + PrintEvent(e));
      RC_RETURN_IF_ERROR(tick());
    } else {
      bool tick_after = false;
      bool was_running = signer_->Running();
      Status s = std::visit(
          Overloaded{
              [&](const Advance& x) { return run_until(clock.Now() + x.seconds); },
              [&](const Skew& x) {
                clock.SetSkew(x.seconds);
                return Status::Ok();
              },
              [&](const Jump& x) {
                clock.Jump(x.seconds);
                tick_after = true;
                return Status::Ok();
              },
              [&](const PublishDelay& x) {
                publish_delay = x.seconds;
                return Status::Ok();
              },
              [&](const DsDelay& x) {
                parent.set_registrar_delay(x.seconds);
                return Status::Ok();
              },
              [&](const Keygen& x) {
                tick_after = true;
                return signer_->Running() ? signer_->Keygen(x.role, x.collide, clock.SignerNow()) : Status::Ok();
              },
              [&](const Rollover& x) {
                tick_after = true;
                return signer_->Running() ? signer_->Rollover(x.role, clock.SignerNow()) : Status::Ok();
              },
              [&](const AlgorithmRollover& x) {
                tick_after = true;
                return signer_->Running() ? signer_->RolloverAlgorithm(x.algorithm, clock.SignerNow()) : Status::Ok();
              },
              [&](const HsmFault& x) { return signer_->InjectHsmFault(x.hsm, x.spec); },
              [&](const HsmRemove& x) {
                auto_restore[x.hsm] = clock.Now() + options_.max_hsm_outage;
                return signer_->SetHsmPresent(x.hsm, false);
              },
              [&](const HsmRestore& x) {
                auto_restore.erase(x.hsm);
                tick_after = true;
                return signer_->SetHsmPresent(x.hsm, true);
              },
              [&](const Crash& x) {
                if (x.point.empty()) {
                  if (signer_->Running()) {
                    signer_->Crash();
                    auto_restart = clock.Now() + options_.max_downtime;
                  }
                } else {
                  signer_->ArmCrashPoint(x.point);
                }
                return Status::Ok();
              },
              [&](const Restart&) {
                if (signer_->Running()) return Status::Ok();
                auto_restart = kNever;
                tick_after = true;
                return signer_->Start();
              },
              [](const auto&) { return Status::Ok(); },
          },
          e);
      if (options_.keep_log) log("event: " + PrintEvent(e));
      if (was_running && !signer_->Running() && auto_restart == kNever) {
        // The signer died at an armed crash point while serving the request.
        log("signer crashed (armed crash point)");
        auto_restart = clock.Now() + options_.max_downtime;
      }
      if (!s.ok()) {
        if (s.kind() == ErrorKind::kUsage) return s.WithContext("event '" + PrintEvent(e) + "'");
        if (s.kind() == ErrorKind::kInternal) {
          // A bug in the signer's own code, not a refusal.
          add_findings({Finding{"executor", "signer-error", "error", clock.Now(), 0, "", "",
                                "event '" + PrintEvent(e) + "': " + s.message()}},
                       0);
        } else {
          // The signer refused the request (an HSM fault, a missing key): it retries on its own.
          log("signer refused '" + PrintEvent(e) + "': " + s.message());
          collect_faults();
        }
      }
      if (!signer_->Running() && auto_restart == kNever && !std::holds_alternative<Crash>(e)) {
        log("signer crashed (armed crash point)");
        auto_restart = clock.Now() + options_.max_downtime;
      }
      if (tick_after) RC_RETURN_IF_ERROR(tick());
    }
    if (options_.progress) options_.progress(i + 1, sc.events.size());
  }
  // Let pending publications and parent updates land.
  UnixTime flush = clock.Now();
  if (!pubs.empty()) flush = std::max(flush, pubs.back().due);
  if (auto due = parent.NextDue()) flush = std::max(flush, *due);
  if (flush > clock.Now()) RC_RETURN_IF_ERROR(run_until(flush));
  out.end = clock.Now();
  collect_faults();

  if (out.timeline.zones.empty()) {
    add_findings({Finding{"executor", "no-zone-published", "error", clock.Now(), 0, "", "",
                          "the signer never published a zone"}},
                 0);
  }
  if (options_.check_temporal && !stop && !out.timeline.zones.empty()) {
    auto fs = judge_->CheckTimeline(out.timeline);
    if (!fs.ok()) return fs.status().WithContext("temporal oracle");
    add_findings(std::move(fs).value(), 0);
  }
  // Environment: every key identity is the same key pair on every HSM that holds it.
  auto pool = signer_->InspectHsms();
  if (pool.ok()) {
    out.hsm_keys = *pool;
    std::map<std::string, std::map<std::string, std::set<int>>> by_id;  // id -> public key -> hsms
    for (const auto& k : *pool) by_id[k.label.empty() ? k.key_id : k.label][k.public_key].insert(k.hsm);
    for (const auto& [id, pubs_by_key] : by_id) {
      if (pubs_by_key.size() > 1) {
        std::string detail = "key '" + id + "' is " + std::to_string(pubs_by_key.size()) +
                             " different key pairs across the HSMs (";
        bool first = true;
        for (const auto& [pub, hsms] : pubs_by_key) {
          detail += first ? "" : "; ";
          first = false;
          detail += "HSM";
          for (int h : hsms) detail += " " + std::to_string(h);
        }
        detail += ")";
        add_findings({Finding{"environment", "hsm-pool-key-mismatch", "error", clock.Now(), 0, "", "", detail}}, 0);
      }
    }
  }
  std::stable_sort(out.findings.begin(), out.findings.end(),
                   [](const Finding& a, const Finding& b) { return a.at < b.at; });
  return out;
}

}  // namespace rollcage::harness
