// Aggregation of click batches into per-hour rollup rows.
#include "storage/rollups.h"

#include <algorithm>
#include <map>
#include <tuple>
#include <unordered_map>

namespace sequencial {
namespace {

// Indexes into kRollupDimensions.
enum Dimension : std::uint8_t {
  kClicks,
  kVisitor,
  kAttendant,
  kDevice,
  kBrowser,
  kReferrer,
  kUtmSource,
  kUtmMedium,
  kUtmCampaign,
  kSource,
  kOutcome,
  kPreviews,
  kCountry,
  kRegion,
  kCity,
  kViews,
};

// One rollup row of a batch, all integers: `key` is an interned text id,
// or the link id itself for the attendant dimension. No string is built
// per click: a batch builds each distinct text once, at the end.
struct RowKey {
  std::int64_t scope_id = 0;
  std::int64_t hour = 0;
  std::uint64_t key = 0;
  StatsScope scope = StatsScope::kLink;
  Dimension dimension = kClicks;
  bool operator==(const RowKey&) const = default;
};

struct RowKeyHash {
  std::size_t operator()(const RowKey& k) const noexcept {
    std::uint64_t h = static_cast<std::uint64_t>(k.scope_id) * 0x9E3779B97F4A7C15ULL;
    h ^= static_cast<std::uint64_t>(k.hour) + 0x7F4A7C159E3779B9ULL + (h << 6U) + (h >> 2U);
    h ^= k.key + 0x94D049BB133111EBULL + (h << 6U) + (h >> 2U);
    h ^= (static_cast<std::uint64_t>(k.scope) << 8U) | k.dimension;
    return static_cast<std::size_t>(h * 0xBF58476D1CE4E5B9ULL);
  }
};

// Distinct texts of one batch (views into the records or literals).
class Interner {
 public:
  std::uint64_t id(std::string_view text) {
    const auto [it, added] = ids_.try_emplace(text, texts_.size());
    if (added) texts_.push_back(text);
    return it->second;
  }
  [[nodiscard]] std::string_view text(std::uint64_t id) const { return texts_[id]; }

 private:
  std::unordered_map<std::string_view, std::uint64_t> ids_;
  std::vector<std::string_view> texts_;
};

std::string_view or_placeholder(const std::string& value, std::string_view placeholder) {
  return value.empty() ? placeholder : std::string_view(value);
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
  Interner texts;
  const std::uint64_t none = texts.id("");
  const std::uint64_t visitor_new = texts.id("new");
  const std::uint64_t visitor_returning = texts.id("returning");
  const std::uint64_t source_link = texts.id("link");
  const std::uint64_t source_qr = texts.id("qr");
  std::unordered_map<RowKey, std::int64_t, RowKeyHash> sums;
  sums.reserve(256);
  for (const ClickRecord& c : batch) {
    const std::int64_t hour = hour_of(c.at);
    // Scopes the click counts for.
    std::pair<StatsScope, std::int64_t> scopes[3];
    int n = 0;
    const LinkId link = c.kind == ClickKind::kClick ? c.link_id : c.entry_link_id;
    if (link != 0) scopes[n++] = {StatsScope::kLink, link};
    if (c.central_id != 0) scopes[n++] = {StatsScope::kCentral, c.central_id};
    const int via = n;  // index of the via central's scope, if any
    if (c.kind == ClickKind::kClick && c.via_central_id != 0 && c.via_central_id != c.central_id) {
      scopes[n++] = {StatsScope::kCentral, c.via_central_id};
    }
    if (n == 0) continue;
    if (c.kind != ClickKind::kClick) {
      const Dimension counted = c.kind == ClickKind::kPreview ? kPreviews : kViews;
      for (int i = 0; i < n; ++i) ++sums[{scopes[i].second, hour, none, scopes[i].first, counted}];
      continue;
    }
    // Each text interned once per click, whatever the number of scopes.
    const std::pair<Dimension, std::uint64_t> rows[] = {
        {kClicks, none},
        {kVisitor, c.new_visitor ? visitor_new : visitor_returning},
        {kDevice, texts.id(or_placeholder(c.device, "other"))},
        {kBrowser, texts.id(or_placeholder(c.browser, "other"))},
        {kReferrer, texts.id(or_placeholder(c.referrer, "(direct)"))},
        {kUtmSource, texts.id(or_placeholder(c.utm_source, "(none)"))},
        {kUtmMedium, texts.id(or_placeholder(c.utm_medium, "(none)"))},
        {kUtmCampaign, texts.id(or_placeholder(c.utm_campaign, "(none)"))},
        {kSource, c.source == ClickSource::kQr ? source_qr : source_link},
        {kOutcome, texts.id(c.outcome)},
        {kCountry, texts.id(or_placeholder(c.country, "(unknown)"))},
        {kRegion, texts.id(or_placeholder(c.region, "(unknown)"))},
        {kCity, texts.id(or_placeholder(c.city, "(unknown)"))},
    };
    for (int i = 0; i < n; ++i) {
      const auto [scope, id] = scopes[i];
      for (const auto& [dimension, key] : rows) ++sums[{id, hour, key, scope, dimension}];
      // The via central's attendant is the entry the customer was sent to.
      const LinkId attendant = i == via ? c.entry_link_id : c.link_id;
      if (attendant != 0) {
        ++sums[{id, hour, static_cast<std::uint64_t>(attendant), scope, kAttendant}];
      }
    }
  }
  std::vector<RollupDelta> out;
  out.reserve(sums.size());
  for (const auto& [k, count] : sums) {
    out.push_back(
        {k.scope, k.scope_id, k.hour, std::string(kRollupDimensions[k.dimension]),
         k.dimension == kAttendant ? std::to_string(k.key) : std::string(texts.text(k.key)),
         count});
  }
  // In key order, as a sorted map gave them before: stable for the stores
  // (PostgreSQL locks rows in this order) and for the tests.
  std::ranges::sort(out, [](const RollupDelta& a, const RollupDelta& b) {
    return std::tie(a.scope, a.scope_id, a.hour, a.dimension, a.key) <
           std::tie(b.scope, b.scope_id, b.hour, b.dimension, b.key);
  });
  return out;
}

bool is_capped_dimension(std::string_view dimension) {
  return dimension == "referrer" || dimension == "utm_source" || dimension == "utm_medium" ||
         dimension == "utm_campaign" || dimension == "region" || dimension == "city";
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
