// IPv6 probes: what a subscriber sends from inside its delegated prefix and
// what the core-side reflector turns them into.
#include "tests/emulator/probe_packet_ipv6.h"

#include <algorithm>
#include <vector>

#include "common/byte_order.h"
#include "common/checksum.h"
#include "gtest/gtest.h"

namespace lns::emu {
namespace {

// 2001:db8:1a::5c1e:2:3:4 (in session 26's prefix) and 2001:2::1.
constexpr Ipv6Address kSubscriber = {0x20, 0x01, 0x0d, 0xb8, 0x00, 0x1a, 0, 0, 0x5c, 0x1e, 0, 2, 0, 3, 0, 4};
constexpr Ipv6Address kFar = {0x20, 0x01, 0x00, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};

std::vector<uint8_t> probe(size_t size = 128, uint32_t index = 26, uint32_t sequence = 3) {
  std::vector<uint8_t> p;
  build_probe_ipv6(Ipv6Probe{kSubscriber, kFar, index, sequence}, size, p);
  return p;
}

// RFC 8200 8.1 pseudo-header: addresses, upper-layer length, next header.
uint16_t udp_sum_with_pseudo_header(const std::vector<uint8_t>& p) {
  const size_t udp_len = p.size() - 40;
  uint32_t sum = checksum_partial(p.data() + 8, 32);
  sum += 17 + static_cast<uint32_t>(udp_len);
  return checksum_fold(checksum_partial(p.data() + 40, udp_len, sum));
}

Ipv6Address address_at(const std::vector<uint8_t>& p, size_t offset) {
  Ipv6Address a;
  std::copy(p.begin() + offset, p.begin() + offset + 16, a.begin());
  return a;
}

TEST(ProbePacketIpv6, IsAValidIpv6UdpPacketOfTheRequestedSize) {
  const auto p = probe(200);
  ASSERT_EQ(p.size(), 200u);
  EXPECT_EQ(p[0], 0x60) << "version 6, no traffic class or flow label";
  EXPECT_EQ(load_be16(p.data() + 4), 160) << "payload length excludes the fixed header";
  EXPECT_EQ(p[6], 17) << "next header UDP";
  EXPECT_EQ(p[7], 64) << "hop limit";
  EXPECT_EQ(address_at(p, 8), kSubscriber);
  EXPECT_EQ(address_at(p, 24), kFar);
  EXPECT_EQ(load_be16(p.data() + 44), 160) << "UDP length";
  EXPECT_NE(load_be16(p.data() + 46), 0) << "a UDP checksum is mandatory over IPv6";
  EXPECT_EQ(udp_sum_with_pseudo_header(p), 0) << "UDP checksum verifies";
}

TEST(ProbePacketIpv6, SizeIsClampedToWhatAProbeNeedsAndAnEthernetMtu) {
  EXPECT_EQ(probe(10).size(), kProbeIpv6MinSize);
  EXPECT_EQ(kProbeIpv6MinSize, 64u);
  EXPECT_EQ(probe(9000).size(), kProbeMaxSize);
}

TEST(ProbePacketIpv6, ParsesBackItsSenderAndSequence) {
  const auto p = probe(128, 4242, 99);
  const std::optional<Ipv6Probe> parsed = parse_probe_ipv6(p);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->source, kSubscriber);
  EXPECT_EQ(parsed->destination, kFar);
  EXPECT_EQ(parsed->session_index, 4242u);
  EXPECT_EQ(parsed->sequence, 99u);
}

TEST(ProbePacketIpv6, TrailingOctetsBeyondThePayloadLengthAreIgnored) {
  auto p = probe();
  p.resize(p.size() + 6, 0);  // Ethernet padding, say
  EXPECT_TRUE(parse_probe_ipv6(p).has_value());
}

TEST(ProbePacketIpv6, OtherPacketsAreNotProbes) {
  const auto p = probe();
  auto no_marker = p;
  no_marker[48] ^= 0xFF;
  EXPECT_FALSE(parse_probe_ipv6(no_marker));
  auto tcp = p;
  tcp[6] = 6;
  EXPECT_FALSE(parse_probe_ipv6(tcp));
  auto extension_header = p;
  extension_header[6] = 0;  // hop-by-hop options: we never send them
  EXPECT_FALSE(parse_probe_ipv6(extension_header));
  auto v4 = p;
  v4[0] = 0x45;
  EXPECT_FALSE(parse_probe_ipv6(v4));
  auto too_long = p;
  store_be16(too_long.data() + 4, static_cast<uint16_t>(p.size() - 40 + 1));
  EXPECT_FALSE(parse_probe_ipv6(too_long));
  auto udp_disagrees = p;
  store_be16(udp_disagrees.data() + 44, static_cast<uint16_t>(p.size() - 40 - 2));
  EXPECT_FALSE(parse_probe_ipv6(udp_disagrees));
  EXPECT_FALSE(parse_probe_ipv6(absl::MakeConstSpan(p).first(kProbeIpv6MinSize - 1)));
  EXPECT_FALSE(parse_probe_ipv6({}));
}

TEST(ProbePacketIpv6, IsNotMistakenForAnIpv4ProbeNorTheOtherWayRound) {
  EXPECT_FALSE(parse_probe(probe()));
  std::vector<uint8_t> v4;
  build_probe(Probe{0x64400005, 0xC6120001, 26, 3}, 128, v4);
  EXPECT_FALSE(parse_probe_ipv6(v4));
}

TEST(ProbePacketIpv6, ReflectionSwapsEndsAndKeepsTheChecksumValid) {
  auto p = probe();
  p[7] = 61;  // forwarded a few hops
  ASSERT_TRUE(reflect_probe_ipv6(absl::MakeSpan(p)));
  const std::optional<Ipv6Probe> reply = parse_probe_ipv6(p);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->source, kFar);
  EXPECT_EQ(reply->destination, kSubscriber);
  EXPECT_EQ(reply->session_index, 26u);
  EXPECT_EQ(reply->sequence, 3u);
  EXPECT_EQ(p[7], 64);
  EXPECT_EQ(load_be16(p.data() + 40), kProbeDestinationPort);
  EXPECT_EQ(load_be16(p.data() + 42), kProbeSourcePort + 26);
  EXPECT_EQ(udp_sum_with_pseudo_header(p), 0);
}

