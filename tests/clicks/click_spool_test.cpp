// Tests of the click spool: every field survives a frame round trip, a
// torn or corrupt tail is detected and cut off (never replayed), the replay
// offset survives a reopen (a replayed chunk is not replayed again), and
// the files go away once everything is replayed.
#include "clicks/click_spool.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

namespace sequencial::clicks {
namespace {

ClickRecord sample(int i) {
  ClickRecord c;
  c.at = Timestamp(std::chrono::seconds(1'700'000'000 + i));
  c.kind = i % 2 == 0 ? ClickKind::kClick : ClickKind::kPreview;
  c.central_id = i % 3;
  c.entry_link_id = 10 + i;
  c.link_id = 20 + i;
  c.visitor = {0xFEDCBA9876543210ULL + static_cast<std::uint64_t>(i), 42};
  c.new_visitor = i % 5 != 0;
  c.outcome = "rotation";
  c.device = "android";
  c.browser = "chrome";
  c.referrer = "instagram.com";
  c.utm_source = std::string("so\0urce", 7) + std::to_string(i);  // NUL kept as it is
  c.utm_medium = "cpc";
  c.utm_campaign = std::string(300, 'x');
  c.utm_term = "\xff\xfe";
  c.utm_content = "";
  c.gclid = i % 2 == 1;
  c.fbclid = i % 3 == 1;
  c.source = i % 4 == 0 ? ClickSource::kQr : ClickSource::kLink;
  c.ref = "AB12CD";
  return c;
}

void expect_same(const ClickRecord& a, const ClickRecord& b) {
  EXPECT_EQ(a.at, b.at);
  EXPECT_EQ(a.kind, b.kind);
  EXPECT_EQ(a.central_id, b.central_id);
  EXPECT_EQ(a.entry_link_id, b.entry_link_id);
  EXPECT_EQ(a.link_id, b.link_id);
  EXPECT_EQ(a.visitor.hi, b.visitor.hi);
  EXPECT_EQ(a.visitor.lo, b.visitor.lo);
  EXPECT_EQ(a.new_visitor, b.new_visitor);
  EXPECT_EQ(a.outcome, b.outcome);
  EXPECT_EQ(a.device, b.device);
  EXPECT_EQ(a.browser, b.browser);
  EXPECT_EQ(a.referrer, b.referrer);
  EXPECT_EQ(a.utm_source, b.utm_source);
  EXPECT_EQ(a.utm_medium, b.utm_medium);
  EXPECT_EQ(a.utm_campaign, b.utm_campaign);
  EXPECT_EQ(a.utm_term, b.utm_term);
  EXPECT_EQ(a.utm_content, b.utm_content);
  EXPECT_EQ(a.gclid, b.gclid);
  EXPECT_EQ(a.fbclid, b.fbclid);
  EXPECT_EQ(a.source, b.source);
  EXPECT_EQ(a.ref, b.ref);
  EXPECT_EQ(a.via_central_id, b.via_central_id);
  EXPECT_EQ(a.country, b.country);
  EXPECT_EQ(a.region, b.region);
  EXPECT_EQ(a.city, b.city);
}

class ClickSpoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("sq-spool-" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir_);
    path_ = dir_ / "c.spool";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  ClickSpool open() {
    auto spool = ClickSpool::open(path_);
    EXPECT_TRUE(spool) << spool.error().message;
    return std::move(*spool);
  }
  static std::vector<ClickRecord> samples(int from, int n) {
    std::vector<ClickRecord> out;
    for (int i = from; i < from + n; ++i) out.push_back(sample(i));
    return out;
  }
  std::filesystem::path dir_;
  std::filesystem::path path_;
};

TEST(ClickSpoolFrameTest, EveryFieldRoundTrips) {
  for (int i = 0; i < 8; ++i) {
    std::string bytes;
    encode_frame(sample(i), bytes);
    const DecodedFrame frame = decode_frame(bytes);
    ASSERT_EQ(frame.size, bytes.size());
    expect_same(frame.record, sample(i));
  }
  ClickRecord negative;  // extreme values
  negative.at = Timestamp(std::chrono::seconds(-5));
  negative.link_id = std::numeric_limits<LinkId>::max();
  negative.visitor = {~0ULL, ~0ULL};
  std::string bytes;
  encode_frame(negative, bytes);
  expect_same(decode_frame(bytes).record, negative);
}

TEST(ClickSpoolFrameTest, ModeFieldsRoundTripAndOlderFramesStillDecode) {
  ClickRecord view = sample(3);
  view.kind = ClickKind::kView;
  view.via_central_id = 42;
  view.country = "BR";
  view.region = "BR-SP";
  view.city = "BR-SP/São Paulo";
  std::string bytes;
  encode_frame(view, bytes);
  expect_same(decode_frame(bytes).record, view);
  EXPECT_EQ(decode_frame(bytes).record.kind, ClickKind::kView);

  // A frame written before these fields existed: the same payload without
  // its tail (1 flag byte, 1 varint byte, 3 empty texts), CRC recomputed.
  const ClickRecord old = sample(4);
  std::string full;
  encode_frame(old, full);
  std::string payload = full.substr(kSpoolHeaderBytes, full.size() - kSpoolHeaderBytes - 5);
  std::string frame = full.substr(0, kSpoolHeaderBytes);
  const std::uint32_t length = static_cast<std::uint32_t>(payload.size());
  const std::uint32_t crc = crc32(payload);
  for (std::size_t i = 0; i < 4; ++i) {
    frame[2 + i] = static_cast<char>((length >> (8 * i)) & 0xFFU);
    frame[6 + i] = static_cast<char>((crc >> (8 * i)) & 0xFFU);
  }
  frame += payload;
  const DecodedFrame decoded = decode_frame(frame);
  ASSERT_EQ(decoded.size, frame.size());
  expect_same(decoded.record, old);
}

TEST(ClickSpoolFrameTest, ACutOrFlippedFrameIsRefused) {
  std::string bytes;
  encode_frame(sample(1), bytes);
  for (std::size_t cut = 0; cut < bytes.size(); ++cut) {
    EXPECT_EQ(decode_frame(std::string_view(bytes).substr(0, cut)).size, 0u) << cut;
  }
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    std::string flipped = bytes;
    flipped[i] = static_cast<char>(flipped[i] ^ 0x10);
    EXPECT_EQ(decode_frame(flipped).size, 0u) << "byte " << i;
  }
}

TEST(ClickSpoolFrameTest, Crc32MatchesZlib) {
  EXPECT_EQ(crc32("123456789"), 0xCBF43926U);
  EXPECT_EQ(crc32(""), 0U);
}

TEST_F(ClickSpoolTest, AppendedRecordsComeBackInOrderAndTheFilesGoWhenReplayed) {
  ClickSpool spool = open();
  EXPECT_TRUE(spool.empty());
  EXPECT_FALSE(std::filesystem::exists(path_)) << "no file until something is spooled";
  ASSERT_TRUE(spool.append(samples(0, 10)));
  ASSERT_TRUE(spool.append(samples(10, 5)));
  EXPECT_EQ(spool.pending_bytes(), std::filesystem::file_size(path_));

  auto first = spool.read(6);
  ASSERT_TRUE(first);
  ASSERT_EQ(first->records.size(), 6u);
  for (int i = 0; i < 6; ++i) expect_same(first->records[static_cast<std::size_t>(i)], sample(i));
  ASSERT_TRUE(spool.commit(first->ends.back()));
  auto rest = spool.read(100);
  ASSERT_TRUE(rest);
  ASSERT_EQ(rest->records.size(), 9u);
  expect_same(rest->records.front(), sample(6));
  expect_same(rest->records.back(), sample(14));
  ASSERT_TRUE(spool.commit(rest->ends.back()));
  EXPECT_TRUE(spool.empty());
  EXPECT_FALSE(std::filesystem::exists(path_));
  EXPECT_FALSE(std::filesystem::exists(path_.string() + ".offset"));
}

TEST_F(ClickSpoolTest, TheReplayOffsetSurvivesAReopen) {
  {
    ClickSpool spool = open();
    ASSERT_TRUE(spool.append(samples(0, 10)));
    auto chunk = spool.read(4);
    ASSERT_TRUE(chunk);
    ASSERT_TRUE(spool.commit(chunk->ends.back()));
  }
  ClickSpool again = open();
  auto chunk = again.read(100);
  ASSERT_TRUE(chunk);
  ASSERT_EQ(chunk->records.size(), 6u) << "the 4 replayed records are not replayed again";
  expect_same(chunk->records.front(), sample(4));
}

TEST_F(ClickSpoolTest, ATornTailIsCutOffAndLaterAppendsStayReadable) {
  {
    ClickSpool spool = open();
    ASSERT_TRUE(spool.append(samples(0, 3)));
  }
  const auto whole = std::filesystem::file_size(path_);
  {
    // A crash in the middle of an append: half a frame at the end.
    std::string frame;
    encode_frame(sample(3), frame);
    std::ofstream out(path_, std::ios::app | std::ios::binary);
    out.write(frame.data(), static_cast<std::streamsize>(frame.size() / 2));
  }
  const auto torn = std::filesystem::file_size(path_);
  ClickSpool spool = open();
  EXPECT_EQ(spool.skipped_bytes(), torn - whole);
  EXPECT_EQ(std::filesystem::file_size(path_), whole) << "the torn frame is cut off";
  ASSERT_TRUE(spool.append(samples(4, 2)));
  auto chunk = spool.read(100);
  ASSERT_TRUE(chunk);
  ASSERT_EQ(chunk->records.size(), 5u);
  expect_same(chunk->records[2], sample(2));
  expect_same(chunk->records[3], sample(4));
}

TEST_F(ClickSpoolTest, ACorruptRecordEndsTheReadablePart) {
  {
    ClickSpool spool = open();
    ASSERT_TRUE(spool.append(samples(0, 4)));
  }
  std::string frame;
  encode_frame(sample(0), frame);
  {
    std::fstream f(path_, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(frame.size() * 2 + kSpoolHeaderBytes + 3));
    f.put('\x7f');
  }
  ClickSpool spool = open();
  auto chunk = spool.read(100);
  ASSERT_TRUE(chunk);
  EXPECT_EQ(chunk->records.size(), 2u);
  EXPECT_GT(spool.skipped_bytes(), 0u);
}

TEST_F(ClickSpoolTest, TwoProcessesOnOnePathGetAFileEach) {
  ClickSpool first = open();
  ClickSpool second = open();  // flock: the first slot is taken
  EXPECT_EQ(first.path(), path_);
  EXPECT_EQ(second.path(), path_.string() + ".1");
  ASSERT_TRUE(first.append(samples(0, 2)));
  ASSERT_TRUE(second.append(samples(10, 3)));
  auto chunk = second.read(100);
  ASSERT_TRUE(chunk);
  ASSERT_EQ(chunk->records.size(), 3u);
  expect_same(chunk->records.front(), sample(10));
  {
    ClickSpool moved = std::move(first);  // the lock moves with it
    EXPECT_EQ(open().path(), path_.string() + ".2");
  }
  ClickSpool again = open();  // released with `moved`: slot 0 and its records
  EXPECT_EQ(again.path(), path_);
  EXPECT_EQ(again.pending_bytes(), std::filesystem::file_size(path_));
}

TEST_F(ClickSpoolTest, AnUnwritableSpoolFailsToOpenAndAnUnusableOneToAppend) {
  EXPECT_FALSE(ClickSpool::open(dir_ / "missing" / "c.spool"));
  ClickSpool spool = ClickSpool::unusable(path_, Error::internal("disk says no"));
  const auto appended = spool.append(samples(0, 1));
  ASSERT_FALSE(appended);
  EXPECT_EQ(appended.error().message, "disk says no");
  EXPECT_TRUE(spool.empty());
  EXPECT_FALSE(std::filesystem::exists(path_));
}

TEST(ClickSpoolPathTest, DefaultsNextToSqliteOrInTheWorkingDirectory) {
  EXPECT_EQ(default_spool_path("/var/lib/sq/sequencial.db"), "/var/lib/sq/sequencial.db.spool");
  EXPECT_EQ(default_spool_path("sqlite:data.db"), "data.db.spool");
  EXPECT_EQ(default_spool_path("postgres://u@h/db"), "sequencial-clicks.spool");
  EXPECT_EQ(default_spool_path("postgresql://u@h/db"), "sequencial-clicks.spool");
  EXPECT_EQ(default_spool_path(":memory:"), "sequencial-clicks.spool");
}

}  // namespace
}  // namespace sequencial::clicks
