// Batched, deadline-bound database questions of the redirect path (see
// route_lookups.h).
#include "app/route_lookups.h"

#include <pthread.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>

#include "core/prometheus_text.h"

namespace sequencial::app {
namespace {

using SteadyClock = std::chrono::steady_clock;

std::int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(SteadyClock::now().time_since_epoch())
      .count();
}

}  // namespace

struct RouteLookups::Question {
  enum class Kind { kTicket, kFind, kClaim, kClaimedTicket } kind = Kind::kFind;
  CentralId central = 0;
  VisitorId visitor;
  Assignment assignment;                             // kClaim
  std::shared_ptr<const std::vector<LinkId>> slots;  // kClaimedTicket
  Timestamp at{};                                    // kClaimedTicket
  SteadyClock::time_point deadline;
  std::atomic<bool> done{false};
  TicketDone on_ticket;
  FindDone on_find;
  ClaimDone on_claim;
  Unstored on_unstored;   // kClaimedTicket
  bool ticketed = false;  // kClaimedTicket: on_ticket got a ticket (lookup thread only)

  // Exactly one of the calls below runs a callback; the others do nothing.
  bool take() { return !done.exchange(true); }
  void no_answer() {
    if (!take()) return;
    switch (kind) {
      case Kind::kTicket:
      case Kind::kClaimedTicket:
        on_ticket(std::nullopt);
        break;
      case Kind::kFind:
        on_find(std::nullopt);
        break;
      case Kind::kClaim:
        on_claim(std::nullopt);
        break;
    }
  }
};

RouteLookups::RouteLookups(AssignmentStore& store, DatabaseHealth& health,
                           RouteLookupsOptions options)
    : store_(store),
      health_(health),
      options_(options),
      threads_(std::max<std::size_t>(1, options.threads)),
      batch_started_(std::make_unique<std::atomic<std::int64_t>[]>(threads_)) {}

RouteLookups::~RouteLookups() { stop(); }

void RouteLookups::start() {
  {
    std::lock_guard lock(mutex_);
    if (running_) return;
    running_ = true;
  }
  for (std::size_t i = 0; i < threads_; ++i) {
    lookup_threads_.emplace_back([this, i] {
      pthread_setname_np(pthread_self(), "sq-lookups");
      run_lookups(i);
    });
  }
  deadline_thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "sq-deadlines");
    run_deadlines();
  });
}

void RouteLookups::stop() {
  {
    std::lock_guard lock(mutex_);
    running_ = false;
  }
  work_.notify_all();
  deadline_.notify_all();
  for (std::thread& thread : lookup_threads_) thread.join();
  lookup_threads_.clear();
  if (deadline_thread_.joinable()) deadline_thread_.join();
  std::vector<std::shared_ptr<Question>> left;
  {
    std::lock_guard lock(mutex_);
    left.assign(watch_.begin(), watch_.end());
    watch_.clear();
    queue_.clear();
  }
  for (auto& q : left) q->no_answer();
}

bool RouteLookups::available() const {
  if (options_.shared && !health_.up()) return false;
  if (pending_.load(std::memory_order_relaxed) >= options_.max_pending) return false;
  // Not answering in time right now: every batch in flight is past the
  // deadline. One slow batch alone (a backend or this thread waiting for a
  // CPU) leaves the other threads to ask, rather than every click falling
  // back until it returns.
  const std::int64_t now = steady_ns();
  std::size_t stuck = 0;
  for (std::size_t i = 0; i < threads_; ++i) {
    const std::int64_t started = batch_started_[i].load(std::memory_order_relaxed);
    if (started != 0 && now - started > std::chrono::nanoseconds(options_.deadline).count()) {
      ++stuck;
    }
  }
  if (stuck == threads_) return false;
  std::lock_guard lock(mutex_);
  return running_;
}

void RouteLookups::ask(std::shared_ptr<Question> question) {
  if (options_.shared && !health_.up()) {
    question->no_answer();  // down: do not even ask
    return;
  }
  // Each thread is woken only when it may be asleep for lack of work: the
  // lookup thread waits only on an empty queue, and the deadline thread
  // either on an empty watch list or until the front's deadline, which is
  // never later than this question's (every deadline is now + the same
  // delay, taken under the lock so the watch list stays in order). A
  // wake-up per click would cost two context switches each.
  bool wake_lookups = false;
  bool wake_deadlines = false;
  {
    std::lock_guard lock(mutex_);
    if (running_ && pending_.load(std::memory_order_relaxed) < options_.max_pending) {
      pending_.fetch_add(1, std::memory_order_relaxed);
      question->deadline = SteadyClock::now() + options_.deadline;
      wake_lookups = queue_.empty();
      wake_deadlines = watch_.empty();
      queue_.push_back(question);
      watch_.push_back(question);
      question.reset();
    }
  }
  if (question) {
    question->no_answer();  // not running, or full: fall back at once
    return;
  }
  if (wake_lookups) work_.notify_one();
  if (wake_deadlines) deadline_.notify_one();
}

