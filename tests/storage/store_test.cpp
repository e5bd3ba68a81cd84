// The Store contract (storage/store.h), written once and run against every
// backend: each test gets a fresh, empty database from the backend's
// factory: a SQLite file in a temp dir, or a new PostgreSQL database on the
// test server (pg_test_database.h; skipped locally without one, failed in CI).
// Also tests open_store()'s choice of backend from the --db value.
#include "storage/store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "pg_test_database.h"
#include "storage/rollups.h"
#include "temp_dir.h"

namespace sequencial {
namespace {

using namespace std::chrono_literals;
using std::chrono::December;
using std::chrono::February;
using test_support::TempDir;

// ---- backends ----

// One empty database for one test; open() may be called again to get a new
// connection to the same data (persistence, several processes).
class TestDatabase {
 public:
  virtual ~TestDatabase() = default;
  // Empty when the database is ready; otherwise why the test cannot run.
  [[nodiscard]] virtual std::string unavailable() const { return {}; }
  [[nodiscard]] virtual Result<std::unique_ptr<Store>> open() = 0;
};

struct Backend {
  std::string name;
  std::function<std::unique_ptr<TestDatabase>()> create;
};

class SqliteDatabase final : public TestDatabase {
 public:
  Result<std::unique_ptr<Store>> open() override {
    return open_store((dir_.path() / "sequencial.db").string());
  }

 private:
  TempDir dir_;
};

class PostgresDatabase final : public TestDatabase {
 public:
  PostgresDatabase() {
    if (auto url = test_support::pg_server_url()) db_.emplace(*url);
  }
  std::string unavailable() const override {
    if (!db_) return test_support::kNoPgServer;
    return db_->error();
  }
  Result<std::unique_ptr<Store>> open() override { return open_store(db_->url()); }

 private:
  std::optional<test_support::PgTestDatabase> db_;
};

std::vector<Backend> backends() {
  return {{"sqlite", [] { return std::make_unique<SqliteDatabase>(); }},
          {"postgres", [] { return std::make_unique<PostgresDatabase>(); }}};
}

// ---- helpers ----

template <typename T>
std::string why(const Result<T>& result) {
  if (result) return "ok";
  const Error& e = result.error();
  return std::string(error_code_name(e.code)) + " [" + e.field + "] " + e.message;
}

Timestamp now_seconds() {
  return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

Link make_link(std::string slug, std::string phone = "5511999990001") {
  Link link;
  link.slug = std::move(slug);
  link.phone = std::move(phone);
  link.message = "Olá! Vim pelo site";
  link.label = link.slug;
  return link;
}

// Business hours with a midnight-crossing range and dated exceptions.
Schedule sample_schedule() {
  Schedule s;
  s.tz = "America/Sao_Paulo";
  s.week[1] = {{540, 720}, {780, 1080}};  // Monday 09:00-12:00, 13:00-18:00
  s.week[5] = {{540, 1080}};
  s.week[6] = {{1320, 120}};  // Saturday 22:00 - Sunday 02:00
  s.exceptions = {{2026y / December / 24d, {{540, 720}}}, {2026y / December / 25d, {}}};
  return s;
}

void expect_same_link(const Link& actual, const Link& expected) {
  EXPECT_EQ(actual.id, expected.id);
  EXPECT_EQ(actual.slug, expected.slug);
  EXPECT_EQ(actual.phone, expected.phone);
  EXPECT_EQ(actual.message, expected.message);
  EXPECT_EQ(actual.label, expected.label);
  EXPECT_EQ(actual.active, expected.active);
  EXPECT_EQ(actual.preview_title, expected.preview_title);
  EXPECT_EQ(actual.preview_description, expected.preview_description);
  EXPECT_EQ(actual.preview_image, expected.preview_image);
  EXPECT_EQ(actual.created_at, expected.created_at);
}

void expect_same_central(const Central& actual, const Central& expected) {
  EXPECT_EQ(actual.id, expected.id);
  EXPECT_EQ(actual.anchor_id, expected.anchor_id);
  EXPECT_EQ(actual.fixed, expected.fixed);
  EXPECT_EQ(actual.when_closed, expected.when_closed);
  EXPECT_EQ(actual.mode, expected.mode);
  EXPECT_EQ(actual.title, expected.title);
  EXPECT_EQ(actual.shuffle, expected.shuffle);
  EXPECT_EQ(actual.members, expected.members);
  EXPECT_EQ(actual.cursor, expected.cursor);
  EXPECT_EQ(actual.created_at, expected.created_at);
}

std::vector<LinkId> member_ids(const Central& central) {
  std::vector<LinkId> ids;
  ids.reserve(central.members.size());
  for (const Member& m : central.members) ids.push_back(m.link_id);
  return ids;
}

Member member(LinkId id, int weight = 1, std::optional<Schedule> hours = std::nullopt) {
  return {.link_id = id, .weight = weight, .hours = std::move(hours)};
}

Schedule utc_only() {
  Schedule s;
  s.tz = "UTC";
  return s;
}

bool same_assignment(const Assignment& a, const Assignment& b) {
  return a.central_id == b.central_id && a.visitor == b.visitor && a.link_id == b.link_id &&
         a.last_seen == b.last_seen;
}

// ---- fixture ----

class StoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    database_ = GetParam().create();
    if (const std::string reason = database_->unavailable(); !reason.empty()) {
      if (test_support::pg_server_url() || test_support::running_in_ci()) FAIL() << reason;
      GTEST_SKIP() << reason;
    }
    auto store = database_->open();
    ASSERT_TRUE(store) << why(store);
    store_ = std::move(*store);
  }

  Link insert(const Link& link) {
    auto stored = store_->insert_link(link);
    EXPECT_TRUE(stored) << why(stored);
    return stored ? *stored : Link{};
  }

  std::vector<Link> links() {
    auto loaded = store_->load_links();
    EXPECT_TRUE(loaded) << why(loaded);
    return loaded ? *loaded : std::vector<Link>{};
  }

  std::vector<Central> centrals() {
    auto loaded = store_->load_centrals();
    EXPECT_TRUE(loaded) << why(loaded);
    return loaded ? *loaded : std::vector<Central>{};
  }

  // A central anchored on a new link "central<n>" with the given members.
  Central insert_central(const std::vector<LinkId>& members, const std::string& anchor_slug) {
    Central central;
    central.anchor_id = insert(make_link(anchor_slug)).id;
    for (LinkId id : members) central.members.push_back(member(id));
    auto stored = store_->insert_central(central);
    EXPECT_TRUE(stored) << why(stored);
    return stored ? *stored : Central{};
  }

  std::unique_ptr<TestDatabase> database_;
  std::unique_ptr<Store> store_;
};

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, ::testing::ValuesIn(backends()),
                         [](const ::testing::TestParamInfo<Backend>& info) {
                           return info.param.name;
                         });

// ---- links ----

TEST_P(StoreTest, NewDatabaseIsEmpty) {
  EXPECT_TRUE(links().empty());
  EXPECT_TRUE(centrals().empty());
  auto assignments = store_->load_assignments(Timestamp{});
  ASSERT_TRUE(assignments) << why(assignments);
  EXPECT_TRUE(assignments->empty());
}

TEST_P(StoreTest, LinkRoundTripsEveryField) {
  Link link = make_link("MinhaCentral", "5511999990001");
  link.message = "Olá! Vim pelo site 😀 — café & pão?\nlinha 2 {utm_source}";
  link.label = "João — vendas";
  link.active = false;
  link.preview_title = "Título ✓";
  link.preview_description = "Descrição com acentuação";
  link.preview_image = "https://example.com/img.png?a=1&b=2";

  const Timestamp before = now_seconds();
  auto stored = store_->insert_link(link);
  const Timestamp after = now_seconds();
  ASSERT_TRUE(stored) << why(stored);
  EXPECT_GT(stored->id, 0);
  EXPECT_GE(stored->created_at, before);
  EXPECT_LE(stored->created_at, after);
  link.id = stored->id;
  link.created_at = stored->created_at;
  expect_same_link(*stored, link);

  auto loaded = links();
  ASSERT_EQ(loaded.size(), 1u);
  expect_same_link(loaded[0], link);
}

