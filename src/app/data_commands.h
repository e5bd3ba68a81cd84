// The data commands of the command line: `sequencial backup` (a consistent
// SQLite copy while the server runs; storage/backup.h) and `sequencial
// migrate` (everything copied into another, empty database;
// storage/migrate.h). main.cpp registers them and runs the one parsed.
//
// Exit codes: 0 done, 2 for a refusal the user can fix (an existing backup
// file, a PostgreSQL --db for backup, a non-empty target), 1 otherwise.
//
// Thread-safety: command-line code, single-threaded.
#pragma once

#include <CLI/CLI.hpp>

#include <optional>
#include <string>

namespace sequencial::app {

class DataCommands {
 public:
  // Adds the `backup` and `migrate` subcommands to `app`.
  explicit DataCommands(CLI::App& app);

  // The exit code of the data command that was parsed; nullopt when none was.
  [[nodiscard]] std::optional<int> run() const;

 private:
  CLI::App* backup_ = nullptr;
  CLI::App* migrate_ = nullptr;
  std::string backup_db_ = "sequencial.db";
  std::string backup_out_;
  bool backup_force_ = false;
  std::string migrate_from_;
  std::string migrate_to_;
};

}  // namespace sequencial::app