void RouteLookups::ticket(CentralId central, TicketDone done) {
  auto q = std::make_shared<Question>();
  q->kind = Question::Kind::kTicket;
  q->central = central;
  q->on_ticket = std::move(done);
  ask(std::move(q));
}

void RouteLookups::find(CentralId central, const VisitorId& visitor, FindDone done) {
  auto q = std::make_shared<Question>();
  q->kind = Question::Kind::kFind;
  q->central = central;
  q->visitor = visitor;
  q->on_find = std::move(done);
  ask(std::move(q));
}

void RouteLookups::claim(const Assignment& assignment, ClaimDone done) {
  auto q = std::make_shared<Question>();
  q->kind = Question::Kind::kClaim;
  q->assignment = assignment;
  q->on_claim = std::move(done);
  ask(std::move(q));
}

void RouteLookups::claimed_ticket(CentralId central, const VisitorId& visitor,
                                  std::shared_ptr<const std::vector<LinkId>> slots, Timestamp at,
                                  TicketDone done, Unstored unstored) {
  auto q = std::make_shared<Question>();
  q->kind = Question::Kind::kClaimedTicket;
  q->central = central;
  q->visitor = visitor;
  q->slots = std::move(slots);
  q->at = at;
  q->on_ticket = std::move(done);
  q->on_unstored = std::move(unstored);
  ask(std::move(q));
}

void RouteLookups::run_lookups(std::size_t index) {
  std::atomic<std::int64_t>& started = batch_started_[index];
  // Connect before the first click needs it: connecting takes longer than a
  // deadline, and the first burst would otherwise fall back whole.
  if (options_.shared && index == 0) {
    started.store(steady_ns(), std::memory_order_relaxed);  // a stuck connect counts too
    (void)store_.answer_routing({}, options_.query_timeout, [](RoutingAnswers&) {});
    started.store(0, std::memory_order_relaxed);
  }
  std::vector<std::shared_ptr<Question>> batch;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      work_.wait(lock, [&] { return !running_ || !queue_.empty(); });
      if (!running_) return;
      // Questions whose deadline passed while queued are answered already.
      const std::size_t n = std::min(queue_.size(), options_.max_batch);
      batch.assign(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
      queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
      pending_.fetch_sub(n, std::memory_order_relaxed);
    }
    std::erase_if(batch, [](const auto& q) { return q->done.load(std::memory_order_relaxed); });
    if (!batch.empty()) {
      started.store(steady_ns(), std::memory_order_relaxed);
      answer(batch);
      started.store(0, std::memory_order_relaxed);
    }
    batch.clear();
  }
}

