// AssignmentStore: the storage role of atendimento fixo (which attendant a
// returning visitor keeps) and of the rotation tickets several nodes share.
// The redirect path's questions come in batches (answer_routing), asked by
// a few background threads (app/route_lookups.h) whose answers the event loops
// wait for with a deadline; app/write_behind.h saves and purges in the
// background. Part of Store (storage/store.h).
//
// Thread-safety: implementations may be called from several threads at once
// and serialise access internally. Every method may block (disk, network):
// none is ever called from an event loop.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "core/error.h"
#include "core/model.h"

namespace sequencial {

// What the redirect path asks the database for a batch of clicks at once
// (answer_routing): rotation tickets per central, stored assignments of
// visitors missing from memory, first-assignment claims, and new visitors of
// a fixed central who take a ticket and are assigned by it in one statement.
struct RoutingQueries {
  struct Tickets {
    CentralId central = 0;
    std::size_t count = 0;
  };
  struct Find {
    CentralId central = 0;
    VisitorId visitor;
  };
  // New visitors of one fixed central: each takes the central's next ticket
  // t and is stored, if absent, as assigned to slots[t mod slots.size()]
  // (the link of each open rotation slot, in order: Rotation::at_ticket's
  // choice), last seen `at`. One round trip where a ticket and then a claim
  // would take two.
  struct ClaimedTickets {
    CentralId central = 0;
    std::vector<LinkId> slots;  // not empty
    std::vector<VisitorId> visitors;
    Timestamp at{};
  };
  std::vector<Tickets> tickets;
  std::vector<Find> finds;
  std::vector<Assignment> claims;
  std::vector<ClaimedTickets> claimed_tickets;
  [[nodiscard]] bool empty() const {
    return tickets.empty() && finds.empty() && claims.empty() && claimed_tickets.empty();
  }
};

// The answers, index by index; each may fail on its own.
struct RoutingAnswers {
  std::vector<Result<std::vector<std::uint64_t>>> tickets;  // `count` tickets each
  std::vector<Result<std::optional<Assignment>>> finds;
  std::vector<Result<Assignment>> claims;                           // the stored winner
  std::vector<Result<std::vector<std::uint64_t>>> claimed_tickets;  // one ticket per visitor
};

class AssignmentStore {
 public:
  virtual ~AssignmentStore() = default;

  // Atendimento fixo. save_assignments upserts on (central, visitor); a row
  // older (last_seen) than the stored one does not overwrite it, and rows
  // naming a deleted central or link are skipped. Assignments go with their
  // central or link. load_assignments keeps last_seen >= seen_since;
  // purge_assignments deletes last_seen < seen_before and returns the count.
  [[nodiscard]] virtual Result<std::vector<Assignment>> load_assignments(Timestamp seen_since) = 0;
  // The `limit` most recently seen of those, oldest first: what a bounded
  // in-memory cache loads at start. Backends should override this with a
  // query that reads only `limit` rows.
  [[nodiscard]] virtual Result<std::vector<Assignment>> load_recent_assignments(
      Timestamp seen_since, std::size_t limit) {
    auto all = load_assignments(seen_since);
    if (!all) return all;
    std::ranges::sort(*all, {}, &Assignment::last_seen);
    if (all->size() > limit) all->erase(all->begin(), all->end() - static_cast<long>(limit));
    return all;
  }
  [[nodiscard]] virtual Result<void> save_assignments(std::span<const Assignment> batch) = 0;
  [[nodiscard]] virtual Result<std::int64_t> purge_assignments(Timestamp seen_before) = 0;
  // The stored assignment of one visitor, for a visitor missing from the
  // in-memory cache (evicted, or assigned by another node).
  [[nodiscard]] virtual Result<std::optional<Assignment>> find_assignment(
      CentralId central, const VisitorId& visitor) = 0;
  // Insert-if-absent: stores `a` unless (central, visitor) already has an
  // assignment, and returns the stored one, so two nodes racing on one
  // visitor agree on the winner. kNotFound when the central or link no
  // longer exists.
  [[nodiscard]] virtual Result<Assignment> claim_assignment(const Assignment& a) = 0;

  // Several nodes share one rotation counter per central. The next ticket of
  // `central`: 0, 1, 2, ... across every node and process; nullopt when the
  // backend has no shared counter (SQLite: one node, whose in-memory cursor
  // is exact). PostgreSQL: a sequence per central, nextval (no row lock, no
  // serialisation of transactions). kNotFound for an unknown central.
  [[nodiscard]] virtual Result<std::optional<std::uint64_t>> next_rotation_ticket(
      CentralId central) = 0;

  // Everything in `queries` at once. `answered` is called exactly once,
  // before this returns, with every answer the redirect waits for. The
  // return value says, per claimed-tickets group, whether its visitors were
  // stored (an error when they may not be: the caller writes them behind).
  // On PostgreSQL those rows are stored by a statement that runs after the
  // tickets were sent back, in the same round trip, so a new fixed visitor
  // waits for a ticket, not for a write; `answered` has run by then. A find
  // (here or on another node) of a visitor whose row is still to be written
  // waits for it, so a row is never missed once its ticket is out.
  //
  // The default asks the methods above one by one; PostgreSQL sends
  // everything in one pipeline (one round trip) on a connection of its own
  // (one per concurrent caller, up to four) that waits at most `timeout`
  // (asked nothing, it only opens those connections). Several callers may
  // each have a batch in flight.
  using RoutingAnswered = std::function<void(RoutingAnswers&)>;
  [[nodiscard]] virtual std::vector<Result<void>> answer_routing(const RoutingQueries& queries,
                                                                 std::chrono::milliseconds timeout,
                                                                 const RoutingAnswered& answered);
  // The same, returning the answers once the rows are stored too (tests,
  // tools).
  [[nodiscard]] RoutingAnswers routing_answers(const RoutingQueries& queries,
                                               std::chrono::milliseconds timeout);
};

}  // namespace sequencial
