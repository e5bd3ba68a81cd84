// What the redirect path asks the database, asked without waiting: rotation
// tickets shared by several nodes, the stored assignment of a returning
// visitor missing from memory, first-assignment claims, and a new visitor's
// ticket and assignment in one round trip. An event loop
// calls ticket(), find() or claim() and goes on serving; one background
// thread (or a few, each with a batch in flight) gathers everything asked
// meanwhile into one batch
// (Store::answer_routing: one pipeline, one round trip on PostgreSQL, all of
// a central's waiting clicks served by one generate_series of nextval), and
// calls each `done` with the answer.
//
// Every question has a deadline (--db-deadline-ms, default 50 ms): when the
// answer has not come by then, `done` is called without one and the caller
// falls back on what it knows locally (the node-local rotation cursor;
// rotation for a returning visitor). A database that is down, every lookup
// thread's batch stuck past the deadline (a frozen server) or a full queue
// answer "no answer" at once, so an outage costs a redirect at most one
// deadline, and usually nothing; one slow batch alone leaves the other
// threads asking. Each fallback is counted for /metrics.
//
// `done` runs on the lookup thread, the deadline thread or (for an
// immediate fallback) the caller's: it must not block, and runs exactly
// once.
//
// Thread-safety: ticket/find/claim from any thread; start/stop from the
// controlling thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "app/database_health.h"
#include "core/model.h"
#include "storage/assignment_store.h"

namespace sequencial::app {

struct RouteLookupsOptions {
  std::chrono::milliseconds deadline{50};
  // How long the lookup thread waits for the database before dropping its
  // connection (the deadline has answered the clicks long before).
  std::chrono::milliseconds query_timeout{2'000};
  std::size_t max_pending = 65'536;  // questions waiting; beyond, fallback at once
  std::size_t max_batch = 4'096;     // questions per round trip
  // Several nodes share the database: tickets and claims are asked, and a
  // failure marks the database down. A single node (SQLite) only asks finds.
  bool shared = false;
  // Batches in flight at once, one per lookup thread: while one waits for
  // its round trip, the next batch is already sent, so a click waits about
  // one round trip instead of one and a half.
  std::size_t threads = 1;
};

class RouteLookups {
 public:
  // nullopt: no answer (fallback).
  using TicketDone = std::function<void(std::optional<std::uint64_t>)>;
  // nullopt: no answer; an empty inner optional: nothing stored.
  using FindDone = std::function<void(std::optional<std::optional<Assignment>>)>;
  // nullopt: no answer; else the assignment stored (the winner).
  using ClaimDone = std::function<void(std::optional<Assignment>)>;

  RouteLookups(AssignmentStore& store, DatabaseHealth& health, RouteLookupsOptions options);
  ~RouteLookups();
  RouteLookups(const RouteLookups&) = delete;
  RouteLookups& operator=(const RouteLookups&) = delete;

  void start();
  // Answers everything still waiting without an answer and joins the threads.
  void stop();

  [[nodiscard]] bool shared() const { return options_.shared; }
  // Whether a question asked now can be answered in time: started, the
  // database up, not every lookup thread's batch stuck past the deadline,
  // room in the queue. When false the caller should not ask at all (and not
  // wait).
  [[nodiscard]] bool available() const;

  void ticket(CentralId central, TicketDone done);
  void find(CentralId central, const VisitorId& visitor, FindDone done);
  void claim(const Assignment& assignment, ClaimDone done);
  // A new visitor of a fixed central: the central's next ticket, with the
  // visitor stored in the same round trip as assigned to the member that
  // ticket serves among `slots` (CentralRouter::open_slot_links). `done`
  // gets the ticket as soon as it is known, or nullopt (no answer: the
  // caller claims instead). The row is written right after, while the
  // ticket travels back; if that write fails, `unstored` runs (after
  // `done`, on the same thread), and the caller writes the row behind.
  using Unstored = std::function<void()>;
  void claimed_ticket(CentralId central, const VisitorId& visitor,
                      std::shared_ptr<const std::vector<LinkId>> slots, Timestamp at,
                      TicketDone done, Unstored unstored);

  // Counted for /metrics by the caller's outcome: a rotation served by the
  // local cursor, a returning visitor routed without their stored
  // assignment, a first assignment written without its claim.
  void count_ticket_fallback() { ticket_fallbacks_.fetch_add(1, std::memory_order_relaxed); }
  void count_find_fallback() { find_fallbacks_.fetch_add(1, std::memory_order_relaxed); }
  void count_claim_fallback() { claim_fallbacks_.fetch_add(1, std::memory_order_relaxed); }
  [[nodiscard]] std::uint64_t ticket_fallbacks() const { return ticket_fallbacks_.load(); }
  [[nodiscard]] std::uint64_t find_fallbacks() const { return find_fallbacks_.load(); }
  void append_metrics(std::string& out) const;

 private:
  struct Question;
  void ask(std::shared_ptr<Question> question);
  void run_lookups(std::size_t index);
  void run_deadlines();
  void answer(std::vector<std::shared_ptr<Question>>& batch);

  AssignmentStore& store_;
  DatabaseHealth& health_;
  const RouteLookupsOptions options_;
  const std::size_t threads_;  // lookup threads: options_.threads, at least one

  mutable std::mutex mutex_;
  std::condition_variable work_;                  // a question was queued, or stopping
  std::condition_variable deadline_;              // a question was watched, or stopping
  std::vector<std::shared_ptr<Question>> queue_;  // guarded by mutex_: not yet sent
  std::deque<std::shared_ptr<Question>> watch_;   // guarded by mutex_: by deadline
  bool running_ = false;                          // guarded by mutex_
  std::atomic<std::size_t> pending_{0};
  // Per lookup thread: when its batch in flight was sent (steady ns), 0
  // when none is.
  std::unique_ptr<std::atomic<std::int64_t>[]> batch_started_;
  std::vector<std::thread> lookup_threads_;
  std::thread deadline_thread_;

  std::atomic<std::uint64_t> batches_{0};
  std::atomic<std::uint64_t> batch_questions_{0};
  std::atomic<std::uint64_t> batch_ns_{0};
  std::atomic<std::uint64_t> answered_late_{0};
  std::atomic<std::uint64_t> ticket_fallbacks_{0};
  std::atomic<std::uint64_t> find_fallbacks_{0};
  std::atomic<std::uint64_t> claim_fallbacks_{0};
};

}  // namespace sequencial::app
