#include "signer-under-test/key_directory.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>

#include "base/file.h"
#include "dns/rdata.h"
#include "dns/rr.h"
#include "signer-under-test/internal/openssl_util.h"

namespace rollcage::signer {
namespace {

constexpr char kFormat[] = "rollcage-key-v1";

std::string YesNo(bool b) { return b ? "yes" : "no"; }

Result<std::map<std::string, std::string>> ParseMeta(const std::string& text, const std::string& file) {
  std::map<std::string, std::string> out;
  size_t line_no = 0, pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    size_t colon = line.find(':');
    if (colon == std::string::npos) return KeyError(file + ":" + std::to_string(line_no) + ": expected 'name: value'");
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    out[line.substr(0, colon)] = value;
  }
  return out;
}

Result<bool> YesNoField(const std::map<std::string, std::string>& meta, const std::string& name,
                        const std::string& file) {
  auto it = meta.find(name);
  if (it == meta.end()) return KeyError(file + ": missing '" + name + "'");
  if (it->second == "yes") return true;
  if (it->second == "no") return false;
  return KeyError(file + ": '" + name + "' must be yes or no");
}

}  // namespace

Result<std::string> KeyDirectory::Save(const dns::Name& origin, KeyRole role, const ZoneKey& key,
                                       std::string_view pkcs8_der, uint32_t ttl) const {
  RC_RETURN_IF_ERROR(MakeDirs(path_));
  char base[320];
  std::snprintf(base, sizeof base, "K%s+%03u+%05u", origin.ToText().c_str(), AlgorithmNumber(key.key.algorithm),
                key.Tag());
  std::string stem;
  for (int n = 1;; ++n) {
    stem = path_ + "/" + base + (n == 1 ? "" : "-" + std::to_string(n));
    std::string meta_path = stem + ".meta";
    if (!std::filesystem::exists(meta_path)) break;
    // The same key saved again reuses its stem.
    auto existing = ReadFile(meta_path);
    if (existing.ok() && existing->find("id: " + key.key.id + "\n") != std::string::npos) break;
  }
  RC_ASSIGN_OR_RETURN(std::string pem, internal::Pkcs8DerToPem(pkcs8_der));
  dns::RR dnskey{origin, dns::rrtype::kDNSKEY, dns::kClassIN, ttl, key.DnskeyRdata()};
  std::string meta = std::string("# rollcage key metadata\nformat: ") + kFormat + "\norigin: " + origin.ToText() +
                     "\nrole: " + KeyRoleName(role) + "\nalgorithm: " +
                     std::to_string(AlgorithmNumber(key.key.algorithm)) + "\nflags: " + std::to_string(key.flags) +
                     "\npublish: " + YesNo(key.published) + "\nsign-dnskey: " + YesNo(key.signs_dnskey) +
                     "\nsign-zone: " + YesNo(key.signs_zone) + "\nid: " + key.key.id + "\ntag: " +
                     std::to_string(key.Tag()) + "\n";
  RC_RETURN_IF_ERROR(WriteFileAtomic(stem + ".pem", pem));
  ::chmod((stem + ".pem").c_str(), 0600);
  RC_RETURN_IF_ERROR(WriteFileAtomic(stem + ".key", "; " + std::string(KeyRoleName(role)) + " key of " +
                                                        origin.ToText() + ", made by rollcage\n" +
                                                        dnskey.ToText() + "\n"));
  RC_RETURN_IF_ERROR(WriteFileAtomic(stem + ".meta", meta));
  return stem;
}

