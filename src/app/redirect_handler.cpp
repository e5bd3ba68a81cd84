// The redirect path.
#include "app/redirect_handler.h"

#include "app/pages.h"
#include "clicks/visitor_agent.h"
#include "core/text.h"
#include "core/validation.h"
#include "qr/qr_code.h"
#include "routing/business_hours.h"
#include "routing/request_kind.h"

namespace sequencial::app {
namespace {

constexpr std::string_view kHtml = "text/html; charset=utf-8";
// A returning visitor's assignment is re-saved at most this often, to keep
// it inside the retention window without a write per click.
constexpr auto kTouchInterval = std::chrono::hours(24);

// Click codes avoid look-alike characters (0/O, 1/I/L) so a customer can
// read one aloud: 31 symbols, 6 of them = ~30 bits.
constexpr std::string_view kRefAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

std::string click_ref(const VisitorId& random) {
  std::string ref(6, ' ');
  std::uint64_t bits = random.lo;
  for (char& c : ref) {
    c = kRefAlphabet[bits % kRefAlphabet.size()];
    bits /= kRefAlphabet.size();
  }
  return ref;
}

constexpr std::size_t kMaxUtmChars = 200;

// A campaign parameter as stored and put into messages: valid UTF-8 of at
// most 200 characters, or empty (anything else came from a crafted URL).
std::string utm_value(std::string_view query, std::string_view key) {
  std::string value = query_param(query, key).value_or("");
  const long length = utf8_length(value);
  if (length < 0 || static_cast<std::size_t>(length) > kMaxUtmChars) value.clear();
  return value;
}

// What the request tells about the click: campaign parameters, click ids,
// QR marker, device, browser and referrer.
void describe_click(const http::HttpRequest& request, ClickRecord& click) {
  const std::string_view query = request.query();
  if (!query.empty()) {
    click.utm_source = utm_value(query, "utm_source");
    click.utm_medium = utm_value(query, "utm_medium");
    click.utm_campaign = utm_value(query, "utm_campaign");
    click.utm_term = utm_value(query, "utm_term");
    click.utm_content = utm_value(query, "utm_content");
    click.gclid = query_param(query, "gclid").has_value();
    click.fbclid = query_param(query, "fbclid").has_value();
    if (query_param(query, "src") == "qr") click.source = ClickSource::kQr;
  }
  const std::string_view agent = request.header("User-Agent");
  click.device = clicks::device_name(clicks::classify_device(agent));
  click.browser = clicks::browser_name(clicks::classify_browser(agent));
  clicks::assign_referrer_domain(click.referrer, request.header("Referer"));
}

}  // namespace

RedirectHandler::RedirectHandler(RedirectOptions options, const PublicUrl& public_url,
                                 routing::RoutingTableHolder& tables,
                                 routing::AssignmentTable& assignments, WriteBehind& write_behind,
                                 clicks::ClickPipeline& clicks, VisitorIdSource& visitor_ids,
                                 Metrics& metrics, const Clock& clock, SharedRouting& shared)
    : options_(std::move(options)),
      public_url_(public_url),
      tables_(tables),
      assignments_(assignments),
      write_behind_(write_behind),
      clicks_(clicks),
      visitor_ids_(visitor_ids),
      metrics_(metrics),
      clock_(clock),
      shared_(shared) {}

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
    if (kind == routing::RequestKind::kPreview) {
      metrics_.add(loop, Counter::kPreviews);
      ClickRecord preview;
      preview.at = clock_.now();
      preview.kind = ClickKind::kPreview;
      preview.central_id = entry->central ? entry->central->id() : 0;
      preview.entry_link_id = entry->link->link.id;
      preview.outcome = "preview";
      describe_click(request, preview);
      clicks_.push(loop, std::move(preview));
    } else {
      metrics_.add(
          loop, kind == routing::RequestKind::kPrefetch ? Counter::kPrefetches : Counter::kHeads);
    }
    response.status = 200;
    response.add_header("Content-Type", kHtml);
    response.add_header("Cache-Control", "no-store");
    response.body = preview_page(entry->link->link, public_url_.get());
    return;
  }

  std::optional<VisitorId> visitor = parse_visitor_cookie(request.header("Cookie"));
  const bool new_visitor = !visitor;
  if (new_visitor) {
    visitor = visitor_ids_.next(loop);
    metrics_.add(loop, Counter::kNewVisitors);
  }
  const Timestamp now = clock_.now();

  routing::RouteDecision decision{entry->link, routing::Outcome::kLink, false};
  if (entry->central) {
    decision = route_central(*entry->central, *visitor, new_visitor, now, loop);
  }
  metrics_.add_redirect(loop, decision.outcome);

  ClickRecord click;
  click.at = now;
  click.central_id = entry->central ? entry->central->id() : 0;
  click.entry_link_id = entry->link->link.id;
  click.link_id = decision.link ? decision.link->link.id : 0;
  click.visitor = *visitor;
  click.new_visitor = new_visitor;
  click.outcome = routing::outcome_name(decision.outcome);
  click.ref = click_ref(visitor_ids_.next(loop));
  describe_click(request, click);

  if (new_visitor) append_visitor_set_cookie(response.headers, *visitor, options_.secure_cookie);
  if (decision.outcome == routing::Outcome::kClosedPage) {
    closed_page(request, *entry->central, response);
  } else {
    response.status = 302;
    const routing::LinkRoute& target = *decision.link;
    if (target.has_placeholders) {
      const std::string message = routing::fill_placeholders(
          target.link.message, {click.utm_source, click.utm_medium, click.utm_campaign,
                                click.utm_term, click.utm_content, click.ref});
      response.add_header("Location", routing::whatsapp_url(target.link.phone, message));
    } else {
      response.add_header("Location", target.location);
    }
    response.add_header("Cache-Control", "no-store");
  }
  clicks_.push(loop, std::move(click));
}

