// Password hashing for admin UI users: Argon2id through libsodium's
// crypto_pwhash_str (the stored string carries algorithm, salt and cost, so
// a hash made with one cost still verifies after the cost changes), and the
// generated passwords of the first admin and `user create`.
//
// Hashing costs real CPU and memory on purpose (interactive limits: ~64 MiB,
// tenths of a second); kMinimum exists only so tests run fast.
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"

namespace sequencial::accounts {

enum class PasswordCost {
  kInteractive,  // crypto_pwhash_OPSLIMIT/MEMLIMIT_INTERACTIVE: production
  kMinimum,      // crypto_pwhash_OPSLIMIT/MEMLIMIT_MIN: tests only
};

// Fails with kInternal when libsodium cannot allocate the memory it needs.
[[nodiscard]] Result<std::string> hash_password(std::string_view password, PasswordCost cost);
// True when `password` matches `hash` (a crypto_pwhash_str string).
[[nodiscard]] bool verify_password(std::string_view hash, std::string_view password);
// 20 random characters from an alphabet without look-alikes (~115 bits).
[[nodiscard]] std::string generate_password();

}  // namespace sequencial::accounts
