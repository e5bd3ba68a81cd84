// The `sequencial` command line (API.md): serve, token create, user create,
// user set-password, and the data commands backup and migrate
// (app/data_commands.h). Every flag
// also reads an environment variable (SEQUENCIAL_<FLAG>) and a key of the
// --config file (TOML: `listen = "0.0.0.0:8080"`).
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include <iostream>

#include "accounts/first_admin.h"
#include "api/tokens.h"
#include "app/config_file.h"
#include "app/data_commands.h"
#include "app/serve.h"
#include "app/setting_sources.h"
#include "http/client_address.h"
#include "storage/store.h"

namespace {

int create_token(const std::string& db, const std::string& name) {
  auto store = sequencial::open_store(db);
  if (!store) {
    std::cerr << "error: cannot open database \"" << db << "\": " << store.error().message << "\n";
    return 1;
  }
  const std::string token = sequencial::api::generate_token();
  auto stored = (*store)->insert_token(name, sequencial::api::hash_token(token));
  if (!stored) {
    std::cerr << "error: " << stored.error().message << "\n";
    return 1;
  }
  std::cout << token << "\n";
  return 0;
}

int create_user(const std::string& db, const std::string& email, const std::string& password) {
  auto store = sequencial::open_store(db);
  if (!store) {
    std::cerr << "error: cannot open database \"" << db << "\": " << store.error().message << "\n";
    return 1;
  }
  auto created = sequencial::accounts::create_user(
      **store, email, password, sequencial::accounts::PasswordCost::kInteractive);
  if (!created) {
    std::cerr << "error: " << created.error().message << "\n";
    return created.error().code == sequencial::ErrorCode::kInternal ? 1 : 2;
  }
  if (!created->generated_password.empty()) std::cout << created->generated_password << "\n";
  std::cerr << "user " << created->user.email << " created (id " << created->user.id << ")\n";
  return 0;
}

// Recovery of a locked-out or forgotten account: a new password, every
// session ended. The login rate limiter lives in the server's memory, so
// restarting the server clears the account's lockout too.
int set_password(const std::string& db, const std::string& email, const std::string& password) {
  auto store = sequencial::open_store(db);
  if (!store) {
    std::cerr << "error: cannot open database \"" << db << "\": " << store.error().message << "\n";
    return 1;
  }
  auto generated = sequencial::accounts::set_password(
      **store, email, password, sequencial::accounts::PasswordCost::kInteractive);
  if (!generated) {
    std::cerr << "error: " << generated.error().message << "\n";
    return generated.error().code == sequencial::ErrorCode::kInternal ||
                   generated.error().code == sequencial::ErrorCode::kUnavailable
               ? 1
               : 2;
  }
  if (!generated->empty()) std::cout << *generated << "\n";
  std::cerr << "password of " << email
            << " changed; its sessions were ended (restart a running server to clear a login "
               "lockout)\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Sequencial: one WhatsApp link that spreads customers evenly over a team."};
  app.require_subcommand(1);
  app.set_version_flag("--version", SEQUENCIAL_VERSION);