TEST(ProbePacketIpv6, ReflectionLeavesOtherPacketsAlone) {
  auto p = probe();
  p[50] ^= 0x01;  // break the marker
  const auto before = p;
  EXPECT_FALSE(reflect_probe_ipv6(absl::MakeSpan(p)));
  EXPECT_EQ(p, before);
}

TEST(ProbePacketIpv6, FrameReflectionAnswersTheSendingMac) {
  for (bool vlan : {false, true}) {
    const auto ip = probe();
    const size_t header = vlan ? 18 : 14;
    std::vector<uint8_t> f(header + ip.size(), 0);
    f[5] = 0x01;   // to the LNS's next hop
    f[11] = 0x0E;  // from the LNS's core port
    if (vlan) {
      store_be16(f.data() + 12, 0x8100);
      store_be16(f.data() + 14, 100);
    }
    store_be16(f.data() + header - 2, 0x86DD);
    std::copy(ip.begin(), ip.end(), f.begin() + header);
    ASSERT_TRUE(reflect_probe_frame(absl::MakeSpan(f))) << vlan;
    EXPECT_EQ(f[5], 0x0E) << "to the LNS's core MAC";
    EXPECT_EQ(f[11], 0x01) << "from the next hop it addressed";
    const std::optional<Ipv6Probe> reply = parse_probe_ipv6(absl::MakeConstSpan(f).subspan(header));
    ASSERT_TRUE(reply.has_value());
    EXPECT_EQ(reply->destination, kSubscriber);
  }
}

}  // namespace
}  // namespace lns::emu
