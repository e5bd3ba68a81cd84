// The redirect path.
#include "app/redirect_handler.h"

#include "app/pages.h"
#include "routing/business_hours.h"
#include "routing/request_kind.h"

namespace sequencial::app {
namespace {

constexpr std::string_view kHtml = "text/html; charset=utf-8";
// A returning visitor's assignment is re-saved at most this often, to keep
// it inside the retention window without a write per click.
constexpr auto kTouchInterval = std::chrono::hours(24);

}  // namespace

RedirectHandler::RedirectHandler(RedirectOptions options, routing::RoutingTableHolder& tables,
                                 routing::AssignmentTable& assignments, WriteBehind& write_behind,
                                 VisitorIdSource& visitor_ids, Metrics& metrics, const Clock& clock)
    : options_(std::move(options)),
      tables_(tables),
      assignments_(assignments),
      write_behind_(write_behind),
      visitor_ids_(visitor_ids),
      metrics_(metrics),
      clock_(clock) {}

void RedirectHandler::not_found(const http::HttpRequest& request, http::HttpResponse& response) {
  metrics_.add(request.loop_index, Counter::kNotFound);
  response.status = 404;
  response.add_header("Content-Type", kHtml);
  response.add_header("Cache-Control", "no-store");
  response.body = not_found_page(pick_language(request.header("Accept-Language")));
}

void RedirectHandler::handle(const http::HttpRequest& request, std::string_view slug,
                             http::HttpResponse& response) {
  const std::size_t loop = request.loop_index;
  const routing::RoutingTable::Entry* entry = tables_.current(loop).find(slug);
  if (entry == nullptr || !entry->link->link.active) {
    not_found(request, response);
    return;
  }
  const auto kind = routing::classify_request({request.method, request.header("User-Agent"),
                                               request.header("Sec-Purpose"),
                                               request.header("Purpose"), request.header("X-Moz")});
  if (kind != routing::RequestKind::kClick) {
    metrics_.add(loop, kind == routing::RequestKind::kPreview    ? Counter::kPreviews
                       : kind == routing::RequestKind::kPrefetch ? Counter::kPrefetches
                                                                 : Counter::kHeads);
    response.status = 200;
    response.add_header("Content-Type", kHtml);
    response.add_header("Cache-Control", "no-store");
    response.body = preview_page(entry->link->link, options_.public_url);
    return;
  }

  std::optional<VisitorId> visitor = parse_visitor_cookie(request.header("Cookie"));
  const bool new_visitor = !visitor;
  if (new_visitor) {
    visitor = visitor_ids_.next(loop);
    metrics_.add(loop, Counter::kNewVisitors);
  }

  routing::RouteDecision decision{entry->link, routing::Outcome::kLink, false};
  if (entry->central) {
    routing::CentralRouter& central = *entry->central;
    const Timestamp now = clock_.now();
    std::optional<routing::AssignmentTable::Found> assigned;
    if (!new_visitor && central.fixed()) assigned = assignments_.find(central.id(), *visitor);
    decision = central.route(now, assigned ? std::optional(assigned->link) : std::nullopt);
    const bool touch = decision.outcome == routing::Outcome::kFixed &&
                       now - assigned->last_seen >= kTouchInterval;
    if (decision.assign || touch) {
      const Assignment a{central.id(), *visitor, decision.link->link.id, now};
      assignments_.put(a);
      write_behind_.record(loop, a);
      if (decision.assign) metrics_.add(loop, Counter::kAssignmentsSaved);
    }
    if (decision.outcome == routing::Outcome::kClosedPage) {
      metrics_.add_redirect(loop, decision.outcome);
      if (new_visitor) append_visitor_set_cookie(response.headers, *visitor, options_.secure_cookie);
      closed_page(request, central, response);
      return;
    }
  }
  metrics_.add_redirect(loop, decision.outcome);
  response.status = 302;
  response.add_header("Location", decision.link->location);
  response.add_header("Cache-Control", "no-store");
  if (new_visitor) append_visitor_set_cookie(response.headers, *visitor, options_.secure_cookie);
}

void RedirectHandler::closed_page(const http::HttpRequest& request,
                                  routing::CentralRouter& central, http::HttpResponse& response) {
  const Timestamp now = clock_.now();
  ClosedPageInfo info;
  info.schedules = central.schedules();
  if (const auto anchor = central.anchor()) info.write_anyway_url = anchor->location;
  if (const auto next = central.next_opening(now, std::chrono::days(14))) {
    Schedule zone_only;
    zone_only.tz = info.schedules.empty() || !info.schedules.front()
                       ? options_.default_tz
                       : info.schedules.front()->tz;
    if (auto hours = routing::BusinessHours::compile(zone_only)) {
      std::string text = hours->format_local(*next);  // "2026-11-30T09:00:00-03:00"
      if (text.size() >= 16) text = text.substr(8, 2) + "/" + text.substr(5, 2) + "/" +
                                    text.substr(0, 4) + " " + text.substr(11, 5);
      info.next_opening = std::move(text);
    }
  }
  response.status = 200;
  response.add_header("Content-Type", kHtml);
  response.add_header("Cache-Control", "no-store");
  response.body = closed_page_html(info, pick_language(request.header("Accept-Language")));
}

}  // namespace sequencial::app
