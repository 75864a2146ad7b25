// `rollcage sign`: signs a zone file with the reference signer (signer-under-test/zone_signer.h).
#include <chrono>
#include <cstdio>

#include "base/encoding.h"
#include "base/file.h"
#include "base/time.h"
#include "dns/zone.h"
#include "signer-under-test/key_directory.h"
#include "signer-under-test/openssl_key_store.h"
#include "signer-under-test/pkcs11_key_store.h"
#include "signer-under-test/zone_signer.h"
#include "tools/cli/command.h"
#include "tools/signer_flags.h"

namespace rollcage::tools {
namespace {

using signer::KeyRole;
using signer::ZoneKey;

struct Keys {
  std::unique_ptr<signer::KeyStore> store;
  std::vector<ZoneKey> keys;
  std::string note;  // where the keys came from
};

Result<Keys> LoadKeys(const cli::Args& args, const dns::Name& origin) {
  Keys out;
  RC_ASSIGN_OR_RETURN(auto p11, Pkcs11OptionsFromArgs(args));
  if (args.Has("keys") && p11) return UsageError("give --keys DIR or --pkcs11, not both");
  RC_ASSIGN_OR_RETURN(long long seed, args.GetInt("seed", 0));
  if (args.Has("keys")) {
    auto store = std::make_unique<signer::OpenSslKeyStore>();
    signer::KeyDirectory dir(args.Get("keys"));
    RC_ASSIGN_OR_RETURN(auto stored, dir.Load(origin, *store));
    for (auto& s : stored) out.keys.push_back(s.key);
    out.note = "keys from " + dir.path();
    out.store = std::move(store);
    return out;
  }
  if (p11) {
    RC_ASSIGN_OR_RETURN(auto store, signer::Pkcs11KeyStore::Open(*p11));
    RC_ASSIGN_OR_RETURN(auto listed, store->List());
    for (const auto& info : listed) {
      dns::Name key_origin;
      KeyRole role;
      if (signer::ParseZoneKeyLabel(info.label, &key_origin, &role) && key_origin == origin) {
        out.keys.push_back(ZoneKey::ForRole(info, role));
      }
    }
    if (out.keys.empty()) {
      return KeyError("no keys for " + origin.ToText() + " on " + store->Describe() +
                      " (make them with: rollcage keygen --origin " + origin.ToText() + " --pkcs11 ...)");
    }
    out.note = "keys on " + store->Describe();
    out.store = std::move(store);
    return out;
  }
  // No key options: fresh keys derived in-process from the seed (deterministic, not secret).
  RC_ASSIGN_OR_RETURN(signer::Algorithm alg, AlgorithmFromArgs(args));
  auto store = std::make_unique<signer::OpenSslKeyStore>(signer::OpenSslKeyStoreOptions{.seed = uint64_t(seed)});
  std::vector<KeyRole> roles = args.Has("csk") ? std::vector<KeyRole>{KeyRole::kCsk}
                                               : std::vector<KeyRole>{KeyRole::kKsk, KeyRole::kZsk};
  for (KeyRole role : roles) {
    RC_ASSIGN_OR_RETURN(auto info, store->Generate({alg, signer::ZoneKeyLabel(origin, role)}));
    out.keys.push_back(ZoneKey::ForRole(info, role));
  }
  out.note = "no --keys or --pkcs11: throwaway in-process " + std::string(signer::AlgorithmName(alg)) +
             " keys derived from seed " + std::to_string(seed) + " (reproducible, not secret)";
  out.store = std::move(store);
  return out;
}

Result<signer::SignOptions> OptionsFromArgs(const cli::Args& args) {
  signer::SignOptions o;
  bool nsec3 = args.Has("nsec3") || args.Has("opt-out") || args.Has("nsec3-iterations") || args.Has("nsec3-salt");
  if (nsec3) {
    o.denial = signer::Denial::kNsec3;
    RC_ASSIGN_OR_RETURN(long long it, args.GetInt("nsec3-iterations", 0));
    if (it < 0 || it > 65535) return UsageError("--nsec3-iterations must be 0..65535");
    o.nsec3.iterations = uint16_t(it);
    std::string salt = args.Get("nsec3-salt", "-");
    if (salt != "-" && !salt.empty()) {
      auto raw = HexDecode(salt);
      if (!raw || raw->size() > 255) return UsageError("--nsec3-salt: expected up to 255 octets of hex, or '-'");
      o.nsec3.salt = *raw;
    }
    o.nsec3.opt_out = args.Has("opt-out");
  }
  RC_ASSIGN_OR_RETURN(long long validity, args.GetDuration("validity", 30 * 86400));
  if (validity <= 0 || validity > 0x7fffffff) return UsageError("--validity must be positive and below 68 years");
  o.validity = uint32_t(validity);
  RC_ASSIGN_OR_RETURN(long long backdate, args.GetDuration("backdate", 3600));
  o.inception_backdate = uint32_t(std::min<long long>(backdate, 0x7fffffff));
  long long default_jitter = std::min<long long>(86400, validity / 4);
  RC_ASSIGN_OR_RETURN(long long jitter, args.GetDuration("jitter", default_jitter));
  if (jitter >= validity) return UsageError("--jitter must be smaller than --validity");
  o.expiration_jitter = uint32_t(jitter);
  RC_ASSIGN_OR_RETURN(long long seed, args.GetInt("seed", 0));
  o.jitter_seed = uint64_t(seed);
  RC_ASSIGN_OR_RETURN(o.serial, signer::ParseSerialPolicy(args.Get("serial", "keep")));
  if (args.Has("dnskey-ttl")) {
    RC_ASSIGN_OR_RETURN(long long ttl, args.GetDuration("dnskey-ttl", 3600));
    o.dnskey_ttl = uint32_t(std::min<long long>(ttl, 0x7fffffff));
  }
  RC_ASSIGN_OR_RETURN(o.verify, signer::ParseVerifySignatures(args.Get("verify-signatures", "auto")));
  RC_ASSIGN_OR_RETURN(long long threads, args.GetInt("threads", 0));
  if (threads < 0 || threads > 256) return UsageError("--threads must be 0..256");
  o.threads = int(threads);
  return o;
}

int Run(const cli::Args& args) {
  auto fail = [](const Status& st) { return cli::Fail("sign", st); };
  if (!args.Has("out")) return fail(UsageError("--out FILE is required"));
  dns::LoadOptions load;
  if (args.Has("origin")) {
    auto origin = dns::Name::FromText(args.Get("origin"));
    if (!origin.ok()) return fail(origin.status().WithContext("--origin"));
    load.origin = *origin;
  }
  auto options = OptionsFromArgs(args);
  if (!options.ok()) return fail(options.status());
  UnixTime now = RealClock::Now();
  if (args.Has("time")) {
    auto t = ParseTime(args.Get("time"));
    if (!t.ok()) return fail(UsageError("--time: " + t.status().message()));
    now = *t;
  }
  auto zone = dns::Zone::Load(args.positional()[0], load);
  if (!zone.ok()) return fail(zone.status());
  auto keys = LoadKeys(args, zone->origin());
  if (!keys.ok()) return fail(keys.status());
  auto start = std::chrono::steady_clock::now();
  signer::ZoneSigner zone_signer(*keys->store, *options);
  auto result = zone_signer.Sign(*zone, keys->keys, now);
  if (!result.ok()) return fail(result.status());
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  Status st = result->zone.Save(args.Get("out"));
  if (!st.ok()) return fail(st);

  std::string ds_text;
  for (const auto& ds : result->ds) ds_text += ds.ToText() + "\n";
  if (args.Has("ds-out")) {
    st = WriteFileAtomic(args.Get("ds-out"), ds_text);
    if (!st.ok()) return fail(st);
  }
  const auto& o = *options;
  std::string denial = o.denial == signer::Denial::kNsec
                           ? "NSEC"
                           : "NSEC3 (" + std::to_string(o.nsec3.iterations) + " iterations, salt " +
                                 (o.nsec3.salt.empty() ? std::string("-") : HexEncode(o.nsec3.salt)) +
                                 (o.nsec3.opt_out ? ", opt-out)" : ")");
  std::fprintf(stderr, "rollcage sign: %s\n", keys->note.c_str());
  for (const auto& k : keys->keys) {
    std::fprintf(stderr, "rollcage sign:   key tag %u %s flags %u id %s%s%s\n", k.Tag(),
                 signer::AlgorithmName(k.key.algorithm), k.flags, k.key.id.c_str(),
                 k.signs_dnskey ? " signs-DNSKEY" : "", k.signs_zone ? " signs-zone" : "");
  }
  std::fprintf(stderr,
               "rollcage sign: %s signed at %s: %zu names, %zu signatures%s, %s, serial %u, in %.3f s (%.0f signatures/s)\n",
               zone->origin().ToText().c_str(), FormatTimeIso(now).c_str(), result->names, result->signatures,
               result->verified ? " (each verified)" : "", denial.c_str(), result->serial, seconds,
               seconds > 0 ? double(result->signatures) / seconds : 0.0);
  std::fprintf(stderr, "rollcage sign: wrote %s%s%s; DS for the parent:\n%s", args.Get("out").c_str(),
               args.Has("ds-out") ? " and " : "", args.Has("ds-out") ? args.Get("ds-out").c_str() : "",
               ds_text.c_str());
  return 0;
}

cli::Command Make() {
  cli::Command c;
  c.name = "sign";
  c.summary = "sign a zone file with the reference signer";
  c.usage = "ZONE --origin NAME [--keys DIR | --pkcs11 MODULE ...] [--nsec3 ...] [--time T] --out FILE";
  c.details =
      "Keys: --keys DIR (from rollcage keygen), or a PKCS#11 token (--pkcs11/--token-dir; the keys\n"
      "labelled \"<origin> ksk|zsk|csk\"), or neither: then throwaway in-process keys are derived from\n"
      "--seed (KSK+ZSK, or --csk; --algorithm). The DS records for the parent go to stderr and to\n"
      "--ds-out. Time is --time (default: the system clock): inception = time - backdate,\n"
      "expiration = time + validity - a per-RRset jitter seeded by --seed.";
  c.min_positional = 1;
  c.max_positional = 1;
  c.flags = {
      {"origin", "NAME", "zone origin (default: the file's $ORIGIN or SOA owner)"},
      {"out", "FILE", "where to write the signed zone (required)"},
      {"ds-out", "FILE", "also write the DS records of the KSKs/CSKs here"},
      {"keys", "DIR", "key directory made by rollcage keygen"},
      {"algorithm", "ALG", "for throwaway keys: 8|RSASHA256, 13|ECDSAP256SHA256 (default), 15|ED25519"},
      {"csk", "", "for throwaway keys: one CSK instead of KSK+ZSK"},
      {"seed", "N", "seed of throwaway keys and of the expiration jitter (default 0)"},
      {"nsec3", "", "NSEC3 instead of NSEC (RFC 9276 defaults: 0 iterations, no salt)"},
      {"nsec3-iterations", "N", "extra NSEC3 hash iterations (default 0)"},
      {"nsec3-salt", "HEX", "NSEC3 salt in hex, '-' for none (default)"},
      {"opt-out", "", "NSEC3 opt-out: insecure delegations get no NSEC3"},
      {"time", "T", "signing time: 20260505120000, 2026-05-05T12:00:00Z or epoch seconds"},
      {"validity", "DUR", "signature validity (default 30d)"},
      {"backdate", "DUR", "inception this long before the signing time (default 1h)"},
      {"jitter", "DUR", "expirations lowered by up to this, per RRset (default min(1d, validity/4))"},
      {"serial", "POLICY", "SOA serial: keep (default), increment, unixtime or date"},
      {"dnskey-ttl", "DUR", "TTL of the DNSKEY RRset (default: the input's, else the SOA TTL)"},
      {"threads", "N", "signing threads (default: one per CPU, at most 8)"},
      {"verify-signatures", "MODE", "check each signature before use: auto (PKCS#11 only, default), always, never"},
  };
  for (auto& f : Pkcs11Flags()) c.flags.push_back(f);
  c.run = Run;
  return c;
}

RC_REGISTER_COMMAND(Make);

}  // namespace
}  // namespace rollcage::tools
