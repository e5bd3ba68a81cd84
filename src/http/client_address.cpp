// Client address behind trusted reverse proxies.
#include "http/client_address.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cstring>

#include "core/text.h"

namespace sequencial::http {
namespace {

constexpr std::array<std::uint8_t, 12> kV4MappedPrefix = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool valid_port(std::string_view port) {
  return !port.empty() && port.size() <= 5 &&
         std::ranges::all_of(port, [](char c) { return c >= '0' && c <= '9'; });
}

// One hop of X-Forwarded-For: an address, optionally "[v6]", "v4:port" or
// "[v6]:port" (some proxies add the port).
std::optional<IpAddress> parse_hop(std::string_view hop) {
  hop = trim(hop);
  if (hop.size() >= 2 && hop.front() == '"' && hop.back() == '"') {
    hop = hop.substr(1, hop.size() - 2);
  }
  if (!hop.empty() && hop.front() == '[') {
    const std::size_t close = hop.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    const std::string_view rest = hop.substr(close + 1);
    if (!rest.empty() && (rest.front() != ':' || !valid_port(rest.substr(1)))) return std::nullopt;
    return IpAddress::parse(hop.substr(1, close - 1));
  }
  if (std::ranges::count(hop, ':') == 1) {  // v4:port
    const std::string_view port = hop.substr(hop.find(':') + 1);
    if (!valid_port(port)) return std::nullopt;
    hop = hop.substr(0, hop.find(':'));
  }
  return IpAddress::parse(hop);
}

// The for= values of a Forwarded header, in order ("" for an element
// without one).
std::vector<std::string_view> forwarded_for_values(std::string_view header) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (start <= header.size()) {
    // Elements are separated by ','; a quoted value never holds one for
    // an address, so a plain split is enough.
    const std::size_t comma = header.find(',', start);
    const std::string_view element = header.substr(
        start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    std::string_view value;
    std::size_t pos = 0;
    while (pos <= element.size()) {
      const std::size_t semi = element.find(';', pos);
      const std::string_view pair = trim(element.substr(
          pos, semi == std::string_view::npos ? std::string_view::npos : semi - pos));
      const std::size_t eq = pair.find('=');
      if (eq != std::string_view::npos && iequals(trim(pair.substr(0, eq)), "for")) {
        value = trim(pair.substr(eq + 1));
      }
      if (semi == std::string_view::npos) break;
      pos = semi + 1;
    }
    out.push_back(value);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

// Walks `hops` from the right: the first hop not in `proxies` is the
// client; all trusted -> the leftmost; a malformed hop -> nullopt.
std::optional<IpAddress> walk(const std::vector<std::string_view>& hops,
                              const TrustedProxies& proxies) {
  std::optional<IpAddress> last;
  for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
    auto hop = parse_hop(*it);
    if (!hop) return std::nullopt;
    if (!proxies.contains(*hop)) return hop;
    last = hop;
  }
  return last;
}

std::vector<std::string_view> split_commas(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = text.find(',', start);
    out.push_back(text.substr(
        start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

}  // namespace

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  if (text.empty() || text.size() > 45) return std::nullopt;
  char buffer[46] = {};
  std::memcpy(buffer, text.data(), text.size());
  IpAddress out;
  if (text.find(':') == std::string_view::npos) {
    in_addr v4{};
    if (inet_pton(AF_INET, buffer, &v4) != 1) return std::nullopt;
    std::ranges::copy(kV4MappedPrefix, out.bytes.begin());
    std::memcpy(out.bytes.data() + 12, &v4, 4);
    return out;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, buffer, &v6) != 1) return std::nullopt;
  std::memcpy(out.bytes.data(), &v6, 16);
  return out;
}

bool IpAddress::is_v4() const {
  return std::equal(kV4MappedPrefix.begin(), kV4MappedPrefix.end(), bytes.begin());
}

std::string IpAddress::to_string() const {
  char buffer[INET6_ADDRSTRLEN] = {};
  if (is_v4()) {
    inet_ntop(AF_INET, bytes.data() + 12, buffer, sizeof buffer);
  } else {
    inet_ntop(AF_INET6, bytes.data(), buffer, sizeof buffer);
  }
  return buffer;
}

Result<TrustedProxies> TrustedProxies::parse(std::string_view list) {
  TrustedProxies out;
  for (std::string_view entry : split_commas(list)) {
    entry = trim(entry);
    if (entry.empty()) continue;
    const auto bad = [&](std::string_view why) {
      return fail(Error::invalid("trusted-proxies", "trusted-proxies: \"" + std::string(entry) +
                                                        "\" " + std::string(why)));
    };
    const std::size_t slash = entry.find('/');
    auto address = IpAddress::parse(entry.substr(0, slash));
    if (!address) return bad("is not an IPv4 or IPv6 address or CIDR range (e.g. 10.0.0.0/8)");
    const int max_prefix = address->is_v4() ? 32 : 128;
    int prefix = max_prefix;
    if (slash != std::string_view::npos) {
      const std::string_view digits = entry.substr(slash + 1);
      const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
      if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() ||
          prefix < 0 || prefix > max_prefix) {
        return bad("has a prefix length that is not 0 to " + std::to_string(max_prefix));
      }
    }
    Range range{*address, prefix + (address->is_v4() ? 96 : 0)};
    for (int bit = range.prefix; bit < 128; ++bit) {
      range.network.bytes[static_cast<std::size_t>(bit / 8)] &=
          static_cast<std::uint8_t>(~(0x80u >> (bit % 8)));
    }
    out.ranges_.push_back(range);
  }
  return out;
}

bool TrustedProxies::contains(const IpAddress& address) const {
  return std::ranges::any_of(ranges_, [&](const Range& range) {
    const int whole = range.prefix / 8;
    for (int i = 0; i < whole; ++i) {
      if (address.bytes[static_cast<std::size_t>(i)] !=
          range.network.bytes[static_cast<std::size_t>(i)])
        return false;
    }
    const int rest = range.prefix % 8;
    if (rest == 0) return true;
    const auto mask = static_cast<std::uint8_t>(0xffu << (8 - rest));
    return (address.bytes[static_cast<std::size_t>(whole)] & mask) ==
           range.network.bytes[static_cast<std::size_t>(whole)];
  });
}

std::string TrustedProxies::describe() const {
  std::string out;
  for (const Range& range : ranges_) {
    if (!out.empty()) out += ',';
    out += range.network.to_string();
    out += '/';
    out += std::to_string(range.network.is_v4() ? range.prefix - 96 : range.prefix);
  }
  return out;
}

std::string client_address(std::string_view peer, std::string_view x_forwarded_for,
                           std::string_view forwarded, const TrustedProxies& proxies) {
  const auto peer_address = IpAddress::parse(peer);
  if (!peer_address) return std::string(peer);
  if (proxies.empty() || !proxies.contains(*peer_address)) return peer_address->to_string();
  std::optional<IpAddress> client;
  if (!trim(x_forwarded_for).empty()) {
    client = walk(split_commas(x_forwarded_for), proxies);
  } else if (!trim(forwarded).empty()) {
    client = walk(forwarded_for_values(forwarded), proxies);
  }
  return (client ? *client : *peer_address).to_string();
}

std::string client_address_of(const HttpRequest& request, const TrustedProxies& proxies) {
  if (proxies.empty()) return client_address(request.remote_address, {}, {}, proxies);
  std::string x_forwarded_for;
  std::string forwarded;
  for (const auto& [name, value] : request.headers) {
    std::string* joined = iequals(name, "X-Forwarded-For") ? &x_forwarded_for
                          : iequals(name, "Forwarded")     ? &forwarded
                                                           : nullptr;
    if (joined == nullptr) continue;
    if (!joined->empty()) *joined += ',';
    *joined += value;
  }
  return client_address(request.remote_address, x_forwarded_for, forwarded, proxies);
}

}  // namespace sequencial::http
