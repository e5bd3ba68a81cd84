// Unit tests of slug lookup, derived tables and snapshot publication.
#include "routing/routing_table.h"

#include <gtest/gtest.h>

#include <string>

namespace sequencial::routing {
namespace {

LinkRouteRef link(const std::string& slug, const char* message = "") {
  Link l;
  l.slug = slug;
  l.phone = "5511999990001";
  l.message = message;
  return make_link_route(l);
}

TEST(RoutingTableTest, FindsSlugsIgnoringCase) {
  const auto t = RoutingTable().with({link("MinhaCentral"), nullptr});
  ASSERT_NE(t.find("minhacentral"), nullptr);
  ASSERT_NE(t.find("MINHACENTRAL"), nullptr);
  EXPECT_EQ(t.find("minha"), nullptr);
  EXPECT_EQ(t.find(""), nullptr);
  EXPECT_EQ(t.find(std::string(65, 'a')), nullptr);
}

TEST(RoutingTableTest, ManyLinksStayReachableAndASlugInAnotherCaseReplaces) {
  std::vector<RoutingTable::Entry> entries;
  entries.reserve(50000);
  for (int i = 0; i < 50000; ++i) entries.push_back({link("Link-" + std::to_string(i)), nullptr});
  auto t = RoutingTable::build(std::move(entries));
  EXPECT_EQ(t.size(), 50000u);
  for (int i = 0; i < 50000; ++i) {
    const auto* entry = t.find("LINK-" + std::to_string(i));
    ASSERT_NE(entry, nullptr) << i;
    EXPECT_EQ(entry->link->slug(), "Link-" + std::to_string(i));
  }
  EXPECT_EQ(t.find("link-50000"), nullptr);
  t = t.with({link("link-42", "novo"), nullptr});
  EXPECT_EQ(t.size(), 50000u);
  EXPECT_EQ(t.find("Link-42")->link->message(), "novo");
  EXPECT_EQ(t.find("Link-42")->link->slug(), "link-42");
}

TEST(RoutingTableTest, BuildKeepsTheLastOfTwoEntriesWithOneSlug) {
  const auto t = RoutingTable::build({{link("loja", "a"), nullptr}, {link("LOJA", "b"), nullptr}});
  EXPECT_EQ(t.size(), 1u);
  EXPECT_EQ(t.find("loja")->link->message(), "b");
}

TEST(RoutingTableTest, ADerivedTableLeavesTheOriginalAsItWas) {
  std::vector<RoutingTable::Entry> entries;
  entries.reserve(10000);
  for (int i = 0; i < 10000; ++i) entries.push_back({link("l" + std::to_string(i)), nullptr});
  const auto before = RoutingTable::build(std::move(entries));
  const auto added = before.with({link("nova"), nullptr});
  const auto removed = added.without("L5");
  const auto changed = removed.with({link("l7", "outra"), nullptr});

  EXPECT_EQ(before.size(), 10000u);
  EXPECT_EQ(before.find("nova"), nullptr);
  EXPECT_NE(before.find("l5"), nullptr);
  EXPECT_EQ(before.find("l7")->link->message(), "");

  EXPECT_EQ(added.size(), 10001u);
  EXPECT_NE(added.find("NOVA"), nullptr);
  EXPECT_EQ(removed.size(), 10000u);
  EXPECT_EQ(removed.find("l5"), nullptr);
  EXPECT_NE(removed.find("l6"), nullptr);
  EXPECT_EQ(changed.size(), 10000u);
  EXPECT_EQ(changed.find("l7")->link->message(), "outra");
  EXPECT_EQ(removed.find("l7")->link->message(), "");
  // Removing what is not there changes nothing.
  EXPECT_EQ(changed.without("ninguem").size(), 10000u);
  // Every link is still reachable in the last table.
  for (int i = 0; i < 10000; ++i) {
    if (i != 5) {
      ASSERT_NE(changed.find("l" + std::to_string(i)), nullptr) << i;
    }
  }
}

TEST(RoutingTableTest, RemovingEveryLinkLeavesAnEmptyTable) {
  RoutingTable t;
  for (int i = 0; i < 300; ++i) t = t.with({link("x" + std::to_string(i)), nullptr});
  for (int i = 0; i < 300; ++i) t = t.without("X" + std::to_string(i));
  EXPECT_EQ(t.size(), 0u);
  EXPECT_EQ(t.find("x1"), nullptr);
}

TEST(RoutingTableTest, LinkRoutePacksEveryFieldAndItsLocation) {
  Link l;
  l.id = 7;
  l.slug = "Loja";
  l.phone = "5511999990001";
  l.message = "Olá & #1";
  l.label = "Loja — Instagram";
  l.preview_title = "Título";
  l.preview_description = "";
  l.preview_image = "https://example.com/a.png";
  const auto route = make_link_route(l);
  EXPECT_EQ(route->location(), "https://wa.me/5511999990001?text=Ol%C3%A1%20%26%20%231");
  EXPECT_EQ(route->id(), 7);
  EXPECT_EQ(route->label(), "Loja — Instagram");
  EXPECT_EQ(route->preview_description(), "");
  EXPECT_EQ(route->preview_image(), "https://example.com/a.png");
  const Link back = route->link();
  EXPECT_EQ(back.slug, l.slug);
  EXPECT_EQ(back.message, l.message);
  EXPECT_EQ(back.preview_title, l.preview_title);
  EXPECT_EQ(link("a")->location(), "https://wa.me/5511999990001");
}

TEST(RoutingTableTest, HolderPublishesNewSnapshotsToEveryLoop) {
  RoutingTableHolder holder(2);
  EXPECT_EQ(holder.current(0).size(), 0u);
  holder.publish(
      std::make_shared<const RoutingTable>(RoutingTable().with({link("joao"), nullptr})));
  EXPECT_NE(holder.current(0).find("joao"), nullptr);
  EXPECT_NE(holder.current(1).find("joao"), nullptr);
  EXPECT_EQ(holder.snapshot()->size(), 1u);
}

}  // namespace
}  // namespace sequencial::routing