TEST_P(StoreTest, InsertLinkKeepsAGivenCreationTime) {
  Link link = make_link("joao");
  link.created_at = Timestamp{1'700'000'000s};
  Link stored = insert(link);
  EXPECT_EQ(stored.created_at, link.created_at);
  ASSERT_EQ(links().size(), 1u);
  EXPECT_EQ(links()[0].created_at, link.created_at);
}

TEST_P(StoreTest, LinksLoadInIdOrderWithDistinctIds) {
  const Link a = insert(make_link("a"));
  const Link b = insert(make_link("b"));
  const Link c = insert(make_link("c"));
  EXPECT_LT(a.id, b.id);
  EXPECT_LT(b.id, c.id);
  auto loaded = links();
  ASSERT_EQ(loaded.size(), 3u);
  EXPECT_EQ(loaded[0].slug, "a");
  EXPECT_EQ(loaded[2].slug, "c");
}

TEST_P(StoreTest, UpdateLinkReplacesFieldsButNotCreationTime) {
  Link link = insert(make_link("joao"));
  const Timestamp created = link.created_at;
  link.slug = "Joao2";
  link.phone = "5521988887777";
  link.message = "Novo texto 🎉";
  link.label = "João";
  link.active = false;
  link.preview_title = "t";
  link.preview_description = "d";
  link.preview_image = "https://example.com/i.png";
  link.created_at = Timestamp{5s};  // ignored
  auto updated = store_->update_link(link);
  ASSERT_TRUE(updated) << why(updated);

  auto loaded = links();
  ASSERT_EQ(loaded.size(), 1u);
  link.created_at = created;
  expect_same_link(loaded[0], link);
}

TEST_P(StoreTest, SlugConflictOnInsertIgnoresCase) {
  insert(make_link("Joao"));
  for (const char* slug : {"Joao", "joao", "JOAO", "jOaO"}) {
    auto again = store_->insert_link(make_link(slug));
    ASSERT_FALSE(again) << slug;
    EXPECT_EQ(again.error().code, ErrorCode::kConflict) << slug;
    EXPECT_EQ(again.error().field, "slug");
    EXPECT_EQ(again.error().message, "slug already in use");
  }
  EXPECT_EQ(links().size(), 1u);
  EXPECT_TRUE(store_->insert_link(make_link("joao2")));
}

TEST_P(StoreTest, SlugConflictOnUpdateIgnoresCase) {
  Link joao = insert(make_link("joao"));
  Link maria = insert(make_link("maria"));
  maria.slug = "JOAO";
  auto clash = store_->update_link(maria);
  ASSERT_FALSE(clash);
  EXPECT_EQ(clash.error().code, ErrorCode::kConflict);
  EXPECT_EQ(clash.error().field, "slug");

  // A link may change the case of its own slug.
  joao.slug = "JoAo";
  auto recased = store_->update_link(joao);
  ASSERT_TRUE(recased) << why(recased);
  auto loaded = links();
  ASSERT_EQ(loaded.size(), 2u);
  EXPECT_EQ(loaded[0].slug, "JoAo");
  EXPECT_EQ(loaded[1].slug, "maria");
}

TEST_P(StoreTest, UnknownIdsAreNotFound) {
  Link ghost = make_link("ghost");
  ghost.id = 4242;
  auto updated = store_->update_link(ghost);
  ASSERT_FALSE(updated);
  EXPECT_EQ(updated.error().code, ErrorCode::kNotFound);

  auto deleted = store_->delete_link(4242);
  ASSERT_FALSE(deleted);
  EXPECT_EQ(deleted.error().code, ErrorCode::kNotFound);

  Central central;
  central.id = 77;
  central.anchor_id = insert(make_link("anchor")).id;
  auto updated_central = store_->update_central(central);
  ASSERT_FALSE(updated_central);
  EXPECT_EQ(updated_central.error().code, ErrorCode::kNotFound);

  auto deleted_central = store_->delete_central(77);
  ASSERT_FALSE(deleted_central);
  EXPECT_EQ(deleted_central.error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(centrals().empty());
}

TEST_P(StoreTest, DeleteLink) {
  const Link a = insert(make_link("a"));
  const Link b = insert(make_link("b"));
  auto deleted = store_->delete_link(a.id);
  ASSERT_TRUE(deleted) << why(deleted);
  auto loaded = links();
  ASSERT_EQ(loaded.size(), 1u);
  EXPECT_EQ(loaded[0].id, b.id);
  // The slug is free again.
  EXPECT_TRUE(store_->insert_link(make_link("A")));
}

// ---- centrals ----

TEST_P(StoreTest, CentralRoundTripsMembersInOrderWithWeightsAndHours) {
  const Link anchor = insert(make_link("minhacentral"));
  const Link joao = insert(make_link("joao"));
  const Link maria = insert(make_link("maria"));
  const Link ana = insert(make_link("ana"));

  Central central;
  central.anchor_id = anchor.id;
  central.fixed = true;
  central.when_closed = WhenClosed::kPage;
  central.cursor = 0xFFFF'FFFF'FFFF'FFF0ull;  // above INT64_MAX: stored bit-cast
  // Not in id order, to see that order is kept as given.
  central.members = {{.link_id = maria.id, .weight = 1, .hours = std::nullopt},
                     {.link_id = joao.id, .weight = 3, .hours = sample_schedule()},
                     {.link_id = ana.id, .weight = 100, .hours = utc_only()}};

  const Timestamp before = now_seconds();
  auto stored = store_->insert_central(central);
  const Timestamp after = now_seconds();
  ASSERT_TRUE(stored) << why(stored);
  EXPECT_GT(stored->id, 0);
  EXPECT_GE(stored->created_at, before);
  EXPECT_LE(stored->created_at, after);
  central.id = stored->id;
  central.created_at = stored->created_at;
  expect_same_central(*stored, central);

  auto loaded = centrals();
  ASSERT_EQ(loaded.size(), 1u);
  expect_same_central(loaded[0], central);
  ASSERT_TRUE(loaded[0].members[1].hours.has_value());
  EXPECT_EQ(loaded[0].members[1].hours->week[6], (std::vector<TimeRange>{{1320, 120}}));
}

TEST_P(StoreTest, EveryWhenClosedRoundTrips) {
  for (WhenClosed when : {WhenClosed::kAnchor, WhenClosed::kPage, WhenClosed::kIgnoreHours}) {
    Central central;
    central.anchor_id = insert(make_link("anchor" + std::to_string(static_cast<int>(when)))).id;
    central.when_closed = when;
    auto stored = store_->insert_central(central);
    ASSERT_TRUE(stored) << why(stored);
  }
  auto loaded = centrals();
  ASSERT_EQ(loaded.size(), 3u);
  EXPECT_EQ(loaded[0].when_closed, WhenClosed::kAnchor);
  EXPECT_EQ(loaded[1].when_closed, WhenClosed::kPage);
  EXPECT_EQ(loaded[2].when_closed, WhenClosed::kIgnoreHours);
}

TEST_P(StoreTest, ModesAndMemberEntriesAndRegionsRoundTrip) {
  const Link loja = insert(make_link("loja"));
  const Link vendas = insert(make_link("vendas"));
  const Link suporte = insert(make_link("suporte"));
  Central seletivo;
  seletivo.anchor_id = loja.id;
  seletivo.mode = CentralMode::kSeletivo;
  seletivo.title = "Com quem você quer falar? \"'{},\\";
  seletivo.shuffle = true;
  Member first = member(vendas.id);
  first.title = "Vendas {a,b} \"x\"";
  first.description = "Pedidos e orçamentos 🎉";
  first.photo_url = "https://example.com/v.jpg?a=1&b=2";
  Member second = member(suporte.id, 1, sample_schedule());
  second.title = "Suporte";
  seletivo.members = {first, second};
  auto stored = store_->insert_central(seletivo);
  ASSERT_TRUE(stored) << why(stored);
  seletivo.id = stored->id;
  seletivo.created_at = stored->created_at;

  const Link brasil = insert(make_link("brasil"));
  Central geo;
  geo.anchor_id = brasil.id;
  geo.mode = CentralMode::kGeo;
  Member sp = member(loja.id);  // a Seletivo anchor may serve a region
  sp.regions = {"BR-SP", "BR-SP/São Paulo", "BR/Campinas"};
  Member pt = member(suporte.id);
  pt.regions = {"PT"};
  geo.members = {sp, pt};
  auto geo_stored = store_->insert_central(geo);
  ASSERT_TRUE(geo_stored) << why(geo_stored);
  geo.id = geo_stored->id;
  geo.created_at = geo_stored->created_at;

  auto loaded = centrals();
  ASSERT_EQ(loaded.size(), 2u);
  expect_same_central(loaded[0], seletivo);
  expect_same_central(loaded[1], geo);

  // An update changes the mode and replaces the entries.
  geo.mode = CentralMode::kSequencial;
  geo.title = "agora sequencial";
  geo.members[0].regions.clear();
  geo.members[1].title = "Portugal";
  ASSERT_TRUE(store_->update_central(geo));
  loaded = centrals();
  ASSERT_EQ(loaded.size(), 2u);
  expect_same_central(loaded[1], geo);
}

TEST_P(StoreTest, InsertCentralKeepsAGivenCreationTime) {
  Central central;
  central.anchor_id = insert(make_link("anchor")).id;
  central.created_at = Timestamp{1'600'000'000s};
  auto stored = store_->insert_central(central);
  ASSERT_TRUE(stored) << why(stored);
  EXPECT_EQ(stored->created_at, central.created_at);
  EXPECT_EQ(centrals().at(0).created_at, central.created_at);
}

TEST_P(StoreTest, UpdateCentralReplacesOptionsMembersAndCursor) {
  const LinkId a = insert(make_link("a")).id;
  const LinkId b = insert(make_link("b")).id;
  const LinkId c = insert(make_link("c")).id;
  Central central = insert_central({a, b, c}, "central");
  const Timestamp created = central.created_at;

  central.fixed = true;
  central.when_closed = WhenClosed::kIgnoreHours;
  central.cursor = 17;
  central.members = {{.link_id = c, .weight = 2, .hours = sample_schedule()},
                     {.link_id = a, .weight = 1, .hours = std::nullopt}};
  central.created_at = Timestamp{1s};  // ignored
  auto updated = store_->update_central(central);
  ASSERT_TRUE(updated) << why(updated);

  auto loaded = centrals();
  ASSERT_EQ(loaded.size(), 1u);
  central.created_at = created;
  expect_same_central(loaded[0], central);

  // Anchor change to another free link.
  central.anchor_id = b;
  ASSERT_TRUE(store_->update_central(central));
  EXPECT_EQ(centrals().at(0).anchor_id, b);
}

TEST_P(StoreTest, FailedCentralUpdateChangesNothing) {
  const LinkId a = insert(make_link("a")).id;
  const LinkId b = insert(make_link("b")).id;
  const Central original = insert_central({a, b}, "central");

  Central broken = original;
  broken.fixed = true;
  Schedule bad = sample_schedule();
  bad.exceptions = {{2026y / February / 30d, {}}};  // not a date: refused while writing
  broken.members = {{.link_id = b, .weight = 1, .hours = std::nullopt},
                    {.link_id = a, .weight = 1, .hours = bad}};
  auto updated = store_->update_central(broken);
  ASSERT_FALSE(updated);
  EXPECT_EQ(updated.error().code, ErrorCode::kInvalid);

  auto loaded = centrals();
  ASSERT_EQ(loaded.size(), 1u);
  expect_same_central(loaded[0], original);
}

TEST_P(StoreTest, CentralReferencesMustExistAndMembersBeDistinct) {
  const LinkId a = insert(make_link("a")).id;
  const LinkId anchor = insert(make_link("anchor")).id;

  Central no_anchor;
  no_anchor.anchor_id = 999;
  auto r1 = store_->insert_central(no_anchor);
  ASSERT_FALSE(r1);
  EXPECT_EQ(r1.error().code, ErrorCode::kUnprocessable);
  EXPECT_EQ(r1.error().field, "anchor");

  Central no_member;
  no_member.anchor_id = anchor;
  no_member.members = {member(a), member(998)};
  auto r2 = store_->insert_central(no_member);
  ASSERT_FALSE(r2);
  EXPECT_EQ(r2.error().code, ErrorCode::kUnprocessable);
  EXPECT_EQ(r2.error().field, "members");

  Central twice;
  twice.anchor_id = anchor;
  twice.members = {member(a), member(a)};
  auto r3 = store_->insert_central(twice);
  ASSERT_FALSE(r3);
  EXPECT_EQ(r3.error().code, ErrorCode::kInvalid);
  EXPECT_EQ(r3.error().field, "members");

  EXPECT_TRUE(centrals().empty());
}

TEST_P(StoreTest, LinkMayBeMemberOfSeveralCentrals) {
  const LinkId joao = insert(make_link("joao")).id;
  insert_central({joao}, "loja1");
  insert_central({joao}, "loja2");
  auto loaded = centrals();
  ASSERT_EQ(loaded.size(), 2u);
  EXPECT_EQ(member_ids(loaded[0]), std::vector<LinkId>{joao});
  EXPECT_EQ(member_ids(loaded[1]), std::vector<LinkId>{joao});
}

TEST_P(StoreTest, DeletingAMemberLinkRemovesItFromCentralsKeepingOrder) {
  const LinkId a = insert(make_link("a")).id;
  const LinkId b = insert(make_link("b")).id;
  const LinkId c = insert(make_link("c")).id;
  const LinkId d = insert(make_link("d")).id;
  Central first = insert_central({a, b, c, d}, "loja1");
  Central second = insert_central({d, b, a}, "loja2");

  ASSERT_TRUE(store_->delete_link(b));
  auto loaded = centrals();
  ASSERT_EQ(loaded.size(), 2u);
  EXPECT_EQ(member_ids(loaded[0]), (std::vector<LinkId>{a, c, d}));
  EXPECT_EQ(member_ids(loaded[1]), (std::vector<LinkId>{d, a}));

  ASSERT_TRUE(store_->delete_link(a));
  const LinkId e = insert(make_link("e")).id;
  second = centrals().at(1);
  second.members.push_back(member(e, 2));
  ASSERT_TRUE(store_->update_central(second));
  loaded = centrals();
  EXPECT_EQ(member_ids(loaded[0]), (std::vector<LinkId>{c, d}));
  EXPECT_EQ(member_ids(loaded[1]), (std::vector<LinkId>{d, e}));
  EXPECT_EQ(loaded[1].members[1].weight, 2);
}

TEST_P(StoreTest, DeletingAnAnchorIsRefused) {
  const LinkId a = insert(make_link("a")).id;
  const Central central = insert_central({a}, "minhacentral");

  auto deleted = store_->delete_link(central.anchor_id);
  ASSERT_FALSE(deleted);
  EXPECT_EQ(deleted.error().code, ErrorCode::kConflict);
  EXPECT_EQ(deleted.error().field, "id");
  EXPECT_NE(deleted.error().message.find("anchor of central " + std::to_string(central.id)),
            std::string::npos)
      << deleted.error().message;
  EXPECT_EQ(links().size(), 2u);
  EXPECT_EQ(centrals().size(), 1u);

  // Once the central is gone the anchor is a plain link and may go.
  ASSERT_TRUE(store_->delete_central(central.id));
  auto now_deleted = store_->delete_link(central.anchor_id);
  EXPECT_TRUE(now_deleted) << why(now_deleted);
  EXPECT_EQ(links().size(), 1u);
}

TEST_P(StoreTest, DeleteCentralKeepsItsLinks) {
  const LinkId a = insert(make_link("a")).id;
  const Central central = insert_central({a}, "minhacentral");
  auto deleted = store_->delete_central(central.id);
  ASSERT_TRUE(deleted) << why(deleted);
  EXPECT_TRUE(centrals().empty());
  EXPECT_EQ(links().size(), 2u);
}

TEST_P(StoreTest, ALinkAnchorsAtMostOneCentral) {
  const LinkId a = insert(make_link("a")).id;
  const Central first = insert_central({a}, "loja1");

  Central clash;
  clash.anchor_id = first.anchor_id;
  clash.members = {member(a)};
  auto inserted = store_->insert_central(clash);
  ASSERT_FALSE(inserted);
  EXPECT_EQ(inserted.error().code, ErrorCode::kConflict);
  EXPECT_EQ(inserted.error().field, "anchor");
  EXPECT_EQ(inserted.error().message, "link is already the anchor of another central");
  EXPECT_EQ(centrals().size(), 1u);

  Central second = insert_central({a}, "loja2");
  second.anchor_id = first.anchor_id;
  auto updated = store_->update_central(second);
  ASSERT_FALSE(updated);
  EXPECT_EQ(updated.error().code, ErrorCode::kConflict);
  EXPECT_EQ(updated.error().field, "anchor");
  EXPECT_NE(centrals().at(1).anchor_id, first.anchor_id);
}

TEST_P(StoreTest, CursorsAreSavedAndReloaded) {
  const LinkId a = insert(make_link("a")).id;
  const Central one = insert_central({a}, "loja1");
  const Central two = insert_central({a}, "loja2");
  const std::vector<CursorUpdate> updates = {
      {.central_id = one.id, .cursor = 41},
      {.central_id = two.id, .cursor = ~0ull},
      {.central_id = 9999, .cursor = 5},  // deleted meanwhile: skipped
  };
  auto saved = store_->save_cursors(updates);
  ASSERT_TRUE(saved) << why(saved);
  EXPECT_TRUE(store_->save_cursors({}));

  auto loaded = centrals();
  ASSERT_EQ(loaded.size(), 2u);
  EXPECT_EQ(loaded[0].cursor, 41u);
  EXPECT_EQ(loaded[1].cursor, ~0ull);
}

// ---- API tokens ----

TEST_P(StoreTest, TokensAreFoundByHash) {
  const Timestamp before = now_seconds();
  auto ci = store_->insert_token("ci", "hash-1");
  ASSERT_TRUE(ci) << why(ci);
  auto admin = store_->insert_token("admin ✓", "hash-2");
  ASSERT_TRUE(admin) << why(admin);
  EXPECT_GT(ci->id, 0);
  EXPECT_NE(ci->id, admin->id);
  EXPECT_EQ(ci->name, "ci");
  EXPECT_GE(ci->created_at, before);
  EXPECT_LE(ci->created_at, now_seconds());

  auto found = store_->find_token("hash-2");
  ASSERT_TRUE(found) << why(found);
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->id, admin->id);
  EXPECT_EQ((*found)->name, "admin ✓");
  EXPECT_EQ((*found)->created_at, admin->created_at);

  auto missing = store_->find_token("hash-3");
  ASSERT_TRUE(missing) << why(missing);
  EXPECT_FALSE(missing->has_value());

  auto duplicate = store_->insert_token("other", "hash-1");
  ASSERT_FALSE(duplicate);
  EXPECT_EQ(duplicate.error().code, ErrorCode::kConflict);
}

TEST_P(StoreTest, TokensAreListedAndRevoked) {
  ASSERT_TRUE(store_->insert_token("ci", "hash-1"));
  auto admin = store_->insert_token("admin", "hash-2");
  ASSERT_TRUE(admin) << why(admin);
  auto listed = store_->load_tokens();
  ASSERT_TRUE(listed) << why(listed);
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].name, "ci");
  EXPECT_EQ((*listed)[1].id, admin->id);

  ASSERT_TRUE(store_->delete_token(admin->id));
  auto gone = store_->find_token("hash-2");
  ASSERT_TRUE(gone) << why(gone);
  EXPECT_FALSE(gone->has_value());
  auto again = store_->delete_token(admin->id);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kNotFound);
  listed = store_->load_tokens();
  ASSERT_TRUE(listed) << why(listed);
  EXPECT_EQ(listed->size(), 1u);
}

