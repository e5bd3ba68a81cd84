// Tests for core/text.h: percent-encoding, query strings, HTML escaping, case folding.
#include "core/text.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>

namespace sequencial {
namespace {

TEST(PercentEncode, ExactOutputs) {
  EXPECT_EQ(percent_encode("Ol\xC3\xA1! \xF0\x9F\x8E\x89 & #1 + 2\n"),
            "Ol%C3%A1%21%20%F0%9F%8E%89%20%26%20%231%20%2B%202%0A");
  EXPECT_EQ(percent_encode(""), "");
  EXPECT_EQ(percent_encode("AZaz09-._~"), "AZaz09-._~");
  EXPECT_EQ(percent_encode("a b"), "a%20b");
  EXPECT_EQ(percent_encode("?=&/:;@%"), "%3F%3D%26%2F%3A%3B%40%25");
  EXPECT_EQ(percent_encode(std::string("\0\x7F\xFF", 3)), "%00%7F%FF");
  EXPECT_EQ(percent_encode("{utm_source}"), "%7Butm_source%7D");
}

TEST(PercentEncode, AppendsToExistingBuffer) {
  std::string out = "https://wa.me/5511999990001?text=";
  append_percent_encoded(out, "Oi, tudo bem?");
  EXPECT_EQ(out, "https://wa.me/5511999990001?text=Oi%2C%20tudo%20bem%3F");
  append_percent_encoded(out, "");
  EXPECT_EQ(out, "https://wa.me/5511999990001?text=Oi%2C%20tudo%20bem%3F");
}

TEST(PercentDecode, DecodesEscapes) {
  EXPECT_EQ(percent_decode("Ol%C3%A1%21%20%F0%9F%8E%89", false), "Ol\xC3\xA1! \xF0\x9F\x8E\x89");
  EXPECT_EQ(percent_decode("%c3%a1", false), "\xC3\xA1");  // lowercase hex accepted
  EXPECT_EQ(percent_decode("a+b", false), "a+b");
  EXPECT_EQ(percent_decode("a+b", true), "a b");
  EXPECT_EQ(percent_decode("a%2Bb", true), "a+b");
  EXPECT_EQ(percent_decode("", true), "");
  EXPECT_EQ(percent_decode("%00", false), std::string(1, '\0'));
}

TEST(PercentDecode, RejectsMalformedEscapes) {
  for (const char* bad : {"%G1", "%1G", "%4", "%", "abc%", "abc%2", "%%41", "%-1", "% 1"}) {
    EXPECT_EQ(percent_decode(bad, false), std::nullopt) << bad;
    EXPECT_EQ(percent_decode(bad, true), std::nullopt) << bad;
  }
}

// Encodes a code point as UTF-8, written independently of the code under test.
void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

bool only_unreserved_and_escapes(const std::string& encoded) {
  auto is_upper_hex = [](char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'); };
  for (std::size_t i = 0; i < encoded.size(); ++i) {
    const char c = encoded[i];
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      continue;
    }
    if (c != '%' || i + 2 >= encoded.size() || !is_upper_hex(encoded[i + 1]) ||
        !is_upper_hex(encoded[i + 2])) {
      return false;
    }
    i += 2;
  }
  return true;
}

TEST(PercentEncode, RoundTripsRandomUtf8) {
  std::mt19937 rng(20261125);
  std::uniform_int_distribution<int> length_dist(0, 40);
  // Bias towards ASCII (including the reserved punctuation) and the BMP, but
  // cover every plane.
  std::uniform_int_distribution<int> range_dist(0, 3);
  std::uniform_int_distribution<std::uint32_t> ascii(0x00, 0x7F);
  std::uniform_int_distribution<std::uint32_t> two_byte(0x80, 0x7FF);
  std::uniform_int_distribution<std::uint32_t> bmp(0x800, 0xFFFF - 0x800);  // minus surrogates
  std::uniform_int_distribution<std::uint32_t> astral(0x10000, 0x10FFFF);
  for (int n = 0; n < 10000; ++n) {
    std::string original;
    const int length = length_dist(rng);
    for (int i = 0; i < length; ++i) {
      std::uint32_t cp = 0;
      switch (range_dist(rng)) {
        case 0:
          cp = ascii(rng);
          break;
        case 1:
          cp = two_byte(rng);
          break;
        case 2:
          cp = bmp(rng);
          if (cp >= 0xD800) cp += 0x800;  // skip U+D800..U+DFFF
          break;
        default:
          cp = astral(rng);
          break;
      }
      append_utf8(original, cp);
    }
    const std::string encoded = percent_encode(original);
    ASSERT_TRUE(only_unreserved_and_escapes(encoded)) << encoded;
    ASSERT_EQ(percent_decode(encoded, false), original) << encoded;
    ASSERT_EQ(percent_decode(encoded, true), original) << encoded;  // no '+' survives encoding
  }
}

TEST(QueryParam, FindsDecodedValues) {
  const std::string_view query = "utm_source=instagram&utm_campaign=black+friday&ref=a%2Fb&x";
  EXPECT_EQ(query_param(query, "utm_source"), "instagram");
  EXPECT_EQ(query_param(query, "utm_campaign"), "black friday");
  EXPECT_EQ(query_param(query, "ref"), "a/b");
  EXPECT_EQ(query_param(query, "x"), "");
  EXPECT_EQ(query_param(query, "missing"), std::nullopt);
  EXPECT_EQ(query_param(query, "utm"), std::nullopt);
  EXPECT_EQ(query_param("", "a"), std::nullopt);
}

TEST(QueryParam, EncodedKeysAndEdgeCases) {
  EXPECT_EQ(query_param("utm%5Fsource=fb", "utm_source"), "fb");
  EXPECT_EQ(query_param("my+key=v", "my key"), "v");
  EXPECT_EQ(query_param("a=1&a=2", "a"), "1");  // first match wins
  EXPECT_EQ(query_param("a=&b=2", "a"), "");
  EXPECT_EQ(query_param("a=x=y", "a"), "x=y");  // split at the first '='
  EXPECT_EQ(query_param("&&a=1&&", "a"), "1");
  EXPECT_EQ(query_param("A=1", "a"), std::nullopt);  // keys are case-sensitive
  EXPECT_EQ(query_param("msg=Ol%C3%A1%20%F0%9F%8E%89", "msg"), "Ol\xC3\xA1 \xF0\x9F\x8E\x89");
  EXPECT_EQ(query_param("a=%ZZ", "a"), std::nullopt);  // malformed value
  EXPECT_EQ(query_param("b%=1&a=2", "a"), "2");        // malformed other key is skipped
  EXPECT_EQ(query_param("=1", ""), "1");
}

TEST(HtmlEscape, EscapesFiveCharacters) {
  EXPECT_EQ(html_escape("<script>alert(\"x\" & 'y')</script>"),
            "&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;");
  EXPECT_EQ(html_escape("Jo\xC3\xA3o \xE2\x80\x94 vendas"), "Jo\xC3\xA3o \xE2\x80\x94 vendas");
  EXPECT_EQ(html_escape(""), "");
  EXPECT_EQ(html_escape("&amp;"), "&amp;amp;");
  std::string out = "<p>";
  append_html_escaped(out, "a<b");
  EXPECT_EQ(out, "<p>a&lt;b");
}

TEST(CaseInsensitive, Iequals) {
  EXPECT_TRUE(iequals("Content-Type", "content-type"));
  EXPECT_TRUE(iequals("", ""));
  EXPECT_FALSE(iequals("abc", "abd"));
  EXPECT_FALSE(iequals("abc", "abcd"));
  EXPECT_FALSE(iequals("\xC3\x89", "\xC3\xA9"));  // É vs é: ASCII only
  EXPECT_FALSE(iequals("[", "{"));                // '[' + 32 == '{' must not fold
}

TEST(CaseInsensitive, Icontains) {
  EXPECT_TRUE(icontains("Mozilla/5.0 (compatible; Googlebot/2.1)", "googlebot"));
  EXPECT_TRUE(icontains("abc", ""));
  EXPECT_TRUE(icontains("abc", "ABC"));
  EXPECT_TRUE(icontains("aaab", "AAB"));  // a partial match must not skip the real one
  EXPECT_FALSE(icontains("ab", "abc"));
  EXPECT_FALSE(icontains("", "a"));
  EXPECT_FALSE(icontains("Chrome", "chromium"));
}

}  // namespace
}  // namespace sequencial
