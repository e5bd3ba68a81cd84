// Sessions over a real SQLite store: only hashes stored, expiry, logout,
// purge, a deleted user's sessions; the first admin and create_user.
#include "accounts/sessions.h"

#include <gtest/gtest.h>

#include "accounts/first_admin.h"
#include "accounts/secrets.h"
#include "manual_clock.h"
#include "storage/store.h"
#include "temp_dir.h"

namespace sequencial::accounts {
namespace {

using namespace std::chrono_literals;
using test_support::ManualClock;
using test_support::TempDir;

class SessionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = open_store((dir_.path() / "s.db").string());
    ASSERT_TRUE(store) << store.error().message;
    store_ = std::move(*store);
    auto user = store_->insert_user("ana@example.com", "h");
    ASSERT_TRUE(user);
    user_ = *user;
  }
  TempDir dir_;
  std::unique_ptr<Store> store_;
  User user_;
  ManualClock clock_{Timestamp{1'800'000'000s}};
};

TEST_F(SessionsTest, CreatedSessionIsFoundByItsIdAndStoredOnlyAsAHash) {
  SessionManager sessions(*store_, clock_);
  auto created = sessions.create(user_.id);
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_EQ(created->id.size(), 64u);
  EXPECT_EQ(created->csrf_token.size(), 64u);
  EXPECT_NE(created->id, created->csrf_token);
  EXPECT_EQ(created->expires_at, clock_.now() + 7 * 24h);

  auto raw = store_->find_session(created->id);
  ASSERT_TRUE(raw);
  EXPECT_FALSE(raw->has_value());  // the id itself is not a key
  auto hashed = store_->find_session(hash_secret(created->id));
  ASSERT_TRUE(hashed && hashed->has_value());

  auto found = sessions.find(created->id);
  ASSERT_TRUE(found && found->has_value());
  EXPECT_EQ((*found)->user.email, "ana@example.com");
  EXPECT_EQ((*found)->session.csrf_token, created->csrf_token);

  auto other = sessions.find(std::string(64, 'a'));
  ASSERT_TRUE(other);
  EXPECT_FALSE(other->has_value());
  auto malformed = sessions.find("short");
  ASSERT_TRUE(malformed);
  EXPECT_FALSE(malformed->has_value());
}

TEST_F(SessionsTest, SessionsExpireAfterTheirLifetimeAndLogoutEndsThem) {
  SessionManager sessions(*store_, clock_, 1h);
  auto a = sessions.create(user_.id);
  auto b = sessions.create(user_.id);
  ASSERT_TRUE(a && b);
  clock_.advance(59min);
  auto still = sessions.find(a->id);
  ASSERT_TRUE(still && still->has_value());
  ASSERT_TRUE(sessions.destroy(b->id));
  auto gone = sessions.find(b->id);
  ASSERT_TRUE(gone);
  EXPECT_FALSE(gone->has_value());
  clock_.advance(1min);
  auto expired = sessions.find(a->id);
  ASSERT_TRUE(expired);
  EXPECT_FALSE(expired->has_value());
  // Met expired, it was deleted.
  auto row = store_->find_session(hash_secret(a->id));
  ASSERT_TRUE(row);
  EXPECT_FALSE(row->has_value());
}

TEST_F(SessionsTest, ExpiredSessionsArePurgedOnLoginAtMostHourly) {
  SessionManager sessions(*store_, clock_, 30min);
  auto old = sessions.create(user_.id);  // purges (first time) then inserts
  ASSERT_TRUE(old);
  clock_.advance(31min);
  ASSERT_TRUE(sessions.create(user_.id));  // < 1 h since the last purge: no purge
  auto row = store_->find_session(hash_secret(old->id));
  ASSERT_TRUE(row && row->has_value());
  clock_.advance(30min);
  ASSERT_TRUE(sessions.create(user_.id));  // purges
  row = store_->find_session(hash_secret(old->id));
  ASSERT_TRUE(row);
  EXPECT_FALSE(row->has_value());
  clock_.advance(2h);
  auto purged = sessions.purge_expired();
  ASSERT_TRUE(purged);
  EXPECT_EQ(*purged, 2);
}

TEST_F(SessionsTest, DeletedUserLosesSessions) {
  SessionManager sessions(*store_, clock_);
  auto s = sessions.create(user_.id);
  ASSERT_TRUE(s);
  ASSERT_TRUE(store_->delete_user(user_.id));
  auto found = sessions.find(s->id);
  ASSERT_TRUE(found);
  EXPECT_FALSE(found->has_value());
  EXPECT_FALSE(sessions.create(user_.id));
}

TEST_F(SessionsTest, FirstAdminOnlyWhenThereIsNoUser) {
  auto none = ensure_first_admin(*store_, "admin@example.com", "", PasswordCost::kMinimum);
  ASSERT_TRUE(none) << none.error().message;
  EXPECT_FALSE(none->has_value());  // ana exists

  ASSERT_TRUE(store_->delete_user(user_.id));
  auto generated = ensure_first_admin(*store_, "admin@example.com", "", PasswordCost::kMinimum);
  ASSERT_TRUE(generated && generated->has_value());
  const CreatedUser& admin = **generated;
  EXPECT_EQ(admin.user.email, "admin@example.com");
  EXPECT_EQ(admin.generated_password.size(), 20u);
  auto stored = store_->find_user_by_email("admin@example.com");
  ASSERT_TRUE(stored && stored->has_value());
  EXPECT_TRUE(verify_password((*stored)->password_hash, admin.generated_password));
}

TEST_F(SessionsTest, CreateUserChecksRules) {
  auto given = create_user(*store_, "bia@example.com", "senha-da-bia", PasswordCost::kMinimum);
  ASSERT_TRUE(given) << given.error().message;
  EXPECT_TRUE(given->generated_password.empty());
  EXPECT_TRUE(verify_password(given->user.password_hash, "senha-da-bia"));
  auto short_pw = create_user(*store_, "carla@example.com", "curta", PasswordCost::kMinimum);
  ASSERT_FALSE(short_pw);
  EXPECT_EQ(short_pw.error().field, "password");
  auto bad_email = create_user(*store_, "carla", "senha-da-carla", PasswordCost::kMinimum);
  ASSERT_FALSE(bad_email);
  EXPECT_EQ(bad_email.error().field, "email");
  auto taken = create_user(*store_, "BIA@example.com", "senha-da-bia", PasswordCost::kMinimum);
  ASSERT_FALSE(taken);
  EXPECT_EQ(taken.error().code, ErrorCode::kConflict);
}

}  // namespace
}  // namespace sequencial::accounts
