#include "config/static_sessions.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <vector>

#include "config/addresses.h"

namespace lns::config {
namespace {

using ::testing::HasSubstr;

StaticSession range_of(uint16_t tunnel_id, uint16_t session_id, uint32_t count) {
  StaticSession range;
  range.lac_ipv4 = *parse_ipv4("192.0.2.2");
  range.tunnel_id = tunnel_id;
  range.session_id = session_id;
  range.peer_tunnel_id = tunnel_id;
  range.peer_session_id = session_id;
  range.subscriber_ipv4 = *parse_ipv4("100.64.0.1");
  range.count = count;
  return range;
}

std::vector<StaticSession> expand(const StaticSession& range) {
  std::vector<StaticSession> entries;
  for_each_static_session(range, [&](const StaticSession& s) { entries.push_back(s); });
  return entries;
}

TEST(ForEachStaticSession, SingleSessionIsYieldedAsIs) {
  StaticSession range = range_of(7, 9, 1);
  range.mtu = 1400;
  range.subscriber_ipv6 = *parse_ipv6_prefix("2001:db8:1::/64");
  std::vector<StaticSession> entries = expand(range);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].tunnel_id, 7);
  EXPECT_EQ(entries[0].session_id, 9);
  EXPECT_EQ(entries[0].subscriber_ipv4, range.subscriber_ipv4);
  EXPECT_EQ(entries[0].subscriber_ipv6, range.subscriber_ipv6);
  EXPECT_EQ(entries[0].mtu, 1400);
  EXPECT_EQ(entries[0].count, 1u);
}

TEST(ForEachStaticSession, SessionIdsWrapFrom65535ToOneInTheNextTunnel) {
  std::vector<StaticSession> entries = expand(range_of(3, 65534, 4));
  ASSERT_EQ(entries.size(), 4u);
  std::vector<std::pair<int, int>> ids;
  for (const StaticSession& s : entries) ids.emplace_back(s.tunnel_id, s.session_id);
  EXPECT_EQ(ids, (std::vector<std::pair<int, int>>{{3, 65534}, {3, 65535}, {4, 1}, {4, 2}}));
  for (const StaticSession& s : entries) {
    EXPECT_EQ(s.peer_tunnel_id, s.tunnel_id);
    EXPECT_EQ(s.peer_session_id, s.session_id);
    EXPECT_EQ(s.count, 1u);
  }
}

TEST(ForEachStaticSession, PeerIdsAdvanceAndWrapOnTheirOwn) {
  StaticSession range = range_of(1, 65535, 3);
  range.peer_tunnel_id = 50;
  range.peer_session_id = 65534;
  std::vector<StaticSession> entries = expand(range);
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[1].tunnel_id, 2);
  EXPECT_EQ(entries[1].session_id, 1);
  EXPECT_EQ(entries[1].peer_tunnel_id, 50);
  EXPECT_EQ(entries[1].peer_session_id, 65535);
  EXPECT_EQ(entries[2].peer_tunnel_id, 51);
  EXPECT_EQ(entries[2].peer_session_id, 1);
}

TEST(ForEachStaticSession, AddressesAdvanceByOnePerSession) {
  StaticSession range = range_of(1, 1, 3);
  range.subscriber_ipv4 = *parse_ipv4("100.64.0.255");
  range.subscriber_ipv6 = *parse_ipv6_prefix("2001:db8:0:ffff::/64");
  std::vector<StaticSession> entries = expand(range);
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(format_ipv4(entries[1].subscriber_ipv4), "100.64.1.0");
  EXPECT_EQ(format_ipv4(entries[2].subscriber_ipv4), "100.64.1.1");
  // The next /64 carries into the /48 part.
  EXPECT_EQ(format_ipv6_prefix(*entries[1].subscriber_ipv6), "2001:db8:1::/64");
  EXPECT_EQ(format_ipv6_prefix(*entries[2].subscriber_ipv6), "2001:db8:1:1::/64");
}

TEST(ForEachStaticSession, Ipv6PrefixesAdvanceInUnitsOfTheirLength) {
  StaticSession range = range_of(1, 1, 3);
  range.subscriber_ipv6 = *parse_ipv6_prefix("2001:db8:fe00::/40");
  std::vector<StaticSession> entries = expand(range);
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(format_ipv6_prefix(*entries[0].subscriber_ipv6), "2001:db8:fe00::/40");
  EXPECT_EQ(format_ipv6_prefix(*entries[1].subscriber_ipv6), "2001:db8:ff00::/40");
  EXPECT_EQ(format_ipv6_prefix(*entries[2].subscriber_ipv6), "2001:db9::/40");
}

TEST(ForEachStaticSession, OtherFieldsAreCopiedUnresolved) {
  StaticSession range = range_of(1, 1, 2);
  range.lac_port = 4000;
  range.lac_mac = *parse_mac("02:00:00:00:00:09");
  for (const StaticSession& s : expand(range)) {
    EXPECT_EQ(s.lac_ipv4, range.lac_ipv4);
    EXPECT_EQ(s.lac_port, 4000);
    EXPECT_EQ(s.lac_mac, range.lac_mac);
    EXPECT_FALSE(s.mtu.has_value());
    EXPECT_FALSE(s.subscriber_ipv6.has_value());
  }
}

