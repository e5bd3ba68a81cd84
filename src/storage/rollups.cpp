// Aggregation of click batches into per-hour rollup rows.
#include "storage/rollups.h"

#include <algorithm>
#include <map>
#include <tuple>

namespace sequencial {
namespace {

using Key = std::tuple<StatsScope, std::int64_t, std::int64_t, std::string_view, std::string>;

std::string or_placeholder(const std::string& value, const char* placeholder) {
  return value.empty() ? std::string(placeholder) : value;
}

}  // namespace

bool is_rollup_dimension(std::string_view name) {
  return std::find(std::begin(kRollupDimensions), std::end(kRollupDimensions), name) !=
         std::end(kRollupDimensions);
}

std::int64_t hour_of(Timestamp t) {
  return std::chrono::floor<std::chrono::hours>(t).time_since_epoch().count();
}

std::vector<RollupDelta> rollups_of(std::span<const ClickRecord> batch) {
  std::map<Key, std::int64_t> sums;
  for (const ClickRecord& c : batch) {
    const std::int64_t hour = hour_of(c.at);
    // Scopes the click counts for.
    std::pair<StatsScope, std::int64_t> scopes[2];
    int n = 0;
    const LinkId link = c.kind == ClickKind::kPreview ? c.entry_link_id : c.link_id;
    if (link != 0) scopes[n++] = {StatsScope::kLink, link};
    if (c.central_id != 0) scopes[n++] = {StatsScope::kCentral, c.central_id};
    for (int i = 0; i < n; ++i) {
      const auto [scope, id] = scopes[i];
      const auto add = [&](std::string_view dimension, std::string key) {
        ++sums[Key{scope, id, hour, dimension, std::move(key)}];
      };
      if (c.kind == ClickKind::kPreview) {
        add("previews", "");
        continue;
      }
      add("clicks", "");
      add("visitor", c.new_visitor ? "new" : "returning");
      if (c.link_id != 0) add("attendant", std::to_string(c.link_id));
      add("device", or_placeholder(c.device, "other"));
      add("browser", or_placeholder(c.browser, "other"));
      add("referrer", or_placeholder(c.referrer, "(direct)"));
      add("utm_source", or_placeholder(c.utm_source, "(none)"));
      add("utm_medium", or_placeholder(c.utm_medium, "(none)"));
      add("utm_campaign", or_placeholder(c.utm_campaign, "(none)"));
      add("source", c.source == ClickSource::kQr ? "qr" : "link");
      add("outcome", c.outcome);
    }
  }
  std::vector<RollupDelta> out;
  out.reserve(sums.size());
  for (auto& [key, count] : sums) {
    const auto& [scope, id, hour, dimension, value] = key;
    out.push_back({scope, id, hour, std::string(dimension), value, count});
  }
  return out;
}

}  // namespace sequencial
