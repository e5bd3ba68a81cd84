// What both Store backends (sqlite/, postgres/) share about values: how they
// are kept in a row (times as unix seconds, 64-bit unsigned ids bit-cast to
// the signed 64-bit integers both databases store). The contract's errors are
// in contract_errors.h, column lists and row mapping in stored_rows.h.
#pragma once

#include <bit>
#include <chrono>
#include <cstdint>

#include "core/model.h"

namespace sequencial::stored {

inline std::int64_t to_db(Timestamp t) { return t.time_since_epoch().count(); }
inline Timestamp timestamp_from_db(std::int64_t seconds) {
  return Timestamp{std::chrono::seconds{seconds}};
}
inline std::int64_t to_db(std::uint64_t v) { return std::bit_cast<std::int64_t>(v); }
inline std::uint64_t u64_from_db(std::int64_t v) { return std::bit_cast<std::uint64_t>(v); }

// Creation times are stored to the second.
inline Timestamp now() {
  return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

}  // namespace sequencial::stored
