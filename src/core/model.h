// The domain model of docs/PRODUCT.md as plain value types: links, centrals (modos
// Sequencial, Seletivo, Geolocalizado) with their members, business hours,
// and visitor assignments
// (atendimento fixo). No behaviour lives here; validation is in
// core/validation.h, routing in routing/, persistence in storage/.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sequencial {

using LinkId = std::int64_t;
using CentralId = std::int64_t;
using Timestamp = std::chrono::sys_seconds;

struct Link {
  LinkId id = 0;
  std::string slug;     // as the owner typed it; matched case-insensitively
  std::string phone;    // E.164 digits only, country code first: "5511999990001"
  std::string message;  // pre-filled WhatsApp message (UTF-8, may hold placeholders)
  std::string label;    // the owner's identifier: "João — vendas"
  bool active = true;
  // Optional social-preview (Open Graph) tags; empty means "use a default".
  std::string preview_title;
  std::string preview_description;
  std::string preview_image;
  Timestamp created_at{};
};

// [start, end) in minutes since local midnight. end < start crosses midnight
// into the next day; end == start is refused by validation.
struct TimeRange {
  int start_minute = 0;
  int end_minute = 0;
  friend bool operator==(const TimeRange&, const TimeRange&) = default;
};

// Ranges replacing the weekly ones on one local date (empty = closed all day).
struct DateException {
  std::chrono::year_month_day date{};
  std::vector<TimeRange> ranges;
  friend bool operator==(const DateException&, const DateException&) = default;
};

// Business hours of one member of a central, in an IANA time zone.
struct Schedule {
  std::string tz;                              // "America/Sao_Paulo"
  std::array<std::vector<TimeRange>, 7> week;  // index 0 = Sunday ... 6 = Saturday
  std::vector<DateException> exceptions;       // sorted by date, at most one per date
  friend bool operator==(const Schedule&, const Schedule&) = default;
};

struct Member {
  LinkId link_id = 0;
  int weight = 1;                 // 1..100
  std::optional<Schedule> hours;  // nullopt = always available
  // Seletivo: the chooser entry's texts (empty = the link's label/slug).
  // (Braced defaults: {link_id, weight, hours} stays a complete initializer.)
  std::string title{};
  std::string description{};
  std::string photo_url{};
  // Geolocalizado: "BR", "BR-SP" or "BR-SP/Campinas" (core/validation.h).
  std::vector<std::string> regions{};
  friend bool operator==(const Member&, const Member&) = default;
};

// What a central does when no member is available (docs/PRODUCT.md,
// rule 4).
enum class WhenClosed { kAnchor, kPage, kIgnoreHours };

// "anchor" / "page" / "ignore_hours": the name in the API and in storage.
[[nodiscard]] constexpr std::string_view when_closed_name(WhenClosed when) {
  switch (when) {
    case WhenClosed::kPage:
      return "page";
    case WhenClosed::kIgnoreHours:
      return "ignore_hours";
    case WhenClosed::kAnchor:
      break;
  }
  return "anchor";
}
[[nodiscard]] constexpr std::optional<WhenClosed> when_closed_from_name(std::string_view name) {
  if (name == "anchor") return WhenClosed::kAnchor;
  if (name == "page") return WhenClosed::kPage;
  if (name == "ignore_hours") return WhenClosed::kIgnoreHours;
  return std::nullopt;
}

// How a central distributes its customers.
enum class CentralMode { kSequencial, kSeletivo, kGeo };

[[nodiscard]] constexpr std::string_view central_mode_name(CentralMode mode) {
  switch (mode) {
    case CentralMode::kSeletivo:
      return "seletivo";
    case CentralMode::kGeo:
      return "geo";
    case CentralMode::kSequencial:
      break;
  }
  return "sequencial";
}
[[nodiscard]] constexpr std::optional<CentralMode> central_mode_from_name(std::string_view name) {
  if (name == "sequencial") return CentralMode::kSequencial;
  if (name == "seletivo") return CentralMode::kSeletivo;
  if (name == "geo") return CentralMode::kGeo;
  return std::nullopt;
}

struct Central {
  CentralId id = 0;
  LinkId anchor_id = 0;
  CentralMode mode = CentralMode::kSequencial;
  bool fixed = false;  // atendimento fixo
  WhenClosed when_closed = WhenClosed::kAnchor;
  std::string title;            // Seletivo: the chooser page's heading (empty = a default)
  bool shuffle = false;         // Seletivo: entries in random order on each view
  std::vector<Member> members;  // in rotation order
  std::uint64_t cursor = 0;     // rotation position (slot last served), persisted
  Timestamp created_at{};
};

// A visitor id: 128 bits, 76 of them random (app/visitor.h), carried in the
// visitor cookie as 32 hex digits.
struct VisitorId {
  std::uint64_t hi = 0;
  std::uint64_t lo = 0;
  friend bool operator==(const VisitorId&, const VisitorId&) = default;
};

// Atendimento fixo: visitor V of central C is kept with link L.
struct Assignment {
  CentralId central_id = 0;
  VisitorId visitor;
  LinkId link_id = 0;
  Timestamp last_seen{};
};

}  // namespace sequencial
