// The storage format of a member's business hours (Schedule), shared by the
// storage backends: a compact JSON text, stable across versions since it is
// written to databases. Example (minutes since local midnight, [start, end)):
//   {"tz":"America/Sao_Paulo",
//    "week":[[],[[540,720],[780,1080]],[],[],[],[],[[1320,120]]],   // index 0 = Sunday
//    "exceptions":[{"date":"2026-12-25","ranges":[]}]}
// Decoding checks the shape (7 weekdays, pairs of integers, valid dates) but
// not the product rules (core/validation.h does); it never throws.
//
// Thread-safety: pure functions.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/model.h"

namespace sequencial::storage {

[[nodiscard]] Result<std::string> encode_schedule(const Schedule& schedule);
// kInternal naming what is wrong when `json` is not a stored schedule.
[[nodiscard]] Result<Schedule> decode_schedule(std::string_view json);

// A member's Geolocalizado regions as stored: one per line ("" = none).
// Regions are normalised before storing and never hold a line break.
[[nodiscard]] std::string encode_regions(const std::vector<std::string>& regions);
[[nodiscard]] std::vector<std::string> decode_regions(std::string_view text);

// "YYYY-MM-DD" <-> year_month_day; nullopt for anything else or an invalid date.
[[nodiscard]] std::string format_date(std::chrono::year_month_day date);
[[nodiscard]] std::optional<std::chrono::year_month_day> parse_date(std::string_view text);

}  // namespace sequencial::storage
