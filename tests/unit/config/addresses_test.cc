#include "config/addresses.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/port_device.h"

namespace lns::config {
namespace {

using ::testing::HasSubstr;

TEST(ParseMac, AcceptsColonSeparatedHexInEitherCase) {
  absl::StatusOr<MacAddress> mac = parse_mac("02:0A:fb:00:10:ff");
  ASSERT_TRUE(mac.ok()) << mac.status();
  EXPECT_EQ(mac->bytes, (std::array<uint8_t, 6>{0x02, 0x0a, 0xfb, 0x00, 0x10, 0xff}));
}

TEST(ParseMac, RejectsOtherSpellings) {
  for (const char* text : {"", "02:00:00:00:00", "02:00:00:00:00:01:02", "02-00-00-00-00-01",
                           "2:0:0:0:0:1", "02:00:00:00:00:0g", " 02:00:00:00:00:01",
                           "0200.0000.0001"}) {
    absl::StatusOr<MacAddress> mac = parse_mac(text);
    EXPECT_FALSE(mac.ok()) << text;
    EXPECT_THAT(mac.status().message(), HasSubstr("hex")) << text;
  }
}

TEST(FormatMac, IsLowerCaseAndRoundTrips) {
  MacAddress mac{{0xAA, 0xbb, 0x0c, 0x00, 0x01, 0xF0}};
  EXPECT_EQ(format_mac(mac), "aa:bb:0c:00:01:f0");
  EXPECT_EQ(*parse_mac(format_mac(mac)), mac);
}

TEST(IsUnicastMac, RejectsGroupAndZeroAddresses) {
  EXPECT_TRUE(is_unicast_mac(*parse_mac("02:00:00:00:00:01")));
  EXPECT_FALSE(is_unicast_mac(*parse_mac("01:00:5e:00:00:01")));
  EXPECT_FALSE(is_unicast_mac(*parse_mac("ff:ff:ff:ff:ff:ff")));
  EXPECT_FALSE(is_unicast_mac(*parse_mac("00:00:00:00:00:00")));
}

TEST(ParseIpv4, ReturnsHostByteOrder) {
  EXPECT_EQ(*parse_ipv4("192.0.2.1"), 0xc0000201u);
  EXPECT_EQ(*parse_ipv4("0.0.0.0"), 0u);
  EXPECT_EQ(*parse_ipv4("255.255.255.255"), 0xffffffffu);
}

TEST(ParseIpv4, RejectsMalformedText) {
  EXPECT_THAT(parse_ipv4("192.0.2").status().message(), HasSubstr("four"));
  EXPECT_THAT(parse_ipv4("192.0.2.1.5").status().message(), HasSubstr("four"));
  EXPECT_THAT(parse_ipv4("192.0..1").status().message(), HasSubstr("four"));
  EXPECT_THAT(parse_ipv4("192.0.2.256").status().message(), HasSubstr("0..255"));
  EXPECT_THAT(parse_ipv4("192.0.2.01").status().message(), HasSubstr("leading zeros"));
  EXPECT_THAT(parse_ipv4("192.0.2.1 ").status().message(), HasSubstr("four"));
  EXPECT_THAT(parse_ipv4("-1.0.2.1").status().message(), HasSubstr("four"));
  EXPECT_THAT(parse_ipv4("1000.0.2.1").status().message(), HasSubstr("four"));
}

TEST(FormatIpv4, RoundTrips) {
  for (Ipv4 address : {0u, 1u, 0x7f000001u, 0xc0000201u, 0xffffffffu}) {
    EXPECT_EQ(*parse_ipv4(format_ipv4(address)), address);
  }
  EXPECT_EQ(format_ipv4(0x64400001), "100.64.0.1");
}

TEST(IsUnicastIpv4, ExcludesThisNetworkLoopbackMulticastAndAbove) {
  EXPECT_TRUE(is_unicast_ipv4(*parse_ipv4("1.0.0.0")));
  EXPECT_TRUE(is_unicast_ipv4(*parse_ipv4("223.255.255.255")));
  EXPECT_FALSE(is_unicast_ipv4(*parse_ipv4("0.1.2.3")));
  EXPECT_FALSE(is_unicast_ipv4(*parse_ipv4("127.0.0.1")));
  EXPECT_FALSE(is_unicast_ipv4(*parse_ipv4("224.0.0.1")));
  EXPECT_FALSE(is_unicast_ipv4(*parse_ipv4("255.255.255.255")));
}

TEST(ParseIpv4Prefix, ParsesAddressAndLength) {
  EXPECT_EQ(*parse_ipv4_prefix("10.1.0.0/24"), (Ipv4Prefix{0x0a010000, 24}));
  EXPECT_EQ(*parse_ipv4_prefix("10.1.2.3/32"), (Ipv4Prefix{0x0a010203, 32}));
  EXPECT_EQ(*parse_ipv4_prefix("0.0.0.0/0"), (Ipv4Prefix{0, 0}));
}

TEST(ParseIpv4Prefix, RejectsMalformedTextAndHostBits) {
  EXPECT_THAT(parse_ipv4_prefix("10.1.0.0").status().message(), HasSubstr("'/'"));
  EXPECT_THAT(parse_ipv4_prefix("10.1.0/24").status().message(),
              HasSubstr("before the '/': needs four"));
  EXPECT_THAT(parse_ipv4_prefix("10.1.0.0/33").status().message(), HasSubstr("0..32"));
  EXPECT_THAT(parse_ipv4_prefix("10.1.0.0/").status().message(), HasSubstr("0..32"));
  EXPECT_THAT(parse_ipv4_prefix("10.1.0.0/024").status().message(), HasSubstr("0..32"));
  EXPECT_EQ(parse_ipv4_prefix("10.1.0.1/24").status().message(),
            "host bits are set; the network is 10.1.0.0/24");
  EXPECT_EQ(format_ipv4_prefix(*parse_ipv4_prefix("10.1.0.0/24")), "10.1.0.0/24");
}

TEST(ParseIpv4Range, AcceptsPrefixesFirstLastAndSingleAddresses) {
  EXPECT_EQ(*parse_ipv4_range("100.64.0.0/16"), (Ipv4Range{0x64400000, 0x6440ffff, 16}));
  EXPECT_EQ(*parse_ipv4_range("100.64.0.7/32"), (Ipv4Range{0x64400007, 0x64400007, 32}));
  EXPECT_EQ(*parse_ipv4_range("100.65.0.1-100.65.0.100"), (Ipv4Range{0x64410001, 0x64410064, 0}));
  EXPECT_EQ(*parse_ipv4_range("100.65.0.1-100.65.0.1"), (Ipv4Range{0x64410001, 0x64410001, 0}));
  EXPECT_EQ(*parse_ipv4_range("100.65.0.9"), (Ipv4Range{0x64410009, 0x64410009, 0}));
}

TEST(ParseIpv4Range, RejectsMalformedText) {
  EXPECT_EQ(parse_ipv4_range("100.65.0.9-100.65.0.1").status().message(),
            "the first address is above the last");
  EXPECT_THAT(parse_ipv4_range("100.65.0-100.65.0.1").status().message(),
              HasSubstr("before the '-'"));
  EXPECT_THAT(parse_ipv4_range("100.65.0.1-").status().message(), HasSubstr("after the '-'"));
  EXPECT_THAT(parse_ipv4_range("100.65.0.1-2-3").status().message(), HasSubstr("after the '-'"));
  EXPECT_EQ(parse_ipv4_range("0.0.0.0/0").status().message(), "prefix length must be 1..32");
  EXPECT_THAT(parse_ipv4_range("100.64.0.1/16").status().message(), HasSubstr("host bits"));
  EXPECT_FALSE(parse_ipv4_range("").ok());
}

TEST(FormatIpv4Range, KeepsTheSpelling) {
  for (const char* text : {"100.64.0.0/16", "100.64.0.7/32", "100.65.0.1-100.65.0.100",
                           "100.65.0.9"}) {
    EXPECT_EQ(format_ipv4_range(*parse_ipv4_range(text)), text);
  }
  // Written as a range of one, it reads back as the same range.
  EXPECT_EQ(*parse_ipv4_range(format_ipv4_range(*parse_ipv4_range("1.2.3.4-1.2.3.4"))),
            *parse_ipv4_range("1.2.3.4-1.2.3.4"));
}

TEST(ParseIpv6Prefix, ParsesAddressAndLength) {
  absl::StatusOr<Ipv6Prefix> prefix = parse_ipv6_prefix("2001:db8:1::/48");
  ASSERT_TRUE(prefix.ok()) << prefix.status();
  EXPECT_EQ(prefix->length, 48);
  std::array<uint8_t, 16> expected{0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01};
  EXPECT_EQ(prefix->address, expected);
}

TEST(ParseIpv6Prefix, RejectsMalformedText) {
  EXPECT_THAT(parse_ipv6_prefix("2001:db8::").status().message(), HasSubstr("'/'"));
  EXPECT_THAT(parse_ipv6_prefix("2001:db8:::/64").status().message(), HasSubstr("IPv6 address"));
  EXPECT_THAT(parse_ipv6_prefix("192.0.2.0/24").status().message(), HasSubstr("IPv6 address"));
  EXPECT_THAT(parse_ipv6_prefix("2001:db8::/129").status().message(), HasSubstr("0..128"));
  EXPECT_THAT(parse_ipv6_prefix("2001:db8::/").status().message(), HasSubstr("0..128"));
  EXPECT_THAT(parse_ipv6_prefix("2001:db8::/6x").status().message(), HasSubstr("0..128"));
}

TEST(ParseIpv6Prefix, RejectsHostBitsAndNamesTheNetwork) {
  absl::StatusOr<Ipv6Prefix> prefix = parse_ipv6_prefix("2001:db8:1:2::1/64");
  EXPECT_EQ(prefix.status().message(), "host bits are set; the network is 2001:db8:1:2::/64");
  // A bit just past a length that is not a multiple of 8.
  EXPECT_FALSE(parse_ipv6_prefix("2001:db8:100::/39").ok());
  EXPECT_TRUE(parse_ipv6_prefix("2001:db8:100::/40").ok());
}

TEST(FormatIpv6Prefix, UsesCompressedFormAndRoundTrips) {
  for (const char* text : {"2001:db8:1::/64", "::/0", "fe00::/7", "2001:db8::1/128"}) {
    absl::StatusOr<Ipv6Prefix> prefix = parse_ipv6_prefix(text);
    ASSERT_TRUE(prefix.ok()) << text << ": " << prefix.status();
    EXPECT_EQ(format_ipv6_prefix(*prefix), text);
  }
  EXPECT_EQ(format_ipv6_prefix(*parse_ipv6_prefix("2001:0DB8:0001:0000::/64")), "2001:db8:1::/64");
}

TEST(CheckDevice, AcceptsPciAddressesAndVdevs) {
  for (const char* device : {"0000:03:00.0", "03:00.1", "0000:AF:1f.7", "0000:03:00.0,rxq=2",
                             "net_tap0,iface=lns0", "net_ring_access",
                             "net_pcap0,rx_pcap=a.pcap"}) {
    EXPECT_TRUE(check_device(device).ok()) << device;
  }
}

TEST(CheckDevice, RejectsEmptyBlankAndMalformedNames) {
  EXPECT_EQ(check_device("").message(), "empty");
  EXPECT_THAT(check_device("net_tap0, iface=a").message(), HasSubstr("blanks"));
  EXPECT_THAT(check_device("net-tap0").message(), HasSubstr("neither"));
  EXPECT_THAT(check_device(",iface=a").message(), HasSubstr("neither"));
  EXPECT_THAT(check_device("0000:03:00.8").message(), HasSubstr("neither"));
  EXPECT_THAT(check_device("3:00.0").message(), HasSubstr("neither"));
}

TEST(DeviceIdentity, IgnoresArgumentsCaseAndTheDefaultPciDomain) {
  EXPECT_EQ(device_identity("03:00.0"), device_identity("0000:03:00.0,rxq=2"));
  EXPECT_EQ(device_identity("0000:AF:00.0"), "0000:af:00.0");
  EXPECT_EQ(device_identity("net_tap0,iface=a"), device_identity("net_tap0,iface=b"));
  EXPECT_NE(device_identity("net_tap0"), device_identity("net_tap1"));
  EXPECT_NE(device_identity("0000:03:00.0"), device_identity("0000:03:00.1"));
}

}  // namespace
}  // namespace lns::config
