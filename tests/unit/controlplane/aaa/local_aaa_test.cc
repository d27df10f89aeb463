// The local AAA backend: authentication, address assignment and release,
// and reloads that leave running sessions alone.
#include "controlplane/aaa/local_aaa.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace lns::aaa {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr Ipv4 ip(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
  return Ipv4{a} << 24 | Ipv4{b} << 16 | Ipv4{c} << 8 | d;
}

// A CIDR block as a first-last range, every address usable (a prefix
// pool keeps its network and broadcast addresses back).
Ipv4Range whole_block(Ipv4 network, uint8_t length) {
  Ipv4Range r = range_of_prefix(network, length);
  r.prefix_length = 0;
  return r;
}


const Ipv6Prefix kAlicePrefix{{0x20, 0x01, 0x0d, 0xb8, 0x00, 0x0a}, 56};

// alice: fixed address, prefix and a route; bob: pool "business"; carol:
// default pool "subscribers" (4 addresses, one of them alice's).
LocalAaaConfig base_config() {
  LocalAaaConfig c;
  Subscriber alice;
  alice.name = "alice";
  alice.password = "alice-pw";
  alice.ipv4 = ip(100, 64, 0, 2);
  alice.ipv6_prefix = kAlicePrefix;
  alice.routes = {{ip(10, 1, 0, 0), 24}};
  Subscriber bob;
  bob.name = "bob";
  bob.password = "bob-pw";
  bob.pool = "business";
  Subscriber carol;
  carol.name = "carol";
  carol.password = "carol-pw";
  c.subscribers = {alice, bob, carol};
  c.pools = {{"subscribers", {{ip(100, 64, 0, 0), ip(100, 64, 0, 3)}}},
             {"business", {{ip(198, 18, 0, 1), ip(198, 18, 0, 2)}}}};
  c.default_pool = "subscribers";
  c.primary_dns = ip(192, 0, 2, 53);
  c.secondary_dns = ip(192, 0, 2, 54);
  return c;
}

LocalAaa make(LocalAaaConfig config = base_config()) {
  absl::StatusOr<LocalAaa> aaa = LocalAaa::create(std::move(config));
  EXPECT_TRUE(aaa.ok()) << aaa.status();
  return *std::move(aaa);
}

absl::Status pap(Aaa& aaa, std::string_view user, std::string_view password) {
  std::optional<absl::Status> verdict;
  Ticket ticket = aaa.authenticate_pap(user, password, [&](absl::Status s) { verdict = s; });
  EXPECT_EQ(ticket, kAnswered);
  EXPECT_TRUE(verdict.has_value()) << "local answers come at once";
  return verdict.value_or(absl::UnknownError("no answer"));
}

absl::StatusOr<std::string> chap(Aaa& aaa, std::string_view user) {
  std::optional<absl::StatusOr<std::string>> secret;
  aaa.chap_secret(user, [&](absl::StatusOr<std::string> s) { secret = std::move(s); });
  EXPECT_TRUE(secret.has_value());
  return secret.value_or(absl::UnknownError("no answer"));
}

absl::StatusOr<AddressAssignment> assign(Aaa& aaa, SessionId session, std::string_view user) {
  std::optional<absl::StatusOr<AddressAssignment>> result;
  Ticket ticket = aaa.assign_addresses(session, user, [&](absl::StatusOr<AddressAssignment> r) {
    result = std::move(r);
  });
  EXPECT_EQ(ticket, kAnswered);
  EXPECT_TRUE(result.has_value());
  return result.value_or(absl::UnknownError("no answer"));
}

PoolStats pool_stats(const AaaStats& stats, const std::string& name) {
  for (const PoolStats& pool : stats.pools) {
    if (pool.name == name) return pool;
  }
  ADD_FAILURE() << "no pool " << name;
  return {};
}

