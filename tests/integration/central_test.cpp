// Integration tests of modo Sequencial (issue 3) over real HTTP: centrals
// through the API (shapes and validation), exact rotation under concurrent
// clicks (with and without weights), atendimento fixo with the visitor
// cookie, requests that are not clicks (HEAD, prefetch, preview crawlers,
// with the Open Graph page HTML-escaped), the cursor across a graceful
// restart and a kill -9, membership changes under load, and deleting a
// central.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <regex>
#include <thread>

#include "support/fixtures.h"

namespace sequencial::itest {
namespace {

constexpr const char* kAnchorPhone = "5511900000000";
const std::vector<std::string> kPhones = {"5511900000001", "5511900000002", "5511900000003",
                                          "5511900000004"};

class CentralTest : public ServerTest {
 protected:
  void SetUp() override { boot(server_args()); }
  virtual std::vector<std::string> server_args() { return {}; }

  // Links a1..a4 (attendants) and the anchor "central".
  void create_links(const std::string& anchor_label = "Loja") {
    api().create_link("central", kAnchorPhone, "Oi loja", anchor_label);
    for (std::size_t i = 0; i < kPhones.size(); ++i) {
      api().create_link("a" + std::to_string(i + 1), kPhones[i], "Oi a" + std::to_string(i + 1));
    }
  }
  // Creates the central and returns its id.
  long create_central(const json& members, bool fixed = false) {
    const json central =
        api().create_central({{"anchor", "central"}, {"members", members}, {"fixed", fixed}});
    return central["id"].get<long>();
  }
  std::vector<std::string> clicks(int n, const Headers& headers = {}) {
    std::vector<std::string> out;
    out.reserve(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) out.push_back(click_number("central", headers));
    return out;
  }
  static std::vector<std::string> phones(std::initializer_list<int> members) {
    std::vector<std::string> out;
    for (int m : members) out.push_back(kPhones[static_cast<std::size_t>(m - 1)]);
    return out;
  }
};

TEST_F(CentralTest, CreateListAndGetHaveTheContractShape) {
  create_links();
  const ApiResponse r = api().post(
      "/api/v1/centrals",
      {{"anchor", "central"}, {"members", {"a1", "a2", {{"link", "a3"}, {"weight", 2}}}}});
  ASSERT_EQ(r.status, 201) << r.raw.body;
  const json& c = r.body;
  ASSERT_TRUE(c["id"].is_number_integer());
  EXPECT_EQ(c["anchor"], "central");
  EXPECT_EQ(c["fixed"], false);
  EXPECT_EQ(c["when_closed"], "anchor");
  ASSERT_EQ(c["members"].size(), 3u);
  const char* names[] = {"a1", "a2", "a3"};
  const int weights[] = {1, 1, 2};
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(c["members"][i]["link"], names[i]);
    EXPECT_EQ(c["members"][i]["weight"], weights[i]);
    EXPECT_TRUE(c["members"][i]["hours"].is_null());
  }
  const std::string path = "/api/v1/centrals/" + std::to_string(c["id"].get<long>());
  const ApiResponse one = api().get(path);
  ASSERT_EQ(one.status, 200);
  EXPECT_EQ(one.body["members"], c["members"]);
  EXPECT_EQ(one.body["anchor"], "central");
  const ApiResponse list = api().get("/api/v1/centrals");
  ASSERT_EQ(list.status, 200) << list.raw.body;
  ASSERT_EQ(list.body["items"].size(), 1u);
  EXPECT_EQ(list.body["items"][0]["id"], c["id"]);