Result<std::vector<StoredKey>> KeyDirectory::Load(const dns::Name& origin, KeyStore& store) const {
  std::error_code ec;
  if (!std::filesystem::is_directory(path_, ec)) return KeyError("key directory " + path_ + " does not exist");
  std::vector<std::string> metas;
  for (const auto& entry : std::filesystem::directory_iterator(path_, ec)) {
    if (entry.path().extension() == ".meta") metas.push_back(entry.path().string());
  }
  if (ec) return IoError(path_ + ": " + ec.message());
  std::sort(metas.begin(), metas.end());
  std::vector<StoredKey> out;
  for (const auto& meta_path : metas) {
    std::string stem = meta_path.substr(0, meta_path.size() - 5);
    RC_ASSIGN_OR_RETURN(std::string meta_text, ReadFile(meta_path));
    RC_ASSIGN_OR_RETURN(auto meta, ParseMeta(meta_text, meta_path));
    if (meta["format"] != kFormat) return KeyError(meta_path + ": not a " + std::string(kFormat) + " file");
    auto key_origin = dns::Name::FromText(meta["origin"]);
    if (!key_origin.ok()) return KeyError(meta_path + ": bad origin: " + key_origin.status().message());
    if (!(*key_origin == origin)) continue;
    StoredKey sk;
    sk.origin = *key_origin;
    sk.stem = stem;
    auto role = ParseKeyRole(meta["role"]);
    if (!role.ok()) return KeyError(meta_path + ": " + role.status().message());
    sk.role = *role;
    int alg_number = std::atoi(meta["algorithm"].c_str());
    auto alg = AlgorithmFromNumber(uint8_t(alg_number));
    if (!alg.ok() || alg_number <= 0 || alg_number > 255) {
      return KeyError(meta_path + ": " + (alg.ok() ? std::string("bad algorithm") : alg.status().message()));
    }
    long flags = std::atol(meta["flags"].c_str());
    if (flags < 0 || flags > 0xffff || meta["flags"].empty()) return KeyError(meta_path + ": bad flags");
    RC_ASSIGN_OR_RETURN(sk.key.published, YesNoField(meta, "publish", meta_path));
    RC_ASSIGN_OR_RETURN(sk.key.signs_dnskey, YesNoField(meta, "sign-dnskey", meta_path));
    RC_ASSIGN_OR_RETURN(sk.key.signs_zone, YesNoField(meta, "sign-zone", meta_path));
    sk.key.flags = uint16_t(flags);
    auto pem = ReadFile(stem + ".pem");
    if (!pem.ok()) return KeyError("private key missing: " + pem.status().message());
    auto der = internal::Pkcs8PemToDer(*pem);
    if (!der.ok()) return der.status().WithContext(stem + ".pem");
    auto info = store.Import({*alg, ZoneKeyLabel(origin, sk.role)}, *der);
    if (!info.ok()) return info.status().WithContext(stem + ".pem");
    if (!meta["id"].empty() && meta["id"] != info->id) {
      return KeyError(stem + ".pem does not hold the key " + meta_path + " names (id " + meta["id"] + ", found " +
                      info->id + ")");
    }
    sk.key.key = *info;
    // The .key file, when present, must publish this very key.
    if (auto key_text = ReadFile(stem + ".key"); key_text.ok()) {
      bool matched = false;
      size_t pos = 0;
      while (pos < key_text->size()) {
        size_t end = key_text->find('\n', pos);
        if (end == std::string::npos) end = key_text->size();
        std::string line = key_text->substr(pos, end - pos);
        pos = end + 1;
        if (line.empty() || line[0] == ';') continue;
        auto rr = dns::RR::FromText(line, origin);
        if (!rr.ok() || rr->type != dns::rrtype::kDNSKEY) continue;
        auto d = dns::DnskeyData::Parse(rr->rdata);
        matched |= d.ok() && d->public_key == info->public_key && d->algorithm == alg_number;
      }
      if (!matched) return KeyError(stem + ".key does not hold the public key of " + stem + ".pem");
    }
    out.push_back(std::move(sk));
  }
  if (out.empty()) {
    return KeyError("no keys for " + origin.ToText() + " in " + path_ + " (make them with: rollcage keygen --keys " +
                    path_ + " --origin " + origin.ToText() + ")");
  }
  return out;
}

}  // namespace rollcage::signer
