// The clock, injected wherever time matters (business hours, retention,
// timestamps), so tests can set any instant instead of sleeping or reading
// the wall clock.
#pragma once

#include <chrono>

#include "core/model.h"

namespace sequencial {

class Clock {
 public:
  virtual ~Clock() = default;
  [[nodiscard]] virtual Timestamp now() const = 0;
};

class SystemClock final : public Clock {
 public:
  [[nodiscard]] Timestamp now() const override {
    return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  }
};

}  // namespace sequencial
