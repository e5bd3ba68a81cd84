// Client addresses behind trusted proxies (http/client_address.h): CIDR
// parsing for IPv4 and IPv6, X-Forwarded-For walked from the right,
// Forwarded, and every malformed input falling back to the peer.
#include "http/client_address.h"

#include <gtest/gtest.h>

namespace sequencial::http {
namespace {

TrustedProxies proxies(std::string_view list) {
  auto parsed = TrustedProxies::parse(list);
  EXPECT_TRUE(parsed) << parsed.error().message;
  return parsed ? *parsed : TrustedProxies{};
}

TEST(ClientAddressTest, AddressesParseAndPrintInCanonicalForm) {
  EXPECT_EQ(IpAddress::parse("192.0.2.1")->to_string(), "192.0.2.1");
  EXPECT_EQ(IpAddress::parse("::ffff:192.0.2.1")->to_string(), "192.0.2.1");
  EXPECT_EQ(IpAddress::parse("::ffff:192.0.2.1"), IpAddress::parse("192.0.2.1"));
  EXPECT_EQ(IpAddress::parse("2001:DB8:0:0::1")->to_string(), "2001:db8::1");
  EXPECT_TRUE(IpAddress::parse("10.0.0.1")->is_v4());
  EXPECT_FALSE(IpAddress::parse("::1")->is_v4());
  for (const char* bad : {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "example.com", "1.2.3.4 ", "::g",
                          "unknown", "1.2.3.4/8"}) {
    EXPECT_FALSE(IpAddress::parse(bad)) << bad;
  }
}

TEST(ClientAddressTest, RangesMatchByPrefix) {
  const TrustedProxies trusted = proxies(" 10.0.0.0/8, 192.168.1.7 ,2001:db8::/32,172.16.0.0/12");
  EXPECT_EQ(trusted.describe(), "10.0.0.0/8,192.168.1.7/32,2001:db8::/32,172.16.0.0/12");
  for (const char* in : {"10.0.0.1", "10.255.255.255", "192.168.1.7", "2001:db8:ffff::1",
                         "::ffff:10.1.2.3", "172.31.0.1"}) {
    EXPECT_TRUE(trusted.contains(*IpAddress::parse(in))) << in;
  }
  for (const char* out :
       {"11.0.0.1", "192.168.1.8", "2001:db9::1", "172.32.0.1", "::1", "::a00:1"}) {
    EXPECT_FALSE(trusted.contains(*IpAddress::parse(out))) << out;
  }
  // Host bits in the range are ignored; /0 trusts everything of that family.
  EXPECT_TRUE(proxies("10.1.2.3/8").contains(*IpAddress::parse("10.9.9.9")));
  EXPECT_TRUE(proxies("0.0.0.0/0").contains(*IpAddress::parse("8.8.8.8")));
  EXPECT_FALSE(proxies("0.0.0.0/0").contains(*IpAddress::parse("2001:db8::1")));
  EXPECT_TRUE(proxies("::/0").contains(*IpAddress::parse("2001:db8::1")));
  EXPECT_TRUE(proxies("").empty());
}

TEST(ClientAddressTest, InvalidRangesAreErrorsNamingTheEntry) {
  for (const char* bad : {"10.0.0.0/33", "2001:db8::/129", "10.0.0.0/", "10.0.0.0/x",
                          "10.0.0.0/8/1", "nginx", "10.0.0.0/-1", "1.2.3.4, 300.0.0.1"}) {
    auto parsed = TrustedProxies::parse(bad);
    ASSERT_FALSE(parsed) << bad;
    EXPECT_EQ(parsed.error().field, "trusted-proxies");
    EXPECT_NE(parsed.error().message.find('"'), std::string::npos) << parsed.error().message;
  }
}

TEST(ClientAddressTest, WithoutTrustedProxiesThePeerIsTheClient) {
  EXPECT_EQ(client_address("203.0.113.9", "1.1.1.1", "for=2.2.2.2", {}), "203.0.113.9");
  EXPECT_EQ(client_address("::ffff:203.0.113.9", "", "", {}), "203.0.113.9");
  // An untrusted peer cannot name another client.
  EXPECT_EQ(client_address("203.0.113.9", "1.1.1.1", "", proxies("10.0.0.0/8")), "203.0.113.9");
}

TEST(ClientAddressTest, XForwardedForIsWalkedFromTheRightSkippingTrustedHops) {
  const TrustedProxies trusted = proxies("10.0.0.0/8,2001:db8::/32");
  EXPECT_EQ(client_address("10.0.0.2", "198.51.100.7", "", trusted), "198.51.100.7");
  // The client forged a first hop; the proxy appended the real address.
  EXPECT_EQ(client_address("10.0.0.2", "6.6.6.6, 198.51.100.7", "", trusted), "198.51.100.7");
  // Two proxies in a chain.
  EXPECT_EQ(client_address("10.0.0.2", "198.51.100.7,10.0.0.3", "", trusted), "198.51.100.7");
  EXPECT_EQ(client_address("2001:db8::2", "2001:db8::5, 2a00:1450::1", "", trusted),
            "2a00:1450::1");
  // Ports and brackets that some proxies add.
  EXPECT_EQ(client_address("10.0.0.2", "198.51.100.7:5123", "", trusted), "198.51.100.7");
  EXPECT_EQ(client_address("10.0.0.2", "[2a00:1450::1]:443", "", trusted), "2a00:1450::1");
  // Every hop trusted: the leftmost.
  EXPECT_EQ(client_address("10.0.0.2", "10.9.9.9, 10.0.0.3", "", trusted), "10.9.9.9");
  // No header from a trusted peer: the peer.
  EXPECT_EQ(client_address("10.0.0.2", "", "", trusted), "10.0.0.2");
}

TEST(ClientAddressTest, MalformedHopsFallBackToThePeer) {
  const TrustedProxies trusted = proxies("10.0.0.0/8");
  for (const char* bad : {"unknown", "198.51.100.7, nonsense", ",", "198.51.100.7,", "[::1",
                          "1.2.3.4:", "\xff", "a b"}) {
    EXPECT_EQ(client_address("10.0.0.2", bad, "", trusted), "10.0.0.2") << bad;
  }
  // Left of the first untrusted hop nothing is read, malformed or not.
  EXPECT_EQ(client_address("10.0.0.2", "junk, 198.51.100.7", "", trusted), "198.51.100.7");
  // A peer that is not an address at all is passed through.
  EXPECT_EQ(client_address("", "1.1.1.1", "", trusted), "");
}

TEST(ClientAddressTest, ForwardedIsUsedWhenXForwardedForIsAbsent) {
  const TrustedProxies trusted = proxies("10.0.0.0/8");
  EXPECT_EQ(client_address("10.0.0.2", "", "for=198.51.100.7;proto=https", trusted),
            "198.51.100.7");
  EXPECT_EQ(client_address("10.0.0.2", "", "For=\"[2001:db8:cafe::17]:4711\"", trusted),
            "2001:db8:cafe::17");
  EXPECT_EQ(client_address("10.0.0.2", "",
                           "for=6.6.6.6, for=198.51.100.7;by=10.0.0.2, for=10.0.0.3", trusted),
            "198.51.100.7");
  EXPECT_EQ(client_address("10.0.0.2", "", "for=_hidden", trusted), "10.0.0.2");
  EXPECT_EQ(client_address("10.0.0.2", "", "for=unknown", trusted), "10.0.0.2");
  EXPECT_EQ(client_address("10.0.0.2", "", "proto=https", trusted), "10.0.0.2");
  // X-Forwarded-For wins when both are present.
  EXPECT_EQ(client_address("10.0.0.2", "198.51.100.8", "for=198.51.100.7", trusted),
            "198.51.100.8");
}

TEST(ClientAddressTest, EveryHeaderLineOfARequestCounts) {
  const TrustedProxies trusted = proxies("10.0.0.0/8");
  const std::pair<std::string_view, std::string_view> headers[] = {
      {"x-forwarded-for", "6.6.6.6"}, {"Host", "x"}, {"X-Forwarded-For", "198.51.100.7"}};
  HttpRequest request;
  request.headers = headers;
  request.remote_address = "10.0.0.2";
  EXPECT_EQ(client_address_of(request, trusted), "198.51.100.7");
  request.remote_address = "203.0.113.9";
  EXPECT_EQ(client_address_of(request, trusted), "203.0.113.9");
  EXPECT_EQ(client_address_of(request, {}), "203.0.113.9");
}

}  // namespace
}  // namespace sequencial::http
