// What only the SQLite backend has: the file and its PRAGMAs, schema
// migrations (new, empty, older and newer files), several processes on one
// file, and damaged contents answered with errors instead of crashes. The
// Store contract itself is tested by store_test.cpp for every backend.
#include "storage/sqlite/sqlite_store.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "storage/sqlite/migrations.h"
#include "storage/sqlite/sqlite_db.h"
#include "temp_dir.h"

namespace sequencial::sqlite {
namespace {

using test_support::TempDir;

template <typename T>
std::string why(const Result<T>& result) {
  if (result) return "ok";
  const Error& e = result.error();
  return std::string(error_code_name(e.code)) + " [" + e.field + "] " + e.message;
}

// The first column of the first row of `sql`, read through a raw connection.
std::string scalar(const std::string& path, const std::string& sql) {
  auto db = Db::open(path);
  EXPECT_TRUE(db) << why(db);
  if (!db) return {};
  auto q = db->query(sql);
  EXPECT_TRUE(q) << why(q);
  if (!q) return {};
  auto row = q->step();
  EXPECT_TRUE(row) << why(row);
  return row && *row ? q->text_at(0) : std::string("<no row>");
}

void exec(const std::string& path, const std::string& sql) {
  auto db = Db::open(path);
  ASSERT_TRUE(db) << why(db);
  auto done = db->exec(sql);
  ASSERT_TRUE(done) << why(done);
}

Link make_link(std::string slug) {
  Link link;
  link.slug = std::move(slug);
  link.phone = "5511999990001";
  return link;
}

const std::string kLatest = std::to_string(migrations().size());

TEST(SqliteStoreTest, MigrationsAreNumberedFromOne) {
  ASSERT_FALSE(migrations().empty());
  for (std::size_t i = 0; i < migrations().size(); ++i) {
    EXPECT_EQ(migrations()[i].version, static_cast<int>(i) + 1);
  }
}

TEST(SqliteStoreTest, OpenCreatesTheFileWithTheSchemaInWalMode) {
  TempDir dir;
  const std::string path = dir.file("new.db");
  ASSERT_FALSE(std::filesystem::exists(path));
  auto store = SqliteStore::open(path);
  ASSERT_TRUE(store) << why(store);
  EXPECT_TRUE(std::filesystem::exists(path));

  EXPECT_EQ(scalar(path, "PRAGMA journal_mode"), "wal");  // persistent in the file
  EXPECT_EQ(scalar(path, "SELECT max(version) FROM schema_version"), kLatest);
  for (const char* table : {"links", "centrals", "central_members", "api_tokens", "assignments"}) {
    EXPECT_EQ(scalar(path, std::string("SELECT count(*) FROM sqlite_schema WHERE type = 'table'"
                                       " AND name = '") +
                               table + "'"),
              "1")
        << table;
  }
  EXPECT_EQ(scalar(path,
                   "SELECT count(*) FROM sqlite_schema WHERE type = 'index'"
                   " AND name = 'assignments_by_last_seen'"),
            "1");
}

TEST(SqliteStoreTest, AnEmptyFileIsMigratedAndReopeningIsIdempotent) {
  TempDir dir;
  const std::string path = dir.file("empty.db");
  std::ofstream(path).close();  // zero bytes: a valid, empty SQLite database
  ASSERT_EQ(std::filesystem::file_size(path), 0u);
  {
    auto store = SqliteStore::open(path);
    ASSERT_TRUE(store) << why(store);
    ASSERT_TRUE((*store)->insert_link(make_link("joao")));
  }
  for (int i = 0; i < 3; ++i) {
    auto store = SqliteStore::open(path);
    ASSERT_TRUE(store) << why(store);
    auto links = (*store)->load_links();
    ASSERT_TRUE(links) << why(links);
    EXPECT_EQ(links->size(), 1u);
  }
  EXPECT_EQ(scalar(path, "SELECT count(*) FROM schema_version"), kLatest);
  EXPECT_EQ(scalar(path, "SELECT max(version) FROM schema_version"), kLatest);
}

TEST(SqliteStoreTest, AnOlderSchemaIsMigratedForwardKeepingData) {
  TempDir dir;
  const std::string path = dir.file("old.db");
  // A file written by a build that knew only version 1 ...
  {
    auto db = Db::open(path);
    ASSERT_TRUE(db) << why(db);
    auto version = migrate(*db, migrations().first(1));
    ASSERT_TRUE(version) << why(version);
    EXPECT_EQ(*version, 1);
    ASSERT_TRUE(
        db->exec("INSERT INTO links (slug, slug_key, phone, created_at)"
                 " VALUES ('Joao', 'joao', '5511999990001', 1700000000)"));
  }
  // ... opened by a build that knows one more version.
  std::vector<Migration> newer(migrations().begin(), migrations().end());
  const int next = static_cast<int>(newer.size()) + 1;
  newer.push_back({next,
                   "ALTER TABLE links ADD COLUMN note TEXT NOT NULL DEFAULT 'migrated';"
                   "CREATE TABLE extra (id INTEGER PRIMARY KEY) STRICT;"});
  {
    auto db = Db::open(path);
    ASSERT_TRUE(db) << why(db);
    auto version = migrate(*db, newer);
    ASSERT_TRUE(version) << why(version);
    EXPECT_EQ(*version, next);
    auto again = migrate(*db, newer);  // idempotent
    ASSERT_TRUE(again) << why(again);
    EXPECT_EQ(*again, next);
  }
  EXPECT_EQ(scalar(path, "SELECT slug || '/' || note FROM links"), "Joao/migrated");
  EXPECT_EQ(scalar(path, "SELECT count(*) FROM schema_version"), std::to_string(next));

  // That file is now newer than this build: refused, and left as it was.
  auto store = SqliteStore::open(path);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().field, "db");
  EXPECT_NE(store.error().message.find("newer"), std::string::npos) << store.error().message;
  EXPECT_EQ(scalar(path, "SELECT max(version) FROM schema_version"), std::to_string(next));
}

// Version 4 rebuilds links, centrals, api_tokens and users with
// AUTOINCREMENT: every row and every reference survives (no ON DELETE
// CASCADE fired by the rebuild), and the next ids start above every id still
// named anywhere, including a deleted link's clicks and rollups.
TEST(SqliteStoreTest, Version4KeepsEveryRowAndNeverReusesIds) {
  TempDir dir;
  const std::string path = dir.file("v3.db");
  {
    auto db = Db::open(path);
    ASSERT_TRUE(db) << why(db);
    ASSERT_TRUE(db->exec("PRAGMA foreign_keys = ON"));
    auto version = migrate(*db, migrations().first(3));
    ASSERT_TRUE(version) << why(version);
    ASSERT_TRUE(db->exec(
        "INSERT INTO links (id, slug, slug_key, phone, created_at) VALUES"
        " (1, 'Loja', 'loja', '5511999990001', 1700000000),"
        " (2, 'ana', 'ana', '5511999990002', 1700000000),"
        " (3, 'bia', 'bia', '5511999990003', 1700000000);"
        "INSERT INTO centrals (id, anchor_id, fixed, cursor, created_at) VALUES (1, 1, 1, 5, 1);"
        "INSERT INTO central_members (central_id, position, link_id, weight) VALUES"
        " (1, 0, 2, 1), (1, 1, 3, 2);"
        "INSERT INTO assignments VALUES (1, 7, 8, 3, 1700000000);"
        "INSERT INTO api_tokens (id, name, token_hash, created_at) VALUES (1, 'cli', 'h1', 1);"
        "INSERT INTO users (id, email, password_hash, created_at) VALUES (1, 'a@b.c', 'x', 1);"
        "INSERT INTO sessions VALUES ('s1', 1, 'csrf', 1, 99999999999);"
        // Link 9 and central 4 were deleted; their clicks and rollups remain.
        "INSERT INTO clicks (at, kind, central_id, entry_link_id, link_id, visitor_hi,"
        " visitor_lo, new_visitor) VALUES (1700000000, 0, 4, 9, 9, 1, 2, 1);"
        "INSERT INTO click_rollups VALUES (1, 4, 'attendant', 1, '11', 3);"));
  }
  auto store = SqliteStore::open(path);
  ASSERT_TRUE(store) << why(store);
  EXPECT_EQ(scalar(path, "SELECT count(*) FROM schema_version WHERE version = 4"), "1");
  EXPECT_EQ(scalar(path, "SELECT group_concat(id || slug, ',') FROM links"), "1Loja,2ana,3bia");
  EXPECT_EQ(scalar(path,
                   "SELECT group_concat(link_id || ':' || weight, ',') FROM"
                   " (SELECT * FROM central_members ORDER BY position)"),
            "2:1,3:2");
  EXPECT_EQ(scalar(path, "SELECT anchor_id || '/' || fixed || '/' || cursor FROM centrals"),
            "1/1/5");
  EXPECT_EQ(scalar(path, "SELECT count(*) FROM assignments"), "1");
  EXPECT_EQ(scalar(path, "SELECT count(*) FROM sessions"), "1");
  EXPECT_EQ(scalar(path, "SELECT name FROM api_tokens"), "cli");
  EXPECT_EQ(scalar(path, "SELECT count(*) FROM sqlite_schema WHERE name LIKE '%_v4'"), "0");
  // Foreign keys still hold on the rebuilt tables.
  auto dangling = (*store)->delete_link(1);
  ASSERT_FALSE(dangling);
  EXPECT_EQ(dangling.error().code, ErrorCode::kConflict);

  auto link = (*store)->insert_link(make_link("nova"));
  ASSERT_TRUE(link) << why(link);
  EXPECT_EQ(link->id, 12);  // above 9 (clicks) and 11 (an attendant in a rollup)
  Central central;
  central.anchor_id = link->id;
  auto made = (*store)->insert_central(central);
  ASSERT_TRUE(made) << why(made);
  EXPECT_EQ(made->id, 5);  // above central 4 of the clicks
  auto token = (*store)->insert_token("new", "h2");
  ASSERT_TRUE(token) << why(token);
  EXPECT_EQ(token->id, 2);
}

TEST(SqliteStoreTest, AFailingMigrationChangesNothing) {
  TempDir dir;
  const std::string path = dir.file("fail.db");
  std::vector<Migration> list(migrations().begin(), migrations().end());
  list.push_back({static_cast<int>(list.size()) + 1,
                  "CREATE TABLE half (id INTEGER PRIMARY KEY); THIS IS NOT SQL;"});
  auto db = Db::open(path);
  ASSERT_TRUE(db) << why(db);
  auto version = migrate(*db, list);
  ASSERT_FALSE(version);
  EXPECT_NE(version.error().message.find("migration to schema version"), std::string::npos)
      << version.error().message;
  // Not even version 1 was kept: every pending migration runs in one transaction.
  EXPECT_EQ(scalar(path, "SELECT count(*) FROM sqlite_schema WHERE name IN ('links', 'half')"),
            "0");
}

TEST(SqliteStoreTest, MigrationListMustBeInOrder) {
  TempDir dir;
  auto db = Db::open(dir.file("x.db"));
  ASSERT_TRUE(db) << why(db);
  const std::vector<Migration> gap = {{1, "SELECT 1;"}, {3, "SELECT 1;"}};
  auto version = migrate(*db, gap);
  ASSERT_FALSE(version);
  EXPECT_EQ(version.error().code, ErrorCode::kInternal);
}

TEST(SqliteStoreTest, ANewerSchemaIsRefused) {
  TempDir dir;
  const std::string path = dir.file("newer.db");
  ASSERT_TRUE(SqliteStore::open(path));
  exec(path, "INSERT INTO schema_version (version, applied_at) VALUES (999, 0)");

  auto store = SqliteStore::open(path);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(store.error().field, "db");
  EXPECT_NE(store.error().message.find("schema version 999 is newer"), std::string::npos)
      << store.error().message;
  EXPECT_EQ(scalar(path, "SELECT max(version) FROM schema_version"), "999");
}

TEST(SqliteStoreTest, AFileThatIsNotADatabaseIsAnError) {
  TempDir dir;
  const std::string path = dir.file("text.db");
  std::ofstream(path) << "this is not a SQLite database, just some text that is long enough\n"
                      << std::string(200, 'x');
  auto store = SqliteStore::open(path);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().field, "db");
  EXPECT_NE(store.error().message.find(path), std::string::npos) << store.error().message;
}

