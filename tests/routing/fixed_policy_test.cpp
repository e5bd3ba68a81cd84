// The atendimento-fixo policy (docs/PRODUCT.md, rule 3) as pure decisions: when a click
// remembers, writes behind or claims an assignment, and who wins a claim.
#include "routing/fixed_policy.h"

#include <gtest/gtest.h>

namespace sequencial::routing {
namespace {

using std::chrono::hours;
using std::chrono::sys_days;

const Timestamp kNow = sys_days{std::chrono::year{2026} / 11 / 25} + hours(15);
const VisitorId kVisitor{7, 8};

LinkRouteRef route_for(LinkId id) {
  Link link;
  link.id = id;
  link.slug = "l" + std::to_string(id);
  link.phone = "55119999900" + std::to_string(id % 100);
  return make_link_route(link);
}

// Members 1, 2, 3, always open except those listed closed (paused).
void configure(CentralRouter& router, bool fixed, std::vector<LinkId> paused = {}) {
  Central c;
  c.id = 1;
  c.anchor_id = 100;
  c.fixed = fixed;
  std::vector<MemberRoute> members;
  for (LinkId id = 1; id <= 3; ++id) {
    c.members.push_back({id, 1, std::nullopt});
    auto route = route_for(id);
    if (std::find(paused.begin(), paused.end(), id) != paused.end()) {
      Link link = route->link();
      link.active = false;
      route = make_link_route(link);
    }
    members.push_back({route, 1, std::nullopt});
  }
  router.configure(c, route_for(100), std::move(members));
}

TEST(FixedPolicyTest, ANewVisitorIsAssignedAndWrittenBehindWithoutAClaim) {
  CentralRouter router(1);
  configure(router, true);
  const auto plan = plan_click(router, kNow, kVisitor, std::nullopt, std::nullopt, false);
  ASSERT_TRUE(plan.remember.has_value());
  EXPECT_EQ(plan.decision.outcome, Outcome::kRotation);
  EXPECT_TRUE(plan.assigned);
  EXPECT_TRUE(plan.persist);
  EXPECT_FALSE(plan.claim);
  EXPECT_EQ(plan.remember->link_id, plan.decision.link->id());
  EXPECT_EQ(plan.remember->last_seen, kNow);
}

TEST(FixedPolicyTest, AReturningVisitorUnknownToEveryNodeIsClaimedFirst) {
  CentralRouter router(1);
  configure(router, true);
  const auto plan = plan_click(router, kNow, kVisitor, std::nullopt, 5, true);
  EXPECT_TRUE(plan.claim);
  EXPECT_FALSE(plan.persist);
  // Ticket 5 of three open members serves the third slot.
  EXPECT_EQ(plan.decision.link->id(), 3);
}

TEST(FixedPolicyTest, AKeptVisitorStaysWithoutAWriteUntilTheTouchInterval) {
  CentralRouter router(1);
  configure(router, true);
  const AssignmentTable::Found kept{2, kNow - hours(1)};
  auto plan = plan_click(router, kNow, kVisitor, kept, std::nullopt, false);
  EXPECT_EQ(plan.decision.outcome, Outcome::kFixed);
  EXPECT_EQ(plan.decision.link->id(), 2);
  EXPECT_FALSE(plan.remember.has_value());
  EXPECT_EQ(router.cursor(), 0u);  // a returning visitor does not move the rotation

  const AssignmentTable::Found old{2, kNow - kTouchInterval};
  plan = plan_click(router, kNow, kVisitor, old, std::nullopt, true);
  ASSERT_TRUE(plan.remember.has_value());
  EXPECT_TRUE(plan.persist);
  EXPECT_FALSE(plan.claim);  // a touch is never claimed
  EXPECT_FALSE(plan.assigned);
  EXPECT_EQ(plan.remember->last_seen, kNow);
}

TEST(FixedPolicyTest, AVisitorWhoseAttendantIsClosedIsReassignedWithoutAClaim) {
  CentralRouter router(1);
  configure(router, true, {2});
  const AssignmentTable::Found kept{2, kNow - hours(1)};
  const auto plan = plan_click(router, kNow, kVisitor, kept, std::nullopt, true);
  EXPECT_EQ(plan.decision.outcome, Outcome::kRotation);
  EXPECT_NE(plan.decision.link->id(), 2);
  EXPECT_TRUE(plan.assigned);
  EXPECT_TRUE(plan.persist);
  EXPECT_FALSE(plan.claim);
}

TEST(FixedPolicyTest, AnotherNodesOpenChoiceWinsTheClaim) {
  CentralRouter router(1);
  configure(router, true);
  auto plan = plan_click(router, kNow, kVisitor, std::nullopt, 0, true);
  ASSERT_EQ(plan.decision.link->id(), 1);
  const Assignment theirs{1, kVisitor, 3, kNow};
  plan = settle_claim(router, kNow, plan, theirs);
  EXPECT_EQ(plan.decision.link->id(), 3);
  EXPECT_EQ(plan.decision.outcome, Outcome::kFixed);
  EXPECT_EQ(plan.remember->link_id, 3);
  EXPECT_FALSE(plan.persist);  // the database holds it already
  EXPECT_FALSE(plan.claim);
}

TEST(FixedPolicyTest, AClosedWinnerLosesToOurChoiceWhichIsWritten) {
  CentralRouter router(1);
  configure(router, true, {3});
  auto plan = plan_click(router, kNow, kVisitor, std::nullopt, 0, true);
  const LinkId ours = plan.decision.link->id();
  plan = settle_claim(router, kNow, plan, Assignment{1, kVisitor, 3, kNow});
  EXPECT_EQ(plan.decision.link->id(), ours);
  EXPECT_EQ(plan.remember->link_id, ours);
  EXPECT_TRUE(plan.persist);
}

TEST(FixedPolicyTest, AClaimNobodyAnsweredIsWrittenBehind) {
  CentralRouter router(1);
  configure(router, true);
  auto plan = plan_click(router, kNow, kVisitor, std::nullopt, std::nullopt, true);
  ASSERT_TRUE(plan.claim);
  plan = settle_claim(router, kNow, plan, std::nullopt);
  EXPECT_FALSE(plan.claim);
  EXPECT_TRUE(plan.persist);
}

TEST(FixedPolicyTest, ACentralWithoutAtendimentoFixoRemembersNothing) {
  CentralRouter router(1);
  configure(router, false);
  const auto plan = plan_click(router, kNow, kVisitor, std::nullopt, std::nullopt, true);
  EXPECT_EQ(plan.decision.outcome, Outcome::kRotation);
  EXPECT_FALSE(plan.remember.has_value());
  EXPECT_FALSE(plan.claim);
}

}  // namespace
}  // namespace sequencial::routing
