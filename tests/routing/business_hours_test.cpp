// Tests for routing/business_hours: open/closed state and next change at fixed
// instants (never the wall clock) in America/Sao_Paulo, America/New_York and
// Europe/Lisbon, including midnight-crossing ranges, dated exceptions and DST
// gaps and repeats; next_opening; clock parsing/formatting; schedule validation.
#include "routing/business_hours.h"

#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <string>
#include <vector>

namespace sequencial::routing {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

constexpr int kSun = 0, kMon = 1, kTue = 2, kWed = 3, kThu = 4, kFri = 5, kSat = 6;

// A UTC instant.
Timestamp utc(int y, unsigned m, unsigned d, int hh, int mm, int ss = 0) {
  return Timestamp{std::chrono::sys_days{std::chrono::year{y} / std::chrono::month{m} /
                                         std::chrono::day{d}}} +
         hours{hh} + minutes{mm} + seconds{ss};
}

std::chrono::year_month_day ymd(int y, unsigned m, unsigned d) {
  return std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d};
}

TimeRange range(const char* start, const char* end) {
  return {parse_clock(start, "start", false).value(), parse_clock(end, "end", true).value()};
}

BusinessHours compiled(const Schedule& schedule) {
  auto hours = BusinessHours::compile(schedule);
  EXPECT_TRUE(hours.has_value()) << hours.error().message;
  return *hours;
}

// Mon-Fri 09:00-12:00 and 13:00-18:00 in São Paulo (UTC-3 all year since 2019,
// so local = UTC - 3h throughout 2026).
Schedule office_sao_paulo() {
  Schedule s;
  s.tz = "America/Sao_Paulo";
  for (int d = kMon; d <= kFri; ++d) s.week[d] = {range("09:00", "12:00"), range("13:00", "18:00")};
  return s;
}

void expect_state(const BusinessHours& hours, Timestamp now, bool open, Timestamp next) {
  const OpenState state = hours.state_at(now);
  EXPECT_EQ(state.open, open) << hours.format_local(now);
  EXPECT_EQ(state.next_change, next)
      << "at " << hours.format_local(now) << " got "
      << (state.next_change == Timestamp::max() ? std::string("max")
                                                : hours.format_local(state.next_change));
}

TEST(BusinessHoursTest, EveryWeekdayMapsToItsSlot) {
  // 2026-06-07 is a Sunday; 10:30 local in São Paulo is 13:30 UTC.
  for (int slot = kSun; slot <= kSat; ++slot) {
    Schedule s;
    s.tz = "America/Sao_Paulo";
    s.week[slot] = {range("10:00", "11:00")};
    const BusinessHours hours = compiled(s);
    for (int offset = 0; offset < 7; ++offset) {
      const Timestamp at = utc(2026, 6, 7 + offset, 13, 30);
      EXPECT_EQ(hours.state_at(at).open, offset == slot) << "slot " << slot << " day " << offset;
    }
  }
}

TEST(BusinessHoursTest, OfficeHoursBoundariesInSaoPaulo) {
  const BusinessHours hours = compiled(office_sao_paulo());
  // Monday 2026-06-01. 09:00 local = 12:00 UTC, 12:00 = 15:00, 13:00 = 16:00, 18:00 = 21:00.
  expect_state(hours, utc(2026, 6, 1, 11, 59, 59), false, utc(2026, 6, 1, 12, 0));
  expect_state(hours, utc(2026, 6, 1, 12, 0), true, utc(2026, 6, 1, 15, 0));
  expect_state(hours, utc(2026, 6, 1, 14, 59, 59), true, utc(2026, 6, 1, 15, 0));
  // Lunch gap.
  expect_state(hours, utc(2026, 6, 1, 15, 0), false, utc(2026, 6, 1, 16, 0));
  expect_state(hours, utc(2026, 6, 1, 15, 30), false, utc(2026, 6, 1, 16, 0));
  expect_state(hours, utc(2026, 6, 1, 16, 0), true, utc(2026, 6, 1, 21, 0));
  // After hours: next is Tuesday 09:00 local = Tuesday 12:00 UTC.
  expect_state(hours, utc(2026, 6, 1, 21, 0), false, utc(2026, 6, 2, 12, 0));
  // Friday 18:00 local (21:00 UTC) -> Monday 2026-06-08 09:00 local = 12:00 UTC.
  expect_state(hours, utc(2026, 6, 5, 21, 0), false, utc(2026, 6, 8, 12, 0));
  // Sunday 23:00 local is already Monday 02:00 UTC: the local date decides.
  expect_state(hours, utc(2026, 6, 8, 2, 0), false, utc(2026, 6, 8, 12, 0));
}