void RouteLookups::answer(std::vector<std::shared_ptr<Question>>& batch) {
  RoutingQueries queries;
  // Tickets: one entry per central, handed out in the order asked.
  std::map<CentralId, std::vector<Question*>> ticket_askers;
  std::vector<Question*> finders;
  std::vector<Question*> claimers;
  // Claimed tickets: one group per central and slot list (the same object
  // while the central's states stay), in the order asked.
  std::map<std::pair<CentralId, const std::vector<LinkId>*>, std::vector<Question*>> claimed_askers;
  for (const auto& q : batch) {
    switch (q->kind) {
      case Question::Kind::kTicket:
        ticket_askers[q->central].push_back(q.get());
        break;
      case Question::Kind::kFind:
        queries.finds.push_back({q->central, q->visitor});
        finders.push_back(q.get());
        break;
      case Question::Kind::kClaim:
        queries.claims.push_back(q->assignment);
        claimers.push_back(q.get());
        break;
      case Question::Kind::kClaimedTicket:
        claimed_askers[{q->central, q->slots.get()}].push_back(q.get());
        break;
    }
  }
  for (const auto& [central, askers] : ticket_askers) {
    queries.tickets.push_back({central, askers.size()});
  }
  for (const auto& [key, askers] : claimed_askers) {
    RoutingQueries::ClaimedTickets group{key.first, *askers.front()->slots, {}, askers.front()->at};
    group.visitors.reserve(askers.size());
    for (const Question* q : askers) group.visitors.push_back(q->visitor);
    queries.claimed_tickets.push_back(std::move(group));
  }
  bool reported = false;
  auto report = [&](const Error& error) {
    if (reported) return;
    reported = true;
    if (options_.shared) health_.report(error);
    spdlog::warn("event=route_lookup_failed error=\"{}\"", error.message);
  };
  auto late = [&](Question& q) {
    if (q.take()) return false;
    answered_late_.fetch_add(1, std::memory_order_relaxed);
    return true;
  };
  // Tickets go to their askers in the order asked.
  auto hand_out = [&](const Result<std::vector<std::uint64_t>>& got,
                      const std::vector<Question*>& askers) {
    if (!got) report(got.error());
    for (std::size_t i = 0; i < askers.size(); ++i) {
      if (!got || i >= got->size()) {
        askers[i]->no_answer();
      } else if (!late(*askers[i])) {
        askers[i]->ticketed = true;
        askers[i]->on_ticket((*got)[i]);
      }
    }
  };
  const std::int64_t sent = steady_ns();
  auto answered = [&](RoutingAnswers& answers) {
    batch_ns_.fetch_add(static_cast<std::uint64_t>(steady_ns() - sent), std::memory_order_relaxed);
    batch_questions_.fetch_add(batch.size(), std::memory_order_relaxed);
    batches_.fetch_add(1, std::memory_order_relaxed);
    std::size_t t = 0;
    for (const auto& [central, askers] : ticket_askers) hand_out(answers.tickets[t++], askers);
    std::size_t c = 0;
    for (const auto& [key, askers] : claimed_askers) hand_out(answers.claimed_tickets[c++], askers);
    for (std::size_t i = 0; i < finders.size(); ++i) {
      auto& got = answers.finds[i];
      if (!got) {
        report(got.error());
        finders[i]->no_answer();
      } else if (!late(*finders[i])) {
        finders[i]->on_find(*got);
      }
    }
    for (std::size_t i = 0; i < claimers.size(); ++i) {
      auto& got = answers.claims[i];
      if (!got) {
        if (got.error().code != ErrorCode::kNotFound) report(got.error());
        claimers[i]->no_answer();
      } else if (!late(*claimers[i])) {
        claimers[i]->on_claim(*got);
      }
    }
  };
  const auto stored = store_.answer_routing(queries, options_.query_timeout, answered);
  // Claimed tickets handed out whose rows may not have been written.
  std::size_t g = 0;
  for (const auto& [key, askers] : claimed_askers) {
    if (g < stored.size() && !stored[g]) {
      report(stored[g].error());
      for (Question* q : askers) {
        if (q->ticketed) q->on_unstored();
      }
    }
    ++g;
  }
}

void RouteLookups::run_deadlines() {
  std::unique_lock lock(mutex_);
  while (running_) {
    // Answered questions leave the watch list here, oldest first.
    while (!watch_.empty() && watch_.front()->done.load(std::memory_order_relaxed)) {
      watch_.pop_front();
    }
    if (watch_.empty()) {
      deadline_.wait(lock);
      continue;
    }
    const auto due = watch_.front()->deadline;
    if (SteadyClock::now() < due) {
      deadline_.wait_until(lock, due);
      continue;
    }
    std::vector<std::shared_ptr<Question>> expired;
    while (!watch_.empty() && watch_.front()->deadline <= SteadyClock::now()) {
      expired.push_back(std::move(watch_.front()));
      watch_.pop_front();
    }
    lock.unlock();
    for (auto& q : expired) q->no_answer();
    lock.lock();
  }
}

void RouteLookups::append_metrics(std::string& out) const {
  append_counter(out, "sequencial_rotation_fallback_total",
                 "Rotations served by the node-local cursor because the shared counter did not "
                 "answer in time.",
                 ticket_fallbacks_.load());
  append_counter(out, "sequencial_assignment_lookup_fallback_total",
                 "Returning visitors missing from memory routed without their stored assignment "
                 "because the database did not answer in time.",
                 find_fallbacks_.load());
  append_counter(out, "sequencial_assignment_claim_fallback_total",
                 "First assignments written behind without their claim because the database did "
                 "not answer in time.",
                 claim_fallbacks_.load());
  append_counter(out, "sequencial_route_lookup_batches_total",
                 "Round trips of the redirect path's database questions.", batches_.load());
  append_counter(out, "sequencial_route_lookup_questions_total",
                 "Questions those round trips answered (divided by the batches: the batch size).",
                 batch_questions_.load());
  append_counter(out, "sequencial_route_lookup_milliseconds_total",
                 "Time spent waiting for those round trips (divided by the batches: the mean).",
                 batch_ns_.load() / 1'000'000);
  append_counter(out, "sequencial_route_lookup_late_total",
                 "Database answers that came after their deadline (the fallback had answered).",
                 answered_late_.load());
  append_gauge(out, "sequencial_route_lookup_pending",
               "Database questions of the redirect path waiting.", pending_.load());
}

}  // namespace sequencial::app
