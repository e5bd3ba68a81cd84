// Reports (Relatórios) of the admin API: per link and per central, for any
// date range, by attendant/day/hour/device/browser/referrer/UTM/source, as
// JSON or CSV, read from the per-hour rollups (never from raw clicks, so a
// report costs the same with ten or ten million clicks stored). Also the
// raw click export of a link and the "reset statistics" of a link.
//
// Dates are local dates in the report's time zone (the server's default
// zone, or ?tz=...), `to` inclusive.
//
// Thread-safety: stateless; safe from every event loop.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/error.h"
#include "http/message.h"
#include "storage/click_store.h"

namespace sequencial::api {

class StatsApi {
 public:
  // `flush_clicks` writes the clicks still queued (so a reset also covers
  // them); `slug_of` names links in reports; `default_tz` is called for every
  // report without ?tz= (the zone may change at run time, app/settings.h).
  StatsApi(ClickStore& store, std::function<std::string()> default_tz, const Clock& clock,
           std::function<std::string(LinkId)> slug_of, std::function<void()> flush_clicks)
      : store_(store),
        default_tz_(std::move(default_tz)),
        clock_(clock),
        slug_of_(std::move(slug_of)),
        flush_clicks_(std::move(flush_clicks)) {}
  // With a fixed default zone.
  StatsApi(ClickStore& store, std::string default_tz, const Clock& clock,
           std::function<std::string(LinkId)> slug_of, std::function<void()> flush_clicks)
      : StatsApi(
            store, [zone = std::move(default_tz)] { return zone; }, clock, std::move(slug_of),
            std::move(flush_clicks)) {}

  // Names links in CSV exports written for people (?lang=, api/csv.h): the
  // link's label beside its slug. Unset: the name column stays empty.
  void set_name_of(std::function<std::string(LinkId)> name_of) { name_of_ = std::move(name_of); }

  // GET .../stats: the report of one scope. Fills the response (JSON or CSV)
  // or returns the error to answer.
  [[nodiscard]] Result<void> report(StatsScope scope, std::int64_t id,
                                    const http::HttpRequest& request, http::HttpResponse& response);
  // GET /api/v1/links/{id}/clicks: raw clicks as CSV (or JSON).
  [[nodiscard]] Result<void> export_clicks(LinkId id, const http::HttpRequest& request,
                                           http::HttpResponse& response);
  // DELETE /api/v1/links/{id}/stats
  [[nodiscard]] Result<void> reset(LinkId id);

 private:
  ClickStore& store_;
  std::function<std::string()> default_tz_;
  const Clock& clock_;
  std::function<std::string(LinkId)> slug_of_;
  std::function<void()> flush_clicks_;
  std::function<std::string(LinkId)> name_of_;
};

}  // namespace sequencial::api
