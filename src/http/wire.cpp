// Response serialisation for the HTTP edge (see wire.h).
// Thread-safety: pure functions on caller-owned buffers.
#include "http/wire.h"

#include <charconv>
#include <cstring>

namespace sequencial::http::wire {
namespace {

constexpr char kDays[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr char kMonths[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

void put2(char* p, int v) {
  p[0] = static_cast<char>('0' + v / 10);
  p[1] = static_cast<char>('0' + v % 10);
}

// Copies `s` to `p` and returns the position after it.
char* put(char* p, std::string_view s) {
  if (!s.empty()) std::memcpy(p, s.data(), s.size());
  return p + s.size();
}

void append_json_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (u < 0x20) {
      out.append("\\u00");
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 15]);
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
}

}  // namespace

bool response_has_body(int status) {
  // A status outside 100..999 is written as 500, which has a body.
  return !(status >= 100 && status < 200) && status != 204 && status != 304;
}

void format_http_date(std::time_t t, char* out) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char* p = out;
  p = put(p, kDays[tm.tm_wday % 7]);
  p = put(p, ", ");
  put2(p, tm.tm_mday);
  p += 2;
  *p++ = ' ';
  p = put(p, kMonths[tm.tm_mon % 12]);
  *p++ = ' ';
  const int year = tm.tm_year + 1900;
  put2(p, (year / 100) % 100);
  put2(p + 2, year % 100);
  p += 4;
  *p++ = ' ';
  put2(p, tm.tm_hour);
  p[2] = ':';
  put2(p + 3, tm.tm_min);
  p[5] = ':';
  put2(p + 6, tm.tm_sec);
  p += 8;
  put(p, " GMT");
}

void append_response_head(std::string& out, const HttpResponse& response,
                          std::string_view date_line, ConnectionHeader connection) {
  const int status = (response.status >= 100 && response.status <= 999) ? response.status : 500;
  const std::string_view reason = reason_phrase(status);
  char length[48];
  std::string_view length_text;  // the whole Content-Length line
  if (response_has_body(status)) {
    char* end = put(length, "Content-Length: ");
    end = std::to_chars(end, length + sizeof length - 2, response.body.size()).ptr;
    *end++ = '\r';
    *end++ = '\n';
    length_text = {length, static_cast<std::size_t>(end - length)};
  }
  std::string_view connection_line;
  if (connection == ConnectionHeader::kClose) connection_line = "Connection: close\r\n";
  if (connection == ConnectionHeader::kKeepAlive) connection_line = "Connection: keep-alive\r\n";

  constexpr std::string_view kVersion = "HTTP/1.1 ";
  const std::size_t size = kVersion.size() + 4 + reason.size() + 2 + date_line.size() +
                           length_text.size() + connection_line.size() + response.headers.size() +
                           2;
  const std::size_t old_size = out.size();
  // One capacity check and a few memcpys: this runs for every response.
  // (Not resize_and_overwrite: libstdc++ 12 loses the old contents when it
  // reallocates.)
  out.resize(old_size + size);
  char* p = out.data() + old_size;
  p = put(p, kVersion);
  p[0] = static_cast<char>('0' + status / 100);
  p[1] = static_cast<char>('0' + status / 10 % 10);
  p[2] = static_cast<char>('0' + status % 10);
  p[3] = ' ';
  p = put(p + 4, reason);
  p = put(p, "\r\n");
  p = put(p, date_line);
  p = put(p, length_text);
  p = put(p, connection_line);
  p = put(p, response.headers);
  put(p, "\r\n");
}

void set_json_error(HttpResponse& response, int status, std::string_view code,
                    std::string_view message) {
  response.clear();
  response.status = status;
  response.headers = "Content-Type: application/json\r\n";
  response.body = "{\"error\":{\"code\":";
  append_json_string(response.body, code);
  response.body.append(",\"message\":");
  append_json_string(response.body, message);
  response.body.append("}}");
}

}  // namespace sequencial::http::wire
