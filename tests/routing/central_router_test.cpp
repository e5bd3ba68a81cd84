// Unit tests of a central's routing decision with an injected instant:
// rotation, atendimento fixo, business hours and when_closed.
#include "routing/central_router.h"

#include <gtest/gtest.h>

#include <map>

namespace sequencial::routing {
namespace {

using std::chrono::hours;
using std::chrono::sys_days;

LinkRouteRef route_for(LinkId id, bool active = true) {
  Link link;
  link.id = id;
  link.slug = "l" + std::to_string(id);
  link.phone = "55119999900" + std::to_string(id % 100);
  link.active = active;
  return make_link_route(link);
}

// Mon-Fri 09:00-18:00 in Sao Paulo (UTC-3).
Schedule office_hours() {
  Schedule s;
  s.tz = "America/Sao_Paulo";
  for (int d = 1; d <= 5; ++d) s.week[static_cast<std::size_t>(d)] = {{540, 1080}};
  return s;
}

// 2026-11-25 is a Wednesday. 15:00 UTC = 12:00 local (open), 23:00 UTC = 20:00 (closed).
const Timestamp kWednesdayNoon = sys_days{std::chrono::year{2026} / 11 / 25} + hours(15);
const Timestamp kWednesdayNight = sys_days{std::chrono::year{2026} / 11 / 25} + hours(23);

class CentralRouterTest : public ::testing::Test {
 protected:
  void configure(bool fixed, WhenClosed when_closed, std::vector<std::optional<Schedule>> hours) {
    Central c;
    c.id = 1;
    c.anchor_id = 100;
    c.fixed = fixed;
    c.when_closed = when_closed;
    std::vector<MemberRoute> members;
    for (std::size_t i = 0; i < hours.size(); ++i) {
      const LinkId id = static_cast<LinkId>(i + 1);
      c.members.push_back({id, 1, hours[i]});
      std::optional<BusinessHours> compiled;
      if (hours[i]) compiled = *BusinessHours::compile(*hours[i]);
      members.push_back({route_for(id), 1, std::move(compiled)});
    }
    router.configure(c, route_for(100), std::move(members));
  }
  LinkId serve(Timestamp now, std::optional<LinkId> assigned = std::nullopt,
               Outcome* outcome = nullptr) {
    auto d = router.route(now, assigned);
    if (outcome) *outcome = d.outcome;
    return d.link ? d.link->id() : 0;
  }
  CentralRouter router{1};
};

TEST_F(CentralRouterTest, RotatesInOrder) {
  configure(false, WhenClosed::kAnchor, {std::nullopt, std::nullopt, std::nullopt});
  std::vector<LinkId> got;
  got.reserve(4);
  for (int i = 0; i < 4; ++i) got.push_back(serve(kWednesdayNoon));
  EXPECT_EQ(got, (std::vector<LinkId>{1, 2, 3, 1}));
}

TEST_F(CentralRouterTest, FixedVisitorKeepsAttendantWithoutMovingRotation) {
  configure(true, WhenClosed::kAnchor, {std::nullopt, std::nullopt, std::nullopt});
  Outcome outcome;
  EXPECT_EQ(serve(kWednesdayNoon, std::nullopt, &outcome), 1);
  EXPECT_EQ(outcome, Outcome::kRotation);
  EXPECT_EQ(serve(kWednesdayNoon, LinkId{3}, &outcome), 3);
  EXPECT_EQ(outcome, Outcome::kFixed);
  EXPECT_EQ(serve(kWednesdayNoon), 2);  // the rotation did not move
}

TEST_F(CentralRouterTest, RotationDecisionAsksToAssignOnlyWhenFixed) {
  configure(true, WhenClosed::kAnchor, {std::nullopt});
  EXPECT_TRUE(router.route(kWednesdayNoon, std::nullopt).assign);
  configure(false, WhenClosed::kAnchor, {std::nullopt});
  EXPECT_FALSE(router.route(kWednesdayNoon, std::nullopt).assign);
}

TEST_F(CentralRouterTest, ClosedMemberIsSkippedAndFixedVisitorRerouted) {
  configure(true, WhenClosed::kAnchor, {office_hours(), std::nullopt, std::nullopt});
  std::map<LinkId, int> counts;
  for (int i = 0; i < 10; ++i) ++counts[serve(kWednesdayNight)];
  EXPECT_EQ(counts[1], 0);
  EXPECT_EQ(counts[2], 5);
  EXPECT_EQ(counts[3], 5);
  auto d = router.route(kWednesdayNight, LinkId{1});
  EXPECT_EQ(d.outcome, Outcome::kRotation);
  EXPECT_TRUE(d.assign);
  EXPECT_NE(d.link->id(), 1);
}

TEST_F(CentralRouterTest, MemberReopensWhenTheClockPassesTheEdge) {
  configure(false, WhenClosed::kAnchor, {office_hours(), std::nullopt});
  EXPECT_EQ(serve(kWednesdayNight), 2);
  EXPECT_EQ(serve(kWednesdayNight), 2);
  // Thursday 12:00 UTC = 09:00 local: member 1 opens and takes their place.
  const Timestamp thursday_open = kWednesdayNight + hours(13);
  std::map<LinkId, int> counts;
  for (int i = 0; i < 6; ++i) ++counts[serve(thursday_open)];
  EXPECT_EQ(counts[1], 3);
  EXPECT_EQ(counts[2], 3);
}

TEST_F(CentralRouterTest, NobodyAvailableModes) {
  Outcome outcome;
  configure(false, WhenClosed::kAnchor, {office_hours(), office_hours()});
  EXPECT_EQ(serve(kWednesdayNight, std::nullopt, &outcome), 100);
  EXPECT_EQ(outcome, Outcome::kClosedAnchor);

  configure(false, WhenClosed::kPage, {office_hours(), office_hours()});
  EXPECT_EQ(serve(kWednesdayNight, std::nullopt, &outcome), 0);
  EXPECT_EQ(outcome, Outcome::kClosedPage);

  configure(false, WhenClosed::kIgnoreHours, {office_hours(), office_hours()});
  const LinkId first = serve(kWednesdayNight, std::nullopt, &outcome);
  EXPECT_EQ(outcome, Outcome::kIgnoreHours);
  EXPECT_NE(serve(kWednesdayNight), first);
}

TEST_F(CentralRouterTest, PausedMemberIsSkipped) {
  Central c;
  c.id = 1;
  c.anchor_id = 100;
  c.members = {{1, 1, std::nullopt}, {2, 1, std::nullopt}};
  router.configure(c, route_for(100), {{route_for(1, false), 1, {}}, {route_for(2), 1, {}}});
  EXPECT_EQ(serve(kWednesdayNoon), 2);
  EXPECT_EQ(serve(kWednesdayNoon), 2);
}

TEST_F(CentralRouterTest, ReconfigureKeepsPlaceOfMembersWhoStay) {
  configure(false, WhenClosed::kAnchor, {std::nullopt, std::nullopt, std::nullopt});
  EXPECT_EQ(serve(kWednesdayNoon), 1);  // next would be 2
  configure(false, WhenClosed::kAnchor, {std::nullopt, std::nullopt, std::nullopt});
  EXPECT_EQ(serve(kWednesdayNoon), 2);
  EXPECT_TRUE(router.take_dirty_cursor().has_value());
  EXPECT_FALSE(router.take_dirty_cursor().has_value());
}

TEST_F(CentralRouterTest, MemberStatesAndNextOpening) {
  configure(false, WhenClosed::kPage, {office_hours(), std::nullopt});
  const auto states = router.member_states(kWednesdayNight);
  ASSERT_EQ(states.size(), 2u);
  EXPECT_FALSE(states[0].open);
  EXPECT_EQ(states[0].next_change, kWednesdayNight + hours(13));
  EXPECT_TRUE(states[1].open);
  EXPECT_EQ(states[1].next_change, Timestamp::max());
}

TEST_F(CentralRouterTest, TicketsChooseAmongOpenMembers) {
  configure(false, WhenClosed::kAnchor, {office_hours(), std::nullopt, std::nullopt});
  std::map<LinkId, int> counts;
  for (std::uint64_t t = 0; t < 300; ++t) {
    ASSERT_TRUE(router.rotates(kWednesdayNight, std::nullopt));
    ++counts[router.route(kWednesdayNight, std::nullopt, t).link->id()];
  }
  EXPECT_EQ(counts[1], 0);  // closed at night
  EXPECT_EQ(counts[2], 150);
  EXPECT_EQ(counts[3], 150);
  counts.clear();
  const Timestamp thursday_noon = kWednesdayNoon + hours(24);  // the router's time moves forward
  for (std::uint64_t t = 300; t < 600; ++t) {
    ++counts[router.route(thursday_noon, std::nullopt, t).link->id()];
  }
  EXPECT_EQ(counts[1], 100);
  EXPECT_EQ(counts[2], 100);
  EXPECT_EQ(counts[3], 100);
  EXPECT_TRUE(router.take_dirty_cursor().has_value());
}

TEST_F(CentralRouterTest, RotatesIsFalseForAKeptVisitorOrWhenNobodyCanBeServed) {
  configure(true, WhenClosed::kAnchor, {office_hours(), std::nullopt});
  EXPECT_FALSE(router.rotates(kWednesdayNoon, LinkId{1}));  // kept
  EXPECT_TRUE(router.rotates(kWednesdayNight, LinkId{1}));  // their attendant closed
  EXPECT_TRUE(router.rotates(kWednesdayNoon, std::nullopt));
  Outcome outcome;
  EXPECT_EQ(serve(kWednesdayNoon, LinkId{2}, &outcome), 2);
  EXPECT_EQ(outcome, Outcome::kFixed);

  configure(false, WhenClosed::kAnchor, {office_hours()});
  EXPECT_FALSE(router.rotates(kWednesdayNight, std::nullopt));
  configure(false, WhenClosed::kIgnoreHours, {office_hours()});
  EXPECT_TRUE(router.rotates(kWednesdayNight, std::nullopt));
  const auto d = router.route(kWednesdayNight, std::nullopt, std::uint64_t{41});
  EXPECT_EQ(d.outcome, Outcome::kIgnoreHours);
  EXPECT_EQ(d.link->id(), 1);
}

}  // namespace
}  // namespace sequencial::routing
