// Admin operations on links and centrals, and publication of routing tables.
#include "domain/catalog.h"

#include <algorithm>
#include <charconv>
#include <set>

#include <spdlog/spdlog.h>

#include "core/text.h"
#include "core/validation.h"
#include "routing/business_hours.h"

namespace sequencial::domain {
namespace {

constexpr int kMaxWeight = 100;
constexpr std::size_t kMaxMembers = 1000;

Result<void> apply_link_input(Link& link, const LinkInput& in) {
  if (in.slug) {
    if (auto ok = validate_slug(*in.slug); !ok) return ok;
    link.slug = *in.slug;
  }
  if (in.phone) {
    auto phone = normalize_phone(*in.phone);
    if (!phone) return fail(phone.error());
    link.phone = std::move(*phone);
  }
  if (in.message) {
    if (auto ok = validate_message(*in.message); !ok) return ok;
    link.message = *in.message;
  }
  if (in.label) {
    if (auto ok = validate_label(*in.label); !ok) return ok;
    link.label = *in.label;
  }
  if (in.active) link.active = *in.active;
  if (in.preview_title) {
    if (auto ok = validate_text(*in.preview_title, "preview_title", kMaxLabelChars); !ok) return ok;
    link.preview_title = *in.preview_title;
  }
  if (in.preview_description) {
    auto ok = validate_text(*in.preview_description, "preview_description", kMaxPreviewChars);
    if (!ok) return ok;
    link.preview_description = *in.preview_description;
  }
  if (in.preview_image) {
    if (auto ok = validate_image_url(*in.preview_image); !ok) return ok;
    link.preview_image = *in.preview_image;
  }
  return {};
}

}  // namespace

Catalog::Catalog(LinkStore& store, routing::RoutingTableHolder& tables,
                 routing::AssignmentTable& assignments, const Clock& clock)
    : store_(store), tables_(tables), assignments_(assignments), clock_(clock) {}

Result<void> Catalog::load() {
  auto links = store_.load_links();
  if (!links) return fail(links.error());
  auto centrals = store_.load_centrals();
  if (!centrals) return fail(centrals.error());
  std::lock_guard lock(mutex_);
  rebuild_locked(std::move(*links), std::move(*centrals));
  return {};
}

Result<void> Catalog::reload() {
  // Read under the lock, so a local write cannot land between the read and
  // its publication and then be overwritten by older data.
  std::lock_guard lock(mutex_);
  auto links = store_.load_links();
  if (!links) return fail(links.error());
  auto centrals = store_.load_centrals();
  if (!centrals) return fail(centrals.error());
  std::set<CentralId> fresh;
  for (const auto& c : *centrals) fresh.insert(c.id);
  for (const auto& [id, central] : centrals_) {
    if (!fresh.contains(id)) assignments_.erase_central(id);
  }
  rebuild_locked(std::move(*links), std::move(*centrals));
  return {};
}

void Catalog::rebuild_locked(std::vector<Link> links, std::vector<Central> centrals) {
  links_.clear();
  links_.reserve(links.size());
  for (const auto& l : links) links_.emplace(l.id, routing::make_link_route(l));
  links = {};
  centrals_.clear();
  for (auto& c : centrals) centrals_.emplace(c.id, std::move(c));

  std::unordered_map<LinkId, std::shared_ptr<routing::CentralRouter>> by_anchor;
  std::unordered_map<CentralId, std::shared_ptr<routing::CentralRouter>> live;
  for (const auto& [id, central] : centrals_) {
    if (auto router = configure_locked(central)) {
      by_anchor.emplace(central.anchor_id, router);
      live.emplace(id, std::move(router));
    } else if (const auto old = routers_.find(id); old != routers_.end()) {
      live.emplace(id, old->second);
    }
  }
  routers_ = std::move(live);
  std::vector<routing::RoutingTable::Entry> entries;
  entries.reserve(links_.size());
  for (const auto& [id, route] : links_) {
    const auto it = by_anchor.find(id);
    entries.push_back({route, it == by_anchor.end() ? nullptr : it->second});
  }
  table_ = routing::RoutingTable::build(std::move(entries));
  publish_locked();
}

std::shared_ptr<routing::CentralRouter> Catalog::configure_locked(const Central& central) {
  // Links and centrals are read by two queries: a change committed between
  // them (another node) may name a link this read has not seen yet. Such a
  // central waits for the reload that change's notification brings.
  const auto anchor = links_.find(central.anchor_id);
  const bool complete =
      anchor != links_.end() && std::ranges::all_of(central.members, [&](const Member& m) {
        return links_.contains(m.link_id);
      });
  if (!complete) {
    spdlog::warn("event=central_incomplete id={} (its links are not loaded yet)", central.id);
    return nullptr;
  }
  const auto old = routers_.find(central.id);
  auto router =
      old != routers_.end() ? old->second : std::make_shared<routing::CentralRouter>(central.id);
  std::vector<routing::MemberRoute> members;
  members.reserve(central.members.size());
  for (const auto& m : central.members) {
    std::optional<routing::BusinessHours> hours;
    if (m.hours) {
      // Stored schedules were validated on the way in; a zone that has
      // since vanished from tzdata leaves the member always open.
      if (auto compiled = routing::BusinessHours::compile(*m.hours)) hours = std::move(*compiled);
    }
    members.push_back({links_.at(m.link_id), m.weight, std::move(hours)});
  }
  router->configure(central, anchor->second, std::move(members));
  return router;
}

void Catalog::apply_central_locked(const Central& central) {
  auto router = configure_locked(central);
  if (!router) return;
  routers_[central.id] = router;
  table_ = table_.with({links_.at(central.anchor_id), std::move(router)});
}

void Catalog::apply_link_locked(routing::LinkRouteRef route) {
  const LinkId id = route->id();
  std::shared_ptr<routing::CentralRouter> anchored;
  if (const auto old = links_.find(id); old != links_.end()) {
    if (const auto* entry = table_.find(old->second->slug())) anchored = entry->central;
    if (old->second->slug() != route->slug()) table_ = table_.without(old->second->slug());
  }
  links_[id] = route;
  table_ = table_.with({std::move(route), std::move(anchored)});
  for (const auto& [cid, central] : centrals_) {
    const bool names_it =
        central.anchor_id == id ||
        std::ranges::any_of(central.members, [id](const Member& m) { return m.link_id == id; });
    if (names_it) apply_central_locked(central);
  }
}

void Catalog::publish_locked() {
  tables_.publish(std::make_shared<const routing::RoutingTable>(table_));
}

std::vector<Link> Catalog::links() const {
  std::lock_guard lock(mutex_);
  std::vector<Link> out;
  out.reserve(links_.size());
  for (const auto& [id, route] : links_) out.push_back(route->link());
  std::ranges::sort(out, {}, &Link::id);
  return out;
}

std::size_t Catalog::link_count() const {
  std::lock_guard lock(mutex_);
  return links_.size();
}

std::size_t Catalog::central_count() const {
  std::lock_guard lock(mutex_);
  return centrals_.size();
}

std::optional<LinkId> Catalog::find_link(std::string_view ref) const {
  std::lock_guard lock(mutex_);
  auto id = resolve_locked(ref, "id");
  return id ? std::optional(*id) : std::nullopt;
}

Result<Link> Catalog::link(LinkId id) const {
  std::lock_guard lock(mutex_);
  const auto it = links_.find(id);
  if (it == links_.end()) return fail(Error::not_found("no link with id " + std::to_string(id)));
  return it->second->link();
}

Result<Link> Catalog::create_link(const LinkInput& input) {
  if (!input.slug) return fail(Error::invalid("slug", "slug is required"));
  if (!input.phone) return fail(Error::invalid("phone", "phone is required"));
  Link link;
  link.created_at = clock_.now();
  if (auto ok = apply_link_input(link, input); !ok) return fail(ok.error());
  std::lock_guard lock(mutex_);
  auto stored = store_.insert_link(link);
  if (!stored) return fail(stored.error());
  apply_link_locked(routing::make_link_route(*stored));
  publish_locked();
  return stored;
}

Result<Link> Catalog::update_link(LinkId id, const LinkInput& input) {
  std::lock_guard lock(mutex_);
  const auto it = links_.find(id);
  if (it == links_.end()) return fail(Error::not_found("no link with id " + std::to_string(id)));
  Link link = it->second->link();
  if (auto ok = apply_link_input(link, input); !ok) return fail(ok.error());
  if (auto ok = store_.update_link(link); !ok) return fail(ok.error());
  apply_link_locked(routing::make_link_route(link));
  publish_locked();
  return link;
}

Result<void> Catalog::delete_link(LinkId id) {
  std::lock_guard lock(mutex_);
  const auto it = links_.find(id);
  if (it == links_.end()) return fail(Error::not_found("no link with id " + std::to_string(id)));
  for (const auto& [cid, central] : centrals_) {
    if (central.anchor_id == id) {
      return fail(Error::conflict("id", "link is the anchor of central " + std::to_string(cid) +
                                            "; delete the central first"));
    }
  }
  if (auto ok = store_.delete_link(id); !ok) return ok;
  table_ = table_.without(it->second->slug());
  links_.erase(it);
  for (auto& [cid, central] : centrals_) {
    if (std::erase_if(central.members, [id](const Member& m) { return m.link_id == id; }) > 0) {
      apply_central_locked(central);
    }
  }
  publish_locked();
  return {};
}

std::vector<Central> Catalog::centrals() const {
  std::lock_guard lock(mutex_);
  std::vector<Central> out;
  out.reserve(centrals_.size());
  for (const auto& [id, central] : centrals_) out.push_back(central);
  return out;
}

Result<Central> Catalog::central(CentralId id) const {
  std::lock_guard lock(mutex_);
  const auto it = centrals_.find(id);
  if (it == centrals_.end()) {
    return fail(Error::not_found("no central with id " + std::to_string(id)));
  }
  return it->second;
}

Result<LinkId> Catalog::resolve_locked(std::string_view ref, std::string_view field) const {
  if (const auto id = parse_positive_id(ref); id && links_.contains(*id)) return *id;
  if (const auto* entry = table_.find(ref)) return entry->link->id();
  return fail(Error{ErrorCode::kUnprocessable,
                    "no link with slug or id \"" + std::string(ref) + "\"", std::string(field)});
}

namespace {

constexpr std::size_t kMaxRegionsPerMember = 100;
constexpr std::size_t kMaxEntryDescriptionChars = 500;

// The Seletivo texts and Geolocalizado regions of one member; errors name
// `members[i].<field>`.
Result<void> apply_member_extras(Member& member, const MemberInput& in, const std::string& field) {
  if (auto ok = validate_text(in.title, field + ".title", kMaxLabelChars); !ok) {
    return fail(ok.error());
  }
  if (auto ok = validate_text(in.description, field + ".description", kMaxEntryDescriptionChars);
      !ok) {
    return fail(ok.error());
  }
  if (auto ok = validate_image_url(in.photo_url); !ok) {
    Error error = ok.error();
    error.field = field + ".photo_url";
    const std::string_view old_name = "preview_image";
    if (error.message.starts_with(old_name)) error.message.replace(0, old_name.size(), "photo_url");
    return fail(std::move(error));
  }
  if (in.regions.size() > kMaxRegionsPerMember) {
    return fail(Error::invalid(field + ".regions", "a member has at most 100 regions"));
  }
  member.title = in.title;
  member.description = in.description;
  member.photo_url = in.photo_url;
  member.regions.clear();
  for (std::size_t j = 0; j < in.regions.size(); ++j) {
    auto region = normalize_region(in.regions[j], field + ".regions[" + std::to_string(j) + "]");
    if (!region) return fail(region.error());
    if (std::ranges::find(member.regions, *region) == member.regions.end()) {
      member.regions.push_back(std::move(*region));
    }
  }
  return {};
}

}  // namespace

Result<Central> Catalog::apply_central_input_locked(Central central,
                                                    const CentralInput& input) const {
  if (input.anchor) {
    auto anchor = resolve_locked(*input.anchor, "anchor");
    if (!anchor) return fail(anchor.error());
    for (const auto& [id, other] : centrals_) {
      if (id != central.id && other.anchor_id == *anchor) {
        return fail(Error::conflict("anchor", "link \"" + std::string(links_.at(*anchor)->slug()) +
                                                  "\" is already the anchor of central " +
                                                  std::to_string(id)));
      }
    }
    central.anchor_id = *anchor;
  }
  if (input.fixed) central.fixed = *input.fixed;
  if (input.when_closed) central.when_closed = *input.when_closed;
  if (input.mode) central.mode = *input.mode;
  if (input.title) {
    if (auto ok = validate_text(*input.title, "title", kMaxLabelChars); !ok)
      return fail(ok.error());
    central.title = *input.title;
  }
  if (input.shuffle) central.shuffle = *input.shuffle;
  if (input.members) {
    if (input.members->empty()) {
      return fail(Error::invalid("members", "a central needs at least one member"));
    }
    if (input.members->size() > kMaxMembers) {
      return fail(Error::invalid("members", "a central has at most 1000 members"));
    }
    std::vector<Member> members;
    std::set<LinkId> seen;
    for (std::size_t i = 0; i < input.members->size(); ++i) {
      const auto& in = (*input.members)[i];
      const std::string field = "members[" + std::to_string(i) + "]";
      auto id = resolve_locked(in.link, field);
      if (!id) return fail(id.error());
      if (*id == central.anchor_id) {
        return fail(Error::invalid(field, "the anchor cannot also be a member of its central"));
      }
      if (!seen.insert(*id).second) {
        return fail(Error::invalid(field, "link \"" + in.link + "\" is listed twice"));
      }
      if (in.weight < 1 || in.weight > kMaxWeight) {
        return fail(Error::invalid(field + ".weight", "weight must be an integer from 1 to 100"));
      }
      Member member;
      member.link_id = *id;
      member.weight = in.weight;
      if (auto ok = apply_member_extras(member, in, field); !ok) return fail(ok.error());
      // A member who stays keeps their business hours.
      for (const auto& old : central.members) {
        if (old.link_id == *id) member.hours = old.hours;
      }
      members.push_back(std::move(member));
    }
    central.members = std::move(members);
  }
  if (central.mode == CentralMode::kGeo) {
    for (std::size_t i = 0; i < central.members.size(); ++i) {
      if (central.members[i].regions.empty()) {
        return fail(Error::invalid("members[" + std::to_string(i) + "].regions",
                                   "a member of a geo central needs at least one region"));
      }
    }
  }
  if (auto ok = check_no_cycle_locked(central); !ok) return fail(ok.error());
  return central;
}

Result<void> Catalog::check_no_cycle_locked(const Central& central) const {
  // Members of each anchor, with `central` in place of its stored version.
  std::unordered_map<LinkId, const std::vector<Member>*> members_of;
  for (const auto& [id, other] : centrals_) {
    if (id != central.id) members_of.emplace(other.anchor_id, &other.members);
  }
  members_of[central.anchor_id] = &central.members;
  std::vector<LinkId> pending;
  pending.reserve(central.members.size());
  std::set<LinkId> seen;
  for (const Member& m : central.members) pending.push_back(m.link_id);
  while (!pending.empty()) {
    const LinkId link = pending.back();
    pending.pop_back();
    if (link == central.anchor_id) {
      return fail(Error::conflict("members", "a member leads back to this central's anchor \"" +
                                                 std::string(links_.at(central.anchor_id)->slug()) +
                                                 "\" through another central (a cycle)"));
    }
    if (!seen.insert(link).second) continue;
    if (const auto it = members_of.find(link); it != members_of.end()) {
      for (const Member& m : *it->second) pending.push_back(m.link_id);
    }
  }
  return {};
}

Result<Central> Catalog::create_central(const CentralInput& input) {
  if (!input.anchor) return fail(Error::invalid("anchor", "anchor is required"));
  if (!input.members) return fail(Error::invalid("members", "members is required"));
  std::lock_guard lock(mutex_);
  Central fresh;
  fresh.created_at = clock_.now();
  auto central = apply_central_input_locked(std::move(fresh), input);
  if (!central) return central;
  auto stored = store_.insert_central(*central);
  if (!stored) return stored;
  centrals_.emplace(stored->id, *stored);
  apply_central_locked(*stored);
  publish_locked();
  return stored;
}

Result<Central> Catalog::update_central(CentralId id, const CentralInput& input) {
  std::lock_guard lock(mutex_);
  const auto it = centrals_.find(id);
  if (it == centrals_.end()) {
    return fail(Error::not_found("no central with id " + std::to_string(id)));
  }
  if (input.anchor) {
    auto anchor = resolve_locked(*input.anchor, "anchor");
    if (!anchor) return fail(anchor.error());
    if (*anchor != it->second.anchor_id) {
      return fail(Error::invalid("anchor",
                                 "the anchor of a central cannot change; "
                                 "create a new central instead"));
    }
  }
  auto central = apply_central_input_locked(it->second, input);
  if (!central) return central;
  if (const auto r = routers_.find(id); r != routers_.end()) central->cursor = r->second->cursor();
  if (auto ok = store_.update_central(*central); !ok) return fail(ok.error());
  it->second = *central;
  apply_central_locked(*central);
  publish_locked();
  return central;
}

Result<void> Catalog::delete_central(CentralId id) {
  std::lock_guard lock(mutex_);
  if (!centrals_.contains(id)) {
    return fail(Error::not_found("no central with id " + std::to_string(id)));
  }
  if (auto ok = store_.delete_central(id); !ok) return ok;
  const auto& anchor = links_.at(centrals_.at(id).anchor_id);
  table_ = table_.with({anchor, nullptr});
  centrals_.erase(id);
  routers_.erase(id);
  assignments_.erase_central(id);
  publish_locked();
  return {};
}

Result<Central> Catalog::set_member_hours(CentralId id, std::string_view link_ref,
                                          std::optional<Schedule> hours) {
  if (hours) {
    if (auto ok = routing::validate_schedule(*hours); !ok) return fail(ok.error());
  }
  std::lock_guard lock(mutex_);
  const auto it = centrals_.find(id);
  if (it == centrals_.end()) {
    return fail(Error::not_found("no central with id " + std::to_string(id)));
  }
  auto link_id = resolve_locked(link_ref, "slug");
  if (!link_id) return fail(Error::not_found(link_id.error().message));
  Central central = it->second;
  const auto member = std::find_if(central.members.begin(), central.members.end(),
                                   [&](const Member& m) { return m.link_id == *link_id; });
  if (member == central.members.end()) {
    return fail(Error::not_found("link \"" + std::string(link_ref) +
                                 "\" is not a member of central " + std::to_string(id)));
  }
  member->hours = std::move(hours);
  if (const auto r = routers_.find(id); r != routers_.end()) central.cursor = r->second->cursor();
  if (auto ok = store_.update_central(central); !ok) return fail(ok.error());
  it->second = central;
  apply_central_locked(central);
  publish_locked();
  return central;
}

std::string Catalog::slug_of(LinkId id) const {
  std::lock_guard lock(mutex_);
  const auto it = links_.find(id);
  return it == links_.end() ? std::string() : std::string(it->second->slug());
}

std::shared_ptr<routing::CentralRouter> Catalog::router(CentralId id) const {
  std::lock_guard lock(mutex_);
  const auto it = routers_.find(id);
  return it == routers_.end() ? nullptr : it->second;
}

std::vector<std::shared_ptr<routing::CentralRouter>> Catalog::routers() const {
  std::lock_guard lock(mutex_);
  std::vector<std::shared_ptr<routing::CentralRouter>> out;
  out.reserve(routers_.size());
  for (const auto& [id, router] : routers_) out.push_back(router);
  return out;
}

}  // namespace sequencial::domain
