// Integration tests of business hours (issue 4) over real HTTP, on the
// `sequencial-testhooks` server whose clock is a file the test rewrites (never
// the wall clock): members closed now are skipped and the others share the
// clicks exactly; open_now/next_change in GET; each when_closed mode when
// everyone is closed (anchor, the "fora do horário" page in pt-BR and
// English, ignore_hours); a fixed visitor rerouted and reassigned; moving the
// clock across an opening edge; validation errors; DELETE back to 24 hours;
// a Saturday 22:00-02:00 range serving Sunday 01:00 in America/Sao_Paulo;
// a DST zone; and, on the same clock, the retention of fixed assignments.
#include <gtest/gtest.h>

#include "support/fixtures.h"

namespace sequencial::itest {
namespace {

// Instants (unix seconds). America/Sao_Paulo is UTC-3 all year since 2019.
constexpr std::int64_t kWed1200 = 1772636400;       // Wed 2026-03-04 12:00 -03 (15:00Z)
constexpr std::int64_t kWed1300 = 1772640000;       // Wed 2026-03-04 13:00 -03 (16:00Z)
constexpr std::int64_t kWed1800 = 1772658000;       // Wed 2026-03-04 18:00 -03 (21:00Z)
constexpr std::int64_t kSat2159 = 1772931540;       // Sat 2026-03-07 21:59 -03 (Sun 00:59Z)
constexpr std::int64_t kSat2200 = 1772931600;       // Sat 2026-03-07 22:00 -03 (Sun 01:00Z)
constexpr std::int64_t kSun0100 = 1772942400;       // Sun 2026-03-08 01:00 -03 (04:00Z)
constexpr std::int64_t kSun0230 = 1772947800;       // Sun 2026-03-08 02:30 -03 (05:30Z)
constexpr std::int64_t kNextWed1230Z = 1773232200;  // Wed 2026-03-11 12:30Z: 08:30 EDT

constexpr const char* kAnchorPhone = "5511900000000";
constexpr const char* kAnchorLocation = "https://wa.me/5511900000000?text=Oi%20loja";
const std::vector<std::string> kPhones = {"5511900000001", "5511900000002", "5511900000003"};

// A day's ranges as JSON: [["09:00","12:00"], ...]. (Built explicitly: a
// braced list of string pairs would become a JSON object.)
json ranges(std::initializer_list<std::pair<const char*, const char*>> list) {
  json out = json::array();
  for (const auto& [start, end] : list) out.push_back(json::array({start, end}));
  return out;
}

// Open Wednesdays 13:00-18:00 only: closed at kWed1200.
json wednesday_afternoons() {
  return {{"tz", "America/Sao_Paulo"}, {"week", {{"wed", ranges({{"13:00", "18:00"}})}}}};
}

class HoursTest : public ServerTest {
 protected:
  void SetUp() override {
    sandbox_ = std::make_unique<Sandbox>(testhooks_binary());
    sandbox_->set_clock(kWed1200);
    sandbox_->token();
    start();
    api().create_link("central", kAnchorPhone, "Oi loja", "Loja");
    for (std::size_t i = 0; i < kPhones.size(); ++i) {
      api().create_link("a" + std::to_string(i + 1), kPhones[i], "Oi a" + std::to_string(i + 1));
    }
  }

  long create_central(const json& members, bool fixed = false, const std::string& when = "anchor") {
    const json c = api().create_central(
        {{"anchor", "central"}, {"members", members}, {"fixed", fixed}, {"when_closed", when}});
    id_ = c["id"].get<long>();
    return id_;
  }
  std::string central_path() const { return "/api/v1/centrals/" + std::to_string(id_); }
  ApiResponse put_hours(const std::string& slug, const json& hours) {
    return api().put(central_path() + "/members/" + slug + "/hours", hours);
  }
  void must_put_hours(const std::string& slug, const json& hours) {
    const ApiResponse r = put_hours(slug, hours);
    ASSERT_EQ(r.status, 200) << r.raw.body;
  }
  json member(const std::string& slug) {
    const ApiResponse r = api().get(central_path());
    for (const auto& m : r.body["members"]) {
      if (m["link"] == slug) return m;
    }
    ADD_FAILURE() << "no member " << slug << " in " << r.raw.body;
    return json::object();
  }
  void set_clock(std::int64_t t) { sandbox_->set_clock(t); }

