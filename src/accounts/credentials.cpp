// E-mail and password rules.
#include "accounts/credentials.h"

#include <algorithm>
#include <string>

#include "core/validation.h"

namespace sequencial::accounts {

Result<void> validate_email(std::string_view email) {
  const auto bad = [] {
    return fail(Error::invalid("email", "e-mail must look like name@example.com"));
  };
  if (email.empty() || email.size() > 254) return bad();
  // Control characters (a NUL ends the string for PostgreSQL, so
  // "admin@x\0junk" was another key for the rate limiter but the same user)
  // and bytes that are not UTF-8 are refused wherever an e-mail comes in.
  const bool control = std::ranges::any_of(email, [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte < 0x20 || byte == 0x7f;
  });
  if (control || utf8_length(email) < 0) {
    return fail(Error::invalid("email",
                               "e-mail must not contain control characters or bytes "
                               "that are not UTF-8"));
  }
  const std::size_t at = email.find('@');
  if (at == std::string_view::npos || at == 0 ||
      email.find('@', at + 1) != std::string_view::npos) {
    return bad();
  }
  // A dotless domain is allowed: the default first admin is admin@localhost.
  const std::string_view domain = email.substr(at + 1);
  if (domain.empty() || domain.front() == '.' || domain.back() == '.' ||
      domain.find("..") != std::string_view::npos) {
    return bad();
  }
  const bool clean = std::ranges::all_of(email, [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte > 0x20 && byte != 0x7f && c != '<' && c != '>' && c != '"' && c != ',' &&
           c != ';' && c != '\\';
  });
  if (!clean) return bad();
  return {};
}

Result<void> validate_password(std::string_view password) {
  const auto code_points = std::ranges::count_if(
      password, [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; });
  if (static_cast<std::size_t>(code_points) < kMinPasswordLength) {
    return fail(Error::invalid("password", "password must have at least " +
                                               std::to_string(kMinPasswordLength) + " characters"));
  }
  if (password.size() > 1024) {
    return fail(Error::invalid("password", "password must have at most 1024 bytes"));
  }
  return {};
}

}  // namespace sequencial::accounts