TEST(BusinessHoursTest, ClosedWeekendNextOpeningIsMonday) {
  const BusinessHours hours = compiled(office_sao_paulo());
  // Saturday 2026-06-06 12:00 local = 15:00 UTC -> Monday 2026-06-08 09:00 local = 12:00 UTC.
  const Timestamp saturday = utc(2026, 6, 6, 15, 0);
  EXPECT_EQ(hours.next_opening(saturday, days{7}), utc(2026, 6, 8, 12, 0));
  // Monday 09:00 is 45 hours away: beyond a 1-day horizon.
  EXPECT_EQ(hours.next_opening(saturday, days{1}), std::nullopt);
  // Open now: now itself.
  EXPECT_EQ(hours.next_opening(utc(2026, 6, 1, 13, 0), days{0}), utc(2026, 6, 1, 13, 0));
  EXPECT_EQ(hours.next_opening(saturday, days{0}), std::nullopt);
  EXPECT_EQ(hours.format_local(utc(2026, 6, 8, 12, 0)), "2026-06-08T09:00:00-03:00");
}

TEST(BusinessHoursTest, RangeCrossingMidnight) {
  Schedule s;
  s.tz = "America/Sao_Paulo";
  s.week[kSat] = {range("22:00", "02:00")};
  const BusinessHours hours = compiled(s);
  // Saturday 2026-06-06 22:00 local = Sunday 01:00 UTC; Sunday 02:00 local = 05:00 UTC.
  expect_state(hours, utc(2026, 6, 7, 0, 59), false, utc(2026, 6, 7, 1, 0));
  expect_state(hours, utc(2026, 6, 7, 1, 0), true, utc(2026, 6, 7, 5, 0));
  // Sunday 01:00 local = 04:00 UTC is served by Saturday's range.
  expect_state(hours, utc(2026, 6, 7, 4, 0), true, utc(2026, 6, 7, 5, 0));
  // Sunday 02:00 local: closed until next Saturday 22:00 = Sunday 2026-06-14 01:00 UTC.
  expect_state(hours, utc(2026, 6, 7, 5, 0), false, utc(2026, 6, 14, 1, 0));
}

TEST(BusinessHoursTest, ExceptionOnNextDayKeepsCrossingTail) {
  Schedule s;
  s.tz = "America/Sao_Paulo";
  s.week[kSat] = {range("22:00", "02:00")};
  s.exceptions = {{ymd(2026, 6, 7), {}}};  // Sunday closed
  const BusinessHours hours = compiled(s);
  expect_state(hours, utc(2026, 6, 7, 4, 0), true, utc(2026, 6, 7, 5, 0));

  // A closed Saturday has no tail into Sunday.
  s.exceptions = {{ymd(2026, 6, 6), {}}};
  const BusinessHours closed_saturday = compiled(s);
  expect_state(closed_saturday, utc(2026, 6, 7, 4, 0), false, utc(2026, 6, 14, 1, 0));
}

TEST(BusinessHoursTest, HolidayClosedAllDay) {
  Schedule s = office_sao_paulo();
  s.exceptions = {{ymd(2026, 12, 25), {}}};  // Friday
  const BusinessHours hours = compiled(s);
  // Thursday 2026-12-24 18:00 local (21:00 UTC) -> Monday 2026-12-28 09:00 local = 12:00 UTC.
  expect_state(hours, utc(2026, 12, 24, 21, 0), false, utc(2026, 12, 28, 12, 0));
  // Friday 10:00 local = 13:00 UTC: would be open, but it is the holiday.
  expect_state(hours, utc(2026, 12, 25, 13, 0), false, utc(2026, 12, 28, 12, 0));
  EXPECT_EQ(hours.next_opening(utc(2026, 12, 25, 13, 0), days{7}), utc(2026, 12, 28, 12, 0));
}

