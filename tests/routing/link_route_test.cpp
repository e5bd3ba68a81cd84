// Tests of message placeholders (rule 7) and the WhatsApp URL.
#include "routing/link_route.h"

#include <gtest/gtest.h>

namespace sequencial::routing {
namespace {

TEST(LinkRouteTest, FillsKnownPlaceholdersAndKeepsUnknownOnes) {
  const PlaceholderValues v{"instagram", "bio", "black-friday", "", "", "K7Q2XM"};
  EXPECT_EQ(fill_placeholders("Vim do {utm_source} ({utm_campaign}) #{ref} {nome} {", v),
            "Vim do instagram (black-friday) #K7Q2XM {nome} {");
  EXPECT_EQ(fill_placeholders("{utm_term}|{utm_medium}", v), "|bio");
  EXPECT_EQ(fill_placeholders("sem nada", v), "sem nada");
}

TEST(LinkRouteTest, DetectsPlaceholders) {
  EXPECT_TRUE(has_placeholders("Olá {ref}"));
  EXPECT_FALSE(has_placeholders("Olá {nome}"));
  Link link;
  link.phone = "5511999990001";
  link.message = "Campanha {utm_campaign}";
  EXPECT_TRUE(make_link_route(link)->has_placeholders());
}

TEST(LinkRouteTest, FilledValuesArePercentEncodedInTheUrl) {
  const std::string message = fill_placeholders("src={utm_source}", {"a&b #1", "", "", "", "", ""});
  EXPECT_EQ(whatsapp_url("5511999990001", message),
            "https://wa.me/5511999990001?text=src%3Da%26b%20%231");
}

}  // namespace
}  // namespace sequencial::routing
