#include "oracle/testing/signers.h"

#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "base/file.h"
#include "base/subprocess.h"
#include "dns/fast_zone_reader.h"
#include "dns/name.h"

namespace rollcage::oracle::testing {
namespace {

std::string Hex32(unsigned seed) {
  // A deterministic 32-octet digest for test DS records (not a real key's digest: the children
  // are not in the zone, so no validator can check it).
  std::string out;
  unsigned x = seed * 2654435761u + 12345;
  for (int i = 0; i < 64; ++i) {
    x = x * 1103515245u + 12345;
    out.push_back("0123456789ABCDEF"[(x >> 16) & 15]);
  }
  return out;
}

const char* LdnsAlg(int a) {
  switch (a) {
    case 8: return "RSASHA256";
    case 10: return "RSASHA512";
    case 13: return "ECDSAP256SHA256";
    case 14: return "ECDSAP384SHA384";
    case 15: return "ED25519";
    case 16: return "ED448";
    default: return nullptr;
  }
}

const char* KnotAlg(int a) {
  switch (a) {
    case 8: return "rsasha256";
    case 10: return "rsasha512";
    case 13: return "ecdsap256sha256";
    case 14: return "ecdsap384sha384";
    case 15: return "ed25519";
    case 16: return "ed448";
    default: return nullptr;
  }
}

Result<RunResult> Run(const std::vector<std::string>& argv, const std::string& cwd) {
  RunOptions o;
  o.cwd = cwd;
  o.timeout_seconds = 120;
  auto r = RunCommand(argv, o);
  if (!r.ok()) return r;
  if (r->exit_code != 0) {
    std::string cmd;
    for (const auto& a : argv) cmd += a + " ";
    return InternalError("'" + cmd + "' failed with exit " + std::to_string(r->exit_code) + ": " + r->err + r->out);
  }
  return r;
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\r')) s.pop_back();
  return s;
}

std::string ReadAll(const std::string& path) {
  auto r = ReadFile(path);
  return r.ok() ? *r : "";
}

// The DNSKEY lines of a .key file (its comment lines dropped).
std::string KeyRecords(const std::string& path) {
  std::string text = ReadAll(path), out;
  size_t p = 0;
  while (p < text.size()) {
    size_t e = text.find('\n', p);
    if (e == std::string::npos) e = text.size();
    std::string line = text.substr(p, e - p);
    if (!line.empty() && line[0] != ';') out += line + "\n";
    p = e + 1;
  }
  return out;
}

}  // namespace

std::string UnsignedZoneText(const std::string& origin, const ZoneShape& s) {
  std::ostringstream z;
  z << "$ORIGIN " << origin << "\n$TTL 3600\n";
  z << "@ IN SOA ns1 hostmaster 2026010101 7200 3600 1209600 300\n";
  z << "@ NS ns1\n@ NS ns2\n";
  z << "ns1 A 192.0.2.1\nns2 AAAA 2001:db8::2\n";
  if (s.extras) {
    z << "@ MX 10 mail\n@ TXT \"v=spf1 -all\"\nmail A 192.0.2.3\n";
    z << "Www A 192.0.2.4\nwww AAAA 2001:db8::4\n";
    z << "*.wild TXT \"wildcard\"\n";
    z << "a.b.c.deep A 192.0.2.5\n";
    z << "cname CNAME www\n";
    z << "srv._tcp SRV 1 2 443 WWW\n";
    // Embedded names in upper case: the canonical form lowercases them (RFC 4034 §6.2).
    z << "mx2 MX 10 MAIL.EXTERNAL.example.\n";
    z << "naptr NAPTR 100 10 \"S\" \"SIP+D2U\" \"\" _SIP._UDP.MAIL.EXTERNAL.example.\n";
    z << "rp RP MBOX.EXAMPLE.NET. TXT.EXAMPLE.NET.\n";
    z << "ptr PTR HOST.EXAMPLE.NET.\n";
    z << "dname DNAME TARGET.EXAMPLE.NET.\n";
    z << "d.x.optent NS ns.elsewhere.example.\n";  // an insecure delegation below empty non-terminals
  }
  for (int i = 0; i < s.hosts; ++i) {
    z << "h" << i << " A 198.51.100." << (i % 250 + 1) << "\n";
    if (i % 3 == 0) z << "h" << i << " AAAA 2001:db8:1::" << std::hex << (i + 1) << std::dec << "\n";
    if (i % 5 == 0) z << "h" << i << " TXT \"host " << i << "\"\n";
  }
  for (int i = 0; i < s.secure_delegations; ++i) {
    z << "sec" << i << " NS ns1.sec" << i << "\n";
    z << "sec" << i << " NS ns.elsewhere.example.\n";
    z << "ns1.sec" << i << " A 203.0.113." << (i % 250 + 1) << "\n";
    z << "sec" << i << " DS " << (10000 + i) << " 13 2 " << Hex32(unsigned(i)) << "\n";
  }
  for (int i = 0; i < s.insecure_delegations; ++i) {
    if (i % 4 == 0) {
      z << "ins" << i << " NS ns.ins" << i << "\n";
      z << "ns.ins" << i << " A 192.0.2." << (i % 250 + 1) << "\n";
    } else {
      z << "ins" << i << " NS ns.elsewhere.example.\n";
    }
  }
  return z.str();
}

std::string FreshDir(const std::string& name) {
  const char* t = std::getenv("TEST_TMPDIR");
  std::string base = t ? t : "/tmp";
  std::string dir = base + "/" + name;
  RunCommand({"rm", "-rf", dir});
  (void)MakeDirs(dir);
  return dir;
}

Status WriteText(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary);
  if (!f) return IoError(path + ": cannot write");
  f << text;
  return f ? Status::Ok() : IoError(path + ": write failed");
}