TEST(BusinessHoursTest, SpecialHoursException) {
  Schedule s = office_sao_paulo();
  s.exceptions = {
      {ymd(2026, 12, 20), {range("10:00", "14:00")}},  // a Sunday, normally closed
      {ymd(2026, 12, 24), {range("09:00", "13:00")}},  // Thursday: no lunch, closes early
      {ymd(2026, 12, 25), {}},
  };
  const BusinessHours hours = compiled(s);
  // Sunday 11:00 local = 14:00 UTC, open until 14:00 local = 17:00 UTC.
  expect_state(hours, utc(2026, 12, 20, 14, 0), true, utc(2026, 12, 20, 17, 0));
  // Thursday 12:30 local = 15:30 UTC (normally lunch): open until 13:00 local = 16:00 UTC.
  expect_state(hours, utc(2026, 12, 24, 15, 30), true, utc(2026, 12, 24, 16, 0));
  // Thursday 13:30 local (normally open): closed until Monday 2026-12-28 12:00 UTC.
  expect_state(hours, utc(2026, 12, 24, 16, 30), false, utc(2026, 12, 28, 12, 0));
}

TEST(BusinessHoursTest, AdjacentRangesMerge) {
  Schedule s;
  s.tz = "America/Sao_Paulo";
  s.week[kMon] = {range("12:00", "18:00"), range("09:00", "12:00"), range("20:00", "24:00")};
  s.week[kTue] = {range("00:00", "02:00")};
  const BusinessHours hours = compiled(s);
  // Monday 2026-06-01 10:00 local = 13:00 UTC: the change is 18:00 local = 21:00 UTC.
  expect_state(hours, utc(2026, 6, 1, 13, 0), true, utc(2026, 6, 1, 21, 0));
  // Monday 23:00 local = Tuesday 02:00 UTC: open through midnight to Tuesday 02:00 local = 05:00
  // UTC.
  expect_state(hours, utc(2026, 6, 2, 2, 0), true, utc(2026, 6, 2, 5, 0));
}

TEST(BusinessHoursTest, AlwaysOpenAndNeverOpen) {
  Schedule always;
  always.tz = "America/Sao_Paulo";
  for (auto& day : always.week) day = {range("00:00", "24:00")};
  expect_state(compiled(always), utc(2026, 6, 1, 13, 0), true, Timestamp::max());

  // The same coverage built from ranges crossing midnight.
  Schedule crossing;
  crossing.tz = "America/New_York";
  for (auto& day : crossing.week) day = {range("06:00", "18:00"), range("18:00", "06:00")};
  expect_state(compiled(crossing), utc(2026, 3, 8, 7, 0), true, Timestamp::max());

  // Always open but for a holiday on Wednesday 2026-06-10: closes at 00:00 local = 03:00 UTC.
  always.exceptions = {{ymd(2026, 6, 10), {}}};
  expect_state(compiled(always), utc(2026, 6, 1, 13, 0), true, utc(2026, 6, 10, 3, 0));

  Schedule never;
  never.tz = "America/Sao_Paulo";
  const BusinessHours closed = compiled(never);
  expect_state(closed, utc(2026, 6, 1, 13, 0), false, Timestamp::max());
  EXPECT_EQ(closed.next_opening(utc(2026, 6, 1, 13, 0), days{365}), std::nullopt);

  // Only a far exception opens: found beyond the first week. 10:00 local = 13:00 UTC.
  never.exceptions = {{ymd(2026, 9, 1), {range("10:00", "11:00")}}};
  const BusinessHours once = compiled(never);
  expect_state(once, utc(2026, 6, 1, 13, 0), false, utc(2026, 9, 1, 13, 0));
  EXPECT_EQ(once.next_opening(utc(2026, 6, 1, 13, 0), days{100}), utc(2026, 9, 1, 13, 0));
  EXPECT_EQ(once.next_opening(utc(2026, 6, 1, 13, 0), days{30}), std::nullopt);
  expect_state(once, utc(2026, 9, 1, 14, 0), false, Timestamp::max());
}

