#include "properties/generators.h"

#include <cstdio>

#include "base/encoding.h"

namespace rollcage::properties {

using harness::Event;
namespace gen = rc::gen;

rc::Gen<std::string> GenLabel() {
  return gen::weightedOneOf<std::string>({
      {12, gen::element<std::string>("www", "mail", "a", "b", "z", "Www", "WWW", "sub", "deep", "x1", "ns1", "_tcp")},
      // Octets that stress presentation escapes and canonical order (RFC 4034 §6.1 example).
      {3, gen::element<std::string>("a.b", std::string(1, '\0'), "\x01", "\xff", "\x80", "A\\B", "sp ace", "q\"uote",
                                    "semi;colon", "paren(", "\x7f", "yljkjljk", "zABC")},
      {1, gen::map(gen::inRange(60, 64), [](int n) { return std::string(size_t(n), 'l'); })},
      {4, gen::map(gen::container<std::string>(gen::inRange<char>('a', 'z' + 1)),
                   [](std::string s) { return s.empty() ? std::string("e") : s.substr(0, 20); })},
  });
}

rc::Gen<dns::Name> GenName(const dns::Name& origin) {
  return gen::map(gen::tuple(gen::inRange(0, 6), gen::container<std::vector<std::string>>(6, GenLabel()),
                             gen::weightedElement<int>({{9, 0}, {1, 1}})),
                  [origin](const std::tuple<int, std::vector<std::string>, int>& t) {
                    auto [depth, labels, wild] = t;
                    // Depth biased small: 0-1 most of the time.
                    int d = depth > 3 ? depth - 3 : depth;
                    dns::Name n = origin;
                    for (int i = 0; i < d; ++i) {
                      auto next = n.Prepend(labels[size_t(i)]);
                      if (!next.ok()) break;
                      n = *next;
                    }
                    if (wild && !(n == origin)) {
                      if (auto w = n.Prepend("*"); w.ok()) n = *w;
                    }
                    return n;
                  });
}

rc::Gen<dns::RR> GenRecord(const dns::Name& origin) {
  return gen::map(gen::tuple(GenName(origin), gen::inRange(0, 4), gen::inRange<uint32_t>(0, 256),
                             gen::element<uint32_t>(0, 60, 300, 3600, 7200, 86400)),
                  [origin](const std::tuple<dns::Name, int, uint32_t, uint32_t>& t) {
                    auto [owner, kind, v, ttl] = t;
                    dns::RR rr;
                    rr.owner = owner;
                    rr.ttl = ttl;
                    switch (kind) {
                      case 0:
                        rr.type = dns::rrtype::kA;
                        rr.rdata = std::string("\xc0\x00\x02", 3) + char(v & 0xff);
                        break;
                      case 1:
                        rr.type = dns::rrtype::kAAAA;
                        rr.rdata = std::string("\x20\x01\x0d\xb8", 4) + std::string(11, '\0') + char(v & 0xff);
                        break;
                      case 2:
                        rr.type = dns::rrtype::kTXT;
                        rr.rdata = std::string(1, char(5)) + "txt" + std::to_string(v % 100).substr(0, 2);
                        rr.rdata[0] = char(rr.rdata.size() - 1);
                        break;
                      default: {
                        rr.type = dns::rrtype::kMX;
                        AppendU16(rr.rdata, uint16_t(v % 50));
                        rr.rdata += dns::Name::FromText("mail", &origin)->wire();
                      }
                    }
                    return rr;
                  });
}

rc::Gen<int64_t> GenDuration() {
  return gen::weightedOneOf<int64_t>({
      {6, gen::element<int64_t>(60, 300, 3599, 3600, 3601, 7200, 7500, 86400, 86401, 5 * 86400, 14 * 86400,
                                30 * 86400)},
      {3, gen::inRange<int64_t>(1, 2 * 86400)},
      {1, gen::inRange<int64_t>(1, 60 * 86400)},
  });
}

rc::Gen<std::string> GenFaultSpec() {
  return gen::map(gen::tuple(gen::element<std::string>("C_Sign", "C_SignInit", "C_GenerateKeyPair", "C_CreateObject",
                                                        "C_Login", "C_OpenSession", "C_FindObjects", "*"),
                             gen::inRange(1, 8),
                             gen::element<std::string>("rv CKR_DEVICE_ERROR", "rv CKR_SESSION_HANDLE_INVALID",
                                                       "rv CKR_DEVICE_REMOVED", "rv CKR_TOKEN_NOT_PRESENT",
                                                       "succeed-but-report CKR_DEVICE_ERROR", "corrupt",
                                                       "latency 50ms")),
                  [](const std::tuple<std::string, int, std::string>& t) {
                    return std::get<0>(t) + " call " + std::to_string(std::get<1>(t)) + " " + std::get<2>(t);
                  });
}

rc::Gen<Event> GenEvent(const dns::Name& origin, int hsms) {
  auto role = gen::element(harness::KeyRole::kZsk, harness::KeyRole::kKsk, harness::KeyRole::kCsk);
  auto hsm = gen::inRange(0, std::max(hsms, 1) + 1);
  return gen::weightedOneOf<Event>({
      {20, gen::map(GenRecord(origin), [](dns::RR rr) { return Event(harness::AddRecord{std::move(rr)}); })},
      {4, gen::map(GenRecord(origin), [](dns::RR rr) { return Event(harness::RemoveRecord{std::move(rr)}); })},
      {2, gen::map(GenName(origin), [](dns::Name n) { return Event(harness::RemoveRrset{n, dns::rrtype::kA}); })},
      {3, gen::map(gen::tuple(GenName(origin), gen::element<uint32_t>(0, 60, 3600, 86400)),
                   [](const std::tuple<dns::Name, uint32_t>& t) {
                     return Event(harness::SetTtl{std::get<0>(t), dns::rrtype::kA, std::get<1>(t)});
                   })},
      {6, gen::map(gen::tuple(GenName(origin), gen::arbitrary<bool>(), gen::arbitrary<bool>()),
                   [origin](const std::tuple<dns::Name, bool, bool>& t) {
                     dns::Name child = std::get<0>(t);
                     if (child == origin) child = *origin.Prepend("child");
                     if (child.IsWildcard()) child = *child.Parent().Prepend("deleg");
                     return Event(harness::Delegate{child, std::get<1>(t), std::get<2>(t)});
                   })},
      {2, gen::map(GenName(origin), [origin](dns::Name n) {
         if (n == origin) n = *origin.Prepend("child");
         return Event(harness::Undelegate{n});
       })},
      {20, gen::map(GenDuration(), [](int64_t d) { return Event(harness::Advance{d}); })},
      {2, gen::map(gen::inRange<int64_t>(-7200, 7201), [](int64_t d) { return Event(harness::Skew{d}); })},
      {2, gen::map(gen::inRange<int64_t>(-86400, 86401), [](int64_t d) { return Event(harness::Jump{d}); })},
      {2, gen::map(gen::inRange<int64_t>(0, 7201), [](int64_t d) { return Event(harness::PublishDelay{d}); })},
      {2, gen::map(GenDuration(), [](int64_t d) { return Event(harness::DsDelay{d}); })},
      {3, gen::map(gen::tuple(role, gen::arbitrary<bool>()),
                   [](const std::tuple<harness::KeyRole, bool>& t) {
                     return Event(harness::Keygen{std::get<0>(t), std::get<1>(t)});
                   })},
      {4, gen::map(role, [](harness::KeyRole r) { return Event(harness::Rollover{r}); })},
      {1, gen::map(gen::element<uint8_t>(8, 13, 15), [](uint8_t a) { return Event(harness::AlgorithmRollover{a}); })},
      {3, gen::map(gen::tuple(hsm, GenFaultSpec()),
                   [](const std::tuple<int, std::string>& t) {
                     return Event(harness::HsmFault{std::get<0>(t), std::get<1>(t)});
                   })},
      {1, gen::map(hsm, [](int h) { return Event(harness::HsmRemove{h}); })},
      {1, gen::map(hsm, [](int h) { return Event(harness::HsmRestore{h}); })},
      {2, gen::map(gen::element<std::string>("", "keygen-intent", "keygen", "transition", "after-transition", "sign",
                                             "publish"),
                   [](std::string p) { return Event(harness::Crash{p}); })},
      {2, gen::just(Event(harness::Restart{}))},
  });
}

rc::Gen<harness::Scenario> GenScenario() {
  return gen::mapcat(gen::tuple(gen::arbitrary<uint64_t>(), gen::inRange(0, 4), gen::element<uint8_t>(8, 13, 15),
                                gen::element<std::string>("nsec", "nsec3", "nsec3-optout"),
                                gen::element<std::string>("example.", "Ex-Ample.test.", "a.b.c.d.", "xn--bcher-kva.de.")),
                     [](const std::tuple<uint64_t, int, uint8_t, std::string, std::string>& t) {
                       auto [seed, hsms, alg, denial, origin_text] = t;
                       dns::Name origin = *dns::Name::FromText(origin_text);
                       return gen::map(gen::container<std::vector<Event>>(GenEvent(origin, hsms)),
                                       [=](std::vector<Event> events) {
                                         harness::Scenario s;
                                         s.origin = origin;
                                         s.seed = seed;
                                         s.hsms = hsms;
                                         s.algorithm = alg;
                                         s.denial = denial;
                                         s.events = std::move(events);
                                         return s;
                                       });
                     });
}

}  // namespace rollcage::properties
