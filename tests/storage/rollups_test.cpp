// Tests of click aggregation into rollups, and reports read back from a
// real SQLite store matching a brute-force count over the raw clicks.
#include "storage/rollups.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

#include "storage/store.h"
#include "temp_dir.h"

namespace sequencial {
namespace {

ClickRecord click(std::int64_t at, CentralId central, LinkId entry, LinkId served,
                  const char* device, const char* source = "") {
  ClickRecord c;
  c.at = Timestamp(std::chrono::seconds(at));
  c.central_id = central;
  c.entry_link_id = entry;
  c.link_id = served;
  c.device = device;
  c.utm_source = source;
  c.outcome = central ? "rotation" : "link";
  return c;
}

TEST(RollupsTest, OneClickCountsForItsLinkAndItsCentral) {
  const ClickRecord c = click(7200, 3, 10, 11, "ios", "instagram");
  const auto rows = rollups_of(std::span(&c, 1));
  std::map<std::tuple<StatsScope, std::int64_t, std::string, std::string>, std::int64_t> by;
  for (const auto& r : rows) {
    EXPECT_EQ(r.hour, 2);
    by[{r.scope, r.scope_id, r.dimension, r.key}] += r.count;
  }
  EXPECT_EQ((by[{StatsScope::kLink, 11, "clicks", ""}]), 1);
  EXPECT_EQ((by[{StatsScope::kCentral, 3, "clicks", ""}]), 1);
  EXPECT_EQ((by[{StatsScope::kCentral, 3, "attendant", "11"}]), 1);
  EXPECT_EQ((by[{StatsScope::kLink, 11, "device", "ios"}]), 1);
  EXPECT_EQ((by[{StatsScope::kLink, 11, "utm_source", "instagram"}]), 1);
  EXPECT_EQ((by[{StatsScope::kLink, 11, "referrer", "(direct)"}]), 1);
  EXPECT_EQ((by[{StatsScope::kLink, 11, "visitor", "new"}]), 1);
  EXPECT_EQ(by.count({StatsScope::kLink, 10, "clicks", ""}), 0u);  // the anchor served nobody
}

TEST(RollupsTest, PreviewsAreCountedApart) {
  ClickRecord p = click(0, 3, 10, 0, "other");
  p.kind = ClickKind::kPreview;
  const auto rows = rollups_of(std::span(&p, 1));
  ASSERT_EQ(rows.size(), 2u);
  for (const auto& r : rows) EXPECT_EQ(r.dimension, "previews");
}

TEST(RollupsTest, ChooserViewsAreCountedApart) {
  ClickRecord v = click(0, 3, 10, 0, "other");
  v.kind = ClickKind::kView;
  const auto rows = rollups_of(std::span(&v, 1));
  ASSERT_EQ(rows.size(), 2u);  // the central and its anchor link
  for (const auto& r : rows) EXPECT_EQ(r.dimension, "views");
}

TEST(RollupsTest, AChosenEntryCountsForTheChooserKeyedByTheEntry) {
  // A Seletivo (central 7) entry that is a Sequencial anchor (link 10 of
  // central 3), which served member 11.
  ClickRecord c = click(7200, 3, 10, 11, "ios");
  c.via_central_id = 7;
  c.country = "BR";
  c.region = "BR-SP";
  c.city = "BR-SP/Campinas";
  const auto rows = rollups_of(std::span(&c, 1));
  std::map<std::tuple<StatsScope, std::int64_t, std::string, std::string>, std::int64_t> by;
  for (const auto& r : rows) by[{r.scope, r.scope_id, r.dimension, r.key}] += r.count;
  EXPECT_EQ((by[{StatsScope::kCentral, 7, "clicks", ""}]), 1);
  EXPECT_EQ((by[{StatsScope::kCentral, 7, "attendant", "10"}]), 1);  // the entry chosen
  EXPECT_EQ(by.count({StatsScope::kCentral, 7, "attendant", "11"}), 0u);
  EXPECT_EQ((by[{StatsScope::kCentral, 3, "attendant", "11"}]), 1);  // the inner rotation
  EXPECT_EQ((by[{StatsScope::kCentral, 7, "country", "BR"}]), 1);
  EXPECT_EQ((by[{StatsScope::kCentral, 3, "region", "BR-SP"}]), 1);
  EXPECT_EQ((by[{StatsScope::kLink, 11, "city", "BR-SP/Campinas"}]), 1);

  const ClickRecord unknown = click(7200, 0, 10, 10, "ios");
  const auto plain = rollups_of(std::span(&unknown, 1));
  for (const auto& r : plain) {
    if (r.dimension == "country" || r.dimension == "region" || r.dimension == "city") {
      EXPECT_EQ(r.key, "(unknown)");
    }
  }
  EXPECT_TRUE(is_capped_dimension("city"));
  EXPECT_TRUE(is_capped_dimension("region"));
  EXPECT_FALSE(is_capped_dimension("country"));  // at most ~250 keys
}

TEST(RollupsTest, StoredReportsMatchBruteForceOnRandomClicks) {
  test_support::TempDir dir;
  auto store = open_store((dir.path() / "r.db").string());
  ASSERT_TRUE(store.has_value());
  std::mt19937 rng(42);
  const char* devices[] = {"android", "ios", "windows", "other"};
  std::vector<ClickRecord> all;
  for (int i = 0; i < 5000; ++i) {
    const LinkId served = 1 + static_cast<LinkId>(rng() % 4);
    all.push_back(click(static_cast<std::int64_t>(rng() % (std::uint64_t{72} * 3600)),
                        served <= 2 ? 9 : 0, served <= 2 ? 100 : served, served,
                        devices[rng() % 4]));
  }
  // Written in uneven batches, as the pipeline would.
  for (std::size_t i = 0; i < all.size();) {
    const std::size_t n = std::min<std::size_t>(1 + rng() % 700, all.size() - i);
    std::span<const ClickRecord> batch(all.data() + i, n);
    ASSERT_TRUE((*store)->insert_clicks(batch, rollups_of(batch)).has_value());
    i += n;
  }
  const std::int64_t from = 5, to = 50;  // hours
  for (const char* device : devices) {
    for (LinkId link = 1; link <= 4; ++link) {
      std::int64_t expected = 0;
      for (const auto& c : all) {
        const auto h = hour_of(c.at);
        expected += (c.link_id == link && c.device == device && h >= from && h < to) ? 1 : 0;
      }
      auto rows = (*store)->load_rollups(StatsScope::kLink, link, "device", from, to, false);
      ASSERT_TRUE(rows.has_value());
      std::int64_t got = 0;
      for (const auto& r : *rows) got += r.key == device ? r.count : 0;
      EXPECT_EQ(got, expected) << device << " link " << link;
    }
  }
  std::int64_t central_expected = 0;
  for (const auto& c : all) central_expected += c.central_id == 9 ? 1 : 0;
  auto central = (*store)->load_rollups(StatsScope::kCentral, 9, "clicks", 0, 1000, false);
  ASSERT_TRUE(central.has_value());
  ASSERT_EQ(central->size(), 1u);
  EXPECT_EQ((*central)[0].count, central_expected);

  auto raw = (*store)->load_clicks(3, Timestamp{}, Timestamp(std::chrono::hours(100)), 100000);
  ASSERT_TRUE(raw.has_value());
  std::int64_t raw_expected = 0;
  for (const auto& c : all) raw_expected += c.link_id == 3 ? 1 : 0;
  EXPECT_EQ(static_cast<std::int64_t>(raw->size()), raw_expected);

  ASSERT_TRUE((*store)->reset_link_stats(3).has_value());
  EXPECT_TRUE((*store)->load_rollups(StatsScope::kLink, 3, "clicks", 0, 1000, false)->empty());
  EXPECT_FALSE((*store)->load_rollups(StatsScope::kLink, 4, "clicks", 0, 1000, false)->empty());
  EXPECT_GT(*(*store)->purge_clicks(Timestamp(std::chrono::hours(24))), 0);
}

}  // namespace
}  // namespace sequencial