TEST(BusinessHoursTest, NewYorkSpringForward) {
  // 2026-03-08 (Sunday): 02:00 EST (07:00 UTC) jumps to 03:00 EDT.
  Schedule s;
  s.tz = "America/New_York";
  s.week[kSun] = {range("01:00", "02:30")};
  const BusinessHours hours = compiled(s);
  // Starts 01:00 EST = 06:00 UTC; 02:30 does not exist, so it ends at the jump, 07:00 UTC.
  expect_state(hours, utc(2026, 3, 8, 5, 59), false, utc(2026, 3, 8, 6, 0));
  expect_state(hours, utc(2026, 3, 8, 6, 30), true, utc(2026, 3, 8, 7, 0));
  // Next Sunday 01:00 EDT = 05:00 UTC.
  expect_state(hours, utc(2026, 3, 8, 7, 0), false, utc(2026, 3, 15, 5, 0));
  EXPECT_EQ(hours.format_local(utc(2026, 3, 8, 7, 0)), "2026-03-08T03:00:00-04:00");

  // 02:00-03:00 lies entirely in the gap: empty that day. Next Sunday 02:00 EDT = 06:00 UTC.
  s.week[kSun] = {range("02:00", "03:00")};
  const BusinessHours gap = compiled(s);
  expect_state(gap, utc(2026, 3, 8, 6, 0), false, utc(2026, 3, 15, 6, 0));
  expect_state(gap, utc(2026, 3, 8, 7, 0), false, utc(2026, 3, 15, 6, 0));
  // The Sunday before was normal: 02:00 EST = 07:00 UTC to 03:00 EST = 08:00 UTC.
  expect_state(gap, utc(2026, 3, 1, 7, 30), true, utc(2026, 3, 1, 8, 0));

  // A range starting in the gap starts at the jump: 02:30-04:00 -> 07:00 UTC to 04:00 EDT = 08:00
  // UTC.
  s.week[kSun] = {range("02:30", "04:00")};
  expect_state(compiled(s), utc(2026, 3, 8, 6, 59), false, utc(2026, 3, 8, 7, 0));
  expect_state(compiled(s), utc(2026, 3, 8, 7, 0), true, utc(2026, 3, 8, 8, 0));
}

TEST(BusinessHoursTest, NewYorkFallBack) {
  // 2026-11-01 (Sunday): 02:00 EDT (06:00 UTC) falls back to 01:00 EST; 01:00-02:00 repeats.
  Schedule s;
  s.tz = "America/New_York";
  s.week[kSun] = {range("00:00", "01:30")};
  const BusinessHours hours = compiled(s);
  // Starts 00:00 EDT = 04:00 UTC, ends at the second 01:30 (EST) = 06:30 UTC.
  expect_state(hours, utc(2026, 11, 1, 3, 59), false, utc(2026, 11, 1, 4, 0));
  // 05:45 UTC is 01:45 EDT, past the first 01:30, still open.
  expect_state(hours, utc(2026, 11, 1, 5, 45), true, utc(2026, 11, 1, 6, 30));
  expect_state(hours, utc(2026, 11, 1, 6, 15), true, utc(2026, 11, 1, 6, 30));
  // Next Sunday 00:00 EST = 05:00 UTC.
  expect_state(hours, utc(2026, 11, 1, 6, 30), false, utc(2026, 11, 8, 5, 0));
  EXPECT_EQ(hours.format_local(utc(2026, 11, 1, 6, 30)), "2026-11-01T01:30:00-05:00");
  EXPECT_EQ(hours.format_local(utc(2026, 11, 1, 5, 30)), "2026-11-01T01:30:00-04:00");

  // A range starting at a repeated time starts at its first occurrence:
  // 01:30-03:00 -> 01:30 EDT = 05:30 UTC to 03:00 EST = 08:00 UTC.
  s.week[kSun] = {range("01:30", "03:00")};
  const BusinessHours late = compiled(s);
  expect_state(late, utc(2026, 11, 1, 5, 29), false, utc(2026, 11, 1, 5, 30));
  expect_state(late, utc(2026, 11, 1, 5, 30), true, utc(2026, 11, 1, 8, 0));
}