TEST(LocalAaaAuth, PapAcceptsTheRightPasswordOnly) {
  LocalAaa aaa = make();
  EXPECT_TRUE(pap(aaa, "alice", "alice-pw").ok());
  absl::Status wrong = pap(aaa, "alice", "bob-pw");
  EXPECT_EQ(wrong.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(wrong.message(), "wrong password for \"alice\"");
  absl::Status unknown = pap(aaa, "mallory", "alice-pw");
  EXPECT_EQ(unknown.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(unknown.message(), "unknown user \"mallory\"");
  EXPECT_EQ(pap(aaa, "", "").code(), absl::StatusCode::kUnauthenticated);
  AaaStats stats = aaa.stats();
  EXPECT_EQ(stats.pap_accepted, 1u);
  EXPECT_EQ(stats.pap_rejected, 3u);
}

TEST(LocalAaaAuth, ChapGetsTheCleartextSecret) {
  LocalAaa aaa = make();
  EXPECT_EQ(*chap(aaa, "bob"), "bob-pw");
  absl::StatusOr<std::string> unknown = chap(aaa, "mallory");
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(unknown.status().message(), "unknown user \"mallory\"");
  EXPECT_EQ(aaa.stats().chap_lookups, 2u);
  EXPECT_EQ(aaa.stats().chap_unknown_users, 1u);
}

TEST(LocalAaaAssign, FixedSubscriberGetsItsOwnAddressesAndTheDns) {
  LocalAaa aaa = make();
  absl::StatusOr<AddressAssignment> a = assign(aaa, 1, "alice");
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->ipv4, ip(100, 64, 0, 2));
  EXPECT_EQ(a->pool, "");
  EXPECT_EQ(a->ipv6_prefix, kAlicePrefix);
  EXPECT_THAT(a->routes, ElementsAre(Ipv4Prefix{ip(10, 1, 0, 0), 24}));
  EXPECT_EQ(a->primary_dns, ip(192, 0, 2, 53));
  EXPECT_EQ(a->secondary_dns, ip(192, 0, 2, 54));
}

TEST(LocalAaaAssign, PoolSubscribersDrawFromTheirPoolOrTheDefault) {
  LocalAaa aaa = make();
  absl::StatusOr<AddressAssignment> bob = assign(aaa, 1, "bob");
  ASSERT_TRUE(bob.ok()) << bob.status();
  EXPECT_EQ(bob->ipv4, ip(198, 18, 0, 1));
  EXPECT_EQ(bob->pool, "business");
  EXPECT_FALSE(bob->ipv6_prefix.has_value());
  EXPECT_THAT(bob->routes, IsEmpty());
  absl::StatusOr<AddressAssignment> carol = assign(aaa, 2, "carol");
  ASSERT_TRUE(carol.ok()) << carol.status();
  EXPECT_EQ(carol->ipv4, ip(100, 64, 0, 0));
  EXPECT_EQ(carol->pool, "subscribers");
  EXPECT_EQ(carol->primary_dns, ip(192, 0, 2, 53));
}

TEST(LocalAaaAssign, UnauthenticatedSessionsGetADefaultPoolAddress) {
  LocalAaa aaa = make();
  absl::StatusOr<AddressAssignment> a = assign(aaa, 7, "");
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->pool, "subscribers");

  LocalAaaConfig no_default = base_config();
  no_default.default_pool.clear();
  LocalAaa strict = make(no_default);
  absl::StatusOr<AddressAssignment> refused = assign(strict, 7, "");
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(refused.status().message(),
            "no pool to take an address from for a session that did not authenticate: no "
            "default pool is configured");
  EXPECT_EQ(classify_assign_failure(refused.status()), AssignFailure::kNoPool);
  EXPECT_EQ(assign(strict, 8, "carol").status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(LocalAaaAssign, UnknownUserIsRefused) {
  LocalAaa aaa = make();
  absl::StatusOr<AddressAssignment> a = assign(aaa, 1, "mallory");
  EXPECT_EQ(a.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(a.status().message(), "unknown user \"mallory\"");
  EXPECT_EQ(classify_assign_failure(a.status()), AssignFailure::kUnknownUser);
  EXPECT_EQ(aaa.stats().assignment_failures, 1u);
  EXPECT_EQ(aaa.stats().active_sessions, 0u);
}

TEST(LocalAaaAssign, ExhaustedPoolIsAClearError) {
  LocalAaa aaa = make();
  // "subscribers" is 100.64.0.0-100.64.0.3 less alice's 100.64.0.2: three addresses.
  EXPECT_EQ(assign(aaa, 1, "carol")->ipv4, ip(100, 64, 0, 0));
  EXPECT_EQ(assign(aaa, 2, "carol")->ipv4, ip(100, 64, 0, 1));
  EXPECT_EQ(assign(aaa, 3, "carol")->ipv4, ip(100, 64, 0, 3));
  absl::StatusOr<AddressAssignment> refused = assign(aaa, 4, "carol");
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(refused.status().message(),
            "pool subscribers is exhausted: all 3 addresses are in use");
  EXPECT_EQ(classify_assign_failure(refused.status()), AssignFailure::kPoolExhausted);
  EXPECT_EQ(to_string(AssignFailure::kPoolExhausted), "pool exhausted");
  PoolStats pool = pool_stats(aaa.stats(), "subscribers");
  EXPECT_EQ(pool.size, 3u);
  EXPECT_EQ(pool.used, 3u);
  EXPECT_EQ(pool.high_water, 3u);
  EXPECT_EQ(pool.exhausted, 1u);
  // One session ends: its address serves the next.
  aaa.release(2);
  EXPECT_EQ(assign(aaa, 4, "carol")->ipv4, ip(100, 64, 0, 1));
}

TEST(LocalAaaAssign, AskingAgainForASessionAnswersWithWhatItHolds) {
  LocalAaa aaa = make();
  absl::StatusOr<AddressAssignment> first = assign(aaa, 1, "carol");
  absl::StatusOr<AddressAssignment> again = assign(aaa, 1, "carol");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->ipv4, first->ipv4);
  EXPECT_EQ(pool_stats(aaa.stats(), "subscribers").used, 1u);
  EXPECT_EQ(aaa.stats().assignments, 1u);
}

TEST(LocalAaaAssign, FixedAddressesServeOneSessionAtATime) {
  LocalAaa aaa = make();
  ASSERT_TRUE(assign(aaa, 1, "alice").ok());
  absl::StatusOr<AddressAssignment> second = assign(aaa, 2, "alice");
  EXPECT_EQ(second.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(second.status().message(), "the fixed addresses of alice are in use by its session 1");
  EXPECT_EQ(classify_assign_failure(second.status()), AssignFailure::kInUse);
  aaa.release(1);
  EXPECT_TRUE(assign(aaa, 2, "alice").ok());
  // Pool subscribers may log in several times.
  EXPECT_TRUE(assign(aaa, 3, "bob").ok());
  EXPECT_TRUE(assign(aaa, 4, "bob").ok());
}

TEST(LocalAaaAssign, ReleaseIsPerSessionAndIdempotent) {
  LocalAaa aaa = make();
  ASSERT_TRUE(assign(aaa, 1, "bob").ok());
  ASSERT_TRUE(assign(aaa, 2, "bob").ok());
  EXPECT_EQ(aaa.stats().active_sessions, 2u);
  aaa.release(1);
  aaa.release(1);
  aaa.release(99);  // never assigned
  AaaStats stats = aaa.stats();
  EXPECT_EQ(stats.active_sessions, 1u);
  EXPECT_EQ(stats.releases, 1u);
  EXPECT_EQ(pool_stats(stats, "business").used, 1u);
  EXPECT_EQ(aaa.assignment(1), nullptr);
  ASSERT_NE(aaa.assignment(2), nullptr);
  EXPECT_EQ(aaa.assignment(2)->ipv4, ip(198, 18, 0, 2));
}

TEST(LocalAaaCreate, RefusesInconsistentConfigurations) {
  LocalAaaConfig c = base_config();
  c.default_pool = "gold";
  EXPECT_EQ(LocalAaa::create(c).status().message(), "the default pool \"gold\" does not exist");
  c = base_config();
  c.subscribers[1].pool = "gold";
  EXPECT_EQ(LocalAaa::create(c).status().message(),
            "subscriber bob names pool \"gold\", which does not exist");
  c = base_config();
  c.subscribers[0].pool = "business";
  EXPECT_EQ(LocalAaa::create(c).status().message(),
            "subscriber alice has both a fixed address and pool business");
  c = base_config();
  c.subscribers[2].ipv4 = c.subscribers[0].ipv4;
  EXPECT_THAT(LocalAaa::create(c).status().message(), HasSubstr("same fixed address"));
  c = base_config();
  c.pools[1].ranges.push_back({ip(100, 64, 0, 3), ip(100, 64, 0, 9)});
  EXPECT_THAT(LocalAaa::create(c).status().message(), HasSubstr("overlap"));
}

TEST(LocalAaaStats, ShowsPoolsAndSubscribers) {
  LocalAaa aaa = make();
  ASSERT_TRUE(assign(aaa, 1, "bob").ok());
  AaaStats stats = aaa.stats();
  EXPECT_EQ(stats.subscribers, 3u);
  ASSERT_EQ(stats.pools.size(), 2u);
  EXPECT_EQ(stats.pools[0].name, "subscribers");  // configuration order
  EXPECT_EQ(stats.pools[0].ranges, (std::vector<Ipv4Range>{{ip(100, 64, 0, 0), ip(100, 64, 0, 3)}}));
  EXPECT_EQ(stats.pools[1].name, "business");
  EXPECT_EQ(stats.pools[1].size, 2u);
  EXPECT_EQ(stats.pools[1].used, 1u);
  EXPECT_EQ(stats.reloads, 0u);
}

TEST(LocalAaaReload, SessionsKeepTheirAddressesInTheNewPools) {
  LocalAaa aaa = make();
  ASSERT_EQ(assign(aaa, 1, "carol")->ipv4, ip(100, 64, 0, 0));
  ASSERT_EQ(assign(aaa, 2, "bob")->ipv4, ip(198, 18, 0, 1));
  ASSERT_TRUE(assign(aaa, 3, "alice").ok());

  // The default pool grows and is renamed; business is unchanged.
  LocalAaaConfig bigger = base_config();
  bigger.pools[0] = {"residential", {whole_block(ip(100, 64, 0, 0), 24)}};
  bigger.default_pool = "residential";
  absl::StatusOr<ReloadReport> report = aaa.reload(bigger);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->sessions_kept, 3u);
  EXPECT_THAT(report->stranded, IsEmpty());
  EXPECT_THAT(report->removed_users, IsEmpty());

  EXPECT_EQ(aaa.assignment(1)->pool, "residential");
  AaaStats stats = aaa.stats();
  EXPECT_EQ(stats.reloads, 1u);
  EXPECT_EQ(stats.active_sessions, 3u);
  EXPECT_EQ(pool_stats(stats, "residential").used, 1u);
  EXPECT_EQ(pool_stats(stats, "residential").size, 255u);  // less alice's
  EXPECT_EQ(pool_stats(stats, "business").used, 1u);
  // Nobody is given an address a running session holds.
  EXPECT_EQ(assign(aaa, 4, "carol")->ipv4, ip(100, 64, 0, 1));
  EXPECT_EQ(assign(aaa, 5, "bob")->ipv4, ip(198, 18, 0, 2));
  EXPECT_EQ(assign(aaa, 6, "alice").status().code(), absl::StatusCode::kAlreadyExists);
  // Released after the reload, the address goes back to the new pool.
  aaa.release(1);
  EXPECT_EQ(pool_stats(aaa.stats(), "residential").used, 1u);
  EXPECT_FALSE(aaa.pools().find("residential")->is_allocated(ip(100, 64, 0, 0)));
}

TEST(LocalAaaReload, AddressesOutsideEveryPoolAreReportedAndStayTaken) {
  LocalAaa aaa = make();
  ASSERT_EQ(assign(aaa, 1, "carol")->ipv4, ip(100, 64, 0, 0));
  ASSERT_EQ(assign(aaa, 2, "carol")->ipv4, ip(100, 64, 0, 1));

  // The pool moves away from 100.64.0.0; 100.64.0.1 becomes dave's.
  LocalAaaConfig moved = base_config();
  moved.pools[0].ranges = {whole_block(ip(100, 65, 0, 0), 30)};
  moved.subscribers[0].ipv4 = ip(100, 65, 0, 2);
  Subscriber dave;
  dave.name = "dave";
  dave.password = "d";
  dave.ipv4 = ip(100, 64, 0, 1);
  moved.subscribers.push_back(dave);
  absl::StatusOr<ReloadReport> report = aaa.reload(moved);
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_EQ(report->stranded.size(), 2u);
  EXPECT_EQ(report->stranded[0].session, 1u);
  EXPECT_EQ(report->stranded[0].user, "carol");
  EXPECT_EQ(report->stranded[0].address, ip(100, 64, 0, 0));
  EXPECT_EQ(report->stranded[0].reason, "no longer in any pool");
  EXPECT_EQ(report->stranded[1].session, 2u);
  EXPECT_EQ(report->stranded[1].reason, "now the fixed address of dave");
  EXPECT_EQ(aaa.stats().stranded_sessions, 2u);

  // The sessions keep their addresses; dave must wait for his.
  EXPECT_EQ(aaa.assignment(1)->ipv4, ip(100, 64, 0, 0));
  EXPECT_EQ(aaa.assignment(1)->pool, "");
  absl::StatusOr<AddressAssignment> refused = assign(aaa, 3, "dave");
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(refused.status().message(), HasSubstr("still held by session 2"));
  aaa.release(2);
  EXPECT_EQ(aaa.stats().stranded_sessions, 1u);
  EXPECT_EQ(assign(aaa, 3, "dave")->ipv4, ip(100, 64, 0, 1));
  // New sessions use the new pool.
  EXPECT_EQ(assign(aaa, 4, "carol")->ipv4, ip(100, 65, 0, 0));
}

TEST(LocalAaaReload, RemovedSubscribersAreReportedButKeepTheirSessions) {
  LocalAaa aaa = make();
  ASSERT_TRUE(assign(aaa, 5, "bob").ok());
  ASSERT_TRUE(assign(aaa, 6, "alice").ok());
  LocalAaaConfig without = base_config();
  without.subscribers.erase(without.subscribers.begin(), without.subscribers.begin() + 2);
  absl::StatusOr<ReloadReport> report = aaa.reload(without);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_THAT(report->removed_users, ElementsAre(5u, 6u));
  // alice's 100.64.0.2 now belongs to the default pool, held by session 6.
  EXPECT_THAT(report->stranded, IsEmpty());
  EXPECT_TRUE(aaa.pools().find("subscribers")->is_allocated(ip(100, 64, 0, 2)));
  EXPECT_EQ(aaa.assignment(6)->pool, "subscribers");
  EXPECT_EQ(pap(aaa, "bob", "bob-pw").code(), absl::StatusCode::kUnauthenticated);
  aaa.release(6);
  EXPECT_FALSE(aaa.pools().find("subscribers")->is_allocated(ip(100, 64, 0, 2)));
}

TEST(LocalAaaReload, AFailedReloadChangesNothing) {
  LocalAaa aaa = make();
  ASSERT_TRUE(assign(aaa, 1, "carol").ok());
  LocalAaaConfig broken = base_config();
  broken.default_pool = "missing";
  EXPECT_FALSE(aaa.reload(broken).ok());
  EXPECT_EQ(aaa.stats().reloads, 0u);
  EXPECT_EQ(pool_stats(aaa.stats(), "subscribers").used, 1u);
  EXPECT_TRUE(pap(aaa, "carol", "carol-pw").ok());
}

TEST(LocalAaaReload, PoolHistoryCarriesOverByName) {
  LocalAaa aaa = make();
  for (SessionId s = 1; s <= 4; ++s) (void)assign(aaa, s, "carol");  // the 4th is refused
  ASSERT_TRUE(aaa.reload(base_config()).ok());
  PoolStats pool = pool_stats(aaa.stats(), "subscribers");
  EXPECT_EQ(pool.used, 3u);
  EXPECT_EQ(pool.high_water, 3u);
  EXPECT_EQ(pool.exhausted, 1u);
}

}  // namespace
}  // namespace lns::aaa
