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

bool is_capped_dimension(std::string_view dimension) {
  return dimension == "referrer" || dimension == "utm_source" || dimension == "utm_medium" ||
         dimension == "utm_campaign";
}

std::vector<RollupGroup> capped_groups(std::span<const RollupDelta> deltas) {
  std::set<RollupGroup> groups;
  for (const RollupDelta& d : deltas) {
    if (is_capped_dimension(d.dimension)) groups.insert({d.scope, d.scope_id, d.dimension, d.hour});
  }
  return {groups.begin(), groups.end()};
}

std::vector<RollupDelta> fold_rollups(
    std::span<const RollupDelta> deltas,
    const std::map<RollupGroup, std::set<std::string, std::less<>>>& stored) {
  std::vector<RollupDelta> out;
  out.reserve(deltas.size());
  // New keys per capped group, to be let in by count.
  std::map<RollupGroup, std::vector<const RollupDelta*>> fresh;
  for (const RollupDelta& d : deltas) {
    if (!is_capped_dimension(d.dimension) || d.key == kOtherKey) {
      out.push_back(d);
      continue;
    }
    RollupGroup group{d.scope, d.scope_id, d.dimension, d.hour};
    const auto known = stored.find(group);
    if (known != stored.end() && known->second.contains(d.key)) {
      out.push_back(d);
    } else {
      fresh[std::move(group)].push_back(&d);
    }
  }
  for (auto& [group, candidates] : fresh) {
    std::size_t held = 0;
    if (const auto known = stored.find(group); known != stored.end()) {
      held = known->second.size() - (known->second.contains(kOtherKey) ? 1 : 0);
    }
    std::ranges::sort(candidates, [](const RollupDelta* a, const RollupDelta* b) {
      return a->count != b->count ? a->count > b->count : a->key < b->key;
    });
    std::int64_t other = 0;
    for (const RollupDelta* d : candidates) {
      if (held < kRollupKeysPerHour) {
        out.push_back(*d);
        ++held;
      } else {
        other += d->count;
      }
    }
    if (other > 0) {
      out.push_back({group.scope, group.scope_id, group.hour, group.dimension,
                     std::string(kOtherKey), other});
    }
  }
  return out;
}

}  // namespace sequencial