// Issue 14 rows 9 and 10: an id once handed out is never handed out again,
// even after the row with the highest id is deleted (SQLite's default
// max(rowid) + 1 gave a deleted link's clicks to the next link and a revoked
// token's id to the next token).
TEST_P(StoreTest, IdsAreNeverReusedAfterTheNewestRowIsDeleted) {
  const Link first = insert(make_link("first"));
  const Link newest = insert(make_link("newest"));
  ASSERT_TRUE(store_->delete_link(newest.id));
  EXPECT_GT(insert(make_link("next")).id, newest.id);

  const Central central = insert_central({first.id}, "anchor1");
  ASSERT_TRUE(store_->delete_central(central.id));
  EXPECT_GT(insert_central({first.id}, "anchor2").id, central.id);

  auto token = store_->insert_token("old", "hash-old");
  ASSERT_TRUE(token) << why(token);
  ASSERT_TRUE(store_->delete_token(token->id));
  auto next_token = store_->insert_token("new", "hash-new");
  ASSERT_TRUE(next_token) << why(next_token);
  EXPECT_GT(next_token->id, token->id);

  auto user = store_->insert_user("ana@example.com", "h");
  ASSERT_TRUE(user) << why(user);
  ASSERT_TRUE(store_->delete_user(user->id));
  auto next_user = store_->insert_user("bia@example.com", "h");
  ASSERT_TRUE(next_user) << why(next_user);
  EXPECT_GT(next_user->id, user->id);

  // Still true after reopening (SQLite keeps the high-water mark in the file).
  store_.reset();
  auto reopened = database_->open();
  ASSERT_TRUE(reopened) << why(reopened);
  store_ = std::move(*reopened);
  const Link after = insert(make_link("after"));
  ASSERT_TRUE(store_->delete_link(after.id));
  store_.reset();
  reopened = database_->open();
  ASSERT_TRUE(reopened) << why(reopened);
  store_ = std::move(*reopened);
  EXPECT_GT(insert(make_link("after2")).id, after.id);
}

