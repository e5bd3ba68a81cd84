// Blocking HTTP/1.1 client over POSIX sockets (see http_client.h).
#include "support/http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

namespace sequencial::itest {
namespace {

constexpr std::size_t kReadChunk = std::size_t{64} * 1024;

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

Response failed(Failure failure, std::string error) {
  Response r;
  r.failure = failure;
  r.error = std::move(error);
  return r;
}

}  // namespace

const char* failure_name(Failure failure) {
  switch (failure) {
    case Failure::kNone:
      return "none";
    case Failure::kConnect:
      return "connect";
    case Failure::kSend:
      return "send";
    case Failure::kNoResponse:
      return "no_response";
    case Failure::kTruncated:
      return "truncated";
    case Failure::kTimeout:
      return "timeout";
    case Failure::kMalformed:
      return "malformed";
  }
  return "?";
}

std::string to_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::optional<std::string> Response::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) return value;
  }
  return std::nullopt;
}

std::vector<std::string> Response::header_values(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) out.push_back(value);
  }
  return out;
}

std::string Response::header_or_empty(std::string_view name) const {
  return header(name).value_or(std::string());
}

HttpClient::HttpClient(std::uint16_t port, std::string host, std::chrono::milliseconds timeout)
    : host_(std::move(host)), port_(port), timeout_(timeout) {}

HttpClient::~HttpClient() { close(); }

HttpClient::HttpClient(HttpClient&& other) noexcept
    : host_(std::move(other.host_)),
      port_(other.port_),
      timeout_(other.timeout_),
      fd_(std::exchange(other.fd_, -1)),
      buffer_(std::move(other.buffer_)),
      last_error_(std::move(other.last_error_)) {}

HttpClient& HttpClient::operator=(HttpClient&& other) noexcept {
  if (this != &other) {
    close();
    host_ = std::move(other.host_);
    port_ = other.port_;
    timeout_ = other.timeout_;
    fd_ = std::exchange(other.fd_, -1);
    buffer_ = std::move(other.buffer_);
    last_error_ = std::move(other.last_error_);
  }
  return *this;
}

bool HttpClient::connect() {
  if (fd_ >= 0) return true;
  buffer_.clear();
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    last_error_ = std::string("socket: ") + std::strerror(errno);
    return false;
  }
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout_.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((timeout_.count() % 1000) * 1000);
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port_);
  if (::inet_pton(AF_INET, host_.c_str(), &addr.sin_addr) != 1) {
    ::close(fd);
    last_error_ = "bad host " + host_;
    return false;
  }
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    last_error_ = std::string("connect: ") + std::strerror(errno);
    ::close(fd);
    return false;
  }
  fd_ = fd;
  return true;
}

void HttpClient::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  buffer_.clear();
}

std::string HttpClient::serialise(std::string_view method, std::string_view target,
                                  const Headers& headers, std::string_view body) const {
  std::string out;
  out.reserve(128 + body.size());
  out.append(method).append(" ").append(target).append(" HTTP/1.1\r\n");
  bool has_host = false;
  bool has_length = false;
  for (const auto& [name, value] : headers) {
    has_host |= iequals(name, "Host");
    has_length |= iequals(name, "Content-Length");
  }
  if (!has_host)
    out.append("Host: ").append(host_).append(":").append(std::to_string(port_)).append("\r\n");
  for (const auto& [name, value] : headers)
    out.append(name).append(": ").append(value).append("\r\n");
  const bool wants_length =
      !body.empty() || method == "POST" || method == "PUT" || method == "PATCH";
  if (wants_length && !has_length) {
    out.append("Content-Length: ").append(std::to_string(body.size())).append("\r\n");
  }
  out.append("\r\n");
  out.append(body);
  return out;
}

bool HttpClient::send_all(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      last_error_ = std::string("send: ") + std::strerror(errno);
      return false;
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

bool HttpClient::send_raw(std::string_view bytes) {
  if (!connect()) return false;
  if (!send_all(bytes)) {
    close();
    return false;
  }
  return true;
}

bool HttpClient::send_request(std::string_view method, std::string_view target,
                              const Headers& headers, std::string_view body) {
  return send_raw(serialise(method, target, headers, body));
}

long HttpClient::fill() {
  last_timeout_ = false;
  char chunk[kReadChunk];
  while (true) {
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n > 0) {
      buffer_.append(chunk, static_cast<std::size_t>(n));
      return n;
    }
    if (n == 0) return 0;
    if (errno == EINTR) continue;
    last_timeout_ = errno == EAGAIN || errno == EWOULDBLOCK;
    last_error_ = std::string("recv: ") + std::strerror(errno);
    return -1;
  }
}

