// Business hours (horário de atendimento): turns a member's weekly ranges and
// dated exceptions into instants in the schedule's IANA zone and answers
// "open now, and until when?". Also the clock parsing/formatting and the
// schedule validation rules shared by the admin API and storage.
//
// Evaluation walks local dates from two days before `now` onwards, converts
// each date's ranges to [begin, end) instants (DST rules in business_hours.h),
// and merges them as they come: begins arrive in increasing order because a
// date's ranges all start before the next date's, so one running interval is
// enough and no list of intervals is kept.
#include "routing/business_hours.h"

#include <date/tz.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <exception>
#include <string>
#include <utility>
#include <vector>

namespace sequencial::routing {
namespace {

// A local calendar date (days since 1970-01-01 in the schedule's zone), not an
// instant: sys_days is used only for its calendar arithmetic.
using LocalDay = std::chrono::sys_days;

constexpr int kMinutesPerDay = 1440;
constexpr std::size_t kMaxRangesPerDay = 8;
constexpr std::array<const char*, 7> kWeekdayNames = {"sun", "mon", "tue", "wed",
                                                      "thu", "fri", "sat"};
// How far state_at looks for a flip. Past it the answer carries a re-check
// instant instead of a real flip (only reachable with years of exceptions or
// ranges emptied by DST).
constexpr std::chrono::days kMaxScan{400};
constexpr std::chrono::days kMaxHorizon{366 * 100};

enum class Edge { kStart, kEnd };

struct Interval {
  Timestamp begin;
  Timestamp end;
};

bool is_valid_range(const TimeRange& r) {
  return r.start_minute >= 0 && r.start_minute < kMinutesPerDay && r.end_minute >= 0 &&
         r.end_minute <= kMinutesPerDay && r.end_minute != r.start_minute;
}

// Local date `day` + `minute` (may exceed a day) as an instant. A time in the
// spring-forward gap maps to the transition; a repeated time maps to its first
// occurrence as a start and to its second as an end.
Timestamp to_instant(const date::time_zone& zone, LocalDay day, int minute, Edge edge) {
  const date::local_seconds local{day.time_since_epoch() + std::chrono::minutes{minute}};
  const date::local_info info = zone.get_info(local);
  switch (info.result) {
    case date::local_info::nonexistent:
      return info.second.begin;
    case date::local_info::ambiguous:
      return Timestamp{local.time_since_epoch() -
                       (edge == Edge::kStart ? info.first.offset : info.second.offset)};
    case date::local_info::unique:
    default:
      return Timestamp{local.time_since_epoch() - info.first.offset};
  }
}

LocalDay local_day_of(const date::time_zone& zone, Timestamp instant) {
  const auto local = zone.to_local(instant);
  return LocalDay{date::floor<date::days>(local).time_since_epoch()};
}

// The ranges in force on a local date: its exception's, else its weekday's.
const std::vector<TimeRange>& ranges_on(const Schedule& schedule, LocalDay day) {
  const std::chrono::year_month_day ymd{day};
  for (const DateException& exception : schedule.exceptions) {
    if (exception.date == ymd) return exception.ranges;
  }
  return schedule.week[std::chrono::weekday{day}.c_encoding()];
}

bool has_valid_range(const std::vector<TimeRange>& ranges) {
  return std::any_of(ranges.begin(), ranges.end(), is_valid_range);
}

// Whether the weekly ranges alone (each day's own plus the previous day's
// tails past midnight) cover every minute of every weekday in local time.
// Conversion to instants keeps covered local time covered, so such a week is
// open at every instant.
bool week_covers_everything(const Schedule& schedule) {
  std::vector<std::pair<int, int>> pieces;
  for (int day = 0; day < 7; ++day) {
    pieces.clear();
    for (const TimeRange& r : schedule.week[day]) {
      if (!is_valid_range(r)) continue;
      pieces.emplace_back(r.start_minute,
                          r.end_minute > r.start_minute ? r.end_minute : kMinutesPerDay);
    }
    for (const TimeRange& r : schedule.week[(day + 6) % 7]) {
      if (is_valid_range(r) && r.end_minute < r.start_minute) pieces.emplace_back(0, r.end_minute);
    }
    std::sort(pieces.begin(), pieces.end());
    int covered = 0;
    for (const auto& [start, end] : pieces) {
      if (start > covered) break;
      covered = std::max(covered, end);
    }
    if (covered < kMinutesPerDay) return false;
  }
  return true;
}

std::string two_digits(int value) {
  return {static_cast<char>('0' + value / 10), static_cast<char>('0' + value % 10)};
}

std::string date_text(const std::chrono::year_month_day& ymd) {
  const int year = static_cast<int>(ymd.year());
  std::string text = std::to_string(year);
  if (year >= 0 && year < 1000) text.insert(0, 4 - text.size(), '0');
  return text + '-' + two_digits(static_cast<int>(static_cast<unsigned>(ymd.month()))) + '-' +
         two_digits(static_cast<int>(static_cast<unsigned>(ymd.day())));
}

// Checks one day's ranges; `field` is "week.mon" or "exceptions[0].ranges".
Result<void> validate_ranges(const std::vector<TimeRange>& ranges, const std::string& field) {
  if (ranges.size() > kMaxRangesPerDay) {
    return fail(Error::invalid(field, "at most 8 ranges a day"));
  }
  const auto item = [&](std::size_t i) { return field + '[' + std::to_string(i) + ']'; };
  for (std::size_t i = 0; i < ranges.size(); ++i) {
    const TimeRange& r = ranges[i];
    if (r.start_minute < 0 || r.start_minute >= kMinutesPerDay) {
      return fail(Error::invalid(item(i), "start must be between 00:00 and 23:59"));
    }
    if (r.end_minute < 0 || r.end_minute > kMinutesPerDay) {
      return fail(Error::invalid(item(i), "end must be between 00:00 and 24:00"));
    }
    if (r.end_minute == r.start_minute) {
      return fail(Error::invalid(item(i), "end equals start"));
    }
  }
  // A range crossing midnight occupies [start, end + 1440) of its own day.
  const auto span_end = [](const TimeRange& r) {
    return r.end_minute > r.start_minute ? r.end_minute : r.end_minute + kMinutesPerDay;
  };
  for (std::size_t i = 1; i < ranges.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (ranges[i].start_minute < span_end(ranges[j]) &&
          ranges[j].start_minute < span_end(ranges[i])) {
        return fail(Error::invalid(item(i), "overlaps " + item(j)));
      }
    }
  }
  return {};
}

}  // namespace

