// A clock the test moves by hand.
#pragma once

#include "core/clock.h"

namespace sequencial::test_support {

class ManualClock final : public Clock {
 public:
  explicit ManualClock(Timestamp start) : now_(start) {}
  [[nodiscard]] Timestamp now() const override { return now_; }
  void advance(std::chrono::seconds by) { now_ += by; }

 private:
  Timestamp now_;
};

}  // namespace sequencial::test_support
