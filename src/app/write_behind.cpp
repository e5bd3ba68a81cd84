// Background writer of assignments and cursors.
#include "app/write_behind.h"

#include <spdlog/spdlog.h>

namespace sequencial::app {

WriteBehind::WriteBehind(WriteBehindStores stores, domain::Catalog& catalog,
                         routing::AssignmentTable& assignments, const Clock& clock,
                         std::size_t loops, WriteBehindOptions options)
    : stores_(stores),
      catalog_(catalog),
      assignments_(assignments),
      clock_(clock),
      options_(options),
      queues_(loops),
      thread_(
          options_.flush_interval,
          {.flush = [this] { return flush_and_purge(); }, .last = [this] { flush(); }, .due = {}}) {
}

WriteBehind::~WriteBehind() { stop(); }

void WriteBehind::record(std::size_t loop, const Assignment& assignment) {
  queues_.push(loop, assignment);
}

void WriteBehind::start() {
  next_purge_ = std::chrono::steady_clock::now() + options_.purge_interval;
  thread_.start();
}

void WriteBehind::stop() { thread_.stop(); }

void WriteBehind::flush() {
  std::lock_guard flush_lock(flush_mutex_);
  std::vector<Assignment> batch = std::move(retry_);
  retry_.clear();
  queues_.drain_into(batch);
  if (!batch.empty()) {
    if (auto ok = stores_.assignments.save_assignments(batch); !ok) {
      // Kept for the next flush (the database may be down for a while): the
      // newest are kept when the backlog outgrows kMaxRetry.
      if (failed_flushes_++ % 100 == 0) {
        spdlog::error("event=assignments_write_failed count={} error=\"{}\"", batch.size(),
                      ok.error().message);
      }
      if (batch.size() > kMaxRetry) {
        batch.erase(batch.begin(), batch.end() - static_cast<std::ptrdiff_t>(kMaxRetry));
      }
      retry_ = std::move(batch);
    } else {
      failed_flushes_ = 0;
    }
  }
  std::vector<CursorUpdate> cursors;
  for (const auto& router : catalog_.routers()) {
    if (auto cursor = router->take_dirty_cursor()) cursors.push_back({router->id(), *cursor});
  }
  if (!cursors.empty()) {
    if (auto ok = stores_.cursors.save_cursors(cursors); !ok) {
      spdlog::error("event=cursors_write_failed error=\"{}\"", ok.error().message);
    }
  }
}

void WriteBehind::purge() {
  const Timestamp cutoff = clock_.now() - options_.assignment_retention;
  const std::size_t in_memory = assignments_.erase_older_than(cutoff);
  auto purged = stores_.assignments.purge_assignments(cutoff);
  if (!purged) {
    spdlog::error("event=assignments_purge_failed error=\"{}\"", purged.error().message);
  } else if (*purged > 0 || in_memory > 0) {
    spdlog::info("event=assignments_purged stored={} cached={}", *purged, in_memory);
  }
  auto clicks = stores_.clicks.purge_clicks(clock_.now() - options_.click_retention);
  if (!clicks) {
    spdlog::error("event=clicks_purge_failed error=\"{}\"", clicks.error().message);
  } else if (*clicks > 0) {
    spdlog::info("event=clicks_purged count={}", *clicks);
  }
}

bool WriteBehind::flush_and_purge() {
  flush();
  if (std::chrono::steady_clock::now() >= next_purge_) {
    purge();
    next_purge_ = std::chrono::steady_clock::now() + options_.purge_interval;
  }
  return false;
}

}  // namespace sequencial::app
