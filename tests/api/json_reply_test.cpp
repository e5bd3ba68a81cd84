// Errors and JSON replies that echo request bytes which are not UTF-8
// (issue 14 row 13): they must be written, never throw.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "api/api_reply.h"
#include "api/json_codec.h"

namespace sequencial::api {
namespace {

using nlohmann::json;

const std::string kInvalid = "links\xff\xfe\xc3";

TEST(JsonReplyTest, ErrorBodyEchoingInvalidUtf8IsValidJson) {
  std::string body;
  ASSERT_NO_THROW(body = error_body(Error::not_found("no such API route: /api/v1/" + kInvalid)));
  const json parsed = json::parse(body);
  EXPECT_EQ(parsed["error"]["code"], "not_found");
  EXPECT_NE(parsed["error"]["message"].get<std::string>().find("links\xef\xbf\xbd"),
            std::string::npos);
}

TEST(JsonReplyTest, RepliesWithInvalidUtf8DoNotThrow) {
  http::HttpResponse response;
  ASSERT_NO_THROW(reply_error(response, Error::invalid(kInvalid, "bad " + kInvalid)));
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(json::parse(response.body)["error"]["field"],
            "links\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
  http::HttpResponse other;
  ASSERT_NO_THROW(reply_error(other, 429, "rate_limited", kInvalid, kInvalid));
  EXPECT_TRUE(json::accept(other.body));
  http::HttpResponse ok;
  ASSERT_NO_THROW(reply_json(ok, 200, json{{"key", kInvalid}}));
  EXPECT_TRUE(json::accept(ok.body));
}

}  // namespace
}  // namespace sequencial::api
