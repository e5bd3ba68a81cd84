// Atendimento fixo decisions (see fixed_policy.h).
#include "routing/fixed_policy.h"

namespace sequencial::routing {

FixedPlan plan_click(CentralRouter& central, Timestamp now, const VisitorId& visitor,
                     const std::optional<AssignmentTable::Found>& kept,
                     std::optional<std::uint64_t> ticket, bool may_race) {
  FixedPlan plan;
  plan.decision = central.route(now, kept ? std::optional(kept->link) : std::nullopt, ticket);
  const bool touch =
      plan.decision.outcome == Outcome::kFixed && now - kept->last_seen >= kTouchInterval;
  if (!plan.decision.assign && !touch) return plan;
  plan.remember = Assignment{central.id(), visitor, plan.decision.link->id(), now};
  plan.assigned = plan.decision.assign;
  plan.claim = plan.decision.assign && !kept && may_race;
  plan.persist = !plan.claim;
  return plan;
}

FixedPlan settle_claim(CentralRouter& central, Timestamp now, FixedPlan plan,
                       const std::optional<Assignment>& winner) {
  plan.claim = false;
  if (!winner) {
    plan.persist = true;  // not asked: ours is written behind
    return plan;
  }
  if (winner->link_id != plan.remember->link_id) {
    auto theirs = central.route(now, winner->link_id);
    if (theirs.outcome == Outcome::kFixed) plan.decision = std::move(theirs);
  }
  plan.remember->link_id = plan.decision.link->id();
  // Stored already when the winner is the one we keep; else ours replaces it.
  plan.persist = plan.remember->link_id != winner->link_id;
  return plan;
}

}  // namespace sequencial::routing