// ---- users, sessions, settings (admin UI) ----

TEST_P(StoreTest, UsersAreUniqueByEmailIgnoringCase) {
  const Timestamp before = now_seconds();
  auto ana = store_->insert_user("Ana@Example.com", "$argon2id$hash-a");
  ASSERT_TRUE(ana) << why(ana);
  EXPECT_GT(ana->id, 0);
  EXPECT_EQ(ana->email, "Ana@Example.com");
  EXPECT_GE(ana->created_at, before);
  auto bia = store_->insert_user("bia@example.com", "$argon2id$hash-b");
  ASSERT_TRUE(bia) << why(bia);

  auto clash = store_->insert_user("ana@EXAMPLE.com", "x");
  ASSERT_FALSE(clash);
  EXPECT_EQ(clash.error().code, ErrorCode::kConflict);
  EXPECT_EQ(clash.error().field, "email");

  auto found = store_->find_user_by_email("ANA@example.COM");
  ASSERT_TRUE(found) << why(found);
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->id, ana->id);
  EXPECT_EQ((*found)->password_hash, "$argon2id$hash-a");
  EXPECT_EQ((*found)->created_at, ana->created_at);

  auto by_id = store_->find_user(bia->id);
  ASSERT_TRUE(by_id && by_id->has_value()) << why(by_id);
  EXPECT_EQ((*by_id)->email, "bia@example.com");
  auto nobody = store_->find_user_by_email("carla@example.com");
  ASSERT_TRUE(nobody) << why(nobody);
  EXPECT_FALSE(nobody->has_value());
  auto no_id = store_->find_user(bia->id + 100);
  ASSERT_TRUE(no_id) << why(no_id);
  EXPECT_FALSE(no_id->has_value());

  auto users = store_->load_users();
  ASSERT_TRUE(users) << why(users);
  ASSERT_EQ(users->size(), 2u);
  EXPECT_EQ((*users)[0].id, ana->id);
  EXPECT_EQ((*users)[1].id, bia->id);
}

TEST_P(StoreTest, UserPasswordUpdateAndDelete) {
  auto ana = store_->insert_user("ana@example.com", "old");
  ASSERT_TRUE(ana) << why(ana);
  ASSERT_TRUE(store_->update_user_password(ana->id, "new", ""));
  auto found = store_->find_user(ana->id);
  ASSERT_TRUE(found && found->has_value()) << why(found);
  EXPECT_EQ((*found)->password_hash, "new");

  auto missing = store_->update_user_password(ana->id + 1, "x", "");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);

  ASSERT_TRUE(store_->delete_user(ana->id));
  auto again = store_->delete_user(ana->id);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kNotFound);
  // The e-mail is free again.
  EXPECT_TRUE(store_->insert_user("ANA@example.com", "x"));
}

