// Prometheus text rendering of the server counters.
#include "app/metrics.h"

#include <fmt/format.h>

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
  out += "# HELP sequencial_redirects_total Clicks redirected to WhatsApp, by routing outcome.\n";
  out += "# TYPE sequencial_redirects_total counter\n";
  for (int i = 0; i < routing::kOutcomeCount; ++i) {
    const auto outcome = static_cast<routing::Outcome>(i);
    out += fmt::format("sequencial_redirects_total{{outcome=\"{}\"}} {}\n",
                       routing::outcome_name(outcome), redirects(outcome));
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
  for (const auto& c : kCounters) {
    out += fmt::format("# HELP {} {}\n# TYPE {} counter\n{} {}\n", c.name, c.help, c.name, c.name,
                       total(c.counter));
  }
  out +=
      "# HELP sequencial_http_responses_total HTTP responses by status class.\n"
      "# TYPE sequencial_http_responses_total counter\n";
  for (std::size_t k = 0; k < 5; ++k) {
    std::uint64_t sum = 0;
    for (const auto& s : slots_) sum += s.responses[k].load();
    out += fmt::format("sequencial_http_responses_total{{code=\"{}xx\"}} {}\n", k + 1, sum);
  }
  out += fmt::format(
      "# HELP sequencial_active_connections Open client connections.\n"
      "# TYPE sequencial_active_connections gauge\nsequencial_active_connections {}\n",
      connections.load());
  out += fmt::format(
      "# HELP sequencial_links Links stored.\n# TYPE sequencial_links gauge\nsequencial_links {}\n",
      links.load());
  out += fmt::format(
      "# HELP sequencial_centrals Centrals stored.\n# TYPE sequencial_centrals gauge\n"
      "sequencial_centrals {}\n",
      centrals.load());
  out += fmt::format(
      "# HELP sequencial_assignments Atendimento fixo assignments held in memory.\n"
      "# TYPE sequencial_assignments gauge\nsequencial_assignments {}\n",
      assignments.load());
  out += fmt::format(
      "# HELP sequencial_build_info Build information.\n# TYPE sequencial_build_info gauge\n"
      "sequencial_build_info{{version=\"{}\"}} 1\n",
      SEQUENCIAL_VERSION);
  return out;
}

}  // namespace sequencial::app
