// The redirect path.
#include "app/redirect_handler.h"

#include "app/chooser_page.h"
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
// Centrals a click may pass through (a Geolocalizado region's team...).
// Cycles are refused when written; this only bounds a race with another
// node's write.
constexpr int kMaxNesting = 4;

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

// A click waiting for the database. The request's views stay valid until
// the answer is sent (http/message.h), and the entry's shared pointers keep
// its link and central alive across a reload.
struct RedirectHandler::ParkedClick {
  const http::HttpRequest* request = nullptr;
  routing::RoutingTable::Entry entry;
  VisitorId visitor;
  bool new_visitor = false;
  Timestamp now{};
  std::optional<routing::AssignmentTable::Found> kept;
  bool may_race = false;  // a returning visitor the database has no attendant for
  Origin origin;
  std::shared_ptr<http::PendingResponse> pending;
  std::size_t loop = 0;
  // A new fixed visitor's attendant, left for the database to store with
  // their claimed ticket (written behind if that write fails).
  std::optional<Assignment> stored_by_database;
};

RedirectHandler::RedirectHandler(RedirectOptions options, RedirectPorts ports,
                                 RedirectContext context)
    : options_(std::move(options)), ports_(ports), context_(context) {}

void RedirectHandler::not_found(const http::HttpRequest& request, http::HttpResponse& response) {
  context_.metrics.add(request.loop_index, Counter::kNotFound);
  response.status = 404;
  response.add_header("Content-Type", kHtml);
  response.add_header("Cache-Control", "no-store");
  response.body = not_found_page(pick_language(request.header("Accept-Language")));
}

void RedirectHandler::home(const http::HttpRequest& request, http::HttpResponse& response) {
  const domain::ProfileValues profile = context_.profile.get();
  response.add_header("Cache-Control", "no-store");
  if (!profile.home_url.empty()) {
    response.status = 302;
    response.add_header("Location", profile.home_url);
    return;
  }
  response.status = 200;
  response.add_header("Content-Type", kHtml);
  response.body = home_page(profile.shop_name, pick_language(request.header("Accept-Language")));
}

