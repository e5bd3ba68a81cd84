// The bearer token check (api/tokens.h) over a real SQLite store: cached
// tokens, revocation at once, and a new token that is given the id of a
// revoked one (as SQLite did before schema version 4) is accepted.
#include "api/tokens.h"

#include <gtest/gtest.h>

#include "storage/sqlite/sqlite_db.h"
#include "storage/store.h"
#include "temp_dir.h"

namespace sequencial::api {
namespace {

using test_support::TempDir;

class TokensTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = open_store(path());
    ASSERT_TRUE(store) << store.error().message;
    store_ = std::move(*store);
  }
  [[nodiscard]] std::string path() const { return dir_.file("t.db"); }
  // A new token in the store; returns {token, id}.
  std::pair<std::string, std::int64_t> create(const std::string& name) {
    std::string token = generate_token();
    auto stored = store_->insert_token(name, hash_token(token));
    EXPECT_TRUE(stored) << stored.error().message;
    return {token, stored ? stored->id : 0};
  }
  TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(TokensTest, KnownTokensPassUnknownAndMalformedAreRefused) {
  TokenAuthenticator auth(*store_);
  const auto [token, id] = create("ci");
  EXPECT_TRUE(auth.check("Bearer " + token));
  EXPECT_TRUE(auth.check("bearer " + token));  // the scheme ignores case
  EXPECT_FALSE(auth.check("Bearer " + generate_token()));
  EXPECT_FALSE(auth.check(token));
  EXPECT_FALSE(auth.check(""));
}

TEST_F(TokensTest, RevokedTokenIsRefusedAtOnce) {
  TokenAuthenticator auth(*store_);
  const auto [token, id] = create("ci");
  ASSERT_TRUE(auth.check("Bearer " + token));  // now cached
  ASSERT_TRUE(store_->delete_token(id));
  auth.revoke(id);
  auto refused = auth.check("Bearer " + token);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kUnauthorized);
}

// Issue 14 row 9: the cache once kept revoked ids forever, so a new token
// that got a revoked token's id was refused until restart.
TEST_F(TokensTest, ANewTokenWithARevokedTokensIdIsAccepted) {
  TokenAuthenticator auth(*store_);
  const auto [old_token, old_id] = create("old");
  ASSERT_TRUE(auth.check("Bearer " + old_token));
  ASSERT_TRUE(store_->delete_token(old_id));
  auth.revoke(old_id);
  // Make the store hand out the same id again, as a store without
  // AUTOINCREMENT did.
  {
    auto db = sqlite::Db::open(path());
    ASSERT_TRUE(db);
    ASSERT_TRUE(db->exec("UPDATE sqlite_sequence SET seq = seq - 1 WHERE name = 'api_tokens'"));
  }
  const auto [new_token, new_id] = create("new");
  ASSERT_EQ(new_id, old_id);
  EXPECT_TRUE(auth.check("Bearer " + new_token));
  EXPECT_FALSE(auth.check("Bearer " + old_token));
}

}  // namespace
}  // namespace sequencial::api
