// JSON storage format of Schedule (see schedule_codec.h). Pure functions;
// nlohmann::json exceptions are caught here and turned into Error values.
#include "storage/schedule_codec.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdio>
#include <limits>
#include <utility>

namespace sequencial::storage {
namespace {

using nlohmann::json;

json encode_ranges(const std::vector<TimeRange>& ranges) {
  json out = json::array();
  for (const TimeRange& range : ranges)
    out.push_back(json::array({range.start_minute, range.end_minute}));
  return out;
}

Error corrupt(std::string what) {
  return Error::internal("stored business hours are corrupt: " + std::move(what));
}

std::optional<int> as_int(const json& value) {
  if (value.is_number_unsigned()) {
    const auto v = value.get<std::uint64_t>();
    if (v > static_cast<std::uint64_t>(std::numeric_limits<int>::max())) return std::nullopt;
    return static_cast<int>(v);
  }
  if (value.is_number_integer()) {
    const auto v = value.get<std::int64_t>();
    if (v < std::numeric_limits<int>::min() || v > std::numeric_limits<int>::max()) {
      return std::nullopt;
    }
    return static_cast<int>(v);
  }
  return std::nullopt;
}

Result<std::vector<TimeRange>> decode_ranges(const json& value, const std::string& where) {
  if (!value.is_array()) return fail(corrupt(where + " is not an array"));
  std::vector<TimeRange> ranges;
  ranges.reserve(value.size());
  for (const json& pair : value) {
    if (!pair.is_array() || pair.size() != 2) {
      return fail(corrupt(where + " holds a range that is not a [start, end] pair"));
    }
    auto start = as_int(pair[0]);
    auto end = as_int(pair[1]);
    if (!start || !end) return fail(corrupt(where + " holds a range that is not two integers"));
    ranges.push_back({*start, *end});
  }
  return ranges;
}

Result<Schedule> decode(const json& doc) {
  if (!doc.is_object()) return fail(corrupt("not a JSON object"));
  Schedule schedule;

  auto tz = doc.find("tz");
  if (tz == doc.end() || !tz->is_string()) return fail(corrupt("\"tz\" is missing"));
  schedule.tz = tz->get<std::string>();

  auto week = doc.find("week");
  if (week == doc.end() || !week->is_array() || week->size() != schedule.week.size()) {
    return fail(corrupt("\"week\" is not an array of 7 days"));
  }
  for (std::size_t day = 0; day < schedule.week.size(); ++day) {
    auto ranges = decode_ranges((*week)[day], "week[" + std::to_string(day) + "]");
    if (!ranges) return fail(std::move(ranges.error()));
    schedule.week[day] = std::move(*ranges);
  }

  auto exceptions = doc.find("exceptions");
  if (exceptions == doc.end()) return schedule;  // optional: an empty list may be left out
  if (!exceptions->is_array()) return fail(corrupt("\"exceptions\" is not an array"));
  for (const json& item : *exceptions) {
    if (!item.is_object()) return fail(corrupt("an exception is not an object"));
    auto date_field = item.find("date");
    if (date_field == item.end() || !date_field->is_string()) {
      return fail(corrupt("an exception has no \"date\""));
    }
    const auto& text = date_field->get_ref<const std::string&>();
    auto date = parse_date(text);
    if (!date) return fail(corrupt("exception date \"" + text + "\" is not YYYY-MM-DD"));
    auto ranges_field = item.find("ranges");
    if (ranges_field == item.end())
      return fail(corrupt("exception " + text + " has no \"ranges\""));
    auto ranges = decode_ranges(*ranges_field, "exception " + text);
    if (!ranges) return fail(std::move(ranges.error()));
    schedule.exceptions.push_back({*date, std::move(*ranges)});
  }
  return schedule;
}

}  // namespace

Result<std::string> encode_schedule(const Schedule& schedule) {
  json week = json::array();
  for (const auto& ranges : schedule.week) week.push_back(encode_ranges(ranges));
  json exceptions = json::array();
  for (const DateException& exception : schedule.exceptions) {
    const auto& date = exception.date;
    if (!date.ok() || static_cast<int>(date.year()) < 1 || static_cast<int>(date.year()) > 9999) {
      return fail(Error::invalid("hours", "exception date is not a valid date"));
    }
    exceptions.push_back(
        {{"date", format_date(date)}, {"ranges", encode_ranges(exception.ranges)}});
  }
  json doc = {
      {"tz", schedule.tz}, {"week", std::move(week)}, {"exceptions", std::move(exceptions)}};
  try {
    return doc.dump();
  } catch (const json::exception&) {
    // dump() throws only on strings that are not valid UTF-8.
    return fail(Error::invalid("hours", "time zone name is not valid UTF-8"));
  }
}

Result<Schedule> decode_schedule(std::string_view text) {
  try {
    const json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded()) return fail(corrupt("not valid JSON"));
    return decode(doc);
  } catch (const json::exception& e) {
    return fail(corrupt(e.what()));
  }
}

std::string format_date(std::chrono::year_month_day date) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return buffer;
}

std::optional<std::chrono::year_month_day> parse_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  auto number = [&](std::size_t from, std::size_t count) -> std::optional<int> {
    int value = 0;
    for (std::size_t i = from; i < from + count; ++i) {
      if (text[i] < '0' || text[i] > '9') return std::nullopt;
      value = value * 10 + (text[i] - '0');
    }
    return value;
  };
  auto y = number(0, 4);
  auto m = number(5, 2);
  auto d = number(8, 2);
  if (!y || !m || !d) return std::nullopt;
  const std::chrono::year_month_day date{std::chrono::year{*y},
                                         std::chrono::month{static_cast<unsigned>(*m)},
                                         std::chrono::day{static_cast<unsigned>(*d)}};
  if (!date.ok()) return std::nullopt;
  return date;
}

std::string encode_regions(const std::vector<std::string>& regions) {
  std::string out;
  for (const std::string& region : regions) {
    if (!out.empty()) out += '\n';
    out += region;
  }
  return out;
}

std::vector<std::string> decode_regions(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    if (!line.empty()) out.emplace_back(line);
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return out;
}

}  // namespace sequencial::storage
