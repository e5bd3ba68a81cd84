// Settings saved from the admin UI: URL rules, update validates everything
// before saving anything, saved values are applied on load and bad saved
// values are skipped.
#include "domain/settings.h"

#include <gtest/gtest.h>

#include "storage/store.h"
#include "temp_dir.h"

namespace sequencial::domain {
namespace {

using test_support::TempDir;

TEST(PublicUrlRuleTest, AbsoluteHttpUrlsOnly) {
  for (const char* url : {"http://127.0.0.1:8080", "https://zap.minhaloja.com.br",
                          "https://x.com/sub/path/", "http://[::1]:80"}) {
    EXPECT_TRUE(validate_public_url(url)) << url;
  }
  for (const char* url :
       {"", "zap.com", "ftp://zap.com", "https://", "http:///x", "https://:80", "https://a.com?x",
        "https://a.com#x", "https://a b.com", "https://a.com/\"><script>", "javascript:alert(1)"}) {
    auto r = validate_public_url(url);
    ASSERT_FALSE(r) << url;
    EXPECT_EQ(r.error().field, "public_url");
  }
}

class SettingsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = open_store((dir_.path() / "s.db").string());
    ASSERT_TRUE(store);
    store_ = std::move(*store);
  }
  TempDir dir_;
  std::unique_ptr<Store> store_;
  DefaultZone zone_{"America/Sao_Paulo"};
  PublicUrl url_{"http://flag.example.com"};
};

TEST_F(SettingsTest, UpdateValidatesBothBeforeSavingEither) {
  Settings settings(*store_, zone_, url_);
  auto bad = settings.update(std::string("America/New_York"), std::string("nope"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().field, "public_url");
  EXPECT_EQ(zone_.get(), "America/Sao_Paulo");
  auto bad_zone = settings.update(std::string("Mars/Base"), std::nullopt);
  ASSERT_FALSE(bad_zone);
  EXPECT_EQ(bad_zone.error().field, "default_tz");
  auto saved = store_->load_settings();
  ASSERT_TRUE(saved);
  EXPECT_TRUE(saved->empty());
  EXPECT_FALSE(settings.public_url_saved());

  ASSERT_TRUE(settings.update(std::nullopt, std::string("https://zap.example.com/")));
  EXPECT_EQ(url_.get(), "https://zap.example.com");
  EXPECT_EQ(zone_.get(), "America/Sao_Paulo");  // untouched
  EXPECT_TRUE(settings.public_url_saved());
}

TEST_F(SettingsTest, LoadAppliesSavedValuesAndSkipsBadOnes) {
  ASSERT_TRUE(store_->save_setting("default_tz", "Europe/Lisbon"));
  ASSERT_TRUE(store_->save_setting("public_url", "https://zap.example.com"));
  Settings settings(*store_, zone_, url_);
  ASSERT_TRUE(settings.load());
  EXPECT_EQ(settings.default_tz(), "Europe/Lisbon");
  EXPECT_EQ(settings.public_url(), "https://zap.example.com");
  EXPECT_TRUE(settings.public_url_saved());

  ASSERT_TRUE(store_->save_setting("default_tz", "No/Such_Zone"));
  ASSERT_TRUE(store_->save_setting("public_url", "garbage"));
  DefaultZone zone("America/Sao_Paulo");
  PublicUrl url("http://flag.example.com");
  Settings again(*store_, zone, url);
  ASSERT_TRUE(again.load());
  EXPECT_EQ(zone.get(), "America/Sao_Paulo");
  EXPECT_EQ(url.get(), "http://flag.example.com");
  EXPECT_FALSE(again.public_url_saved());
}

}  // namespace
}  // namespace sequencial::domain
