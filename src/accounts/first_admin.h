// The first admin: when the store has no user, one is created so a fresh
// install can log in to the admin UI. Used by `serve` at start (flags
// --admin-email / --admin-password) and by `sequencial user create`, which
// shares create_user() below; set_password() is `user set-password`.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "accounts/password.h"
#include "core/error.h"
#include "storage/account_store.h"

namespace sequencial::accounts {

struct CreatedUser {
  User user;
  std::string generated_password;  // empty when the password was given
};

// Validates e-mail and password (generating one when `password` is empty),
// hashes and stores the user. kConflict on "email" when it is taken.
[[nodiscard]] Result<CreatedUser> create_user(AccountStore& store, std::string_view email,
                                              std::string_view password, PasswordCost cost);

// `sequencial user set-password`: gives the user with this e-mail (any
// case) a new password (generated when `password` is empty) and ends all
// their sessions. kNotFound on "email" for an unknown e-mail; kInvalid for a
// bad e-mail or password. Returns the generated password ("" when given).
[[nodiscard]] Result<std::string> set_password(AccountStore& store, std::string_view email,
                                               std::string_view password, PasswordCost cost);

// Creates the first user when there is none; nullopt when users exist.
[[nodiscard]] Result<std::optional<CreatedUser>> ensure_first_admin(AccountStore& store,
                                                                    std::string_view email,
                                                                    std::string_view password,
                                                                    PasswordCost cost);

}  // namespace sequencial::accounts
