// Cookie-keeping admin UI client (see browser.h).
#include "support/browser.h"

namespace sequencial::itest {

std::string session_set_cookie_line(const Response& response) {
  for (const std::string& line : response.header_values("Set-Cookie")) {
    if (line.starts_with("sqs=")) return line;
  }
  return {};
}

ApiResponse Browser::login(std::string_view email, std::string_view password) {
  ApiResponse r =
      call("POST", "/api/v1/session", json{{"email", email}, {"password", password}}, false);
  if (r.status == 200) {
    const std::string line = session_set_cookie_line(r.raw);
    const std::size_t end = line.find(';');
    cookie_ = line.substr(4, end == std::string::npos ? std::string::npos : end - 4);
    csrf_ = r.body.value("csrf_token", "");
  }
  return r;
}

ApiResponse Browser::call(std::string_view method, std::string_view path,
                          const std::optional<json>& body, bool with_csrf, const Headers& extra) {
  Headers headers = {{"Accept", "application/json"}};
  if (!cookie_.empty()) headers.emplace_back("Cookie", "sqv=0123; sqs=" + cookie_);
  if (with_csrf && !csrf_.empty()) headers.emplace_back("X-CSRF-Token", csrf_);
  if (body) headers.emplace_back("Content-Type", "application/json");
  headers.insert(headers.end(), extra.begin(), extra.end());
  ApiResponse out;
  out.raw = http_.request(method, path, headers, body ? body->dump() : std::string());
  out.status = out.raw.status;
  if (!out.raw.body.empty()) out.body = json::parse(out.raw.body, nullptr, false);
  if (out.body.is_discarded()) out.body = nullptr;
  return out;
}

}  // namespace sequencial::itest
