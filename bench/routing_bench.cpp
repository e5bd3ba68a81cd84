// routing_bench: Google Benchmark micro-suite for the routing core (no I/O,
// no HTTP): ns per routing decision and per slug lookup.
//
//   build-bench/bench/routing_bench [--benchmark_filter=...]
//
// Decisions: a plain link (slug lookup only), a central of 10 members
// without hours, with hours (open now, states cached until the next edge),
// fixed with a returning visitor (assignment lookup + route), fixed with a
// new visitor (route + assignment insert), a Geolocalizado central of 27
// state members plus 10 city members (a city customer, a state customer, an
// unknown address), and a Seletivo chooser of 10 entries (in order and
// shuffled). The clock advances one second per iteration, so cached member
// states expire as they would in production.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "routing/assignment_table.h"
#include "routing/business_hours.h"
#include "routing/central_router.h"
#include "routing/link_route.h"
#include "routing/routing_table.h"

namespace sq = sequencial;
namespace rt = sequencial::routing;

namespace {

// Wednesday 2026-11-25 15:00 UTC = 12:00 in São Paulo: within 08:00-20:00.
const sq::Timestamp kNoon{std::chrono::seconds(1'795'618'800)};

rt::LinkRouteRef link_route(sq::LinkId id) {
  sq::Link link;
  link.id = id;
  char slug[32];
  std::snprintf(slug, sizeof slug, "l%07lld", static_cast<long long>(id));
  link.slug = slug;
  link.phone = "55119" + std::to_string(10'000'000 + id);
  link.message = "Olá, vim pelo anúncio";
  return rt::make_link_route(std::move(link));
}

std::shared_ptr<rt::CentralRouter> central(bool fixed, bool hours, int members = 10) {
  sq::Central c;
  c.id = 1;
  c.anchor_id = 1000;
  c.fixed = fixed;
  std::vector<rt::MemberRoute> routes;
  for (int i = 0; i < members; ++i) {
    rt::MemberRoute m;
    m.link = link_route(i + 1);
    if (hours) {
      sq::Schedule s;
      s.tz = "America/Sao_Paulo";
      for (auto& day : s.week) day.push_back({8 * 60, 20 * 60});
      auto compiled = rt::BusinessHours::compile(s);
      if (!compiled) std::abort();
      m.hours = std::move(*compiled);
    }
    c.members.push_back({.link_id = i + 1, .weight = 1, .hours = {}});
    routes.push_back(std::move(m));
  }
  auto router = std::make_shared<rt::CentralRouter>(c.id);
  router->configure(c, link_route(1000), std::move(routes));
  return router;
}

sq::VisitorId visitor(std::uint64_t i) {
  return {.hi = i * 0x9E3779B97F4A7C15ULL, .lo = ~i * 0xBF58476D1CE4E5B9ULL};
}

void BM_PlainLink(benchmark::State& state) {
  std::vector<rt::RoutingTable::Entry> entries;
  for (int i = 0; i < 10; ++i) entries.push_back({link_route(i), nullptr});
  const auto table = rt::RoutingTable::build(std::move(entries));
  for (auto _ : state) {
    const auto* entry = table.find("L0000003");
    benchmark::DoNotOptimize(entry->link->location().data());
  }
}
BENCHMARK(BM_PlainLink);

void central_bench(benchmark::State& state, bool hours) {
  auto router = central(false, hours);
  sq::Timestamp now = kNoon;
  for (auto _ : state) {
    auto decision = router->route(now, std::nullopt);
    benchmark::DoNotOptimize(decision.link.get());
    now += std::chrono::seconds(1);
    if (now > kNoon + std::chrono::hours(6)) now = kNoon;  // stay within hours
  }
}
void BM_CentralNoHours(benchmark::State& state) { central_bench(state, false); }
void BM_CentralHours(benchmark::State& state) { central_bench(state, true); }
BENCHMARK(BM_CentralNoHours);
BENCHMARK(BM_CentralHours);

// A geo central: one member per Brazilian state, then ten São Paulo cities.
std::shared_ptr<rt::CentralRouter> geo_central() {
  static constexpr const char* kStates[] = {"AC", "AL", "AP", "AM", "BA", "CE", "DF", "ES", "GO",
                                            "MA", "MT", "MS", "MG", "PA", "PB", "PR", "PE", "PI",
                                            "RJ", "RN", "RS", "RO", "RR", "SC", "SP", "SE", "TO"};
  static constexpr const char* kCities[] = {"Campinas",  "Santos",    "Sorocaba", "Osasco",
                                            "Guarulhos", "Jundiaí",   "Bauru",    "Franca",
                                            "Limeira",   "São Carlos"};
  sq::Central c;
  c.id = 2;
  c.anchor_id = 1000;
  c.mode = sq::CentralMode::kGeo;
  std::vector<rt::MemberRoute> routes;
  sq::LinkId id = 1;
  const auto add = [&](std::string region) {
    rt::MemberRoute m;
    m.link = link_route(id);
    sq::Member member{id, 1, std::nullopt};
    member.regions = {std::move(region)};
    c.members.push_back(std::move(member));
    routes.push_back(std::move(m));
    ++id;
  };
  for (const char* state : kStates) add(std::string("BR-") + state);
  for (const char* city : kCities) add(std::string("BR-SP/") + city);
  auto router = std::make_shared<rt::CentralRouter>(c.id);
  router->configure(c, link_route(1000), std::move(routes));
  return router;
}

void geo_bench(benchmark::State& state, const rt::GeoLocation& where) {
  auto router = geo_central();
  sq::Timestamp now = kNoon;
  for (auto _ : state) {
    auto decision = router->route_geo(now, where);
    benchmark::DoNotOptimize(decision.link.get());
    now += std::chrono::seconds(1);
  }
}
void BM_GeoCity(benchmark::State& state) {
  rt::GeoLocation where;
  where.set_country("BR");
  where.set_subdivision("SP");
  where.set_city("São Carlos");
  geo_bench(state, where);
}
void BM_GeoState(benchmark::State& state) {
  rt::GeoLocation where;
  where.set_country("BR");
  where.set_subdivision("RJ");
  where.set_city("Niterói");
  geo_bench(state, where);
}
void BM_GeoUnknown(benchmark::State& state) { geo_bench(state, rt::GeoLocation{}); }
BENCHMARK(BM_GeoCity);
BENCHMARK(BM_GeoState);
BENCHMARK(BM_GeoUnknown);

void chooser_bench(benchmark::State& state, bool shuffle) {
  sq::Central c;
  c.id = 3;
  c.anchor_id = 1000;
  c.mode = sq::CentralMode::kSeletivo;
  c.shuffle = shuffle;
  std::vector<rt::MemberRoute> routes;
  for (int i = 0; i < 10; ++i) {
    rt::MemberRoute m;
    m.link = link_route(i + 1);
    sq::Member member{i + 1, 1, std::nullopt};
    member.title = "Atendente " + std::to_string(i + 1);
    member.description = "Vendas e orçamentos";
    c.members.push_back(std::move(member));
    routes.push_back(std::move(m));
  }
  rt::CentralRouter router(c.id);
  router.configure(c, link_route(1000), std::move(routes));
  sq::Timestamp now = kNoon;
  std::uint64_t seed = 1;
  for (auto _ : state) {
    auto view = router.chooser(now, seed++ * 0x9E3779B97F4A7C15ULL);
    benchmark::DoNotOptimize(view.entries.data());
    now += std::chrono::seconds(1);
  }
}
void BM_SeletivoChooser(benchmark::State& state) { chooser_bench(state, false); }
void BM_SeletivoChooserShuffled(benchmark::State& state) { chooser_bench(state, true); }
BENCHMARK(BM_SeletivoChooser);
BENCHMARK(BM_SeletivoChooserShuffled);

void BM_FixedReturning(benchmark::State& state) {
  auto router = central(true, false);
  rt::AssignmentTable assignments;
  const auto visitors = static_cast<std::uint64_t>(state.range(0));
  for (std::uint64_t i = 0; i < visitors; ++i) {
    assignments.put({.central_id = 1,
                     .visitor = visitor(i),
                     .link_id = static_cast<sq::LinkId>(1 + i % 10),
                     .last_seen = kNoon});
  }
  std::uint64_t i = 0;
  for (auto _ : state) {
    const auto found = assignments.find(1, visitor(i));
    auto decision = router->route(kNoon, found ? std::optional(found->link) : std::nullopt);
    benchmark::DoNotOptimize(decision.link.get());
    i = (i + 7919) % visitors;
  }
}
BENCHMARK(BM_FixedReturning)->Arg(1000)->Arg(1'000'000);

void BM_FixedNew(benchmark::State& state) {
  auto router = central(true, false);
  rt::AssignmentTable assignments;
  std::uint64_t i = 0;
  for (auto _ : state) {
    const sq::VisitorId v = visitor(i++);
    auto decision = router->route(kNoon, std::nullopt);
    assignments.put(
        {.central_id = 1, .visitor = v, .link_id = decision.link->id(), .last_seen = kNoon});
    benchmark::DoNotOptimize(decision.link.get());
  }
  state.counters["table size"] = static_cast<double>(assignments.size());
}
BENCHMARK(BM_FixedNew);

void BM_SlugLookup(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  std::vector<std::string> slugs;
  std::vector<rt::RoutingTable::Entry> entries;
  slugs.reserve(n);
  entries.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    auto route = link_route(static_cast<sq::LinkId>(i));
    slugs.emplace_back(route->slug());
    entries.push_back({std::move(route), nullptr});
  }
  const auto table = rt::RoutingTable::build(std::move(entries));
  std::size_t i = 0;
  for (auto _ : state) {
    const auto* entry = table.find(slugs[i]);
    benchmark::DoNotOptimize(entry);
    i = (i + 7919) % n;  // jump around: a cold-ish cache at 1M, like real traffic
  }
}
BENCHMARK(BM_SlugLookup)->Arg(10)->Arg(1'000'000);

// One admin write: the table with one link changed, derived from a table of
// n links (issue 13: a write's cost independent of the number of links).
void BM_PublishOneChange(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  std::vector<rt::RoutingTable::Entry> entries;
  entries.reserve(n);
  for (std::size_t i = 0; i < n; ++i)
    entries.push_back({link_route(static_cast<sq::LinkId>(i)), nullptr});
  auto table = rt::RoutingTable::build(std::move(entries));
  sq::LinkId next = 0;
  for (auto _ : state) {
    auto changed = table.with({link_route(next), nullptr});
    benchmark::DoNotOptimize(changed.size());
    next = (next + 7919) % static_cast<sq::LinkId>(n);
  }
}
BENCHMARK(BM_PublishOneChange)->Arg(10)->Arg(100'000)->Arg(1'000'000);

}  // namespace

BENCHMARK_MAIN();