void RedirectHandler::handle(const http::HttpRequest& request, std::string_view slug,
                             http::HttpResponse& response) {
  if (slug.empty()) {
    home(request, response);
    return;
  }
  const std::size_t loop = request.loop_index;
  const routing::RoutingTable& table = ports_.tables.current(loop);
  const routing::RoutingTable::Entry* entry = table.find(slug);
  if (entry == nullptr || !entry->link->active()) {
    not_found(request, response);
    return;
  }
  const auto kind = routing::classify_request({request.method, request.header("User-Agent"),
                                               request.header("Sec-Purpose"),
                                               request.header("Purpose"), request.header("X-Moz")});
  if (kind != routing::RequestKind::kClick) {
    if (kind == routing::RequestKind::kPreview) {
      context_.metrics.add(loop, Counter::kPreviews);
      ClickRecord preview;
      preview.at = context_.clock.now();
      preview.kind = ClickKind::kPreview;
      preview.central_id = entry->central ? entry->central->id() : 0;
      preview.entry_link_id = entry->link->id();
      preview.outcome = "preview";
      describe_click(request, preview);
      ports_.clicks.push(loop, std::move(preview));
    } else {
      context_.metrics.add(
          loop, kind == routing::RequestKind::kPrefetch ? Counter::kPrefetches : Counter::kHeads);
    }
    response.status = 200;
    response.add_header("Content-Type", kHtml);
    response.add_header("Cache-Control", "no-store");
    response.body = preview_page(entry->link->link(), context_.public_url.get(),
                                 context_.profile.get().shop_name);
    return;
  }

  std::optional<VisitorId> visitor = parse_visitor_cookie(request.header("Cookie"));
  const bool new_visitor = !visitor;
  if (new_visitor) {
    visitor = context_.visitor_ids.next(loop);
    context_.metrics.add(loop, Counter::kNewVisitors);
  }
  const Timestamp now = context_.clock.now();
  Origin origin;
  if (geoip_ != nullptr) origin.located = geoip_->locate(request, loop, origin.where);
  origin.via = chooser_of(request, *entry);
  // Seletivo: the chooser page. Geolocalizado: the member of the client's
  // region; a member anchoring another central goes on through it.
  for (int depth = 0; entry->central && depth < kMaxNesting; ++depth) {
    routing::CentralRouter& outer = *entry->central;
    const CentralMode mode = outer.mode();
    if (mode == CentralMode::kSeletivo) {
      chooser(request, *entry, *visitor, new_visitor, now, origin, response);
      return;
    }
    if (mode != CentralMode::kGeo) break;
    routing::FixedPlan plan;
    plan.decision = outer.route_geo(now, origin.where);
    const routing::RoutingTable::Entry* inner = plan.decision.outcome == routing::Outcome::kGeo
                                                    ? table.find(plan.decision.link->slug())
                                                    : nullptr;
    if (inner != nullptr && inner->central && inner->link->active()) {
      origin.via = outer.id();
      entry = inner;
      continue;
    }
    respond(request, *entry, plan, *visitor, new_visitor, now, origin, response);
    return;
  }
  if (!entry->central) {
    routing::FixedPlan plan;
    plan.decision = {entry->link, routing::Outcome::kLink, false};
    respond(request, *entry, plan, *visitor, new_visitor, now, origin, response);
    return;
  }

  routing::CentralRouter& central = *entry->central;
  RouteLookups& lookups = ports_.lookups;
  const bool can_ask = request.can_defer() && lookups.available();
  std::optional<routing::AssignmentTable::Found> kept;
  bool look_up = false;
  if (central.fixed() && !new_visitor) {
    kept = ports_.assignments.find(central.id(), *visitor);
    if (!kept && !can_ask) lookups.count_find_fallback();
    look_up = !kept && can_ask;
  }
  const bool wants_ticket = lookups.shared() && !look_up &&
                            central.rotates(now, kept ? kept->link : std::optional<LinkId>());
  if (!look_up && !(wants_ticket && can_ask)) {
    // Everything is known here: no database, no waiting.
    if (wants_ticket) lookups.count_ticket_fallback();
    const auto plan = routing::plan_click(central, now, *visitor, kept, std::nullopt, false);
    apply(plan, loop);
    respond(request, *entry, plan, *visitor, new_visitor, now, origin, response);
    return;
  }

  auto click = std::make_shared<ParkedClick>();
  click->request = &request;
  click->entry = *entry;
  click->visitor = *visitor;
  click->new_visitor = new_visitor;
  click->now = now;
  click->kept = kept;
  click->origin = origin;
  click->loop = request.loop_index;
  // A new visitor's id can reach another node (the visitor's next click)
  // before a write-behind flush: on several nodes their first assignment is
  // stored in the round trip that hands out their ticket (batched with the
  // other clicks'), by a statement the database runs while the ticket
  // travels back, so the row is in before the visitor can click again.
  auto slots = central.fixed() && new_visitor ? central.open_slot_links(now) : nullptr;
  click->may_race = lookups.shared() && new_visitor && !slots;
  click->pending = request.defer();
  response.status = 0;  // answered later, through click->pending
  if (look_up) {
    lookups.find(central.id(), *visitor, [this, click](auto stored) { after_find(click, stored); });
  } else if (slots) {
    lookups.claimed_ticket(
        central.id(), *visitor, slots, now,
        [this, click, slots](std::optional<std::uint64_t> ticket) {
          decide_claimed(click, *slots, ticket);
        },
        [this, click] {
          if (click->stored_by_database) {
            ports_.write_behind.record(click->loop, *click->stored_by_database);
          }
        });
  } else {
    lookups.ticket(central.id(), [this, click](std::optional<std::uint64_t> ticket) {
      if (!ticket) ports_.lookups.count_ticket_fallback();
      decide(click, ticket);
    });
  }
}

void RedirectHandler::after_find(const std::shared_ptr<ParkedClick>& click,
                                 std::optional<std::optional<Assignment>> stored) {
  RouteLookups& lookups = ports_.lookups;
  if (!stored) {
    lookups.count_find_fallback();
  } else if (*stored) {
    ports_.assignments.put(**stored);
    click->kept = routing::AssignmentTable::Found{(*stored)->link_id, (*stored)->last_seen};
  } else {
    click->may_race = lookups.shared();
  }
  routing::CentralRouter& central = *click->entry.central;
  const auto kept_link = click->kept ? std::optional(click->kept->link) : std::nullopt;
  if (!lookups.shared() || !central.rotates(click->now, kept_link)) {
    decide(click, std::nullopt);
  } else if (!lookups.available()) {
    lookups.count_ticket_fallback();
    decide(click, std::nullopt);
  } else {
    lookups.ticket(central.id(), [this, click](std::optional<std::uint64_t> ticket) {
      if (!ticket) ports_.lookups.count_ticket_fallback();
      decide(click, ticket);
    });
  }
}

