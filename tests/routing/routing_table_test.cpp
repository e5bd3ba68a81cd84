// Unit tests of slug lookup and snapshot publication.
#include "routing/routing_table.h"

#include <gtest/gtest.h>

#include <string>

namespace sequencial::routing {
namespace {

std::shared_ptr<const LinkRoute> link(const char* slug, const char* message = "") {
  Link l;
  l.slug = slug;
  l.phone = "5511999990001";
  l.message = message;
  return make_link_route(std::move(l));
}

TEST(RoutingTableTest, FindsSlugsIgnoringCase) {
  RoutingTable t;
  t.add(link("MinhaCentral"), nullptr);
  ASSERT_NE(t.find("minhacentral"), nullptr);
  ASSERT_NE(t.find("MINHACENTRAL"), nullptr);
  EXPECT_EQ(t.find("minha"), nullptr);
  EXPECT_EQ(t.find(""), nullptr);
  EXPECT_EQ(t.find(std::string(65, 'a')), nullptr);
}

TEST(RoutingTableTest, ManyLinksStayReachableAndASlugInAnotherCaseReplaces) {
  RoutingTable t;
  for (int i = 0; i < 5000; ++i) t.add(link(("Link-" + std::to_string(i)).c_str()), nullptr);
  EXPECT_EQ(t.size(), 5000u);
  for (int i = 0; i < 5000; ++i) {
    const auto* entry = t.find("LINK-" + std::to_string(i));
    ASSERT_NE(entry, nullptr) << i;
    EXPECT_EQ(entry->link->link.slug, "Link-" + std::to_string(i));
  }
  EXPECT_EQ(t.find("link-5000"), nullptr);
  t.add(link("link-42", "novo"), nullptr);
  EXPECT_EQ(t.size(), 5000u);
  EXPECT_EQ(t.find("Link-42")->link->link.message, "novo");
}

TEST(RoutingTableTest, LocationIsPrecomputed) {
  EXPECT_EQ(link("a", "Olá & #1")->location,
            "https://wa.me/5511999990001?text=Ol%C3%A1%20%26%20%231");
  EXPECT_EQ(link("a")->location, "https://wa.me/5511999990001");
}

TEST(RoutingTableTest, HolderPublishesNewSnapshotsToEveryLoop) {
  RoutingTableHolder holder(2);
  EXPECT_EQ(holder.current(0).size(), 0u);
  auto t = std::make_shared<RoutingTable>();
  t->add(link("joao"), nullptr);
  holder.publish(t);
  EXPECT_NE(holder.current(0).find("joao"), nullptr);
  EXPECT_NE(holder.current(1).find("joao"), nullptr);
  EXPECT_EQ(holder.snapshot()->size(), 1u);
}

}  // namespace
}  // namespace sequencial::routing
