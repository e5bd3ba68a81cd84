// Prometheus text rendering of the server counters.
#include "app/metrics.h"

#include "core/prometheus_text.h"

namespace sequencial::app {

Metrics::Metrics(std::size_t loops) : slots_(loops + 1) {}

std::uint64_t Metrics::redirects(routing::Outcome outcome) const {
  std::uint64_t sum = 0;
  for (const auto& s : slots_) sum += s.redirects[static_cast<std::size_t>(outcome)].load();
  return sum;
}

std::uint64_t Metrics::total(Counter counter) const {
  std::uint64_t sum = 0;
  for (const auto& s : slots_) sum += s.counters[static_cast<std::size_t>(counter)].load();
  return sum;
}

std::string Metrics::render() const {
  std::string out;
  append_metric_header(out, "counter", "sequencial_redirects_total",
                       "Clicks redirected to WhatsApp, by routing outcome.");
  for (int i = 0; i < routing::kOutcomeCount; ++i) {
    const auto outcome = static_cast<routing::Outcome>(i);
    append_sample(out, "sequencial_redirects_total", {{"outcome", routing::outcome_name(outcome)}},
                  redirects(outcome));
  }
  struct Named {
    Counter counter;
    const char* name;
    const char* help;
  };
  static constexpr Named kCounters[] = {
      {Counter::kPreviews, "sequencial_previews_total",
       "Preview crawlers and bots answered with the Open Graph page (not clicks)."},
      {Counter::kPrefetches, "sequencial_prefetches_total", "Browser prefetches (not clicks)."},
      {Counter::kHeads, "sequencial_head_requests_total", "HEAD requests on links (not clicks)."},
      {Counter::kNotFound, "sequencial_not_found_total", "Requests for unknown or paused slugs."},
      {Counter::kNewVisitors, "sequencial_new_visitors_total",
       "Clicks from browsers without a visitor cookie."},
      {Counter::kAssignmentsSaved, "sequencial_assignments_saved_total",
       "Atendimento fixo assignments created or moved."},
  };
  for (const auto& c : kCounters) append_counter(out, c.name, c.help, total(c.counter));
  append_metric_header(out, "counter", "sequencial_http_responses_total",
                       "HTTP responses by status class.");
  static constexpr std::string_view kClasses[] = {"1xx", "2xx", "3xx", "4xx", "5xx"};
  for (std::size_t k = 0; k < 5; ++k) {
    std::uint64_t sum = 0;
    for (const auto& s : slots_) sum += s.responses[k].load();
    append_sample(out, "sequencial_http_responses_total", {{"code", kClasses[k]}}, sum);
  }
  append_gauge(out, "sequencial_active_connections", "Open client connections.",
               connections.load());
  append_gauge(out, "sequencial_links", "Links stored.", links.load());
  append_gauge(out, "sequencial_centrals", "Centrals stored.", centrals.load());
  append_gauge(out, "sequencial_assignments", "Atendimento fixo assignments held in memory.",
               assignments.load());
  append_metric_header(out, "gauge", "sequencial_build_info", "Build information.");
  append_sample(out, "sequencial_build_info", {{"version", SEQUENCIAL_VERSION}}, 1);
  return out;
}

}  // namespace sequencial::app