Result<SignedZone> SignWithLdns(const std::string& dir, const std::string& origin, const std::string& unsigned_text,
                                const SignOptions& o) {
  SignedZone z;
  z.dir = dir;
  z.origin = origin;
  z.path = dir + "/zone.signed";
  z.ds_path = dir + "/ds.txt";
  std::vector<std::string> ksks, zsks;
  std::string ds;
  for (int a : o.algorithms) {
    const char* name = LdnsAlg(a);
    if (!name) return InternalError("no ldns-keygen name for algorithm " + std::to_string(a));
    std::vector<std::string> base = {"ldns-keygen", "-a", name};
    if (a == 8 || a == 10) {
      base.push_back("-b");
      base.push_back("2048");
    }
    auto kargs = base;
    kargs.push_back("-k");
    kargs.push_back(origin);
    RC_ASSIGN_OR_RETURN(auto k, Run(kargs, dir));
    ksks.push_back(Trim(k.out));
    ds += ReadAll(dir + "/" + ksks.back() + ".ds");
    base.push_back(origin);
    RC_ASSIGN_OR_RETURN(auto zk, Run(base, dir));
    zsks.push_back(Trim(zk.out));
  }
  RC_RETURN_IF_ERROR(WriteText(dir + "/zone.txt", unsigned_text + o.extra_dnskey_text));
  RC_RETURN_IF_ERROR(WriteText(z.ds_path, ds));
  std::vector<std::string> argv = {"ldns-signzone", "-i", kInception, "-e", kExpiration, "-f", z.path};
  if (o.nsec3) {
    argv.insert(argv.end(), {"-n", "-t", std::to_string(o.iterations)});
    if (!o.salt_hex.empty()) argv.insert(argv.end(), {"-s", o.salt_hex});
    if (o.opt_out) argv.push_back("-p");
  }
  argv.push_back("zone.txt");
  for (const auto& k : ksks) argv.push_back(k);
  for (const auto& k : zsks) argv.push_back(k);
  for (const auto& k : o.extra_zsks) argv.push_back(k);
  RC_RETURN_IF_ERROR(Run(argv, dir).status());
  for (const auto& k : ksks) z.key_bases.push_back(dir + "/" + k);
  for (const auto& k : zsks) z.key_bases.push_back(dir + "/" + k);
  for (const auto& k : o.extra_zsks) z.key_bases.push_back(k[0] == '/' ? k : dir + "/" + k);
  return z;
}

Result<SignedZone> SignWithBind(const std::string& dir, const std::string& origin, const std::string& unsigned_text,
                                const SignOptions& o) {
  SignedZone z;
  z.dir = dir;
  z.origin = origin;
  z.path = dir + "/zone.signed";
  z.ds_path = dir + "/ds.txt";
  std::vector<std::string> ksks, zsks;
  std::string ds;
  for (int a : o.algorithms) {
    const char* name = LdnsAlg(a);
    if (!name) return InternalError("no dnssec-keygen name for algorithm " + std::to_string(a));
    std::vector<std::string> base = {"dnssec-keygen", "-q", "-K", dir, "-a", name, "-n", "ZONE"};
    if (a == 8 || a == 10) {
      base.push_back("-b");
      base.push_back("2048");
    }
    auto kargs = base;
    kargs.insert(kargs.end(), {"-f", "KSK", origin});
    RC_ASSIGN_OR_RETURN(auto k, Run(kargs, dir));
    ksks.push_back(Trim(k.out));
    RC_ASSIGN_OR_RETURN(auto d, Run({"dnssec-dsfromkey", "-2", ksks.back() + ".key"}, dir));
    ds += d.out;
    base.push_back(origin);
    RC_ASSIGN_OR_RETURN(auto zk, Run(base, dir));
    zsks.push_back(Trim(zk.out));
  }
  // dnssec-signzone signs with the keys whose DNSKEYs the zone holds.
  std::string dnskeys;
  for (const auto& k : ksks) dnskeys += KeyRecords(dir + "/" + k + ".key");
  for (const auto& k : zsks) dnskeys += KeyRecords(dir + "/" + k + ".key");
  RC_RETURN_IF_ERROR(WriteText(dir + "/zone.txt", unsigned_text + dnskeys + o.extra_dnskey_text));
  RC_RETURN_IF_ERROR(WriteText(z.ds_path, ds));
  std::vector<std::string> argv = {"dnssec-signzone", "-q", "-K", dir, "-o", origin, "-s", kInception,
                                   "-e", kExpiration, "-f", z.path};
  if (o.nsec3) {
    argv.insert(argv.end(), {"-3", o.salt_hex.empty() ? "-" : o.salt_hex, "-H", std::to_string(o.iterations)});
    if (o.opt_out) argv.push_back("-A");
  }
  argv.push_back("zone.txt");
  for (const auto& k : ksks) argv.push_back(k);
  for (const auto& k : zsks) argv.push_back(k);
  for (const auto& k : o.extra_zsks) argv.push_back(k);
  RC_RETURN_IF_ERROR(Run(argv, dir).status());
  for (const auto& k : ksks) z.key_bases.push_back(dir + "/" + k);
  for (const auto& k : zsks) z.key_bases.push_back(dir + "/" + k);
  return z;
}

