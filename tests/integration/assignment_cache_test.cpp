// Integration test of the bounded assignment cache (issue 7, sticky at
// scale): with --assignment-cache-size 1, only the most recent assignment is
// in memory after a restart; the others are read back from the database on
// the visitor's next click, so every fixed visitor keeps their attendant and
// the rotation does not move.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/fixtures.h"

namespace sequencial::itest {
namespace {

const std::vector<std::string> kPhones = {"5511900000001", "5511900000002", "5511900000003"};

class AssignmentCacheTest : public ServerTest {
 protected:
  void SetUp() override { boot({"--assignment-cache-size", "1"}); }
};

TEST_F(AssignmentCacheTest, EvictedVisitorsKeepTheirAttendant) {
  api().create_link("central", "5511900000000", "Oi loja");
  for (std::size_t i = 0; i < kPhones.size(); ++i) {
    api().create_link("a" + std::to_string(i + 1), kPhones[i], "Oi");
  }
  api().create_central({{"anchor", "central"}, {"members", {"a1", "a2", "a3"}}, {"fixed", true}});

  std::vector<std::string> cookies;
  for (std::size_t v = 0; v < kPhones.size(); ++v) {
    const Response r = click("central");
    ASSERT_EQ(wa_number(r.header_or_empty("Location")), kPhones[v]);
    cookies.push_back(visitor_cookie(r));
  }
  // A graceful stop writes every assignment; the restarted server loads only
  // the newest one (the cache holds 1), so visitors 1 and 2 miss in memory.
  restart();
  EXPECT_EQ(metric(port(), "sequencial_assignments"), 1);
  // Out of rotation order, so that routing them anew would give other numbers.
  for (const std::size_t v : {1, 0, 2, 2, 1, 0}) {
    EXPECT_EQ(click_number("central", {{"Cookie", "sqv=" + cookies[v]}}), kPhones[v]) << v;
  }
  EXPECT_EQ(metric(port(), "sequencial_assignments"), 1);
  EXPECT_EQ(redirects_total(port(), "fixed"), 6);
  // The rotation did not move: the next new visitor gets attendant 1.
  EXPECT_EQ(click_number("central"), kPhones[0]);
}

}  // namespace
}  // namespace sequencial::itest
