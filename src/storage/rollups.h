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
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "storage/store.h"

namespace sequencial {

inline constexpr std::string_view kRollupDimensions[] = {
    "clicks",     "visitor",    "attendant",    "device", "browser", "referrer",
    "utm_source", "utm_medium", "utm_campaign", "source", "outcome", "previews"};

[[nodiscard]] bool is_rollup_dimension(std::string_view name);

// The rollup rows `batch` adds, already summed per (scope, id, hour,
// dimension, key).
[[nodiscard]] std::vector<RollupDelta> rollups_of(std::span<const ClickRecord> batch);

[[nodiscard]] std::int64_t hour_of(Timestamp t);

}  // namespace sequencial
