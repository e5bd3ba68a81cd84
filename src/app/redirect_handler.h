// The redirect path (the product): GET /{slug} -> 302 to wa.me, through a
// central's rotation when the slug anchors one, with the visitor cookie and
// atendimento fixo; previews, prefetches and HEAD answered without a click
// (rule 5); the "fora do horário" page when a central says so (rule 4).
//
// Everything is answered from memory: the routing table, the assignment
// table and the counters. Assignments and cursors leave through the
// write-behind queues. With a database shared by several nodes
// (SharedRouting), a rotating click also takes the central's shared ticket,
// a visitor unknown here is looked up in the database, and a first
// assignment is claimed there at once, so every node agrees.
//
// Thread-safety: handle() is called concurrently by every event loop.
#pragma once

#include <string>
#include <string_view>

#include "app/metrics.h"
#include "app/public_url.h"
#include "app/shared_routing.h"
#include "app/visitor.h"
#include "app/write_behind.h"
#include "clicks/click_pipeline.h"
#include "core/clock.h"
#include "http/message.h"
#include "routing/assignment_table.h"
#include "routing/routing_table.h"

namespace sequencial::app {

struct RedirectOptions {
  std::string default_tz = "America/Sao_Paulo";  // zone of the closed page's times
  bool secure_cookie = false;                    // public URL is https
};

class RedirectHandler {
 public:
  RedirectHandler(RedirectOptions options, const PublicUrl& public_url,
                  routing::RoutingTableHolder& tables, routing::AssignmentTable& assignments,
                  WriteBehind& write_behind, clicks::ClickPipeline& clicks,
                  VisitorIdSource& visitor_ids, Metrics& metrics, const Clock& clock,
                  SharedRouting& shared);

  // Answers a request for `slug` (the path without its leading '/').
  void handle(const http::HttpRequest& request, std::string_view slug,
              http::HttpResponse& response);
  // Answers GET /{slug}/qr.svg or /{slug}/qr.png (`format` "svg" or "png"):
  // the QR code of the link's public URL marked with ?src=qr.
  void handle_qr(const http::HttpRequest& request, std::string_view slug, std::string_view format,
                 http::HttpResponse& response);

 private:
  void not_found(const http::HttpRequest& request, http::HttpResponse& response);
  // The decision of a central for one click, with atendimento fixo and the
  // shared rotation ticket; records the assignment it makes.
  routing::RouteDecision route_central(routing::CentralRouter& central, const VisitorId& visitor,
                                       bool new_visitor, Timestamp now, std::size_t loop);
  void closed_page(const http::HttpRequest& request, routing::CentralRouter& central,
                   http::HttpResponse& response);

  RedirectOptions options_;
  const PublicUrl& public_url_;
  routing::RoutingTableHolder& tables_;
  routing::AssignmentTable& assignments_;
  WriteBehind& write_behind_;
  clicks::ClickPipeline& clicks_;
  VisitorIdSource& visitor_ids_;
  Metrics& metrics_;
  const Clock& clock_;
  SharedRouting& shared_;
};

}  // namespace sequencial::app
