// What both Store backends (sqlite/, postgres/) share: how values are kept
// in a row (times as unix seconds, 64-bit unsigned ids bit-cast to the
// signed 64-bit integers both databases store) and the errors the Store
// contract (store.h) names for missing or clashing rows.
#pragma once

#include <bit>
#include <chrono>
#include <cstdint>
#include <string>

#include "core/error.h"
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

inline Error link_not_found(LinkId id) {
  return Error::not_found("link " + std::to_string(id) + " not found");
}
inline Error central_not_found(CentralId id) {
  return Error::not_found("central " + std::to_string(id) + " not found");
}
inline Error user_not_found(std::int64_t id) {
  return Error::not_found("user " + std::to_string(id) + " not found");
}
inline Error slug_in_use() { return Error::conflict("slug", "slug already in use"); }
inline Error anchor_taken() {
  return Error::conflict("anchor", "link is already the anchor of another central");
}

}  // namespace sequencial::stored
