// Reports from the per-hour rollups.
#include "api/stats_api.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <nlohmann/json.hpp>

#include "api/csv.h"
#include "api/json_codec.h"
#include "core/text.h"
#include "routing/time_zone.h"
#include "storage/rollups.h"

namespace sequencial::api {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxExportRows = 1'000'000;

// Report dimensions of API.md (plus utm_medium and outcome); day and hour
// are groupings of the "clicks" rollup by local time.
bool valid_by(std::string_view by) {
  return by == "day" || by == "hour" ||
         (by != "clicks" && by != "previews" && by != "visitor" && by != "views" &&
          is_rollup_dimension(by));
}

struct Range {
  std::string tz;
  std::string from_text, to_text;  // as given ("" = open)
  Timestamp from{}, to{};          // [from, to)
};

Result<Range> parse_range(const http::HttpRequest& request, const std::string& default_tz,
                          Timestamp now) {
  Range range;
  range.tz = query_param(request.query(), "tz").value_or(default_tz);
  range.from = Timestamp(std::chrono::seconds(0));
  range.to = now + std::chrono::hours(24 * 366);  // open end: include anything recorded
  if (auto from = query_param(request.query(), "from"); from && !from->empty()) {
    auto day = parse_date(*from, "from");
    if (!day) return fail(day.error());
    auto start = routing::local_day_start(range.tz, *day);
    if (!start) return fail(start.error());
    range.from = *start;
    range.from_text = *from;
  }
  if (auto to = query_param(request.query(), "to"); to && !to->empty()) {
    auto day = parse_date(*to, "to");
    if (!day) return fail(day.error());
    const std::chrono::year_month_day next{std::chrono::sys_days(*day) + std::chrono::days(1)};
    auto end = routing::local_day_start(range.tz, next);
    if (!end) return fail(end.error());
    range.to = *end;
    range.to_text = *to;
  }
  if (range.to <= range.from) return fail(Error::invalid("to", "to must not be before from"));
  // Rollups are per UTC hour: a zone like Asia/Kolkata (+05:30) would split
  // its local days inside an hour, so its reports could not be exact.
  for (const Timestamp at : {range.from, std::min(range.to, now)}) {
    if (routing::local_day_start(range.tz, std::chrono::year{2026} / 1 / 1) &&
        !routing::whole_hour_offset(range.tz, at)) {
      return fail(Error::invalid("tz",
                                 "reports need a time zone whose UTC offset is a whole "
                                 "number of hours; \"" +
                                     range.tz + "\" is not"));
    }
  }
  if (auto tz = query_param(request.query(), "tz"); tz) {
    if (auto check = routing::local_day_start(*tz, std::chrono::year{2026} / 1 / 1); !check) {
      return fail(check.error());
    }
  }
  return range;
}

std::int64_t first_hour(Timestamp t) { return hour_of(t); }
std::int64_t end_hour(Timestamp t) {
  return hour_of(t - std::chrono::seconds(1)) + 1;  // hours touching [.., t)
}

}  // namespace

