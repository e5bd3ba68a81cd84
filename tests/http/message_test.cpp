// Tests for http/message.h (request accessors, response helpers, reason
// phrases) and the private serialisation helpers in http/wire.h.
#include "http/message.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "http/wire.h"

namespace sequencial::http {
namespace {

using Field = std::pair<std::string_view, std::string_view>;

TEST(HttpRequestTest, HeaderIsCaseInsensitiveAndReturnsFirstMatch) {
  const std::vector<Field> fields = {
      {"Host", "example.com"}, {"X-Token", "one"}, {"x-token", "two"}, {"User-Agent", "ua"}};
  HttpRequest request;
  request.headers = fields;
  EXPECT_EQ(request.header("host"), "example.com");
  EXPECT_EQ(request.header("HOST"), "example.com");
  EXPECT_EQ(request.header("X-TOKEN"), "one");
  EXPECT_EQ(request.header("user-agent"), "ua");
  EXPECT_EQ(request.header("Cookie"), "");
  EXPECT_EQ(request.header("Hos"), "");
  EXPECT_EQ(request.header(""), "");
}

TEST(HttpRequestTest, PathAndQuery) {
  HttpRequest request;
  request.target = "/joao?utm_source=ig&x=1";
  EXPECT_EQ(request.path(), "/joao");
  EXPECT_EQ(request.query(), "utm_source=ig&x=1");

  request.target = "/joao";
  EXPECT_EQ(request.path(), "/joao");
  EXPECT_EQ(request.query(), "");

  request.target = "/joao?";
  EXPECT_EQ(request.path(), "/joao");
  EXPECT_EQ(request.query(), "");

  request.target = "";
  EXPECT_EQ(request.path(), "");
  EXPECT_EQ(request.query(), "");
}

TEST(HttpResponseTest, AddHeaderAppendsLines) {
  HttpResponse response;
  response.add_header("Location", "https://wa.me/5511999999999");
  response.add_header("Cache-Control", "no-store");
  EXPECT_EQ(response.headers,
            "Location: https://wa.me/5511999999999\r\nCache-Control: no-store\r\n");
}

TEST(HttpResponseTest, AddHeaderCannotSplitTheResponse) {
  HttpResponse response;
  response.add_header("Location", "/x\r\nSet-Cookie: evil=1");
  EXPECT_EQ(response.headers, "Location: /x  Set-Cookie: evil=1\r\n");
}

TEST(HttpResponseTest, ClearResetsButKeepsCapacity) {
  HttpResponse response;
  response.status = 404;
  response.body.assign(1000, 'x');
  response.add_header("A", "b");
  response.close = true;
  const auto capacity = response.body.capacity();
  response.clear();
  EXPECT_EQ(response.status, 200);
  EXPECT_TRUE(response.headers.empty());
  EXPECT_TRUE(response.body.empty());
  EXPECT_FALSE(response.close);
  EXPECT_EQ(response.body.capacity(), capacity);
}

TEST(ReasonPhraseTest, CommonCodes) {
  EXPECT_EQ(reason_phrase(200), "OK");
  EXPECT_EQ(reason_phrase(201), "Created");
  EXPECT_EQ(reason_phrase(204), "No Content");
  EXPECT_EQ(reason_phrase(301), "Moved Permanently");
  EXPECT_EQ(reason_phrase(302), "Found");
  EXPECT_EQ(reason_phrase(304), "Not Modified");
  EXPECT_EQ(reason_phrase(400), "Bad Request");
  EXPECT_EQ(reason_phrase(401), "Unauthorized");
  EXPECT_EQ(reason_phrase(403), "Forbidden");
  EXPECT_EQ(reason_phrase(404), "Not Found");
  EXPECT_EQ(reason_phrase(405), "Method Not Allowed");
  EXPECT_EQ(reason_phrase(409), "Conflict");
  EXPECT_EQ(reason_phrase(413), "Content Too Large");
  EXPECT_EQ(reason_phrase(415), "Unsupported Media Type");
  EXPECT_EQ(reason_phrase(422), "Unprocessable Content");
  EXPECT_EQ(reason_phrase(429), "Too Many Requests");
  EXPECT_EQ(reason_phrase(431), "Request Header Fields Too Large");
  EXPECT_EQ(reason_phrase(500), "Internal Server Error");
  EXPECT_EQ(reason_phrase(503), "Service Unavailable");
  EXPECT_EQ(reason_phrase(299), "Unknown");
}

TEST(WireTest, FormatsImfFixdate) {
  char out[wire::kHttpDateSize];
  wire::format_http_date(784111777, out);  // RFC 7231's example
  EXPECT_EQ(std::string_view(out, sizeof out), "Sun, 06 Nov 1994 08:49:37 GMT");
  wire::format_http_date(0, out);
  EXPECT_EQ(std::string_view(out, sizeof out), "Thu, 01 Jan 1970 00:00:00 GMT");
  wire::format_http_date(1709251199, out);  // leap day, last second
  EXPECT_EQ(std::string_view(out, sizeof out), "Thu, 29 Feb 2024 23:59:59 GMT");
}

TEST(WireTest, AppendsResponseHead) {
  HttpResponse response;
  response.status = 302;
  response.add_header("Location", "https://wa.me/1");
  response.body = "abc";
  std::string out = "previous|";
  const std::string date = "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n";
  wire::append_response_head(out, response, date, wire::ConnectionHeader::kNone);
  EXPECT_EQ(out, "previous|HTTP/1.1 302 Found\r\n" + date +
                     "Content-Length: 3\r\nLocation: https://wa.me/1\r\n\r\n");

  out.clear();
  response.body.clear();
  response.headers.clear();
  response.status = 404;
  wire::append_response_head(out, response, date, wire::ConnectionHeader::kClose);
  EXPECT_EQ(out,
            "HTTP/1.1 404 Not Found\r\n" + date + "Content-Length: 0\r\nConnection: close\r\n\r\n");

  out.clear();
  response.status = 200;
  wire::append_response_head(out, response, date, wire::ConnectionHeader::kKeepAlive);
  EXPECT_EQ(out,
            "HTTP/1.1 200 OK\r\n" + date + "Content-Length: 0\r\nConnection: keep-alive\r\n\r\n");
}

TEST(WireTest, NoContentLengthForStatusesWithoutBody) {
  HttpResponse response;
  std::string out;
  response.status = 204;
  wire::append_response_head(out, response, "", wire::ConnectionHeader::kNone);
  EXPECT_EQ(out, "HTTP/1.1 204 No Content\r\n\r\n");
  out.clear();
  response.status = 304;
  response.add_header("ETag", "\"x\"");
  wire::append_response_head(out, response, "", wire::ConnectionHeader::kNone);
  EXPECT_EQ(out, "HTTP/1.1 304 Not Modified\r\nETag: \"x\"\r\n\r\n");
  EXPECT_FALSE(wire::response_has_body(100));
  EXPECT_FALSE(wire::response_has_body(204));
  EXPECT_FALSE(wire::response_has_body(304));
  EXPECT_TRUE(wire::response_has_body(200));
  EXPECT_TRUE(wire::response_has_body(302));
  EXPECT_TRUE(wire::response_has_body(42));
}

TEST(WireTest, OutOfRangeStatusBecomes500) {
  HttpResponse response;
  response.status = 42;
  std::string out;
  wire::append_response_head(out, response, "", wire::ConnectionHeader::kNone);
  EXPECT_EQ(out, "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n");
}

TEST(WireTest, JsonErrorEscapes) {
  HttpResponse response;
  response.add_header("X-Old", "1");
  wire::set_json_error(response, 400, "bad_request", "bad \"thing\"\\\n");
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(response.headers, "Content-Type: application/json\r\n");
  EXPECT_EQ(response.body, R"({"error":{"code":"bad_request","message":"bad \"thing\"\\\u000a"}})");
}

}  // namespace
}  // namespace sequencial::http