void RedirectHandler::decide(const std::shared_ptr<ParkedClick>& click,
                             std::optional<std::uint64_t> ticket) {
  routing::CentralRouter& central = *click->entry.central;
  auto plan = routing::plan_click(central, click->now, click->visitor, click->kept, ticket,
                                  click->may_race);
  if (!plan.claim) return finish(click, plan);
  RouteLookups& lookups = ports_.lookups;
  if (!lookups.available()) {
    lookups.count_claim_fallback();
    return finish(click, routing::settle_claim(central, click->now, plan, std::nullopt));
  }
  lookups.claim(*plan.remember, [this, click, plan](std::optional<Assignment> winner) {
    if (!winner) ports_.lookups.count_claim_fallback();
    finish(click, routing::settle_claim(*click->entry.central, click->now, plan, winner));
  });
}

void RedirectHandler::decide_claimed(const std::shared_ptr<ParkedClick>& click,
                                     const std::vector<LinkId>& slots,
                                     std::optional<std::uint64_t> ticket) {
  routing::CentralRouter& central = *click->entry.central;
  if (!ticket) {
    // No answer in time, but the statement may still land (late): the local
    // cursor decides and claims like for any first assignment, so a late
    // row wins over ours rather than being overwritten behind another
    // node's back.
    ports_.lookups.count_ticket_fallback();
    click->may_race = true;
    return decide(click, std::nullopt);
  }
  auto plan = routing::plan_click(central, click->now, click->visitor, std::nullopt, ticket, false);
  if (!plan.remember) return finish(click, plan);
  // The database stores the member this ticket serves among `slots`; the
  // router chose the same one unless a member's state changed meanwhile.
  const Assignment stored{central.id(), click->visitor, slots[*ticket % slots.size()], click->now};
  plan = routing::settle_claim(central, click->now, std::move(plan), stored);
  if (!plan.persist) click->stored_by_database = plan.remember;
  finish(click, plan);
}

void RedirectHandler::finish(const std::shared_ptr<ParkedClick>& click,
                             const routing::FixedPlan& plan) {
  apply(plan, click->request->loop_index);
  click->pending->finish([this, click, plan](http::HttpResponse& response) {
    respond(*click->request, click->entry, plan, click->visitor, click->new_visitor, click->now,
            click->origin, response);
  });
}

void RedirectHandler::apply(const routing::FixedPlan& plan, std::size_t loop) {
  if (!plan.remember) return;
  ports_.assignments.put(*plan.remember);
  if (plan.persist) ports_.write_behind.record(loop, *plan.remember);
}

void RedirectHandler::respond(const http::HttpRequest& request,
                              const routing::RoutingTable::Entry& entry,
                              const routing::FixedPlan& plan, const VisitorId& visitor,
                              bool new_visitor, Timestamp now, const Origin& origin,
                              http::HttpResponse& response) {
  const std::size_t loop = request.loop_index;
  const routing::RouteDecision& decision = plan.decision;
  context_.metrics.add_redirect(loop, decision.outcome);
  if (plan.assigned) context_.metrics.add(loop, Counter::kAssignmentsSaved);

  ClickRecord click;
  click.at = now;
  click.central_id = entry.central ? entry.central->id() : 0;
  click.entry_link_id = entry.link->id();
  click.link_id = decision.link ? decision.link->id() : 0;
  click.visitor = visitor;
  click.new_visitor = new_visitor;
  click.outcome = routing::outcome_name(decision.outcome);
  click.ref = click_ref(context_.visitor_ids.next(loop));
  click.via_central_id = origin.via;
  if (origin.located) {
    click.country = origin.where.country_key();
    click.region = origin.where.region_key();
    click.city = origin.where.city_key();
  }
  describe_click(request, click);

  if (new_visitor) append_visitor_set_cookie(response.headers, visitor, options_.secure_cookie);
  if (decision.outcome == routing::Outcome::kClosedPage) {
    closed_page(request, *entry.central, response);
  } else {
    response.status = 302;
    const routing::LinkRoute& target = *decision.link;
    if (target.has_placeholders()) {
      const std::string message = routing::fill_placeholders(
          target.message(), {click.utm_source, click.utm_medium, click.utm_campaign, click.utm_term,
                             click.utm_content, click.ref});
      response.add_header("Location", routing::whatsapp_url(target.phone(), message));
    } else {
      response.add_header("Location", target.location());
    }
    response.add_header("Cache-Control", "no-store");
  }
  ports_.clicks.push(loop, std::move(click));
}

CentralId RedirectHandler::chooser_of(const http::HttpRequest& request,
                                      const routing::RoutingTable::Entry& entry) const {
  const std::string_view query = request.query();
  if (query.empty()) return 0;
  const auto via = query_param(query, "via");
  if (!via) return 0;
  const routing::RoutingTable::Entry* chooser =
      ports_.tables.current(request.loop_index).find(*via);
  if (chooser == nullptr || !chooser->central ||
      chooser->central->mode() != CentralMode::kSeletivo ||
      !chooser->central->has_member(entry.link->id())) {
    return 0;
  }
  return chooser->central->id();
}