TEST(BusinessHoursTest, LisbonDaylightSaving) {
  Schedule s;
  s.tz = "Europe/Lisbon";
  // 2026-03-29 (Sunday): 01:00 WET (01:00 UTC) jumps to 02:00 WEST. 01:15 does not
  // exist, so the range starts at 01:00 UTC and ends 03:00 WEST = 02:00 UTC.
  s.week[kSun] = {range("01:15", "03:00")};
  const BusinessHours spring = compiled(s);
  expect_state(spring, utc(2026, 3, 29, 0, 59), false, utc(2026, 3, 29, 1, 0));
  expect_state(spring, utc(2026, 3, 29, 1, 0), true, utc(2026, 3, 29, 2, 0));
  EXPECT_EQ(spring.format_local(utc(2026, 3, 29, 1, 0)), "2026-03-29T02:00:00+01:00");

  // 2026-10-25 (Sunday): 02:00 WEST (01:00 UTC) falls back to 01:00 WET. 01:00-01:30
  // runs from the first 01:00 (00:00 UTC) to the second 01:30 (01:30 UTC).
  s.week[kSun] = {range("01:00", "01:30")};
  const BusinessHours autumn = compiled(s);
  expect_state(autumn, utc(2026, 10, 24, 23, 59, 59), false, utc(2026, 10, 25, 0, 0));
  expect_state(autumn, utc(2026, 10, 25, 0, 0), true, utc(2026, 10, 25, 1, 30));
  expect_state(autumn, utc(2026, 10, 25, 1, 0), true, utc(2026, 10, 25, 1, 30));
  // Next Sunday 2026-11-01 01:00 WET = 01:00 UTC.
  expect_state(autumn, utc(2026, 10, 25, 1, 30), false, utc(2026, 11, 1, 1, 0));
  EXPECT_EQ(autumn.format_local(utc(2026, 10, 25, 0, 30)), "2026-10-25T01:30:00+01:00");
  EXPECT_EQ(autumn.format_local(utc(2026, 10, 25, 1, 30)), "2026-10-25T01:30:00+00:00");
}

// Random schedules in a zone without DST (São Paulo, UTC-3 in 2026) against a
// direct minute-by-minute reading of the rules.
TEST(BusinessHoursTest, MatchesMinuteByMinuteOracle) {
  constexpr int kDay = 1440;
  constexpr int kWindowDays = 21;
  const std::chrono::sys_days first_day = std::chrono::year{2026} / 6 / 1;
  std::mt19937 random(20260601);
  const auto pick = [&](int low, int high) {
    return std::uniform_int_distribution<int>(low, high)(random);
  };
  const auto random_ranges = [&] {
    std::vector<TimeRange> ranges;
    for (int n = pick(0, 3); n > 0; --n) {
      TimeRange r{pick(0, kDay - 1) / 30 * 30, pick(0, kDay) / 30 * 30};
      if (r.end_minute != r.start_minute) ranges.push_back(r);
    }
    return ranges;
  };
  for (int round = 0; round < 30; ++round) {
    Schedule s;
    s.tz = "America/Sao_Paulo";
    for (auto& day : s.week) day = random_ranges();
    for (int n = pick(0, 4); n > 0; --n) {
      s.exceptions.push_back({first_day + days{pick(-1, kWindowDays)}, random_ranges()});
    }
    const BusinessHours evaluated = compiled(s);

    const auto ranges_on = [&](std::chrono::sys_days day) -> const std::vector<TimeRange>& {
      for (const auto& e : s.exceptions) {
        if (e.date == std::chrono::year_month_day{day}) return e.ranges;
      }
      return s.week[std::chrono::weekday{day}.c_encoding()];
    };
    // open[i]: local minute i after first_day 00:00.
    std::vector<bool> open(static_cast<std::size_t>(kWindowDays) * kDay);
    for (int i = 0; i < kWindowDays * kDay; ++i) {
      const auto day = first_day + days{i / kDay};
      const int minute = i % kDay;
      bool covered = false;
      for (const auto& r : ranges_on(day)) {
        covered |= r.end_minute > r.start_minute ? r.start_minute <= minute && minute < r.end_minute
                                                 : minute >= r.start_minute;
      }
      for (const auto& r : ranges_on(day - days{1})) {
        covered |= r.end_minute < r.start_minute && minute < r.end_minute;
      }
      open[i] = covered;
    }
    for (int i = 0; i < 7 * kDay; i += pick(1, 97)) {
      const Timestamp now = Timestamp{first_day} + hours{3} + minutes{i};
      const OpenState state = evaluated.state_at(now);
      ASSERT_EQ(state.open, open[i]) << "round " << round << " at " << evaluated.format_local(now);
      int flip = i + 1;
      while (flip < kWindowDays * kDay && open[flip] == open[i]) ++flip;
      const Timestamp expected = Timestamp{first_day} + hours{3} + minutes{flip};
      if (flip < kWindowDays * kDay) {
        ASSERT_EQ(state.next_change, expected)
            << "round " << round << " at " << evaluated.format_local(now);
      } else {
        ASSERT_GE(state.next_change, expected) << "round " << round;
      }
    }
  }
}

