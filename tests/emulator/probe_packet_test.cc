// Probe packets: what the emulator sends through each session and what the
// core-side reflector turns them into.
#include "tests/emulator/probe_packet.h"

#include <algorithm>
#include <vector>

#include "common/byte_order.h"
#include "common/checksum.h"
#include "gtest/gtest.h"

namespace lns::emu {
namespace {

constexpr uint32_t kSubscriber = 0x64400005;  // 100.64.0.5
constexpr uint32_t kFar = 0xC6120001;         // 198.18.0.1

std::vector<uint8_t> probe(size_t size = 128, uint32_t index = 17, uint32_t sequence = 3) {
  std::vector<uint8_t> p;
  build_probe(Probe{kSubscriber, kFar, index, sequence}, size, p);
  return p;
}

uint16_t udp_sum_with_pseudo_header(const std::vector<uint8_t>& p) {
  const size_t udp_len = p.size() - 20;
  uint32_t sum = checksum_partial(p.data() + 12, 8);
  sum += 17 + static_cast<uint32_t>(udp_len);
  return checksum_fold(checksum_partial(p.data() + 20, udp_len, sum));
}

TEST(ProbePacket, IsAValidIpv4UdpPacketOfTheRequestedSize) {
  const auto p = probe(200);
  ASSERT_EQ(p.size(), 200u);
  EXPECT_EQ(p[0], 0x45);
  EXPECT_EQ(load_be16(p.data() + 2), 200);
  EXPECT_EQ(p[9], 17);
  EXPECT_EQ(load_be32(p.data() + 12), kSubscriber);
  EXPECT_EQ(load_be32(p.data() + 16), kFar);
  EXPECT_EQ(internet_checksum(p.data(), 20), 0) << "header checksum verifies";
  EXPECT_EQ(load_be16(p.data() + 24), 180) << "UDP length";
  EXPECT_EQ(udp_sum_with_pseudo_header(p), 0) << "UDP checksum verifies";
}

TEST(ProbePacket, SizeIsClampedToWhatAProbeNeedsAndAnEthernetMtu) {
  EXPECT_EQ(probe(10).size(), kProbeMinSize);
  EXPECT_EQ(probe(9000).size(), kProbeMaxSize);
}

TEST(ProbePacket, ParsesBackItsSenderAndSequence) {
  const auto p = probe(128, 4242, 99);
  const std::optional<Probe> parsed = parse_probe(p);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->source, kSubscriber);
  EXPECT_EQ(parsed->destination, kFar);
  EXPECT_EQ(parsed->session_index, 4242u);
  EXPECT_EQ(parsed->sequence, 99u);
}

TEST(ProbePacket, OtherPacketsAreNotProbes) {
  auto p = probe();
  auto no_marker = p;
  no_marker[28] ^= 0xFF;
  EXPECT_FALSE(parse_probe(no_marker));
  auto tcp = p;
  tcp[9] = 6;
  EXPECT_FALSE(parse_probe(tcp));
  auto fragment = p;
  store_be16(fragment.data() + 6, 0x2000);
  EXPECT_FALSE(parse_probe(fragment));
  auto too_long = p;
  store_be16(too_long.data() + 2, static_cast<uint16_t>(p.size() + 1));
  EXPECT_FALSE(parse_probe(too_long));
  EXPECT_FALSE(parse_probe(absl::MakeConstSpan(p).first(kProbeMinSize - 1)));
  EXPECT_FALSE(parse_probe({}));
}

TEST(ProbePacket, ReflectionSwapsEndsAndKeepsBothChecksumsValid) {
  auto p = probe();
  p[8] = 61;  // forwarded a few hops
  store_be16(p.data() + 10, 0);
  store_be16(p.data() + 10, internet_checksum(p.data(), 20));
  ASSERT_TRUE(reflect_probe(absl::MakeSpan(p)));
  const std::optional<Probe> reply = parse_probe(p);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->source, kFar);
  EXPECT_EQ(reply->destination, kSubscriber);
  EXPECT_EQ(reply->session_index, 17u);
  EXPECT_EQ(p[8], 64);
  EXPECT_EQ(load_be16(p.data() + 20), kProbeDestinationPort);
  EXPECT_EQ(internet_checksum(p.data(), 20), 0);
  EXPECT_EQ(udp_sum_with_pseudo_header(p), 0);
}

TEST(ProbePacket, ReflectionLeavesOtherPacketsAlone) {
  auto p = probe();
  p[30] ^= 0x01;  // break the marker
  const auto before = p;
  EXPECT_FALSE(reflect_probe(absl::MakeSpan(p)));
  EXPECT_EQ(p, before);
}

std::vector<uint8_t> frame_around(const std::vector<uint8_t>& ip, bool vlan) {
  const size_t header = vlan ? 18 : 14;
  std::vector<uint8_t> f(header + ip.size(), 0);
  const uint8_t to[6] = {0x02, 0, 0, 0, 0xC0, 0x01};    // the LNS's next hop
  const uint8_t from[6] = {0x02, 0, 0, 0, 0x0C, 0x0E};  // the LNS's core port
  std::copy(to, to + 6, f.begin());
  std::copy(from, from + 6, f.begin() + 6);
  if (vlan) {
    store_be16(f.data() + 12, 0x8100);
    store_be16(f.data() + 14, 100);
  }
  store_be16(f.data() + header - 2, 0x0800);
  std::copy(ip.begin(), ip.end(), f.begin() + header);
  return f;
}

TEST(ProbePacket, FrameReflectionAnswersTheSendingMac) {
  for (bool vlan : {false, true}) {
    auto f = frame_around(probe(), vlan);
    ASSERT_TRUE(reflect_probe_frame(absl::MakeSpan(f))) << vlan;
    EXPECT_EQ(f[5], 0x0E) << "to the LNS's core MAC";
    EXPECT_EQ(f[11], 0x01) << "from the next hop it addressed";
    const size_t ip = vlan ? 18 : 14;
    const std::optional<Probe> reply = parse_probe(absl::MakeConstSpan(f).subspan(ip));
    ASSERT_TRUE(reply.has_value());
    EXPECT_EQ(reply->destination, kSubscriber);
  }
}

TEST(ProbePacket, FrameReflectionIgnoresNonIpv4AndShortFrames) {
  auto arp = frame_around(probe(), false);
  arp[12] = 0x08;
  arp[13] = 0x06;
  EXPECT_FALSE(reflect_probe_frame(absl::MakeSpan(arp)));
  std::vector<uint8_t> runt(10, 0);
  EXPECT_FALSE(reflect_probe_frame(absl::MakeSpan(runt)));
}

}  // namespace
}  // namespace lns::emu
