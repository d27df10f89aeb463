#include "tests/lnsgen/frame_templates.h"

#include <gtest/gtest.h>

#include <vector>

#include "common/byte_order.h"
#include "common/checksum.h"
#include "common/l2tp_header.h"

namespace lns::gen {
namespace {

Endpoints endpoints() {
  Endpoints e;
  e.access_mac = {2, 0, 0, 0, 0xa0, 1};
  e.lns_access_mac = {2, 0, 0, 0, 0xa0, 0xff};
  e.core_mac = {2, 0, 0, 0, 0xc0, 1};
  e.lns_core_mac = {2, 0, 0, 0, 0xc0, 0xff};
  e.lac_ip = 0xC0000202;
  e.lns_ip = 0xC0000201;
  e.far_ip = 0xC6120001;
  return e;
}

constexpr SessionAddress kSession{10003, 7, 42, 0x64400005, 3, 9};

std::vector<uint8_t> render(const FrameTemplate& t, const Stamp& s) {
  std::vector<uint8_t> frame(t.frame_len, 0xee);  // what an mbuf held before
  fill_frame(frame.data(), t, s);
  return frame;
}

TEST(UpstreamTemplate, IsAnL2tpDataFrameToTheLnsWithTheSubscribersPacketInside) {
  const FrameTemplate t = upstream_template(endpoints(), kSession, 128);
  EXPECT_EQ(t.frame_len, 14 + 20 + 8 + 6 + 4 + 128);
  const std::vector<uint8_t> f = render(t, Stamp{kStampMagic, 3, 99, 12345});
  EXPECT_EQ(load_be16(&f[12]), 0x0800);
  EXPECT_EQ(f[0], 0x02);
  EXPECT_EQ(f[5], 0xff);
  EXPECT_EQ(internet_checksum(&f[14], 20), 0);
  EXPECT_EQ(load_be32(&f[14 + 12]), 0xC0000202u);
  EXPECT_EQ(load_be32(&f[14 + 16]), 0xC0000201u);
  EXPECT_EQ(load_be16(&f[34]), 10003);
  EXPECT_EQ(load_be16(&f[36]), kL2tpPort);
  EXPECT_EQ(load_be16(&f[40]), 0) << "UDP checksum off: the stamp changes per packet";
  L2tpHeader h;
  ASSERT_EQ(parse_l2tp_header(&f[42], static_cast<uint32_t>(f.size() - 42), &h), L2tpHeaderStatus::kOk);
  EXPECT_FALSE(h.is_control());
  EXPECT_EQ(h.tunnel_id, 7);
  EXPECT_EQ(h.session_id, 42);
  const uint8_t* ppp = &f[42 + h.payload_offset];
  EXPECT_EQ(load_be32(ppp), 0xff030021u);
  const uint8_t* inner = ppp + 4;
  EXPECT_EQ(load_be16(inner + 2), 128);
  EXPECT_EQ(internet_checksum(inner, 20), 0);
  EXPECT_EQ(load_be32(inner + 12), 0x64400005u);
  EXPECT_EQ(load_be32(inner + 16), 0xC6120001u);

  Stamp s;
  ASSERT_TRUE(read_stamp(f.data(), static_cast<uint32_t>(f.size()), &s));
  EXPECT_EQ(s.flow, 3u);
  EXPECT_EQ(s.sequence, 99u);
  EXPECT_EQ(s.tsc, 12345u);
}

TEST(UpstreamTemplate, StampSurvivesDecapsulation) {
  // What lnsd forwards to the core: Ethernet + the inner packet.
  const FrameTemplate t = upstream_template(endpoints(), kSession, 64);
  const std::vector<uint8_t> f = render(t, Stamp{kStampMagic, 1, 2, 3});
  std::vector<uint8_t> decapped(f.begin(), f.begin() + 14);
  decapped.insert(decapped.end(), f.begin() + 14 + 20 + 8 + 6 + 4, f.end());
  Stamp s;
  ASSERT_TRUE(read_stamp(decapped.data(), static_cast<uint32_t>(decapped.size()), &s));
  EXPECT_EQ(s.sequence, 2u);
}

TEST(DownstreamTemplate, IsAPlainIpv4PacketToTheSubscriber) {
  const FrameTemplate t = downstream_template(endpoints(), kSession, 576);
  EXPECT_EQ(t.frame_len, 14 + 576);
  const std::vector<uint8_t> f = render(t, Stamp{kStampMagic, 5, 6, 7});
  EXPECT_EQ(f[5], 0xff);
  EXPECT_EQ(f[11], 1);
  EXPECT_EQ(load_be32(&f[14 + 12]), 0xC6120001u);
  EXPECT_EQ(load_be32(&f[14 + 16]), 0x64400005u);
  Stamp s;
  ASSERT_TRUE(read_stamp(f.data(), static_cast<uint32_t>(f.size()), &s));
  EXPECT_EQ(s.flow, 5u);
}

TEST(Templates, SizesAreClampedToWhatHoldsAStamp) {
  EXPECT_EQ(downstream_template(endpoints(), kSession, 10).frame_len, 14 + kMinPacketSize);
  EXPECT_EQ(downstream_template(endpoints(), kSession, 9000).frame_len, 14 + kMaxPacketSize);
}

TEST(ReadStamp, RejectsWhatIsNotAStampedIpv4Frame) {
  const FrameTemplate t = downstream_template(endpoints(), kSession, 100);
  std::vector<uint8_t> f = render(t, Stamp{kStampMagic, 0, 0, 0});
  Stamp s;
  EXPECT_FALSE(read_stamp(f.data(), 13, &s));
  EXPECT_FALSE(read_stamp(f.data(), static_cast<uint32_t>(f.size() - 1), &s)) << "IPv4 length past the frame";
  std::vector<uint8_t> arp = f;
  store_be16(&arp[12], 0x0806);
  EXPECT_FALSE(read_stamp(arp.data(), static_cast<uint32_t>(arp.size()), &s));
  std::vector<uint8_t> unstamped = f;
  unstamped[unstamped.size() - kStampSize] ^= 1;
  EXPECT_FALSE(read_stamp(unstamped.data(), static_cast<uint32_t>(unstamped.size()), &s));
  std::vector<uint8_t> tiny = f;
  store_be16(&tiny[16], 40);
  EXPECT_FALSE(read_stamp(tiny.data(), static_cast<uint32_t>(tiny.size()), &s));
}

TEST(ReadStamp, FindsItBehindAVlanTag) {
  const FrameTemplate t = downstream_template(endpoints(), kSession, 100);
  std::vector<uint8_t> f = render(t, Stamp{kStampMagic, 9, 0, 0});
  const uint8_t tag[] = {0x81, 0x00, 0x00, 0x64};
  f.insert(f.begin() + 12, std::begin(tag), std::end(tag));
  Stamp s;
  ASSERT_TRUE(read_stamp(f.data(), static_cast<uint32_t>(f.size()), &s));
  EXPECT_EQ(s.flow, 9u);
}

TEST(Delivery, UpstreamIsTheSubscribersOwnPacket) {
  const FrameTemplate t = upstream_template(endpoints(), kSession, 100);
  const std::vector<uint8_t> f = render(t, Stamp{});
  std::vector<uint8_t> decapped(f.begin(), f.begin() + 14);
  decapped.insert(decapped.end(), f.begin() + 52, f.end());
  EXPECT_TRUE(delivered_upstream(decapped.data(), static_cast<uint32_t>(decapped.size()), kSession));
  SessionAddress other = kSession;
  other.subscriber_ip += 1;
  EXPECT_FALSE(delivered_upstream(decapped.data(), static_cast<uint32_t>(decapped.size()), other));
}

// What lnsd sends the LAC for kSession: our tunnel and session IDs, to the
// tunnel's port, with the Length bit set for good measure.
std::vector<uint8_t> downstream_as_lnsd_sends_it(uint16_t tunnel, uint16_t session, uint16_t port) {
  const std::vector<uint8_t> inner = {0x45, 0, 0, 52};
  std::vector<uint8_t> payload = {0x40, 0x02, 0, 0, 0, 0, 0, 0, 0xff, 0x03, 0x00, 0x21};
  store_be16(&payload[2], static_cast<uint16_t>(payload.size() + inner.size()));
  store_be16(&payload[4], tunnel);
  store_be16(&payload[6], session);
  payload.insert(payload.end(), inner.begin(), inner.end());
  UdpFrame f;
  f.src_ip = 0xC0000201;
  f.dst_ip = 0xC0000202;
  f.src_port = 1701;
  f.dst_port = port;
  f.payload = payload;
  return build_udp_frame(f, 0);
}

TEST(Delivery, DownstreamIsOurSessionOnOurTunnelPort) {
  const auto check = [](const std::vector<uint8_t>& f) {
    return delivered_downstream(f.data(), static_cast<uint32_t>(f.size()), kSession);
  };
  EXPECT_TRUE(check(downstream_as_lnsd_sends_it(3, 9, 10003)));
  EXPECT_FALSE(check(downstream_as_lnsd_sends_it(3, 10, 10003)));
  EXPECT_FALSE(check(downstream_as_lnsd_sends_it(4, 9, 10003)));
  EXPECT_FALSE(check(downstream_as_lnsd_sends_it(3, 9, 10004)));
  std::vector<uint8_t> control = downstream_as_lnsd_sends_it(3, 9, 10003);
  control[42] |= 0x80;
  EXPECT_FALSE(check(control));
  std::vector<uint8_t> cut = downstream_as_lnsd_sends_it(3, 9, 10003);
  EXPECT_FALSE(delivered_downstream(cut.data(), 45, kSession));
}

}  // namespace
}  // namespace lns::gen
