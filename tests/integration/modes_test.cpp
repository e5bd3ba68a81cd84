// Integration tests of the other two modes of a central (issue 16) over real
// HTTP, on `sequencial-testhooks` with a clock file: Seletivo (the chooser
// page: entries open now, escaping, languages, shuffle, when_closed, views
// are not clicks, a chosen entry is a click counted by=attendant, an entry
// that is a Sequencial anchor rotates) and Geolocalizado (the member of the
// client's region from a GeoIP file the test writes itself with Debian's
// libmaxmind-db-writer-perl: most specific first, a closed member skipped,
// unknown address / no file -> the matriz, X-Forwarded-For only from a
// trusted proxy, a region served by a Sequencial rotates, reports by
// country/region/city, the file reloaded on SIGHUP); the API's shapes,
// validation errors naming members[i].regions[j], and cycles refused (409).
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <set>
#include <thread>

#include "support/fixtures.h"

namespace sequencial::itest {
namespace {

// 2026-11-25 (a Wednesday) 12:00 in Sao Paulo.
constexpr std::int64_t kWed1200 = 1'795'618'800;
constexpr std::int64_t kWed2200 = kWed1200 + std::int64_t{10} * 3600;

constexpr const char* kAnchorPhone = "5511900000000";

// Open Wednesdays 13:00-18:00 only: closed at kWed1200.
json wednesday_afternoons() {
  json range = json::array({json::array({"13:00", "18:00"})});
  return {{"tz", "America/Sao_Paulo"}, {"week", {{"wed", range}}}};
}
// Open Wednesdays 09:00-18:00: open at kWed1200, closed at kWed2200.
json wednesday_office() {
  json range = json::array({json::array({"09:00", "18:00"})});
  return {{"tz", "America/Sao_Paulo"}, {"week", {{"wed", range}}}};
}

// The addresses the test GeoIP file knows (support/make_geoip.pl).
constexpr const char* kCampinas = "203.0.113.5";
constexpr const char* kSaoPaulo = "203.0.113.20";
constexpr const char* kRio = "203.0.113.40";
constexpr const char* kPortugal = "198.51.100.7";
constexpr const char* kUnknown = "192.0.2.1";

class ModesTest : public ServerTest {
 protected:
  // Starts the server with the GeoIP file and `extra` arguments.
  void boot_with(std::vector<std::string> extra, bool geoip = true) {
    sandbox_ = std::make_unique<Sandbox>(testhooks_binary());
    sandbox_->set_clock(kWed1200);
    sandbox_->token();
    if (geoip) {
      write_geoip("v1");
      extra.insert(extra.end(), {"--geoip-db", geoip_path()});
    }
    // Reports read what the click writer wrote: write often.
    extra.insert(extra.end(), {"--click-flush-interval-ms", "20"});
    args_ = extra;
    start();
    api().create_link("loja", kAnchorPhone, "Oi loja", "Loja");
    for (const char* slug :
         {"vendas", "suporte", "financeiro", "sp", "campinas", "pt", "a1", "a2"}) {
      api().create_link(slug, phone(slug), std::string("Oi ") + slug);
    }
  }
  std::string geoip_path() const { return sandbox_->dir().file("test-city.mmdb"); }
  void write_geoip(const std::string& variant) {
    const CommandResult r = run_command(
        {"/usr/bin/perl", SEQUENCIAL_MAKE_GEOIP, geoip_path(), variant}, sandbox_->dir().path());
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  // A distinct phone per slug: "55119000" + 5 digits of its hash.
  static std::string phone(const std::string& slug) {
    return "55119" + std::to_string(10'000'000 + std::hash<std::string>{}(slug) % 89'999'999);
  }
  long create(const json& body) { return api().create_central(body)["id"].get<long>(); }
  // A report, once the clicks so far are written (ten flush intervals).
  json stats(long central, const std::string& by) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    const ApiResponse r =
        api().get("/api/v1/centrals/" + std::to_string(central) + "/stats?by=" + by);
    EXPECT_EQ(r.status, 200) << r.raw.body;
    return r.body;
  }
  static std::map<std::string, long> rows(const json& report) {
    std::map<std::string, long> out;
    for (const auto& row : report["rows"]) out[row["key"]] = row["clicks"].get<long>();
    return out;
  }
  std::string from(const std::string& slug, const char* address) {
    return click_number(slug, {{"X-Forwarded-For", address}});
  }
  // The hrefs of a chooser page's entries, in order.
  static std::vector<std::string> hrefs(const std::string& html) {
    std::vector<std::string> out;
    const std::string marker = "<a class=\"e\" href=\"";
    for (std::size_t at = html.find(marker); at != std::string::npos;
         at = html.find(marker, at + 1)) {
      const std::size_t start = at + marker.size();
      out.push_back(html.substr(start, html.find('"', start) - start));
    }
    return out;
  }
  // The path of an href on this server ("/vendas?via=loja").
  std::string path_of(const std::string& href) const {
    const std::string base = "http://127.0.0.1:" + std::to_string(port());
    EXPECT_TRUE(href.starts_with(base)) << href;
    std::string path = href.substr(base.size());
    for (std::size_t at = path.find("&amp;"); at != std::string::npos; at = path.find("&amp;"))
      path.replace(at, 5, "&");
    return path;
  }
};

// ---- API ----

TEST_F(ModesTest, CentralsOfEveryModeHaveTheContractShape) {
  boot_with({});
  const ApiResponse r =
      api().post("/api/v1/centrals", {{"anchor", "loja"},
                                      {"mode", "seletivo"},
                                      {"title", "Com quem você quer falar?"},
                                      {"shuffle", true},
                                      {"members",
                                       {{{"link", "vendas"},
                                         {"title", "Vendas"},
                                         {"description", "Pedidos e orçamentos"},
                                         {"photo_url", "https://img.example/v.jpg"}},
                                        {{"link", "suporte"}, {"title", "Suporte"}}}}});
  ASSERT_EQ(r.status, 201) << r.raw.body;
  EXPECT_EQ(r.body["mode"], "seletivo");
  EXPECT_EQ(r.body["title"], "Com quem você quer falar?");
  EXPECT_EQ(r.body["shuffle"], true);
  EXPECT_EQ(r.body["members"][0]["title"], "Vendas");
  EXPECT_EQ(r.body["members"][0]["description"], "Pedidos e orçamentos");
  EXPECT_EQ(r.body["members"][0]["photo_url"], "https://img.example/v.jpg");
  EXPECT_EQ(r.body["members"][1]["description"], "");
  const ApiResponse one = api().get("/api/v1/centrals/" + std::to_string(r.body["id"].get<long>()));
  EXPECT_EQ(one.body["members"], r.body["members"]);

  const ApiResponse geo =
      api().post("/api/v1/centrals",
                 {{"anchor", "financeiro"},
                  {"mode", "geo"},
                  {"members",
                   {{{"link", "sp"}, {"regions", {"br-sp"}}},
                    {{"link", "campinas"}, {"regions", {"BR-SP/Campinas", "BR-SP/São Paulo"}}},
                    {{"link", "pt"}, {"regions", {"PT"}}}}}});
  ASSERT_EQ(geo.status, 201) << geo.raw.body;
  EXPECT_EQ(geo.body["mode"], "geo");
  EXPECT_EQ(geo.body["members"][0]["regions"], json({"BR-SP"}));
  EXPECT_EQ(geo.body["members"][1]["regions"], json({"BR-SP/Campinas", "BR-SP/São Paulo"}));

  // Without a mode: Sequencial, as before.
  const ApiResponse plain = api().post("/api/v1/centrals", {{"anchor", "a1"}, {"members", {"a2"}}});
  ASSERT_EQ(plain.status, 201) << plain.raw.body;
  EXPECT_EQ(plain.body["mode"], "sequencial");
  EXPECT_EQ(plain.body["shuffle"], false);

  // PATCH changes the mode.
  const ApiResponse patched =
      api().patch("/api/v1/centrals/" + std::to_string(plain.body["id"].get<long>()),
                  {{"mode", "seletivo"}, {"title", "Escolha"}});
  ASSERT_EQ(patched.status, 200) << patched.raw.body;
  EXPECT_EQ(patched.body["mode"], "seletivo");
  EXPECT_EQ(patched.body["title"], "Escolha");
}

TEST_F(ModesTest, TheOpenApiDocumentDescribesTheModes) {
  boot_with({});
  const Response r = client().get("/api/v1/openapi.json");
  ASSERT_EQ(r.status, 200);
  const json doc = json::parse(r.body);
  const json& schemas = doc["components"]["schemas"];
  EXPECT_EQ(schemas["CentralInput"]["properties"]["mode"]["enum"],
            json({"sequencial", "seletivo", "geo"}));
  EXPECT_TRUE(schemas["Member"]["properties"].contains("regions"));
  EXPECT_TRUE(schemas["Member"]["properties"].contains("photo_url"));
  const json by = doc["components"]["parameters"]["by"]["schema"]["enum"];
  for (const char* name : {"country", "region", "city"}) {
    EXPECT_NE(std::find(by.begin(), by.end(), name), by.end()) << name;
  }
}

TEST_F(ModesTest, BadInputNamesTheFieldAndTheRule) {
  boot_with({});
  const auto refused = [&](const json& body, int status, const std::string& field) {
    const ApiResponse r = api().post("/api/v1/centrals", body);
    EXPECT_EQ(r.status, status) << body.dump() << " -> " << r.raw.body;
    EXPECT_EQ(r.body["error"]["field"], field) << r.raw.body;
    EXPECT_FALSE(r.body["error"]["message"].get<std::string>().empty());
  };
  refused({{"anchor", "loja"}, {"mode", "aleatorio"}, {"members", {"a1"}}}, 400, "mode");
  refused({{"anchor", "loja"},
           {"mode", "geo"},
           {"members",
            {{{"link", "sp"}, {"regions", {"BR-SP"}}},
             {{"link", "pt"}, {"regions", {"PT", "Portugal"}}}}}},
          400, "members[1].regions[1]");
  refused({{"anchor", "loja"},
           {"mode", "geo"},
           {"members", {{{"link", "sp"}, {"regions", {"BR-SP/"}}}}}},
          400, "members[0].regions[0]");
  refused({{"anchor", "loja"}, {"mode", "geo"}, {"members", {{{"link", "sp"}, {"regions", {1}}}}}},
          400, "members[0].regions[0]");
  refused({{"anchor", "loja"}, {"mode", "geo"}, {"members", {"sp"}}}, 400, "members[0].regions");
  refused({{"anchor", "loja"},
           {"mode", "seletivo"},
           {"members", {{{"link", "vendas"}, {"photo_url", "javascript:alert(1)"}}}}},
          400, "members[0].photo_url");
  refused({{"anchor", "loja"},
           {"mode", "seletivo"},
           {"members", {{{"link", "vendas"}, {"title", std::string(201, 'x')}}}}},
          400, "members[0].title");
  refused({{"anchor", "loja"}, {"shuffle", "sim"}, {"members", {"a1"}}}, 400, "shuffle");
  EXPECT_EQ(api().get("/api/v1/centrals").body["items"].size(), 0u);
}

TEST_F(ModesTest, ACycleThroughNestedCentralsIsRefused) {
  boot_with({});
  create({{"anchor", "loja"}, {"mode", "seletivo"}, {"members", {"vendas", "suporte"}}});
  const long vendas = create({{"anchor", "vendas"}, {"members", {"a1", "a2"}}});
  // suporte -> loja -> suporte.
  const ApiResponse direct =
      api().post("/api/v1/centrals", {{"anchor", "suporte"}, {"members", {"loja"}}});
  EXPECT_EQ(direct.status, 409) << direct.raw.body;
  EXPECT_EQ(direct.body["error"]["field"], "members");
  // a1 -> ... and vendas -> a1 -> loja -> vendas, through a PATCH.
  const ApiResponse patched =
      api().patch("/api/v1/centrals/" + std::to_string(vendas), {{"members", {"a1", "loja"}}});
  EXPECT_EQ(patched.status, 409) << patched.raw.body;
  // Nesting without a cycle is fine.
  const ApiResponse nested =
      api().post("/api/v1/centrals", {{"anchor", "financeiro"},
                                      {"mode", "geo"},
                                      {"members", {{{"link", "loja"}, {"regions", {"BR"}}}}}});
  EXPECT_EQ(nested.status, 201) << nested.raw.body;
}

// ---- Seletivo ----

TEST_F(ModesTest, TheChooserOffersTheMembersOpenNowAndAViewIsNotAClick) {
  boot_with({});
  const long loja = create({{"anchor", "loja"},
                            {"mode", "seletivo"},
                            {"title", "Com quem <você> quer falar?"},
                            {"members",
                             {{{"link", "vendas"},
                               {"title", "Vendas & Cia"},
                               {"description", "Pedidos \"já\""},
                               {"photo_url", "https://img.example/v.jpg"}},
                              {{"link", "suporte"}, {"title", "Suporte"}},
                              {{"link", "financeiro"}, {"title", "Financeiro"}}}}});
  ASSERT_EQ(api()
                .put("/api/v1/centrals/" + std::to_string(loja) + "/members/financeiro/hours",
                     wednesday_afternoons())
                .status,
            200);
  const Response page = click("loja?utm_source=ig");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(page.header_or_empty("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(page.header_or_empty("Cache-Control"), "no-store");
  EXPECT_NE(page.body.find("<html lang=\"pt-BR\">"), std::string::npos);
  EXPECT_NE(page.body.find("<h1>Com quem &lt;você&gt; quer falar?</h1>"), std::string::npos);
  EXPECT_NE(page.body.find("Vendas &amp; Cia"), std::string::npos);
  EXPECT_NE(page.body.find("Pedidos &quot;já&quot;"), std::string::npos);
  EXPECT_NE(page.body.find("loading=\"lazy\""), std::string::npos);
  EXPECT_NE(page.body.find(">S</span>"), std::string::npos);   // Suporte's initials
  EXPECT_EQ(page.body.find("Financeiro"), std::string::npos);  // closed at 12:00
  const std::string base = "http://127.0.0.1:" + std::to_string(port());
  EXPECT_EQ(hrefs(page.body),
            (std::vector<std::string>{base + "/vendas?utm_source=ig&amp;via=loja",
                                      base + "/suporte?utm_source=ig&amp;via=loja"}));
  // English by Accept-Language (the central's own title stays as written).
  const Response en = click("loja", {{"Accept-Language", "en-US,en;q=0.9"}});
  EXPECT_NE(en.body.find("<html lang=\"en\">"), std::string::npos);
  // A crawler gets the preview page: not a view.
  const Response bot = click("loja", {{"User-Agent", "facebookexternalhit/1.1"}});
  EXPECT_EQ(bot.status, 200);
  EXPECT_EQ(bot.body.find("class=\"e\""), std::string::npos);

  json report = stats(loja, "attendant");
  EXPECT_EQ(report["views"], 2);
  EXPECT_EQ(report["total"], 0);  // a view is not a click
  EXPECT_EQ(report["previews"], 1);

  // Choosing an entry is a click of that member, counted for the chooser.
  const Response chosen = client().get(path_of(hrefs(page.body)[0]));
  ASSERT_EQ(chosen.status, 302);
  EXPECT_EQ(wa_number(chosen.header_or_empty("Location")), phone("vendas"));
  ASSERT_EQ(click_number("suporte?via=loja"), phone("suporte"));
  ASSERT_EQ(click_number("suporte?via=loja"), phone("suporte"));
  // Not from this chooser (a link that is not its member, no marker): not counted.
  ASSERT_EQ(click_number("a1?via=loja"), phone("a1"));
  ASSERT_EQ(click_number("vendas"), phone("vendas"));
  report = stats(loja, "attendant");
  EXPECT_EQ(report["total"], 3);
  EXPECT_EQ(rows(report), (std::map<std::string, long>{{"vendas", 1}, {"suporte", 2}}));
  EXPECT_EQ(rows(stats(loja, "utm_source"))["ig"], 1);

  // 13:00: Financeiro opens.
  sandbox_->set_clock(kWed1200 + 3600);
  EXPECT_EQ(hrefs(click("loja").body).size(), 3u);
}

TEST_F(ModesTest, NobodyOpenFollowsWhenClosed) {
  boot_with({});
  const long loja = create(
      {{"anchor", "loja"},
       {"mode", "seletivo"},
       {"members",
        {{{"link", "vendas"}, {"title", "Vendas"}}, {{"link", "suporte"}, {"title", "S"}}}}});
  for (const char* slug : {"vendas", "suporte"}) {
    ASSERT_EQ(api()
                  .put("/api/v1/centrals/" + std::to_string(loja) + "/members/" + slug + "/hours",
                       wednesday_office())
                  .status,
              200);
  }
  sandbox_->set_clock(kWed2200);
  EXPECT_EQ(click_number("loja"), kAnchorPhone);  // when_closed: anchor
  ASSERT_EQ(
      api().patch("/api/v1/centrals/" + std::to_string(loja), {{"when_closed", "page"}}).status,
      200);
  const Response closed = click("loja");
  EXPECT_EQ(closed.status, 200);
  EXPECT_NE(closed.body.find("fora do horário"), std::string::npos);
  ASSERT_EQ(
      api()
          .patch("/api/v1/centrals/" + std::to_string(loja), {{"when_closed", "ignore_hours"}})
          .status,
      200);
  EXPECT_EQ(hrefs(click("loja").body).size(), 2u);
}

TEST_F(ModesTest, ShuffleChangesTheOrderOfTheEntries) {
  boot_with({});
  create({{"anchor", "loja"},
          {"mode", "seletivo"},
          {"shuffle", true},
          {"members", {"vendas", "suporte", "financeiro", "a1", "a2"}}});
  std::set<std::vector<std::string>> orders;
  for (int i = 0; i < 20; ++i) {
    auto order = hrefs(click("loja").body);
    ASSERT_EQ(order.size(), 5u);
    orders.insert(order);
  }
  EXPECT_GT(orders.size(), 1u);
}

TEST_F(ModesTest, AnEntryThatIsASequencialAnchorRotates) {
  boot_with({});
  const long loja =
      create({{"anchor", "loja"}, {"mode", "seletivo"}, {"members", {"vendas", "suporte"}}});
  const long vendas = create({{"anchor", "vendas"}, {"members", {"a1", "a2"}}});
  const std::string path = path_of(hrefs(click("loja").body)[0]);
  EXPECT_EQ(path, "/vendas?via=loja");
  std::vector<std::string> landed;
  landed.reserve(4);
  for (int i = 0; i < 4; ++i) landed.push_back(click_number(path.substr(1)));
  EXPECT_EQ(landed, (std::vector<std::string>{phone("a1"), phone("a2"), phone("a1"), phone("a2")}));
  EXPECT_EQ(rows(stats(loja, "attendant")), (std::map<std::string, long>{{"vendas", 4}}));
  EXPECT_EQ(rows(stats(vendas, "attendant")), (std::map<std::string, long>{{"a1", 2}, {"a2", 2}}));
}

// ---- Geolocalizado ----

class GeoTest : public ModesTest {
 protected:
  long create_geo() {
    return create({{"anchor", "loja"},
                   {"mode", "geo"},
                   {"members",
                    {{{"link", "sp"}, {"regions", {"BR-SP"}}},
                     {{"link", "campinas"}, {"regions", {"br-sp/CAMPINAS"}}},
                     {{"link", "pt"}, {"regions", {"PT"}}}}}});
  }
};

TEST_F(GeoTest, TheMostSpecificRegionWinsAndTheRestGoToTheMatriz) {
  boot_with({"--trusted-proxies", "127.0.0.1/32"});
  const long geo = create_geo();
  EXPECT_EQ(from("loja", kCampinas), phone("campinas"));
  EXPECT_EQ(from("loja", kSaoPaulo), phone("sp"));
  EXPECT_EQ(from("loja", kPortugal), phone("pt"));
  EXPECT_EQ(from("loja", kRio), kAnchorPhone);      // no member serves BR-RJ
  EXPECT_EQ(from("loja", kUnknown), kAnchorPhone);  // not in the file
  EXPECT_EQ(click_number("loja"), kAnchorPhone);    // 127.0.0.1 itself

  // A matched member outside its hours is skipped for the next match.
  ASSERT_EQ(api()
                .put("/api/v1/centrals/" + std::to_string(geo) + "/members/campinas/hours",
                     wednesday_afternoons())
                .status,
            200);
  EXPECT_EQ(from("loja", kCampinas), phone("sp"));
  // A paused member too.
  ASSERT_EQ(api().patch(link_path("pt"), {{"active", false}}).status, 200);
  EXPECT_EQ(from("loja", kPortugal), kAnchorPhone);

  EXPECT_EQ(rows(stats(geo, "country")),
            (std::map<std::string, long>{{"BR", 4}, {"PT", 2}, {"(unknown)", 2}}));
  EXPECT_EQ(rows(stats(geo, "region")),
            (std::map<std::string, long>{{"BR-SP", 3}, {"BR-RJ", 1}, {"(unknown)", 4}}));
  EXPECT_EQ(rows(stats(geo, "city")), (std::map<std::string, long>{{"BR-SP/Campinas", 2},
                                                                   {"BR-SP/São Paulo", 1},
                                                                   {"BR-RJ/Rio de Janeiro", 1},
                                                                   {"(unknown)", 4}}));
  EXPECT_EQ(rows(stats(geo, "outcome")),
            (std::map<std::string, long>{{"geo", 4}, {"geo_matriz", 4}}));
}

TEST_F(GeoTest, XForwardedForFromAnUntrustedPeerIsIgnored) {
  boot_with({"--trusted-proxies", "10.0.0.0/8"});  // 127.0.0.1 is not trusted
  const long geo = create_geo();
  EXPECT_EQ(from("loja", kCampinas), kAnchorPhone);
  EXPECT_EQ(click_number("loja", {{"Forwarded", "for=203.0.113.5"}}), kAnchorPhone);
  EXPECT_EQ(rows(stats(geo, "country")), (std::map<std::string, long>{{"(unknown)", 2}}));
}

TEST_F(GeoTest, WithoutAGeoIpFileEveryClickGoesToTheMatriz) {
  boot_with({"--trusted-proxies", "127.0.0.1/32"}, false);
  const long geo = create_geo();
  EXPECT_EQ(from("loja", kCampinas), kAnchorPhone);
  EXPECT_EQ(from("loja", kPortugal), kAnchorPhone);
  EXPECT_EQ(rows(stats(geo, "city")), (std::map<std::string, long>{{"(unknown)", 2}}));
}

TEST_F(GeoTest, ARegionServedByASequencialTeamRotatesInsideIt) {
  boot_with({"--trusted-proxies", "127.0.0.1/32"});
  const long geo = create_geo();
  const long team = create({{"anchor", "sp"}, {"members", {"a1", "a2"}}});
  std::vector<std::string> landed;
  landed.reserve(4);
  for (int i = 0; i < 4; ++i) landed.push_back(from("loja", kSaoPaulo));
  EXPECT_EQ(landed, (std::vector<std::string>{phone("a1"), phone("a2"), phone("a1"), phone("a2")}));
  EXPECT_EQ(from("loja", kCampinas), phone("campinas"));  // the city's own member
  EXPECT_EQ(rows(stats(geo, "attendant")),
            (std::map<std::string, long>{{"sp", 4}, {"campinas", 1}}));
  EXPECT_EQ(rows(stats(team, "attendant")), (std::map<std::string, long>{{"a1", 2}, {"a2", 2}}));
  EXPECT_EQ(rows(stats(team, "region")), (std::map<std::string, long>{{"BR-SP", 4}}));
}

TEST_F(GeoTest, AGeoRegionServedByASeletivoShowsItsChooser) {
  boot_with({"--trusted-proxies", "127.0.0.1/32"});
  create_geo();
  create({{"anchor", "pt"}, {"mode", "seletivo"}, {"members", {"a1", "a2"}}});
  const Response page = click("loja", {{"X-Forwarded-For", kPortugal}});
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(hrefs(page.body).size(), 2u);
  EXPECT_NE(hrefs(page.body)[0].find("/a1?via=pt"), std::string::npos);
}

TEST_F(GeoTest, TheGeoIpFileIsReloadedOnSighup) {
  boot_with({"--trusted-proxies", "127.0.0.1/32"});
  create_geo();
  EXPECT_EQ(from("loja", kPortugal), phone("pt"));
  write_geoip("v2");  // 198.51.100.0/24 is now Campinas
  ASSERT_EQ(::kill(server_->pid(), SIGHUP), 0);
  for (int i = 0; i < 100 && server_->log().find("event=geoip_reloaded") == std::string::npos; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(from("loja", kPortugal), phone("campinas"));
}

TEST_F(GeoTest, AnUnreadableGeoIpFileStopsTheStart) {
  Sandbox sandbox(testhooks_binary());
  sandbox.token();
  std::string error;
  const std::string missing = sandbox.dir().file("missing.mmdb");
  auto server =
      ServerProcess::start(testhooks_binary(), {"--db", sandbox.db_path(), "--geoip-db", missing},
                           sandbox.dir().file("log"), error, std::chrono::seconds(5));
  EXPECT_EQ(server, nullptr);
  const CommandResult r = run_command({testhooks_binary(), "serve", "--listen", "127.0.0.1:0",
                                       "--db", sandbox.db_path(), "--geoip-db", missing},
                                      sandbox.dir().path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE((r.out + r.err).find("missing.mmdb"), std::string::npos) << r.out << r.err;
}

}  // namespace
}  // namespace sequencial::itest
