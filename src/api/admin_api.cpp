// Routes and handlers of /api/v1.
#include "api/admin_api.h"

#include <spdlog/spdlog.h>

#include <charconv>
#include <nlohmann/json.hpp>
#include <vector>

#include "api/api_reply.h"
#include "api/json_codec.h"
#include "api/lookup_api.h"
#include "api/openapi.h"
#include "core/text.h"

namespace sequencial::api {
namespace {

using nlohmann::json;

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> parts;
  while (!path.empty()) {
    if (path.front() == '/') {
      path.remove_prefix(1);
      continue;
    }
    const std::size_t slash = path.find('/');
    parts.push_back(path.substr(0, slash));
    path = slash == std::string_view::npos ? std::string_view() : path.substr(slash);
  }
  return parts;
}

// Request text fit for a log line: bytes outside printable ASCII as \xHH
// (no forged lines, no invalid UTF-8 in the log), at most 200 bytes.
std::string loggable(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (const char c : text.substr(0, 200)) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte < 0x7f && c != '\\') {
      out += c;
    } else {
      out += "\\x";
      out += kHex[byte >> 4];
      out += kHex[byte & 0xf];
    }
  }
  return out;
}

}  // namespace

// One request being answered: the parsed path and helpers to reply.
struct AdminApi::Call {
  const http::HttpRequest& request;
  http::HttpResponse& response;
  std::vector<std::string_view> parts;  // after "api", "v1"

  void json_reply(int status, const json& body) {
    response.status = status;
    response.add_header("Content-Type", "application/json");
    response.add_header("Cache-Control", "no-store");
    response.body = dump_json(body);
  }
  void no_content() {
    response.status = 204;
    response.add_header("Cache-Control", "no-store");
  }
  void error(const Error& e) { reply_error(response, e); }
  void method_not_allowed(std::string_view allow) {
    error({ErrorCode::kInvalid, "method " + std::string(request.method) + " not allowed here", ""});
    response.status = 405;
    response.add_header("Allow", allow);
  }
  // The body as JSON; answers 400 and returns nullopt when it is not.
  std::optional<json> body() {
    json parsed = json::parse(request.body, nullptr, false);
    if (parsed.is_discarded()) {
      error(Error::invalid("", "body must be valid JSON"));
      return std::nullopt;
    }
    if (!parsed.is_object()) {
      error(Error::invalid("", "body must be a JSON object"));
      return std::nullopt;
    }
    return parsed;
  }
};

AdminApi::AdminApi(AdminApiOptions options, const app::PublicUrl& public_url, app::Catalog& catalog,
                   StatsApi& stats, ApiAuth& auth, AccountRoutes accounts, const Clock& clock)
    : options_(std::move(options)),
      public_url_(public_url),
      catalog_(catalog),
      stats_(stats),
      auth_(auth),
      accounts_(accounts),
      clock_(clock) {}

void AdminApi::handle(const http::HttpRequest& request, http::HttpResponse& response) {
  // A handler that throws is a bug: answer 500 like the server would, but
  // say so in the log, with what was asked.
  try {
    route(request, response);
  } catch (const std::exception& e) {
    spdlog::error("event=api_exception method={} path={} what={}", loggable(request.method),
                  loggable(request.path()), loggable(e.what()));
    response.clear();
    reply_error(response, 500, "internal", "internal error");
  }
}