Result<SignedZone> SignWithKnot(const std::string& dir, const std::string& origin, const std::string& unsigned_text,
                                const SignOptions& o) {
  if (o.algorithms.size() != 1) return InternalError("the Knot helper signs with one algorithm");
  const char* alg = KnotAlg(o.algorithms.front());
  if (!alg) return InternalError("no Knot name for algorithm " + std::to_string(o.algorithms.front()));
  SignedZone z;
  z.dir = dir;
  z.origin = origin;
  z.path = dir + "/out/zone.txt";
  z.ds_path = dir + "/ds.txt";
  z.valid_at = kKnotSignTime + 3600;
  std::ostringstream conf;
  conf << "server:\n  rundir: " << dir << "\n"
       << "database:\n  storage: " << dir << "\n  kasp-db: " << dir << "/kasp\n"
       << "policy:\n  - id: p\n    algorithm: " << alg << "\n";
  if (o.algorithms.front() == 8 || o.algorithms.front() == 10) conf << "    ksk-size: 2048\n    zsk-size: 2048\n";
  conf << "    nsec3: " << (o.nsec3 ? "on" : "off") << "\n";
  if (o.nsec3) {
    conf << "    nsec3-iterations: " << o.iterations << "\n"
         << "    nsec3-salt-length: " << o.salt_hex.size() / 2 << "\n"
         << "    nsec3-opt-out: " << (o.opt_out ? "on" : "off") << "\n";
  }
  conf << "    rrsig-lifetime: 3650d\n    rrsig-refresh: 1d\n"
       << "zone:\n  - domain: " << origin << "\n    storage: " << dir << "\n    file: zone.txt\n"
       << "    dnssec-signing: on\n    dnssec-policy: p\n";
  RC_RETURN_IF_ERROR(WriteText(dir + "/knot.conf", conf.str()));
  RC_RETURN_IF_ERROR(WriteText(dir + "/zone.txt", unsigned_text + o.extra_dnskey_text));
  (void)MakeDirs(dir + "/out");
  RC_RETURN_IF_ERROR(Run({"kzonesign", "-c", dir + "/knot.conf", "-o", dir + "/out", "-r", "-t",
                          std::to_string(kKnotSignTime), origin},
                         dir)
                         .status());
  RC_ASSIGN_OR_RETURN(auto ds, Run({"keymgr", "-c", dir + "/knot.conf", origin, "ds"}, dir));
  RC_RETURN_IF_ERROR(WriteText(z.ds_path, ds.out));
  return z;
}

Result<SignedZone> SignWithCommand(const std::vector<std::string>& argv, const std::string& dir,
                                   const std::string& origin, const std::string& unsigned_text, UnixTime valid_at) {
  SignedZone z;
  z.dir = dir;
  z.origin = origin;
  z.path = dir + "/zone.signed";
  z.valid_at = valid_at;
  RC_RETURN_IF_ERROR(WriteText(dir + "/zone.txt", unsigned_text));
  std::vector<std::string> args;
  for (std::string a : argv) {
    for (const auto& [k, v] : std::vector<std::pair<std::string, std::string>>{
             {"{zone}", dir + "/zone.txt"}, {"{origin}", origin}, {"{out}", z.path}, {"{dir}", dir}}) {
      for (size_t p = a.find(k); p != std::string::npos; p = a.find(k, p + v.size())) a.replace(p, k.size(), v);
    }
    args.push_back(a);
  }
  RC_RETURN_IF_ERROR(Run(args, dir).status());
  return z;
}

Result<dns::Zone> LoadSigned(const SignedZone& z) {
  dns::LoadOptions lo;
  RC_ASSIGN_OR_RETURN(lo.origin, dns::Name::FromText(z.origin));
  return dns::LoadZoneFast(z.path, lo);
}

}  // namespace rollcage::oracle::testing
