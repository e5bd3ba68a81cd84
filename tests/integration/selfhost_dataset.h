// A small shop for the self-hosting tests (backup, migrate): links, two
// centrals (one rotating over a1..a3, one with business hours on a member),
// and a snapshot of what the admin API shows of them, to compare a server
// on the copied database with the original.
//
// Thread-safety: single-threaded helpers over one AdminClient.
#pragma once

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "support/admin_client.h"

namespace sequencial::itest {

// Loja rotates over a1, a2, a3 (in that order); plantao over b1 (open only
// on Wednesday afternoons) and b2. Returns loja's central id.
inline long make_shop(AdminClient& api) {
  api.create_link("loja", "5511900000000", "Oi loja", "Loja");
  for (int i = 1; i <= 3; ++i) {
    api.create_link("a" + std::to_string(i), "551190000000" + std::to_string(i), "Oi");
  }
  api.create_link("plantao", "5511900000010", "Oi plantão", "Plantão");
  api.create_link("b1", "5511900000011", "Oi b1");
  api.create_link("b2", "5511900000012", "Oi b2");
  const long loja =
      api.create_central({{"anchor", "loja"}, {"members", {"a1", "a2", "a3"}}})["id"].get<long>();
  const long plantao = api.create_central({{"anchor", "plantao"},
                                           {"members", {"b1", {{"link", "b2"}, {"weight", 2}}}},
                                           {"fixed", true},
                                           {"when_closed", "page"}})["id"]
                           .get<long>();
  const json hours = {
      {"tz", "America/Sao_Paulo"},
      {"week", {{"wed", json::array({json::array({"13:00", "18:00"})})}}},
      {"exceptions", json::array({{{"date", "2026-12-25"}, {"ranges", json::array()}}})}};
  const ApiResponse r =
      api.put("/api/v1/centrals/" + std::to_string(plantao) + "/members/b1/hours", hours);
  EXPECT_EQ(r.status, 200) << r.raw.body;
  return loja;
}

// `value` without the fields that name the serving node (url, qr) or the
// current time (open_now, next_change).
inline json without_volatile(json value) {
  static const std::set<std::string> kVolatile = {"url", "qr_url", "open_now", "next_change"};
  if (value.is_object()) {
    json out = json::object();
    for (auto& [key, item] : value.items()) {
      if (!kVolatile.contains(key)) out[key] = without_volatile(item);
    }
    return out;
  }
  if (value.is_array()) {
    json out = json::array();
    for (const auto& item : value) out.push_back(without_volatile(item));
    return out;
  }
  return value;
}

// Links and centrals as the admin API lists them.
inline json shop_snapshot(AdminClient& api) {
  const ApiResponse links = api.get("/api/v1/links");
  const ApiResponse centrals = api.get("/api/v1/centrals");
  EXPECT_EQ(links.status, 200) << links.raw.body;
  EXPECT_EQ(centrals.status, 200) << centrals.raw.body;
  return without_volatile({{"links", links.body}, {"centrals", centrals.body}});
}

}  // namespace sequencial::itest