TEST(SqliteStoreTest, CorruptStoredHoursAreAnErrorNotACrash) {
  TempDir dir;
  const std::string path = dir.file("hours.db");
  auto store = SqliteStore::open(path);
  ASSERT_TRUE(store) << why(store);
  auto anchor = (*store)->insert_link(make_link("anchor"));
  auto member = (*store)->insert_link(make_link("joao"));
  ASSERT_TRUE(anchor && member);
  Central central;
  central.anchor_id = anchor->id;
  central.members = {{.link_id = member->id, .weight = 1, .hours = std::nullopt}};
  ASSERT_TRUE((*store)->insert_central(central));

  for (const char* bad : {"not json", "{\"tz\": 1}", "{\"tz\":\"UTC\",\"week\":[]}", "[1,2,3]",
                          "{\"tz\":\"UTC\",\"week\":[[],[],[],[],[],[],[[1]]]}"}) {
    auto db = Db::open(path);
    ASSERT_TRUE(db);
    auto q = db->query("UPDATE central_members SET hours = ?1");
    ASSERT_TRUE(q);
    q->bind_text(1, bad);
    ASSERT_TRUE(q->run());
    auto loaded = (*store)->load_centrals();
    ASSERT_FALSE(loaded) << bad;
    EXPECT_EQ(loaded.error().code, ErrorCode::kInternal);
    EXPECT_NE(loaded.error().message.find("corrupt"), std::string::npos) << loaded.error().message;
  }
}