void AdminApi::route(const http::HttpRequest& request, http::HttpResponse& response) {
  auto parts = split_path(request.path());
  Call call{request, response, {}};
  if (parts.size() < 2 || parts[0] != "api" || parts[1] != "v1") {
    call.error(Error::not_found("no such API route; the API lives under /api/v1"));
    return;
  }
  call.parts.assign(parts.begin() + 2, parts.end());
  if (call.parts.size() == 1 && call.parts[0] == "openapi.json") {
    response.status = 200;
    response.add_header("Content-Type", "application/json");
    response.body = std::string(openapi_document());
    return;
  }
  // Logging in needs no credentials; the session API checks its own cookie.
  if (call.parts.size() == 1 && call.parts[0] == "session") {
    accounts_.session.handle(request, response);
    return;
  }
  const std::optional<Caller> caller = auth_.authenticate(request, response);
  if (!caller) return;
  if (call.parts.empty()) {
    call.error(Error::not_found("no such API route"));
  } else if (call.parts[0] == "links") {
    links(call);
  } else if (call.parts[0] == "centrals") {
    centrals(call);
  } else if (call.parts[0] == "users" && call.parts.size() <= 2) {
    accounts_.users.handle(request, response, call.parts, *caller);
  } else if (call.parts[0] == "tokens" && call.parts.size() <= 2) {
    accounts_.tokens.handle(request, response, call.parts);
  } else if (call.parts[0] == "settings" && call.parts.size() == 1) {
    accounts_.settings.handle(request, response);
  } else if (call.parts[0] == "settings" && call.parts.size() == 2) {
    accounts_.settings.handle_key(request, response, call.parts[1]);
  } else if (call.parts[0] == "time-zones" && call.parts.size() == 1) {
    handle_time_zones(request, response);
  } else if (call.parts[0] == "phone-check" && call.parts.size() == 1) {
    handle_phone_check(request, response);
  } else {
    call.error(Error::not_found("no such API route: /api/v1/" + std::string(call.parts[0])));
  }
}

void AdminApi::links(Call& call) {
  const std::string_view method = call.request.method;
  if (call.parts.size() == 1) {
    if (method == "GET") {
      json items = json::array();
      for (const auto& link : catalog_.links()) items.push_back(link_json(link, public_url_.get()));
      call.json_reply(200, {{"items", std::move(items)}});
    } else if (method == "POST") {
      auto body = call.body();
      if (!body) return;
      auto input = parse_link_input(*body);
      if (!input) return call.error(input.error());
      auto link = catalog_.create_link(*input);
      if (!link) return call.error(link.error());
      spdlog::info("event=admin_write action=link.create id={} slug={}", link->id, link->slug);
      call.json_reply(201, link_json(*link, public_url_.get()));
    } else {
      call.method_not_allowed("GET, POST");
    }
    return;
  }
  // Links are named by id or by slug (API.md).
  const auto id = catalog_.find_link(call.parts[1]);
  if (!id)
    return call.error(Error::not_found("no link with id or slug " + std::string(call.parts[1])));
  if (call.parts.size() == 3 && (call.parts[2] == "stats" || call.parts[2] == "clicks")) {
    return stats(call, StatsScope::kLink, *id);
  }
  if (call.parts.size() > 2) return call.error(Error::not_found("no such API route"));
  if (method == "GET") {
    auto link = catalog_.link(*id);
    if (!link) return call.error(link.error());
    call.json_reply(200, link_json(*link, public_url_.get()));
  } else if (method == "PATCH") {
    auto body = call.body();
    if (!body) return;
    auto input = parse_link_input(*body);
    if (!input) return call.error(input.error());
    auto link = catalog_.update_link(*id, *input);
    if (!link) return call.error(link.error());
    spdlog::info("event=admin_write action=link.update id={} slug={}", link->id, link->slug);
    call.json_reply(200, link_json(*link, public_url_.get()));
  } else if (method == "DELETE") {
    if (auto ok = catalog_.delete_link(*id); !ok) return call.error(ok.error());
    spdlog::info("event=admin_write action=link.delete id={}", *id);
    call.no_content();
  } else {
    call.method_not_allowed("GET, PATCH, DELETE");
  }
}

std::string AdminApi::render_central(const Central& central) const {
  std::vector<routing::MemberState> states;
  if (const auto router = catalog_.router(central.id)) states = router->member_states(clock_.now());
  return dump_json(central_json(
      central, [this](LinkId id) { return catalog_.slug_of(id); }, states, public_url_.get()));
}

