// Atendimento fixo (rule 3 of docs/PRODUCT.md) as pure decisions around a
// CentralRouter: given what is known of the visitor's attendant and,
// when the rotation is shared by several nodes, a ticket, decide the click
// and say which effects it has (remember an assignment, write it behind,
// claim it in the shared database first). The caller performs the effects
// (app/redirect_handler.cpp, asynchronously) and, for a claim, comes back
// with the winner through settle_claim().
//
// Why a claim only sometimes: with one node (SQLite) nobody else can assign
// a visitor, so every assignment is written behind with no round trip. With
// several nodes a visitor's next click may reach another node before a
// write-behind flush (even a visitor id this node has just minted: the
// cookie travels with the browser), so a first assignment is stored before
// answering. For a new visitor that costs nothing extra: the statement that
// hands out their rotation ticket also stores the member the ticket serves
// (app/route_lookups.h, claimed tickets), and settle_claim() reconciles the
// rare case where a member's state changed meanwhile. A returning visitor
// the database has no attendant for is claimed (insert-if-absent) and the
// winner kept while open; concurrent clicks share one round trip.
//
// Thread-safety: as CentralRouter's (safe for concurrent use).
#pragma once

#include <chrono>
#include <optional>

#include "core/model.h"
#include "routing/assignment_table.h"
#include "routing/central_router.h"

namespace sequencial::routing {

// A kept visitor's assignment is re-saved at most this often, to keep it
// inside the retention window without a write per click.
inline constexpr auto kTouchInterval = std::chrono::hours(24);

struct FixedPlan {
  RouteDecision decision;
  // The visitor's assignment after this click, to hold in memory.
  std::optional<Assignment> remember;
  // `remember` must also be written to the database (write-behind).
  bool persist = false;
  // `remember` is a first assignment that must be claimed in the shared
  // database before answering (then call settle_claim).
  bool claim = false;
  // The click gave the visitor an attendant (a first one, or a new one
  // because theirs is closed): counted as an assignment saved.
  bool assigned = false;
};

// What one click of `central` decides at `now`. `kept`: the visitor's
// attendant as known (memory or database). `ticket`: the shared rotation
// ticket when one was taken. `may_race`: another node may be assigning this
// visitor right now (a returning visitor not found here, several nodes).
[[nodiscard]] FixedPlan plan_click(CentralRouter& central, Timestamp now, const VisitorId& visitor,
                                   const std::optional<AssignmentTable::Found>& kept,
                                   std::optional<std::uint64_t> ticket, bool may_race);

// The plan after its claim: `winner` is the assignment the database kept
// (nullopt when it could not be asked: the plan's own is written behind).
// Another node's choice wins while that attendant is open.
[[nodiscard]] FixedPlan settle_claim(CentralRouter& central, Timestamp now, FixedPlan plan,
                                     const std::optional<Assignment>& winner);

}  // namespace sequencial::routing
