// Admin API client, metrics scraping and the per-test sandbox (see admin_client.h).
#include "support/admin_client.h"

#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <thread>

namespace sequencial::itest {

ApiResponse AdminClient::call_raw(std::string_view method, std::string_view path,
                                  std::string_view raw_body, const Headers& extra) {
  Headers headers = {{"Authorization", "Bearer " + token_}, {"Accept", "application/json"}};
  if (!raw_body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
    headers.emplace_back("Content-Type", "application/json");
  }
  headers.insert(headers.end(), extra.begin(), extra.end());
  ApiResponse out;
  out.raw = http_.request(method, path, headers, raw_body);
  out.status = out.raw.status;
  if (!out.raw.body.empty()) out.body = json::parse(out.raw.body, nullptr, false);
  if (out.body.is_discarded()) out.body = nullptr;
  return out;
}

ApiResponse AdminClient::call(std::string_view method, std::string_view path,
                              const std::optional<json>& body) {
  return call_raw(method, path, body ? body->dump() : std::string());
}

json AdminClient::create_link(std::string_view slug, std::string_view phone,
                              std::string_view message, std::string_view label) {
  json body = {{"slug", slug}, {"phone", phone}, {"message", message}};
  if (!label.empty()) body["label"] = label;
  ApiResponse r = post("/api/v1/links", body);
  if (r.status != 201) {
    throw std::runtime_error("POST /api/v1/links " + std::string(slug) + " answered " +
                             std::to_string(r.status) + " " + r.raw.body + " " + r.raw.error);
  }
  return r.body;
}

json AdminClient::create_central(const json& body) {
  ApiResponse r = post("/api/v1/centrals", body);
  if (r.status != 201) {
    throw std::runtime_error("POST /api/v1/centrals answered " + std::to_string(r.status) + " " +
                             r.raw.body + " " + r.raw.error);
  }
  return r.body;
}

std::string wa_number(std::string_view location) {
  constexpr std::string_view kPrefix = "https://wa.me/";
  if (!location.starts_with(kPrefix)) return {};
  location.remove_prefix(kPrefix.size());
  return std::string(location.substr(0, location.find('?')));
}

std::map<std::string, double> scrape_metrics(std::uint16_t port) {
  HttpClient client(port);
  const Response r = client.get("/metrics");
  std::map<std::string, double> out;
  if (r.status != 200) return out;
  std::string_view text = r.body;
  while (!text.empty()) {
    const std::size_t eol = text.find('\n');
    const std::string_view line = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
    if (line.empty() || line.front() == '#') continue;
    const std::size_t space = line.rfind(' ');
    if (space == std::string_view::npos) continue;
    try {
      out[std::string(line.substr(0, space))] = std::stod(std::string(line.substr(space + 1)));
    } catch (const std::exception&) {
      // Not a sample line: ignored.
    }
  }
  return out;
}

double metric(std::uint16_t port, std::string_view series) {
  const auto all = scrape_metrics(port);
  const auto it = all.find(std::string(series));
  return it == all.end() ? -1 : it->second;
}

double redirects_total(std::uint16_t port, std::string_view outcome) {
  return metric(port, "sequencial_redirects_total{outcome=\"" + std::string(outcome) + "\"}");
}

double wait_for_metric(std::uint16_t port, std::string_view series, double value,
                       std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  double last = metric(port, series);
  while (last < value && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    last = metric(port, series);
  }
  return last;
}

Sandbox::Sandbox(std::string binary) : binary_(std::move(binary)) {}

const std::string& Sandbox::token() {
  if (!token_.empty()) return token_;
  const CommandResult r =
      run_command({binary_, "token", "create", "--db", db_path(), "--name", "itest"}, dir_.path());
  std::string line = r.out;
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  if (r.exit_code != 0 || line.empty() || line.find('\n') != std::string::npos) {
    throw std::runtime_error("token create failed (exit " + std::to_string(r.exit_code) +
                             "): out=" + r.out + " err=" + r.err);
  }
  token_ = line;
  return token_;
}

std::unique_ptr<ServerProcess> Sandbox::start(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"--db", db_path()};
  bool has_threads = false;
  for (const auto& a : args) has_threads |= a == "--threads";
  if (!has_threads) argv.insert(argv.end(), {"--threads", "2"});
  if (clock_set_) argv.insert(argv.end(), {"--test-clock-file", clock_path()});
  argv.insert(argv.end(), args.begin(), args.end());
  std::string error;
  auto server = ServerProcess::start(
      binary_, argv, dir_.file("server-" + std::to_string(runs_++) + ".log"), error);
  if (!server) throw std::runtime_error("server did not start: " + error);
  return server;
}

void Sandbox::set_clock(std::int64_t unix_seconds) {
  const std::string tmp = clock_path() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << unix_seconds << "\n";
    if (!out) throw std::runtime_error("cannot write " + tmp);
  }
  if (std::rename(tmp.c_str(), clock_path().c_str()) != 0) {
    throw std::runtime_error("cannot rename " + tmp);
  }
  clock_set_ = true;
}

}  // namespace sequencial::itest