  // Members may be named by id; PATCH changes fixed and when_closed.
  const ApiResponse patched = api().patch(path, {{"fixed", true}, {"when_closed", "page"}});
  ASSERT_EQ(patched.status, 200) << patched.raw.body;
  EXPECT_EQ(patched.body["fixed"], true);
  EXPECT_EQ(patched.body["when_closed"], "page");
  EXPECT_EQ(patched.body["members"].size(), 3u);
  EXPECT_EQ(api().get("/api/v1/centrals/999").status, 404);
}

TEST_F(CentralTest, MembersCanBeNamedById) {
  create_links();
  const long a2_id = link_id("a2");
  const ApiResponse r =
      api().post("/api/v1/centrals", {{"anchor", "central"}, {"members", {a2_id, "a1"}}});
  ASSERT_EQ(r.status, 201) << r.raw.body;
  EXPECT_EQ(r.body["members"][0]["link"], "a2");
  EXPECT_EQ(clicks(2), phones({2, 1}));
}

TEST_F(CentralTest, RotationIsExactInOrder) {
  create_links();
  create_central({"a1", "a2", "a3"});
  EXPECT_EQ(clicks(7), phones({1, 2, 3, 1, 2, 3, 1}));
  // The member's own number and message.
  const Response r = click("central");
  EXPECT_EQ(r.header_or_empty("Location"), "https://wa.me/5511900000002?text=Oi%20a2");
  EXPECT_EQ(r.header_or_empty("Cache-Control"), "no-store");
  EXPECT_EQ(r.status, 302);
  // The anchor's slug is matched case-insensitively too.
  EXPECT_EQ(click_number("CENTRAL"), kPhones[2]);
}

TEST_F(CentralTest, ThreeThousandConcurrentClicksSplitExactly) {
  create_links();
  create_central({"a1", "a2", "a3"});
  const auto landed = concurrent_clicks(port(), "central", 50, 60);
  ASSERT_EQ(landed.size(), 3000u);
  const auto counts = tally(landed);
  EXPECT_EQ(counts.size(), 3u);
  for (int m = 0; m < 3; ++m)
    EXPECT_EQ(counts.count(kPhones[m]) ? counts.at(kPhones[m]) : 0, 1000) << kPhones[m];
  EXPECT_EQ(redirects_total(port(), "rotation"), 3000);
  EXPECT_EQ(metric(port(), "sequencial_new_visitors_total"), 3000);
  // The cycle is intact afterwards: the next three clicks cover everyone.
  const auto next = clicks(3);
  EXPECT_EQ(tally(next).size(), 3u);
}

TEST_F(CentralTest, WeightsSplitByCycleShare) {
  create_links();
  create_central({"a1", "a2", {{"link", "a3"}, {"weight", 2}}});
  // Sequentially: every cycle of 4 gives a3 two turns, a1 and a2 one.
  const auto first = clicks(8);
  for (int cycle = 0; cycle < 2; ++cycle) {
    const auto begin = first.begin() + static_cast<std::ptrdiff_t>(cycle) * 4;
    std::vector<std::string> window(begin, begin + 4);
    const auto counts = tally(window);
    EXPECT_EQ(counts.at(kPhones[0]), 1);
    EXPECT_EQ(counts.at(kPhones[1]), 1);
    EXPECT_EQ(counts.at(kPhones[2]), 2);
  }
  // Concurrently: 400 clicks -> 100/100/200.
  const auto counts = tally(concurrent_clicks(port(), "central", 8, 50));
  EXPECT_EQ(counts.size(), 3u);
  EXPECT_EQ(counts.at(kPhones[0]), 100);
  EXPECT_EQ(counts.at(kPhones[1]), 100);
  EXPECT_EQ(counts.at(kPhones[2]), 200);
}

TEST_F(CentralTest, FixedVisitorsKeepTheirAttendantWithoutMovingTheRotation) {
  create_links();
  create_central({"a1", "a2", "a3"}, /*fixed=*/true);

  std::vector<std::string> cookies;
  for (int v = 0; v < 3; ++v) {
    const Response r = click("central");
    ASSERT_EQ(r.status, 302);
    EXPECT_EQ(wa_number(r.header_or_empty("Location")), kPhones[static_cast<std::size_t>(v)]);
    const std::string cookie = visitor_cookie(r);
    EXPECT_TRUE(std::regex_match(cookie, std::regex("[0-9a-f]{32}"))) << cookie;
    const std::string set_cookie = r.header_or_empty("Set-Cookie");
    EXPECT_NE(set_cookie.find("HttpOnly"), std::string::npos) << set_cookie;
    EXPECT_NE(set_cookie.find("SameSite=Lax"), std::string::npos) << set_cookie;
    EXPECT_NE(set_cookie.find("Path=/"), std::string::npos) << set_cookie;
    EXPECT_EQ(set_cookie.find("Secure"), std::string::npos) << "public URL is http: " << set_cookie;
    cookies.push_back(cookie);
  }
  EXPECT_EQ(tally(cookies).size(), 3u) << "visitor ids must differ";

  // The same three come back (twice each, among other cookies): same attendants.
  for (int pass = 0; pass < 2; ++pass) {
    for (int v = 0; v < 3; ++v) {
      const Response r = click("central", {{"Cookie", "theme=dark; sqv=" + cookies[v] + "; x=1"}});
      ASSERT_EQ(r.status, 302);
      EXPECT_EQ(wa_number(r.header_or_empty("Location")), kPhones[static_cast<std::size_t>(v)]);
      const std::string again = visitor_cookie(r);
      EXPECT_TRUE(again.empty() || again == cookies[v]) << "a known visitor keeps their id";
    }
  }
  // The rotation did not move: the next new visitor gets attendant 1 again.
  EXPECT_EQ(click_number("central"), kPhones[0]);
  EXPECT_EQ(redirects_total(port(), "fixed"), 6);
  EXPECT_EQ(redirects_total(port(), "rotation"), 4);

  // A malformed cookie is a new visitor (a new cookie, the next turn).
  const Response bad = click("central", {{"Cookie", "sqv=not-hex"}});
  EXPECT_EQ(wa_number(bad.header_or_empty("Location")), kPhones[1]);
  EXPECT_FALSE(visitor_cookie(bad).empty());
}

TEST_F(CentralTest, FixedVisitorWhoseAttendantLeavesGetsTheNextAndKeepsThem) {
  create_links();
  const long id = create_central({"a1", "a2", "a3"}, /*fixed=*/true);
  const Response first = click("central");
  ASSERT_EQ(wa_number(first.header_or_empty("Location")), kPhones[0]);
  const Headers visitor = {{"Cookie", "sqv=" + visitor_cookie(first)}};

  // a1 paused: skipped by the rotation, and its fixed visitor rerouted.
  const std::string a1 = link_path("a1");
  ASSERT_EQ(api().patch(a1, {{"active", false}}).status, 200);
  EXPECT_EQ(click_number("central", visitor), kPhones[1]);  // next by rotation, now theirs
  EXPECT_EQ(click_number("central"), kPhones[2]);
  EXPECT_EQ(click_number("central"), kPhones[1]);
  // a1 back: the visitor stays with their new attendant.
  ASSERT_EQ(api().patch(a1, {{"active", true}}).status, 200);
  EXPECT_EQ(click_number("central", visitor), kPhones[1]);

  // a2 removed from the central: the visitor is routed anew and reassigned.
  ASSERT_EQ(
      api().patch("/api/v1/centrals/" + std::to_string(id), {{"members", {"a1", "a3"}}}).status,
      200);
  const std::string moved = click_number("central", visitor);
  EXPECT_TRUE(moved == kPhones[0] || moved == kPhones[2]) << moved;
  for (int i = 0; i < 3; ++i) EXPECT_EQ(click_number("central", visitor), moved);
}

TEST_F(CentralTest, RequestsThatAreNotClicksDoNotMoveTheRotation) {
  create_links("<script>alert(1)</script> & \"Loja\"");
  create_central({"a1", "a2", "a3"}, /*fixed=*/true);
  EXPECT_EQ(click_number("central"), kPhones[0]);
  const double saved = metric(port(), "sequencial_assignments_saved_total");

  // HEAD: the headers of a 200 page, no redirect.
  const Response head = client().request("HEAD", "/central");
  EXPECT_EQ(head.status, 200) << head.error;
  EXPECT_FALSE(head.header("Location").has_value());
  EXPECT_TRUE(head.body.empty());
  EXPECT_NE(head.header_or_empty("Content-Length"), "0") << "the length of the 200 page";
  EXPECT_TRUE(head.header_values("Set-Cookie").empty()) << "HEAD makes no visitor";

  const std::vector<Headers> not_clicks = {
      {{"Sec-Purpose", "prefetch"}},
      {{"Sec-Purpose", "prefetch;prerender"}},
      {{"Purpose", "prefetch"}},
      {{"X-Moz", "prefetch"}},
      {{"User-Agent", "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)"}},
      {{"User-Agent", "WhatsApp/2.23.20.0 A"}},
      {{"User-Agent", "TelegramBot (like TwitterBot)"}},
  };
  for (const Headers& h : not_clicks) {
    const Response r = click("central", h);
    EXPECT_EQ(r.status, 200) << h[0].first << ": " << h[0].second;
    EXPECT_FALSE(r.header("Location").has_value()) << h[0].second;
    EXPECT_NE(r.header_or_empty("Content-Type").find("text/html"), std::string::npos);
  }
  // Crawlers get Open Graph tags, HTML-escaped; the title is the shop's
  // public name, never the link's internal label.
  const Response unnamed = click("central", {{"User-Agent", "facebookexternalhit/1.1"}});
  EXPECT_EQ(unnamed.body.find("alert(1)"), std::string::npos) << unnamed.body;
  ASSERT_EQ(api()
                .patch("/api/v1/settings", {{"shop_name", "<script>alert(1)</script> & \"Loja\""}})
                .status,
            200);
  const Response crawler = click("central", {{"User-Agent", "facebookexternalhit/1.1"}});
  EXPECT_NE(crawler.body.find("og:title"), std::string::npos) << crawler.body;
  EXPECT_NE(crawler.body.find("&lt;script&gt;alert(1)&lt;/script&gt; &amp; "), std::string::npos)
      << crawler.body;
  EXPECT_EQ(crawler.body.find("<script>"), std::string::npos) << crawler.body;
  EXPECT_EQ(crawler.body.find("\"Loja\""), std::string::npos) << "quotes must be escaped too";
  const Response whatsapp = click("central", {{"User-Agent", "WhatsApp/2.23.20.0 A"}});
  EXPECT_NE(whatsapp.body.find("og:title"), std::string::npos);

  // Nothing moved: the next click is attendant 2; no assignment was made.
  EXPECT_EQ(click_number("central"), kPhones[1]);
  EXPECT_EQ(redirects_total(port(), "rotation"), 2);
  EXPECT_EQ(metric(port(), "sequencial_assignments_saved_total"), saved + 1);
  EXPECT_EQ(metric(port(), "sequencial_head_requests_total"), 1);
  EXPECT_EQ(metric(port(), "sequencial_prefetches_total"), 4);
  EXPECT_EQ(metric(port(), "sequencial_previews_total"), 6);

  // A plain (non-central) link answers crawlers the same way.
  const Response member_preview = click("a3", {{"User-Agent", "Twitterbot/1.0"}});
  EXPECT_EQ(member_preview.status, 200);
  EXPECT_NE(member_preview.body.find("og:title"), std::string::npos);
}

TEST_F(CentralTest, GracefulRestartContinuesTheSequence) {
  create_links();
  create_central({"a1", "a2", "a3"});
  EXPECT_EQ(clicks(4), phones({1, 2, 3, 1}));
  restart();
  EXPECT_EQ(clicks(5), phones({2, 3, 1, 2, 3}));
  restart();
  EXPECT_EQ(clicks(1), phones({1}));
}

TEST_F(CentralTest, FixedAssignmentsSurviveAGracefulRestart) {
  create_links();
  create_central({"a1", "a2", "a3"}, /*fixed=*/true);
  std::vector<std::string> cookies;
  cookies.reserve(3);
  for (int v = 0; v < 3; ++v) cookies.push_back(visitor_cookie(click("central")));
  restart();
  for (int v = 2; v >= 0; --v) {
    EXPECT_EQ(click_number("central", {{"Cookie", "sqv=" + cookies[v]}}),
              kPhones[static_cast<std::size_t>(v)]);
  }
  EXPECT_EQ(click_number("central"), kPhones[0]);
}

// Cursors are written every flush interval and on a graceful stop; a flush
// interval far beyond the test makes the graceful stop's write the only one,
// so after kill -9 the exact place the rotation resumes at is known.
class CentralCrashTest : public CentralTest {
 protected:
  std::vector<std::string> server_args() override { return {"--flush-interval-ms", "600000"}; }
  // The clicks served by the link `slug` over all time, from its stats.
  long clicks_served(const std::string& slug) {
    const ApiResponse r = api().get("/api/v1/links/" + slug + "/stats");
    EXPECT_EQ(r.status, 200) << r.raw.body;
    return r.status == 200 ? r.body.value("total", -1L) : -1L;
  }
};

TEST_F(CentralCrashTest, KillNineLosesOnlyTheUnsavedCursorMovesAndNoWrittenClick) {
  create_links();
  create_central({"a1", "a2", "a3"});
  std::vector<std::string> all = clicks(4);
  ASSERT_EQ(all, phones({1, 2, 3, 1}));
  restart();  // the graceful stop saves the cursor: a2 is next
  // 10 clicks (not a multiple of the 3 members) move the cursor in memory
  // only; their clicks are written by the click pipeline (its own interval).
  const auto before_crash = clicks(10);
  EXPECT_EQ(before_crash, phones({2, 3, 1, 2, 3, 1, 2, 3, 1, 2}));
  all.insert(all.end(), before_crash.begin(), before_crash.end());
  ASSERT_EQ(wait_for_metric(port(), "sequencial_clicks_written_total", 10), 10)
      << "the clicks were not written before the crash";
  crash_and_restart();

  // The rotation resumes exactly at the saved cursor (a2): what the crash
  // lost is the 10 unsaved moves, so a1 and a3 each lose one turn and nobody
  // more; a cursor restored from anywhere else (a1: reset, a3: the live one
  // written per click) fails here.
  const auto after = clicks(7);
  EXPECT_EQ(after, phones({2, 3, 1, 2, 3, 1, 2}));
  all.insert(all.end(), after.begin(), after.end());
  auto counts = tally(all);
  EXPECT_EQ(counts[kPhones[0]], 7);
  EXPECT_EQ(counts[kPhones[1]], 8);
  EXPECT_EQ(counts[kPhones[2]], 6);

  // No click that was written before the crash is lost, and none is counted
  // twice: after a graceful stop (which writes the last 7), each attendant's
  // stats hold exactly what the visitors were sent to.
  restart();
  for (std::size_t m = 0; m < 3; ++m) {
    EXPECT_EQ(clicks_served("a" + std::to_string(m + 1)), counts[kPhones[m]]) << "a" << m + 1;
  }
}

TEST_F(CentralTest, MembershipChangeUnderLoadKeepsEvenness) {
  create_links();
  const long id = create_central({"a1", "a2", "a3"});
  const std::string path = "/api/v1/centrals/" + std::to_string(id);

  // Phase 1: the old members, exactly even.
  auto counts = tally(concurrent_clicks(port(), "central", 10, 30));
  EXPECT_EQ(counts.at(kPhones[0]), 100);
  EXPECT_EQ(counts.at(kPhones[1]), 100);
  EXPECT_EQ(counts.at(kPhones[2]), 100);

  // Phase 2: remove a2, add a4, reorder, while clicks pour in.
  std::atomic<int> done{0};
  std::vector<std::string> during;
  std::thread load([&] {
    std::vector<std::thread> threads;
    std::vector<std::vector<std::string>> out(10);
    threads.reserve(10);
    for (int t = 0; t < 10; ++t) {
      threads.emplace_back([&, t] {
        HttpClient http(port());
        for (int i = 0; i < 60; ++i) {
          const Response r = http.get("/central");
          out[static_cast<std::size_t>(t)].push_back(
              r.status == 302 ? wa_number(r.header_or_empty("Location"))
                              : "error " + std::to_string(r.status) + " " + r.error);
          ++done;
        }
      });
    }
    for (auto& t : threads) t.join();
    for (auto& v : out) during.insert(during.end(), v.begin(), v.end());
  });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (done.load() < 150 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::yield();
  const ApiResponse patched = api().patch(path, {{"members", {"a3", "a4", "a1"}}});
  load.join();
  ASSERT_EQ(patched.status, 200) << patched.raw.body;
  ASSERT_EQ(patched.body["members"].size(), 3u);
  EXPECT_EQ(patched.body["members"][0]["link"], "a3");
  EXPECT_EQ(patched.body["members"][1]["link"], "a4");
  EXPECT_EQ(patched.body["members"][2]["link"], "a1");

  ASSERT_EQ(during.size(), 600u);
  counts = tally(during);
  for (const auto& [number, n] : counts) {
    EXPECT_TRUE(std::find(kPhones.begin(), kPhones.end(), number) != kPhones.end())
        << number << " x" << n;
  }
  // a1 and a3 were members throughout: one run before the change and one
  // after, each even within one, so they differ by at most two.
  EXPECT_LE(std::abs(counts[kPhones[0]] - counts[kPhones[2]]), 2)
      << counts[kPhones[0]] << " vs " << counts[kPhones[2]];

  // Phase 3: the new membership, exactly even; a2 gets nothing.
  counts = tally(concurrent_clicks(port(), "central", 10, 30));
  EXPECT_EQ(counts.size(), 3u);
  EXPECT_EQ(counts[kPhones[0]], 100);
  EXPECT_EQ(counts[kPhones[2]], 100);
  EXPECT_EQ(counts[kPhones[3]], 100);
  EXPECT_EQ(counts.count(kPhones[1]), 0u);
}

TEST_F(CentralTest, ValidationErrors) {
  create_links();
  const auto post = [&](const json& members, const std::string& anchor = "central") {
    return api().post("/api/v1/centrals", {{"anchor", anchor}, {"members", members}});
  };
  const auto expect_error = [](const ApiResponse& r, int status, const std::string& field) {
    EXPECT_EQ(r.status, status) << r.raw.body;
    ASSERT_TRUE(r.body.is_object()) << r.raw.body;
    EXPECT_TRUE(r.body["error"]["code"].is_string()) << r.raw.body;
    EXPECT_TRUE(r.body["error"]["message"].is_string()) << r.raw.body;
    EXPECT_EQ(r.body["error"].value("field", std::string("<missing>")), field) << r.raw.body;
  };

  expect_error(post({"a1", "ghost"}), 422, "members[1]");
  expect_error(post({"a1", "a2", "A1"}), 400, "members[2]");
  expect_error(post(json::array()), 400, "members");
  expect_error(post({"a1", {{"link", "a2"}, {"weight", 0}}}), 400, "members[1].weight");
  expect_error(post({{{"link", "a1"}, {"weight", 101}}}), 400, "members[0].weight");
  expect_error(post({{{"link", "a1"}, {"weight", 1.5}}}), 400, "members[0].weight");
  expect_error(post({"a1", "central"}), 400, "members[1]");
  expect_error(post({"a1"}, "nobody"), 422, "anchor");
  EXPECT_EQ(api().post("/api/v1/centrals", {{"members", {"a1"}}}).status, 400);
  EXPECT_EQ(api().post("/api/v1/centrals", {{"anchor", "central"}}).status, 400);
  expect_error(api().post("/api/v1/centrals",
                          {{"anchor", "central"}, {"members", {"a1"}}, {"when_closed", "never"}}),
               400, "when_closed");
  expect_error(api().post("/api/v1/centrals",
                          {{"anchor", "central"}, {"members", {"a1"}}, {"fixed", "yes"}}),
               400, "fixed");
  EXPECT_EQ(api().get("/api/v1/centrals").body["items"].size(), 0u);

  // Weights 1 and 100 are the bounds.
  ASSERT_EQ(post({{{"link", "a1"}, {"weight", 1}}, {{"link", "a2"}, {"weight", 100}}}).status, 201);
  // The anchor of one central cannot anchor another.
  expect_error(post({"a3"}), 409, "anchor");
  // A link may be a member of several centrals.
  api().create_link("central2", "5511900000009");
  EXPECT_EQ(post({"a1", "a3"}, "central2").status, 201);
  EXPECT_EQ(api().get("/api/v1/centrals").body["items"].size(), 2u);
}

TEST_F(CentralTest, DeletingACentralGivesTheAnchorBackItsOwnNumber) {
  create_links();
  const long id = create_central({"a1", "a2", "a3"}, /*fixed=*/true);
  EXPECT_EQ(clicks(2), phones({1, 2}));
  const std::string path = "/api/v1/centrals/" + std::to_string(id);
  const ApiResponse r = api().del(path);
  EXPECT_EQ(r.status, 204) << r.raw.body;
  for (int i = 0; i < 3; ++i) {
    const Response click_r = click("central");
    EXPECT_EQ(click_r.status, 302);
    EXPECT_EQ(click_r.header_or_empty("Location"), "https://wa.me/5511900000000?text=Oi%20loja");
  }
  EXPECT_EQ(redirects_total(port(), "link"), 3);
  EXPECT_EQ(api().get(path).status, 404);
  EXPECT_EQ(api().del(path).status, 404);
  // Now the anchor link may be deleted.
  EXPECT_EQ(api().del(link_path("central")).status, 204);
  EXPECT_EQ(click("central").status, 404);
}

TEST_F(CentralTest, DeletingAMemberLinkRemovesItFromTheRotation) {
  create_links();
  create_central({"a1", "a2", "a3"});
  ASSERT_EQ(api().del(link_path("a2")).status, 204);
  const auto counts = tally(clicks(10));
  EXPECT_EQ(counts.size(), 2u);
  EXPECT_EQ(counts.at(kPhones[0]), 5);
  EXPECT_EQ(counts.at(kPhones[2]), 5);
  const json central = api().get("/api/v1/centrals").body["items"][0];
  EXPECT_EQ(central["members"].size(), 2u);
}

TEST_F(CentralTest, RenamingTheAnchorMovesTheCentral) {
  create_links();
  const long id = create_central({"a1", "a2", "a3"});
  EXPECT_EQ(clicks(1), phones({1}));
  ASSERT_EQ(api().patch(link_path("central"), {{"slug", "loja"}}).status, 200);
  EXPECT_EQ(click("central").status, 404);
  EXPECT_EQ(click_number("loja"), kPhones[1]);  // the rotation carries on
  EXPECT_EQ(api().get("/api/v1/centrals/" + std::to_string(id)).body["anchor"], "loja");
}

TEST_F(CentralTest, DeletingTheOnlyMemberFallsBackToTheAnchorAndSurvivesARestart) {
  create_links();
  const long id = create_central({"a1"});
  EXPECT_EQ(click_number("central"), kPhones[0]);
  ASSERT_EQ(api().del(link_path("a1")).status, 204);
  const std::string path = "/api/v1/centrals/" + std::to_string(id);
  EXPECT_EQ(api().get(path).body["members"], json::array());
  EXPECT_EQ(click_number("central"), kAnchorPhone);
  restart();
  EXPECT_EQ(api().get(path).body["members"], json::array());
  EXPECT_EQ(click_number("central"), kAnchorPhone);
  ASSERT_EQ(api().patch(path, {{"members", {"a2", "a3"}}}).status, 200);
  EXPECT_EQ(clicks(2), phones({2, 3}));
}

class HttpsCentralTest : public CentralTest {
 protected:
  std::vector<std::string> server_args() override {
    return {"--public-url", "https://zap.minhaloja.com.br/"};
  }
};

TEST_F(HttpsCentralTest, VisitorCookieIsSecureBehindHttps) {
  create_links();
  const ApiResponse c = api().post(
      "/api/v1/centrals", {{"anchor", "central"}, {"members", {"a1", "a2"}}, {"fixed", true}});
  ASSERT_EQ(c.status, 201) << c.raw.body;
  const Response r = click("central");
  const std::string set_cookie = r.header_or_empty("Set-Cookie");
  EXPECT_NE(set_cookie.find("; Secure"), std::string::npos) << set_cookie;
  EXPECT_NE(set_cookie.find("HttpOnly"), std::string::npos) << set_cookie;
  // The trailing slash of the public URL is not doubled.
  EXPECT_EQ(api().get("/api/v1/links").body["items"][0]["url"].get<std::string>().find("br//"),
            std::string::npos);
}

TEST_F(CentralTest, AssignmentsArePerCentral) {
  create_links();
  create_central({"a1", "a2", "a3"}, /*fixed=*/true);
  api().create_link("central2", "5511900000009");
  api().create_central({{"anchor", "central2"}, {"members", {"a3", "a2"}}, {"fixed", true}});
  const Response first = click("central");
  ASSERT_EQ(wa_number(first.header_or_empty("Location")), kPhones[0]);
  const Headers visitor = {{"Cookie", "sqv=" + visitor_cookie(first)}};
  // The same browser on another central: routed there by that rotation.
  EXPECT_EQ(click_number("central2", visitor), kPhones[2]);
  EXPECT_EQ(click_number("central2", visitor), kPhones[2]);
  EXPECT_EQ(click_number("central", visitor), kPhones[0]);
  EXPECT_EQ(click_number("central2"), kPhones[1]);
}

}  // namespace
}  // namespace sequencial::itest
