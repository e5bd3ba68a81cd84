// The errors the storage contract (link_store.h, account_store.h,
// assignment_store.h) names for missing or clashing rows, and the check of a
// central's links, written once for both backends (sqlite/, postgres/): the
// same case fails with the same code, field and message whichever database
// is behind.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>

#include "core/error.h"
#include "core/model.h"

namespace sequencial::stored {

inline Error link_not_found(LinkId id) {
  return Error::not_found("link " + std::to_string(id) + " not found");
}
inline Error central_not_found(CentralId id) {
  return Error::not_found("central " + std::to_string(id) + " not found");
}
inline Error user_not_found(std::int64_t id) {
  return Error::not_found("user " + std::to_string(id) + " not found");
}
inline Error token_not_found(std::int64_t id) {
  return Error::not_found("token " + std::to_string(id) + " not found");
}
inline Error slug_in_use() { return Error::conflict("slug", "slug already in use"); }
inline Error anchor_taken() {
  return Error::conflict("anchor", "link is already the anchor of another central");
}
// delete_link of a link that anchors `central` (its id, or "(new)" when a
// central made it its anchor during the delete).
inline Error link_is_anchor(std::string_view central) {
  return Error::conflict(
      "id", "link is the anchor of central " + std::string(central) + "; delete the central first");
}
// A central's anchor or member link that does not exist, or a member listed twice.
inline Error anchor_link_missing(LinkId id) {
  return {ErrorCode::kUnprocessable, "anchor link " + std::to_string(id) + " does not exist",
          "anchor"};
}
inline Error member_link_missing(LinkId id) {
  return {ErrorCode::kUnprocessable, "member link " + std::to_string(id) + " does not exist",
          "members"};
}
inline Error member_listed_twice(LinkId id) {
  return Error::invalid("members", "link " + std::to_string(id) + " appears twice in the members");
}
inline Error email_taken() {
  return Error::conflict("email", "a user with this e-mail already exists");
}
inline Error token_hash_taken() {
  return Error::conflict("token", "a token with this hash already exists");
}
inline Error session_id_taken() {
  return Error::conflict("id_hash", "a session with this id already exists");
}
// insert_session for a user that does not exist.
inline Error session_user_not_found(std::int64_t user_id) {
  Error error = user_not_found(user_id);
  error.field = "user_id";
  return error;
}
// claim_assignment naming a central or link that no longer exists.
inline Error assignment_target_not_found(CentralId central, LinkId link) {
  return Error::not_found("central " + std::to_string(central) + " or link " +
                          std::to_string(link) + " not found");
}
// A stored central whose `column` holds a name this build does not know.
inline Error unknown_central_value(CentralId central, std::string_view column,
                                   std::string_view value) {
  return Error::internal("central " + std::to_string(central) + " has an unknown " +
                         std::string(column) + " \"" + std::string(value) + "\"");
}

// What insert_central and update_central check before writing: the anchor
// exists, then each member in order is listed once and exists.
// `link_exists(LinkId)` returns Result<bool> (the backend's look-up).
template <class LinkExists>
Result<void> check_central_links(const Central& central, LinkExists link_exists) {
  auto anchor = link_exists(central.anchor_id);
  if (!anchor) return fail(std::move(anchor.error()));
  if (!*anchor) return fail(anchor_link_missing(central.anchor_id));
  std::unordered_set<LinkId> seen;
  for (const Member& member : central.members) {
    if (!seen.insert(member.link_id).second) return fail(member_listed_twice(member.link_id));
    auto found = link_exists(member.link_id);
    if (!found) return fail(std::move(found.error()));
    if (!*found) return fail(member_link_missing(member.link_id));
  }
  return {};
}

}  // namespace sequencial::stored
