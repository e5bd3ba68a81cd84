// Shared by the fuzz targets: splitting one input into fields (seeds stay
// readable text) and a check that stops the fuzzer with a message when a
// property of the code under test does not hold.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace sequencial::fuzz {

// The input as text.
inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// The first N-1 '\n'-terminated lines and the rest (which may hold newlines);
// missing fields are empty.
template <std::size_t N>
std::array<std::string_view, N> split_fields(std::string_view text) {
  std::array<std::string_view, N> fields{};
  for (std::size_t i = 0; i + 1 < N && !text.empty(); ++i) {
    const std::size_t nl = text.find('\n');
    fields[i] = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
  }
  fields[N - 1] = text;
  return fields;
}

[[noreturn]] inline void check_failed(const char* what, const char* file, int line) {
  std::fprintf(stderr, "%s:%d: fuzz check failed: %s\n", file, line, what);
  std::abort();
}

}  // namespace sequencial::fuzz

#define FUZZ_CHECK(cond) \
  ((cond) ? static_cast<void>(0) : ::sequencial::fuzz::check_failed(#cond, __FILE__, __LINE__))
