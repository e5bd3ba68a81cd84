// The stored JSON form of business hours (storage/schedule_codec.h): round
// trips, the exact text (it lives in databases, so it must not drift), and
// damaged input answered with errors.
#include "storage/schedule_codec.h"

#include <gtest/gtest.h>

#include <string>

namespace sequencial::storage {
namespace {

using namespace std::chrono;

Schedule sample() {
  Schedule s;
  s.tz = "America/Sao_Paulo";
  s.week[1] = {{540, 720}, {780, 1080}};
  s.week[6] = {{1320, 120}};  // crosses midnight
  s.exceptions = {{2026y / December / 24d, {{540, 720}}}, {2026y / December / 25d, {}}};
  return s;
}

TEST(ScheduleCodecTest, RoundTrips) {
  const Schedule s = sample();
  auto text = encode_schedule(s);
  ASSERT_TRUE(text) << text.error().message;
  auto back = decode_schedule(*text);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, s);

  Schedule empty;
  empty.tz = "UTC";
  auto empty_text = encode_schedule(empty);
  ASSERT_TRUE(empty_text);
  auto empty_back = decode_schedule(*empty_text);
  ASSERT_TRUE(empty_back);
  EXPECT_EQ(*empty_back, empty);
}

TEST(ScheduleCodecTest, TheStoredTextIsStable) {
  auto text = encode_schedule(sample());
  ASSERT_TRUE(text);
  EXPECT_EQ(*text, R"({"exceptions":[{"date":"2026-12-24","ranges":[[540,720]]},)"
                   R"({"date":"2026-12-25","ranges":[]}],"tz":"America/Sao_Paulo",)"
                   R"("week":[[],[[540,720],[780,1080]],[],[],[],[],[[1320,120]]]})");
}

TEST(ScheduleCodecTest, DecodesHandWrittenJsonWithoutExceptions) {
  auto s = decode_schedule(
      R"({ "tz": "Europe/Lisbon", "week": [[], [[0, 1440]], [], [], [], [], []] })");
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->tz, "Europe/Lisbon");
  EXPECT_EQ(s->week[1], (std::vector<TimeRange>{{0, 1440}}));
  EXPECT_TRUE(s->exceptions.empty());
}

TEST(ScheduleCodecTest, DamagedTextIsAnInternalError) {
  for (
      const char* bad : {
          "",
          "null",
          "not json",
          "{",
          "[]",
          R"({"week":[[],[],[],[],[],[],[]]})",
          R"({"tz":5,"week":[[],[],[],[],[],[],[]]})",
          R"({"tz":"UTC"})",
          R"({"tz":"UTC","week":[[],[],[],[],[],[]]})",
          R"({"tz":"UTC","week":[[],[],[],[],[],[],[[1,2,3]]]})",
          R"({"tz":"UTC","week":[[],[],[],[],[],[],[["9:00","10:00"]]]})",
          R"({"tz":"UTC","week":[[],[],[],[],[],[],[[1.5,2]]]})",
          R"({"tz":"UTC","week":[[],[],[],[],[],[],[[99999999999,2]]]})",
          R"({"tz":"UTC","week":[[],[],[],[],[],[],[]],"exceptions":{}})",
          R"({"tz":"UTC","week":[[],[],[],[],[],[],[]],"exceptions":[{"date":"2026-02-30","ranges":[]}]})",
          R"({"tz":"UTC","week":[[],[],[],[],[],[],[]],"exceptions":[{"date":"26-1-1","ranges":[]}]})",
          R"({"tz":"UTC","week":[[],[],[],[],[],[],[]],"exceptions":[{"date":"2026-01-01"}]})",
      }) {
    auto s = decode_schedule(bad);
    ASSERT_FALSE(s) << bad;
    EXPECT_EQ(s.error().code, ErrorCode::kInternal) << bad;
  }
}

TEST(ScheduleCodecTest, EncodeRefusesWhatCannotBeStored) {
  Schedule bad_date = sample();
  bad_date.exceptions = {{2026y / February / 30d, {}}};
  auto r1 = encode_schedule(bad_date);
  ASSERT_FALSE(r1);
  EXPECT_EQ(r1.error().code, ErrorCode::kInvalid);
  EXPECT_EQ(r1.error().field, "hours");

  Schedule bad_tz = sample();
  bad_tz.tz = "America/S\xff";
  auto r2 = encode_schedule(bad_tz);
  ASSERT_FALSE(r2);
  EXPECT_EQ(r2.error().code, ErrorCode::kInvalid);
}

TEST(ScheduleCodecTest, Dates) {
  EXPECT_EQ(format_date(2026y / January / 5d), "2026-01-05");
  EXPECT_EQ(parse_date("2026-01-05"), 2026y / January / 5d);
  EXPECT_EQ(parse_date("2024-02-29"), 2024y / February / 29d);
  for (const char* bad : {"2023-02-29", "2026-13-01", "2026-00-10", "2026-1-05", "2026/01/05",
                          "2026-01-05T00", "", "abcd-ef-gh", "+026-01-05"}) {
    EXPECT_FALSE(parse_date(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace sequencial::storage