TEST(BusinessHoursTest, CompileRejectsUnknownZone) {
  Schedule s;
  s.tz = "Mars/Olympus";
  const auto hours = BusinessHours::compile(s);
  ASSERT_FALSE(hours.has_value());
  EXPECT_EQ(hours.error().code, ErrorCode::kInvalid);
  EXPECT_EQ(hours.error().field, "tz");
  EXPECT_EQ(hours.error().message, "unknown time zone \"Mars/Olympus\"");
}

TEST(BusinessHoursTest, KnownTimeZones) {
  EXPECT_TRUE(is_known_time_zone("America/Sao_Paulo"));
  EXPECT_TRUE(is_known_time_zone("Europe/Lisbon"));
  EXPECT_TRUE(is_known_time_zone("UTC"));
  EXPECT_FALSE(is_known_time_zone("Mars/Olympus"));
  EXPECT_FALSE(is_known_time_zone(""));
  EXPECT_FALSE(is_known_time_zone("../../etc/passwd"));
}

TEST(ClockTest, ParsesHoursAndMinutes) {
  EXPECT_EQ(parse_clock("00:00", "f", false), 0);
  EXPECT_EQ(parse_clock("09:00", "f", false), 540);
  EXPECT_EQ(parse_clock("23:59", "f", false), 1439);
  EXPECT_EQ(parse_clock("24:00", "f", true), 1440);
}

TEST(ClockTest, RejectsBadClocks) {
  for (const char* text : {"9:00", "25:00", "12:60", "24:01", "0900", " 09:00", "09:00 ", "ab:cd",
                           "09-00", "", "+9:00"}) {
    const auto parsed = parse_clock(text, "week.mon[0].start", true);
    ASSERT_FALSE(parsed.has_value()) << text;
    EXPECT_EQ(parsed.error().code, ErrorCode::kInvalid);
    EXPECT_EQ(parsed.error().field, "week.mon[0].start") << text;
  }
  const auto bad = parse_clock("9:00", "week.mon[0].start", false);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().message, "time must be HH:MM between 00:00 and 23:59");
  const auto end_of_day = parse_clock("24:00", "week.mon[0].start", false);
  ASSERT_FALSE(end_of_day.has_value());
  EXPECT_EQ(end_of_day.error().field, "week.mon[0].start");
}

TEST(ClockTest, FormatRoundTrip) {
  EXPECT_EQ(format_clock(0), "00:00");
  EXPECT_EQ(format_clock(540), "09:00");
  EXPECT_EQ(format_clock(1439), "23:59");
  EXPECT_EQ(format_clock(1440), "24:00");
  for (int minute = 0; minute <= 1440; ++minute) {
    EXPECT_EQ(parse_clock(format_clock(minute), "f", true), minute);
  }
}

// The field of the error validate_schedule reports, "" when valid.
std::string error_field(const Schedule& s) {
  const auto result = validate_schedule(s);
  return result ? std::string() : result.error().field;
}

TEST(ValidateScheduleTest, AcceptsValidSchedule) {
  Schedule s = office_sao_paulo();
  s.week[kSat] = {range("22:00", "02:00"), range("09:00", "12:00")};
  s.week[kSun] = {range("09:00", "24:00")};
  s.week[kTue] = {range("22:00", "02:00"), range("01:00", "03:00")};  // different instants
  s.exceptions = {{ymd(2020, 1, 1), {}},                              // past dates are allowed
                  {ymd(2024, 2, 29), {range("10:00", "14:00")}},
                  {ymd(2026, 12, 25), {}}};
  EXPECT_EQ(error_field(s), "");
}

