// The catalog: every admin operation on links and centrals (create, change,
// delete, business hours), with the rules of docs/PRODUCT.md and docs/API.md. A write
// is validated, committed to the Store first, then applied to the in-memory
// copy, and a new routing table is published, so changes are live at once.
//
// The admin API (api/) turns JSON into these calls; the catalog knows no
// JSON and no HTTP.
//
// Thread-safety: safe for concurrent use; writes are serialised by one mutex
// (admin writes are rare), reads copy under the same mutex.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "core/model.h"
#include "routing/assignment_table.h"
#include "routing/central_router.h"
#include "routing/routing_table.h"
#include "storage/link_store.h"

namespace sequencial::domain {

// Fields of a link to create or change; unset fields are left alone
// (required ones on create: slug, phone).
struct LinkInput {
  std::optional<std::string> slug, phone, message, label;
  std::optional<bool> active;
  std::optional<std::string> preview_title, preview_description, preview_image;
};

struct MemberInput {
  std::string link;  // slug or numeric id
  int weight = 1;
  // Braced defaults keep {link, weight} a complete initializer.
  std::string title{}, description{}, photo_url{};  // Seletivo entry
  std::vector<std::string> regions{};               // Geolocalizado
};

struct CentralInput {
  std::optional<std::string> anchor;  // slug or id; required on create, fixed afterwards
  std::optional<std::vector<MemberInput>> members;
  std::optional<bool> fixed;
  std::optional<WhenClosed> when_closed;
  std::optional<CentralMode> mode;
  std::optional<std::string> title;
  std::optional<bool> shuffle;
};

class Catalog {
 public:
  Catalog(LinkStore& store, routing::RoutingTableHolder& tables,
          routing::AssignmentTable& assignments, const Clock& clock);

  // Loads links and centrals from the store and publishes the first table.
  [[nodiscard]] Result<void> load();
  // Re-reads links and centrals from the store (another node changed them)
  // and publishes a new table. Routers of centrals that stay keep their live
  // state (cursor, open states); a vanished central's assignments are dropped.
  [[nodiscard]] Result<void> reload();

  [[nodiscard]] std::vector<Link> links() const;
  [[nodiscard]] std::size_t link_count() const;
  [[nodiscard]] std::size_t central_count() const;
  // The id of the link named `ref` (numeric id or slug, any case).
  [[nodiscard]] std::optional<LinkId> find_link(std::string_view ref) const;
  [[nodiscard]] Result<Link> link(LinkId id) const;
  [[nodiscard]] Result<Link> create_link(const LinkInput& input);
  [[nodiscard]] Result<Link> update_link(LinkId id, const LinkInput& input);
  [[nodiscard]] Result<void> delete_link(LinkId id);

  [[nodiscard]] std::vector<Central> centrals() const;
  [[nodiscard]] Result<Central> central(CentralId id) const;
  [[nodiscard]] Result<Central> create_central(const CentralInput& input);
  [[nodiscard]] Result<Central> update_central(CentralId id, const CentralInput& input);
  [[nodiscard]] Result<void> delete_central(CentralId id);
  // Sets (or with nullopt clears) the hours of the member named `link_ref`.
  [[nodiscard]] Result<Central> set_member_hours(CentralId id, std::string_view link_ref,
                                                 std::optional<Schedule> hours);

  // Slug of a link id ("" when unknown), for rendering centrals.
  [[nodiscard]] std::string slug_of(LinkId id) const;
  // The live router of a central (open states, cursor); null when unknown.
  [[nodiscard]] std::shared_ptr<routing::CentralRouter> router(CentralId id) const;
  // Every central's router, for write-behind of cursors.
  [[nodiscard]] std::vector<std::shared_ptr<routing::CentralRouter>> routers() const;

 private:
  [[nodiscard]] Result<LinkId> resolve_locked(std::string_view ref, std::string_view field) const;
  [[nodiscard]] Result<Central> apply_central_input_locked(Central central,
                                                           const CentralInput& input) const;
  // Loads `links` and `centrals` in place of everything held: O(n).
  void rebuild_locked(std::vector<Link> links, std::vector<Central> centrals);
  // The router of `central` configured with its current links; null when a
  // link it names is not loaded yet (see rebuild_locked).
  [[nodiscard]] std::shared_ptr<routing::CentralRouter> configure_locked(const Central& central);
  // Reconfigures `central`, keeps its router and points its anchor's entry at it.
  void apply_central_locked(const Central& central);
  // Puts `route` into the table (keeping the central its anchor entry had)
  // and reconfigures every central that names it.
  void apply_link_locked(routing::LinkRouteRef route);
  // Refuses (409) a central whose members lead back to its own anchor
  // through other centrals' members (modes nest, cycles would not end).
  [[nodiscard]] Result<void> check_no_cycle_locked(const Central& central) const;
  void publish_locked();

  LinkStore& store_;
  routing::RoutingTableHolder& tables_;
  routing::AssignmentTable& assignments_;
  const Clock& clock_;
  mutable std::mutex mutex_;
  // Guarded by mutex_:
  // One LinkRoute per link, shared with the published routing tables (so a
  // link is held once in memory, and publishing does not rebuild routes).
  std::unordered_map<LinkId, routing::LinkRouteRef> links_;
  std::map<CentralId, Central> centrals_;
  std::unordered_map<CentralId, std::shared_ptr<routing::CentralRouter>> routers_;
  routing::RoutingTable table_;  // the table last published
};

}  // namespace sequencial::domain