routing::RouteDecision RedirectHandler::route_central(routing::CentralRouter& central,
                                                      const VisitorId& visitor, bool new_visitor,
                                                      Timestamp now, std::size_t loop) {
  std::optional<routing::AssignmentTable::Found> assigned;
  if (!new_visitor && central.fixed()) {
    // Memory first, then the store (evicted here, or assigned by another node).
    assigned = assignments_.find(central.id(), visitor);
  }
  const auto kept = assigned ? std::optional(assigned->link) : std::nullopt;
  std::optional<std::uint64_t> ticket;
  if (shared_.shared() && central.rotates(now, kept)) ticket = shared_.ticket(central.id());
  routing::RouteDecision decision = central.route(now, kept, ticket);
  const bool touch =
      decision.outcome == routing::Outcome::kFixed && now - assigned->last_seen >= kTouchInterval;
  if (!decision.assign && !touch) return decision;
  Assignment a{central.id(), visitor, decision.link->link.id, now};
  if (decision.assign && !assigned && shared_.shared()) {
    // A first assignment: claim it now so that a node asked next agrees.
    if (auto winner = shared_.claim(a)) {
      if (winner->link_id != a.link_id) {
        // Another node assigned this visitor first: theirs wins if open.
        auto theirs = central.route(now, winner->link_id);
        if (theirs.outcome == routing::Outcome::kFixed) decision = std::move(theirs);
      }
      a.link_id = decision.link->link.id;
      assignments_.put(a);
      if (a.link_id == winner->link_id) {
        metrics_.add(loop, Counter::kAssignmentsSaved);
        return decision;
      }
    }
  }
  assignments_.put(a);
  write_behind_.record(loop, a);
  if (decision.assign) metrics_.add(loop, Counter::kAssignmentsSaved);
  return decision;
}

void RedirectHandler::handle_qr(const http::HttpRequest& request, std::string_view slug,
                                std::string_view format, http::HttpResponse& response) {
  const routing::RoutingTable::Entry* entry = tables_.current(request.loop_index).find(slug);
  if (entry == nullptr || !entry->link->link.active) {
    not_found(request, response);
    return;
  }
  const std::string url = public_url_.get() + "/" + entry->link->link.slug + "?src=qr";
  auto image = format == "svg" ? qr::qr_svg(url) : qr::qr_png(url);
  if (!image) {
    response.status = 500;
    response.add_header("Content-Type", "text/plain; charset=utf-8");
    response.body = "cannot draw the QR code: " + image.error().message + "\n";
    return;
  }
  response.status = 200;
  response.add_header("Content-Type", format == "svg" ? "image/svg+xml" : "image/png");
  response.add_header("Cache-Control", "no-cache");
  response.body = std::move(*image);
}

void RedirectHandler::closed_page(const http::HttpRequest& request, routing::CentralRouter& central,
                                  http::HttpResponse& response) {
  const Timestamp now = clock_.now();
  ClosedPageInfo info;
  info.schedules = central.schedules();
  if (const auto anchor = central.anchor()) info.write_anyway_url = anchor->location;
  if (const auto next = central.next_opening(now, std::chrono::days(14))) {
    Schedule zone_only;
    zone_only.tz = info.schedules.empty() || !info.schedules.front() ? options_.default_tz
                                                                     : info.schedules.front()->tz;
    if (auto hours = routing::BusinessHours::compile(zone_only)) {
      std::string text = hours->format_local(*next);  // "2026-11-30T09:00:00-03:00"
      if (text.size() >= 16) {
        text = text.substr(8, 2) + "/" + text.substr(5, 2) + "/" + text.substr(0, 4) + " " +
               text.substr(11, 5);
      }
      info.next_opening = std::move(text);
    }
  }
  response.status = 200;
  response.add_header("Content-Type", kHtml);
  response.add_header("Cache-Control", "no-store");
  response.body = closed_page_html(info, pick_language(request.header("Accept-Language")));
}

}  // namespace sequencial::app
