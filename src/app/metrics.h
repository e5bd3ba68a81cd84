// Server counters, exported at /metrics in the Prometheus text format.
// Counters are kept per event loop (one cache line each) and summed when
// scraped, so the redirect path increments a plain relaxed atomic that no
// other core writes.
//
// Thread-safety: add() from the loop that owns the slot; render() anywhere.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "routing/central_router.h"

namespace sequencial::app {

enum class Counter {
  kPreviews,          // preview crawlers and bots answered with the OG page
  kPrefetches,        // browser prefetches
  kHeads,             // HEAD requests on links
  kNotFound,          // unknown or paused slugs
  kNewVisitors,       // clicks that set a new visitor cookie
  kAssignmentsSaved,  // atendimento fixo assignments created or moved
  kCount
};

class Metrics {
 public:
  explicit Metrics(std::size_t loops);

  void add(std::size_t loop, Counter counter) {
    bump(slots_[slot(loop)].counters[static_cast<std::size_t>(counter)]);
  }
  void add_redirect(std::size_t loop, routing::Outcome outcome) {
    bump(slots_[slot(loop)].redirects[static_cast<std::size_t>(outcome)]);
  }
  // Counts one HTTP response by status class (1xx..5xx).
  void add_response(std::size_t loop, int status) {
    const int klass = status / 100;
    if (klass >= 1 && klass <= 5)
      bump(slots_[slot(loop)].responses[static_cast<std::size_t>(klass - 1)]);
  }
  [[nodiscard]] std::uint64_t redirects(routing::Outcome outcome) const;
  [[nodiscard]] std::uint64_t total(Counter counter) const;

  // Gauges and counters owned elsewhere, read when rendering.
  std::atomic<std::uint64_t> links{0};
  std::atomic<std::uint64_t> centrals{0};
  std::atomic<std::uint64_t> assignments{0};
  std::atomic<std::uint64_t> connections{0};

  [[nodiscard]] std::string render() const;

 private:
  static void bump(std::atomic<std::uint64_t>& c) {
    c.store(c.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  }
  [[nodiscard]] std::size_t slot(std::size_t loop) const {
    return loop < slots_.size() - 1 ? loop : slots_.size() - 1;
  }
  struct alignas(64) Slot {
    std::array<std::atomic<std::uint64_t>, static_cast<std::size_t>(Counter::kCount)> counters{};
    std::array<std::atomic<std::uint64_t>, routing::kOutcomeCount> redirects{};
    std::array<std::atomic<std::uint64_t>, 5> responses{};  // 1xx..5xx
  };
  std::vector<Slot> slots_;  // one per loop, plus one shared by other threads
};

}  // namespace sequencial::app