Result<BusinessHours> BusinessHours::compile(const Schedule& schedule) {
  const date::time_zone* zone = nullptr;
  try {
    zone = date::locate_zone(schedule.tz);
  } catch (const std::exception&) {
    return fail(Error::invalid("tz", "unknown time zone \"" + schedule.tz + "\""));
  }
  return BusinessHours(schedule, zone);
}

OpenState BusinessHours::state_at(Timestamp now) const {
  const LocalDay today = local_day_of(*zone_, now);

  // For the "never changes again" answers: the last dates that differ from
  // the weekly pattern, and whether the weekly pattern ever opens.
  LocalDay last_exception = LocalDay::min();
  LocalDay last_opening_exception = LocalDay::min();
  for (const DateException& exception : schedule_.exceptions) {
    if (!exception.date.ok()) continue;
    const LocalDay day{exception.date};
    last_exception = std::max(last_exception, day);
    if (has_valid_range(exception.ranges)) {
      last_opening_exception = std::max(last_opening_exception, day);
    }
  }
  const bool week_opens = std::any_of(schedule_.week.begin(), schedule_.week.end(),
                                      [](const auto& ranges) { return has_valid_range(ranges); });
  int covers_everything = -1;  // computed on first need

  std::vector<Interval> day_intervals;
  day_intervals.reserve(kMaxRangesPerDay);
  // The merged interval being built. Its begin is always <= now: as soon as
  // one begins after now, that begin is the answer.
  Interval run{};
  bool have_run = false;

  // Two days back: a range crossing midnight from yesterday, or DST folding
  // near midnight, can still cover `now`.
  for (LocalDay day = today - std::chrono::days{2};; day += std::chrono::days{1}) {
    day_intervals.clear();
    for (const TimeRange& r : ranges_on(schedule_, day)) {
      if (!is_valid_range(r)) continue;
      const int end_minute =
          r.end_minute > r.start_minute ? r.end_minute : r.end_minute + kMinutesPerDay;
      const Interval interval{to_instant(*zone_, day, r.start_minute, Edge::kStart),
                              to_instant(*zone_, day, end_minute, Edge::kEnd)};
      // A range inside a spring-forward gap is empty.
      if (interval.begin < interval.end) day_intervals.push_back(interval);
    }
    std::sort(day_intervals.begin(), day_intervals.end(),
              [](const Interval& a, const Interval& b) { return a.begin < b.begin; });

    for (const Interval& interval : day_intervals) {
      if (have_run && interval.begin <= run.end) {
        run.end = std::max(run.end, interval.end);
        continue;
      }
      if (have_run && run.end > now) return {true, run.end};
      run = interval;
      have_run = true;
      if (run.begin > now) return {false, run.begin};
    }
    if (have_run && run.end <= now) have_run = false;

    // Later dates only add intervals beginning at or after this instant.
    const Timestamp known_until = to_instant(*zone_, day + std::chrono::days{1}, 0, Edge::kStart);
    if (have_run && run.end < known_until) return {true, run.end};
    if (have_run && last_exception < day) {
      if (covers_everything < 0) covers_everything = week_covers_everything(schedule_) ? 1 : 0;
      if (covers_everything == 1) return {true, Timestamp::max()};
    }
    if (!have_run && !week_opens && last_opening_exception <= day) {
      return {false, Timestamp::max()};
    }
    if (day - today >= kMaxScan) return {have_run, known_until};
  }
}