TEST(ValidateScheduleTest, UnknownZone) {
  Schedule s = office_sao_paulo();
  s.tz = "Mars/Olympus";
  const auto result = validate_schedule(s);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, ErrorCode::kInvalid);
  EXPECT_EQ(result.error().field, "tz");
  EXPECT_EQ(result.error().message, "unknown time zone \"Mars/Olympus\"");
}

TEST(ValidateScheduleTest, OverlappingRanges) {
  Schedule s = office_sao_paulo();
  s.week[kTue] = {range("09:00", "12:00"), range("11:00", "13:00")};
  EXPECT_EQ(error_field(s), "week.tue[1]");
  // A crossing range occupies the rest of its own day.
  s.week[kTue] = {range("22:00", "02:00"), range("23:00", "23:30")};
  EXPECT_EQ(error_field(s), "week.tue[1]");
  // Touching ranges do not overlap.
  s.week[kTue] = {range("09:00", "12:00"), range("12:00", "13:00")};
  EXPECT_EQ(error_field(s), "");
}

TEST(ValidateScheduleTest, AtMostEightRangesADay) {
  Schedule s = office_sao_paulo();
  s.week[kMon].clear();
  for (int i = 0; i < 8; ++i) s.week[kMon].push_back({i * 60, i * 60 + 30});
  EXPECT_EQ(error_field(s), "");
  s.week[kMon].push_back({20 * 60, 21 * 60});
  const auto result = validate_schedule(s);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().field, "week.mon");
  EXPECT_EQ(result.error().message, "at most 8 ranges a day");
}

TEST(ValidateScheduleTest, EndEqualsStartAndOutOfRange) {
  Schedule s = office_sao_paulo();
  s.week[kWed] = {TimeRange{540, 540}};
  auto result = validate_schedule(s);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().field, "week.wed[0]");
  EXPECT_EQ(result.error().message, "end equals start");
  s.week[kWed] = {TimeRange{0, 0}};
  EXPECT_EQ(error_field(s), "week.wed[0]");
  s.week[kWed] = {TimeRange{0, 1440}};  // all day
  EXPECT_EQ(error_field(s), "");
  s.week[kThu] = {TimeRange{1440, 60}};
  EXPECT_EQ(error_field(s), "week.thu[0]");
  s.week[kThu] = {TimeRange{-1, 60}};
  EXPECT_EQ(error_field(s), "week.thu[0]");
  s.week[kThu] = {TimeRange{60, 1441}};
  EXPECT_EQ(error_field(s), "week.thu[0]");
}

TEST(ValidateScheduleTest, ExceptionDates) {
  Schedule s = office_sao_paulo();
  // 2026-02-30 does not exist.
  s.exceptions = {{ymd(2026, 2, 30), {}}};
  auto result = validate_schedule(s);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().field, "exceptions[0].date");
  s.exceptions = {{ymd(2026, 2, 29), {}}};
  EXPECT_EQ(error_field(s), "exceptions[0].date");
  s.exceptions = {{ymd(2026, 13, 1), {}}};
  EXPECT_EQ(error_field(s), "exceptions[0].date");

  s.exceptions = {{ymd(2026, 12, 25), {}},
                  {ymd(2026, 12, 31), {range("09:00", "12:00")}},
                  {ymd(2026, 12, 25), {range("10:00", "11:00")}}};
  result = validate_schedule(s);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().field, "exceptions[2].date");
  EXPECT_EQ(result.error().message, "duplicate exception date 2026-12-25");

  s.exceptions = {{ymd(2026, 12, 24), {range("09:00", "12:00"), range("11:00", "11:00")}}};
  EXPECT_EQ(error_field(s), "exceptions[0].ranges[1]");
  s.exceptions = {{ymd(2026, 12, 24), {range("09:00", "12:00"), range("11:00", "13:00")}}};
  EXPECT_EQ(error_field(s), "exceptions[0].ranges[1]");
  s.exceptions = {{ymd(2026, 12, 24), std::vector<TimeRange>(9, range("09:00", "10:00"))}};
  EXPECT_EQ(error_field(s), "exceptions[0].ranges");
}

}  // namespace
}  // namespace sequencial::routing
