// Routing decision of one central: fixed attendant, rotation, nobody available.
#include "routing/central_router.h"

#include <algorithm>

namespace sequencial::routing {

const char* outcome_name(Outcome outcome) {
  switch (outcome) {
    case Outcome::kLink:
      return "link";
    case Outcome::kRotation:
      return "rotation";
    case Outcome::kFixed:
      return "fixed";
    case Outcome::kClosedAnchor:
      return "closed_anchor";
    case Outcome::kClosedPage:
      return "closed_page";
    case Outcome::kIgnoreHours:
      return "ignore_hours";
    case Outcome::kChooser:
      return "chooser";
    case Outcome::kGeo:
      return "geo";
    case Outcome::kGeoMatriz:
      return "geo_matriz";
  }
  return "link";
}

void CentralRouter::configure(const Central& central, LinkRouteRef anchor,
                              std::vector<MemberRoute> members) {
  std::vector<int> weights;
  std::vector<std::int64_t> ids;
  weights.reserve(members.size());
  ids.reserve(members.size());
  for (const auto& m : members) {
    weights.push_back(m.weight);
    ids.push_back(m.link->id());
  }
  Rotation rotation(weights);
  // The mode's extras, member by member (`members` follows central.members).
  std::vector<ChooserEntry> entries;
  std::vector<std::vector<GeoRule>> geo_rules(members.size());
  entries.reserve(members.size());
  for (std::size_t i = 0; i < members.size(); ++i) {
    ChooserEntry entry{members[i].link, {}, {}, {}};
    if (i < central.members.size() && central.members[i].link_id == ids[i]) {
      const Member& m = central.members[i];
      entry.title = m.title;
      entry.description = m.description;
      entry.photo_url = m.photo_url;
      for (const std::string& region : m.regions) {
        // Stored regions were validated on the way in.
        if (auto rule = compile_region(region)) geo_rules[i].push_back(std::move(*rule));
      }
    }
    if (entry.title.empty()) entry.title = members[i].link->label();
    if (entry.title.empty()) entry.title = members[i].link->slug();
    entries.push_back(std::move(entry));
  }

  std::lock_guard lock(mutex_);
  if (!configured_) {
    rotation.set_cursor(central.cursor);
  } else if (rotation_) {
    rotation.set_cursor(carry_cursor(*rotation_, member_ids_, rotation, ids));
    cursor_dirty_ = true;
  }
  configured_ = true;
  mode_ = central.mode;
  title_ = central.title;
  shuffle_ = central.shuffle;
  entries_ = std::move(entries);
  geo_rules_ = std::move(geo_rules);
  fixed_ = central.fixed;
  when_closed_ = central.when_closed;
  anchor_ = std::move(anchor);
  members_ = std::move(members);
  member_ids_ = std::move(ids);
  index_of_.clear();
  for (std::size_t i = 0; i < members_.size(); ++i) index_of_[member_ids_[i]] = i;
  std::vector<bool> active(members_.size());
  for (std::size_t i = 0; i < members_.size(); ++i) active[i] = members_[i].link->active();
  rotation.set_available(Rotation::Mask::kActive, active);
  rotation_ = std::move(rotation);
  // Force a full recomputation of the open states on the next click.
  open_.assign(members_.size(), false);
  next_change_.assign(members_.size(), Timestamp::min());
  next_refresh_ = Timestamp::min();
  mask_stale_ = true;
  open_slot_links_.reset();
}

void CentralRouter::refresh_locked(Timestamp now) {
  if (now < next_refresh_) return;
  bool changed = false;
  Timestamp earliest = Timestamp::max();
  for (std::size_t i = 0; i < members_.size(); ++i) {
    if (now >= next_change_[i]) {
      const auto& m = members_[i];
      OpenState state;  // open, never changes: no hours
      if (m.hours) state = m.hours->state_at(now);
      const bool open = m.link->active() && state.open;
      changed |= open != open_[i];
      open_[i] = open;
      next_change_[i] = state.next_change;
    }
    earliest = std::min(earliest, next_change_[i]);
  }
  next_refresh_ = earliest;
  if (changed || mask_stale_) {
    rotation_->set_available(Rotation::Mask::kOpen, open_);
    open_slot_links_.reset();
  }
  mask_stale_ = false;
}

std::optional<std::size_t> CentralRouter::kept_locked(std::optional<LinkId> assigned) const {
  if (!fixed_ || !assigned) return std::nullopt;
  const auto it = index_of_.find(*assigned);
  if (it == index_of_.end() || !open_[it->second]) return std::nullopt;
  return it->second;
}

bool CentralRouter::rotates(Timestamp now, std::optional<LinkId> assigned) {
  std::lock_guard lock(mutex_);
  refresh_locked(now);
  if (kept_locked(assigned)) return false;
  if (rotation_->open_slot_count(Rotation::Mask::kOpen) > 0) return true;
  return when_closed_ == WhenClosed::kIgnoreHours &&
         rotation_->open_slot_count(Rotation::Mask::kActive) > 0;
}

std::shared_ptr<const std::vector<LinkId>> CentralRouter::open_slot_links(Timestamp now) {
  std::lock_guard lock(mutex_);
  refresh_locked(now);
  const auto slots = rotation_->open_slots(Rotation::Mask::kOpen);
  if (slots.empty()) return nullptr;
  if (!open_slot_links_) {
    auto links = std::make_shared<std::vector<LinkId>>();
    links->reserve(slots.size());
    for (const auto slot : slots) links->push_back(member_ids_[rotation_->member_at_slot(slot)]);
    open_slot_links_ = std::move(links);
  }
  return open_slot_links_;
}

RouteDecision CentralRouter::route(Timestamp now, std::optional<LinkId> assigned,
                                   std::optional<std::uint64_t> ticket) {
  std::lock_guard lock(mutex_);
  refresh_locked(now);
  if (const auto kept = kept_locked(assigned)) {
    return {members_[*kept].link, Outcome::kFixed, false};
  }
  const auto serve = [&](Rotation::Mask mask) {
    return ticket ? rotation_->at_ticket(*ticket, mask) : rotation_->next(mask);
  };
  if (auto member = serve(Rotation::Mask::kOpen)) {
    cursor_dirty_ = true;
    return {members_[*member].link, Outcome::kRotation, fixed_};
  }
  switch (when_closed_) {
    case WhenClosed::kIgnoreHours:
      if (auto member = serve(Rotation::Mask::kActive)) {
        cursor_dirty_ = true;
        return {members_[*member].link, Outcome::kIgnoreHours, fixed_};
      }
      return {anchor_, Outcome::kClosedAnchor, false};
    case WhenClosed::kPage:
      return {nullptr, Outcome::kClosedPage, false};
    case WhenClosed::kAnchor:
      break;
  }
  return {anchor_, Outcome::kClosedAnchor, false};
}

ChooserView CentralRouter::chooser(Timestamp now, std::uint64_t seed) {
  std::lock_guard lock(mutex_);
  refresh_locked(now);
  ChooserView view;
  view.title = title_;
  view.anchor = anchor_;
  auto shown = chooser_entries(open_, shuffle_, seed);
  if (shown.empty() && when_closed_ == WhenClosed::kIgnoreHours) {
    std::vector<bool> active(members_.size());
    for (std::size_t i = 0; i < members_.size(); ++i) active[i] = members_[i].link->active();
    shown = chooser_entries(active, shuffle_, seed);
  }
  view.entries.reserve(shown.size());
  for (const std::size_t i : shown) view.entries.push_back(entries_[i]);
  view.closed = when_closed_ == WhenClosed::kPage ? Outcome::kClosedPage : Outcome::kClosedAnchor;
  return view;
}

RouteDecision CentralRouter::route_geo(Timestamp now, const GeoLocation& where) {
  std::lock_guard lock(mutex_);
  refresh_locked(now);
  if (const auto member = geo_member(where, geo_rules_, open_)) {
    return {members_[*member].link, Outcome::kGeo, false};
  }
  return {anchor_, Outcome::kGeoMatriz, false};
}

bool CentralRouter::has_member(LinkId link) const {
  std::lock_guard lock(mutex_);
  return index_of_.contains(link);
}

CentralMode CentralRouter::mode() const {
  std::lock_guard lock(mutex_);
  return mode_;
}

bool CentralRouter::fixed() const {
  std::lock_guard lock(mutex_);
  return fixed_;
}

std::uint64_t CentralRouter::cursor() const {
  std::lock_guard lock(mutex_);
  return rotation_ ? rotation_->cursor() : 0;
}

std::optional<std::uint64_t> CentralRouter::take_dirty_cursor() {
  std::lock_guard lock(mutex_);
  if (!cursor_dirty_ || !rotation_) return std::nullopt;
  cursor_dirty_ = false;
  return rotation_->cursor();
}

std::vector<MemberState> CentralRouter::member_states(Timestamp now) {
  std::lock_guard lock(mutex_);
  std::vector<MemberState> states;
  states.reserve(members_.size());
  for (const auto& m : members_) {
    OpenState hours;
    if (m.hours) hours = m.hours->state_at(now);
    states.push_back({m.link->id(), m.link->active() && hours.open, hours.next_change});
  }
  return states;
}

LinkRouteRef CentralRouter::anchor() const {
  std::lock_guard lock(mutex_);
  return anchor_;
}

std::optional<Timestamp> CentralRouter::next_opening(Timestamp now,
                                                     std::chrono::days horizon) const {
  std::lock_guard lock(mutex_);
  std::optional<Timestamp> best;
  for (const auto& m : members_) {
    if (!m.link->active()) continue;
    const auto at = m.hours ? m.hours->next_opening(now, horizon) : std::optional(now);
    if (at && (!best || *at < *best)) best = at;
  }
  return best;
}

std::vector<std::optional<Schedule>> CentralRouter::schedules() const {
  std::lock_guard lock(mutex_);
  std::vector<std::optional<Schedule>> out;
  for (const auto& m : members_) {
    if (!m.link->active()) continue;
    out.push_back(m.hours ? std::optional(m.hours->schedule()) : std::nullopt);
  }
  return out;
}

}  // namespace sequencial::routing
