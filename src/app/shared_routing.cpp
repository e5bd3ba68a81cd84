// Shared rotation tickets and assignments, with fallbacks on failure.
#include "app/shared_routing.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace sequencial::app {

routing::AssignmentTable::Fallback assignment_fallback(Store& store, DatabaseHealth& health) {
  return [&store, &health](CentralId central, const VisitorId& visitor) {
    using Found = routing::AssignmentTable::Found;
    if (!health.up()) return std::optional<Found>();
    auto found = store.find_assignment(central, visitor);
    if (!found) {
      health.report(found.error());
      spdlog::warn("event=assignment_lookup_failed error=\"{}\"", found.error().message);
      return std::optional<Found>();
    }
    if (!*found) return std::optional<Found>();
    return std::optional<Found>({(*found)->link_id, (*found)->last_seen});
  };
}

std::optional<std::uint64_t> SharedRouting::ticket(CentralId central) {
  if (!shared_) return std::nullopt;
  if (reachable()) {
    auto ticket = store_.next_rotation_ticket(central);
    if (ticket && *ticket) return **ticket;
    if (!ticket) {
      health_.report(ticket.error());
      spdlog::warn("event=rotation_ticket_failed central={} error=\"{}\"", central,
                   ticket.error().message);
    }
  }
  fallbacks_.fetch_add(1, std::memory_order_relaxed);
  return std::nullopt;
}

std::optional<Assignment> SharedRouting::claim(const Assignment& assignment) {
  if (!shared_ || !reachable()) return std::nullopt;
  auto stored = store_.claim_assignment(assignment);
  if (!stored) {
    health_.report(stored.error());
    return std::nullopt;
  }
  return *stored;
}

void SharedRouting::append_metrics(std::string& out) const {
  out += fmt::format(
      "# HELP sequencial_rotation_fallback_total Rotations served by the node-local cursor "
      "because the shared counter could not be reached.\n"
      "# TYPE sequencial_rotation_fallback_total counter\n"
      "sequencial_rotation_fallback_total {}\n",
      fallbacks_.load());
}

}  // namespace sequencial::app
