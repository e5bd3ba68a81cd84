// ChangeFeed: the storage role that tells one node what another node wrote
// (app/change_follower.h reloads the catalog when it hears). Part of Store
// (storage/store.h).
//
// Thread-safety: implementations may be called from several threads at once
// and serialise access internally. Every method may block (disk, network):
// none is ever called from an event loop.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "core/error.h"

namespace sequencial {

// Change feed for several nodes: the PostgreSQL backend's write methods
// NOTIFY channel `sequencial_changes` in the same transaction, with payload
// "links", "centrals", "tokens", "users" or "settings".
class ChangeListener {
 public:
  virtual ~ChangeListener() = default;
  // Waits up to `timeout` for notifications; returns their payloads (empty on
  // timeout). An error means the connection is lost: the caller reloads in
  // full and opens a new listener.
  [[nodiscard]] virtual Result<std::vector<std::string>> wait(
      std::chrono::milliseconds timeout) = 0;
};

class ChangeFeed {
 public:
  virtual ~ChangeFeed() = default;

  // A dedicated listening connection for the change feed (see
  // ChangeListener); nullptr when the backend has no other node to hear
  // (SQLite).
  [[nodiscard]] virtual Result<std::unique_ptr<ChangeListener>> open_change_listener() = 0;
};

}  // namespace sequencial
