// The routing decision of one central (modo Sequencial): rotation among the
// members available now (rules 1 and 2), atendimento fixo (rule 3) and what
// happens when nobody is available (rule 4). A Seletivo central gives the
// entries of its chooser page instead, a Geolocalizado one the member of the
// customer's region (the rules are in routing/mode_rules.h). It holds no I/O: the caller
// passes the instant and the visitor's current assignment, and persists the
// decision (assignment, cursor) itself.
//
// Each member's open/closed state is cached with the instant it next changes,
// so a click costs O(1) (one hash lookup for a fixed visitor, one table
// lookup for the rotation) and recomputes states only when an edge passes.
//
// Thread-safety: safe for concurrent use; one mutex per central guards the
// cursor and the cached states (the critical section is a few loads).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

#include "core/model.h"
#include "routing/business_hours.h"
#include "routing/link_route.h"
#include "routing/mode_rules.h"
#include "routing/rotation.h"

namespace sequencial::routing {

// How a click was routed; also the label of the redirects metric.
enum class Outcome {
  kLink,          // a plain link, no central
  kRotation,      // the next member by rotation
  kFixed,         // the visitor's own attendant (atendimento fixo)
  kClosedAnchor,  // nobody available: the anchor's own number
  kClosedPage,    // nobody available: the "fora do horário" page
  kIgnoreHours,   // nobody available: rotation ignoring hours
  kChooser,       // Seletivo: the chooser page was shown (a view, not a click)
  kGeo,           // Geolocalizado: the member serving the customer's region
  kGeoMatriz,     // Geolocalizado: no region matched: the anchor's own number
};
inline constexpr int kOutcomeCount = 9;
[[nodiscard]] const char* outcome_name(Outcome outcome);

struct RouteDecision {
  LinkRouteRef link;  // destination; null for kClosedPage
  Outcome outcome = Outcome::kRotation;
  bool assign = false;  // a fixed central routed this visitor anew: remember link as theirs
};

struct MemberState {
  LinkId link_id = 0;
  bool open = true;  // active and within hours now
  Timestamp next_change = Timestamp::max();
};

// One entry of a Seletivo chooser page.
struct ChooserEntry {
  LinkRouteRef link;
  std::string title;  // the member's entry title, else the link's label, else its slug
  std::string description;
  std::string photo_url;
};

struct ChooserView {
  std::string title;                        // the central's title (empty = the page's default)
  std::vector<ChooserEntry> entries;        // empty: nobody open, see `closed`
  Outcome closed = Outcome::kClosedAnchor;  // kClosedAnchor or kClosedPage when empty
  LinkRouteRef anchor;
};

// One member as the router needs it.
struct MemberRoute {
  LinkRouteRef link;
  int weight = 1;
  std::optional<BusinessHours> hours;  // nullopt = always within hours
};

class CentralRouter {
 public:
  explicit CentralRouter(CentralId id) : id_(id) {}
  CentralRouter(const CentralRouter&) = delete;
  CentralRouter& operator=(const CentralRouter&) = delete;

  // (Re)loads the definition. On the first call the cursor comes from
  // `central.cursor`; later calls carry the cursor over so the members that
  // stay keep their place.
  void configure(const Central& central, LinkRouteRef anchor, std::vector<MemberRoute> members);

  // Routes one click at `now`. `assigned` is the visitor's attendant when the
  // central is fixed and the visitor has one. `ticket` (several nodes) is the
  // central's next shared rotation ticket: the member is then the ticket's
  // slot among those open now (Rotation::at_ticket); without one the
  // node-local cursor is used.
  [[nodiscard]] RouteDecision route(Timestamp now, std::optional<LinkId> assigned,
                                    std::optional<std::uint64_t> ticket = std::nullopt);
  // Whether route(now, assigned) would rotate, i.e. would use a ticket: the
  // caller asks the shared counter only then (not for a kept visitor, nor
  // when nobody can be served).
  [[nodiscard]] bool rotates(Timestamp now, std::optional<LinkId> assigned);
  // The link of each open rotation slot at `now`, in cycle order: route(now,
  // nullopt, t) serves (*slots)[t mod size] while the members' states stay
  // as they are. The database can then assign a new visitor by the ticket it
  // hands out (RoutingQueries::ClaimedTickets). Null when nobody is open.
  // The same object is returned until a state changes.
  [[nodiscard]] std::shared_ptr<const std::vector<LinkId>> open_slot_links(Timestamp now);

  // Seletivo: the entries open at `now` (all active ones under
  // ignore_hours when nobody is open), shuffled by `seed` when the central
  // says so.
  [[nodiscard]] ChooserView chooser(Timestamp now, std::uint64_t seed);
  // Geolocalizado: the open member serving `where` (kGeo), else the anchor
  // (kGeoMatriz).
  [[nodiscard]] RouteDecision route_geo(Timestamp now, const GeoLocation& where);
  // Whether `link` is one of the members (a chooser's entry is checked so).
  [[nodiscard]] bool has_member(LinkId link) const;

  [[nodiscard]] CentralId id() const { return id_; }
  [[nodiscard]] CentralMode mode() const;
  [[nodiscard]] bool fixed() const;
  [[nodiscard]] std::uint64_t cursor() const;
  // The cursor if it moved since the last call (for write-behind persistence).
  [[nodiscard]] std::optional<std::uint64_t> take_dirty_cursor();
  [[nodiscard]] std::vector<MemberState> member_states(Timestamp now);
  [[nodiscard]] LinkRouteRef anchor() const;
  // Earliest instant >= now at which some member is open, within `horizon`.
  [[nodiscard]] std::optional<Timestamp> next_opening(Timestamp now,
                                                      std::chrono::days horizon) const;
  // The members' schedules (nullopt entries = always open), for the closed page.
  [[nodiscard]] std::vector<std::optional<Schedule>> schedules() const;

 private:
  void refresh_locked(Timestamp now);  // recompute expired member states
  // The kept visitor's member index, if they are kept at `now`.
  [[nodiscard]] std::optional<std::size_t> kept_locked(std::optional<LinkId> assigned) const;

  const CentralId id_;
  mutable std::mutex mutex_;
  // Everything below is guarded by mutex_.
  bool configured_ = false;
  CentralMode mode_ = CentralMode::kSequencial;
  std::string title_;
  bool shuffle_ = false;
  std::vector<ChooserEntry> entries_;            // per member (Seletivo)
  std::vector<std::vector<GeoRule>> geo_rules_;  // per member (Geolocalizado)
  bool fixed_ = false;
  WhenClosed when_closed_ = WhenClosed::kAnchor;
  LinkRouteRef anchor_;
  std::vector<MemberRoute> members_;
  std::vector<std::int64_t> member_ids_;
  std::unordered_map<LinkId, std::size_t> index_of_;
  std::vector<bool> open_;
  std::vector<Timestamp> next_change_;
  Timestamp next_refresh_ = Timestamp::min();
  std::optional<Rotation> rotation_;
  bool cursor_dirty_ = false;
  bool mask_stale_ = true;  // open_ changed wholesale: rebuild the kOpen table
  std::shared_ptr<const std::vector<LinkId>> open_slot_links_;  // cache; null = recompute
};

}  // namespace sequencial::routing
