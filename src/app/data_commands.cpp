// `sequencial backup` and `sequencial migrate` (see data_commands.h).
#include "app/data_commands.h"

#include <unistd.h>

#include <chrono>
#include <iostream>

#include "storage/backup.h"
#include "storage/migrate.h"

namespace sequencial::app {
namespace {

int exit_code(const Error& error) {
  return error.code == ErrorCode::kInvalid || error.code == ErrorCode::kConflict ? 2 : 1;
}

// Databases named in messages without their passwords.
std::string shown(const std::string& url) {
  const std::size_t scheme = url.find("://");
  const std::size_t at = url.find('@');
  if (scheme == std::string::npos || at == std::string::npos || at < scheme) return url;
  const std::size_t colon = url.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon) + ":***" + url.substr(at);
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

int run_backup(const std::string& db, const std::string& out, bool force) {
  const auto start = std::chrono::steady_clock::now();
  auto done = backup_sqlite({db, out, force});
  if (!done) {
    std::cerr << "error: " << done.error().message << "\n";
    return exit_code(done.error());
  }
  std::cerr << "backup of " << db << " written to " << out << " (" << done->bytes << " bytes, "
            << done->pages << " pages) in " << seconds_since(start) << " s\n";
  return 0;
}

int run_migrate(const std::string& from, const std::string& to) {
  const auto start = std::chrono::steady_clock::now();
  const bool terminal = ::isatty(STDERR_FILENO) != 0;
  const MigrateProgress progress = [terminal](std::string_view table, std::int64_t copied,
                                              std::int64_t total) {
    if (!terminal) return;
    std::cerr << "\r\033[Kcopying " << table << ": " << copied << " / " << total << std::flush;
  };
  std::cerr << "migrating " << shown(from) << " -> " << shown(to) << "\n";
  auto copied = migrate_database(from, to, progress);
  if (terminal) std::cerr << "\r\033[K";
  if (!copied) {
    std::cerr << "error: " << copied.error().message << " (nothing was written to the target)\n";
    return exit_code(copied.error());
  }
  for (const TableCopied& t : *copied) std::cout << t.table << " " << t.rows << "\n";
  std::cerr << "migrated " << copied->size() << " tables in " << seconds_since(start) << " s\n";
  return 0;
}

}  // namespace

DataCommands::DataCommands(CLI::App& app) {
  backup_ = app.add_subcommand(
      "backup", "Write a consistent copy of a SQLite database, also while a server uses it");
  backup_->add_option("--db", backup_db_, "SQLite file path (a postgres:// URL is refused)")
      ->envname("SEQUENCIAL_DB")
      ->capture_default_str();
  backup_->add_option("--out", backup_out_, "The backup file to write")->required();
  backup_->add_flag("--force", backup_force_, "Replace --out when it exists");

  migrate_ = app.add_subcommand(
      "migrate",
      "Copy everything from one database into another, empty one (e.g. SQLite to PostgreSQL)");
  migrate_->add_option("--from", migrate_from_, "Source: SQLite file path or postgres:// URL")
      ->required();
  migrate_->add_option("--to", migrate_to_, "Target (empty): SQLite file path or postgres:// URL")
      ->required();
}

std::optional<int> DataCommands::run() const {
  if (backup_->parsed()) return run_backup(backup_db_, backup_out_, backup_force_);
  if (migrate_->parsed()) return run_migrate(migrate_from_, migrate_to_);
  return std::nullopt;
}

}  // namespace sequencial::app
