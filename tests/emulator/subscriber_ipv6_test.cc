// Which IPv6 prefix and address a session's probes use: the AAA's naming
// scheme given on the command line, and the IPv6CP interface identifier.
#include "tests/emulator/subscriber_ipv6.h"

#include "gtest/gtest.h"

namespace lns::emu {
namespace {

TEST(SubscriberIpv6, TheFormatNamesEachSessionsPrefixInHexadecimal) {
  absl::StatusOr<Ipv6Prefix> p = session_ipv6_prefix("2001:db8:%x::/64", 26);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(format_ipv6_prefix(*p), "2001:db8:1a::/64");
  p = session_ipv6_prefix("2001:db8:%04x:100::/56", 7);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(format_ipv6_prefix(*p), "2001:db8:7:100::/56");
  p = session_ipv6_prefix("2001:db8:1:%d::/64", 12);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(format_ipv6_prefix(*p), "2001:db8:1:12::/64") << "%d is decimal digits, read as hex by IPv6";
}

TEST(SubscriberIpv6, BadPrefixesAreRefusedWithTheSessionNamed) {
  EXPECT_FALSE(session_ipv6_prefix("2001:db8:%x::", 1).ok()) << "no length";
  EXPECT_FALSE(session_ipv6_prefix("2001:db8:%x::/96", 1).ok()) << "leaves no room for an interface id";
  EXPECT_FALSE(session_ipv6_prefix("2001:db8:%x::/0", 1).ok());
  EXPECT_FALSE(session_ipv6_prefix("2001:db8:%x::1/64", 1).ok()) << "host bits";
  const absl::StatusOr<Ipv6Prefix> overflow = session_ipv6_prefix("2001:db8:%x::/64", 0x10000);
  ASSERT_FALSE(overflow.ok()) << "five hex digits do not fit a group";
  EXPECT_NE(overflow.status().message().find("session 65536"), std::string_view::npos) << overflow.status();
}

TEST(SubscriberIpv6, TheAddressIsTheFirst64OfThePrefixWithTheInterfaceId) {
  const absl::StatusOr<Ipv6Prefix> p = parse_ipv6_prefix("2001:db8:100::/48");
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(format_ipv6_address(subscriber_ipv6_address(*p, 0x0123456789abcdefULL)),
            "2001:db8:100:0:123:4567:89ab:cdef");
}

TEST(SubscriberIpv6, AddressesParseAndFormat) {
  const absl::StatusOr<Ipv6Address> a = parse_ipv6_address("2001:2::1");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ((*a)[0], 0x20);
  EXPECT_EQ((*a)[3], 0x02);
  EXPECT_EQ((*a)[15], 0x01);
  EXPECT_EQ(format_ipv6_address(*a), "2001:2::1");
  EXPECT_FALSE(parse_ipv6_address("198.18.0.1").ok());
  EXPECT_FALSE(parse_ipv6_address("2001:::1").ok());
}

}  // namespace
}  // namespace lns::emu
