// Tests of the catalog's admin rules against a real SQLite store in a temp
// directory, and of the routing tables it publishes.
#include "domain/catalog.h"
#include "storage/store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <set>
#include <string>

namespace sequencial::domain {
namespace {

class FixedClock final : public Clock {
 public:
  Timestamp now() const override { return Timestamp(std::chrono::seconds(1'795'000'000)); }
};

class CatalogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("sq-catalog-" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir_);
    reopen();
  }
  void TearDown() override {
    catalog_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  void reopen() {
    catalog_.reset();
    store_.reset();
    store_ = std::move(*open_store((dir_ / "t.db").string()));
    catalog_ = std::make_unique<Catalog>(*store_, tables_, assignments_, clock_);
    ASSERT_TRUE(catalog_->load().has_value());
  }
  Link make_link(const std::string& slug, const std::string& phone = "5511999990001") {
    LinkInput in;
    in.slug = slug;
    in.phone = phone;
    auto link = catalog_->create_link(in);
    EXPECT_TRUE(link.has_value()) << (link ? "" : link.error().message);
    return link.value_or(Link{});
  }

  std::filesystem::path dir_;
  FixedClock clock_;
  routing::RoutingTableHolder tables_{1};
  routing::AssignmentTable assignments_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Catalog> catalog_;
};

TEST_F(CatalogTest, CreateValidatesAndPublishes) {
  LinkInput in;
  in.slug = "joao";
  in.phone = "+55 (11) 99999-0001";
  in.message = "Olá";
  auto link = catalog_->create_link(in);
  ASSERT_TRUE(link.has_value());
  EXPECT_EQ(link->phone, "5511999990001");
  EXPECT_EQ(link->created_at, clock_.now());
  ASSERT_NE(tables_.current(0).find("JOAO"), nullptr);

  in.slug = "Joao";
  auto dup = catalog_->create_link(in);
  ASSERT_FALSE(dup.has_value());
  EXPECT_EQ(dup.error().code, ErrorCode::kConflict);
  EXPECT_EQ(dup.error().field, "slug");

  LinkInput missing;
  missing.slug = "x";
  EXPECT_EQ(catalog_->create_link(missing).error().field, "phone");
}

TEST_F(CatalogTest, CentralRulesNameTheField) {
  make_link("a");
  make_link("b");
  make_link("hub");
  CentralInput in;
  in.anchor = "hub";
  in.members = std::vector<MemberInput>{{"a", 1}, {"a", 1}};
  EXPECT_EQ(catalog_->create_central(in).error().field, "members[1]");
  in.members = std::vector<MemberInput>{{"a", 1}, {"nobody", 1}};
  auto unknown = catalog_->create_central(in);
  EXPECT_EQ(unknown.error().code, ErrorCode::kUnprocessable);
  EXPECT_EQ(unknown.error().field, "members[1]");
  in.members = std::vector<MemberInput>{{"a", 0}};
  EXPECT_EQ(catalog_->create_central(in).error().field, "members[0].weight");
  in.members = std::vector<MemberInput>{{"hub", 1}};
  EXPECT_EQ(catalog_->create_central(in).error().field, "members[0]");
  in.members = std::vector<MemberInput>{};
  EXPECT_EQ(catalog_->create_central(in).error().field, "members");
  in.members = std::vector<MemberInput>{{"a", 1}, {"B", 2}};
  auto central = catalog_->create_central(in);
  ASSERT_TRUE(central.has_value());
  EXPECT_EQ(catalog_->create_central(in).error().code, ErrorCode::kConflict);  // anchor reused
  const auto* entry = tables_.current(0).find("hub");
  ASSERT_NE(entry, nullptr);
  ASSERT_NE(entry->central, nullptr);
}

TEST_F(CatalogTest, DeletingTheAnchorIsRefusedAndMembersCascade) {
  const Link a = make_link("a");
  make_link("b");
  const Link hub = make_link("hub");
  CentralInput in;
  in.anchor = "hub";
  in.members = std::vector<MemberInput>{{"a", 1}, {"b", 1}};
  auto central = catalog_->create_central(in);
  ASSERT_TRUE(central.has_value());
  EXPECT_EQ(catalog_->delete_link(hub.id).error().code, ErrorCode::kConflict);
  ASSERT_TRUE(catalog_->delete_link(a.id).has_value());
  EXPECT_EQ(catalog_->central(central->id)->members.size(), 1u);
  reopen();
  EXPECT_EQ(catalog_->central(central->id)->members.size(), 1u);
  ASSERT_TRUE(catalog_->delete_central(central->id).has_value());
  EXPECT_EQ(tables_.current(0).find("hub")->central, nullptr);
  EXPECT_TRUE(catalog_->delete_link(hub.id).has_value());
}

TEST_F(CatalogTest, HoursAreValidatedKeptAcrossMemberChangesAndPersisted) {
  make_link("a");
  make_link("b");
  make_link("hub");
  CentralInput in;
  in.anchor = "hub";
  in.members = std::vector<MemberInput>{{"a", 1}, {"b", 1}};
  const CentralId id = catalog_->create_central(in)->id;
  Schedule bad;
  bad.tz = "Mars/Olympus";
  EXPECT_EQ(catalog_->set_member_hours(id, "a", bad).error().field, "tz");
  EXPECT_EQ(catalog_->set_member_hours(id, "nobody", std::nullopt).error().code,
            ErrorCode::kNotFound);
  Schedule good;
  good.tz = "America/Sao_Paulo";
  good.week[1] = {{540, 1080}};
  ASSERT_TRUE(catalog_->set_member_hours(id, "a", good).has_value());
  CentralInput reorder;
  reorder.members = std::vector<MemberInput>{{"b", 1}, {"a", 1}};
  auto updated = catalog_->update_central(id, reorder);
  ASSERT_TRUE(updated.has_value());
  EXPECT_EQ(updated->members[1].hours, good);
  reopen();
  EXPECT_EQ(catalog_->central(id)->members[1].hours, good);
}

// Writes change the published table in place of a rebuild: after each, the
// table must route exactly as one rebuilt from the store would.
TEST_F(CatalogTest, IncrementalWritesRouteAsAFullReload) {
  const Link a = make_link("a", "5511999990001");
  const Link b = make_link("b", "5511999990002");
  make_link("hub");
  CentralInput in;
  in.anchor = "hub";
  in.members = std::vector<MemberInput>{{"a", 1}, {"b", 1}};
  const CentralId id = catalog_->create_central(in)->id;
  const auto router = tables_.current(0).find("HUB")->central;
  ASSERT_NE(router, nullptr);
  // Resolving members by slug goes through the table, in any case.
  EXPECT_EQ(catalog_->find_link("B"), b.id);

  // A member's new number reaches the router; its old slug stops answering.
  LinkInput change;
  change.phone = "5511999990009";
  change.slug = "b2";
  ASSERT_TRUE(catalog_->update_link(b.id, change).has_value());
  EXPECT_EQ(tables_.current(0).find("b"), nullptr);
  ASSERT_NE(tables_.current(0).find("B2"), nullptr);
  std::set<std::string> seen;
  for (int i = 0; i < 4; ++i) {
    const auto decision = router->route(clock_.now(), std::nullopt);
    seen.emplace(decision.link->phone());
  }
  EXPECT_EQ(seen, (std::set<std::string>{"5511999990001", "5511999990009"}));

  // Changing the anchor link keeps its central on its entry.
  LinkInput label;
  label.label = "Central da loja";
  ASSERT_TRUE(catalog_->update_link(catalog_->find_link("hub").value(), label).has_value());
  EXPECT_EQ(tables_.current(0).find("hub")->central, router);

  // A deactivated member leaves the rotation.
  LinkInput off;
  off.active = false;
  ASSERT_TRUE(catalog_->update_link(a.id, off).has_value());
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(router->route(clock_.now(), std::nullopt).link->id(), b.id);
  }

  const auto before = tables_.snapshot();
  reopen();
  const auto after = tables_.snapshot();
  ASSERT_EQ(before->size(), after->size());
  for (const char* slug : {"a", "b2", "hub"}) {
    ASSERT_NE(after->find(slug), nullptr) << slug;
    EXPECT_EQ(before->find(slug)->link->link().phone, after->find(slug)->link->link().phone);
    EXPECT_EQ(before->find(slug)->central == nullptr, after->find(slug)->central == nullptr);
  }
  EXPECT_EQ(catalog_->central(id)->members.size(), 2u);
}

}  // namespace
}  // namespace sequencial::domain
