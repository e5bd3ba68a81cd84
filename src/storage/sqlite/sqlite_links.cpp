// SqliteStore's LinkStore role (storage/link_store.h): links, centrals
// with their members, rotation cursors.
#include "storage/sqlite/sqlite_store.h"

#include <string>
#include <unordered_map>
#include <utility>

#include "core/validation.h"
#include "storage/contract_errors.h"
#include "storage/schedule_codec.h"
#include "storage/sqlite/sqlite_store_private.h"
#include "storage/stored_rows.h"
#include "storage/stored_values.h"

namespace sequencial::sqlite {
namespace {

using namespace stored;  // values, rows and the contract's errors (stored_*.h, contract_errors.h)

// Binds ?1..?9 to the editable fields of a link (everything but id and created_at).
void bind_link_fields(Query& q, const Link& link) {
  q.bind_text(1, link.slug)
      .bind_text(2, slug_key(link.slug))
      .bind_text(3, link.phone)
      .bind_text(4, link.message)
      .bind_text(5, link.label)
      .bind_int(6, link.active ? 1 : 0)
      .bind_text(7, link.preview_title)
      .bind_text(8, link.preview_description)
      .bind_text(9, link.preview_image);
}

}  // namespace

// ---- links ----

Result<std::vector<Link>> SqliteStore::load_links() {
  Lock lock(mu_);
  auto q = db_.query(select(kLinkColumns, "FROM links ORDER BY id"));
  if (!q) return fail(std::move(q.error()));
  std::vector<Link> links;
  {
    // Sized up front: with a million links, growing the vector copied
    // hundreds of MB at start-up.
    auto count = db_.query("SELECT count(*) FROM links");
    if (!count) return fail(std::move(count.error()));
    auto row = count->step();
    if (!row) return fail(std::move(row.error()));
    if (*row) links.reserve(static_cast<std::size_t>(count->int_at(0)));
  }
  auto loaded = all_rows<Link>(*q, link_from<SqliteRow>, std::move(links));
  if (!loaded) return loaded;
  // The scan filled the page cache with the links table, which the
  // redirect path never reads again: give that memory back.
  if (auto ok = db_.exec("PRAGMA shrink_memory"); !ok) return fail(std::move(ok.error()));
  return loaded;
}

Result<Link> SqliteStore::insert_link(const Link& link) {
  Lock lock(mu_);
  Link stored = link;
  if (stored.created_at == Timestamp{}) stored.created_at = now();
  auto q = db_.query(
      "INSERT INTO links (slug, slug_key, phone, message, label, active, preview_title,"
      " preview_description, preview_image, created_at)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
  if (!q) return fail(std::move(q.error()));
  bind_link_fields(*q, stored);
  q->bind_int(10, to_db(stored.created_at));
  if (auto done = q->run(); !done) {
    if (q->violated_unique("links.slug_key")) return fail(slug_in_use());
    return fail(std::move(done.error()));
  }
  stored.id = db_.last_insert_rowid();
  return stored;
}

Result<void> SqliteStore::update_link(const Link& link) {
  Lock lock(mu_);
  auto q = db_.query(
      "UPDATE links SET slug = ?1, slug_key = ?2, phone = ?3, message = ?4, label = ?5,"
      " active = ?6, preview_title = ?7, preview_description = ?8, preview_image = ?9"
      " WHERE id = ?10");
  if (!q) return fail(std::move(q.error()));
  bind_link_fields(*q, link);
  q->bind_int(10, link.id);
  if (auto done = q->run(); !done) {
    if (q->violated_unique("links.slug_key")) return fail(slug_in_use());
    return fail(std::move(done.error()));
  }
  if (db_.changes() == 0) return fail(link_not_found(link.id));
  return {};
}

Result<void> SqliteStore::delete_link(LinkId id) {
  Lock lock(mu_);
  auto tx = Transaction::begin(db_, Transaction::Kind::kWrite);
  if (!tx) return fail(std::move(tx.error()));
  {
    auto anchor = db_.query("SELECT id FROM centrals WHERE anchor_id = ?1 ORDER BY id LIMIT 1");
    if (!anchor) return fail(std::move(anchor.error()));
    anchor->bind_int(1, id);
    auto row = anchor->step();
    if (!row) return fail(std::move(row.error()));
    if (*row) {
      return fail(link_is_anchor(std::to_string(anchor->int_at(0))));
    }
  }
  // Memberships and assignments go with the link (ON DELETE CASCADE).
  if (auto done = run_with_id(db_, "DELETE FROM links WHERE id = ?1", id); !done) {
    return fail(std::move(done.error()));
  }
  if (db_.changes() == 0) return fail(link_not_found(id));
  // Close the gaps the cascade left, keeping the order: positions stay 0..n-1.
  auto renumber = db_.query(
      "UPDATE central_members SET position = ranked.new_position"
      " FROM (SELECT central_id, link_id,"
      "       row_number() OVER (PARTITION BY central_id ORDER BY position) - 1"
      "         AS new_position"
      "       FROM central_members) AS ranked"
      " WHERE central_members.central_id = ranked.central_id"
      "   AND central_members.link_id = ranked.link_id"
      "   AND central_members.position <> ranked.new_position");
  if (!renumber) return fail(std::move(renumber.error()));
  if (auto done = renumber->run(); !done) return fail(std::move(done.error()));
  return tx->commit();
}

// ---- centrals ----

Result<std::vector<Central>> SqliteStore::load_centrals() {
  Lock lock(mu_);
  // One snapshot for both SELECTs, so members always match their centrals.
  auto tx = Transaction::begin(db_, Transaction::Kind::kRead);
  if (!tx) return fail(std::move(tx.error()));

  std::vector<Central> centrals;
  std::unordered_map<CentralId, std::size_t> index;
  {
    auto q = db_.query(select(kCentralColumns, "FROM centrals ORDER BY id"));
    if (!q) return fail(std::move(q.error()));
    while (true) {
      auto row = q->step();
      if (!row) return fail(std::move(row.error()));
      if (!*row) break;
      auto central = central_from(SqliteRow(*q));
      if (!central) return fail(std::move(central.error()));
      centrals.push_back(std::move(*central));
      index.emplace(centrals.back().id, centrals.size() - 1);
    }
  }
  {
    auto q =
        db_.query(select(kMemberColumns, "FROM central_members ORDER BY central_id, position"));
    if (!q) return fail(std::move(q.error()));
    while (true) {
      auto row = q->step();
      if (!row) return fail(std::move(row.error()));
      if (!*row) break;
      auto owner = index.find(q->int_at(0));
      if (owner == index.end()) continue;  // impossible with foreign keys on
      auto member = member_from(SqliteRow(*q));
      if (!member) return fail(std::move(member.error()));
      centrals[owner->second].members.push_back(std::move(*member));
    }
  }
  if (auto done = tx->commit(); !done) return fail(std::move(done.error()));
  return centrals;
}

Result<void> SqliteStore::check_references(const Central& central) {
  return check_central_links(
      central, [this](LinkId id) { return exists("SELECT 1 FROM links WHERE id = ?1", id); });
}

Result<void> SqliteStore::write_members(const Central& central) {
  std::int64_t position = 0;
  for (const Member& member : central.members) {
    std::optional<std::string> hours;
    if (member.hours) {
      auto encoded = storage::encode_schedule(*member.hours);
      if (!encoded) return fail(std::move(encoded.error()));
      hours = std::move(*encoded);
    }
    auto q = db_.query(
        "INSERT INTO central_members (central_id, position, link_id, weight, hours, title,"
        " description, photo_url, regions) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
    if (!q) return fail(std::move(q.error()));
    q->bind_int(1, central.id).bind_int(2, position++).bind_int(3, member.link_id);
    q->bind_int(4, member.weight);
    if (hours) {
      q->bind_text(5, *hours);
    } else {
      q->bind_null(5);
    }
    const std::string regions = storage::encode_regions(member.regions);
    q->bind_text(6, member.title)
        .bind_text(7, member.description)
        .bind_text(8, member.photo_url)
        .bind_text(9, regions);
    if (auto done = q->run(); !done) return fail(std::move(done.error()));
  }
  return {};
}

Result<Central> SqliteStore::insert_central(const Central& central) {
  Lock lock(mu_);
  Central stored = central;
  if (stored.created_at == Timestamp{}) stored.created_at = now();

  auto tx = Transaction::begin(db_, Transaction::Kind::kWrite);
  if (!tx) return fail(std::move(tx.error()));
  if (auto ok = check_references(stored); !ok) return fail(std::move(ok.error()));
  {
    auto q = db_.query(
        "INSERT INTO centrals (anchor_id, fixed, when_closed, cursor, created_at, mode, title,"
        " shuffle) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    if (!q) return fail(std::move(q.error()));
    q->bind_int(1, stored.anchor_id)
        .bind_int(2, stored.fixed ? 1 : 0)
        .bind_text(3, when_closed_name(stored.when_closed))
        .bind_int(4, to_db(stored.cursor))
        .bind_int(5, to_db(stored.created_at))
        .bind_text(6, central_mode_name(stored.mode))
        .bind_text(7, stored.title)
        .bind_int(8, stored.shuffle ? 1 : 0);
    if (auto done = q->run(); !done) {
      if (q->violated_unique("centrals.anchor_id")) return fail(anchor_taken());
      return fail(std::move(done.error()));
    }
  }
  stored.id = db_.last_insert_rowid();
  if (auto ok = write_members(stored); !ok) return fail(std::move(ok.error()));
  if (auto done = tx->commit(); !done) return fail(std::move(done.error()));
  return stored;
}

Result<void> SqliteStore::update_central(const Central& central) {
  Lock lock(mu_);
  auto tx = Transaction::begin(db_, Transaction::Kind::kWrite);
  if (!tx) return fail(std::move(tx.error()));
  auto found = exists("SELECT 1 FROM centrals WHERE id = ?1", central.id);
  if (!found) return fail(std::move(found.error()));
  if (!*found) return fail(central_not_found(central.id));
  if (auto ok = check_references(central); !ok) return fail(std::move(ok.error()));
  {
    auto q = db_.query(
        "UPDATE centrals SET anchor_id = ?1, fixed = ?2, when_closed = ?3, cursor = ?4,"
        " mode = ?6, title = ?7, shuffle = ?8 WHERE id = ?5");
    if (!q) return fail(std::move(q.error()));
    q->bind_int(1, central.anchor_id)
        .bind_int(2, central.fixed ? 1 : 0)
        .bind_text(3, when_closed_name(central.when_closed))
        .bind_int(4, to_db(central.cursor))
        .bind_int(5, central.id)
        .bind_text(6, central_mode_name(central.mode))
        .bind_text(7, central.title)
        .bind_int(8, central.shuffle ? 1 : 0);
    if (auto done = q->run(); !done) {
      if (q->violated_unique("centrals.anchor_id")) return fail(anchor_taken());
      return fail(std::move(done.error()));
    }
  }
  if (auto done = run_with_id(db_, "DELETE FROM central_members WHERE central_id = ?1", central.id);
      !done) {
    return fail(std::move(done.error()));
  }
  if (auto ok = write_members(central); !ok) return fail(std::move(ok.error()));
  return tx->commit();
}

Result<void> SqliteStore::delete_central(CentralId id) {
  Lock lock(mu_);
  // One statement: members and assignments cascade within it, atomically.
  if (auto done = run_with_id(db_, "DELETE FROM centrals WHERE id = ?1", id); !done) {
    return fail(std::move(done.error()));
  }
  if (db_.changes() == 0) return fail(central_not_found(id));
  return {};
}

Result<void> SqliteStore::save_cursors(std::span<const CursorUpdate> cursors) {
  if (cursors.empty()) return {};
  Lock lock(mu_);
  auto tx = Transaction::begin(db_, Transaction::Kind::kWrite);
  if (!tx) return fail(std::move(tx.error()));
  for (const CursorUpdate& update : cursors) {
    auto q = db_.query("UPDATE centrals SET cursor = ?1 WHERE id = ?2");
    if (!q) return fail(std::move(q.error()));
    q->bind_int(1, to_db(update.cursor)).bind_int(2, update.central_id);
    if (auto done = q->run(); !done) return fail(std::move(done.error()));
  }
  return tx->commit();
}

}  // namespace sequencial::sqlite
