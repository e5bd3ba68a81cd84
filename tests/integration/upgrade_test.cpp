// Upgrading (issue 17, "upgrade notes"): the real server started on a
// database left at every earlier schema version, SQLite and PostgreSQL,
// migrates it at start and serves what it held: the links redirect, the
// central rotates over its members, the admin API lists them, and a new
// link gets a new id. The old databases are made by running the first N
// migrations of this build (the migration lists are append-only, so these
// are the schemas earlier releases wrote), then filled with plain SQL.
#include <gtest/gtest.h>

#include <set>

#include "../storage/pg_test_database.h"
#include "storage/postgres/pg_conn.h"
#include "storage/postgres/pg_migrations.h"
#include "storage/sqlite/migrations.h"
#include "storage/sqlite/sqlite_db.h"
#include "support/fixtures.h"

namespace sequencial::itest {
namespace {

// Three attendants, an anchor, and a central over the three, as each backend
// stored them since schema version 1 (SQLite keeps a lower-case slug_key
// column, PostgreSQL an index on lower(slug)).
constexpr const char* kSqliteRows[] = {
    "INSERT INTO links (slug, slug_key, phone, message, label, created_at) VALUES"
    " ('a1', 'a1', '5511999990001', 'Oi', '', 1700000000),"
    " ('a2', 'a2', '5511999990002', 'Oi', '', 1700000000),"
    " ('a3', 'a3', '5511999990003', 'Oi', '', 1700000000),"
    " ('Loja', 'loja', '5511999990000', 'Oi', 'a loja', 1700000000)",
    "INSERT INTO centrals (anchor_id, created_at) SELECT id, 1700000000 FROM links"
    " WHERE slug_key = 'loja'",
    "INSERT INTO central_members (central_id, position, link_id, weight)"
    " SELECT c.id, l.id - 1, l.id, 1 FROM centrals c, links l"
    " WHERE l.slug_key IN ('a1', 'a2', 'a3')",
};
constexpr const char* kPgRows[] = {
    "INSERT INTO links (slug, phone, message, label, created_at) VALUES"
    " ('a1', '5511999990001', 'Oi', '', 1700000000),"
    " ('a2', '5511999990002', 'Oi', '', 1700000000),"
    " ('a3', '5511999990003', 'Oi', '', 1700000000),"
    " ('Loja', '5511999990000', 'Oi', 'a loja', 1700000000)",
    "INSERT INTO centrals (anchor_id, created_at) SELECT id, 1700000000 FROM links"
    " WHERE lower(slug) = 'loja'",
    "INSERT INTO central_members (central_id, position, link_id, weight)"
    " SELECT c.id, l.id - 1, l.id, 1 FROM centrals c, links l"
    " WHERE lower(l.slug) IN ('a1', 'a2', 'a3')",
};

// Starts the server on `db`, checks everything the old database held is
// served, and that the schema is now the latest.
void expect_served_after_upgrade(const std::string& db, const TempDir& dir) {
  std::string error;
  auto server = ServerProcess::start(sequencial_binary(),
                                     {"--db", db, "--click-spool", dir.file("clicks.spool")},
                                     dir.file("serve.log"), error);
  ASSERT_TRUE(server) << error;
  HttpClient http(server->port());
  EXPECT_EQ(wa_number(http.get("/a2").header_or_empty("Location")), "5511999990002")
      << server->log();
  std::set<std::string> served;
  for (int i = 0; i < 3; ++i)
    served.insert(wa_number(http.get("/loja").header_or_empty("Location")));
  EXPECT_EQ(served, (std::set<std::string>{"5511999990001", "5511999990002", "5511999990003"}))
      << "the central rotates over its three members";

  // The token is made once the server has migrated the file.
  const CommandResult token =
      run_command({sequencial_binary(), "token", "create", "--db", db, "--name", "up"}, dir.path());
  ASSERT_EQ(token.exit_code, 0) << token.out << token.err;
  AdminClient api(server->port(), token.out.substr(0, token.out.find('\n')));
  const ApiResponse links = api.get("/api/v1/links");
  ASSERT_EQ(links.status, 200) << links.raw.body;
  EXPECT_EQ(links.body["items"].size(), 4u);
  const json made = api.create_link("novo", "5511999990009");
  EXPECT_GT(made["id"].get<std::int64_t>(), 4);
  EXPECT_EQ(server->stop(), 0) << server->log();
}

class SqliteUpgradeTest : public ::testing::TestWithParam<int> {};

TEST_P(SqliteUpgradeTest, TheServerMigratesAndServesAnOlderDatabase) {
  TempDir dir;
  const std::string path = dir.file("old.db");
  {
    auto db = sqlite::Db::open(path);
    ASSERT_TRUE(db) << db.error().message;
    const auto all = sqlite::migrations();
    auto at = sqlite::migrate(*db, all.first(static_cast<std::size_t>(GetParam())));
    ASSERT_TRUE(at) << at.error().message;
    ASSERT_EQ(*at, GetParam());
    for (const char* sql : kSqliteRows) ASSERT_TRUE(db->exec(sql)) << sql;
  }
  expect_served_after_upgrade(path, dir);
  auto db = sqlite::Db::open(path);
  ASSERT_TRUE(db);
  auto version = db->query("SELECT max(version) FROM schema_version");
  ASSERT_TRUE(version);
  auto row = version->step();
  ASSERT_TRUE(row && *row);
  EXPECT_EQ(version->int_at(0), static_cast<std::int64_t>(sqlite::migrations().size()));
}

INSTANTIATE_TEST_SUITE_P(EveryEarlierVersion, SqliteUpgradeTest,
                         ::testing::Range(1, static_cast<int>(sqlite::migrations().size())),
                         [](const auto& info) { return "v" + std::to_string(info.param); });

class PgUpgradeTest : public ::testing::TestWithParam<int> {};

TEST_P(PgUpgradeTest, TheServerMigratesAndServesAnOlderDatabase) {
  const auto url = test_support::pg_server_url();
  if (!url) {
    if (test_support::running_in_ci()) FAIL() << test_support::kNoPgServer;
    GTEST_SKIP() << test_support::kNoPgServer;
  }
  test_support::PgTestDatabase database(*url);
  ASSERT_TRUE(database.error().empty()) << database.error();
  {
    auto conn = postgres::Connection::open(database.url());
    ASSERT_TRUE(conn) << conn.error().message;
    const auto all = postgres::migrations();
    auto at = postgres::migrate(*conn, all.first(static_cast<std::size_t>(GetParam())));
    ASSERT_TRUE(at) << at.error().message;
    for (const char* sql : kPgRows) {
      auto done = conn->exec(sql);
      ASSERT_TRUE(done) << sql << ": " << done.error().message;
    }
    // The central's rotation counter, as the store creates it with the central.
    auto central = conn->exec("SELECT id FROM centrals");
    ASSERT_TRUE(central && central->rows() == 1);
    ASSERT_TRUE(conn->exec("CREATE SEQUENCE " + postgres::ticket_sequence(central->int_at(0, 0)) +
                           " MINVALUE 0 START 0"));
  }
  TempDir dir;
  expect_served_after_upgrade(database.url(), dir);
}

INSTANTIATE_TEST_SUITE_P(EveryEarlierVersion, PgUpgradeTest,
                         ::testing::Range(1, static_cast<int>(postgres::migrations().size())),
                         [](const auto& info) { return "v" + std::to_string(info.param); });

}  // namespace
}  // namespace sequencial::itest
