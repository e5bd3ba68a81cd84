// Argon2id password hashing and password generation (libsodium).
#include "accounts/password.h"

#include <sodium.h>

#include <array>
#include <cstdlib>

namespace sequencial::accounts {

Result<std::string> hash_password(std::string_view password, PasswordCost cost) {
  if (sodium_init() < 0) std::abort();
  const bool minimum = cost == PasswordCost::kMinimum;
  const unsigned long long ops =
      minimum ? crypto_pwhash_OPSLIMIT_MIN : crypto_pwhash_OPSLIMIT_INTERACTIVE;
  const std::size_t memory =
      minimum ? crypto_pwhash_MEMLIMIT_MIN : crypto_pwhash_MEMLIMIT_INTERACTIVE;
  std::array<char, crypto_pwhash_STRBYTES> out{};
  if (crypto_pwhash_str_alg(out.data(), password.data(), password.size(), ops, memory,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return fail(Error::internal("password hashing ran out of memory"));
  }
  return std::string(out.data());
}

bool verify_password(std::string_view hash, std::string_view password) {
  if (sodium_init() < 0) std::abort();
  // crypto_pwhash_str_verify needs a NUL-terminated hash.
  const std::string terminated(hash);
  return crypto_pwhash_str_verify(terminated.c_str(), password.data(), password.size()) == 0;
}

std::string generate_password() {
  if (sodium_init() < 0) std::abort();
  static constexpr std::string_view kAlphabet =
      "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  std::string out;
  out.reserve(20);
  for (int i = 0; i < 20; ++i) {
    out += kAlphabet[randombytes_uniform(static_cast<std::uint32_t>(kAlphabet.size()))];
  }
  return out;
}

}  // namespace sequencial::accounts
