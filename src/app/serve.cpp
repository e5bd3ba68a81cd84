// `sequencial serve`: checks the flags, opens the store, creates the first
// admin, builds the node (app/node.h) and runs it until SIGTERM or SIGINT;
// SIGHUP reloads.
#include "app/serve.h"

#include <signal.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <fstream>
#include <memory>
#include <optional>

#include "accounts/first_admin.h"
#include "accounts/password.h"
#include "app/node.h"
#include "core/clock.h"
#include "routing/business_hours.h"
#include "storage/store.h"

namespace sequencial::app {
namespace {

#ifdef SEQUENCIAL_TEST_HOOKS
// Test builds only: "now" is the unix time written in a file (falls back to
// the system clock while the file is missing or empty).
class FileClock final : public Clock {
 public:
  explicit FileClock(std::string path) : path_(std::move(path)) {}
  Timestamp now() const override {
    std::ifstream in(path_);
    long long seconds = 0;
    if (in >> seconds) return Timestamp(std::chrono::seconds(seconds));
    return SystemClock().now();
  }

 private:
  std::string path_;
};
#endif

Result<ListenAddress> parse_listen(std::string_view text) {
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    return fail(Error::invalid("listen", "listen must be HOST:PORT, e.g. 127.0.0.1:8080"));
  }
  ListenAddress out;
  out.host = std::string(text.substr(0, colon));
  if (out.host.size() >= 2 && out.host.front() == '[' && out.host.back() == ']') {
    out.host = out.host.substr(1, out.host.size() - 2);
  }
  const std::string_view port = text.substr(colon + 1);
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (out.host.empty() || ec != std::errc() || end != port.data() + port.size() || value > 65535) {
    return fail(Error::invalid("listen", "listen must be HOST:PORT with a port from 0 to 65535"));
  }
  out.port = static_cast<std::uint16_t>(value);
  return out;
}

// The first admin created at this start, told once the server listens.
struct FirstAdmin {
  std::string email;
  std::string generated_password;  // empty when the password was given
};

// Creates the first admin when the database has no user.
bool ensure_first_admin(AccountStore& store, const ServeConfig& config, accounts::PasswordCost cost,
                        std::optional<FirstAdmin>& first) {
  auto created =
      accounts::ensure_first_admin(store, config.admin_email, config.admin_password, cost);
  if (!created) {
    spdlog::error("event=first_admin_failed field={} error=\"{}\"",
                  created.error().field.empty() ? "-" : "admin-" + created.error().field,
                  created.error().message);
    return false;
  }
  if (!*created) return true;
  first = FirstAdmin{(*created)->user.email, (*created)->generated_password};
  return true;
}

// The first run's line for a person reading the log: where the painel is and
// how to log in. A generated password is logged once (only its hash is stored).
void tell_first_admin(const FirstAdmin& first, const std::string& public_url) {
  if (first.generated_password.empty()) {
    spdlog::info(
        "event=first_admin email={} painel={}/admin message=\"Open {}/admin in a browser and log "
        "in as {} with the password you gave\"",
        first.email, public_url, public_url, first.email);
    return;
  }
  spdlog::info(
      "event=first_admin email={} password={} painel={}/admin message=\"Open {}/admin in a "
      "browser and log in as {} with the password {} (shown only this once; change it in "
      "Configurações)\"",
      first.email, first.generated_password, public_url, public_url, first.email,
      first.generated_password);
}

}  // namespace

std::string redact_db_url(std::string_view url) {
  std::string out(url);
  const std::size_t scheme = out.find("://");
  const std::size_t at = out.find('@');
  if (scheme != std::string::npos && at != std::string::npos && at > scheme) {
    const std::size_t colon = out.find(':', scheme + 3);
    if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
  }
  const std::size_t password = out.find("password=");
  if (password != std::string::npos) {
    const std::size_t start = password + 9;
    const std::size_t end = out.find_first_of("& ", start);
    out.replace(start, (end == std::string::npos ? out.size() : end) - start, "***");
  }
  return out;
}

namespace {

// Checks what the flags say before anything is opened; logs what is wrong.
std::optional<ListenAddress> check_config(const ServeConfig& config) {
  auto listen = parse_listen(config.listen);
  if (!listen) {
    spdlog::error("event=bad_config field=listen error=\"{}\"", listen.error().message);
    return std::nullopt;
  }
  if (!routing::is_known_time_zone(config.default_tz)) {
    spdlog::error("event=bad_config field=default-tz error=\"unknown time zone {}\"",
                  config.default_tz);
    return std::nullopt;
  }
  if (config.assignment_retention_days < 1 || config.flush_interval_ms < 1 ||
      config.click_flush_interval_ms < 1 || config.click_flush_batch < 1 ||
      config.click_queue_capacity < 1 || config.click_retention_days < 1 ||
      config.assignment_cache_size < 1 || config.db_deadline_ms < 1 || config.max_connections < 0 ||
      config.workers < 0) {
    spdlog::error(
        "event=bad_config error=\"retentions, intervals, deadline, batch and capacity must be "
        "positive; connections and workers zero (automatic) or positive\"");
    return std::nullopt;
  }
  return *listen;
}

// Blocks the signals before any thread starts, so every thread inherits the
// mask and only sigwait() (wait_for_stop) sees them. SIGHUP (a closed
// terminal, `systemctl reload`) reloads instead of killing the process with
// its unwritten clicks.
sigset_t block_stop_signals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

// Waits for SIGTERM or SIGINT (returned), calling `on_reload` at each SIGHUP.
template <class OnReload>
int wait_for_stop(const sigset_t& signals, OnReload on_reload) {
  int signal_number = 0;
  for (;;) {
    sigwait(&signals, &signal_number);
    if (signal_number != SIGHUP) return signal_number;
    on_reload();
  }
}

}  // namespace

int run_serve(const ServeConfig& config) {
  spdlog::set_level(spdlog::level::from_str(config.log_level));
  const auto listen = check_config(config);
  if (!listen) return 2;
  const sigset_t stop_signals = block_stop_signals();

  std::unique_ptr<Clock> clock = std::make_unique<SystemClock>();
  accounts::PasswordCost password_cost = accounts::PasswordCost::kInteractive;
#ifdef SEQUENCIAL_TEST_HOOKS
  if (!config.test_clock_file.empty()) clock = std::make_unique<FileClock>(config.test_clock_file);
  if (config.test_fast_passwords) password_cost = accounts::PasswordCost::kMinimum;
#endif

  auto store = open_store(config.db);
  if (!store) {
    spdlog::error("event=store_open_failed db=\"{}\" error=\"{}\"", redact_db_url(config.db),
                  store.error().message);
    return 1;
  }
  std::optional<FirstAdmin> first_admin;
  if (!ensure_first_admin(**store, config, password_cost, first_admin)) return 2;

  auto node = Node::build(config, **store, *clock, password_cost);
  if (!node) return node.error();
  if (const int failed = (*node)->start(*listen); failed != 0) return failed;
  if (first_admin) tell_first_admin(*first_admin, (*node)->public_url());

  const int signal_number = wait_for_stop(stop_signals, [&] { (*node)->reload(); });
  spdlog::info("event=stopping signal={}", signal_number == SIGTERM ? "SIGTERM" : "SIGINT");
  (*node)->stop();
  return 0;
}

}  // namespace sequencial::app