void RedirectHandler::chooser(const http::HttpRequest& request,
                              const routing::RoutingTable::Entry& entry, const VisitorId& visitor,
                              bool new_visitor, Timestamp now, const Origin& origin,
                              http::HttpResponse& response) {
  const std::size_t loop = request.loop_index;
  routing::CentralRouter& central = *entry.central;
  routing::ChooserView view = central.chooser(now, context_.visitor_ids.next(loop).lo);
  if (view.entries.empty()) {
    routing::FixedPlan plan;
    plan.decision = {view.closed == routing::Outcome::kClosedPage ? nullptr : view.anchor,
                     view.closed, false};
    respond(request, entry, plan, visitor, new_visitor, now, origin, response);
    return;
  }
  context_.metrics.add_redirect(loop, routing::Outcome::kChooser);
  ClickRecord record;
  record.at = now;
  record.kind = ClickKind::kView;
  record.central_id = central.id();
  record.entry_link_id = entry.link->id();
  record.visitor = visitor;
  record.new_visitor = new_visitor;
  record.outcome = routing::outcome_name(routing::Outcome::kChooser);
  if (origin.located) {
    record.country = origin.where.country_key();
    record.region = origin.where.region_key();
    record.city = origin.where.city_key();
  }
  describe_click(request, record);
  ports_.clicks.push(loop, std::move(record));

  const std::string& public_url = context_.public_url.get();
  ChooserPageInfo info;
  info.title = std::move(view.title);
  const Link anchor = entry.link->link();
  info.anchor = &anchor;
  info.url = public_url + "/" + anchor.slug;
  info.entries.reserve(view.entries.size());
  for (routing::ChooserEntry& e : view.entries) {
    info.entries.push_back(
        {entry_href(public_url, e.link->slug(), request.query(), entry.link->slug()),
         std::move(e.title), std::move(e.description), std::move(e.photo_url)});
  }
  if (new_visitor) append_visitor_set_cookie(response.headers, visitor, options_.secure_cookie);
  response.status = 200;
  response.add_header("Content-Type", kHtml);
  response.add_header("Cache-Control", "no-store");
  response.body = chooser_page_html(info, pick_language(request.header("Accept-Language")));
}

void RedirectHandler::handle_qr(const http::HttpRequest& request, std::string_view slug,
                                std::string_view format, http::HttpResponse& response) {
  // Runs on a worker thread: the shared snapshot, not a loop's copy.
  const auto table = ports_.tables.snapshot();
  const routing::RoutingTable::Entry* entry = table->find(slug);
  if (entry == nullptr || !entry->link->active()) {
    not_found(request, response);
    return;
  }
  const std::string url =
      context_.public_url.get() + "/" + std::string(entry->link->slug()) + "?src=qr";
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
  const Timestamp now = context_.clock.now();
  ClosedPageInfo info;
  info.schedules = central.schedules();
  const domain::ProfileValues profile = context_.profile.get();
  info.shop_name = profile.shop_name;
  info.week_starts_monday = profile.week_starts_monday;
  if (const auto anchor = central.anchor()) info.write_anyway_url = anchor->location();
  if (const auto next = central.next_opening(now, std::chrono::days(14))) {
    Schedule zone_only;
    zone_only.tz = info.schedules.empty() || !info.schedules.front() ? options_.default_tz
                                                                     : info.schedules.front()->tz;
    if (auto hours = routing::BusinessHours::compile(zone_only)) {
      // Local "2026-11-30T09:00:00-03:00": the day, and the minute of the day.
      const std::string at = hours->format_local(*next);
      if (at.size() >= 16) {
        NextOpening opening;
        opening.date = at.substr(0, 10);
        opening.minute = std::stoi(at.substr(11, 2)) * 60 + std::stoi(at.substr(14, 2));
        opening.today = hours->format_local(now).substr(0, 10);
        // A day later (25 hours on the day a DST change makes 25 hours long).
        opening.tomorrow = hours->format_local(now + std::chrono::hours(24)).substr(0, 10);
        if (opening.tomorrow == opening.today) {
          opening.tomorrow = hours->format_local(now + std::chrono::hours(25)).substr(0, 10);
        }
        info.next = std::move(opening);
      }
    }
  }
  response.status = 200;
  response.add_header("Content-Type", kHtml);
  response.add_header("Cache-Control", "no-store");
  response.body = closed_page_html(info, pick_language(request.header("Accept-Language")));
}

}  // namespace sequencial::app
