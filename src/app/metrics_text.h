// The Prometheus text exposition format, written in one place: a counter
// or a gauge with its HELP and TYPE lines.
//
// Thread-safety: pure functions on a caller-owned string.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace sequencial::app {

inline void append_metric(std::string& out, std::string_view type, std::string_view name,
                          std::string_view help, std::uint64_t value) {
  out += fmt::format("# HELP {0} {1}\n# TYPE {0} {2}\n{0} {3}\n", name, help, type, value);
}
inline void append_counter(std::string& out, std::string_view name, std::string_view help,
                           std::uint64_t value) {
  append_metric(out, "counter", name, help, value);
}
inline void append_gauge(std::string& out, std::string_view name, std::string_view help,
                         std::uint64_t value) {
  append_metric(out, "gauge", name, help, value);
}

}  // namespace sequencial::app
