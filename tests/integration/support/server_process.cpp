// Spawning, watching and stopping the server binaries (see server_process.h).
#include "support/server_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>
#include <thread>

extern char** environ;

namespace sequencial::itest {
namespace {

constexpr auto kPollInterval = std::chrono::milliseconds(5);

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

int decode_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

// posix_spawn with stdout/stderr redirected to files and the signals the
// server relies on reset to their defaults and unblocked.
pid_t spawn(const std::vector<std::string>& argv, const std::string& out_path,
            const std::string& err_path, std::string& error) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_path.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (err_path == out_path) {
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  } else {
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_path.c_str(),
                                     O_WRONLY | O_CREAT | O_APPEND, 0644);
  }
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none;
  sigemptyset(&none);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGTERM);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, args[0], &actions, &attr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    error = "posix_spawn " + argv[0] + ": " + std::strerror(rc);
    return -1;
  }
  return pid;
}

// Port from "... event=listening ... port=NNNN ...", or 0.
std::uint16_t listening_port(const std::string& log) {
  const std::size_t event = log.find("event=listening");
  if (event == std::string::npos) return 0;
  const std::size_t eol = log.find('\n', event);
  if (eol == std::string::npos) return 0;  // line not complete yet
  const std::string line = log.substr(event, eol - event);
  const std::size_t at = line.find(" port=");
  if (at == std::string::npos) return 0;
  unsigned value = 0;
  for (std::size_t i = at + 6; i < line.size() && line[i] >= '0' && line[i] <= '9'; ++i) {
    value = value * 10 + static_cast<unsigned>(line[i] - '0');
  }
  return value > 0 && value <= 65535 ? static_cast<std::uint16_t>(value) : 0;
}

}  // namespace

const char* sequencial_binary() { return SEQUENCIAL_BIN; }
const char* testhooks_binary() { return SEQUENCIAL_TESTHOOKS_BIN; }

TempDir::TempDir() {
  static std::atomic<int> counter{0};
  path_ =
      std::filesystem::temp_directory_path() / ("sequencial-itest-" + std::to_string(::getpid()) +
                                                "-" + std::to_string(counter.fetch_add(1)));
  std::filesystem::remove_all(path_);
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

CommandResult run_command(const std::vector<std::string>& argv,
                          const std::filesystem::path& work_dir) {
  static std::atomic<int> counter{0};
  const int n = counter.fetch_add(1);
  const std::string out_path = (work_dir / ("cmd-" + std::to_string(n) + ".out")).string();
  const std::string err_path = (work_dir / ("cmd-" + std::to_string(n) + ".err")).string();
  CommandResult result;
  std::string error;
  const pid_t pid = spawn(argv, out_path, err_path, error);
  if (pid < 0) {
    result.err = error;
    return result;
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_code = decode_status(status);
  result.out = read_file(out_path);
  result.err = read_file(err_path);
  return result;
}

std::unique_ptr<ServerProcess> ServerProcess::start(const std::string& binary,
                                                    const std::vector<std::string>& args,
                                                    const std::string& log_path, std::string& error,
                                                    std::chrono::milliseconds timeout) {
  std::vector<std::string> argv = {binary, "serve", "--listen", "127.0.0.1:0"};
  argv.insert(argv.end(), args.begin(), args.end());
  const pid_t pid = spawn(argv, log_path, log_path, error);
  if (pid < 0) return nullptr;
  std::unique_ptr<ServerProcess> process(new ServerProcess(pid, log_path));
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (const std::uint16_t port = listening_port(process->log()); port != 0) {
      process->port_ = port;
      return process;
    }
    if (process->try_reap()) {
      error = "server exited with code " + std::to_string(process->exit_code_) +
              " before listening; log:\n" + process->log();
      return nullptr;
    }
    std::this_thread::sleep_for(kPollInterval);
  }
  error = "server did not log event=listening within " + std::to_string(timeout.count()) +
          " ms; log:\n" + process->log();
  process->kill9();
  return nullptr;
}

ServerProcess::~ServerProcess() {
  if (!exited_) kill9();
}

bool ServerProcess::try_reap() {
  if (exited_) return true;
  int status = 0;
  const pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    exited_ = true;
    exit_code_ = decode_status(status);
  }
  return exited_;
}

bool ServerProcess::running() { return !try_reap(); }

void ServerProcess::signal_term() {
  if (!exited_) ::kill(pid_, SIGTERM);
}

int ServerProcess::wait(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!try_reap()) {
    if (std::chrono::steady_clock::now() >= deadline) {
      kill9();
      return -1;
    }
    std::this_thread::sleep_for(kPollInterval);
  }
  return exit_code_;
}

int ServerProcess::stop(std::chrono::milliseconds timeout) {
  signal_term();
  return wait(timeout);
}

void ServerProcess::kill9() {
  if (exited_) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  exited_ = true;
  exit_code_ = decode_status(status);
}

std::string ServerProcess::log() const { return read_file(log_path_); }

}  // namespace sequencial::itest
