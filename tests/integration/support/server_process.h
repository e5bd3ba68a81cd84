// Running the real binaries from integration tests: a temp dir per test, a
// command run to completion (`sequencial token create`), and the server
// process (`sequencial serve --listen 127.0.0.1:0 ...`) started with
// posix_spawn, its stdout+stderr captured to a log file, its port read from
// the `event=listening ... port=N` log line, stopped with SIGTERM (graceful)
// or SIGKILL.
//
// Thread-safety: a ServerProcess is driven by one thread (the test's); the
// port and pid may be read from any thread once start() returned.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace sequencial::itest {

// The binaries under test (paths compiled in by CMake).
[[nodiscard]] const char* sequencial_binary();
[[nodiscard]] const char* testhooks_binary();

// A fresh directory under the system temp dir, removed with its contents on
// destruction. Unique per process and call.
class TempDir final {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  [[nodiscard]] const std::filesystem::path& path() const { return path_; }
  [[nodiscard]] std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

struct CommandResult {
  int exit_code = -1;  // 128 + signal when killed by a signal; -1 when it could not run
  std::string out;     // stdout
  std::string err;     // stderr
};

// Runs `argv` (argv[0] is the binary path) to completion, capturing its
// output through files in `work_dir`.
[[nodiscard]] CommandResult run_command(const std::vector<std::string>& argv,
                                        const std::filesystem::path& work_dir);

class ServerProcess final {
 public:
  // Spawns `binary serve --listen 127.0.0.1:0 <args...>` with stdout and
  // stderr appended to `log_path`, and waits up to `timeout` for the
  // listening line. Returns null (with `error` filled) when the process
  // exits or does not listen in time.
  [[nodiscard]] static std::unique_ptr<ServerProcess> start(
      const std::string& binary, const std::vector<std::string>& args, const std::string& log_path,
      std::string& error, std::chrono::milliseconds timeout = std::chrono::seconds(10));

  ~ServerProcess();  // SIGKILLs a process still running
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  [[nodiscard]] std::uint16_t port() const { return port_; }
  [[nodiscard]] pid_t pid() const { return pid_; }

  // SIGTERM, then waits up to `timeout` for the exit. Returns the exit code
  // (128 + signal when killed by one); -1 on timeout (the process is then
  // SIGKILLed).
  int stop(std::chrono::milliseconds timeout = std::chrono::seconds(20));
  // Sends SIGTERM without waiting; wait() collects the exit code.
  void signal_term();
  int wait(std::chrono::milliseconds timeout = std::chrono::seconds(20));
  // SIGKILL and reap.
  void kill9();
  // True while the process has not exited.
  [[nodiscard]] bool running();
  // Everything the process logged so far.
  [[nodiscard]] std::string log() const;

 private:
  ServerProcess(pid_t pid, std::string log_path) : pid_(pid), log_path_(std::move(log_path)) {}
  // Reaps without blocking; true when the process has exited.
  bool try_reap();

  pid_t pid_;
  std::string log_path_;
  std::uint16_t port_ = 0;
  bool exited_ = false;
  int exit_code_ = -1;
};

}  // namespace sequencial::itest
