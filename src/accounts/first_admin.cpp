// Creating users from the command line and the first admin at start.
#include "accounts/first_admin.h"

#include "accounts/credentials.h"

namespace sequencial::accounts {

Result<CreatedUser> create_user(AccountStore& store, std::string_view email,
                                std::string_view password, PasswordCost cost) {
  if (auto ok = validate_email(email); !ok) return fail(ok.error());
  CreatedUser created;
  if (password.empty()) {
    created.generated_password = generate_password();
    password = created.generated_password;
  } else if (auto ok = validate_password(password); !ok) {
    return fail(ok.error());
  }
  auto hash = hash_password(password, cost);
  if (!hash) return fail(hash.error());
  auto user = store.insert_user(email, *hash);
  if (!user) return fail(user.error());
  created.user = std::move(*user);
  return created;
}

Result<std::string> set_password(AccountStore& store, std::string_view email,
                                 std::string_view password, PasswordCost cost) {
  if (auto ok = validate_email(email); !ok) return fail(ok.error());
  std::string generated;
  if (password.empty()) {
    generated = generate_password();
    password = generated;
  } else if (auto ok = validate_password(password); !ok) {
    return fail(ok.error());
  }
  auto user = store.find_user_by_email(email);
  if (!user) return fail(user.error());
  if (!*user) {
    return fail(Error{ErrorCode::kNotFound, "no user with e-mail " + std::string(email), "email"});
  }
  auto hash = hash_password(password, cost);
  if (!hash) return fail(hash.error());
  if (auto ok = store.update_user_password((*user)->id, *hash, ""); !ok) return fail(ok.error());
  return generated;
}

Result<std::optional<CreatedUser>> ensure_first_admin(AccountStore& store, std::string_view email,
                                                      std::string_view password,
                                                      PasswordCost cost) {
  auto users = store.load_users();
  if (!users) return fail(users.error());
  if (!users->empty()) return std::optional<CreatedUser>{};
  auto created = create_user(store, email, password, cost);
  if (!created) return fail(created.error());
  return std::optional<CreatedUser>(std::move(*created));
}

}  // namespace sequencial::accounts