  long id_ = 0;
};

TEST_F(HoursTest, OneClosedMemberIsSkippedAndRejoinsWhenTheClockPassesItsOpening) {
  create_central({"a1", "a2", "a3"});
  const ApiResponse r = put_hours("a1", wednesday_afternoons());
  ASSERT_EQ(r.status, 200) << r.raw.body;
  // The answer is the central, with the schedule normalised (every weekday).
  const json& m1 = r.body["members"][0];
  EXPECT_EQ(m1["link"], "a1");
  EXPECT_EQ(m1["hours"]["tz"], "America/Sao_Paulo");
  EXPECT_EQ(m1["hours"]["week"]["wed"], ranges({{"13:00", "18:00"}}));
  EXPECT_EQ(m1["hours"]["week"]["mon"], json::array());
  EXPECT_EQ(m1["hours"]["exceptions"], json::array());
  EXPECT_EQ(m1["open_now"], false);
  EXPECT_EQ(m1["next_change"], "2026-03-04T16:00:00Z");
  EXPECT_EQ(r.body["members"][1]["open_now"], true);
  EXPECT_TRUE(r.body["members"][1]["next_change"].is_null());
  EXPECT_TRUE(r.body["members"][1]["hours"].is_null());

  // a1 closed: a2 and a3 share 100 concurrent clicks exactly.
  auto counts = tally(concurrent_clicks(port(), "central", 10, 10));
  EXPECT_EQ(counts.size(), 2u);
  EXPECT_EQ(counts[kPhones[1]], 50);
  EXPECT_EQ(counts[kPhones[2]], 50);

  // 13:00: a1 opens and takes its turns again.
  set_clock(kWed1300);
  json m = member("a1");
  EXPECT_EQ(m["open_now"], true);
  EXPECT_EQ(m["next_change"], "2026-03-04T21:00:00Z");
  counts = tally(concurrent_clicks(port(), "central", 10, 3));
  EXPECT_EQ(counts[kPhones[0]], 10);
  EXPECT_EQ(counts[kPhones[1]], 10);
  EXPECT_EQ(counts[kPhones[2]], 10);

  // 18:00: closed again until next Wednesday 13:00.
  set_clock(kWed1800);
  m = member("a1");
  EXPECT_EQ(m["open_now"], false);
  EXPECT_EQ(m["next_change"], "2026-03-11T16:00:00Z");
  counts = tally(concurrent_clicks(port(), "central", 5, 2));
  EXPECT_EQ(counts.count(kPhones[0]), 0u);
  EXPECT_EQ(counts[kPhones[1]], 5);
  EXPECT_EQ(counts[kPhones[2]], 5);
}

TEST_F(HoursTest, AllClosedGoesToTheAnchorByDefault) {
  create_central({"a1", "a2", "a3"});
  for (const char* slug : {"a1", "a2", "a3"}) must_put_hours(slug, wednesday_afternoons());
  for (int i = 0; i < 3; ++i) {
    const Response r = click("central");
    EXPECT_EQ(r.status, 302);
    EXPECT_EQ(r.header_or_empty("Location"), kAnchorLocation);
    EXPECT_EQ(r.header_or_empty("Cache-Control"), "no-store");
  }
  EXPECT_EQ(redirects_total(port(), "closed_anchor"), 3);
  EXPECT_EQ(redirects_total(port(), "rotation"), 0);
}

TEST_F(HoursTest, AllClosedShowsTheClosedPageInPortugueseAndEnglish) {
  create_central({"a1", "a2", "a3"}, false, "page");
  for (const char* slug : {"a1", "a2", "a3"}) must_put_hours(slug, wednesday_afternoons());

  Response r = click("central");
  EXPECT_EQ(r.status, 200);
  EXPECT_FALSE(r.header("Location").has_value());
  EXPECT_NE(r.header_or_empty("Content-Type").find("text/html"), std::string::npos);
  EXPECT_EQ(r.header_or_empty("Cache-Control"), "no-store");
  EXPECT_NE(r.body.find("Estamos fora do horário de atendimento"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("Enviar mensagem mesmo assim"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find(std::string("href=\"") + kAnchorLocation + "\""), std::string::npos)
      << r.body;
  EXPECT_NE(r.body.find("13:00"), std::string::npos) << "hours listed: " << r.body;
  // The next opening: Wednesday 4 March, 13:00 in São Paulo, which is today.
  EXPECT_NE(r.body.find("Voltamos a atender <strong id=\"next-opening\">hoje às 13:00"),
            std::string::npos)
      << "next opening: " << r.body;
  // The shop's name from Configurações, weeks starting on Monday.
  EXPECT_LT(r.body.find("Segunda"), r.body.find("Domingo"));
  ASSERT_EQ(
      api().patch("/api/v1/settings", {{"shop_name", "Loja da Ana"}, {"week_start", "sun"}}).status,
      200);
  r = click("central");
  EXPECT_NE(r.body.find("Loja da Ana"), std::string::npos) << r.body;
  EXPECT_LT(r.body.find("Domingo"), r.body.find("Segunda"));

  r = click("central", {{"Accept-Language", "en-US,en;q=0.9,pt;q=0.5"}});
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("We are outside our service hours"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find(kAnchorLocation), std::string::npos) << r.body;
  EXPECT_EQ(r.body.find("Estamos fora"), std::string::npos);

  r = click("central", {{"Accept-Language", "pt-BR,pt;q=0.9,en;q=0.8"}});
  EXPECT_NE(r.body.find("Estamos fora do horário de atendimento"), std::string::npos);
  EXPECT_EQ(redirects_total(port(), "closed_page"), 4);

  // Once someone opens, clicks redirect again.
  set_clock(kWed1300);
  EXPECT_EQ(click("central").status, 302);
}

TEST_F(HoursTest, AllClosedWithIgnoreHoursRotatesOverEveryone) {
  create_central({"a1", "a2", "a3"}, false, "ignore_hours");
  for (const char* slug : {"a1", "a2", "a3"}) must_put_hours(slug, wednesday_afternoons());
  const auto counts = tally(concurrent_clicks(port(), "central", 10, 3));
  EXPECT_EQ(counts.size(), 3u);
  EXPECT_EQ(counts.at(kPhones[0]), 10);
  EXPECT_EQ(counts.at(kPhones[1]), 10);
  EXPECT_EQ(counts.at(kPhones[2]), 10);
  EXPECT_EQ(redirects_total(port(), "ignore_hours"), 30);
}

TEST_F(HoursTest, WhenClosedCanBeSwitchedLive) {
  create_central({"a1", "a2"});
  for (const char* slug : {"a1", "a2"}) must_put_hours(slug, wednesday_afternoons());
  EXPECT_EQ(click("central").header_or_empty("Location"), kAnchorLocation);
  ASSERT_EQ(api().patch(central_path(), {{"when_closed", "page"}}).status, 200);
  EXPECT_EQ(click("central").status, 200);
  ASSERT_EQ(api().patch(central_path(), {{"when_closed", "ignore_hours"}}).status, 200);
  const std::string number = click_number("central");
  EXPECT_TRUE(number == kPhones[0] || number == kPhones[1]) << number;
  ASSERT_EQ(api().patch(central_path(), {{"when_closed", "anchor"}}).status, 200);
  EXPECT_EQ(click("central").header_or_empty("Location"), kAnchorLocation);
}

TEST_F(HoursTest, FixedVisitorWhoseAttendantClosedIsReroutedAndReassigned) {
  create_central({"a1", "a2", "a3"}, /*fixed=*/true);
  const Response first = click("central");
  const Response second = click("central");
  ASSERT_EQ(wa_number(first.header_or_empty("Location")), kPhones[0]);
  ASSERT_EQ(wa_number(second.header_or_empty("Location")), kPhones[1]);
  const Headers v1 = {{"Cookie", "sqv=" + visitor_cookie(first)}};
  const Headers v2 = {{"Cookie", "sqv=" + visitor_cookie(second)}};

  must_put_hours("a1", wednesday_afternoons());        // a1 closes
  EXPECT_EQ(click_number("central", v1), kPhones[2]);  // next by rotation
  EXPECT_EQ(click_number("central", v1), kPhones[2]);  // and now theirs
  EXPECT_EQ(click_number("central", v2), kPhones[1]);

  set_clock(kWed1300);  // a1 reopens: the visitor stays with a3
  EXPECT_EQ(click_number("central", v1), kPhones[2]);
  EXPECT_EQ(click_number("central", v2), kPhones[1]);
  // The rotation moved only for routed clicks: a1 is next.
  EXPECT_EQ(click_number("central"), kPhones[0]);
  EXPECT_EQ(redirects_total(port(), "fixed"), 4);
  EXPECT_EQ(redirects_total(port(), "rotation"), 4);

  // The reassignment survives a restart.
  restart();
  EXPECT_EQ(click_number("central", v1), kPhones[2]);
}

TEST_F(HoursTest, ExceptionsCloseAHolidayAndSetSpecialHours) {
  create_central({"a1", "a2"});
  const json all_week = ranges({{"00:00", "24:00"}});
  json holiday = {{"tz", "America/Sao_Paulo"},
                  {"week",
                   {{"sun", all_week},
                    {"mon", all_week},
                    {"tue", all_week},
                    {"wed", all_week},
                    {"thu", all_week},
                    {"fri", all_week},
                    {"sat", all_week}}},
                  {"exceptions", {{{"date", "2026-03-04"}, {"ranges", json::array()}}}}};
  must_put_hours("a1", holiday);
  EXPECT_EQ(member("a1")["open_now"], false);
  EXPECT_EQ(member("a1")["next_change"], "2026-03-05T03:00:00Z");  // Thu 00:00 -03
  EXPECT_EQ(tally({click_number("central"), click_number("central")}).at(kPhones[1]), 2);

  holiday["exceptions"] = {{{"date", "2026-03-04"}, {"ranges", ranges({{"11:00", "12:30"}})}}};
  must_put_hours("a1", holiday);
  EXPECT_EQ(member("a1")["open_now"], true);
  EXPECT_EQ(member("a1")["next_change"], "2026-03-04T15:30:00Z");
  EXPECT_EQ(tally({click_number("central"), click_number("central")}).size(), 2u);
}

TEST_F(HoursTest, ValidationErrorsNameTheField) {
  create_central({"a1", "a2"});
  const auto expect_error = [&](const json& hours, const std::string& field,
                                bool prefix_only = false) {
    const ApiResponse r = put_hours("a1", hours);
    EXPECT_EQ(r.status, 400) << hours.dump() << " -> " << r.raw.body;
    ASSERT_TRUE(r.body.is_object()) << r.raw.body;
    EXPECT_TRUE(r.body["error"]["message"].is_string()) << r.raw.body;
    const std::string got = r.body["error"].value("field", std::string("<missing>"));
    if (prefix_only) {
      EXPECT_TRUE(got.starts_with(field)) << got << " for " << hours.dump();
    } else {
      EXPECT_EQ(got, field) << hours.dump();
    }
  };
  expect_error({{"week", {{"mon", ranges({{"9:00", "12:00"}})}}}}, "week.mon[0]");
  expect_error({{"week", {{"mon", ranges({{"09:00", "12:00"}, {"13:00", "25:00"}})}}}},
               "week.mon[1]");
  expect_error({{"week", {{"tue", ranges({{"24:00", "02:00"}})}}}}, "week.tue[0]");
  expect_error({{"week", {{"tue", ranges({{"10:00", "10:00"}})}}}}, "week.tue[0]");
  expect_error({{"week", {{"mon", ranges({{"09:00", "12:00"}, {"11:00", "13:00"}})}}}}, "week.mon",
               true);
  expect_error({{"week", {{"mon", json::array({"09:00", "12:00"})}}}}, "week.mon[0]");
  expect_error({{"week", {{"funday", ranges({{"09:00", "12:00"}})}}}}, "week.funday");
  expect_error({{"tz", "Mars/Olympus_Mons"}, {"week", {{"mon", ranges({{"09:00", "12:00"}})}}}},
               "tz");
  expect_error({{"exceptions", {{{"date", "2026-02-30"}, {"ranges", json::array()}}}}},
               "exceptions[0].date");
  expect_error({{"exceptions", {{{"date", "25/12/2026"}}}}}, "exceptions[0].date");
  expect_error({{"exceptions",
                 {{{"date", "2026-12-25"}, {"ranges", json::array()}},
                  {{"date", "2026-12-25"}, {"ranges", ranges({{"09:00", "12:00"}})}}}}},
               "exceptions", true);
  json nine = json::array();
  for (int h = 0; h < 9; ++h) {
    nine.push_back(json::array({std::to_string(10 + h) + ":00", std::to_string(10 + h) + ":30"}));
  }
  expect_error({{"week", {{"fri", nine}}}}, "week.fri", true);
  const ApiResponse not_json = api().call_raw("PUT", central_path() + "/members/a1/hours", "{");
  EXPECT_EQ(not_json.status, 400);

  // Unknown member or central: 404.
  EXPECT_EQ(put_hours("a3", wednesday_afternoons()).status, 404);
  EXPECT_EQ(put_hours("ghost", wednesday_afternoons()).status, 404);
  EXPECT_EQ(api().put("/api/v1/centrals/999/members/a1/hours", wednesday_afternoons()).status, 404);
  // Nothing was stored.
  EXPECT_TRUE(member("a1")["hours"].is_null());
  EXPECT_EQ(member("a1")["open_now"], true);
  // A zone with DST and the configured default (no "tz") are accepted.
  json ny = wednesday_afternoons();
  ny["tz"] = "America/New_York";
  EXPECT_EQ(put_hours("a1", ny).status, 200);
  EXPECT_EQ(put_hours("a1", {{"week", {{"wed", ranges({{"13:00", "18:00"}})}}}}).status, 200);
  EXPECT_EQ(member("a1")["hours"]["tz"], "America/Sao_Paulo");
}

TEST_F(HoursTest, DeletingHoursMakesTheMemberAvailableAllDay) {
  create_central({"a1", "a2", "a3"});
  must_put_hours("a1", wednesday_afternoons());
  EXPECT_EQ(tally({click_number("central"), click_number("central")}).count(kPhones[0]), 0u);

  const ApiResponse r = api().del(central_path() + "/members/a1/hours");
  ASSERT_EQ(r.status, 200) << r.raw.body;
  const json m = member("a1");
  EXPECT_TRUE(m["hours"].is_null());
  EXPECT_EQ(m["open_now"], true);
  EXPECT_TRUE(m["next_change"].is_null());
  const auto counts = tally(concurrent_clicks(port(), "central", 3, 10));
  EXPECT_EQ(counts.at(kPhones[0]), 10);
  EXPECT_EQ(counts.at(kPhones[1]), 10);
  EXPECT_EQ(counts.at(kPhones[2]), 10);
}

TEST_F(HoursTest, HoursSurviveARestart) {
  create_central({"a1", "a2"});
  must_put_hours("a1", wednesday_afternoons());
  restart();
  const json m = member("a1");
  EXPECT_EQ(m["hours"]["week"]["wed"], ranges({{"13:00", "18:00"}}));
  EXPECT_EQ(m["open_now"], false);
  EXPECT_EQ(tally({click_number("central"), click_number("central")}).at(kPhones[1]), 2);
}

TEST_F(HoursTest, SaturdayNightRangeServesSundayOneAm) {
  create_central({"a1"});
  set_clock(kSat2159);
  must_put_hours("a1",
                 {{"tz", "America/Sao_Paulo"}, {"week", {{"sat", ranges({{"22:00", "02:00"}})}}}});
  json m = member("a1");
  EXPECT_EQ(m["open_now"], false);
  EXPECT_EQ(m["next_change"], "2026-03-08T01:00:00Z");
  EXPECT_EQ(click("central").header_or_empty("Location"), kAnchorLocation);

  set_clock(kSat2200);
  EXPECT_EQ(click_number("central"), kPhones[0]);

  set_clock(kSun0100);  // Sunday 01:00 in São Paulo, 04:00 UTC
  m = member("a1");
  EXPECT_EQ(m["open_now"], true);
  EXPECT_EQ(m["next_change"], "2026-03-08T05:00:00Z");
  EXPECT_EQ(click_number("central"), kPhones[0]);

  set_clock(kSun0230);
  EXPECT_EQ(member("a1")["open_now"], false);
  EXPECT_EQ(click("central").header_or_empty("Location"), kAnchorLocation);
}

TEST_F(HoursTest, MembersWhoStayKeepTheirHoursAcrossAMembershipChange) {
  create_central({"a1", "a2"});
  // Members are named by slug or by link id.
  must_put_hours(std::to_string(link_id("a1")), wednesday_afternoons());
  EXPECT_EQ(member("a1")["open_now"], false);
  const ApiResponse r = api().patch(central_path(), {{"members", {"a3", "a2", "a1"}}});
  ASSERT_EQ(r.status, 200) << r.raw.body;
  const json m = member("a1");
  EXPECT_EQ(m["hours"]["week"]["wed"], ranges({{"13:00", "18:00"}}));
  EXPECT_EQ(m["open_now"], false);
  const auto counts = tally(concurrent_clicks(port(), "central", 2, 5));
  EXPECT_EQ(counts.count(kPhones[0]), 0u);
  EXPECT_EQ(counts.at(kPhones[1]), 5);
  EXPECT_EQ(counts.at(kPhones[2]), 5);
}

TEST_F(HoursTest, ZonesWithDaylightSavingUseTheOffsetOfTheDay) {
  create_central({"a1", "a2"});
  const json weekdays = ranges({{"09:00", "17:00"}});
  must_put_hours("a1", {{"tz", "America/New_York"},
                        {"week",
                         {{"mon", weekdays},
                          {"tue", weekdays},
                          {"wed", weekdays},
                          {"thu", weekdays},
                          {"fri", weekdays}}}});
  // Wed 4 March: 10:00 EST (UTC-5), open until 17:00 EST.
  json m = member("a1");
  EXPECT_EQ(m["open_now"], true);
  EXPECT_EQ(m["next_change"], "2026-03-04T22:00:00Z");
  // Wed 11 March, after the switch to EDT (UTC-4): 08:30, opens at 09:00 EDT.
  set_clock(kNextWed1230Z);
  m = member("a1");
  EXPECT_EQ(m["open_now"], false);
  EXPECT_EQ(m["next_change"], "2026-03-11T13:00:00Z");
  EXPECT_EQ(click_number("central"), kPhones[1]);
  EXPECT_EQ(click_number("central"), kPhones[1]);
}

// Atendimento fixo retention (default 180 days after the visitor's last
// click), on the same injectable clock.
TEST_F(HoursTest, FixedAssignmentsExpireAfterTheRetentionSinceTheLastClick) {
  create_central({"a1", "a2", "a3"}, /*fixed=*/true);
  const Response first = click("central");
  const Response second = click("central");
  ASSERT_EQ(wa_number(first.header_or_empty("Location")), kPhones[0]);
  ASSERT_EQ(wa_number(second.header_or_empty("Location")), kPhones[1]);
  const Headers v = {{"Cookie", "sqv=" + visitor_cookie(first)}};
  const Headers w = {{"Cookie", "sqv=" + visitor_cookie(second)}};

  constexpr std::int64_t kDay = std::int64_t{24} * 3600;
  set_clock(kWed1200 + 179 * kDay);
  restart();
  EXPECT_EQ(click_number("central", w), kPhones[1]);  // kept, and its last click is now

  set_clock(kWed1200 + 181 * kDay);
  restart();
  EXPECT_EQ(click_number("central", v), kPhones[2]);  // expired: routed anew (a3 is next)
  EXPECT_EQ(click_number("central", v), kPhones[2]);  // and kept again
  EXPECT_EQ(click_number("central", w), kPhones[1]);  // clicked 2 days ago: still kept
}

}  // namespace
}  // namespace sequencial::itest
