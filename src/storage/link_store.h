// LinkStore: the storage role of links and centrals (the catalog the routing
// tables are built from) and of the centrals' rotation cursors. Used by
// domain/catalog.h (load, insert, update, delete) and app/write_behind.h
// (save_cursors). Part of Store (storage/store.h).
//
// Thread-safety: implementations may be called from several threads at once
// and serialise access internally. Every method may block (disk, network):
// none is ever called from an event loop.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/error.h"
#include "core/model.h"

namespace sequencial {

struct CursorUpdate {
  CentralId central_id = 0;
  std::uint64_t cursor = 0;
};

class LinkStore {
 public:
  virtual ~LinkStore() = default;

  // Links. insert_link assigns id and created_at (if zero) and returns the
  // stored link. A slug equal to another one ignoring ASCII case fails with
  // kConflict on field "slug". update_link replaces every field but id and
  // created_at. delete_link also removes the link from every central it is a
  // member of; deleting a central's anchor fails with kConflict.
  [[nodiscard]] virtual Result<std::vector<Link>> load_links() = 0;
  [[nodiscard]] virtual Result<Link> insert_link(const Link& link) = 0;
  [[nodiscard]] virtual Result<void> update_link(const Link& link) = 0;
  [[nodiscard]] virtual Result<void> delete_link(LinkId id) = 0;

  // Centrals with their members (in order, with weights and hours).
  // update_central replaces options and the whole member list (cursor too).
  // An anchor or member link that does not exist fails with kUnprocessable
  // on field "anchor" / "members"; a link listed twice with kInvalid on
  // "members"; an anchor already anchoring another central with kConflict
  // on "anchor". save_cursors skips centrals that no longer exist.
  [[nodiscard]] virtual Result<std::vector<Central>> load_centrals() = 0;
  [[nodiscard]] virtual Result<Central> insert_central(const Central& central) = 0;
  [[nodiscard]] virtual Result<void> update_central(const Central& central) = 0;
  [[nodiscard]] virtual Result<void> delete_central(CentralId id) = 0;
  [[nodiscard]] virtual Result<void> save_cursors(std::span<const CursorUpdate> cursors) = 0;
};

}  // namespace sequencial
