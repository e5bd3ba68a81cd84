// The Prometheus text exposition format, written in one place: the HELP and
// TYPE lines of a metric, its samples (with labels or not), and a counter
// or gauge of one sample. Every /metrics line of the process goes through
// these.
//
// Thread-safety: pure functions on a caller-owned string.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace sequencial {

// "# HELP name help" and "# TYPE name type" (counter, gauge, histogram).
inline void append_metric_header(std::string& out, std::string_view type, std::string_view name,
                                 std::string_view help) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n");
  out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

// `name{label="value",...} value`; label values are ours (no escaping needed).
inline void append_sample(
    std::string& out, std::string_view name,
    std::initializer_list<std::pair<std::string_view, std::string_view>> labels,
    std::uint64_t value) {
  out.append(name);
  if (labels.size() > 0) {
    out.push_back('{');
    bool first = true;
    for (const auto& [label, text] : labels) {
      if (!first) out.push_back(',');
      first = false;
      out.append(label).append("=\"").append(text).append("\"");
    }
    out.push_back('}');
  }
  out.append(" ").append(std::to_string(value)).append("\n");
}

inline void append_metric(std::string& out, std::string_view type, std::string_view name,
                          std::string_view help, std::uint64_t value) {
  append_metric_header(out, type, name, help);
  append_sample(out, name, {}, value);
}
inline void append_counter(std::string& out, std::string_view name, std::string_view help,
                           std::uint64_t value) {
  append_metric(out, "counter", name, help, value);
}
inline void append_gauge(std::string& out, std::string_view name, std::string_view help,
                         std::uint64_t value) {
  append_metric(out, "gauge", name, help, value);
}

}  // namespace sequencial
