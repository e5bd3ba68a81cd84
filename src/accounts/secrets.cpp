// Random secrets, their hashes and constant-time comparison (libsodium).
#include "accounts/secrets.h"

#include <sodium.h>

#include <array>
#include <cstdlib>
#include <vector>

namespace sequencial::accounts {
std::string to_hex(const unsigned char* data, std::size_t size) {
  std::string out(size * 2, '\0');
  sodium_bin2hex(out.data(), out.size() + 1, data, size);
  return out;
}

std::string random_hex(std::size_t bytes) {
  if (sodium_init() < 0) std::abort();
  std::vector<unsigned char> buffer(bytes);
  randombytes_buf(buffer.data(), buffer.size());
  return to_hex(buffer.data(), buffer.size());
}

std::string hash_secret(std::string_view text) {
  std::array<unsigned char, crypto_generichash_BYTES> digest;
  crypto_generichash(digest.data(), digest.size(),
                     reinterpret_cast<const unsigned char*>(text.data()), text.size(), nullptr, 0);
  return to_hex(digest.data(), digest.size());
}

bool secrets_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace sequencial::accounts