// Issue 14: a password change ends the user's other sessions (all of them
// when no session is kept), never another user's.
TEST_P(StoreTest, PasswordChangeEndsTheUsersOtherSessions) {
  auto ana = store_->insert_user("ana@example.com", "h");
  ASSERT_TRUE(ana) << why(ana);
  auto bia = store_->insert_user("bia@example.com", "h");
  ASSERT_TRUE(bia) << why(bia);
  const Timestamp t0 = now_seconds();
  const auto session = [&](std::string hash, std::int64_t user) {
    ASSERT_TRUE(store_->insert_session({.id_hash = std::move(hash),
                                        .user_id = user,
                                        .csrf_token = "c",
                                        .created_at = t0,
                                        .expires_at = t0 + 1h}));
  };
  const auto alive = [&](const std::string& hash) {
    auto found = store_->find_session(hash);
    EXPECT_TRUE(found) << why(found);
    return found && found->has_value();
  };
  session("ana-here", ana->id);
  session("ana-phone", ana->id);
  session("ana-laptop", ana->id);
  session("bia-1", bia->id);

  ASSERT_TRUE(store_->update_user_password(ana->id, "new", "ana-here"));
  EXPECT_TRUE(alive("ana-here"));
  EXPECT_FALSE(alive("ana-phone"));
  EXPECT_FALSE(alive("ana-laptop"));
  EXPECT_TRUE(alive("bia-1"));

  ASSERT_TRUE(store_->update_user_password(ana->id, "newer", ""));
  EXPECT_FALSE(alive("ana-here"));
  EXPECT_TRUE(alive("bia-1"));

  // A failed change (no such user) ends nothing.
  ASSERT_FALSE(store_->update_user_password(bia->id + 100, "x", ""));
  EXPECT_TRUE(alive("bia-1"));
}

