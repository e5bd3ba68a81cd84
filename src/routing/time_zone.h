// Calendar helpers in an IANA time zone, for reports: the instant a local
// date starts, and the local date/hour label of an instant. Thin wrappers
// over date-tz (system tzdata) so callers need not include it.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/model.h"

namespace sequencial::routing {

// The first instant of local date `day` in `tz` (kInvalid on field "tz"
// when the zone is unknown).
[[nodiscard]] Result<Timestamp> local_day_start(std::string_view tz,
                                                std::chrono::year_month_day day);

// Whether `tz`'s offset from UTC is a whole number of hours at `instant`
// (false for unknown zones). Reports aggregate per UTC hour, so only such
// zones can have exact local days.
[[nodiscard]] bool whole_hour_offset(std::string_view tz, Timestamp instant);

// "2026-11-25" / "2026-11-25T14:00" of `instant` in `tz` (UTC if unknown).
[[nodiscard]] std::string local_date_label(std::string_view tz, Timestamp instant);
[[nodiscard]] std::string local_hour_label(std::string_view tz, Timestamp instant);

}  // namespace sequencial::routing
