// Argon2id hashing: round trip, salts, wrong passwords, generated passwords.
#include "accounts/password.h"

#include <gtest/gtest.h>

#include <set>

namespace sequencial::accounts {
namespace {

TEST(PasswordTest, HashVerifiesOnlyTheSamePassword) {
  auto hash = hash_password("correct horse battery", PasswordCost::kMinimum);
  ASSERT_TRUE(hash) << hash.error().message;
  EXPECT_TRUE(hash->starts_with("$argon2id$")) << *hash;
  EXPECT_EQ(hash->find("correct horse"), std::string::npos);
  EXPECT_TRUE(verify_password(*hash, "correct horse battery"));
  EXPECT_FALSE(verify_password(*hash, "correct horse batterY"));
  EXPECT_FALSE(verify_password(*hash, ""));
  EXPECT_FALSE(verify_password("not a hash", "correct horse battery"));
  EXPECT_FALSE(verify_password("", ""));
}

TEST(PasswordTest, SamePasswordHashesDifferently) {
  auto a = hash_password("senha-muito-boa", PasswordCost::kMinimum);
  auto b = hash_password("senha-muito-boa", PasswordCost::kMinimum);
  ASSERT_TRUE(a && b);
  EXPECT_NE(*a, *b);  // random salt
  EXPECT_TRUE(verify_password(*b, "senha-muito-boa"));
}

TEST(PasswordTest, InteractiveCostIsArgon2idWithItsLimits) {
  auto hash = hash_password("senha-muito-boa", PasswordCost::kInteractive);
  ASSERT_TRUE(hash) << hash.error().message;
  // 64 MiB, 2 passes: the interactive limits of libsodium.
  EXPECT_NE(hash->find("m=65536,t=2"), std::string::npos) << *hash;
  EXPECT_TRUE(verify_password(*hash, "senha-muito-boa"));
}

TEST(PasswordTest, GeneratedPasswordsAreLongAndDistinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    const std::string p = generate_password();
    EXPECT_EQ(p.size(), 20u);
    for (char c : p) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c))) << p;
    seen.insert(p);
  }
  EXPECT_EQ(seen.size(), 50u);
}

}  // namespace
}  // namespace sequencial::accounts