TEST_P(StoreTest, UserEmailChangesUnlessAnotherUserHasItIgnoringCase) {
  auto ana = store_->insert_user("ana@example.com", "h");
  auto bia = store_->insert_user("bia@example.com", "h");
  ASSERT_TRUE(ana && bia);
  ASSERT_TRUE(store_->update_user_email(ana->id, "Ana.Souza@example.com"));
  auto found = store_->find_user_by_email("ana.souza@EXAMPLE.com");
  ASSERT_TRUE(found && found->has_value()) << why(found);
  EXPECT_EQ((*found)->id, ana->id);
  EXPECT_EQ((*found)->email, "Ana.Souza@example.com");
  auto old = store_->find_user_by_email("ana@example.com");
  ASSERT_TRUE(old) << why(old);
  EXPECT_FALSE(old->has_value());
  // Changing only the case of one's own e-mail is allowed.
  ASSERT_TRUE(store_->update_user_email(ana->id, "ana.souza@example.com"));

  auto taken = store_->update_user_email(ana->id, "BIA@example.com");
  ASSERT_FALSE(taken);
  EXPECT_EQ(taken.error().code, ErrorCode::kConflict);
  EXPECT_EQ(taken.error().field, "email");
  auto missing = store_->update_user_email(bia->id + 10, "x@example.com");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

TEST_P(StoreTest, SessionsAreFoundByHashGoWithTheirUserAndArePurged) {
  auto ana = store_->insert_user("ana@example.com", "h");
  ASSERT_TRUE(ana) << why(ana);
  const Timestamp t0{1'800'000'000s};
  const StoredSession old{.id_hash = "sess-old",
                          .user_id = ana->id,
                          .csrf_token = "csrf-1",
                          .created_at = t0,
                          .expires_at = t0 + 1h};
  StoredSession fresh = old;
  fresh.id_hash = "sess-new";
  fresh.csrf_token = "csrf-2";
  fresh.expires_at = t0 + 168h;
  ASSERT_TRUE(store_->insert_session(old));
  ASSERT_TRUE(store_->insert_session(fresh));

  auto found = store_->find_session("sess-new");
  ASSERT_TRUE(found && found->has_value()) << why(found);
  EXPECT_EQ((*found)->user_id, ana->id);
  EXPECT_EQ((*found)->csrf_token, "csrf-2");
  EXPECT_EQ((*found)->created_at, t0);
  EXPECT_EQ((*found)->expires_at, t0 + 168h);

  auto nobody = store_->insert_session(StoredSession{.id_hash = "x",
                                                     .user_id = ana->id + 5,
                                                     .csrf_token = "c",
                                                     .created_at = t0,
                                                     .expires_at = t0 + 1h});
  ASSERT_FALSE(nobody);
  EXPECT_EQ(nobody.error().code, ErrorCode::kNotFound);

  auto purged = store_->purge_sessions(t0 + 2h);
  ASSERT_TRUE(purged) << why(purged);
  EXPECT_EQ(*purged, 1);
  auto old_found = store_->find_session("sess-old");
  ASSERT_TRUE(old_found) << why(old_found);
  EXPECT_FALSE(old_found->has_value());

  ASSERT_TRUE(store_->delete_session("sess-new"));
  ASSERT_TRUE(store_->delete_session("never-existed"));
  auto deleted = store_->find_session("sess-new");
  ASSERT_TRUE(deleted) << why(deleted);
  EXPECT_FALSE(deleted->has_value());

  // Deleting a user deletes their sessions.
  fresh.id_hash = "sess-again";
  ASSERT_TRUE(store_->insert_session(fresh));
  ASSERT_TRUE(store_->delete_user(ana->id));
  auto cascaded = store_->find_session("sess-again");
  ASSERT_TRUE(cascaded) << why(cascaded);
  EXPECT_FALSE(cascaded->has_value());
}

TEST_P(StoreTest, SettingsAreSavedAndReplaced) {
  auto empty = store_->load_settings();
  ASSERT_TRUE(empty) << why(empty);
  EXPECT_TRUE(empty->empty());
  ASSERT_TRUE(store_->save_setting("public_url", "https://zap.example.com"));
  ASSERT_TRUE(store_->save_setting("default_tz", "America/Recife"));
  ASSERT_TRUE(store_->save_setting("default_tz", "Europe/Lisbon"));
  ASSERT_TRUE(store_->save_setting("colour", "blue"));
  ASSERT_TRUE(store_->delete_setting("colour"));
  ASSERT_TRUE(store_->delete_setting("never-saved"));
  auto settings = store_->load_settings();
  ASSERT_TRUE(settings) << why(settings);
  ASSERT_EQ(settings->size(), 2u);
  EXPECT_EQ((*settings)[0].key, "default_tz");
  EXPECT_EQ((*settings)[0].value, "Europe/Lisbon");
  EXPECT_EQ((*settings)[1].key, "public_url");
  EXPECT_EQ((*settings)[1].value, "https://zap.example.com");
  // Kept across connections.
  auto reopened = database_->open();
  ASSERT_TRUE(reopened) << why(reopened);
  auto again = (*reopened)->load_settings();
  ASSERT_TRUE(again) << why(again);
  EXPECT_EQ(again->size(), 2u);
}

// ---- assignments ----

TEST_P(StoreTest, AssignmentsUpsertLoadAndPurge) {
  const LinkId a = insert(make_link("a")).id;
  const LinkId b = insert(make_link("b")).id;
  const Central central = insert_central({a, b}, "loja");
  const VisitorId v1{.hi = 0xFEDC'BA98'7654'3210ull, .lo = 0x8000'0000'0000'0001ull};
  const VisitorId v2{.hi = 1, .lo = 2};
  const VisitorId v3{.hi = ~0ull, .lo = ~0ull};

  std::vector<Assignment> batch = {
      {.central_id = central.id, .visitor = v1, .link_id = a, .last_seen = Timestamp{1000s}},
      {.central_id = central.id, .visitor = v2, .link_id = b, .last_seen = Timestamp{2000s}},
      {.central_id = central.id, .visitor = v3, .link_id = a, .last_seen = Timestamp{3000s}},
      // Deleted central or link: skipped, not an error for the whole batch.
      {.central_id = 9999, .visitor = v1, .link_id = a, .last_seen = Timestamp{3000s}},
      {.central_id = central.id, .visitor = {7, 7}, .link_id = 9999, .last_seen = Timestamp{3000s}},
  };
  auto saved = store_->save_assignments(batch);
  ASSERT_TRUE(saved) << why(saved);
  EXPECT_TRUE(store_->save_assignments({}));

  auto all = store_->load_assignments(Timestamp{});
  ASSERT_TRUE(all) << why(all);
  ASSERT_EQ(all->size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_TRUE(std::ranges::any_of(*all, [&](const Assignment& x) {
      return same_assignment(x, batch[i]);
    })) << i;
  }

  auto recent = store_->load_assignments(Timestamp{2000s});  // inclusive
  ASSERT_TRUE(recent) << why(recent);
  EXPECT_EQ(recent->size(), 2u);

  // Upsert: v1 moves to b and is seen later; an older sighting of v2 is ignored.
  const std::vector<Assignment> update = {
      {.central_id = central.id, .visitor = v1, .link_id = b, .last_seen = Timestamp{4000s}},
      {.central_id = central.id, .visitor = v2, .link_id = a, .last_seen = Timestamp{1500s}},
  };
  ASSERT_TRUE(store_->save_assignments(update));
  all = store_->load_assignments(Timestamp{});
  ASSERT_TRUE(all) << why(all);
  ASSERT_EQ(all->size(), 3u);
  EXPECT_TRUE(std::ranges::any_of(
      *all, [&](const Assignment& x) { return same_assignment(x, update[0]); }));
  EXPECT_TRUE(
      std::ranges::any_of(*all, [&](const Assignment& x) { return same_assignment(x, batch[1]); }));

  auto found = store_->find_assignment(central.id, v1);
  ASSERT_TRUE(found) << why(found);
  ASSERT_TRUE(found->has_value());
  EXPECT_TRUE(same_assignment(**found, update[0]));
  auto missing = store_->find_assignment(central.id, VisitorId{.hi = 5, .lo = 5});
  ASSERT_TRUE(missing) << why(missing);
  EXPECT_FALSE(missing->has_value());

  auto purged = store_->purge_assignments(Timestamp{3000s});  // strictly before
  ASSERT_TRUE(purged) << why(purged);
  EXPECT_EQ(*purged, 1);  // v2
  all = store_->load_assignments(Timestamp{});
  ASSERT_TRUE(all);
  EXPECT_EQ(all->size(), 2u);
  auto none = store_->purge_assignments(Timestamp{0s});
  ASSERT_TRUE(none);
  EXPECT_EQ(*none, 0);
}

// Two nodes racing on one visitor: the first claim is stored, later claims
// get it back instead of overwriting it.
TEST_P(StoreTest, ClaimAssignmentKeepsTheFirstClaim) {
  const LinkId a = insert(make_link("a")).id;
  const LinkId b = insert(make_link("b")).id;
  const Central central = insert_central({a, b}, "loja");
  const VisitorId visitor{.hi = 0x8000'0000'0000'0000ull, .lo = 42};
  const Assignment first{
      .central_id = central.id, .visitor = visitor, .link_id = a, .last_seen = Timestamp{100s}};
  auto won = store_->claim_assignment(first);
  ASSERT_TRUE(won) << why(won);
  EXPECT_TRUE(same_assignment(*won, first));

  Assignment second = first;
  second.link_id = b;
  second.last_seen = Timestamp{200s};
  auto lost = store_->claim_assignment(second);
  ASSERT_TRUE(lost) << why(lost);
  EXPECT_TRUE(same_assignment(*lost, first));
  auto stored = store_->find_assignment(central.id, visitor);
  ASSERT_TRUE(stored && stored->has_value()) << why(stored);
  EXPECT_TRUE(same_assignment(**stored, first));

  // A central or link that does not exist: nothing to claim.
  Assignment orphan = first;
  orphan.central_id = 9999;
  auto no_central = store_->claim_assignment(orphan);
  ASSERT_FALSE(no_central);
  EXPECT_EQ(no_central.error().code, ErrorCode::kNotFound);
  orphan = first;
  orphan.visitor.lo = 43;
  orphan.link_id = 9999;
  auto no_link = store_->claim_assignment(orphan);
  ASSERT_FALSE(no_link);
  EXPECT_EQ(no_link.error().code, ErrorCode::kNotFound);
}

TEST_P(StoreTest, RecentAssignmentsAreTheNewestOldestFirst) {
  const LinkId a = insert(make_link("a")).id;
  const LinkId b = insert(make_link("b")).id;
  const Central central = insert_central({a, b}, "loja");
  std::vector<Assignment> batch;
  for (std::uint64_t i = 1; i <= 5; ++i) {
    batch.push_back({.central_id = central.id,
                     .visitor = {.hi = i, .lo = i},
                     .link_id = i % 2 == 0 ? a : b,
                     .last_seen = Timestamp{std::chrono::seconds(i)}});
  }
  ASSERT_TRUE(store_->save_assignments(batch));
  auto two = store_->load_recent_assignments(Timestamp{2s}, 2);
  ASSERT_TRUE(two) << why(two);
  ASSERT_EQ(two->size(), 2u);
  EXPECT_TRUE(same_assignment(two->at(0), batch[3]));
  EXPECT_TRUE(same_assignment(two->at(1), batch[4]));
  auto since = store_->load_recent_assignments(Timestamp{2s}, 10);
  ASSERT_TRUE(since) << why(since);
  ASSERT_EQ(since->size(), 4u);
  EXPECT_TRUE(same_assignment(since->front(), batch[1]));
}

TEST_P(StoreTest, AssignmentsGoWithTheirCentralOrLink) {
  const LinkId a = insert(make_link("a")).id;
  const LinkId b = insert(make_link("b")).id;
  const Central one = insert_central({a, b}, "loja1");
  const Central two = insert_central({a, b}, "loja2");
  const std::vector<Assignment> batch = {
      {.central_id = one.id, .visitor = {1, 1}, .link_id = a, .last_seen = Timestamp{10s}},
      {.central_id = two.id, .visitor = {1, 1}, .link_id = b, .last_seen = Timestamp{10s}},
      {.central_id = two.id, .visitor = {2, 2}, .link_id = a, .last_seen = Timestamp{10s}},
  };
  ASSERT_TRUE(store_->save_assignments(batch));
  ASSERT_TRUE(store_->delete_central(one.id));
  ASSERT_TRUE(store_->delete_link(a));
  auto left = store_->load_assignments(Timestamp{});
  ASSERT_TRUE(left) << why(left);
  ASSERT_EQ(left->size(), 1u);
  EXPECT_TRUE(same_assignment(left->at(0), batch[1]));
}

TEST_P(StoreTest, AssignmentBatchWithOneVisitorTwiceKeepsTheNewest) {
  const LinkId a = insert(make_link("a")).id;
  const LinkId b = insert(make_link("b")).id;
  const Central central = insert_central({a, b}, "loja");
  const VisitorId v{.hi = 9, .lo = 9};
  const std::vector<Assignment> batch = {
      {.central_id = central.id, .visitor = v, .link_id = b, .last_seen = Timestamp{2000s}},
      {.central_id = central.id, .visitor = v, .link_id = a, .last_seen = Timestamp{1000s}},
  };
  ASSERT_TRUE(store_->save_assignments(batch));
  auto found = store_->find_assignment(central.id, v);
  ASSERT_TRUE(found && found->has_value()) << why(found);
  EXPECT_TRUE(same_assignment(**found, batch[0]));
}

// ---- clicks and reports ----

ClickRecord sample_click(std::int64_t at, LinkId entry, LinkId served) {
  ClickRecord c;
  c.at = Timestamp{std::chrono::seconds{at}};
  c.entry_link_id = entry;
  c.link_id = served;
  c.visitor = {.hi = 0xFFFF'0000'FFFF'0000ull, .lo = 1};
  c.outcome = "link";
  c.device = "android";
  return c;
}

TEST_P(StoreTest, ChooserViewsAreCountedInRollupsButNeverStoredAsClicks) {
  ClickRecord view = sample_click(7200, 5, 0);
  view.kind = ClickKind::kView;
  view.central_id = 4;
  ClickRecord click = sample_click(7200, 5, 5);
  const std::vector<ClickRecord> batch = {view, click};
  const auto rollups = rollups_of(batch);
  ASSERT_TRUE(store_->insert_clicks(batch, rollups));
  auto raw = store_->load_clicks(5, Timestamp{0s}, Timestamp{100000s}, 100);
  ASSERT_TRUE(raw) << why(raw);
  ASSERT_EQ(raw->size(), 1u);
  EXPECT_EQ((*raw)[0].kind, ClickKind::kClick);
  auto views = store_->load_rollups(StatsScope::kCentral, 4, "views", 0, 100, false);
  ASSERT_TRUE(views) << why(views);
  ASSERT_EQ(views->size(), 1u);
  EXPECT_EQ((*views)[0].count, 1);
}

TEST_P(StoreTest, ClicksRoundTripEveryField) {
  ClickRecord full = sample_click(7200, 5, 6);
  full.kind = ClickKind::kClick;
  full.central_id = 4;
  full.new_visitor = false;
  full.outcome = "rotation";
  full.browser = "instagram";
  full.referrer = "NULL";  // a plain string, not SQL NULL
  // Quotes, backslashes, braces, commas, tabs, line ends, "\." and non-ASCII
  // survive the batch encoding.
  full.utm_source = R"(in"sta\gram{x},y)";
  full.utm_term = " spaced tab\there\nnew line\r\n\\.\nend ";
  full.utm_medium = "";
  full.utm_campaign = "promoção 🎉";
  full.utm_content = "a'b";
  full.gclid = true;
  full.fbclid = true;
  full.source = ClickSource::kQr;
  full.ref = "K7Q2";
  ClickRecord preview = sample_click(7300, 6, 0);
  preview.kind = ClickKind::kPreview;
  const std::vector<ClickRecord> batch = {full, preview, sample_click(9000, 7, 7)};
  ASSERT_TRUE(store_->insert_clicks(batch, {}));
  EXPECT_TRUE(store_->insert_clicks({}, {}));

  auto loaded = store_->load_clicks(6, Timestamp{0s}, Timestamp{100000s}, 100);
  ASSERT_TRUE(loaded) << why(loaded);
  ASSERT_EQ(loaded->size(), 2u);  // served by 6, and entering through 6
  const ClickRecord& got = (*loaded)[0];
  EXPECT_EQ(got.at, full.at);
  EXPECT_EQ(got.kind, full.kind);
  EXPECT_EQ(got.central_id, full.central_id);
  EXPECT_EQ(got.entry_link_id, full.entry_link_id);
  EXPECT_EQ(got.link_id, full.link_id);
  EXPECT_EQ(got.visitor, full.visitor);
  EXPECT_EQ(got.new_visitor, full.new_visitor);
  EXPECT_EQ(got.outcome, full.outcome);
  EXPECT_EQ(got.device, full.device);
  EXPECT_EQ(got.browser, full.browser);
  EXPECT_EQ(got.referrer, full.referrer);
  EXPECT_EQ(got.utm_source, full.utm_source);
  EXPECT_EQ(got.utm_medium, full.utm_medium);
  EXPECT_EQ(got.utm_campaign, full.utm_campaign);
  EXPECT_EQ(got.utm_term, full.utm_term);
  EXPECT_EQ(got.utm_content, full.utm_content);
  EXPECT_EQ(got.gclid, full.gclid);
  EXPECT_EQ(got.fbclid, full.fbclid);
  EXPECT_EQ(got.source, full.source);
  EXPECT_EQ(got.ref, full.ref);
  EXPECT_EQ((*loaded)[1].kind, ClickKind::kPreview);

  // [from, to) and the limit, oldest first.
  auto window = store_->load_clicks(6, Timestamp{7200s}, Timestamp{7300s}, 100);
  ASSERT_TRUE(window);
  EXPECT_EQ(window->size(), 1u);
  auto limited = store_->load_clicks(6, Timestamp{0s}, Timestamp{100000s}, 1);
  ASSERT_TRUE(limited && limited->size() == 1u);
  EXPECT_EQ(limited->front().at, full.at);

  auto purged = store_->purge_clicks(Timestamp{7300s});
  ASSERT_TRUE(purged) << why(purged);
  EXPECT_EQ(*purged, 1);
  auto left = store_->load_clicks(7, Timestamp{0s}, Timestamp{100000s}, 100);
  ASSERT_TRUE(left);
  EXPECT_EQ(left->size(), 1u);
}

TEST_P(StoreTest, RollupsAddUpAndSumPerKeyOrPerHour) {
  const auto delta = [](std::int64_t hour, const std::string& key, std::int64_t count) {
    return RollupDelta{.scope = StatsScope::kLink,
                       .scope_id = 3,
                       .hour = hour,
                       .dimension = "device",
                       .key = key,
                       .count = count};
  };
  // One key twice in a batch, and again in a later batch.
  const std::vector<RollupDelta> first = {delta(10, "ios", 2), delta(10, "ios", 3),
                                          delta(11, "android", 1), delta(12, "ios", 4)};
  ASSERT_TRUE(store_->insert_clicks({}, first));
  const std::vector<RollupDelta> second = {delta(10, "ios", 1), delta(11, "android", 9)};
  ASSERT_TRUE(store_->insert_clicks({}, second));
  RollupDelta other_scope = delta(10, "ios", 100);
  other_scope.scope = StatsScope::kCentral;
  RollupDelta other_dimension = delta(10, "ios", 100);
  other_dimension.dimension = "browser";
  ASSERT_TRUE(store_->insert_clicks({}, std::vector<RollupDelta>{other_scope, other_dimension}));

  auto totals = store_->load_rollups(StatsScope::kLink, 3, "device", 10, 12, false);
  ASSERT_TRUE(totals) << why(totals);
  ASSERT_EQ(totals->size(), 2u);           // hour 12 is outside [10, 12)
  EXPECT_EQ((*totals)[0].key, "android");  // the biggest first
  EXPECT_EQ((*totals)[0].count, 10);
  EXPECT_EQ((*totals)[0].hour, -1);
  EXPECT_EQ((*totals)[1].key, "ios");
  EXPECT_EQ((*totals)[1].count, 6);

  auto hourly = store_->load_rollups(StatsScope::kLink, 3, "device", 0, 100, true);
  ASSERT_TRUE(hourly) << why(hourly);
  ASSERT_EQ(hourly->size(), 3u);
  EXPECT_EQ((*hourly)[0].hour, 10);
  EXPECT_EQ((*hourly)[0].count, 6);
  EXPECT_EQ((*hourly)[1].hour, 11);
  EXPECT_EQ((*hourly)[2].hour, 12);
  EXPECT_EQ((*hourly)[2].count, 4);

  ASSERT_TRUE(store_->reset_link_stats(3));
  auto reset = store_->load_rollups(StatsScope::kLink, 3, "device", 0, 100, false);
  ASSERT_TRUE(reset);
  EXPECT_TRUE(reset->empty());
  auto central = store_->load_rollups(StatsScope::kCentral, 3, "device", 0, 100, false);
  ASSERT_TRUE(central);
  EXPECT_EQ(central->size(), 1u);  // a central's report is not a link's
}

TEST_P(StoreTest, TextTheDatabaseCannotStoreIsCleanedNotRefused) {
  ClickRecord c = sample_click(7200, 5, 5);
  c.utm_source = std::string("in\0sta", 6);  // a NUL broke PostgreSQL's array literal
  c.utm_medium = "bad\xff\xfe";              // invalid UTF-8
  c.referrer = std::string("\0", 1);
  c.utm_campaign = "promoção";  // valid UTF-8 is kept as it is
  const std::vector<ClickRecord> batch = {sample_click(7200, 5, 5), c, sample_click(7201, 5, 5)};
  const auto stored = store_->insert_clicks(batch, rollups_of(batch));
  ASSERT_TRUE(stored) << why(stored);
  auto loaded = store_->load_clicks(5, Timestamp{0s}, Timestamp{100000s}, 100);
  ASSERT_TRUE(loaded) << why(loaded);
  ASSERT_EQ(loaded->size(), 3u);
  const auto cleaned = std::ranges::find(*loaded, "insta", &ClickRecord::utm_source);
  ASSERT_NE(cleaned, loaded->end());
  EXPECT_EQ(cleaned->utm_medium, "bad\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(cleaned->referrer, "");
  EXPECT_EQ(cleaned->utm_campaign, "promoção");
  auto sources = store_->load_rollups(StatsScope::kLink, 5, "utm_source", 0, 100, false);
  ASSERT_TRUE(sources) << why(sources);
  ASSERT_EQ(sources->size(), 2u);
  EXPECT_EQ((*sources)[0].key, "(none)");
  EXPECT_EQ((*sources)[1].key, "insta");
}

TEST_P(StoreTest, ARowTheSchemaRefusesFailsTheBatchButNotAsUnavailable) {
  ClickRecord bad = sample_click(7200, 5, 5);
  bad.kind = static_cast<ClickKind>(7);  // CHECK (kind IN (0, 1))
  const std::vector<ClickRecord> batch = {sample_click(7200, 5, 5), bad};
  const auto refused = store_->insert_clicks(batch, rollups_of(batch));
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().code, ErrorCode::kUnavailable) << refused.error().message;
  auto loaded = store_->load_clicks(5, Timestamp{0s}, Timestamp{100000s}, 100);
  ASSERT_TRUE(loaded);
  EXPECT_TRUE(loaded->empty()) << "the whole batch is rolled back";
}

TEST_P(StoreTest, RollupKeysPerHourAreCappedAndTheRestFoldedIntoOther) {
  // 1,000 random utm_source values in one hour, in four batches.
  std::mt19937 random(7);
  std::int64_t first_key_clicks = 0;
  std::string first_key;
  for (int b = 0; b < 4; ++b) {
    std::vector<ClickRecord> batch;
    for (int i = 0; i < 250; ++i) {
      ClickRecord c = sample_click(7200 + i, 5, 5);
      c.utm_source = "src" + std::to_string(random());
      batch.push_back(c);
    }
    if (b == 0) {
      first_key = std::ranges::min(batch, {}, &ClickRecord::utm_source).utm_source;
    } else {
      // A key stored in the first batch keeps counting in its own row.
      ClickRecord again = sample_click(7300, 5, 5);
      again.utm_source = first_key;
      batch.push_back(again);
      ++first_key_clicks;
    }
    ASSERT_TRUE(store_->insert_clicks(batch, rollups_of(batch)));
  }
  auto rows = store_->load_rollups(StatsScope::kLink, 5, "utm_source", 2, 3, false);
  ASSERT_TRUE(rows) << why(rows);
  EXPECT_LE(rows->size(), kRollupKeysPerHour + 1);
  std::int64_t total = 0;
  std::int64_t other = 0;
  std::int64_t first = 0;
  for (const RollupRow& r : *rows) {
    total += r.count;
    if (r.key == kOtherKey) other = r.count;
    if (r.key == first_key) first = r.count;
  }
  EXPECT_EQ(total, 1000 + first_key_clicks) << "every click is counted";
  EXPECT_EQ(other, 1000 - static_cast<std::int64_t>(kRollupKeysPerHour));
  EXPECT_EQ(first, 1 + first_key_clicks);
  // Dimensions the server chooses are not capped, and the next hour starts afresh.
  auto devices = store_->load_rollups(StatsScope::kLink, 5, "device", 2, 3, false);
  ASSERT_TRUE(devices);
  EXPECT_EQ(devices->size(), 1u);
  std::vector<ClickRecord> later;
  for (int i = 0; i < 3; ++i) {
    later.push_back(sample_click(3 * 3600 + i, 5, 5));
    later.back().utm_source = "next" + std::to_string(i);
  }
  ASSERT_TRUE(store_->insert_clicks(later, rollups_of(later)));
  auto next_hour = store_->load_rollups(StatsScope::kLink, 5, "utm_source", 3, 4, false);
  ASSERT_TRUE(next_hour);
  EXPECT_EQ(next_hour->size(), 3u);
}

// ---- persistence and sharing ----

TEST_P(StoreTest, ReopeningKeepsEverything) {
  Link anchor_link = make_link("MinhaCentral");
  anchor_link.message = "Oi 👋";
  const Link anchor = insert(anchor_link);
  const Link joao = insert(make_link("joao"));
  Central central;
  central.anchor_id = anchor.id;
  central.fixed = true;
  central.when_closed = WhenClosed::kPage;
  central.members = {{.link_id = joao.id, .weight = 2, .hours = sample_schedule()}};
  auto stored = store_->insert_central(central);
  ASSERT_TRUE(stored) << why(stored);
  const std::vector<CursorUpdate> cursor = {{.central_id = stored->id, .cursor = 12345}};
  ASSERT_TRUE(store_->save_cursors(cursor));
  central = *stored;
  central.cursor = 12345;
  ASSERT_TRUE(store_->insert_token("ci", "hash"));
  const Assignment assignment{.central_id = stored->id,
                              .visitor = {0xAAAA'AAAA'AAAA'AAAAull, 3},
                              .link_id = joao.id,
                              .last_seen = Timestamp{1'800'000'000s}};
  ASSERT_TRUE(store_->save_assignments(std::span(&assignment, 1)));

  store_.reset();
  auto reopened = database_->open();
  ASSERT_TRUE(reopened) << why(reopened);
  store_ = std::move(*reopened);

  auto loaded_links = links();
  ASSERT_EQ(loaded_links.size(), 2u);
  expect_same_link(loaded_links[0], anchor);
  expect_same_link(loaded_links[1], joao);
  auto loaded_centrals = centrals();
  ASSERT_EQ(loaded_centrals.size(), 1u);
  expect_same_central(loaded_centrals[0], central);
  auto token = store_->find_token("hash");
  ASSERT_TRUE(token && token->has_value());
  EXPECT_EQ((*token)->name, "ci");
  auto assignments = store_->load_assignments(Timestamp{});
  ASSERT_TRUE(assignments && assignments->size() == 1u);
  EXPECT_TRUE(same_assignment(assignments->at(0), assignment));
}

// The CLI's `token create` runs while the server has the database open.
TEST_P(StoreTest, TwoOpenStoresSeeEachOthersWrites) {
  auto other = database_->open();
  ASSERT_TRUE(other) << why(other);
  auto token = (*other)->insert_token("cli", "hash-cli");
  ASSERT_TRUE(token) << why(token);
  auto found = store_->find_token("hash-cli");
  ASSERT_TRUE(found) << why(found);
  EXPECT_TRUE(found->has_value());

  insert(make_link("joao"));
  auto seen = (*other)->load_links();
  ASSERT_TRUE(seen) << why(seen);
  EXPECT_EQ(seen->size(), 1u);
  // The slug rule holds across connections too.
  auto clash = (*other)->insert_link(make_link("JOAO"));
  ASSERT_FALSE(clash);
  EXPECT_EQ(clash.error().code, ErrorCode::kConflict);
}

TEST_P(StoreTest, ConcurrentCallsFromSeveralThreads) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 25;
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        auto r = store_->insert_link(make_link("t" + std::to_string(t) + "-" + std::to_string(i)));
        if (!r) ++failures;
        if (!store_->load_links()) ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  auto loaded = links();
  ASSERT_EQ(loaded.size(), static_cast<std::size_t>(kThreads * kPerThread));
  for (std::size_t i = 1; i < loaded.size(); ++i) EXPECT_LT(loaded[i - 1].id, loaded[i].id);
}

// ---- open_store ----

// Nothing listens on port 1: both URL schemes reach the PostgreSQL backend,
// which answers kUnavailable quickly and does not echo the password.
TEST(OpenStoreTest, PostgresUrlsOpenThePostgresBackend) {
  for (const char* url : {"postgres://user:secret-pw@127.0.0.1:1/sequencial?connect_timeout=2",
                          "postgresql://127.0.0.1:1/db"}) {
    const auto start = std::chrono::steady_clock::now();
    auto store = open_store(url);
    ASSERT_FALSE(store) << url;
    EXPECT_LT(std::chrono::steady_clock::now() - start, 3s) << url;
    EXPECT_EQ(store.error().code, ErrorCode::kUnavailable) << url;
    EXPECT_EQ(store.error().field, "db");
    EXPECT_EQ(store.error().message.find("secret-pw"), std::string::npos);
  }
}

TEST(OpenStoreTest, SqliteUrlPrefixesNameAFile) {
  TempDir dir;
  const auto plain = dir.path() / "plain.db";
  const auto with_slashes = dir.path() / "slashes.db";
  const auto with_colon = dir.path() / "colon.db";
  for (const std::string& url :
       {plain.string(), "sqlite://" + with_slashes.string(), "sqlite:" + with_colon.string()}) {
    auto store = open_store(url);
    ASSERT_TRUE(store) << url << ": " << why(store);
    EXPECT_TRUE((*store)->insert_link(make_link("joao")));
  }
  EXPECT_TRUE(std::filesystem::exists(plain));
  EXPECT_TRUE(std::filesystem::exists(with_slashes));
  EXPECT_TRUE(std::filesystem::exists(with_colon));
  EXPECT_FALSE(std::filesystem::exists("sqlite:" + with_colon.string()));
}

TEST(OpenStoreTest, BadPathsAreErrorsOnFieldDb) {
  TempDir dir;
  for (const std::string& url :
       {std::string(), std::string("sqlite://"), (dir.path() / "no-such-dir" / "x.db").string()}) {
    auto store = open_store(url);
    ASSERT_FALSE(store) << url;
    EXPECT_EQ(store.error().field, "db") << url;
  }
}

}  // namespace
}  // namespace sequencial
