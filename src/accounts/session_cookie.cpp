// Reading and writing the `sqs` cookie.
#include "accounts/session_cookie.h"

namespace sequencial::accounts {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string_view session_cookie_value(std::string_view header) {
  return cookie_value(header, kSessionCookie);
}

std::string_view cookie_value(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const std::size_t semi = header.find(';');
    const std::string_view pair = trim(header.substr(0, semi));
    header = semi == std::string_view::npos ? std::string_view() : header.substr(semi + 1);
    const std::size_t eq = pair.find('=');
    if (eq != std::string_view::npos && trim(pair.substr(0, eq)) == name) {
      std::string_view value = trim(pair.substr(eq + 1));
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
        value = value.substr(1, value.size() - 2);
      }
      return value;
    }
  }
  return {};
}

std::string session_set_cookie(std::string_view value, std::chrono::seconds max_age, bool secure) {
  std::string out(kSessionCookie);
  out += '=';
  out += value;
  out += "; Path=/; Max-Age=";
  out += std::to_string(max_age.count());
  out += "; HttpOnly; SameSite=Strict";
  if (secure) out += "; Secure";
  return out;
}

std::string session_clear_cookie(bool secure) {
  return session_set_cookie("", std::chrono::seconds(0), secure);
}

}  // namespace sequencial::accounts