std::optional<Timestamp> BusinessHours::next_opening(Timestamp now,
                                                     std::chrono::days horizon) const {
  horizon = std::clamp(horizon, std::chrono::days{0}, kMaxHorizon);
  const Timestamp limit = now + horizon;
  Timestamp at = now;
  while (at <= limit) {
    const OpenState state = state_at(at);
    if (state.open) return at;
    // next_change may be a re-check instant rather than an opening: loop.
    if (state.next_change == Timestamp::max() || state.next_change <= at) break;
    at = state.next_change;
  }
  return std::nullopt;
}

std::string BusinessHours::format_local(Timestamp instant) const {
  return date::format("%FT%T%Ez", date::make_zoned(zone_, instant));
}

bool is_known_time_zone(std::string_view name) {
  try {
    return date::locate_zone(std::string(name)) != nullptr;
  } catch (const std::exception&) {
    return false;
  }
}

Result<int> parse_clock(std::string_view text, std::string_view field, bool allow_end_of_day) {
  const auto bad = [&] {
    return fail(Error::invalid(std::string(field),
                               allow_end_of_day ? "time must be HH:MM between 00:00 and 24:00"
                                                : "time must be HH:MM between 00:00 and 23:59"));
  };
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (text.size() != 5 || !digit(text[0]) || !digit(text[1]) || text[2] != ':' || !digit(text[3]) ||
      !digit(text[4])) {
    return bad();
  }
  const int hours = (text[0] - '0') * 10 + (text[1] - '0');
  const int minutes = (text[3] - '0') * 10 + (text[4] - '0');
  if (hours == 24 && minutes == 0) {
    if (allow_end_of_day) return kMinutesPerDay;
    return fail(Error::invalid(std::string(field), "24:00 is allowed only as an end time"));
  }
  if (hours > 23 || minutes > 59) return bad();
  return hours * 60 + minutes;
}

std::string format_clock(int minute) {
  minute = std::clamp(minute, 0, kMinutesPerDay);
  return two_digits(minute / 60) + ':' + two_digits(minute % 60);
}

Result<void> validate_schedule(const Schedule& schedule) {
  if (!is_known_time_zone(schedule.tz)) {
    return fail(Error::invalid("tz", "unknown time zone \"" + schedule.tz + "\""));
  }
  for (std::size_t day = 0; day < schedule.week.size(); ++day) {
    if (auto ok = validate_ranges(schedule.week[day], std::string("week.") + kWeekdayNames[day]);
        !ok) {
      return ok;
    }
  }

  // duplicate[i]: an earlier exception has the same date. Found by sorting so
  // a long exception list stays O(n log n).
  const std::size_t count = schedule.exceptions.size();
  std::vector<std::size_t> order(count);
  for (std::size_t i = 0; i < count; ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const auto& da = schedule.exceptions[a].date;
    const auto& db = schedule.exceptions[b].date;
    return da != db ? da < db : a < b;
  });
  std::vector<bool> duplicate(count, false);
  for (std::size_t k = 1; k < count; ++k) {
    if (schedule.exceptions[order[k]].date == schedule.exceptions[order[k - 1]].date) {
      duplicate[order[k]] = true;
    }
  }

  for (std::size_t i = 0; i < count; ++i) {
    const DateException& exception = schedule.exceptions[i];
    const std::string field = "exceptions[" + std::to_string(i) + "]";
    if (!exception.date.ok()) {
      return fail(Error::invalid(field + ".date", "not a valid calendar date"));
    }
    if (duplicate[i]) {
      return fail(
          Error::invalid(field + ".date", "duplicate exception date " + date_text(exception.date)));
    }
    if (auto ok = validate_ranges(exception.ranges, field + ".ranges"); !ok) return ok;
  }
  return {};
}

}  // namespace sequencial::routing
