// Time zones and phone checks for the admin UI.
#include "api/lookup_api.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/api_reply.h"
#include "core/phone.h"
#include "core/text.h"
#include "core/validation.h"

namespace sequencial::api {
namespace {

// The zones of the system's tzdata with their country, from zone.tab
// ("BR\t-2332-04637\tAmerica/Sao_Paulo\tBrazil (southeast...)").
nlohmann::json read_time_zones() {
  nlohmann::json items = nlohmann::json::array();
  std::ifstream tab("/usr/share/zoneinfo/zone.tab");
  std::string line;
  while (std::getline(tab, line)) {
    if (line.empty() || line.front() == '#') continue;
    std::vector<std::string> fields;
    std::size_t start = 0;
    for (std::size_t at = line.find('\t');; at = line.find('\t', start)) {
      fields.push_back(line.substr(start, at - start));
      if (at == std::string::npos) break;
      start = at + 1;
    }
    if (fields.size() < 3) continue;
    items.push_back({{"zone", fields[2]},
                     {"country", fields[0]},
                     {"comment", fields.size() > 3 ? fields[3] : std::string()}});
  }
  items.push_back({{"zone", "UTC"}, {"country", ""}, {"comment", ""}});
  return items;
}

}  // namespace

void handle_time_zones(const http::HttpRequest& request, http::HttpResponse& response) {
  if (request.method != "GET") return reply_method_not_allowed(request, response, "GET");
  static const nlohmann::json kZones = read_time_zones();  // tzdata does not change while we run
  reply_json(response, 200, {{"items", kZones}});
}

void handle_phone_check(const http::HttpRequest& request, http::HttpResponse& response) {
  if (request.method != "GET") return reply_method_not_allowed(request, response, "GET");
  const std::string input = query_param(request.query(), "phone").value_or("");
  auto phone = normalize_phone(input);
  if (!phone) {
    const Error& error = phone.error();
    reply_json(response, 200,
               {{"valid", false},
                {"error",
                 {{"code", error_code_name(error.code)},
                  {"message", error.message},
                  {"field", error.field}}}});
    return;
  }
  auto info = check_phone_number(*phone);
  if (!info) return reply_error(response, info.error());
  reply_json(response, 200,
             {{"valid", true},
              {"phone", info->digits},
              {"formatted", info->formatted},
              {"region", info->region}});
}

}  // namespace sequencial::api