  sequencial::app::ServeConfig serve;
  CLI::App* serve_cmd = app.add_subcommand("serve", "Run the redirect server and the admin API");
  std::string config_file;
  serve_cmd
      ->add_option("--config", config_file,
                   "TOML file of options (keys as the long flags; flags and environment win)")
      ->envname("SEQUENCIAL_CONFIG");
  serve_cmd->add_option("--listen", serve.listen, "Address to listen on; port 0 picks a free port")
      ->envname("SEQUENCIAL_LISTEN")
      ->capture_default_str();
  serve_cmd->add_option("--db", serve.db, "SQLite file path (or postgres:// URL)")
      ->envname("SEQUENCIAL_DB")
      ->capture_default_str();
  serve_cmd
      ->add_option("--public-url", serve.public_url,
                   "Public base URL of the links (default http://<listen>)")
      ->envname("SEQUENCIAL_PUBLIC_URL");
  serve_cmd->add_option("--threads", serve.threads, "Event loops (0 = one per core)")
      ->envname("SEQUENCIAL_THREADS")
      ->capture_default_str();
  serve_cmd->add_option("--default-tz", serve.default_tz, "Default time zone of business hours")
      ->envname("SEQUENCIAL_DEFAULT_TZ")
      ->capture_default_str();
  serve_cmd
      ->add_option("--assignment-retention-days", serve.assignment_retention_days,
                   "Days an atendimento fixo assignment is kept after the visitor's last click")
      ->envname("SEQUENCIAL_ASSIGNMENT_RETENTION_DAYS")
      ->capture_default_str();
  serve_cmd
      ->add_option("--assignment-cache-size", serve.assignment_cache_size,
                   "Assignments kept in memory (least recently used evicted, then read back "
                   "from the database)")
      ->envname("SEQUENCIAL_ASSIGNMENT_CACHE_SIZE")
      ->check(CLI::Range(1LL, 1'000'000'000LL))
      ->capture_default_str();
  serve_cmd
      ->add_option("--flush-interval-ms", serve.flush_interval_ms,
                   "How often assignments and cursors are written to the database")
      ->envname("SEQUENCIAL_FLUSH_INTERVAL_MS")
      ->capture_default_str();
  serve_cmd
      ->add_option("--click-flush-interval-ms", serve.click_flush_interval_ms,
                   "How often clicks are written (the most a crash can lose)")
      ->envname("SEQUENCIAL_CLICK_FLUSH_INTERVAL_MS")
      ->capture_default_str();
  serve_cmd
      ->add_option("--click-flush-batch", serve.click_flush_batch,
                   "Write clicks sooner when a queue holds this many")
      ->envname("SEQUENCIAL_CLICK_FLUSH_BATCH")
      ->capture_default_str();
  serve_cmd
      ->add_option(
          "--click-queue-capacity", serve.click_queue_capacity,
          "Clicks queued per event loop; beyond it the loop waits for the writer (backpressure)")
      ->envname("SEQUENCIAL_CLICK_QUEUE_CAPACITY")
      ->capture_default_str();
  serve_cmd
      ->add_option("--click-spool", serve.click_spool,
                   "File where clicks wait while the database is unreachable (default: "
                   "<sqlite file>.spool, or sequencial-clicks.spool for PostgreSQL)")
      ->envname("SEQUENCIAL_CLICK_SPOOL");
  serve_cmd
      ->add_option("--click-retention-days", serve.click_retention_days,
                   "Days raw clicks are kept for export (reports are kept forever)")
      ->envname("SEQUENCIAL_CLICK_RETENTION_DAYS")
      ->capture_default_str();
  serve_cmd
      ->add_option("--db-deadline-ms", serve.db_deadline_ms,
                   "Longest a redirect waits for the database (rotation ticket, stored "
                   "assignment); past it the node-local fallback answers")
      ->envname("SEQUENCIAL_DB_DEADLINE_MS")
      ->capture_default_str();
  serve_cmd
      ->add_option("--max-connections", serve.max_connections,
                   "Open client connections at most (0 = the open-file limit less a reserve)")
      ->envname("SEQUENCIAL_MAX_CONNECTIONS")
      ->capture_default_str();
  serve_cmd
      ->add_option("--workers", serve.workers,
                   "Threads for admin API calls, reports and QR codes (0 = one per core, at "
                   "least 2)")
      ->envname("SEQUENCIAL_WORKERS")
      ->capture_default_str();
  serve_cmd->add_option("--log-level", serve.log_level, "trace, debug, info, warn, error")
      ->envname("SEQUENCIAL_LOG_LEVEL")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}))
      ->capture_default_str();
  serve_cmd
      ->add_option("--admin-email", serve.admin_email,
                   "E-mail of the first admin, created at start when there is no user")
      ->envname("SEQUENCIAL_ADMIN_EMAIL")
      ->capture_default_str();
  serve_cmd
      ->add_option("--admin-password", serve.admin_password,
                   "Password of the first admin (default: generated and logged once)")
      ->envname("SEQUENCIAL_ADMIN_PASSWORD");
  serve_cmd
      ->add_option("--trusted-proxies", serve.trusted_proxies,
                   "CIDR ranges of reverse proxies allowed to name the client in "
                   "X-Forwarded-For/Forwarded, e.g. 127.0.0.1/32,10.0.0.0/8 (default: none)")
      ->envname("SEQUENCIAL_TRUSTED_PROXIES");
  serve_cmd
      ->add_option("--geoip-db", serve.geoip_db,
                   "MaxMind DB file (GeoLite2-City/-Country, DB-IP Lite) for Geolocalizado "
                   "centrals and by=country|region|city reports; read locally, reloaded on SIGHUP")
      ->envname("SEQUENCIAL_GEOIP_DB");
