// JSON shapes of the admin API (docs/API.md): links, centrals, business hours,
// errors. Turning JSON into inputs checks types and names the field at
// fault; the rules themselves (slug format, weights...) are checked by the
// catalog and the routing core.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/model.h"
#include "domain/catalog.h"
#include "routing/central_router.h"

namespace sequencial::api {

[[nodiscard]] std::string format_time(Timestamp t);  // "2026-11-25T10:00:00Z"
[[nodiscard]] std::string error_body(const Error& error);
// `value` as JSON text. Never throws: strings may echo request bytes (a path,
// a query value) that are not UTF-8, and those bytes become U+FFFD instead
// of an exception.
[[nodiscard]] std::string dump_json(const nlohmann::json& value);

[[nodiscard]] nlohmann::json link_json(const Link& link, std::string_view public_url);
[[nodiscard]] Result<domain::LinkInput> parse_link_input(const nlohmann::json& body);

// `slug_of` names links by slug; `states` (same order as members, may be
// empty) adds open_now / next_change.
[[nodiscard]] nlohmann::json central_json(const Central& central,
                                          const std::function<std::string(LinkId)>& slug_of,
                                          const std::vector<routing::MemberState>& states,
                                          std::string_view public_url);
[[nodiscard]] Result<domain::CentralInput> parse_central_input(const nlohmann::json& body);

[[nodiscard]] nlohmann::json schedule_json(const Schedule& schedule);
// `default_tz` is used when "tz" is absent.
[[nodiscard]] Result<Schedule> parse_schedule(const nlohmann::json& body,
                                              std::string_view default_tz);
[[nodiscard]] Result<std::chrono::year_month_day> parse_date(std::string_view text,
                                                             std::string_view field);
[[nodiscard]] std::string format_date(std::chrono::year_month_day date);

}  // namespace sequencial::api
