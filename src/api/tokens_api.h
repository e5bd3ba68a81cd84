// /api/v1/tokens: admin API tokens. List (names and dates, never the
// secrets), create ({"name"} -> the token, shown only in this answer; only
// its hash is stored) and revoke (a revoked token is refused at once).
//
// Thread-safety: safe for concurrent use.
#pragma once

#include <span>
#include <string_view>

#include "api/api_reply.h"
#include "api/tokens.h"
#include "http/message.h"
#include "storage/account_store.h"

namespace sequencial::api {

class TokensApi {
 public:
  TokensApi(AccountStore& store, TokenAuthenticator& tokens) : store_(store), tokens_(tokens) {}

  // `parts` is the path after /api/v1 ("tokens", optional id).
  void handle(const http::HttpRequest& request, http::HttpResponse& response,
              std::span<const std::string_view> parts);

 private:
  AccountStore& store_;
  TokenAuthenticator& tokens_;
};

}  // namespace sequencial::api
