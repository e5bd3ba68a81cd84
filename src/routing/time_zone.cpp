// Local calendar conversions with date-tz.
#include "routing/time_zone.h"

#include <date/tz.h>

namespace sequencial::routing {
namespace {

const date::time_zone* find_zone(std::string_view tz) {
  try {
    return date::locate_zone(tz);
  } catch (const std::exception&) {
    return nullptr;
  }
}

std::string label(std::string_view tz, Timestamp instant, const char* format) {
  const date::time_zone* zone = find_zone(tz);
  if (zone == nullptr) zone = date::locate_zone("UTC");
  return date::format(format, date::make_zoned(zone, instant));
}

}  // namespace

Result<Timestamp> local_day_start(std::string_view tz, std::chrono::year_month_day day) {
  const date::time_zone* zone = find_zone(tz);
  if (zone == nullptr) {
    return fail(Error::invalid("tz", "unknown time zone \"" + std::string(tz) + "\""));
  }
  const date::local_seconds midnight{date::local_days{date::year_month_day{
      date::year{static_cast<int>(day.year())}, date::month{static_cast<unsigned>(day.month())},
      date::day{static_cast<unsigned>(day.day())}}}};
  // A midnight skipped by DST starts the day at the transition.
  const auto info = zone->get_info(midnight);
  if (info.result == date::local_info::nonexistent) {
    return std::chrono::time_point_cast<std::chrono::seconds>(info.first.end);
  }
  return std::chrono::time_point_cast<std::chrono::seconds>(
      zone->to_sys(midnight, date::choose::earliest));
}

bool whole_hour_offset(std::string_view tz, Timestamp instant) {
  const date::time_zone* zone = find_zone(tz);
  if (zone == nullptr) return false;
  return zone->get_info(instant).offset.count() % 3600 == 0;
}

std::string local_date_label(std::string_view tz, Timestamp instant) {
  return label(tz, instant, "%F");
}

std::string local_hour_label(std::string_view tz, Timestamp instant) {
  return label(tz, instant, "%FT%H:00");
}

}  // namespace sequencial::routing
