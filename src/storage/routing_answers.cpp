// AssignmentStore::answer_routing's default: each query asked on its own, in order
// (the SQLite backend; it shares no rotation counter, so its tickets are
// never asked in practice), and routing_answers.
#include "storage/assignment_store.h"

namespace sequencial {

std::vector<Result<void>> AssignmentStore::answer_routing(const RoutingQueries& queries,
                                                          std::chrono::milliseconds /*timeout*/,
                                                          const RoutingAnswered& answered) {
  RoutingAnswers answers;
  answers.tickets.reserve(queries.tickets.size());
  for (const auto& wanted : queries.tickets) {
    std::vector<std::uint64_t> tickets;
    tickets.reserve(wanted.count);
    Result<std::vector<std::uint64_t>> outcome = std::vector<std::uint64_t>{};
    for (std::size_t i = 0; i < wanted.count; ++i) {
      auto ticket = next_rotation_ticket(wanted.central);
      if (!ticket) {
        outcome = fail(std::move(ticket.error()));
        break;
      }
      if (!*ticket) {
        outcome = fail(Error::unavailable("this database keeps no shared rotation counter"));
        break;
      }
      tickets.push_back(**ticket);
    }
    if (outcome) outcome = std::move(tickets);
    answers.tickets.push_back(std::move(outcome));
  }
  answers.finds.reserve(queries.finds.size());
  for (const auto& find : queries.finds) {
    answers.finds.push_back(find_assignment(find.central, find.visitor));
  }
  answers.claims.reserve(queries.claims.size());
  for (const auto& claim : queries.claims) answers.claims.push_back(claim_assignment(claim));
  answers.claimed_tickets.reserve(queries.claimed_tickets.size());
  for (const auto& group : queries.claimed_tickets) {
    Result<std::vector<std::uint64_t>> outcome = std::vector<std::uint64_t>{};
    for (const auto& visitor : group.visitors) {
      auto ticket = next_rotation_ticket(group.central);
      if (ticket && !*ticket) {
        ticket = fail(Error::unavailable("this database keeps no shared rotation counter"));
      }
      if (!ticket) {
        outcome = fail(std::move(ticket.error()));
        break;
      }
      const LinkId link = group.slots[**ticket % group.slots.size()];
      if (auto claimed = claim_assignment({group.central, visitor, link, group.at}); !claimed) {
        if (claimed.error().code != ErrorCode::kNotFound) {
          outcome = fail(std::move(claimed.error()));
          break;
        }
      }
      outcome->push_back(**ticket);
    }
    answers.claimed_tickets.push_back(std::move(outcome));
  }
  answered(answers);
  // Each visitor was claimed with their ticket: stored, or given up with it.
  return std::vector<Result<void>>(queries.claimed_tickets.size());
}

RoutingAnswers AssignmentStore::routing_answers(const RoutingQueries& queries,
                                                std::chrono::milliseconds timeout) {
  RoutingAnswers kept;
  auto stored =
      answer_routing(queries, timeout, [&](RoutingAnswers& answers) { kept = std::move(answers); });
  for (std::size_t g = 0; g < stored.size() && g < kept.claimed_tickets.size(); ++g) {
    if (!stored[g] && kept.claimed_tickets[g]) kept.claimed_tickets[g] = fail(stored[g].error());
  }
  return kept;
}

}  // namespace sequencial
