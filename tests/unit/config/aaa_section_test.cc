// The aaa section: pools, subscribers and DNS servers, and the checks that
// keep every IPv4 address and IPv6 prefix with one owner.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "config/addresses.h"
#include "config/config_loader.h"
#include "config/config_validator.h"
#include "tests/unit/config/config_text_builder.h"

namespace lns::config {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::ConfigText;
using testing::errors_of;
using testing::session;

// The section's settings start on line 8 (no static sessions).
absl::StatusOr<Config> load_aaa(const std::string& body) {
  ConfigText text;
  text.extra = "aaa = {\n" + body + "\n};\n";
  return text.load();
}

Ipv4 ip(const char* text) { return *parse_ipv4(text); }

TEST(AaaSection, ReadsEverySetting) {
  absl::StatusOr<Config> loaded = load_aaa(R"(dns = ["192.0.2.53", "192.0.2.54"];
default_pool = "subscribers";
pools = (
  { name = "subscribers"; ranges = ["100.64.0.0/16", "100.65.0.1-100.65.0.100", "100.65.1.7"]; },
  { name = "business"; ranges = ["198.18.0.0/24"]; }
);
users = (
  { name = "alice"; password = "secret"; ipv4 = "100.66.0.1"; ipv6_prefix = "2001:db8:a::/56";
    routes = ["10.1.0.0/24", "10.2.0.0/16"]; },
  { name = "bob@example.net"; password = "p w"; pool = "business"; },
  { name = "carol"; password = "x"; }
);)");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  const AaaConfig& aaa = loaded->aaa;
  EXPECT_EQ(aaa.dns, (std::vector<Ipv4>{ip("192.0.2.53"), ip("192.0.2.54")}));
  EXPECT_EQ(aaa.default_pool, "subscribers");
  ASSERT_EQ(aaa.pools.size(), 2u);
  EXPECT_EQ(aaa.pools[0].name, "subscribers");
  EXPECT_EQ(aaa.pools[0].ranges,
            (std::vector<Ipv4Range>{{ip("100.64.0.0"), ip("100.64.255.255"), 16},
                                    {ip("100.65.0.1"), ip("100.65.0.100"), 0},
                                    {ip("100.65.1.7"), ip("100.65.1.7"), 0}}));
  EXPECT_EQ(aaa.pools[0].line, 11);
  EXPECT_EQ(aaa.pools[1].ranges,
            (std::vector<Ipv4Range>{{ip("198.18.0.0"), ip("198.18.0.255"), 24}}));

  ASSERT_EQ(aaa.users.size(), 3u);
  const SubscriberConfig& alice = aaa.users[0];
  EXPECT_EQ(alice.name, "alice");
  EXPECT_EQ(alice.password, "secret");
  EXPECT_EQ(alice.ipv4, ip("100.66.0.1"));
  EXPECT_EQ(alice.ipv6_prefix, *parse_ipv6_prefix("2001:db8:a::/56"));
  EXPECT_EQ(alice.routes, (std::vector<Ipv4Prefix>{{ip("10.1.0.0"), 24}, {ip("10.2.0.0"), 16}}));
  EXPECT_FALSE(alice.pool.has_value());
  EXPECT_EQ(alice.line, 15);
  const SubscriberConfig& bob = aaa.users[1];
  EXPECT_EQ(bob.name, "bob@example.net");
  EXPECT_EQ(bob.password, "p w");
  EXPECT_FALSE(bob.ipv4.has_value());
  EXPECT_FALSE(bob.ipv6_prefix.has_value());
  EXPECT_TRUE(bob.routes.empty());
  EXPECT_EQ(bob.pool, "business");
  EXPECT_EQ(aaa.users[2].line, 18);
}

TEST(AaaSection, DefaultsWhenAbsent) {
  absl::StatusOr<Config> loaded = ConfigText{}.load();
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_TRUE(loaded->aaa.dns.empty());
  EXPECT_FALSE(loaded->aaa.default_pool.has_value());
  EXPECT_TRUE(loaded->aaa.pools.empty());
  EXPECT_TRUE(loaded->aaa.users.empty());
}

TEST(AaaSectionErrors, UnknownSettings) {
  EXPECT_THAT(
      errors_of(load_aaa("radius = 1;\npools = ( { name = \"p\"; ranges = [\"10.0.0.0/24\"]; "
                         "gateway = \"10.0.0.1\"; } );\n"
                         "users = ( { name = \"a\"; password = \"b\"; vlan = 5; } );")),
      ElementsAre("t.cfg:8: aaa.radius: unknown setting 'radius' in aaa; expected one of: dns, "
                  "default_pool, pools, users",
                  "t.cfg:9: aaa.pools.[0].gateway: unknown setting 'gateway' in aaa.pools.[0]; "
                  "expected one of: name, ranges",
                  "t.cfg:10: aaa.users.[0].vlan: unknown setting 'vlan' in aaa.users.[0]; "
                  "expected one of: name, password, ipv4, ipv6_prefix, routes, pool"));
}

TEST(AaaSectionErrors, DnsServers) {
  EXPECT_THAT(errors_of(load_aaa("dns = [\"192.0.2.53\", \"192.0.2.54\", \"192.0.2.55\"];")),
              ElementsAre("t.cfg:8: aaa.dns: expected at most two DNS servers (primary, "
                          "secondary), got 3"));
  EXPECT_THAT(errors_of(load_aaa("dns = [\"224.0.0.1\"];")),
              ElementsAre("t.cfg:8: aaa.dns.[0]: expected a unicast IPv4 address like "
                          "192.0.2.1, got \"224.0.0.1\" (not a unicast address)"));
  EXPECT_THAT(errors_of(load_aaa("dns = \"192.0.2.53\";")),
              ElementsAre(HasSubstr("t.cfg:8: aaa.dns: expected an array of at most two IPv4 "
                                    "addresses")));
}

TEST(AaaSectionErrors, PoolRangeSyntax) {
  EXPECT_THAT(
      errors_of(load_aaa(
          "default_pool = \"p\";\n"
          "pools = ( { name = \"p\"; ranges = (\"100.64.0.1/16\", \"100.65.0.9-100.65.0.1\",\n"
          "\"0.0.0.0/0\", \"100.67.0.0 - 100.67.0.9\", \"126.0.0.0-128.0.0.1\", "
          "\"224.0.0.0/4\", 5); } );")),
      ElementsAre(
          "t.cfg:9: aaa.pools.[0].ranges.[0]: expected a range of unicast IPv4 addresses like "
          "100.64.0.0/16 or 100.65.0.1-100.65.0.100, got \"100.64.0.1/16\" (host bits are set; "
          "the network is 100.64.0.0/16)",
          HasSubstr("aaa.pools.[0].ranges.[1]: expected a range of unicast IPv4 addresses like "
                    "100.64.0.0/16 or 100.65.0.1-100.65.0.100, got \"100.65.0.9-100.65.0.1\" "
                    "(the first address is above the last)"),
          HasSubstr("ranges.[2]: expected a range of unicast IPv4 addresses like 100.64.0.0/16 "
                    "or 100.65.0.1-100.65.0.100, got \"0.0.0.0/0\" (prefix length must be "
                    "1..32)"),
          HasSubstr("ranges.[3]: expected a range of unicast IPv4 addresses like 100.64.0.0/16 "
                    "or 100.65.0.1-100.65.0.100, got \"100.67.0.0 - 100.67.0.9\" (before the "
                    "'-': needs four '.'-separated decimal numbers)"),
          HasSubstr("ranges.[4]: expected a range of unicast IPv4 addresses like 100.64.0.0/16 "
                    "or 100.65.0.1-100.65.0.100, got \"126.0.0.0-128.0.0.1\" (not all unicast "
                    "addresses)"),
          HasSubstr("ranges.[5]: expected a range of unicast IPv4 addresses like 100.64.0.0/16 "
                    "or 100.65.0.1-100.65.0.100, got \"224.0.0.0/4\" (not all unicast "
                    "addresses)"),
          HasSubstr("ranges.[6]: expected a range of unicast IPv4 addresses like 100.64.0.0/16 "
                    "or 100.65.0.1-100.65.0.100, got 5")));
  EXPECT_THAT(errors_of(load_aaa("pools = ( { name = \"p\"; ranges = []; },\n"
                                 "{ name = \"q\"; } );")),
              ElementsAre("t.cfg:8: aaa.pools.[0].ranges: expected a non-empty array of ranges "
                          "like [\"100.64.0.0/16\", \"100.65.0.1-100.65.0.100\"], got an empty "
                          "array []",
                          "t.cfg:9: aaa.pools.[1].ranges: required setting is missing; expected "
                          "a non-empty array of ranges like [\"100.64.0.0/16\", "
                          "\"100.65.0.1-100.65.0.100\"]"));
}

TEST(AaaSectionErrors, UserSettings) {
  EXPECT_THAT(
      errors_of(load_aaa(
          "users = (\n"
          "{ password = \"x\"; },\n"
          "{ name = \"bob\"; },\n"
          "{ name = \"carol\"; password = \"\"; ipv4 = \"100.64.0.256\"; },\n"
          "{ name = \"dave\"; password = \"x\"; ipv6_prefix = \"2001:db8::/65\"; routes = "
          "[\"10.1.0.1/24\", \"0.0.0.0/0\"]; },\n"
          "{ name = \"" + std::string(256, 'e') + "\"; password = \"x\"; pool = 5; }\n);")),
      ElementsAre(
          "t.cfg:9: aaa.users.[0].name: required setting is missing; expected a user name of "
          "1..255 characters",
          "t.cfg:10: aaa.users.[1].password: required setting is missing; expected a password "
          "of 1..255 characters",
          "t.cfg:11: aaa.users.[2].password: expected a password of 1..255 characters, got an "
          "empty string",
          "t.cfg:11: aaa.users.[2].ipv4: expected a unicast IPv4 address like 192.0.2.1, got "
          "\"100.64.0.256\" (each number must be 0..255)",
          "t.cfg:12: aaa.users.[3].ipv6_prefix: expected an IPv6 prefix like 2001:db8:1::/64 "
          "with length 1..64, got \"2001:db8::/65\" (length out of range)",
          "t.cfg:12: aaa.users.[3].routes.[0]: expected a unicast IPv4 prefix like 10.1.0.0/24 "
          "with length 1..32, got \"10.1.0.1/24\" (host bits are set; the network is "
          "10.1.0.0/24)",
          "t.cfg:12: aaa.users.[3].routes.[1]: expected a unicast IPv4 prefix like 10.1.0.0/24 "
          "with length 1..32, got \"0.0.0.0/0\" (length out of range)",
          HasSubstr("t.cfg:13: aaa.users.[4].name: expected a user name of 1..255 characters, "
                    "got \"eeee"),
          "t.cfg:13: aaa.users.[4].pool: expected a pool name of 1..64 characters, got 5"));
}

TEST(AaaSectionErrors, NamesAreUnique) {
  EXPECT_THAT(
      errors_of(load_aaa("default_pool = \"p\";\n"
                         "pools = ( { name = \"p\"; ranges = [\"10.0.0.0/24\"]; },\n"
                         "{ name = \"p\"; ranges = [\"10.0.1.0/24\"]; } );\n"
                         "users = ( { name = \"alice\"; password = \"a\"; },\n"
                         "{ name = \"alice\"; password = \"b\"; } );")),
      ElementsAre("t.cfg:10: aaa.pools.[1].name: \"p\" is also the name of aaa.pools.[0] (line 9)",
                  "t.cfg:12: aaa.users.[1].name: \"alice\" is also the name of aaa.users.[0] "
                  "(line 11)"));
}

TEST(AaaSectionErrors, PoolReferences) {
  EXPECT_THAT(errors_of(load_aaa("pools = ( { name = \"p\"; ranges = [\"10.0.0.0/24\"]; },\n"
                                 "{ name = \"q\"; ranges = [\"10.0.1.0/24\"]; } );")),
              ElementsAre("t.cfg:7: aaa.default_pool: required setting is missing when there "
                          "are pools; expected the name of one of: p, q"));
  EXPECT_THAT(errors_of(load_aaa("default_pool = \"gold\";\n"
                                 "pools = ( { name = \"p\"; ranges = [\"10.0.0.0/24\"]; } );\n"
                                 "users = ( { name = \"a\"; password = \"a\"; pool = \"silver\"; "
                                 "} );")),
              ElementsAre("t.cfg:8: aaa.default_pool: \"gold\" names no pool; expected one of: p",
                          "t.cfg:10: aaa.users.[0].pool: \"silver\" names no pool; expected one "
                          "of: p"));
  EXPECT_THAT(errors_of(load_aaa("default_pool = \"gold\";")),
              ElementsAre("t.cfg:8: aaa.default_pool: \"gold\" names no pool, and aaa.pools is "
                          "empty"));
  EXPECT_THAT(errors_of(load_aaa("default_pool = \"p\";\n"
                                 "pools = ( { name = \"p\"; ranges = [\"10.0.0.0/24\"]; } );\n"
                                 "users = ( { name = \"a\"; password = \"a\"; pool = \"p\"; "
                                 "ipv4 = \"10.9.0.1\"; } );")),
              ElementsAre("t.cfg:10: aaa.users.[0].pool: a subscriber with a fixed ipv4 address "
                          "takes nothing from a pool; set ipv4 or pool, not both"));
}

TEST(AaaSectionErrors, PoolsMustNotOverlap) {
  EXPECT_THAT(
      errors_of(load_aaa("default_pool = \"a\";\n"
                         "pools = ( { name = \"a\"; ranges = [\"100.64.0.0/16\"]; },\n"
                         "{ name = \"b\"; ranges = [\"100.65.0.0/24\", \"100.64.255.0-100.64.255.255\"]; "
                         "},\n"
                         "{ name = \"c\"; ranges = [\"100.66.0.0/24\", \"100.66.0.128/25\"]; } );")),
      ElementsAre("t.cfg:10: aaa.pools.[1].ranges.[1]: 100.64.255.0-100.64.255.255 overlaps pool "
                  "range 100.64.0.0/16 of aaa.pools.[0] (line 9)",
                  "t.cfg:11: aaa.pools.[2].ranges.[1]: 100.66.0.128/25 overlaps pool range "
                  "100.66.0.0/24 of aaa.pools.[2] (line 11)"));
}

TEST(AaaSectionErrors, AdjacentRangesDoNotOverlap) {
  EXPECT_THAT(errors_of(load_aaa(
                  "default_pool = \"a\";\n"
                  "pools = ( { name = \"a\"; ranges = [\"100.64.0.0/24\", \"100.64.1.0/24\"]; },\n"
                  "{ name = \"b\"; ranges = [\"100.64.2.0-100.64.2.0\", \"100.64.2.1\"]; } );")),
              IsEmpty());
}

TEST(AaaSectionErrors, PoolsMustNotHoldOurOrStaticSessionsAddresses) {
  ConfigText text;
  text.core += " ipv4 = \"100.70.0.1\";";
  text.sessions = {session(1, 1, "100.64.0.200", "count = 10;")};
  text.extra =
      "aaa = { default_pool = \"a\";\n"
      "pools = ( { name = \"a\"; ranges = [\"100.64.0.0/24\", \"192.0.2.0/24\"]; },\n"
      "{ name = \"b\"; ranges = [\"100.70.0.0/16\"]; } ); };\n";
  EXPECT_THAT(errors_of(text.load()),
              ElementsAre("t.cfg:9: aaa.pools.[0].ranges.[0]: 100.64.0.0/24 overlaps subscriber "
                          "addresses 100.64.0.200..100.64.0.209 of static_sessions.[0] (line 6)",
                          "t.cfg:9: aaa.pools.[0].ranges.[1]: 192.0.2.0/24 overlaps access.ipv4, "
                          "lnsd's own address",
                          "t.cfg:10: aaa.pools.[1].ranges.[0]: 100.70.0.0/16 overlaps core.ipv4, "
                          "lnsd's own address"));
}

TEST(AaaSectionErrors, PoolSizeIsBounded) {
  EXPECT_THAT(errors_of(load_aaa("default_pool = \"big\";\n"
                                 "pools = ( { name = \"big\"; ranges = [\"10.0.0.0/8\"]; } );")),
              IsEmpty());
  EXPECT_THAT(
      errors_of(load_aaa("default_pool = \"big\";\n"
                         "pools = ( { name = \"big\"; ranges = [\"10.0.0.0/8\", \"11.0.0.0/32\"]; "
                         "} );")),
      ElementsAre("t.cfg:9: aaa.pools.[0].ranges: 16777217 addresses exceed the 16777216 one "
                  "pool may hold; split it into several pools"));
}

TEST(AaaSectionErrors, FixedAddressesHaveOneOwner) {
  ConfigText text;
  text.sessions = {session(1, 1, "100.64.0.1")};
  text.extra =
      "aaa = { users = (\n"
      "{ name = \"a\"; password = \"x\"; ipv4 = \"100.66.0.1\"; },\n"
      "{ name = \"b\"; password = \"x\"; ipv4 = \"100.66.0.1\"; },\n"
      "{ name = \"c\"; password = \"x\"; ipv4 = \"100.64.0.1\"; },\n"
      "{ name = \"d\"; password = \"x\"; ipv4 = \"192.0.2.1\"; }\n"
      "); };\n";
  EXPECT_THAT(errors_of(text.load()),
              ElementsAre("t.cfg:10: aaa.users.[1].ipv4: 100.66.0.1 is also the fixed address "
                          "of aaa.users.[0] (line 9)",
                          "t.cfg:11: aaa.users.[2].ipv4: 100.64.0.1 is also given to "
                          "static_sessions.[0] (line 6)",
                          "t.cfg:12: aaa.users.[3].ipv4: 192.0.2.1 is also access.ipv4, lnsd's "
                          "own address"));
}

TEST(AaaSection, FixedAddressMayLieInAPoolOrItsOwnRoute) {
  EXPECT_THAT(errors_of(load_aaa(
                  "default_pool = \"p\";\n"
                  "pools = ( { name = \"p\"; ranges = [\"100.64.0.0/24\"]; } );\n"
                  "users = ( { name = \"a\"; password = \"x\"; ipv4 = \"100.64.0.7\"; },\n"
                  "{ name = \"b\"; password = \"x\"; ipv4 = \"10.1.0.1\"; "
                  "routes = [\"10.1.0.0/29\"]; } );")),
              IsEmpty());
}

TEST(AaaSectionErrors, RoutesHaveOneOwner) {
  EXPECT_THAT(
      errors_of(load_aaa("default_pool = \"p\";\n"
                         "pools = ( { name = \"p\"; ranges = [\"100.64.0.0/24\"]; } );\n"
                         "users = ( { name = \"a\"; password = \"x\"; routes = [\"10.1.0.0/16\"]; },\n"
                         "{ name = \"b\"; password = \"x\"; routes = [\"10.1.2.0/24\", "
                         "\"100.64.0.128/25\"]; },\n"
                         "{ name = \"c\"; password = \"x\"; ipv4 = \"10.1.9.9\"; } );")),
      ElementsAre("t.cfg:11: aaa.users.[1].routes.[0]: 10.1.2.0/24 overlaps route 10.1.0.0/16 of "
                  "aaa.users.[0] (line 10)",
                  "t.cfg:11: aaa.users.[1].routes.[1]: 100.64.0.128/25 overlaps pool range "
                  "100.64.0.0/24 of aaa.pools.[0] (line 9)",
                  "t.cfg:12: aaa.users.[2].ipv4: 10.1.9.9 lies in route 10.1.0.0/16 of "
                  "aaa.users.[0] (line 10)"));
}

TEST(AaaSectionErrors, DelegatedPrefixesHaveOneOwner) {
  ConfigText text;
  text.sessions = {session(1, 1, "100.64.0.1", "ipv6_prefix = \"2001:db8:100::/64\"; count = 4;")};
  text.extra =
      "aaa = { users = (\n"
      "{ name = \"a\"; password = \"x\"; ipv6_prefix = \"2001:db8:a::/48\"; },\n"
      "{ name = \"b\"; password = \"x\"; ipv6_prefix = \"2001:db8:a:100::/56\"; },\n"
      "{ name = \"c\"; password = \"x\"; ipv6_prefix = \"2001:db8:100:3::/64\"; },\n"
      "{ name = \"d\"; password = \"x\"; ipv6_prefix = \"2001:db8:100:4::/64\"; }\n"
      "); };\n";
  EXPECT_THAT(errors_of(text.load()),
              ElementsAre("t.cfg:10: aaa.users.[1].ipv6_prefix: 2001:db8:a:100::/56 overlaps the "
                          "prefix 2001:db8:a::/48 of aaa.users.[0] (line 9)",
                          "t.cfg:11: aaa.users.[2].ipv6_prefix: 2001:db8:100:3::/64 overlaps the "
                          "subscriber prefixes of static_sessions.[0] (line 6)"));
}

// The data plane routes IPv6 with one table per prefix length, at most
// four; a fifth length would leave its subscribers with no IPv6 routed.
TEST(AaaSectionErrors, AtMostFourDistinctDelegatedPrefixLengths) {
  ConfigText text;
  text.sessions = {session(1, 1, "100.64.0.1", "ipv6_prefix = \"2001:db8:100::/64\";")};
  text.extra =
      "aaa = { users = (\n"
      "{ name = \"a\"; password = \"x\"; ipv6_prefix = \"2001:db8:a::/48\"; },\n"
      "{ name = \"b\"; password = \"x\"; ipv6_prefix = \"2001:db8:b::/56\"; },\n"
      "{ name = \"c\"; password = \"x\"; ipv6_prefix = \"2001:db8:c::/60\"; },\n"
      "{ name = \"d\"; password = \"x\"; ipv6_prefix = \"2001:db8:d::/62\"; },\n"
      "{ name = \"e\"; password = \"x\"; ipv6_prefix = \"2001:db8:e::/62\"; },\n"
      "{ name = \"f\"; password = \"x\"; ipv6_prefix = \"2001:db8:f::/56\"; }\n"
      "); };\n";
  EXPECT_THAT(errors_of(text.load()),
              ElementsAre("t.cfg:12: aaa.users.[3].ipv6_prefix: 2001:db8:d::/62: at most 4 distinct IPv6 "
                          "prefix lengths can be routed, and /64, /48, /56, /60 are in use"));
}

TEST(AaaSection, FourDelegatedPrefixLengthsAreFine) {
  ConfigText text;
  text.extra =
      "aaa = { users = (\n"
      "{ name = \"a\"; password = \"x\"; ipv6_prefix = \"2001:db8:a::/48\"; },\n"
      "{ name = \"b\"; password = \"x\"; ipv6_prefix = \"2001:db8:b::/56\"; },\n"
      "{ name = \"c\"; password = \"x\"; ipv6_prefix = \"2001:db8:c::/60\"; },\n"
      "{ name = \"d\"; password = \"x\"; ipv6_prefix = \"2001:db8:d::/64\"; }\n"
      "); };\n";
  EXPECT_THAT(errors_of(text.load()), ::testing::IsEmpty());
}

TEST(AaaSection, ManySubscribersAreCheckedQuickly) {
  // 100,000 subscribers with fixed addresses and prefixes, one duplicate.
  Config config;
  config.access.device = "net_tap0";
  config.access.ipv4 = ip("192.0.2.1");
  config.core.device = "net_tap1";
  config.core.next_hop_mac = MacAddress{{2, 0, 0, 0, 0, 2}};
  for (uint32_t i = 0; i < 100'000; ++i) {
    SubscriberConfig user;
    user.name = absl::StrCat("user", i);
    user.password = "x";
    user.ipv4 = ip("100.64.0.0") + i;
    Ipv6Prefix prefix = *parse_ipv6_prefix("2001:db8::/56");
    prefix.address[4] = static_cast<uint8_t>(i >> 16);
    prefix.address[5] = static_cast<uint8_t>(i >> 8);
    prefix.address[6] = static_cast<uint8_t>(i);
    user.ipv6_prefix = prefix;
    config.aaa.users.push_back(user);
  }
  EXPECT_TRUE(validate_config(config).ok()) << validate_config(config);
  config.aaa.users[99'999].ipv4 = ip("100.64.0.5");
  EXPECT_THAT(std::string(validate_config(config).message()),
              HasSubstr("aaa.users.[99999].ipv4: 100.64.0.5 is also the fixed address of "
                        "aaa.users.[5]"));
}

}  // namespace
}  // namespace lns::config
