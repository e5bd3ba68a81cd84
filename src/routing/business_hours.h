// Business hours (horário de atendimento): evaluates a member's Schedule at an
// instant, in the schedule's IANA time zone, across midnight-crossing ranges,
// dated exceptions and daylight-saving changes. Pure: the instant is always
// passed in (no clock is read here), so tests can set any time.
//
// DST rules: a local time that does not exist (the spring-forward gap) maps to
// the instant the gap starts; a local time that occurs twice (fall-back)
// starts a range at its first occurrence and ends a range at its second.
//
// Thread-safety: BusinessHours is immutable after compile(); share freely.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/model.h"

namespace date {
class time_zone;
}

namespace sequencial::routing {

struct OpenState {
  bool open = true;
  // The first instant after `now` at which `open` flips. Timestamp::max()
  // when it never changes (always open, or never open within the horizon).
  Timestamp next_change = Timestamp::max();
};

class BusinessHours {
 public:
  // Fails with kInvalid on field "tz" when the zone is unknown.
  [[nodiscard]] static Result<BusinessHours> compile(const Schedule& schedule);

  [[nodiscard]] OpenState state_at(Timestamp now) const;
  // The next instant >= now at which the member is open, looking at most
  // `horizon` ahead; nullopt when closed throughout.
  [[nodiscard]] std::optional<Timestamp> next_opening(Timestamp now,
                                                      std::chrono::days horizon) const;
  [[nodiscard]] const Schedule& schedule() const { return schedule_; }
  // Formats an instant as local "YYYY-MM-DDTHH:MM:SS±HH:MM" in this zone.
  [[nodiscard]] std::string format_local(Timestamp instant) const;

 private:
  BusinessHours(Schedule schedule, const date::time_zone* zone)
      : schedule_(std::move(schedule)), zone_(zone) {}
  Schedule schedule_;
  const date::time_zone* zone_;
};

// Whether `name` is a time zone of the system database.
[[nodiscard]] bool is_known_time_zone(std::string_view name);

// "09:00" -> 540. Accepts "HH:MM" 00:00..23:59, and "24:00" (1440) only when
// `allow_end_of_day`. Errors name `field`.
[[nodiscard]] Result<int> parse_clock(std::string_view text, std::string_view field,
                                      bool allow_end_of_day);
// 540 -> "09:00" (1440 -> "24:00").
[[nodiscard]] std::string format_clock(int minute);

// Checks a schedule's rules: known zone, no range with end == start, no two
// overlapping ranges on one day, at most 8 ranges a day, minutes in range,
// exception dates real and unique. Field names look like "week.mon[1]" and
// "exceptions[0].date".
[[nodiscard]] Result<void> validate_schedule(const Schedule& schedule);

}  // namespace sequencial::routing
