// What both Store backends (sqlite/, postgres/) share about rows: the column
// list each SELECT of a stored type names, and how a row in that column order
// becomes the type, written once. A backend supplies a row reader: any type
// with int_at(col) -> std::int64_t, text_at(col) -> std::string or
// std::string_view, bool_at(col) and null_at(col) (sqlite_store_private.h,
// pg_store_private.h). The SQL around the column lists stays in each backend,
// since the two spell parameters differently (?1 / $1).
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "core/click.h"
#include "core/error.h"
#include "core/model.h"
#include "storage/account_store.h"
#include "storage/click_store.h"
#include "storage/contract_errors.h"
#include "storage/schedule_codec.h"
#include "storage/setting_store.h"
#include "storage/stored_values.h"

namespace sequencial::stored {

// "SELECT <columns> <rest>".
inline std::string select(std::string_view columns, std::string_view rest) {
  std::string sql = "SELECT ";
  sql.append(columns).append(" ").append(rest);
  return sql;
}

inline constexpr std::string_view kLinkColumns =
    "id, slug, phone, message, label, active, preview_title, preview_description, preview_image,"
    " created_at";

template <class Row>
Link link_from(const Row& r) {
  Link link;
  link.id = r.int_at(0);
  link.slug = r.text_at(1);
  link.phone = r.text_at(2);
  link.message = r.text_at(3);
  link.label = r.text_at(4);
  link.active = r.bool_at(5);
  link.preview_title = r.text_at(6);
  link.preview_description = r.text_at(7);
  link.preview_image = r.text_at(8);
  link.created_at = timestamp_from_db(r.int_at(9));
  return link;
}

// A central without its members.
inline constexpr std::string_view kCentralColumns =
    "id, anchor_id, fixed, when_closed, cursor, created_at, mode, title, shuffle";

template <class Row>
Result<Central> central_from(const Row& r) {
  Central central;
  central.id = r.int_at(0);
  central.anchor_id = r.int_at(1);
  central.fixed = r.bool_at(2);
  const auto when = r.text_at(3);
  auto when_closed = when_closed_from_name(when);
  if (!when_closed) return fail(unknown_central_value(central.id, "when_closed", when));
  central.when_closed = *when_closed;
  central.cursor = u64_from_db(r.int_at(4));
  central.created_at = timestamp_from_db(r.int_at(5));
  const auto mode = r.text_at(6);
  auto parsed_mode = central_mode_from_name(mode);
  if (!parsed_mode) return fail(unknown_central_value(central.id, "mode", mode));
  central.mode = *parsed_mode;
  central.title = r.text_at(7);
  central.shuffle = r.bool_at(8);
  return central;
}

// A member of central int_at(0).
inline constexpr std::string_view kMemberColumns =
    "central_id, link_id, weight, hours, title, description, photo_url, regions";

template <class Row>
Result<Member> member_from(const Row& r) {
  Member member;
  member.link_id = r.int_at(1);
  member.weight = static_cast<int>(r.int_at(2));
  if (!r.null_at(3)) {
    auto hours = storage::decode_schedule(r.text_at(3));
    if (!hours) {
      Error error = std::move(hours.error());
      error.message = "central " + std::to_string(r.int_at(0)) + ", member link " +
                      std::to_string(member.link_id) + ": " + error.message;
      return fail(std::move(error));
    }
    member.hours = std::move(*hours);
  }
  member.title = r.text_at(4);
  member.description = r.text_at(5);
  member.photo_url = r.text_at(6);
  member.regions = storage::decode_regions(r.text_at(7));
  return member;
}

inline constexpr std::string_view kTokenColumns = "id, name, created_at";

template <class Row>
ApiToken token_from(const Row& r) {
  return ApiToken{.id = r.int_at(0),
                  .name = std::string(r.text_at(1)),
                  .created_at = timestamp_from_db(r.int_at(2))};
}

inline constexpr std::string_view kUserColumns = "id, email, password_hash, created_at";

template <class Row>
User user_from(const Row& r) {
  return User{.id = r.int_at(0),
              .email = std::string(r.text_at(1)),
              .password_hash = std::string(r.text_at(2)),
              .created_at = timestamp_from_db(r.int_at(3))};
}

// The session whose id hash was asked (not a column).
inline constexpr std::string_view kSessionColumns = "user_id, csrf_token, created_at, expires_at";

template <class Row>
StoredSession session_from(const Row& r, std::string_view id_hash) {
  return StoredSession{.id_hash = std::string(id_hash),
                       .user_id = r.int_at(0),
                       .csrf_token = std::string(r.text_at(1)),
                       .created_at = timestamp_from_db(r.int_at(2)),
                       .expires_at = timestamp_from_db(r.int_at(3))};
}

inline constexpr std::string_view kSettingColumns = "key, value";

template <class Row>
Setting setting_from(const Row& r) {
  return Setting{.key = std::string(r.text_at(0)), .value = std::string(r.text_at(1))};
}

inline constexpr std::string_view kAssignmentColumns =
    "central_id, visitor_hi, visitor_lo, link_id, last_seen";

template <class Row>
Assignment assignment_from(const Row& r) {
  return {.central_id = r.int_at(0),
          .visitor = {.hi = u64_from_db(r.int_at(1)), .lo = u64_from_db(r.int_at(2))},
          .link_id = r.int_at(3),
          .last_seen = timestamp_from_db(r.int_at(4))};
}

// A summed rollup: hour (-1 unless per hour), key, sum.
template <class Row>
RollupRow rollup_row_from(const Row& r) {
  return {r.int_at(0), std::string(r.text_at(1)), r.int_at(2)};
}

inline constexpr std::string_view kClickColumns =
    "at, kind, central_id, entry_link_id, link_id, visitor_hi, visitor_lo, new_visitor,"
    " outcome, device, browser, referrer, utm_source, utm_medium, utm_campaign, utm_term,"
    " utm_content, gclid, fbclid, source, ref";

template <class Row>
ClickRecord click_from(const Row& r) {
  ClickRecord c;
  c.at = timestamp_from_db(r.int_at(0));
  c.kind = r.int_at(1) == 1 ? ClickKind::kPreview : ClickKind::kClick;
  c.central_id = r.int_at(2);
  c.entry_link_id = r.int_at(3);
  c.link_id = r.int_at(4);
  c.visitor = {u64_from_db(r.int_at(5)), u64_from_db(r.int_at(6))};
  c.new_visitor = r.bool_at(7);
  c.outcome = r.text_at(8);
  c.device = r.text_at(9);
  c.browser = r.text_at(10);
  c.referrer = r.text_at(11);
  c.utm_source = r.text_at(12);
  c.utm_medium = r.text_at(13);
  c.utm_campaign = r.text_at(14);
  c.utm_term = r.text_at(15);
  c.utm_content = r.text_at(16);
  c.gclid = r.bool_at(17);
  c.fbclid = r.bool_at(18);
  c.source = r.int_at(19) == 1 ? ClickSource::kQr : ClickSource::kLink;
  c.ref = r.text_at(20);
  return c;
}

}  // namespace sequencial::stored
