// PgStore's AssignmentStore role (storage/assignment_store.h): atendimento
// fixo, shared rotation tickets (a sequence per central), and answer_routing,
// which sends a whole batch of the redirect path's questions in one pipeline.
#include "storage/postgres/pg_store.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <functional>
#include <limits>
#include <set>
#include <string>
#include <utility>

#include "storage/contract_errors.h"
#include "storage/postgres/pg_store_private.h"
#include "storage/stored_rows.h"
#include "storage/stored_values.h"

namespace sequencial::postgres {
namespace {

using namespace stored;  // values, rows and the contract's errors (stored_*.h, contract_errors.h)

}  // namespace

Result<std::optional<std::uint64_t>> PgStore::next_rotation_ticket(CentralId central) {
  auto conn = pool_.acquire();
  if (!conn) return fail(std::move(conn.error()));
  auto r = (*conn)->exec_prepared("next_ticket", "SELECT nextval($1::regclass)",
                                  Params().add(ticket_sequence(central)));
  if (!r) {
    if (violated(**conn, kUndefinedTable)) return fail(central_not_found(central));
    return fail(std::move(r.error()));
  }
  return std::optional<std::uint64_t>(static_cast<std::uint64_t>(r->int_at(0, 0)));
}

// ---- assignments (atendimento fixo) ----

Result<std::vector<Assignment>> PgStore::load_assignments(Timestamp seen_since) {
  auto conn = pool_.acquire();
  if (!conn) return fail(std::move(conn.error()));
  auto r = (*conn)->exec_prepared(
      "load_assignments",
      select(kAssignmentColumns, "FROM assignments WHERE last_seen >= $1 ORDER BY last_seen"),
      one(to_db(seen_since)));
  if (!r) return fail(std::move(r.error()));
  return all_rows<Assignment>(*r, assignment_from<PgRow>);
}

Result<std::vector<Assignment>> PgStore::load_recent_assignments(Timestamp seen_since,
                                                                 std::size_t limit) {
  auto conn = pool_.acquire();
  if (!conn) return fail(std::move(conn.error()));
  Params params;
  params.add(to_db(seen_since))
      .add(static_cast<std::int64_t>(
          std::min<std::size_t>(limit, std::numeric_limits<std::int64_t>::max())));
  auto r = (*conn)->exec_prepared(
      "load_recent_assignments",
      select(kAssignmentColumns,
             "FROM (SELECT * FROM assignments WHERE last_seen >= $1 ORDER BY last_seen DESC"
             " LIMIT $2) AS r ORDER BY last_seen"),
      params);
  if (!r) return fail(std::move(r.error()));
  return all_rows<Assignment>(*r, assignment_from<PgRow>);
}

Result<void> PgStore::save_assignments(std::span<const Assignment> batch) {
  if (batch.empty()) return {};
  ArrayLiteral centrals;
  ArrayLiteral his;
  ArrayLiteral los;
  ArrayLiteral links;
  ArrayLiteral seen;
  for (const Assignment& a : batch) {
    centrals.add(a.central_id);
    his.add(to_db(a.visitor.hi));
    los.add(to_db(a.visitor.lo));
    links.add(a.link_id);
    seen.add(to_db(a.last_seen));
  }
  auto conn = pool_.acquire();
  if (!conn) return fail(std::move(conn.error()));
  Params params;
  params.add(centrals.str()).add(his.str()).add(los.str()).add(links.str()).add(seen.str());
  // Skips rows whose central or link was deleted meanwhile; one row per
  // visitor (the newest sighting, the later one on a tie), and an older
  // sighting (another node's late flush) never overwrites a newer one.
  auto r = (*conn)->exec_prepared(
      "save_assignments",
      "INSERT INTO assignments (central_id, visitor_hi, visitor_lo, link_id, last_seen)"
      " SELECT DISTINCT ON (b.central_id, b.visitor_hi, b.visitor_lo)"
      "   b.central_id, b.visitor_hi, b.visitor_lo, b.link_id, b.last_seen"
      " FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[])"
      "   WITH ORDINALITY AS b(central_id, visitor_hi, visitor_lo, link_id, last_seen, ord)"
      " WHERE EXISTS (SELECT 1 FROM centrals WHERE id = b.central_id)"
      "   AND EXISTS (SELECT 1 FROM links WHERE id = b.link_id)"
      " ORDER BY b.central_id, b.visitor_hi, b.visitor_lo, b.last_seen DESC, b.ord DESC"
      " ON CONFLICT (central_id, visitor_hi, visitor_lo) DO UPDATE"
      " SET link_id = excluded.link_id, last_seen = excluded.last_seen"
      " WHERE excluded.last_seen >= assignments.last_seen",
      params);
  if (!r) return fail(std::move(r.error()));
  return {};
}

Result<std::int64_t> PgStore::purge_assignments(Timestamp seen_before) {
  auto conn = pool_.acquire();
  if (!conn) return fail(std::move(conn.error()));
  auto r = (*conn)->exec_prepared(
      "purge_assignments", "DELETE FROM assignments WHERE last_seen < $1", one(to_db(seen_before)));
  if (!r) return fail(std::move(r.error()));
  return r->affected();
}

namespace {

Params visitor_key(CentralId central, const VisitorId& visitor) {
  Params p;
  p.add(central).add(to_db(visitor.hi)).add(to_db(visitor.lo));
  return p;
}

constexpr std::string_view kFindAssignment =
    "SELECT link_id, last_seen FROM assignments"
    " WHERE central_id = $1 AND visitor_hi = $2 AND visitor_lo = $3";

}  // namespace

Result<std::optional<Assignment>> PgStore::find_assignment(CentralId central,
                                                           const VisitorId& visitor) {
  auto conn = pool_.acquire();
  if (!conn) return fail(std::move(conn.error()));
  auto r =
      (*conn)->exec_prepared("find_assignment", kFindAssignment, visitor_key(central, visitor));
  if (!r) return fail(std::move(r.error()));
  if (r->rows() == 0) return std::optional<Assignment>{};
  return Assignment{.central_id = central,
                    .visitor = visitor,
                    .link_id = r->int_at(0, 0),
                    .last_seen = timestamp_from_db(r->int_at(0, 1))};
}

Result<Assignment> PgStore::claim_assignment(const Assignment& a) {
  auto conn = pool_.acquire();
  if (!conn) return fail(std::move(conn.error()));
  Connection& c = **conn;
  Params params = visitor_key(a.central_id, a.visitor);
  params.add(a.link_id).add(to_db(a.last_seen));
  // The usual case is one round trip: the row is new and RETURNING gives it.
  // On a conflict the winner's row is read by a second statement, whose
  // fresh snapshot (READ COMMITTED) sees it even if it committed after the
  // INSERT began. A purge may delete it in between: then claim again.
  for (int attempt = 0; attempt < 3; ++attempt) {
    auto inserted = c.exec_prepared(
        "claim_assignment",
        "INSERT INTO assignments (central_id, visitor_hi, visitor_lo, link_id, last_seen)"
        " SELECT $1, $2, $3, $4, $5"
        " WHERE EXISTS (SELECT 1 FROM centrals WHERE id = $1)"
        "   AND EXISTS (SELECT 1 FROM links WHERE id = $4)"
        " ON CONFLICT (central_id, visitor_hi, visitor_lo) DO NOTHING RETURNING link_id",
        params);
    if (!inserted) {
      if (violated(c, kForeignKeyViolation)) break;  // deleted meanwhile
      return fail(std::move(inserted.error()));
    }
    if (inserted->rows() == 1) return a;
    auto stored =
        c.exec_prepared("find_assignment", kFindAssignment, visitor_key(a.central_id, a.visitor));
    if (!stored) return fail(std::move(stored.error()));
    if (stored->rows() == 1) {
      return Assignment{.central_id = a.central_id,
                        .visitor = a.visitor,
                        .link_id = stored->int_at(0, 0),
                        .last_seen = timestamp_from_db(stored->int_at(0, 1))};
    }
    // Neither inserted nor found: the central or link is gone, or a purge
    // raced us; the EXISTS checks on the next attempt tell which.
    auto alive = c.exec_prepared("claim_refs_exist",
                                 "SELECT EXISTS (SELECT 1 FROM centrals WHERE id = $1)"
                                 " AND EXISTS (SELECT 1 FROM links WHERE id = $2)",
                                 Params().add(a.central_id).add(a.link_id));
    if (!alive) return fail(std::move(alive.error()));
    if (!alive->bool_at(0, 0)) break;
  }
  return fail(assignment_target_not_found(a.central_id, a.link_id));
}

namespace {

constexpr std::string_view kTicketsSql = "SELECT nextval($1::regclass) FROM generate_series(1, $2)";
// Every claim of the batch in one statement; the rows it returns are the
// claims that won (their 1-based position in the batch).
constexpr std::string_view kClaimManySql =
    "INSERT INTO assignments (central_id, visitor_hi, visitor_lo, link_id, last_seen)"
    " SELECT f.c, f.hi, f.lo, f.l, f.s"
    " FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[])"
    "   WITH ORDINALITY AS f(c, hi, lo, l, s, i)"
    " WHERE EXISTS (SELECT 1 FROM centrals WHERE id = f.c)"
    "   AND EXISTS (SELECT 1 FROM links WHERE id = f.l)"
    " ORDER BY f.i"
    " ON CONFLICT (central_id, visitor_hi, visitor_lo) DO NOTHING"
    " RETURNING central_id, visitor_hi, visitor_lo";
// New visitors of one fixed central, in two statements of one pipeline so
// that their tickets travel back while their rows are written. The first
// draws one ticket per visitor and returns them, as "nonce,t1,t2,...", also
// kept in a session setting ($1, one per group of the batch); the second,
// run right after on the same connection, stores each visitor as assigned
// to the slot their ticket serves (RoutingQueries::ClaimedTickets) — only
// when the setting carries this batch's nonce, so a first statement that
// failed never lends it an older batch's tickets. A plain INSERT, without
// ON CONFLICT: these visitors' ids were minted a moment ago (76 random
// bits), so none is stored yet, and the conflict check would cost the
// server a third of each row; should one be stored, the statement fails
// and the caller writes the group's rows behind.
//
// Until those rows are in, nobody may look for them: a visitor answered on
// their ticket can click again on another node at once. So the first
// statement also takes, before its answer leaves, a shared session lock on
// the bucket of each of its visitors ($5: pending_row_buckets), released
// after the rows are written (kReleasePendingRowsSql); a find first takes
// its visitors' buckets exclusively (kAwaitPendingRowsSql), which waits for
// every such batch in flight, and only then reads. 21329 ("SQ") is the
// lock class of these buckets (the two-key space of advisory locks, apart
// from the one-key locks the click writer takes).
constexpr std::string_view kClaimedTicketsSql =
    "SELECT set_config($1, $2 || ',' || array_to_string(ARRAY("
    "  SELECT nextval($3::regclass) FROM generate_series(1, $4)), ','), false),"
    " (SELECT count(pg_advisory_lock_shared(21329, b)) FROM unnest($5::int[]) AS b)";
constexpr std::string_view kStoreClaimedSql =
    "WITH got AS (SELECT string_to_array(current_setting($1, true), ',')::bigint[] AS a),"
    " chosen AS ("
    "  SELECT f.hi, f.lo, ($5::bigint[])[(f.t % cardinality($5::bigint[]))::int + 1] AS link"
    "  FROM got, unnest($3::bigint[], $4::bigint[], got.a[2:]) AS f(hi, lo, t)"
    "  WHERE got.a[1] = $2)"
    " INSERT INTO assignments (central_id, visitor_hi, visitor_lo, link_id, last_seen)"
    " SELECT $6, c.hi, c.lo, c.link, $7 FROM chosen c"
    " WHERE EXISTS (SELECT 1 FROM centrals WHERE id = $6)"
    "   AND c.link = ANY (ARRAY(SELECT id FROM links WHERE id = ANY ($5::bigint[])))";
constexpr std::string_view kReleasePendingRowsSql = "SELECT pg_advisory_unlock_all()";
// Waits until no batch has rows pending in buckets $1 (then lets go at once:
// the lock lasts this statement's transaction).
constexpr std::string_view kAwaitPendingRowsSql =
    "SELECT count(pg_advisory_xact_lock(21329, b)) FROM unnest($1::int[]) AS b";
// Buckets of pending rows: few, so that a batch holds at most 16 locks (the
// lock table is shared by every node); a find may then wait for a batch
// of other visitors, for as long as that batch takes to write its rows.
constexpr std::uint64_t kPendingRowBuckets = 16;

// The distinct buckets of `visitors`, in order (locks are always taken in
// one order, so two batches cannot deadlock), as an int[] literal.
template <class Visitors, class VisitorOf>
std::string pending_row_buckets(const Visitors& visitors, VisitorOf visitor_of) {
  std::set<std::int64_t> buckets;
  for (const auto& v : visitors) {
    const VisitorId& id = visitor_of(v);
    buckets.insert(static_cast<std::int64_t>((id.hi ^ id.lo) % kPendingRowBuckets));
  }
  ArrayLiteral literal;
  for (const std::int64_t b : buckets) literal.add(b);
  return literal.str();
}
// Stored assignments of several visitors; `i` is the 1-based position asked.
constexpr std::string_view kFindManySql =
    "SELECT f.i, a.link_id, a.last_seen"
    " FROM unnest($1::bigint[], $2::bigint[], $3::bigint[]) WITH ORDINALITY AS f(c, hi, lo, i)"
    " JOIN assignments a ON a.central_id = f.c AND a.visitor_hi = f.hi AND a.visitor_lo = f.lo";

// kFindManySql's parameters for (central, visitor) pairs.
template <class Keys, class CentralOf, class VisitorOf>
Params find_many_params(const Keys& keys, CentralOf central_of, VisitorOf visitor_of) {
  ArrayLiteral centrals;
  ArrayLiteral his;
  ArrayLiteral los;
  for (const auto& key : keys) {
    centrals.add(central_of(key));
    his.add(to_db(visitor_of(key).hi));
    los.add(to_db(visitor_of(key).lo));
  }
  Params params;
  params.add(centrals.str()).add(his.str()).add(los.str());
  return params;
}

// kClaimedTicketsSql's answer, "nonce,t1,t2,...": the tickets.
std::vector<std::uint64_t> claimed_tickets_from(std::string_view text) {
  std::vector<std::uint64_t> tickets;
  std::size_t at = text.find(',');
  while (at != std::string_view::npos) {
    const std::size_t begin = at + 1;
    at = text.find(',', begin);
    const std::string_view field =
        text.substr(begin, at == std::string_view::npos ? at : at - begin);
    std::uint64_t ticket = 0;
    std::from_chars(field.data(), field.data() + field.size(), ticket);
    tickets.push_back(ticket);
  }
  return tickets;
}

// kFindManySql's rows by position asked (0-based).
std::vector<std::optional<std::pair<LinkId, Timestamp>>> found_by_position(const PgResult& rows,
                                                                           std::size_t asked) {
  std::vector<std::optional<std::pair<LinkId, Timestamp>>> out(asked);
  for (int row = 0; row < rows.rows(); ++row) {
    const auto i = static_cast<std::size_t>(rows.int_at(row, 0) - 1);
    if (i < asked) out[i] = std::pair(rows.int_at(row, 1), timestamp_from_db(rows.int_at(row, 2)));
  }
  return out;
}

// The answers the redirect waits for, from the first results of the
// pipeline answer_routing sends (in the order it sends them).
RoutingAnswers answers_from(const RoutingQueries& queries, std::span<Result<PgResult>> results) {
  RoutingAnswers answers;
  std::size_t next = 0;
  for (const auto& wanted : queries.tickets) {
    auto& r = results[next++];
    if (!r) {
      answers.tickets.push_back(fail(std::move(r.error())));
      continue;
    }
    std::vector<std::uint64_t> tickets;
    tickets.reserve(wanted.count);
    for (int row = 0; row < r->rows(); ++row) {
      tickets.push_back(static_cast<std::uint64_t>(r->int_at(row, 0)));
    }
    answers.tickets.push_back(std::move(tickets));
  }
  if (!queries.finds.empty()) {
    // Read only once no rows were pending: an await that failed leaves
    // the read unreliable.
    auto& awaited = results[next++];
    auto& r = results[next++];
    if (!awaited) {
      answers.finds.assign(queries.finds.size(), fail(awaited.error()));
    } else if (!r) {
      answers.finds.assign(queries.finds.size(), fail(r.error()));
    } else {
      const auto found = found_by_position(*r, queries.finds.size());
      for (std::size_t i = 0; i < queries.finds.size(); ++i) {
        if (!found[i]) {
          answers.finds.push_back(std::optional<Assignment>());
          continue;
        }
        answers.finds.push_back(
            std::optional<Assignment>(Assignment{.central_id = queries.finds[i].central,
                                                 .visitor = queries.finds[i].visitor,
                                                 .link_id = found[i]->first,
                                                 .last_seen = found[i]->second}));
      }
    }
  }
  if (!queries.claims.empty()) {
    auto& inserted = results[next];
    auto& winners_result = results[next + 1];
    std::vector<std::optional<std::pair<LinkId, Timestamp>>> winners;
    if (winners_result) winners = found_by_position(*winners_result, queries.claims.size());
    // The claims that inserted their row, by key (a visitor claimed twice in
    // one batch inserts once: the first wins, the second reads it back).
    std::set<std::tuple<std::int64_t, std::int64_t, std::int64_t>> won;
    if (inserted) {
      for (int row = 0; row < inserted->rows(); ++row) {
        won.emplace(inserted->int_at(row, 0), inserted->int_at(row, 1), inserted->int_at(row, 2));
      }
    }
    for (std::size_t i = 0; i < queries.claims.size(); ++i) {
      const Assignment& a = queries.claims[i];
      const auto key = std::tuple(a.central_id, to_db(a.visitor.hi), to_db(a.visitor.lo));
      if (!inserted) {
        answers.claims.push_back(fail(inserted.error()));
      } else if (won.erase(key) == 1) {
        answers.claims.push_back(a);
      } else if (winners_result && winners[i]) {
        answers.claims.push_back(Assignment{.central_id = a.central_id,
                                            .visitor = a.visitor,
                                            .link_id = winners[i]->first,
                                            .last_seen = winners[i]->second});
      } else if (!winners_result) {
        answers.claims.push_back(fail(winners_result.error()));
      } else {
        answers.claims.push_back(
            fail(Error::not_found("central " + std::to_string(a.central_id) + " or link " +
                                  std::to_string(a.link_id) + " not found")));
      }
    }
    next += 2;
  }
  for (std::size_t g = 0; g < queries.claimed_tickets.size(); ++g) {
    auto& r = results[next++];
    if (!r) {
      answers.claimed_tickets.push_back(fail(std::move(r.error())));
      continue;
    }
    answers.claimed_tickets.push_back(claimed_tickets_from(r->text_at(0, 0)));
  }
  return answers;
}

}  // namespace

// Every query of the batch in one pipeline: a ticket query per central, one
// read for all the visitors looked up (once no rows are pending in their
// buckets), one insert-if-absent for all the claims, one read of the
// claimed visitors' stored rows (which, run after the insert on the same
// connection, sees each winner), and per group of claimed tickets the
// tickets; then, after everything the redirect waits for, the claimed
// tickets' rows, and the release of their buckets.
std::vector<Result<void>> PgStore::answer_routing(const RoutingQueries& queries,
                                                  std::chrono::milliseconds timeout,
                                                  const RoutingAnswered& answered) {
  RoutingAnswers answers;
  const std::size_t groups = queries.claimed_tickets.size();
  auto fail_all = [&](const Error& error) {
    answers.tickets.assign(queries.tickets.size(), fail(error));
    answers.finds.assign(queries.finds.size(), fail(error));
    answers.claims.assign(queries.claims.size(), fail(error));
    answers.claimed_tickets.assign(groups, fail(error));
    answered(answers);
    return std::vector<Result<void>>(groups, fail(error));
  };
  // A lane's connection, (re)opened when missing or lost.
  auto open = [&](RoutingLane& lane) -> Result<void> {
    if (!lane.conn || !lane.conn->healthy()) {
      lane.conn.reset();
      auto opened = Connection::open(pool_.conninfo());
      if (!opened) return fail(std::move(opened.error()));
      // The routing statements are prepared; their generic plans (index
      // look-ups over unnested arrays) are the right ones for any batch,
      // and the server would otherwise re-plan each call as a custom plan.
      if (auto set = opened->exec("SET plan_cache_mode = force_generic_plan"); !set) {
        return fail(std::move(set.error()));
      }
      lane.conn = std::make_unique<Connection>(std::move(*opened));
    }
    lane.conn->set_timeout(timeout);
    return {};
  };
  if (queries.empty()) {  // asked nothing: open every lane before clicks need one
    for (RoutingLane& lane : routing_lanes_) {
      std::lock_guard lock(lane.mutex);
      if (auto ok = open(lane); !ok) break;
    }
    answered(answers);
    return {};
  }
  // The first free lane; each lookup thread holds at most one.
  std::unique_lock<std::mutex> lock;
  RoutingLane* lane = nullptr;
  for (RoutingLane& candidate : routing_lanes_) {
    lock = std::unique_lock(candidate.mutex, std::try_to_lock);
    if (lock.owns_lock()) {
      lane = &candidate;
      break;
    }
  }
  if (lane == nullptr) {
    lane = &routing_lanes_.front();
    lock = std::unique_lock(lane->mutex);
  }
  if (auto ok = open(*lane); !ok) return fail_all(ok.error());
  Connection& conn = *lane->conn;

  std::vector<Params> params;  // stable addresses: reserve before taking any
  params.reserve(queries.tickets.size() + 4 + 2 * groups);
  std::vector<PipelinedQuery> sent;
  for (const auto& wanted : queries.tickets) {
    params.push_back(
        Params().add(ticket_sequence(wanted.central)).add(static_cast<std::int64_t>(wanted.count)));
    sent.push_back({kTicketsSql, &params.back(), "route_tickets"});
  }
  if (!queries.finds.empty()) {
    auto visitor_of = [](const RoutingQueries::Find& f) -> const VisitorId& { return f.visitor; };
    params.push_back(Params().add(pending_row_buckets(queries.finds, visitor_of)));
    sent.push_back({kAwaitPendingRowsSql, &params.back(), "route_await_rows"});
    params.push_back(find_many_params(
        queries.finds, [](const RoutingQueries::Find& f) { return f.central; }, visitor_of));
    sent.push_back({kFindManySql, &params.back(), "route_find_many"});
  }
  if (!queries.claims.empty()) {
    ArrayLiteral centrals;
    ArrayLiteral his;
    ArrayLiteral los;
    ArrayLiteral links;
    ArrayLiteral seen;
    for (const Assignment& a : queries.claims) {
      centrals.add(a.central_id);
      his.add(to_db(a.visitor.hi));
      los.add(to_db(a.visitor.lo));
      links.add(a.link_id);
      seen.add(to_db(a.last_seen));
    }
    params.push_back(Params()
                         .add(centrals.str())
                         .add(his.str())
                         .add(los.str())
                         .add(links.str())
                         .add(seen.str()));
    sent.push_back({kClaimManySql, &params.back(), "route_claim_many"});
    params.push_back(find_many_params(
        queries.claims, [](const Assignment& a) { return a.central_id; },
        [](const Assignment& a) -> const VisitorId& { return a.visitor; }));
    sent.push_back({kFindManySql, &params.back(), "route_find_many"});
  }
  // Each group's tickets, then (after everything the redirect waits for)
  // its rows. The nonce tells this batch's tickets from an older one's.
  const std::string nonce = std::to_string(claimed_nonce_.fetch_add(1) + 1);
  std::vector<std::string> settings;
  settings.reserve(groups);
  for (std::size_t g = 0; g < groups; ++g) {
    const auto& group = queries.claimed_tickets[g];
    settings.push_back("sequencial.claimed_tickets_" + std::to_string(g));
    params.push_back(Params()
                         .add(settings.back())
                         .add(nonce)
                         .add(ticket_sequence(group.central))
                         .add(static_cast<std::int64_t>(group.visitors.size()))
                         .add(pending_row_buckets(group.visitors, std::identity())));
    sent.push_back({kClaimedTicketsSql, &params.back(), "route_claimed_tickets"});
  }
  const std::size_t answering = sent.size();
  for (std::size_t g = 0; g < groups; ++g) {
    const auto& group = queries.claimed_tickets[g];
    ArrayLiteral his;
    ArrayLiteral los;
    ArrayLiteral slots;
    for (const VisitorId& v : group.visitors) {
      his.add(to_db(v.hi));
      los.add(to_db(v.lo));
    }
    for (const LinkId link : group.slots) slots.add(link);
    params.push_back(Params()
                         .add(settings[g])
                         .add(nonce)
                         .add(his.str())
                         .add(los.str())
                         .add(slots.str())
                         .add(group.central)
                         .add(to_db(group.at)));
    sent.push_back({kStoreClaimedSql, &params.back(), "route_store_claimed"});
  }
  const Params none;
  if (groups > 0) sent.push_back({kReleasePendingRowsSql, &none, "route_release_rows"});

  bool told = false;
  auto tell = [&](std::span<Result<PgResult>> results) {
    answers = answers_from(queries, results);
    told = true;
    answered(answers);
  };
  auto results = conn.pipeline(sent, answering, tell);
  if (!results) {
    lane->conn.reset();
    if (!told) return fail_all(results.error());
    return std::vector<Result<void>>(groups, fail(results.error()));
  }
  std::vector<Result<void>> stored;
  stored.reserve(groups);
  for (std::size_t g = 0; g < groups; ++g) {
    auto& r = (*results)[answering + g];
    stored.push_back(r ? Result<void>() : fail(std::move(r.error())));
  }
  return stored;
}

}  // namespace sequencial::postgres
