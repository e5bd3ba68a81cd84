// docs/API.md is kept true to the OpenAPI document the server serves
// (api/openapi.h): every route of that document, as "METHOD /api/v1<path>",
// has a line in the doc's route table.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "api/openapi.h"

namespace sequencial::api {
namespace {

std::string read_doc() {
  std::ifstream in(SEQUENCIAL_API_DOC);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string upper(std::string text) {
  std::ranges::transform(text, text.begin(), [](unsigned char c) { return std::toupper(c); });
  return text;
}

// "GET /api/v1/links" must not be satisfied by "GET /api/v1/links/{id}":
// the route has to end where a path character cannot follow.
bool names_route(const std::string& doc, const std::string& route) {
  for (std::size_t at = doc.find(route); at != std::string::npos; at = doc.find(route, at + 1)) {
    const std::size_t end = at + route.size();
    if (end == doc.size()) return true;
    const auto next = static_cast<unsigned char>(doc[end]);
    if (std::isalnum(next) == 0 && next != '/' && next != '{' && next != '-' && next != '_') {
      return true;
    }
  }
  return false;
}

TEST(ApiDocTest, EveryRouteOfTheOpenApiDocumentIsInDocsApiMd) {
  const std::string doc = read_doc();
  ASSERT_FALSE(doc.empty()) << "cannot read " << SEQUENCIAL_API_DOC;
  const auto openapi = nlohmann::json::parse(openapi_document());
  const std::string base = openapi.at("servers").at(0).at("url").get<std::string>();
  ASSERT_EQ(base, "/api/v1");

  constexpr std::array kMethods = {"get", "put", "post", "patch", "delete"};
  std::vector<std::string> missing;
  int routes = 0;
  for (const auto& [path, item] : openapi.at("paths").items()) {
    for (const char* method : kMethods) {
      if (!item.contains(method)) continue;
      ++routes;
      std::string route = upper(method);
      route.append(" ").append(base).append(path);
      if (!names_route(doc, route)) missing.push_back(route);
    }
  }
  EXPECT_GE(routes, 30);  // the document was read, not an empty one
  EXPECT_TRUE(missing.empty()) << "routes of the OpenAPI document missing from docs/API.md:\n"
                               << [&] {
                                    std::string all;
                                    for (const auto& m : missing) all += "  " + m + "\n";
                                    return all;
                                  }();
}

}  // namespace
}  // namespace sequencial::api
