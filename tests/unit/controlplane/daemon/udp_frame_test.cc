// UDP framing of the control plane's own traffic: what we build parses back,
// checksums verify independently, and malformed frames are refused.
#include "controlplane/daemon/udp_frame.h"

#include <gtest/gtest.h>

#include "tests/support/packet_builder.h"

namespace lns {
namespace {

UdpFrame sample(const std::vector<uint8_t>& payload, std::optional<uint16_t> vlan = {}) {
  UdpFrame f;
  f.src_mac = {2, 0, 0, 0, 0, 1};
  f.dst_mac = {2, 0, 0, 0, 0, 2};
  f.vlan = vlan;
  f.src_ip = 0xc0000201;
  f.dst_ip = 0xc0000202;
  f.src_port = 1701;
  f.dst_port = 40000;
  f.payload = payload;
  return f;
}

TEST(UdpFrame, BuildsWhatAnIndependentBuilderBuildsApartFromTheUdpChecksum) {
  const std::vector<uint8_t> payload = test::payload_bytes(37);
  for (auto vlan : {std::optional<uint16_t>{}, std::optional<uint16_t>{42}}) {
    auto built = build_udp_frame(sample(payload, vlan), 7);
    auto expect = test::concat(test::ethernet({2, 0, 0, 0, 0, 2}, {2, 0, 0, 0, 0, 1}, 0x0800, vlan),
                               test::ipv4(0xc0000201, 0xc0000202, 17, test::udp(1701, 40000, payload),
                                          {.id = 7, .frag = 0x4000}));
    ASSERT_EQ(built.size(), expect.size());
    const size_t udp = (vlan ? 18 : 14) + 20;
    // Verify our checksum independently: pseudo-header + segment sums to 0xffff.
    std::vector<uint8_t> pseudo(built.begin() + udp - 8, built.begin() + udp);
    test::put16(pseudo, 17);
    test::put16(pseudo, static_cast<uint16_t>(built.size() - udp));
    uint32_t sum = test::ones_complement_sum(pseudo.data(), pseudo.size());
    EXPECT_EQ(test::ones_complement_sum(built.data() + udp, built.size() - udp, sum), 0xffff);
    built[udp + 6] = built[udp + 7] = 0;
    EXPECT_EQ(built, expect);
  }
}

// The PPP path hands the L2TP header and the PPP frame over separately:
// the frame on the wire must be the one built from the two joined.
TEST(UdpFrame, AHeadInFrontOfThePayloadIsTheSameAsOnePayload) {
  const std::vector<uint8_t> head = {0x00, 0x02, 0x12, 0x34, 0x56, 0x78};
  const std::vector<uint8_t> body = test::payload_bytes(23);
  const std::vector<uint8_t> joined = test::concat(head, body);
  UdpFrame split = sample(body, 5);
  split.payload_head = head;
  EXPECT_EQ(udp_frame_size(split), 18u + 20 + 8 + joined.size());
  std::vector<uint8_t> written(udp_frame_size(split) + 4, 0xee);
  write_udp_frame(written.data(), split, 3);
  EXPECT_EQ(std::vector<uint8_t>(written.begin(), written.end() - 4), build_udp_frame(sample(joined, 5), 3));
  EXPECT_EQ(std::vector<uint8_t>(written.end() - 4, written.end()), std::vector<uint8_t>(4, 0xee));
  EXPECT_EQ(build_udp_frame(split, 3), build_udp_frame(sample(joined, 5), 3));
}

// The checksums are summed from the fields and the caller's buffers, not
// read back from the frame: with a head of every length (odd ones move the
// payload to odd offsets of the sum) and addresses whose halves carry, the
// frame must still verify independently and equal the one built joined.
TEST(UdpFrame, ChecksumsVerifyForEveryHeadAndPayloadLength) {
  for (size_t head_len = 0; head_len <= 9; ++head_len)
    for (size_t body_len = 0; body_len <= 41; ++body_len) {
      const std::vector<uint8_t> head = test::payload_bytes(head_len);
      std::vector<uint8_t> body = test::payload_bytes(body_len);
      for (auto& b : body) b = static_cast<uint8_t>(b ^ 0xa5);
      UdpFrame f = sample(body);
      f.payload_head = head;
      f.src_ip = 0xffffff01;
      f.dst_ip = 0xfffe0001;
      f.src_port = 0xffff;
      const auto built = build_udp_frame(f, 0xfffe);
      EXPECT_EQ(test::ones_complement_sum(built.data() + 14, 20), 0xffff) << head_len << "+" << body_len;
      std::vector<uint8_t> pseudo(built.begin() + 14 + 12, built.begin() + 14 + 20);
      test::put16(pseudo, 17);
      test::put16(pseudo, static_cast<uint16_t>(built.size() - 34));
      const uint32_t sum = test::ones_complement_sum(pseudo.data(), pseudo.size());
      EXPECT_EQ(test::ones_complement_sum(built.data() + 34, built.size() - 34, sum), 0xffff)
          << head_len << "+" << body_len;
      UdpFrame joined = f;
      const std::vector<uint8_t> all = test::concat(head, body);
      joined.payload_head = {};
      joined.payload = all;
      EXPECT_EQ(built, build_udp_frame(joined, 0xfffe)) << head_len << "+" << body_len;
    }
}

TEST(UdpFrame, ParsesBackWhatItBuilt) {
  const std::vector<uint8_t> payload = {1, 2, 3, 4, 5};
  auto frame = build_udp_frame(sample(payload, 9), 1);
  frame.resize(frame.size() + 11, 0);  // Ethernet padding
  auto f = parse_udp_frame(frame);
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->vlan, 9);
  EXPECT_EQ(f->src_ip, 0xc0000201u);
  EXPECT_EQ(f->dst_port, 40000);
  EXPECT_EQ(std::vector<uint8_t>(f->payload.begin(), f->payload.end()), payload);
  EXPECT_EQ(f->src_mac, (MacBytes{2, 0, 0, 0, 0, 1}));
}

TEST(UdpFrame, RefusesEveryTruncationAndLies) {
  const auto good = build_udp_frame(sample(test::payload_bytes(20)), 1);
  for (size_t n = 0; n < good.size(); ++n)
    EXPECT_FALSE(parse_udp_frame(absl::MakeConstSpan(good.data(), n)).has_value()) << n;
  auto lying_udp = good;
  lying_udp[14 + 20 + 4] = 0xff;
  EXPECT_FALSE(parse_udp_frame(lying_udp).has_value());
  auto fragment = good;
  fragment[14 + 6] |= 0x20;  // MF
  EXPECT_FALSE(parse_udp_frame(fragment).has_value());
  auto tcp = good;
  tcp[14 + 9] = 6;
  EXPECT_FALSE(parse_udp_frame(tcp).has_value());
  auto short_udp = good;
  short_udp[14 + 20 + 4] = 0;
  short_udp[14 + 20 + 5] = 7;
  EXPECT_FALSE(parse_udp_frame(short_udp).has_value());
}

}  // namespace
}  // namespace lns