TEST(SqliteStoreTest, SeveralConnectionsOpeningANewFileAtOnce) {
  TempDir dir;
  const std::string path = dir.file("race.db");
  constexpr int kThreads = 4;
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  std::vector<std::string> errors(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto store = SqliteStore::open(path);
      if (!store) {
        errors[t] = why(store);
        return;
      }
      for (int i = 0; i < 20; ++i) {
        auto token = (*store)->insert_token("t", std::to_string(t) + "-" + std::to_string(i));
        if (!token) errors[t] = why(token);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (const std::string& error : errors) EXPECT_EQ(error, "");
  EXPECT_EQ(scalar(path, "SELECT count(*) FROM api_tokens"), "80");
  EXPECT_EQ(scalar(path, "SELECT count(*) FROM schema_version"), kLatest);
}

// The CLI (`token create`) and the server are separate processes.
TEST(SqliteStoreTest, SeveralProcessesWriteTheSameFile) {
  TempDir dir;
  const std::string path = dir.file("procs.db");
  auto server = SqliteStore::open(path);
  ASSERT_TRUE(server) << why(server);

  constexpr int kChildren = 3;
  std::vector<pid_t> children;
  for (int c = 0; c < kChildren; ++c) {
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      int status = 0;
      auto store = SqliteStore::open(path);
      if (!store) status = 1;
      for (int i = 0; store && i < 20; ++i) {
        if (!(*store)->insert_token("cli", "c" + std::to_string(c) + "-" + std::to_string(i))) {
          status = 2;
        }
      }
      ::_exit(status);
    }
    children.push_back(pid);
  }
  for (int i = 0; i < 20; ++i) {
    auto link = (*server)->insert_link(make_link("s" + std::to_string(i)));
    EXPECT_TRUE(link) << why(link);
  }
  for (pid_t pid : children) {
    int status = -1;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
  }
  auto found = (*server)->find_token("c2-19");
  ASSERT_TRUE(found) << why(found);
  EXPECT_TRUE(found->has_value());
  EXPECT_EQ(scalar(path, "SELECT count(*) FROM api_tokens"), "60");
}

TEST(SqliteStoreTest, TheSchemaItselfRefusesDeletingAnAnchor) {
  TempDir dir;
  const std::string path = dir.file("fk.db");
  auto store = SqliteStore::open(path);
  ASSERT_TRUE(store) << why(store);
  auto anchor = (*store)->insert_link(make_link("anchor"));
  ASSERT_TRUE(anchor);
  Central central;
  central.anchor_id = anchor->id;
  ASSERT_TRUE((*store)->insert_central(central));
  // Bypassing the store's own check: the schema itself refuses the delete.
  EXPECT_EQ(scalar(path, "SELECT count(*) FROM centrals"), "1");
  auto db = Db::open(path);
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->exec("PRAGMA foreign_keys = ON"));
  auto deleted = db->exec("DELETE FROM links");
  EXPECT_FALSE(deleted);
}

}  // namespace
}  // namespace sequencial::sqlite
