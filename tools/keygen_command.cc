// `rollcage keygen`: makes a zone's keys (KSK+ZSK, or a CSK) in a key directory or on a PKCS#11 token.
#include <cstdio>

#include "dns/rr.h"
#include "signer-under-test/key_directory.h"
#include "signer-under-test/key_tag.h"
#include "signer-under-test/openssl_key_store.h"
#include "signer-under-test/pkcs11_key_store.h"
#include "signer-under-test/zone_key.h"
#include "tools/cli/command.h"
#include "tools/signer_flags.h"

namespace rollcage::tools {
namespace {

using signer::KeyRole;

int Run(const cli::Args& args) {
  auto fail = [](const Status& st) { return cli::Fail("keygen", st); };
  if (!args.Has("origin")) return fail(UsageError("--origin NAME is required"));
  auto origin = dns::Name::FromText(args.Get("origin"));
  if (!origin.ok()) return fail(origin.status().WithContext("--origin"));
  auto alg = AlgorithmFromArgs(args);
  if (!alg.ok()) return fail(alg.status());
  auto bits = args.GetInt("bits", 2048);
  if (!bits.ok()) return fail(bits.status());
  std::vector<KeyRole> roles = {KeyRole::kKsk, KeyRole::kZsk};
  if (args.Has("csk")) roles = {KeyRole::kCsk};
  if (args.Has("role")) {
    auto r = signer::ParseKeyRole(args.Get("role"));
    if (!r.ok()) return fail(r.status().WithContext("--role"));
    roles = {*r};
  }
  std::optional<uint64_t> seed;
  if (args.Has("seed")) {
    auto s = args.GetInt("seed", 0);
    if (!s.ok()) return fail(s.status());
    seed = uint64_t(*s);
  }
  auto p11 = Pkcs11OptionsFromArgs(args);
  if (!p11.ok()) return fail(p11.status());
  bool to_dir = args.Has("keys");
  if (to_dir == p11->has_value()) return fail(UsageError("give exactly one of --keys DIR or --pkcs11 MODULE/--token-dir DIR"));

  std::unique_ptr<signer::Pkcs11KeyStore> token;
  if (p11->has_value()) {
    auto t = signer::Pkcs11KeyStore::Open(**p11);
    if (!t.ok()) return fail(t.status());
    token = std::move(t).value();
  }
  signer::OpenSslKeyStore software({.seed = seed});
  for (KeyRole role : roles) {
    signer::KeySpec spec{*alg, signer::ZoneKeyLabel(*origin, role), int(*bits)};
    signer::KeyInfo info;
    std::string where;
    if (token) {
      // With a seed the key is made in software and imported (reproducible); else made on the token.
      Result<signer::KeyInfo> made = seed ? [&]() -> Result<signer::KeyInfo> {
        RC_ASSIGN_OR_RETURN(std::string der, signer::DeriveKeyPkcs8(*seed, spec));
        return token->Import(spec, der);
      }()
                                          : token->Generate(spec);
      if (!made.ok()) return fail(made.status());
      info = *made;
      where = token->Describe() + ", CKA_ID " + info.id;
    } else {
      auto made = software.Generate(spec);
      if (!made.ok()) return fail(made.status());
      info = *made;
      auto der = software.ExportPkcs8(info.id);
      if (!der.ok()) return fail(der.status());
      auto stem = signer::KeyDirectory(args.Get("keys")).Save(*origin, role, signer::ZoneKey::ForRole(info, role), *der);
      if (!stem.ok()) return fail(stem.status());
      where = *stem + ".{pem,key,meta}";
    }
    signer::ZoneKey zk = signer::ZoneKey::ForRole(info, role);
    dns::RR dnskey{*origin, dns::rrtype::kDNSKEY, dns::kClassIN, 3600, zk.DnskeyRdata()};
    std::printf("; %s %s tag %u: %s\n%s\n", signer::KeyRoleName(role), signer::AlgorithmName(*alg), zk.Tag(),
                where.c_str(), dnskey.ToText().c_str());
    if (zk.signs_dnskey) {
      auto ds = signer::MakeDs(*origin, zk.DnskeyRdata());
      if (!ds.ok()) return fail(ds.status());
      std::printf("%s\n", dns::RR{*origin, dns::rrtype::kDS, dns::kClassIN, 3600, ds->Encode()}.ToText().c_str());
    }
  }
  return 0;
}

cli::Command Make() {
  cli::Command c;
  c.name = "keygen";
  c.summary = "make a zone's keys (KSK+ZSK or CSK) in a key directory or on a PKCS#11 token";
  c.usage = "--origin NAME (--keys DIR | --pkcs11 MODULE [--token-dir DIR] [--token LABEL] --pin PIN) [options]";
  c.details =
      "Prints each key's DNSKEY (and the DS of a KSK or CSK). In a key directory each key is\n"
      "K<origin>+<alg>+<tag>.{pem,key,meta} (docs/signer.md). On a token, keys carry CKA_LABEL\n"
      "\"<origin> <role>\" and CKA_ID = the key id; with --seed they are made in software and imported.";
  c.flags = {
      {"origin", "NAME", "the zone the keys are for (required)"},
      {"keys", "DIR", "write the keys to this key directory"},
      {"algorithm", "ALG", "8|RSASHA256, 13|ECDSAP256SHA256 (default) or 15|ED25519"},
      {"bits", "N", "RSA modulus size (default 2048)"},
      {"csk", "", "one combined signing key instead of KSK+ZSK"},
      {"role", "ROLE", "make one key of this role: ksk, zsk or csk"},
      {"seed", "N", "derive the keys from this seed (reproducible; otherwise random or made on the token)"},
  };
  for (auto& f : Pkcs11Flags()) c.flags.push_back(f);
  c.run = Run;
  return c;
}

RC_REGISTER_COMMAND(Make);

}  // namespace
}  // namespace rollcage::tools