Result<void> StatsApi::report(StatsScope scope, std::int64_t id, const http::HttpRequest& request,
                              http::HttpResponse& response) {
  const std::string by = query_param(request.query(), "by").value_or("day");
  if (!valid_by(by)) {
    return fail(Error::invalid("by",
                               "by must be one of attendant, day, hour, device, browser, referrer, "
                               "utm_source, utm_medium, utm_campaign, source, outcome, country, "
                               "region, city"));
  }
  const std::string format = query_param(request.query(), "format").value_or("json");
  if (format != "json" && format != "csv") {
    return fail(Error::invalid("format", "format must be json or csv"));
  }
  auto csv = parse_csv_options(request.query());
  if (!csv) return fail(csv.error());
  auto range = parse_range(request, default_tz_(), clock_.now());
  if (!range) return fail(range.error());
  const std::int64_t from = first_hour(range->from);
  const std::int64_t to = end_hour(range->to);

  const auto sum = [&](std::string_view dimension) -> Result<std::map<std::string, std::int64_t>> {
    auto rows = store_.load_rollups(scope, id, dimension, from, to, false);
    if (!rows) return fail(rows.error());
    std::map<std::string, std::int64_t> out;
    for (auto& r : *rows) out[r.key] += r.count;
    return out;
  };
  auto clicks = sum("clicks");
  if (!clicks) return fail(clicks.error());
  auto previews = sum("previews");
  if (!previews) return fail(previews.error());
  auto visitors = sum("visitor");
  if (!visitors) return fail(visitors.error());
  auto views = sum("views");
  if (!views) return fail(views.error());

  std::vector<std::pair<std::string, std::int64_t>> rows;
  std::map<std::string, std::string> names;  // attendant slug -> label, for CSV
  if (by == "day" || by == "hour") {
    auto per_hour = store_.load_rollups(scope, id, "clicks", from, to, true);
    if (!per_hour) return fail(per_hour.error());
    std::map<std::string, std::int64_t> grouped;  // labels sort chronologically
    for (const auto& r : *per_hour) {
      const Timestamp at{std::chrono::hours(r.hour)};
      grouped[by == "day" ? routing::local_date_label(range->tz, at)
                          : routing::local_hour_label(range->tz, at)] += r.count;
    }
    rows.assign(grouped.begin(), grouped.end());
  } else {
    auto summed = store_.load_rollups(scope, id, by, from, to, false);
    if (!summed) return fail(summed.error());
    for (auto& r : *summed) {
      std::string key = std::move(r.key);
      if (by == "attendant") {
        LinkId link = 0;
        std::from_chars(key.data(), key.data() + key.size(), link);
        const std::string slug = slug_of_(link);
        if (slug.empty()) {
          key.insert(0, "#");  // a deleted link keeps its numbers
        } else {
          key = slug;
          if (name_of_) names[key] = name_of_(link);
        }
      }
      rows.emplace_back(std::move(key), r.count);
    }
  }

  const std::int64_t total = (*clicks)[""];
  response.status = 200;
  response.add_header("Cache-Control", "no-store");
  if (format == "csv") {
    response.add_header("Content-Type", "text/csv; charset=utf-8");
    response.add_header("Content-Disposition", "attachment; filename=\"stats-" + by + ".csv\"");
    std::string& body = response.body;
    const char sep = csv->separator;
    const bool named = csv->named() && by == "attendant";
    body = csv->bom ? "\xEF\xBB\xBF" : "";
    body += csv_header(by, *csv) + sep;
    if (named) body += csv_header("name", *csv) + sep;
    body += csv_header("clicks", *csv) + "\r\n";
    for (const auto& [key, count] : rows) {
      body += csv_cell(key, sep) + sep;
      if (named) {
        const auto name = names.find(key);
        body += csv_cell(name == names.end() ? std::string() : name->second, sep) + sep;
      }
      body += std::to_string(count) + "\r\n";
    }
    return {};
  }
  json items = json::array();
  for (const auto& [key, count] : rows) items.push_back({{"key", key}, {"clicks", count}});
  json body = {{"total", total},
               {"previews", (*previews)[""]},
               {"views", (*views)[""]},
               {"new_visitors", (*visitors)["new"]},
               {"returning_visitors", (*visitors)["returning"]},
               {"by", by},
               {"tz", range->tz},
               {"from", range->from_text.empty() ? json(nullptr) : json(range->from_text)},
               {"to", range->to_text.empty() ? json(nullptr) : json(range->to_text)},
               {"rows", std::move(items)}};
  response.add_header("Content-Type", "application/json");
  // Stored values come from URLs; never let a stray byte fail the report.
  response.body = dump_json(body);
  return {};
}

Result<void> StatsApi::export_clicks(LinkId id, const http::HttpRequest& request,
                                     http::HttpResponse& response) {
  auto range = parse_range(request, default_tz_(), clock_.now());
  if (!range) return fail(range.error());
  auto csv = parse_csv_options(request.query());
  if (!csv) return fail(csv.error());
  auto clicks = store_.load_clicks(id, range->from, range->to, kMaxExportRows);
  if (!clicks) return fail(clicks.error());
  const char sep = csv->separator;
  const bool named = csv->named();
  const auto name = [&](LinkId link) {
    return named && name_of_ && link != 0 ? name_of_(link) : std::string();
  };
  std::string& body = response.body;
  body = csv->bom ? "\xEF\xBB\xBF" : "";
  static constexpr std::string_view kColumns[] = {
      "time",       "kind",        "central_id",   "entry_link", "entry_link_name", "link",
      "link_name",  "new_visitor", "outcome",      "device",     "browser",         "referrer",
      "utm_source", "utm_medium",  "utm_campaign", "utm_term",   "utm_content",     "gclid",
      "fbclid",     "source",      "ref"};
  bool first = true;
  for (const std::string_view column : kColumns) {
    if (!named && (column == "entry_link_name" || column == "link_name")) continue;
    if (!first) body += sep;
    first = false;
    body += csv_header(column, *csv);
  }
  body += "\r\n";
  for (const auto& c : *clicks) {
    const auto cell = [&](std::string_view value) {
      body += sep;
      append_csv_cell(body, value, sep);
    };
    body += format_time(c.at);
    cell(c.kind == ClickKind::kPreview ? "preview" : "click");
    cell(std::to_string(c.central_id));
    cell(slug_of_(c.entry_link_id));
    if (named) cell(name(c.entry_link_id));
    cell(c.link_id == 0 ? std::string() : slug_of_(c.link_id));
    if (named) cell(name(c.link_id));
    cell(c.new_visitor ? "1" : "0");
    for (const std::string* value : {&c.outcome, &c.device, &c.browser, &c.referrer, &c.utm_source,
                                     &c.utm_medium, &c.utm_campaign, &c.utm_term, &c.utm_content}) {
      cell(*value);
    }
    cell(c.gclid ? "1" : "0");
    cell(c.fbclid ? "1" : "0");
    cell(c.source == ClickSource::kQr ? "qr" : "link");
    cell(c.ref);
    body += "\r\n";
  }
  response.status = 200;
  response.add_header("Cache-Control", "no-store");
  response.add_header("Content-Type", "text/csv; charset=utf-8");
  response.add_header("Content-Disposition", "attachment; filename=\"clicks.csv\"");
  return {};
}

Result<void> StatsApi::reset(LinkId id) {
  flush_clicks_();
  return store_.reset_link_stats(id);
}

}  // namespace sequencial::api
