#include "dns/rdata.h"

#include "base/encoding.h"

namespace rollcage::dns {
namespace {

const unsigned char* U(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

}  // namespace

Result<SoaData> SoaData::Parse(std::string_view rdata) {
  size_t p = 0;
  SoaData d;
  auto m = Name::ReadWire(rdata, &p);
  if (!m.ok()) return m.status().WithContext("SOA MNAME");
  auto r = Name::ReadWire(rdata, &p);
  if (!r.ok()) return r.status().WithContext("SOA RNAME");
  if (rdata.size() - p != 20) return BadInput("SOA RDATA has wrong length");
  d.mname = std::move(m).value();
  d.rname = std::move(r).value();
  const auto* u = U(rdata) + p;
  d.serial = ReadU32(u);
  d.refresh = ReadU32(u + 4);
  d.retry = ReadU32(u + 8);
  d.expire = ReadU32(u + 12);
  d.minimum = ReadU32(u + 16);
  return d;
}

std::string SoaData::Encode() const {
  std::string out = mname.wire() + rname.wire();
  AppendU32(out, serial);
  AppendU32(out, refresh);
  AppendU32(out, retry);
  AppendU32(out, expire);
  AppendU32(out, minimum);
  return out;
}

Result<DnskeyData> DnskeyData::Parse(std::string_view rdata) {
  if (rdata.size() < 4) return BadInput("DNSKEY RDATA shorter than 4 octets");
  DnskeyData d;
  d.flags = ReadU16(U(rdata));
  d.protocol = U(rdata)[2];
  d.algorithm = U(rdata)[3];
  d.public_key = std::string(rdata.substr(4));
  return d;
}

std::string DnskeyData::Encode() const {
  std::string out;
  AppendU16(out, flags);
  AppendU8(out, protocol);
  AppendU8(out, algorithm);
  return out + public_key;
}

Result<DsData> DsData::Parse(std::string_view rdata) {
  if (rdata.size() < 4) return BadInput("DS RDATA shorter than 4 octets");
  DsData d;
  d.key_tag = ReadU16(U(rdata));
  d.algorithm = U(rdata)[2];
  d.digest_type = U(rdata)[3];
  d.digest = std::string(rdata.substr(4));
  return d;
}

std::string DsData::Encode() const {
  std::string out;
  AppendU16(out, key_tag);
  AppendU8(out, algorithm);
  AppendU8(out, digest_type);
  return out + digest;
}

Result<RrsigData> RrsigData::Parse(std::string_view rdata) {
  if (rdata.size() < 19) return BadInput("RRSIG RDATA shorter than 19 octets");
  const auto* u = U(rdata);
  RrsigData d;
  d.type_covered = ReadU16(u);
  d.algorithm = u[2];
  d.labels = u[3];
  d.original_ttl = ReadU32(u + 4);
  d.expiration = ReadU32(u + 8);
  d.inception = ReadU32(u + 12);
  d.key_tag = ReadU16(u + 16);
  size_t p = 18;
  auto signer = Name::ReadWire(rdata, &p);
  if (!signer.ok()) return signer.status().WithContext("RRSIG signer name");
  d.signer = std::move(signer).value();
  d.signature = std::string(rdata.substr(p));
  return d;
}

std::string RrsigData::EncodeWithoutSignature() const {
  std::string out;
  AppendU16(out, type_covered);
  AppendU8(out, algorithm);
  AppendU8(out, labels);
  AppendU32(out, original_ttl);
  AppendU32(out, expiration);
  AppendU32(out, inception);
  AppendU16(out, key_tag);
  out += signer.Lowercase().wire();
  return out;
}

std::string RrsigData::Encode() const {
  std::string out;
  AppendU16(out, type_covered);
  AppendU8(out, algorithm);
  AppendU8(out, labels);
  AppendU32(out, original_ttl);
  AppendU32(out, expiration);
  AppendU32(out, inception);
  AppendU16(out, key_tag);
  out += signer.wire();
  return out + signature;
}

Result<NsecData> NsecData::Parse(std::string_view rdata) {
  size_t p = 0;
  auto next = Name::ReadWire(rdata, &p);
  if (!next.ok()) return next.status().WithContext("NSEC next domain name");
  auto types = DecodeTypeBitmap(rdata.substr(p));
  if (!types.ok()) return types.status().WithContext("NSEC type bitmap");
  return NsecData{std::move(next).value(), std::move(types).value()};
}

std::string NsecData::Encode() const { return next.wire() + EncodeTypeBitmap(types); }

Result<Nsec3Data> Nsec3Data::Parse(std::string_view rdata) {
  const auto* u = U(rdata);
  if (rdata.size() < 5) return BadInput("NSEC3 RDATA too short");
  Nsec3Data d;
  d.hash_algorithm = u[0];
  d.flags = u[1];
  d.iterations = ReadU16(u + 2);
  size_t salt_len = u[4];
  size_t p = 5;
  if (p + salt_len + 1 > rdata.size()) return BadInput("NSEC3 salt truncated");
  d.salt = std::string(rdata.substr(p, salt_len));
  p += salt_len;
  size_t hash_len = u[p++];
  if (hash_len == 0 || p + hash_len > rdata.size()) return BadInput("NSEC3 next hashed owner truncated");
  d.next_hashed = std::string(rdata.substr(p, hash_len));
  p += hash_len;
  auto types = DecodeTypeBitmap(rdata.substr(p));
  if (!types.ok()) return types.status().WithContext("NSEC3 type bitmap");
  d.types = std::move(types).value();
  return d;
}

std::string Nsec3Data::Encode() const {
  std::string out;
  AppendU8(out, hash_algorithm);
  AppendU8(out, flags);
  AppendU16(out, iterations);
  AppendU8(out, uint8_t(salt.size()));
  out += salt;
  AppendU8(out, uint8_t(next_hashed.size()));
  out += next_hashed;
  return out + EncodeTypeBitmap(types);
}

Result<Nsec3ParamData> Nsec3ParamData::Parse(std::string_view rdata) {
  const auto* u = U(rdata);
  if (rdata.size() < 5) return BadInput("NSEC3PARAM RDATA too short");
  Nsec3ParamData d;
  d.hash_algorithm = u[0];
  d.flags = u[1];
  d.iterations = ReadU16(u + 2);
  size_t salt_len = u[4];
  if (5 + salt_len != rdata.size()) return BadInput("NSEC3PARAM salt length mismatch");
  d.salt = std::string(rdata.substr(5, salt_len));
  return d;
}

std::string Nsec3ParamData::Encode() const {
  std::string out;
  AppendU8(out, hash_algorithm);
  AppendU8(out, flags);
  AppendU16(out, iterations);
  AppendU8(out, uint8_t(salt.size()));
  return out + salt;
}

std::string EncodeTypeBitmap(const std::set<uint16_t>& types) {
  std::string out;
  int window = -1;
  unsigned char bits[32] = {};
  int maxlen = 0;
  auto flush = [&]() {
    if (window < 0) return;
    AppendU8(out, uint8_t(window));
    AppendU8(out, uint8_t(maxlen));
    out.append(reinterpret_cast<char*>(bits), maxlen);
  };
  for (uint16_t t : types) {
    int w = t >> 8;
    if (w != window) {
      flush();
      window = w;
      std::fill(bits, bits + 32, 0);
      maxlen = 0;
    }
    int lo = t & 0xff;
    bits[lo / 8] |= uint8_t(0x80 >> (lo % 8));
    maxlen = std::max(maxlen, lo / 8 + 1);
  }
  flush();
  return out;
}

Result<std::set<uint16_t>> DecodeTypeBitmap(std::string_view data) {
  std::set<uint16_t> types;
  const auto* u = U(data);
  size_t p = 0;
  int last_window = -1;
  while (p < data.size()) {
    if (p + 2 > data.size()) return BadInput("truncated window block");
    int w = u[p];
    int len = u[p + 1];
    if (w <= last_window) return BadInput("window blocks out of order");
    if (len < 1 || len > 32) return BadInput("bitmap length outside 1..32");
    if (p + 2 + len > data.size()) return BadInput("truncated bitmap");
    for (int i = 0; i < len; ++i) {
      for (int b = 0; b < 8; ++b) {
        if (u[p + 2 + i] & (0x80 >> b)) types.insert(uint16_t(w * 256 + i * 8 + b));
      }
    }
    last_window = w;
    p += 2 + len;
  }
  return types;
}

}  // namespace rollcage::dns
