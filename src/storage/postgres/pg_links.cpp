// PgStore's LinkStore role (storage/link_store.h): links, centrals with
// their members, rotation cursors.
#include "storage/postgres/pg_store.h"

#include <map>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "storage/contract_errors.h"
#include "storage/postgres/pg_store_private.h"
#include "storage/schedule_codec.h"
#include "storage/stored_rows.h"
#include "storage/stored_values.h"

namespace sequencial::postgres {
namespace {

using namespace stored;  // values, rows and the contract's errors (stored_*.h, contract_errors.h)

// $1..$8: the editable fields of a link (everything but id and created_at).
Params link_fields(const Link& link) {
  Params p;
  p.add(link.slug)
      .add(link.phone)
      .add(link.message)
      .add(link.label)
      .add(link.active)
      .add(link.preview_title)
      .add(link.preview_description)
      .add(link.preview_image);
  return p;
}

// Anchor and members must exist, and no link may be listed twice.
Result<void> check_references(Connection& c, const Central& central) {
  ArrayLiteral ids;
  ids.add(central.anchor_id);
  for (const Member& m : central.members) ids.add(m.link_id);
  auto r = c.exec_prepared("existing_links",
                           "SELECT id FROM links WHERE id = ANY ($1::bigint[]) FOR KEY SHARE",
                           Params().add(ids.str()));
  if (!r) return fail(std::move(r.error()));
  std::unordered_set<LinkId> existing;
  for (int i = 0; i < r->rows(); ++i) existing.insert(r->int_at(i, 0));
  return check_central_links(
      central, [&existing](LinkId id) -> Result<bool> { return existing.contains(id); });
}

Result<void> write_members(Connection& c, const Central& central) {
  if (central.members.empty()) return {};
  ArrayLiteral links;
  ArrayLiteral weights;
  ArrayLiteral hours;
  ArrayLiteral titles;
  ArrayLiteral descriptions;
  ArrayLiteral photos;
  ArrayLiteral regions;
  for (const Member& member : central.members) {
    titles.add(member.title);
    descriptions.add(member.description);
    photos.add(member.photo_url);
    regions.add(storage::encode_regions(member.regions));
    links.add(member.link_id);
    weights.add(static_cast<std::int64_t>(member.weight));
    if (member.hours) {
      auto encoded = storage::encode_schedule(*member.hours);
      if (!encoded) return fail(std::move(encoded.error()));
      hours.add(*encoded);
    } else {
      hours.add_null();
    }
  }
  Params params;
  params.add(central.id).add(links.str()).add(weights.str()).add(hours.str());
  params.add(titles.str()).add(descriptions.str()).add(photos.str()).add(regions.str());
  auto r = c.exec_prepared(
      "insert_members",
      "INSERT INTO central_members (central_id, position, link_id, weight, hours, title,"
      " description, photo_url, regions)"
      " SELECT $1, m.ord - 1, m.link_id, m.weight, m.hours, m.title, m.description, m.photo_url,"
      "        m.regions"
      " FROM unnest($2::bigint[], $3::integer[], $4::text[], $5::text[], $6::text[], $7::text[],"
      "             $8::text[]) WITH ORDINALITY"
      "   AS m(link_id, weight, hours, title, description, photo_url, regions, ord)",
      params);
  if (!r) return fail(std::move(r.error()));
  return {};
}

}  // namespace

// ---- links ----

Result<std::vector<Link>> PgStore::load_links() {
  auto conn = pool_.acquire();
  if (!conn) return fail(std::move(conn.error()));
  auto r = (*conn)->exec_prepared("load_links", select(kLinkColumns, "FROM links ORDER BY id"),
                                  Params());
  if (!r) return fail(std::move(r.error()));
  return all_rows<Link>(*r, link_from<PgRow>);
}

Result<Link> PgStore::insert_link(const Link& link) {
  auto conn = pool_.acquire();
  if (!conn) return fail(std::move(conn.error()));
  Link stored = link;
  if (stored.created_at == Timestamp{}) stored.created_at = now();
  Params params = link_fields(stored);
  params.add(to_db(stored.created_at));
  auto r = (*conn)->exec_prepared(
      "insert_link",
      "INSERT INTO links (slug, phone, message, label, active, preview_title,"
      " preview_description, preview_image, created_at)"
      " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
      params);
  if (!r) {
    if (violated(**conn, kUniqueViolation, "links_slug_key")) return fail(slug_in_use());
    return fail(std::move(r.error()));
  }
  stored.id = r->int_at(0, 0);
  return stored;
}

Result<void> PgStore::update_link(const Link& link) {
  auto conn = pool_.acquire();
  if (!conn) return fail(std::move(conn.error()));
  Params params = link_fields(link);
  params.add(link.id);
  auto r = (*conn)->exec_prepared(
      "update_link",
      "UPDATE links SET slug = $1, phone = $2, message = $3, label = $4, active = $5,"
      " preview_title = $6, preview_description = $7, preview_image = $8 WHERE id = $9",
      params);
  if (!r) {
    if (violated(**conn, kUniqueViolation, "links_slug_key")) return fail(slug_in_use());
    return fail(std::move(r.error()));
  }
  if (r->affected() == 0) return fail(link_not_found(link.id));
  return {};
}

Result<void> PgStore::delete_link(LinkId id) {
  auto conn = pool_.acquire();
  if (!conn) return fail(std::move(conn.error()));
  Connection& c = **conn;
  auto tx = Transaction::begin(c);
  if (!tx) return fail(std::move(tx.error()));
  auto anchor = c.exec_prepared(
      "anchor_of", "SELECT id FROM centrals WHERE anchor_id = $1 ORDER BY id LIMIT 1", one(id));
  if (!anchor) return fail(std::move(anchor.error()));
  if (anchor->rows() > 0) return fail(link_is_anchor(anchor->text_at(0, 0)));
  // Memberships cascade; its assignments go first (the trigger
  // links_forget_assignments, pg_migrations.cpp).
  auto deleted = c.exec_prepared("delete_link", "DELETE FROM links WHERE id = $1", one(id));
  if (!deleted) {
    // A central made it its anchor since the check above.
    if (violated(c, kForeignKeyViolation)) return fail(link_is_anchor("(new)"));
    return fail(std::move(deleted.error()));
  }
  if (deleted->affected() == 0) return fail(link_not_found(id));
  // Close the gaps the cascade left, keeping the order: positions stay 0..n-1.
  auto renumbered =
      c.exec_prepared("renumber_members",
                      "UPDATE central_members SET position = ranked.new_position"
                      " FROM (SELECT central_id, link_id,"
                      "       row_number() OVER (PARTITION BY central_id ORDER BY position) - 1"
                      "         AS new_position"
                      "       FROM central_members) AS ranked"
                      " WHERE central_members.central_id = ranked.central_id"
                      "   AND central_members.link_id = ranked.link_id"
                      "   AND central_members.position <> ranked.new_position",
                      Params());
  if (!renumbered) return fail(std::move(renumbered.error()));
  return tx->commit();
}

Result<std::vector<Central>> PgStore::load_centrals() {
  auto conn = pool_.acquire();
  if (!conn) return fail(std::move(conn.error()));
  Connection& c = **conn;
  // One snapshot for both SELECTs, so members always match their centrals.
  auto tx = Transaction::begin(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  if (!tx) return fail(std::move(tx.error()));

  std::vector<Central> centrals;
  std::unordered_map<CentralId, std::size_t> index;
  auto r = c.exec_prepared("load_centrals", select(kCentralColumns, "FROM centrals ORDER BY id"),
                           Params());
  if (!r) return fail(std::move(r.error()));
  for (int i = 0; i < r->rows(); ++i) {
    auto central = central_from(PgRow(*r, i));
    if (!central) return fail(std::move(central.error()));
    centrals.push_back(std::move(*central));
    index.emplace(centrals.back().id, centrals.size() - 1);
  }
  auto m = c.exec_prepared(
      "load_members", select(kMemberColumns, "FROM central_members ORDER BY central_id, position"),
      Params());
  if (!m) return fail(std::move(m.error()));
  for (int i = 0; i < m->rows(); ++i) {
    auto owner = index.find(m->int_at(i, 0));
    if (owner == index.end()) continue;  // impossible with foreign keys
    auto member = member_from(PgRow(*m, i));
    if (!member) return fail(std::move(member.error()));
    centrals[owner->second].members.push_back(std::move(*member));
  }
  if (auto done = tx->commit(); !done) return fail(std::move(done.error()));
  return centrals;
}

Result<Central> PgStore::insert_central(const Central& central) {
  auto conn = pool_.acquire();
  if (!conn) return fail(std::move(conn.error()));
  Connection& c = **conn;
  Central stored = central;
  if (stored.created_at == Timestamp{}) stored.created_at = now();

  auto tx = Transaction::begin(c);
  if (!tx) return fail(std::move(tx.error()));
  if (auto ok = check_references(c, stored); !ok) return fail(std::move(ok.error()));
  Params params;
  params.add(stored.anchor_id)
      .add(stored.fixed)
      .add(when_closed_name(stored.when_closed))
      .add(to_db(stored.cursor))
      .add(to_db(stored.created_at))
      .add(central_mode_name(stored.mode))
      .add(std::string_view(stored.title))
      .add(stored.shuffle);
  auto r = c.exec_prepared(
      "insert_central",
      "INSERT INTO centrals (anchor_id, fixed, when_closed, cursor, created_at, mode, title,"
      " shuffle) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
      params);
  if (!r) {
    if (violated(c, kUniqueViolation, "centrals_anchor_key")) return fail(anchor_taken());
    return fail(std::move(r.error()));
  }
  stored.id = r->int_at(0, 0);
  if (auto ok = write_members(c, stored); !ok) return fail(std::move(ok.error()));
  // The shared rotation counter; MINVALUE 0 so the first ticket is 0, and
  // the default CACHE 1 so tickets are handed out in order across nodes.
  if (auto made = c.exec(sequence_ddl("CREATE SEQUENCE", stored.id) + " MINVALUE 0 START 0");
      !made) {
    return fail(std::move(made.error()));
  }
  if (auto done = tx->commit(); !done) return fail(std::move(done.error()));
  return stored;
}

Result<void> PgStore::update_central(const Central& central) {
  auto conn = pool_.acquire();
  if (!conn) return fail(std::move(conn.error()));
  Connection& c = **conn;
  auto tx = Transaction::begin(c);
  if (!tx) return fail(std::move(tx.error()));
  auto found = c.exec_prepared("lock_central", "SELECT 1 FROM centrals WHERE id = $1 FOR UPDATE",
                               one(central.id));
  if (!found) return fail(std::move(found.error()));
  if (found->rows() == 0) return fail(central_not_found(central.id));
  if (auto ok = check_references(c, central); !ok) return fail(std::move(ok.error()));
  Params params;
  params.add(central.anchor_id)
      .add(central.fixed)
      .add(when_closed_name(central.when_closed))
      .add(to_db(central.cursor))
      .add(central.id)
      .add(central_mode_name(central.mode))
      .add(std::string_view(central.title))
      .add(central.shuffle);
  auto r = c.exec_prepared(
      "update_central",
      "UPDATE centrals SET anchor_id = $1, fixed = $2, when_closed = $3, cursor = $4,"
      " mode = $6, title = $7, shuffle = $8 WHERE id = $5",
      params);
  if (!r) {
    if (violated(c, kUniqueViolation, "centrals_anchor_key")) return fail(anchor_taken());
    return fail(std::move(r.error()));
  }
  auto cleared = c.exec_prepared(
      "delete_members", "DELETE FROM central_members WHERE central_id = $1", one(central.id));
  if (!cleared) return fail(std::move(cleared.error()));
  if (auto ok = write_members(c, central); !ok) return fail(std::move(ok.error()));
  return tx->commit();
}

Result<void> PgStore::delete_central(CentralId id) {
  auto conn = pool_.acquire();
  if (!conn) return fail(std::move(conn.error()));
  Connection& c = **conn;
  auto tx = Transaction::begin(c);
  if (!tx) return fail(std::move(tx.error()));
  // Members cascade, assignments go by trigger (centrals_forget_assignments);
  // the ticket sequence goes too.
  auto r = c.exec_prepared("delete_central", "DELETE FROM centrals WHERE id = $1", one(id));
  if (!r) return fail(std::move(r.error()));
  if (r->affected() == 0) return fail(central_not_found(id));
  if (auto dropped = c.exec(sequence_ddl("DROP SEQUENCE IF EXISTS", id)); !dropped) {
    return fail(std::move(dropped.error()));
  }
  return tx->commit();
}

Result<void> PgStore::save_cursors(std::span<const CursorUpdate> cursors) {
  if (cursors.empty()) return {};
  // The last update of a central wins, as if applied in order.
  std::map<CentralId, std::uint64_t> latest;
  for (const CursorUpdate& u : cursors) latest[u.central_id] = u.cursor;
  ArrayLiteral ids;
  ArrayLiteral values;
  for (const auto& [id, cursor] : latest) {
    ids.add(id);
    values.add(to_db(cursor));
  }
  auto conn = pool_.acquire();
  if (!conn) return fail(std::move(conn.error()));
  Params params;
  params.add(ids.str()).add(values.str());
  auto r = (*conn)->exec_prepared(
      "save_cursors",
      "UPDATE centrals SET cursor = u.cursor"
      " FROM unnest($1::bigint[], $2::bigint[]) AS u(id, cursor) WHERE centrals.id = u.id",
      params);
  if (!r) return fail(std::move(r.error()));
  return {};
}

}  // namespace sequencial::postgres
