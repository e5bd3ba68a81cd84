// The CSV the reports write (api/stats_api.cpp). Its cell writer is private
// to stats_api.cpp, so this drives the public path: clicks whose text fields
// come from the input are stored in a real SQLite store, then exported with
// StatsApi::export_clicks and reported by utm_source with format=csv. Each
// CSV is read back (RFC 4180) and must give one row per click, 19 cells per
// row, and every value as stored (or with the leading ' that neutralises a
// formula).
//
// Input: FuzzedDataProvider; strings end at a lone backslash ("\\" is one).
#include <fuzzer/FuzzedDataProvider.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "api/stats_api.h"
#include "fuzz_support.h"
#include "storage/rollups.h"
#include "storage/sqlite/sqlite_store.h"
#include "storage/stored_text.h"

namespace {

using namespace sequencial;

class FixedClock final : public Clock {
 public:
  [[nodiscard]] Timestamp now() const override {
    return Timestamp(std::chrono::seconds(1'796'000'000));  // 2026-11-29
  }
};

std::string db_path() {
  const char* dir = std::getenv("TMPDIR");
  const std::string base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : (dir ? dir : "/tmp");
  return base + "/sequencial-stats-csv-fuzz-" + std::to_string(getpid()) + ".db";
}

struct Fixture {
  std::string path = db_path();
  std::unique_ptr<sqlite::SqliteStore> store;
  FixedClock clock;
  std::string slug;  // what slug_of answers, set per input
  std::unique_ptr<api::StatsApi> stats;

  Fixture() {
    for (const char* suffix : {"", "-wal", "-shm"}) unlink((path + suffix).c_str());
    auto opened = sqlite::SqliteStore::open(path);
    FUZZ_CHECK(opened.has_value());
    store = std::move(*opened);
    stats = std::make_unique<api::StatsApi>(
        *store, std::string("UTC"), clock, [this](LinkId) { return slug; }, [] {});
    std::atexit([] {
      const std::string p = db_path();
      for (const char* suffix : {"", "-wal", "-shm"}) unlink((p + suffix).c_str());
    });
  }
};

// RFC 4180 records; nullopt-like empty result on a malformed quote.
bool read_csv(std::string_view text, std::vector<std::vector<std::string>>& rows) {
  std::vector<std::string> row(1);
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '"' && row.back().empty()) {
      ++i;
      for (;;) {
        if (i >= text.size()) return false;
        if (text[i] == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            row.back() += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        row.back() += text[i++];
      }
      if (i < text.size() && text[i] != ',' && text[i] != '\r') return false;
    } else if (c == ',') {
      row.emplace_back();
      ++i;
    } else if (c == '\r') {
      if (i + 1 >= text.size() || text[i + 1] != '\n') return false;
      rows.push_back(std::move(row));
      row.assign(1, std::string());
      i += 2;
    } else {
      row.back() += c;
      ++i;
    }
  }
  return row.size() == 1 && row.back().empty();  // ends with CRLF
}

// A cell holds `value`, possibly neutralised against formulas with a
// leading quote.
bool same_cell(const std::string& cell, const std::string& value) {
  return cell == value || cell == "'" + value;
}

// The same for a value that went through the store, which keeps text clean
// (no NUL, valid UTF-8).
bool same_stored_cell(const std::string& cell, const std::string& value) {
  std::string scratch;
  return same_cell(cell, std::string(sequencial::stored::storable_text(value, scratch)));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Fixture fx;
  FuzzedDataProvider in(data, size);
  fx.slug = in.ConsumeRandomLengthString(64);
  const std::size_t count = in.ConsumeIntegralInRange<std::size_t>(1, 3);
  std::vector<ClickRecord> clicks(count);
  for (std::size_t n = 0; n < count; ++n) {
    ClickRecord& c = clicks[n];
    c.at = fx.clock.now() - std::chrono::hours(1) + std::chrono::seconds(n);
    c.entry_link_id = 1;
    c.link_id = 1;
    c.visitor = {1, n};
    for (std::string* field :
         {&c.outcome, &c.device, &c.browser, &c.referrer, &c.utm_source, &c.utm_medium,
          &c.utm_campaign, &c.utm_term, &c.utm_content, &c.ref}) {
      *field = in.ConsumeRandomLengthString(64);
    }
  }
  auto inserted = fx.store->insert_clicks(clicks, rollups_of(clicks));
  FUZZ_CHECK(inserted.has_value());

  http::HttpRequest request;
  request.method = "GET";
  request.target = "/api/v1/links/1/clicks";
  http::HttpResponse response;
  FUZZ_CHECK(fx.stats->export_clicks(1, request, response).has_value());
  std::vector<std::vector<std::string>> rows;
  FUZZ_CHECK(read_csv(response.body, rows));
  FUZZ_CHECK(rows.size() == count + 1);
  for (std::size_t n = 0; n < count; ++n) {
    const auto& row = rows[n + 1];
    const ClickRecord& c = clicks[n];
    FUZZ_CHECK(row.size() == rows[0].size());
    FUZZ_CHECK(row.size() == 19);
    FUZZ_CHECK(same_cell(row[3], fx.slug));
    FUZZ_CHECK(same_stored_cell(row[9], c.referrer));
    FUZZ_CHECK(same_stored_cell(row[10], c.utm_source));
    FUZZ_CHECK(same_stored_cell(row[14], c.utm_content));
    FUZZ_CHECK(same_stored_cell(row[18], c.ref));
  }

  request.target = "/api/v1/links/1/stats?by=utm_source&format=csv";
  http::HttpResponse report;
  FUZZ_CHECK(fx.stats->report(StatsScope::kLink, 1, request, report).has_value());
  rows.clear();
  FUZZ_CHECK(read_csv(report.body, rows));
  FUZZ_CHECK(!rows.empty());
  std::size_t total = 0;
  for (std::size_t r = 1; r < rows.size(); ++r) {
    FUZZ_CHECK(rows[r].size() == 2);
    total += std::stoul(rows[r][1]);
  }
  FUZZ_CHECK(total == count);

  FUZZ_CHECK(fx.store->reset_link_stats(1).has_value());
  return 0;
}
