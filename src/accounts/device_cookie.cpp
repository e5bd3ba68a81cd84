// Issuing and checking device cookies (keyed BLAKE2b, libsodium).
#include "accounts/device_cookie.h"

#include <sodium.h>

#include <array>
#include <cstdlib>

#include "accounts/secrets.h"

namespace sequencial::accounts {
namespace {

constexpr std::size_t kDeviceIdHexDigits = 32;  // 16 random bytes

std::string tag(std::string_view device_id, const User& user) {
  // The key changes with the password hash (its salt is random), so a
  // password change ends every device's trust.
  const std::string key_material =
      "sequencial device cookie\n" + std::to_string(user.id) + "\n" + user.password_hash;
  std::array<unsigned char, crypto_generichash_KEYBYTES> key{};
  crypto_generichash(key.data(), key.size(),
                     reinterpret_cast<const unsigned char*>(key_material.data()),
                     key_material.size(), nullptr, 0);
  std::array<unsigned char, crypto_generichash_BYTES> mac{};
  crypto_generichash(mac.data(), mac.size(),
                     reinterpret_cast<const unsigned char*>(device_id.data()), device_id.size(),
                     key.data(), key.size());
  return to_hex(mac.data(), mac.size());
}

}  // namespace

std::string issue_device_cookie(const User& user) {
  const std::string device_id = random_hex(kDeviceIdHexDigits / 2);
  return device_id + "." + tag(device_id, user);
}

std::string trusted_device(std::string_view value, const User& user) {
  if (sodium_init() < 0) std::abort();
  const std::size_t dot = value.find('.');
  if (dot != kDeviceIdHexDigits || user.password_hash.empty()) return {};
  const std::string_view device_id = value.substr(0, dot);
  if (!secrets_equal(value.substr(dot + 1), tag(device_id, user))) return {};
  return std::string(device_id);
}

std::string device_set_cookie(std::string_view value, bool secure) {
  std::string out(kDeviceCookie);
  out += '=';
  out += value;
  out += "; Path=/api/v1/session; Max-Age=";
  out += std::to_string(kDeviceCookieLifetime.count());
  out += "; HttpOnly; SameSite=Strict";
  if (secure) out += "; Secure";
  return out;
}

}  // namespace sequencial::accounts