TEST(ForEachStaticSession, AMillionSessionsSpanSixteenTunnels) {
  StaticSession range = range_of(1, 1, 1'000'000);
  uint64_t seen = 0;
  StaticSession last;
  for_each_static_session(range, [&](const StaticSession& s) {
    ++seen;
    last = s;
  });
  EXPECT_EQ(seen, 1'000'000u);
  // 999,999 = 15 * 65535 + 16974: tunnel 16, session 16975.
  EXPECT_EQ(last.tunnel_id, 16);
  EXPECT_EQ(last.session_id, 16975);
  EXPECT_EQ(format_ipv4(last.subscriber_ipv4), "100.79.66.64");
}

TEST(StaticSessionAt, AgreesWithIteration) {
  StaticSession range = range_of(2, 60000, 140'000);
  range.peer_tunnel_id = 9;
  range.peer_session_id = 17;
  range.subscriber_ipv6 = *parse_ipv6_prefix("2001:db8:aa00::/56");
  uint32_t index = 0;
  for_each_static_session(range, [&](const StaticSession& s) {
    StaticSession direct = static_session_at(range, index);
    if (direct.tunnel_id != s.tunnel_id || direct.session_id != s.session_id ||
        direct.peer_tunnel_id != s.peer_tunnel_id ||
        direct.peer_session_id != s.peer_session_id ||
        direct.subscriber_ipv4 != s.subscriber_ipv4 ||
        direct.subscriber_ipv6 != s.subscriber_ipv6 || direct.count != 1) {
      ADD_FAILURE() << "entry " << index << " differs";
    }
    ++index;
  });
  EXPECT_EQ(index, range.count);
}

TEST(IdPairOrdinal, CountsSessionsAcrossTunnels) {
  EXPECT_EQ(id_pair_ordinal(1, 1), 0u);
  EXPECT_EQ(id_pair_ordinal(1, 65535), 65534u);
  EXPECT_EQ(id_pair_ordinal(2, 1), 65535u);
  EXPECT_EQ(id_pair_ordinal(65535, 65535) + 1, kIdPairOrdinalEnd);
}

TEST(CheckStaticSessionRange, AcceptsARangeEndingAtTheLastIds) {
  EXPECT_TRUE(check_static_session_range(range_of(65535, 65534, 2)).ok());
  EXPECT_TRUE(check_static_session_range(range_of(65534, 1, 2 * 65535)).ok());
}

TEST(CheckStaticSessionRange, RejectsRangesRunningPastTunnel65535) {
  absl::Status status = check_static_session_range(range_of(65535, 65535, 2));
  EXPECT_THAT(status.message(),
              HasSubstr("2 sessions from our tunnel 65535 session 65535 run past our tunnel 65535 "
                        "session 65535"));
  EXPECT_THAT(status.message(), HasSubstr("from peer tunnel 65535"));
}

TEST(CheckStaticSessionRange, RejectsPeerIdsRunningOutAlone) {
  StaticSession range = range_of(1, 1, 3);
  range.peer_tunnel_id = 65535;
  range.peer_session_id = 65534;
  EXPECT_EQ(check_static_session_range(range).message(),
            "3 sessions from peer tunnel 65535 session 65534 run past peer tunnel 65535 session "
            "65535");
}

TEST(CheckStaticSessionRange, RejectsAddressesRunningOutOfSpace) {
  StaticSession range = range_of(1, 1, 3);
  range.subscriber_ipv4 = *parse_ipv4("255.255.255.254");
  EXPECT_EQ(check_static_session_range(range).message(),
            "3 subscriber IPv4 addresses from 255.255.255.254 run past 255.255.255.255");

  range = range_of(1, 1, 2);
  range.subscriber_ipv6 = *parse_ipv6_prefix("fe00::/7");
  EXPECT_EQ(check_static_session_range(range).message(),
            "2 IPv6 /7 prefixes from fe00::/7 run past the last /7 prefix");
  range.count = 1;
  EXPECT_TRUE(check_static_session_range(range).ok());
}

TEST(CheckStaticSessionRange, RejectsZeroIdsAndCount) {
  EXPECT_THAT(check_static_session_range(range_of(0, 1, 1)).message(),
              HasSubstr("our tunnel and session IDs must be 1..65535"));
  EXPECT_EQ(check_static_session_range(range_of(1, 1, 0)).message(), "count must be at least 1");
}

TEST(TotalStaticSessions, SumsCounts) {
  Config config;
  EXPECT_EQ(total_static_sessions(config), 0u);
  config.static_sessions = {range_of(1, 1, 1'000'000), range_of(20, 1, 5), range_of(30, 1, 1)};
  EXPECT_EQ(total_static_sessions(config), 1'000'006u);
}

TEST(ForEachStaticSessionOfConfig, ResolvesMtuAndLacMacDefaults) {
  Config config;
  config.dataplane.session_mtu = 1492;
  config.access.next_hop_mac = *parse_mac("02:00:00:00:00:01");
  StaticSession own = range_of(1, 1, 1);
  own.mtu = 1400;
  own.lac_mac = *parse_mac("02:00:00:00:00:09");
  config.static_sessions = {range_of(5, 1, 2), own};
  std::vector<StaticSession> entries;
  for_each_static_session(config, [&](const StaticSession& s) { entries.push_back(s); });
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].mtu, 1492);
  EXPECT_EQ(entries[1].session_id, 2);
  EXPECT_EQ(entries[1].lac_mac, config.access.next_hop_mac);
  EXPECT_EQ(entries[2].mtu, 1400);
  EXPECT_EQ(entries[2].lac_mac, own.lac_mac);
}

}  // namespace
}  // namespace lns::config