void AdminApi::centrals(Call& call) {
  const std::string_view method = call.request.method;
  const auto reply_central = [&](int status, const Central& central) {
    call.response.status = status;
    call.response.add_header("Content-Type", "application/json");
    call.response.add_header("Cache-Control", "no-store");
    call.response.body = render_central(central);
  };
  if (call.parts.size() == 1) {
    if (method == "GET") {
      std::string body = "{\"items\":[";
      bool first = true;
      for (const auto& central : catalog_.centrals()) {
        if (!first) body += ',';
        first = false;
        body += render_central(central);
      }
      body += "]}";
      call.response.status = 200;
      call.response.add_header("Content-Type", "application/json");
      call.response.add_header("Cache-Control", "no-store");
      call.response.body = std::move(body);
    } else if (method == "POST") {
      auto body = call.body();
      if (!body) return;
      auto input = parse_central_input(*body);
      if (!input) return call.error(input.error());
      auto central = catalog_.create_central(*input);
      if (!central) return call.error(central.error());
      spdlog::info("event=admin_write action=central.create id={} anchor_id={} members={}",
                   central->id, central->anchor_id, central->members.size());
      reply_central(201, *central);
    } else {
      call.method_not_allowed("GET, POST");
    }
    return;
  }
  const auto id = parse_positive_id(call.parts[1]);
  if (!id) return call.error(Error::not_found("no central with id " + std::string(call.parts[1])));
  if (call.parts.size() == 5 && call.parts[2] == "members" && call.parts[4] == "hours") {
    return hours(call, *id, call.parts[3]);
  }
  if (call.parts.size() == 3 && call.parts[2] == "stats") {
    return stats(call, StatsScope::kCentral, *id);
  }
  if (call.parts.size() > 2) return call.error(Error::not_found("no such API route"));
  if (method == "GET") {
    auto central = catalog_.central(*id);
    if (!central) return call.error(central.error());
    reply_central(200, *central);
  } else if (method == "PATCH") {
    auto body = call.body();
    if (!body) return;
    auto input = parse_central_input(*body);
    if (!input) return call.error(input.error());
    auto central = catalog_.update_central(*id, *input);
    if (!central) return call.error(central.error());
    spdlog::info("event=admin_write action=central.update id={} members={}", central->id,
                 central->members.size());
    reply_central(200, *central);
  } else if (method == "DELETE") {
    if (auto ok = catalog_.delete_central(*id); !ok) return call.error(ok.error());
    spdlog::info("event=admin_write action=central.delete id={}", *id);
    call.no_content();
  } else {
    call.method_not_allowed("GET, PATCH, DELETE");
  }
}

void AdminApi::hours(Call& call, CentralId id, std::string_view slug) {
  const std::string_view method = call.request.method;
  std::optional<Schedule> schedule;
  if (method == "PUT") {
    auto body = call.body();
    if (!body) return;
    auto parsed = parse_schedule(*body, options_.default_tz());
    if (!parsed) return call.error(parsed.error());
    schedule = std::move(*parsed);
  } else if (method != "DELETE") {
    return call.method_not_allowed("PUT, DELETE");
  }
  auto central = catalog_.set_member_hours(id, slug, std::move(schedule));
  if (!central) return call.error(central.error());
  spdlog::info("event=admin_write action=central.hours.{} id={} member={}",
               method == "PUT" ? "set" : "clear", id, slug);
  call.response.status = 200;
  call.response.add_header("Content-Type", "application/json");
  call.response.add_header("Cache-Control", "no-store");
  call.response.body = render_central(*central);
}

void AdminApi::stats(Call& call, StatsScope scope, std::int64_t id) {
  const std::string_view method = call.request.method;
  const bool exists =
      scope == StatsScope::kLink ? catalog_.link(id).has_value() : catalog_.central(id).has_value();
  if (!exists) {
    return call.error(
        Error::not_found(std::string(scope == StatsScope::kLink ? "no link" : "no central") +
                         " with id " + std::to_string(id)));
  }
  Result<void> done;
  if (call.parts[2] == "clicks") {
    if (method != "GET") return call.method_not_allowed("GET");
    done = stats_.export_clicks(id, call.request, call.response);
  } else if (method == "GET") {
    done = stats_.report(scope, id, call.request, call.response);
  } else if (method == "DELETE" && scope == StatsScope::kLink) {
    done = stats_.reset(id);
    if (done) {
      spdlog::info("event=admin_write action=link.stats.reset id={}", id);
      call.no_content();
    }
  } else {
    return call.method_not_allowed(scope == StatsScope::kLink ? "GET, DELETE" : "GET");
  }
  if (!done) {
    call.response.clear();
    call.error(done.error());
  }
}

}  // namespace sequencial::api
