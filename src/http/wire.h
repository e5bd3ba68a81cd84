// Private to src/http: the bytes the server writes. Formats the Date header
// and serialises a response head into a reused buffer. Free of Boost so it
// can be tested on its own; not part of the public interface of the edge.
//
// Thread-safety: pure functions on caller-owned buffers.
#pragma once

#include <cstddef>
#include <ctime>
#include <string>
#include <string_view>

#include "http/message.h"

namespace sequencial::http::wire {

// Length of an IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT".
inline constexpr std::size_t kHttpDateSize = 29;

// Writes `t` (seconds since the epoch, UTC) as an IMF-fixdate (RFC 7231
// section 7.1.1.1) into `out`, which must hold kHttpDateSize characters.
void format_http_date(std::time_t t, char* out);

// What the Connection header of a response says.
enum class ConnectionHeader {
  kNone,       // HTTP/1.1 keep-alive: nothing to say
  kKeepAlive,  // HTTP/1.0 client that asked for keep-alive
  kClose,      // the connection closes after this response
};

// False for the statuses that never carry a body (1xx, 204, 304): their
// responses have neither Content-Length nor body.
[[nodiscard]] bool response_has_body(int status);

// Appends the status line, `date_line` (a complete "Date: ...\r\n" line),
// Content-Length (of response.body, also for HEAD; omitted when
// !response_has_body), the Connection header and response.headers, then the
// blank line. The caller appends the body. A status outside 100..999 is
// written as 500.
void append_response_head(std::string& out, const HttpResponse& response,
                          std::string_view date_line, ConnectionHeader connection);

// Fills `response` with a JSON error: {"error":{"code":...,"message":...}}.
void set_json_error(HttpResponse& response, int status, std::string_view code,
                    std::string_view message);

}  // namespace sequencial::http::wire
