// The rules for admin UI credentials, shared by the users API, the first
// admin and `sequencial user create`: a plausible e-mail address (no
// delivery check) and a password of at least 10 characters.
#pragma once

#include <string_view>

#include "core/error.h"

namespace sequencial::accounts {

inline constexpr std::size_t kMinPasswordLength = 10;

// kInvalid on field "email" unless `email` looks like local@domain (one '@',
// no spaces, quotes or brackets; "admin@localhost" passes) and is valid
// UTF-8 without control characters. Used by login, the users API and the CLI.
[[nodiscard]] Result<void> validate_email(std::string_view email);
// kInvalid on field "password" when shorter than kMinPasswordLength
// characters (UTF-8 code points) or longer than 1024 bytes.
[[nodiscard]] Result<void> validate_password(std::string_view password);

}  // namespace sequencial::accounts
