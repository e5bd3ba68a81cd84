// The per-hour aggregates behind every report: which rollup rows a batch of
// clicks adds. Shared by every backend so they aggregate identically.
//
// Dimensions (scope link and central alike):
//   clicks    ""                     every click (reports by day/hour use it)
//   visitor   new | returning
//   attendant <link id>              the link served
//   device, browser, referrer ("(direct)" when none), utm_source,
//   utm_medium, utm_campaign ("(none)" when absent), source (link | qr),
//   outcome (rotation, fixed, ...)
//   previews  ""                     preview crawlers and bots (kind kPreview)
//   country, region, city            GeoIP ("BR", "BR-SP", "BR-SP/Campinas";
//                                    "(unknown)" when not known)
//   views     ""                     Seletivo chooser page views (kind kView)
// A click a Seletivo or Geolocalizado central sent on (via_central_id) also
// counts in that central's report, its attendant being the entry chosen.
#pragma once

#include <compare>
#include <cstddef>
#include <map>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "storage/click_store.h"

namespace sequencial {

inline constexpr std::string_view kRollupDimensions[] = {
    "clicks",     "visitor",    "attendant",    "device", "browser", "referrer",
    "utm_source", "utm_medium", "utm_campaign", "source", "outcome", "previews",
    "country",    "region",     "city",         "views"};

[[nodiscard]] bool is_rollup_dimension(std::string_view name);

// The rollup rows `batch` adds, already summed per (scope, id, hour,
// dimension, key).
[[nodiscard]] std::vector<RollupDelta> rollups_of(std::span<const ClickRecord> batch);

[[nodiscard]] std::int64_t hour_of(Timestamp t);

// Bounded cardinality: in the dimensions whose keys the visitor chooses
// (referrer and utm_*) or that have too many values (region, city), each (scope, id, dimension,
// hour) keeps at most kRollupKeysPerHour distinct keys; clicks with any further key are added to
// the key "(other)", so a flood of random values costs at most kRollupKeysPerHour + 1 rows per hour
// and reports stay fast. The raw clicks keep the real values (export). Both backends fold with
// fold_rollups() below, so they keep the same rows.
inline constexpr std::size_t kRollupKeysPerHour = 100;
inline constexpr std::string_view kOtherKey = "(other)";

[[nodiscard]] bool is_capped_dimension(std::string_view dimension);

struct RollupGroup {
  StatsScope scope = StatsScope::kLink;
  std::int64_t scope_id = 0;
  std::string dimension;
  std::int64_t hour = 0;
  auto operator<=>(const RollupGroup&) const = default;
};

// The groups of capped dimensions `deltas` touch (sorted, distinct): the
// store reads the keys it already holds for each of them.
[[nodiscard]] std::vector<RollupGroup> capped_groups(std::span<const RollupDelta> deltas);

// `deltas` with every key beyond the cap moved to "(other)" (and summed),
// given the keys each capped group already holds (`stored`, "(other)"
// included or not). A stored key always keeps its row; new keys are let in
// by descending count, then key order, while there is room.
[[nodiscard]] std::vector<RollupDelta> fold_rollups(
    std::span<const RollupDelta> deltas,
    const std::map<RollupGroup, std::set<std::string, std::less<>>>& stored);

}  // namespace sequencial