#ifdef SEQUENCIAL_TEST_HOOKS
  serve_cmd->add_option("--test-clock-file", serve.test_clock_file,
                        "TEST BUILDS ONLY: read the current unix time from this file");
  serve_cmd->add_flag("--test-fast-passwords", serve.test_fast_passwords,
                      "TEST BUILDS ONLY: hash passwords with the minimum Argon2id cost");
#endif

  std::string token_db = "sequencial.db";
  std::string token_name = "cli";
  CLI::App* token_cmd = app.add_subcommand("token", "Manage admin API tokens");
  token_cmd->require_subcommand(1);
  CLI::App* token_create = token_cmd->add_subcommand(
      "create", "Create an admin API token and print it (only its hash is stored)");
  token_create->add_option("--db", token_db, "SQLite file path (or postgres:// URL)")
      ->envname("SEQUENCIAL_DB")
      ->capture_default_str();
  token_create->add_option("--name", token_name, "A name to recognise the token by")
      ->envname("SEQUENCIAL_TOKEN_NAME")
      ->capture_default_str();

  std::string user_db = "sequencial.db";
  std::string user_email;
  std::string user_password;
  CLI::App* user_cmd = app.add_subcommand("user", "Manage admin UI users");
  user_cmd->require_subcommand(1);
  CLI::App* user_create = user_cmd->add_subcommand(
      "create", "Create an admin UI user (prints the password when it is generated)");
  user_create->add_option("--db", user_db, "SQLite file path (or postgres:// URL)")
      ->envname("SEQUENCIAL_DB")
      ->capture_default_str();
  user_create->add_option("--email", user_email, "The user's e-mail (login)")->required();
  user_create
      ->add_option("--password", user_password,
                   "At least 10 characters (default: generate one and print it)")
      ->envname("SEQUENCIAL_USER_PASSWORD");

  std::string reset_db = "sequencial.db";
  std::string reset_email;
  std::string reset_password;
  CLI::App* user_set_password = user_cmd->add_subcommand(
      "set-password", "Give a user a new password (printed when generated) and end their sessions");
  user_set_password->add_option("--db", reset_db, "SQLite file path (or postgres:// URL)")
      ->envname("SEQUENCIAL_DB")
      ->capture_default_str();
  user_set_password->add_option("--email", reset_email, "The user's e-mail (login)")->required();
  user_set_password
      ->add_option("--password", reset_password,
                   "At least 10 characters (default: generate one and print it)")
      ->envname("SEQUENCIAL_USER_PASSWORD");
  const sequencial::app::DataCommands data_commands(app);

  CLI11_PARSE(app, argc, argv);

  if (auto code = data_commands.run()) return *code;

  if (serve_cmd->parsed()) {
    serve.sources = sequencial::app::command_line_sources(*serve_cmd, argc, argv);
    if (!config_file.empty()) {
      if (auto ok = sequencial::app::apply_config_file(*serve_cmd, config_file); !ok) {
        std::cerr << "error: " << ok.error().message << "\n";
        return 2;
      }
    }
    if (auto proxies = sequencial::http::TrustedProxies::parse(serve.trusted_proxies); !proxies) {
      std::cerr << "error: " << proxies.error().message << "\n";
      return 2;
    }
    sequencial::app::add_file_sources(serve.sources, *serve_cmd);
    return sequencial::app::run_serve(serve);
  }
  if (token_create->parsed()) return create_token(token_db, token_name);
  if (user_create->parsed()) return create_user(user_db, user_email, user_password);
  if (user_set_password->parsed()) return set_password(reset_db, reset_email, reset_password);
  return 1;
}
