// The visitor cookie: a first-party cookie holding a 128-bit id (32 hex
// digits, 76 of its bits random), the only way a returning customer is
// recognised (never a fingerprint). The random bits come from libsodium's
// CSPRNG, drawn in blocks per event loop so a new visitor costs no system
// call.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/model.h"

namespace sequencial::app {

inline constexpr std::string_view kVisitorCookie = "sqv";

// The visitor id in a Cookie header value, nullopt when absent or malformed.
[[nodiscard]] std::optional<VisitorId> parse_visitor_cookie(std::string_view cookie_header);
// 32 lowercase hex digits.
[[nodiscard]] std::array<char, 32> format_visitor_id(const VisitorId& id);
// "sqv=<id>; Max-Age=...; Path=/; HttpOnly; SameSite=Lax[; Secure]"
void append_visitor_set_cookie(std::string& out, const VisitorId& id, bool secure);

// Source of new visitor ids. Thread-safety: next(loop) may be called
// concurrently for different loops, never for the same loop.
class VisitorIdSource {
 public:
  virtual ~VisitorIdSource() = default;
  [[nodiscard]] virtual VisitorId next(std::size_t loop) = 0;
};

// With a clock, ids rise as they are minted: the top 32 bits of `hi` are
// the current Unix time in seconds, the next 20 count the ids this loop
// minted in that second, and the other 76 bits are random. The stored
// assignments (keyed by central, visitor) then grow at the right edge of
// their B-tree: a new visitor's row costs PostgreSQL a tenth to a quarter
// less CPU than with ids random within their second
// (bench/assignment_rows.sh).
class RandomVisitorIds final : public VisitorIdSource {
 public:
  explicit RandomVisitorIds(std::size_t loops, const Clock* clock = nullptr);
  [[nodiscard]] VisitorId next(std::size_t loop) override;

 private:
  const Clock* clock_;
  struct alignas(64) Pool {
    std::vector<VisitorId> ids;
    std::size_t used = 0;
    std::uint64_t second = 0;     // of the last id minted
    std::uint64_t in_second = 0;  // ids minted in that second
  };
  std::vector<Pool> pools_;
};

}  // namespace sequencial::app