Response HttpClient::read_response(bool head) {
  if (fd_ < 0) return failed(Failure::kNoResponse, "not connected");
  // Status line and headers.
  std::size_t header_end;
  while ((header_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    const bool had_bytes = !buffer_.empty();
    const long n = fill();
    if (n > 0) continue;
    const std::string error = n == 0 ? "connection closed" : last_error_;
    const bool timeout = last_timeout_;
    close();
    if (timeout) return failed(Failure::kTimeout, error);
    return failed(had_bytes ? Failure::kTruncated : Failure::kNoResponse, error);
  }
  const std::string head_text = buffer_.substr(0, header_end);
  buffer_.erase(0, header_end + 4);

  Response response;
  std::string_view rest = head_text;
  const std::size_t line_end = rest.find("\r\n");
  const std::string_view status_line = rest.substr(0, line_end);
  rest = line_end == std::string_view::npos ? std::string_view() : rest.substr(line_end + 2);
  if (!status_line.starts_with("HTTP/1.") || status_line.size() < 12) {
    close();
    return failed(Failure::kMalformed, "bad status line: " + std::string(status_line));
  }
  int status = 0;
  const auto [end, ec] = std::from_chars(status_line.data() + 9, status_line.data() + 12, status);
  if (ec != std::errc() || end != status_line.data() + 12) {
    close();
    return failed(Failure::kMalformed, "bad status line: " + std::string(status_line));
  }
  response.status = status;
  while (!rest.empty()) {
    const std::size_t eol = rest.find("\r\n");
    const std::string_view line = rest.substr(0, eol);
    rest = eol == std::string_view::npos ? std::string_view() : rest.substr(eol + 2);
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      close();
      return failed(Failure::kMalformed, "bad header line: " + std::string(line));
    }
    response.headers.emplace_back(std::string(trim(line.substr(0, colon))),
                                  std::string(trim(line.substr(colon + 1))));
  }

  // Body.
  const bool no_body = head || status == 204 || status == 304 || (status >= 100 && status < 200);
  const auto length_text = response.header("Content-Length");
  const bool closes = to_lower(response.header_or_empty("Connection")) == "close";
  if (!no_body) {
    if (length_text) {
      std::size_t length = 0;
      const auto [lend, lec] =
          std::from_chars(length_text->data(), length_text->data() + length_text->size(), length);
      if (lec != std::errc() || lend != length_text->data() + length_text->size()) {
        close();
        return failed(Failure::kMalformed, "bad Content-Length: " + *length_text);
      }
      while (buffer_.size() < length) {
        const long n = fill();
        if (n > 0) continue;
        const bool timeout = n < 0 && last_timeout_;
        close();
        return failed(timeout ? Failure::kTimeout : Failure::kTruncated,
                      "body shorter than Content-Length");
      }
      response.body = buffer_.substr(0, length);
      buffer_.erase(0, length);
    } else if (closes) {
      while (fill() > 0) {
      }
      response.body = std::move(buffer_);
      buffer_.clear();
    } else {
      close();
      return failed(Failure::kMalformed, "response without Content-Length on a kept connection");
    }
  }
  if (closes) close();
  return response;
}

Response HttpClient::request(std::string_view method, std::string_view target,
                             const Headers& headers, std::string_view body) {
  if (!connect()) return failed(Failure::kConnect, last_error_);
  if (!send_all(serialise(method, target, headers, body))) {
    // The server may have answered (e.g. 413) and closed before reading the
    // whole body: a response may still be waiting in the socket.
    const std::string send_error = last_error_;
    Response early = read_response(method == "HEAD");
    if (early.ok()) return early;
    close();
    return failed(Failure::kSend, send_error);
  }
  return read_response(method == "HEAD");
}

std::string HttpClient::read_until_close() {
  if (fd_ < 0) return {};
  while (fill() > 0) {
  }
  std::string out = std::move(buffer_);
  close();
  return out;
}

}  // namespace sequencial::itest
