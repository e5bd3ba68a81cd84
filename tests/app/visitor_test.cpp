// Tests of the visitor cookie format and random ids.
#include "app/visitor.h"

#include <gtest/gtest.h>

#include <array>
#include <set>

namespace sequencial::app {
namespace {

TEST(VisitorTest, CookieRoundTrip) {
  const VisitorId id{0x0123456789abcdefULL, 0xfedcba9876543210ULL};
  const auto hex = format_visitor_id(id);
  EXPECT_EQ(std::string(hex.data(), hex.size()), "0123456789abcdeffedcba9876543210");
  const std::string header = "theme=dark; sqv=" + std::string(hex.data(), hex.size()) + "; x=1";
  EXPECT_EQ(parse_visitor_cookie(header), id);
}

TEST(VisitorTest, MalformedCookiesAreIgnored) {
  EXPECT_FALSE(parse_visitor_cookie("").has_value());
  EXPECT_FALSE(parse_visitor_cookie("sqv=123").has_value());
  EXPECT_FALSE(parse_visitor_cookie("sqv=zz23456789abcdeffedcba9876543210").has_value());
  EXPECT_FALSE(parse_visitor_cookie("xsqv=0123456789abcdeffedcba9876543210").has_value());
}

TEST(VisitorTest, SetCookieAttributes) {
  std::string out;
  append_visitor_set_cookie(out, VisitorId{1, 2}, true);
  EXPECT_NE(out.find("HttpOnly"), std::string::npos);
  EXPECT_NE(out.find("SameSite=Lax"), std::string::npos);
  EXPECT_NE(out.find("; Secure"), std::string::npos);
  EXPECT_TRUE(out.ends_with("\r\n"));
  out.clear();
  append_visitor_set_cookie(out, VisitorId{1, 2}, false);
  EXPECT_EQ(out.find("Secure"), std::string::npos);
}

TEST(VisitorTest, RandomIdsDoNotRepeat) {
  RandomVisitorIds ids(2);
  std::set<std::pair<std::uint64_t, std::uint64_t>> seen;
  for (int i = 0; i < 2000; ++i) {
    const VisitorId v = ids.next(static_cast<std::size_t>(i % 2));
    EXPECT_TRUE(seen.insert({v.hi, v.lo}).second);
  }
}

TEST(VisitorTest, IdsWithAClockStartWithTheTimeAndStayUnique) {
  class FixedClock final : public Clock {
   public:
    [[nodiscard]] Timestamp now() const override { return Timestamp{std::chrono::seconds(1234)}; }
  } clock;
  RandomVisitorIds ids(2, &clock);
  std::set<std::pair<std::uint64_t, std::uint64_t>> seen;
  std::array<std::uint64_t, 2> last_hi{};
  for (int i = 0; i < 2000; ++i) {
    const auto loop = static_cast<std::size_t>(i % 2);
    const VisitorId v = ids.next(loop);
    EXPECT_EQ(v.hi >> 32, 1234u);
    // Each loop's ids rise (the B-tree of stored assignments grows at its
    // end), and the two loops count alike, so their ids interleave.
    EXPECT_GT(v.hi, last_hi[loop]);
    EXPECT_EQ((v.hi >> 12) & 0xF'FFFFu, static_cast<std::uint64_t>(i / 2));
    last_hi[loop] = v.hi;
    EXPECT_TRUE(seen.insert({v.hi, v.lo}).second);
  }
}

TEST(VisitorTest, TheCountInASecondStartsAgainWithTheNextSecond) {
  class SteppingClock final : public Clock {
   public:
    [[nodiscard]] Timestamp now() const override { return Timestamp{std::chrono::seconds(at)}; }
    long long at = 1000;
  } clock;
  RandomVisitorIds ids(1, &clock);
  for (int i = 0; i < 5; ++i) (void)ids.next(0);
  EXPECT_EQ((ids.next(0).hi >> 12) & 0xF'FFFFu, 5u);
  clock.at = 1001;
  const VisitorId first = ids.next(0);
  EXPECT_EQ(first.hi >> 32, 1001u);
  EXPECT_EQ((first.hi >> 12) & 0xF'FFFFu, 0u);
}

}  // namespace
}  // namespace sequencial::app
