// The PostgreSQL change feed: a ChangeListener (storage/store.h) on its own
// connection, LISTENing on channel sequencial_changes. wait() polls the
// connection's socket up to the timeout and returns the payloads that
// arrived; a lost connection is an error (kUnavailable), after which the
// caller reloads in full and opens a new listener.
//
// Thread-safety: one thread at a time (the node's reload thread).
#pragma once

#include <memory>
#include <string>

#include "storage/postgres/pg_conn.h"
#include "storage/store.h"

namespace sequencial::postgres {

inline constexpr std::string_view kChangeChannel = "sequencial_changes";

[[nodiscard]] Result<std::unique_ptr<ChangeListener>> open_listener(const std::string& conninfo);

}  // namespace sequencial::postgres
