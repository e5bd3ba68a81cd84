// Token endpoints.
#include "api/tokens_api.h"

#include <spdlog/spdlog.h>

#include "api/json_codec.h"
#include "core/text.h"

namespace sequencial::api {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxNameBytes = 100;

json token_json(const ApiToken& token) {
  return {{"id", token.id}, {"name", token.name}, {"created_at", format_time(token.created_at)}};
}

}  // namespace

void TokensApi::handle(const http::HttpRequest& request, http::HttpResponse& response,
                       std::span<const std::string_view> parts) {
  const std::string_view method = request.method;
  if (parts.size() == 1) {
    if (method == "GET") {
      auto tokens = store_.load_tokens();
      if (!tokens) return reply_error(response, tokens.error());
      json items = json::array();
      for (const ApiToken& token : *tokens) items.push_back(token_json(token));
      return reply_json(response, 200, {{"items", std::move(items)}});
    }
    if (method != "POST") return reply_method_not_allowed(request, response, "GET, POST");
    auto body = json_object_body(request);
    if (!body) return reply_error(response, body.error());
    auto name = required_string(*body, "name");
    if (!name) return reply_error(response, name.error());
    if (name->empty() || name->size() > kMaxNameBytes) {
      return reply_error(response, Error::invalid("name", "name must have 1 to 100 bytes"));
    }
    const std::string secret = generate_token();
    auto token = store_.insert_token(*name, hash_token(secret));
    if (!token) return reply_error(response, token.error());
    spdlog::info("event=admin_write action=token.create id={}", token->id);
    json out = token_json(*token);
    out["token"] = secret;
    return reply_json(response, 201, out);
  }
  const auto id = parts.size() == 2 ? parse_positive_id(parts[1]) : std::nullopt;
  if (!id) return reply_error(response, Error::not_found("no such token"));
  if (method != "DELETE") return reply_method_not_allowed(request, response, "DELETE");
  if (auto ok = store_.delete_token(*id); !ok) return reply_error(response, ok.error());
  tokens_.revoke(*id);
  spdlog::info("event=admin_write action=token.revoke id={}", *id);
  reply_no_content(response);
}

}  // namespace sequencial::api
