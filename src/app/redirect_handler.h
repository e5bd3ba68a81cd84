// The redirect path (the product): GET /{slug} -> 302 to wa.me, through a
// central's rotation when the slug anchors one, with the visitor cookie and
// atendimento fixo; previews, prefetches and HEAD answered without a click
// (rule 5); the "fora do horário" page when a central says so (rule 4).
//
// Almost every click is answered from memory on the event loop: the routing
// table, the assignment table and the counters; assignments and cursors
// leave through the write-behind queues and clicks through the click
// pipeline. A click that needs the database -- a rotation ticket shared by
// several nodes, the stored attendant of a returning visitor missing from
// memory, a first assignment to claim -- is parked instead: the loop goes on
// serving others, RouteLookups asks the database in a batch with a
// deadline, and the click resumes (on its loop) with the answer or, past
// the deadline, with the local fallback. The decisions themselves are the
// routing core's (routing/fixed_policy.h, mode_rules.h); this file only
// performs them.
//
// Modes: a Seletivo anchor answers its chooser page (a view, counted apart;
// each entry links to the member's own URL with `via=<anchor>`, so choosing
// is a click of that member, also counted in the Seletivo's report). A
// Geolocalizado anchor sends the click to the member of the client's region
// (GeoIP, app/geoip.h); when that member anchors another central the click
// goes on through it (nesting), counted in both reports.
//
// Thread-safety: handle() is called concurrently by every event loop;
// handle_qr() from worker threads.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/geoip.h"
#include "app/metrics.h"
#include "app/public_profile.h"
#include "app/public_url.h"
#include "app/route_lookups.h"
#include "app/visitor.h"
#include "app/write_behind.h"
#include "clicks/click_pipeline.h"
#include "core/clock.h"
#include "http/message.h"
#include "routing/assignment_table.h"
#include "routing/fixed_policy.h"
#include "routing/routing_table.h"

namespace sequencial::app {

struct RedirectOptions {
  std::string default_tz = "America/Sao_Paulo";  // zone of the closed page's times
  bool secure_cookie = false;                    // public URL is https
};

// Where routing state lives and where the effects of a click go.
struct RedirectPorts {
  routing::RoutingTableHolder& tables;
  routing::AssignmentTable& assignments;
  RouteLookups& lookups;
  WriteBehind& write_behind;
  clicks::ClickPipeline& clicks;
};

// What every answer needs: the public URL, the shop's public profile,
// visitor ids, counters, time.
struct RedirectContext {
  const PublicUrl& public_url;
  const PublicProfile& profile;
  VisitorIdSource& visitor_ids;
  Metrics& metrics;
  const Clock& clock;
};

class RedirectHandler {
 public:
  RedirectHandler(RedirectOptions options, RedirectPorts ports, RedirectContext context);

  // Answers a request for `slug` (the path without its leading '/'), or
  // defers the answer (response.status is then 0) when the database must
  // be asked first.
  void handle(const http::HttpRequest& request, std::string_view slug,
              http::HttpResponse& response);
  // Answers GET /{slug}/qr.svg or /{slug}/qr.png (`format` "svg" or "png"):
  // the QR code of the link's public URL marked with ?src=qr.
  void handle_qr(const http::HttpRequest& request, std::string_view slug, std::string_view format,
                 http::HttpResponse& response);
  // The GeoIP file for Geolocalizado and location reports (may stay unset).
  void set_geoip(GeoIp* geoip) { geoip_ = geoip; }

 private:
  struct ParkedClick;
  // What a click carries beyond its entry: the central that sent it there
  // and where the client is.
  struct Origin {
    CentralId via = 0;
    routing::GeoLocation where;
    bool located = false;
  };
  void not_found(const http::HttpRequest& request, http::HttpResponse& response);
  // "/": the home URL set in Configurações, or a neutral page.
  void home(const http::HttpRequest& request, http::HttpResponse& response);
  void after_find(const std::shared_ptr<ParkedClick>& click,
                  std::optional<std::optional<Assignment>> stored);
  void decide(const std::shared_ptr<ParkedClick>& click, std::optional<std::uint64_t> ticket);
  // A new visitor's claimed ticket came back (or not: nullopt).
  void decide_claimed(const std::shared_ptr<ParkedClick>& click, const std::vector<LinkId>& slots,
                      std::optional<std::uint64_t> ticket);
  void finish(const std::shared_ptr<ParkedClick>& click, const routing::FixedPlan& plan);
  // Remembers and writes behind what the plan says (any thread).
  void apply(const routing::FixedPlan& plan, std::size_t loop);
  // The answer and the click record, on the request's loop.
  void respond(const http::HttpRequest& request, const routing::RoutingTable::Entry& entry,
               const routing::FixedPlan& plan, const VisitorId& visitor, bool new_visitor,
               Timestamp now, const Origin& origin, http::HttpResponse& response);
  // The Seletivo chooser page (or when_closed), on the loop.
  void chooser(const http::HttpRequest& request, const routing::RoutingTable::Entry& entry,
               const VisitorId& visitor, bool new_visitor, Timestamp now, const Origin& origin,
               http::HttpResponse& response);
  // The Seletivo central whose chooser sent this request to `entry` (the
  // `via` marker, checked against its members); 0 when none.
  [[nodiscard]] CentralId chooser_of(const http::HttpRequest& request,
                                     const routing::RoutingTable::Entry& entry) const;
  void closed_page(const http::HttpRequest& request, routing::CentralRouter& central,
                   http::HttpResponse& response);

  RedirectOptions options_;
  RedirectPorts ports_;
  RedirectContext context_;
  GeoIp* geoip_ = nullptr;
};

}  // namespace sequencial::app
