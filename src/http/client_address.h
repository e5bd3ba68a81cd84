// The client's address of a request, and the reverse proxies trusted to
// tell it (--trusted-proxies). Only a connection whose peer address is in
// one of the trusted ranges may name the client with X-Forwarded-For (or,
// when that is absent, the RFC 7239 Forwarded header); everyone else's own
// socket address is used. The header is walked from the right, skipping
// trusted hops (proxy chains), so a client cannot forge its address by
// sending its own X-Forwarded-For: the first untrusted hop is the client.
// A malformed hop (not an IP address, "unknown", an obfuscated name) stops
// the walk and the peer address is used.
//
// Used by the login rate limiter; a value type that logs and Geolocalizado
// can reuse. No Boost here: addresses are parsed with inet_pton.
//
// Thread-safety: TrustedProxies is immutable after parse(); the functions
// are pure.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "http/message.h"

namespace sequencial::http {

// An IPv4 or IPv6 address; IPv4 is kept as an IPv4-mapped IPv6 address
// (::ffff:a.b.c.d), so "10.0.0.1" and "::ffff:10.0.0.1" are one address.
struct IpAddress {
  std::array<std::uint8_t, 16> bytes{};

  // "192.0.2.1", "2001:db8::1", "::ffff:192.0.2.1"; nullopt otherwise.
  [[nodiscard]] static std::optional<IpAddress> parse(std::string_view text);
  [[nodiscard]] bool is_v4() const;
  // Dotted quad for IPv4 (mapped or not), RFC 5952 text for IPv6.
  [[nodiscard]] std::string to_string() const;
  friend bool operator==(const IpAddress&, const IpAddress&) = default;
};

class TrustedProxies {
 public:
  TrustedProxies() = default;  // trusts nobody

  // "10.0.0.0/8, 192.168.1.7, 2001:db8::/32" (a bare address is /32 or
  // /128); empty text trusts nobody. kInvalid on field "trusted-proxies"
  // naming the first bad entry.
  [[nodiscard]] static Result<TrustedProxies> parse(std::string_view list);

  [[nodiscard]] bool contains(const IpAddress& address) const;
  [[nodiscard]] bool empty() const { return ranges_.empty(); }
  // The ranges as CIDR text, comma-separated (for the start-up log).
  [[nodiscard]] std::string describe() const;

 private:
  struct Range {
    IpAddress network;  // host bits cleared
    int prefix = 0;     // 0..128, counted on the IPv6 (mapped) form
  };
  std::vector<Range> ranges_;
};

// The client address of a connection from `peer` (the socket's address)
// whose request carried these header values (all X-Forwarded-For lines
// joined with ','; the same for Forwarded; empty when absent). Returns the
// address as text (IpAddress::to_string); `peer` as given when it is not
// an address.
[[nodiscard]] std::string client_address(std::string_view peer, std::string_view x_forwarded_for,
                                         std::string_view forwarded, const TrustedProxies& proxies);

// client_address() of a parsed request (every header line of each name).
[[nodiscard]] std::string client_address_of(const HttpRequest& request,
                                            const TrustedProxies& proxies);

}  // namespace sequencial::http
