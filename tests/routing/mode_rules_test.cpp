// Unit tests of the Geolocalizado and Seletivo decisions (routing/mode_rules.h)
// and of a central router in those modes, with an injected instant.
#include "routing/mode_rules.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "routing/central_router.h"

namespace sequencial::routing {
namespace {

GeoLocation place(std::string_view country, std::string_view subdivision = {},
                  std::string_view city = {}) {
  GeoLocation where;
  where.set_country(country);
  where.set_subdivision(subdivision);
  where.set_city(city);
  return where;
}

std::vector<GeoRule> rules(std::initializer_list<std::string_view> regions) {
  std::vector<GeoRule> out;
  for (const auto region : regions) out.push_back(*compile_region(region));
  return out;
}

TEST(GeoRules, RegionsCompileToTheirLevel) {
  auto country = compile_region("BR");
  ASSERT_TRUE(country);
  EXPECT_EQ(country->country, "BR");
  EXPECT_EQ(country->specificity(), 1);
  auto state = compile_region("BR-SP");
  ASSERT_TRUE(state);
  EXPECT_EQ(state->subdivision, "SP");
  EXPECT_EQ(state->specificity(), 2);
  auto city = compile_region("BR-SP/São Paulo");
  ASSERT_TRUE(city);
  EXPECT_EQ(city->city, "sao paulo");
  EXPECT_EQ(city->specificity(), 3);
  auto city_in_country = compile_region("PT/Lisboa");
  ASSERT_TRUE(city_in_country);
  EXPECT_TRUE(city_in_country->subdivision.empty());
  EXPECT_EQ(city_in_country->specificity(), 3);
  EXPECT_FALSE(compile_region("B"));
  EXPECT_FALSE(compile_region("BRSP"));
  EXPECT_FALSE(compile_region("BR-SP/"));
}

TEST(GeoRules, PlaceNamesIgnoreCaseAndAccents) {
  EXPECT_EQ(fold_place_name("São Paulo"), "sao paulo");
  EXPECT_EQ(fold_place_name("SÃO PAULO"), "sao paulo");
  EXPECT_EQ(fold_place_name("Ribeirão Preto"), "ribeirao preto");
  EXPECT_EQ(fold_place_name("Florianópolis"), "florianopolis");
  EXPECT_EQ(fold_place_name("Açaílândia"), "acailandia");
  EXPECT_EQ(fold_place_name("Zürich"), "zurich");
  EXPECT_EQ(fold_place_name("München"), "munchen");
  EXPECT_EQ(fold_place_name("東京"), "東京");  // other scripts are kept
}

TEST(GeoRules, TheMostSpecificOpenMemberWins) {
  // 0 serves the state, 1 a city in it, 2 the country, 3 another country.
  const std::vector<std::vector<GeoRule>> members = {rules({"BR-SP"}), rules({"BR-SP/Campinas"}),
                                                     rules({"BR"}), rules({"PT"})};
  const std::vector<bool> all_open(4, true);
  EXPECT_EQ(geo_member(place("BR", "SP", "Campinas"), members, all_open), 1u);
  EXPECT_EQ(geo_member(place("BR", "SP", "CAMPINAS"), members, all_open), 1u);
  EXPECT_EQ(geo_member(place("BR", "SP", "Santos"), members, all_open), 0u);
  EXPECT_EQ(geo_member(place("BR", "RJ", "Rio de Janeiro"), members, all_open), 2u);
  EXPECT_EQ(geo_member(place("BR"), members, all_open), 2u);
  EXPECT_EQ(geo_member(place("pt"), members, all_open), 3u);
  EXPECT_EQ(geo_member(place("US", "CA", "Campinas"), members, all_open), std::nullopt);
  EXPECT_EQ(geo_member(GeoLocation{}, members, all_open), std::nullopt);
}

TEST(GeoRules, AClosedOrPausedMatchIsSkippedForTheNextMatch) {
  const std::vector<std::vector<GeoRule>> members = {rules({"BR-SP"}), rules({"BR-SP/Campinas"}),
                                                     rules({"BR"})};
  const GeoLocation campinas = place("BR", "SP", "Campinas");
  EXPECT_EQ(geo_member(campinas, members, {true, false, true}), 0u);
  EXPECT_EQ(geo_member(campinas, members, {false, false, true}), 2u);
  EXPECT_EQ(geo_member(campinas, members, {false, false, false}), std::nullopt);
}

TEST(GeoRules, TiesGoToTheEarlierMember) {
  const std::vector<std::vector<GeoRule>> members = {rules({"PT", "BR"}), rules({"BR"})};
  EXPECT_EQ(geo_member(place("BR"), members, {true, true}), 0u);
  EXPECT_EQ(geo_member(place("BR"), members, {false, true}), 1u);
}

TEST(GeoRules, LocationKeysForReports) {
  const GeoLocation full = place("br", "sp", "Campinas");
  EXPECT_EQ(full.country_key(), "BR");
  EXPECT_EQ(full.region_key(), "BR-SP");
  EXPECT_EQ(full.city_key(), "BR-SP/Campinas");
  const GeoLocation country_only = place("PT");
  EXPECT_EQ(country_only.region_key(), "(unknown)");
  EXPECT_EQ(country_only.city_key(), "(unknown)");
  EXPECT_EQ(GeoLocation{}.country_key(), "(unknown)");
  GeoLocation long_name;
  long_name.set_country("BR");
  long_name.set_city(std::string(200, 'a') + "ã");
  EXPECT_EQ(long_name.city().size(), GeoLocation::kCityBytes);
  GeoLocation cut;
  cut.set_country("BR");
  cut.set_city(std::string(GeoLocation::kCityBytes - 1, 'a') + "ã");  // never half a character
  EXPECT_EQ(cut.city().size(), GeoLocation::kCityBytes - 1);
}

TEST(Chooser, OpenEntriesInMemberOrderUnlessShuffled) {
  EXPECT_EQ(chooser_entries({true, false, true, true}, false, 7),
            (std::vector<std::size_t>{0, 2, 3}));
  EXPECT_TRUE(chooser_entries({false, false}, true, 7).empty());
  // Shuffled: always a permutation of the open ones; different seeds give
  // different orders.
  std::set<std::vector<std::size_t>> orders;
  for (std::uint64_t seed = 1; seed <= 50; ++seed) {
    auto order =
        chooser_entries({true, true, false, true, true}, true, seed * 0x9E3779B97F4A7C15ULL);
    auto sorted = order;
    std::ranges::sort(sorted);
    EXPECT_EQ(sorted, (std::vector<std::size_t>{0, 1, 3, 4}));
    orders.insert(order);
  }
  EXPECT_GT(orders.size(), 5u);
}

// ---- a CentralRouter in the other modes ----

LinkRouteRef route_for(LinkId id, bool active = true) {
  Link link;
  link.id = id;
  link.slug = "l" + std::to_string(id);
  link.label = id == 2 ? "Maria" : "";
  link.phone = "55119999900" + std::to_string(id % 100);
  link.active = active;
  return make_link_route(link);
}

// Mon-Fri 09:00-18:00 in Sao Paulo (UTC-3). 2026-11-25 is a Wednesday.
Schedule office_hours() {
  Schedule s;
  s.tz = "America/Sao_Paulo";
  for (int d = 1; d <= 5; ++d) s.week[static_cast<std::size_t>(d)] = {{540, 1080}};
  return s;
}
const Timestamp kNoon =
    std::chrono::sys_days{std::chrono::year{2026} / 11 / 25} + std::chrono::hours(15);
const Timestamp kNight =
    std::chrono::sys_days{std::chrono::year{2026} / 11 / 25} + std::chrono::hours(23);

void configure(CentralRouter& router, CentralMode mode, WhenClosed when_closed,
               std::vector<Member> members, std::vector<bool> active = {}) {
  Central c;
  c.id = 1;
  c.anchor_id = 100;
  c.mode = mode;
  c.title = "Com quem?";
  c.when_closed = when_closed;
  c.members = members;
  std::vector<MemberRoute> routes;
  for (std::size_t i = 0; i < members.size(); ++i) {
    std::optional<BusinessHours> hours;
    if (members[i].hours) hours = *BusinessHours::compile(*members[i].hours);
    routes.push_back(
        {route_for(members[i].link_id, active.empty() || active[i]), 1, std::move(hours)});
  }
  router.configure(c, route_for(100), std::move(routes));
}

Member entry(LinkId id, std::string title, std::optional<Schedule> hours = std::nullopt) {
  Member m{id, 1, std::move(hours)};
  m.title = std::move(title);
  m.description = "desc " + std::to_string(id);
  return m;
}

Member serving(LinkId id, std::vector<std::string> regions,
               std::optional<Schedule> hours = std::nullopt) {
  Member m{id, 1, std::move(hours)};
  m.regions = std::move(regions);
  return m;
}

std::vector<LinkId> ids_of(const ChooserView& view) {
  std::vector<LinkId> ids;
  ids.reserve(view.entries.size());
  for (const auto& e : view.entries) ids.push_back(e.link->id());
  return ids;
}

TEST(SeletivoRouter, OffersTheMembersOpenNowWithTheirTexts) {
  CentralRouter router(1);
  configure(router, CentralMode::kSeletivo, WhenClosed::kAnchor,
            {entry(1, "Vendas", office_hours()), entry(2, ""), entry(3, "Suporte")},
            {true, true, false});
  EXPECT_EQ(router.mode(), CentralMode::kSeletivo);
  const ChooserView noon = router.chooser(kNoon, 1);
  EXPECT_EQ(noon.title, "Com quem?");
  EXPECT_EQ(ids_of(noon), (std::vector<LinkId>{1, 2}));  // 3 is paused
  EXPECT_EQ(noon.entries[0].title, "Vendas");
  EXPECT_EQ(noon.entries[0].description, "desc 1");
  EXPECT_EQ(noon.entries[1].title, "Maria");  // no entry title: the link's label
  EXPECT_EQ(ids_of(router.chooser(kNight, 1)), (std::vector<LinkId>{2}));
  EXPECT_TRUE(router.has_member(3));
  EXPECT_FALSE(router.has_member(100));
}

TEST(SeletivoRouter, NobodyOpenFollowsWhenClosed) {
  CentralRouter router(1);
  configure(router, CentralMode::kSeletivo, WhenClosed::kAnchor,
            {entry(1, "A", office_hours()), entry(2, "B", office_hours())});
  ChooserView night = router.chooser(kNight, 1);
  EXPECT_TRUE(night.entries.empty());
  EXPECT_EQ(night.closed, Outcome::kClosedAnchor);
  EXPECT_EQ(night.anchor->id(), 100);

  configure(router, CentralMode::kSeletivo, WhenClosed::kPage,
            {entry(1, "A", office_hours()), entry(2, "B", office_hours())});
  EXPECT_EQ(router.chooser(kNight, 1).closed, Outcome::kClosedPage);

  configure(router, CentralMode::kSeletivo, WhenClosed::kIgnoreHours,
            {entry(1, "A", office_hours()), entry(2, "B", office_hours())}, {true, false});
  EXPECT_EQ(ids_of(router.chooser(kNight, 1)), (std::vector<LinkId>{1}));  // active ones
}

TEST(GeoRouter, RoutesToTheRegionsMemberOrTheMatriz) {
  CentralRouter router(1);
  configure(
      router, CentralMode::kGeo, WhenClosed::kAnchor,
      {serving(1, {"BR-SP"}), serving(2, {"BR-SP/Campinas"}, office_hours()), serving(3, {"PT"})},
      {true, true, false});
  const GeoLocation campinas = place("BR", "SP", "Campinas");
  RouteDecision noon = router.route_geo(kNoon, campinas);
  EXPECT_EQ(noon.outcome, Outcome::kGeo);
  EXPECT_EQ(noon.link->id(), 2);
  // Campinas' member is closed at night: the state's member serves.
  EXPECT_EQ(router.route_geo(kNight, campinas).link->id(), 1);
  // Portugal's member is paused, unknown places and addresses: the matriz.
  for (const GeoLocation& where : {place("PT"), place("US", "CA"), GeoLocation{}}) {
    RouteDecision d = router.route_geo(kNoon, where);
    EXPECT_EQ(d.outcome, Outcome::kGeoMatriz);
    EXPECT_EQ(d.link->id(), 100);
  }
  EXPECT_STREQ(outcome_name(Outcome::kGeo), "geo");
  EXPECT_STREQ(outcome_name(Outcome::kGeoMatriz), "geo_matriz");
  EXPECT_STREQ(outcome_name(Outcome::kChooser), "chooser");
}

}  // namespace
}  // namespace sequencial::routing
