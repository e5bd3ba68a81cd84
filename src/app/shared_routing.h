// The database's side of routing when several nodes share one database
// (PostgreSQL): the central's shared rotation counter, and the claim of a
// visitor's first assignment (two nodes routing one visitor at once agree).
// On a single node (SQLite) there is no shared counter and new assignments
// are written behind. Assignments missing from a node's memory are looked up
// through the AssignmentTable's store fallback (wired in app/serve.cpp).
//
// Every call is made on the redirect path, so a failure never fails a
// redirect: it is reported to DatabaseHealth and answered with "nothing"
// (the caller uses its node-local cursor or its own decision). While the
// database is marked down, no call reaches it at all; each rotation served
// without a ticket then is counted in sequencial_rotation_fallback_total.
//
// Thread-safety: safe for concurrent use.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>

#include "app/database_health.h"
#include "core/model.h"
#include "routing/assignment_table.h"
#include "storage/store.h"

namespace sequencial::app {

// The AssignmentTable's fallback for a returning visitor missing from memory
// (evicted, or assigned by another node): the store's find_assignment, not
// asked while the database is known to be down; a failure marks it down.
[[nodiscard]] routing::AssignmentTable::Fallback assignment_fallback(Store& store,
                                                                     DatabaseHealth& health);

class SharedRouting {
 public:
  // `shared`: the backend is shared by several nodes (decided once at start).
  SharedRouting(Store& store, bool shared, DatabaseHealth& health)
      : store_(store), shared_(shared), health_(health) {}

  [[nodiscard]] bool shared() const { return shared_; }
  // The central's next rotation ticket; nullopt when the node-local cursor
  // must be used (single node, database down or failing: a counted fallback).
  [[nodiscard]] std::optional<std::uint64_t> ticket(CentralId central);
  // Stores a first assignment unless another node stored one first; returns
  // the one stored (the winner), or nullopt when the database could not be
  // asked (the caller writes its own behind).
  [[nodiscard]] std::optional<Assignment> claim(const Assignment& assignment);

  [[nodiscard]] std::uint64_t fallbacks() const { return fallbacks_.load(); }
  void append_metrics(std::string& out) const;

 private:
  [[nodiscard]] bool reachable() const { return health_.up(); }

  Store& store_;
  const bool shared_;
  DatabaseHealth& health_;
  std::atomic<std::uint64_t> fallbacks_{0};
};

}  // namespace sequencial::app
