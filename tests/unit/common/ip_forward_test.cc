// Per-hop work on routed inner packets: header checks, TTL / hop limit, MSS
// clamping. Checksums are verified by recomputing them from scratch with the
// test's own arithmetic (packet_test_support.h).
#include "common/ip_forward.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "tests/unit/common/packet_test_support.h"

namespace lns {
namespace {

using testing::Bytes;
using testing::ExactBuffer;
using testing::get16;
using testing::Ipv4Fields;
using testing::ipv4_packet;
using testing::ipv6_packet;
using testing::kTcpAck;
using testing::kTcpSyn;
using testing::mss_option;
using testing::reference_ipv4_header_valid;
using testing::set16;
using testing::tcp_checksum_valid_v4;
using testing::tcp_checksum_valid_v6;
using testing::tcp_segment;

std::vector<uint8_t> udp_payload(size_t n) { return std::vector<uint8_t>(n, 0x5a); }

// ---------------------------------------------------------------- IPv4 checks

TEST(CheckIpv4, ValidHeaderReportsTotalLength) {
  const auto p = ipv4_packet({.protocol = kIpProtoUdp}, udp_payload(30));
  ExactBuffer buf(p);
  uint32_t tl = 0;
  ASSERT_EQ(check_ipv4(buf.data(), buf.size(), &tl), IpCheck::kOk);
  EXPECT_EQ(tl, 50u);
}

TEST(CheckIpv4, TrailingBytesBeyondTotalLengthAreNotPartOfTheDatagram) {
  auto p = ipv4_packet({.protocol = kIpProtoUdp}, udp_payload(6));
  p.resize(46, 0);  // Ethernet minimum-frame padding
  ExactBuffer buf(p);
  uint32_t tl = 0;
  ASSERT_EQ(check_ipv4(buf.data(), buf.size(), &tl), IpCheck::kOk);
  EXPECT_EQ(tl, 26u);
}

TEST(CheckIpv4, HeaderWithOptionsIsCheckedOverItsFullLength) {
  auto p = ipv4_packet({.ihl_words = 15, .protocol = kIpProtoUdp}, udp_payload(8));
  uint32_t tl = 0;
  {
    ExactBuffer buf(p);
    ASSERT_EQ(check_ipv4(buf.data(), buf.size(), &tl), IpCheck::kOk);
    EXPECT_EQ(tl, 68u);
  }
  p[59] ^= 0x01;  // last option octet
  ExactBuffer buf(p);
  EXPECT_EQ(check_ipv4(buf.data(), buf.size(), &tl), IpCheck::kBad);
}

TEST(CheckIpv4, ShorterThanAMinimalHeaderIsTruncated) {
  const auto p = ipv4_packet({}, {});
  for (size_t n = 0; n < 20; ++n) {
    ExactBuffer cut(p, n);
    uint32_t tl = 0;
    EXPECT_EQ(check_ipv4(cut.data(), cut.size(), &tl), IpCheck::kTruncated) << n;
  }
}

TEST(CheckIpv4, WrongVersionIsBad) {
  for (uint8_t version : {0, 5, 6, 15}) {
    auto p = ipv4_packet({}, udp_payload(4));
    p[0] = static_cast<uint8_t>(version << 4 | 5);
    set16(p, 10, 0);
    set16(p, 10, testing::reference_checksum(p, 0, 20));
    ExactBuffer buf(p);
    uint32_t tl = 0;
    EXPECT_EQ(check_ipv4(buf.data(), buf.size(), &tl), IpCheck::kBad) << int{version};
  }
}

TEST(CheckIpv4, HeaderLengthBelowFiveWordsIsBad) {
  for (uint8_t ihl : {0, 1, 4}) {
    auto p = ipv4_packet({}, udp_payload(4));
    p[0] = static_cast<uint8_t>(0x40 | ihl);
    ExactBuffer buf(p);
    uint32_t tl = 0;
    EXPECT_EQ(check_ipv4(buf.data(), buf.size(), &tl), IpCheck::kBad) << int{ihl};
  }
}

TEST(CheckIpv4, HeaderLengthBeyondTheBufferIsNotRead) {
  // IHL 15 but only 24 bytes exist; total length claims 24.
  auto p = ipv4_packet({}, udp_payload(4));
  p[0] = 0x4f;
  ExactBuffer buf(p);
  uint32_t tl = 0;
  EXPECT_NE(check_ipv4(buf.data(), buf.size(), &tl), IpCheck::kOk);
}

TEST(CheckIpv4, TotalLengthLongerThanAvailableIsTruncated) {
  auto p = ipv4_packet({}, udp_payload(10));
  p.pop_back();
  ExactBuffer buf(p);
  uint32_t tl = 0;
  EXPECT_EQ(check_ipv4(buf.data(), buf.size(), &tl), IpCheck::kTruncated);
}

TEST(CheckIpv4, TotalLengthShorterThanTheHeaderIsBad) {
  auto p = ipv4_packet({}, udp_payload(10));
  set16(p, 2, 19);
  set16(p, 10, 0);
  set16(p, 10, testing::reference_checksum(p, 0, 20));
  ExactBuffer buf(p);
  uint32_t tl = 0;
  EXPECT_EQ(check_ipv4(buf.data(), buf.size(), &tl), IpCheck::kBad);
}

TEST(CheckIpv4, AnySingleBitFlipInTheHeaderIsCaughtByTheChecksum) {
  const auto good = ipv4_packet({.protocol = kIpProtoUdp}, udp_payload(8));
  for (size_t byte = 0; byte < 20; ++byte) {
    if (byte == 2 || byte == 3) continue;  // total length: may turn into kTruncated instead
    for (int bit = 0; bit < 8; ++bit) {
      auto p = good;
      p[byte] ^= static_cast<uint8_t>(1 << bit);
      ExactBuffer buf(p);
      uint32_t tl = 0;
      EXPECT_EQ(check_ipv4(buf.data(), buf.size(), &tl), IpCheck::kBad) << byte << ":" << bit;
    }
  }
}

// ---------------------------------------------------------------- IPv6 checks

TEST(CheckIpv6, ValidHeaderReportsFixedHeaderPlusPayloadLength) {
  const auto p = ipv6_packet(kIpProtoUdp, 64, udp_payload(12));
  ExactBuffer buf(p);
  uint32_t tl = 0;
  ASSERT_EQ(check_ipv6(buf.data(), buf.size(), &tl), IpCheck::kOk);
  EXPECT_EQ(tl, 52u);
}

TEST(CheckIpv6, WrongVersionIsBad) {
  auto p = ipv6_packet(kIpProtoUdp, 64, udp_payload(12));
  p[0] = 0x45;
  ExactBuffer buf(p);
  uint32_t tl = 0;
  EXPECT_EQ(check_ipv6(buf.data(), buf.size(), &tl), IpCheck::kBad);
}

TEST(CheckIpv6, PayloadLengthLongerThanAvailableIsTruncated) {
  auto p = ipv6_packet(kIpProtoUdp, 64, udp_payload(12));
  p.pop_back();
  ExactBuffer buf(p);
  uint32_t tl = 0;
  EXPECT_EQ(check_ipv6(buf.data(), buf.size(), &tl), IpCheck::kTruncated);
}

TEST(CheckIpv6, ShorterThanTheFixedHeaderIsTruncated) {
  const auto p = ipv6_packet(kIpProtoUdp, 64, {});
  for (size_t n = 0; n < 40; ++n) {
    ExactBuffer cut(p, n);
    uint32_t tl = 0;
    EXPECT_EQ(check_ipv6(cut.data(), cut.size(), &tl), IpCheck::kTruncated) << n;
  }
}

// ------------------------------------------------------------- TTL, hop limit

TEST(DecrementTtl, DecrementsAndKeepsTheHeaderChecksumValid) {
  auto p = ipv4_packet({.ttl = 64, .protocol = kIpProtoUdp}, udp_payload(8));
  ASSERT_TRUE(decrement_ttl_ipv4(p.data()));
  EXPECT_EQ(p[8], 63);
  EXPECT_TRUE(reference_ipv4_header_valid(p));
}

TEST(DecrementTtl, TtlOfTwoBecomesOne) {
  auto p = ipv4_packet({.ttl = 2}, {});
  ASSERT_TRUE(decrement_ttl_ipv4(p.data()));
  EXPECT_EQ(p[8], 1);
  EXPECT_TRUE(reference_ipv4_header_valid(p));
}

TEST(DecrementTtl, RefusesToForwardTtlZeroOrOneAndLeavesThePacketAlone) {
  for (uint8_t ttl : {0, 1}) {
    const auto before = ipv4_packet({.ttl = ttl}, udp_payload(4));
    auto p = before;
    EXPECT_FALSE(decrement_ttl_ipv4(p.data())) << int{ttl};
    EXPECT_EQ(p, before);
  }
}

// The fast update (checksum + 0x0100 with end-around carry) against RFC
// 1624 eqn. 3 for every checksum value, including 0x0000 and 0xffff.
TEST(DecrementTtl, AgreesWithRfc1624ForEveryChecksum) {
  for (uint8_t ttl : {2, 3, 64, 128, 255}) {
    for (uint32_t csum = 0; csum <= 0xffff; ++csum) {
      std::vector<uint8_t> h(20, 0);
      h[8] = ttl;
      h[9] = 17;
      store_be16(h.data() + 10, static_cast<uint16_t>(csum));
      ASSERT_TRUE(decrement_ttl_ipv4(h.data()));
      const uint16_t expected = checksum_update16(static_cast<uint16_t>(csum), uint16_t{ttl} << 8 | 17,
                                                  uint16_t(ttl - 1) << 8 | 17);
      ASSERT_EQ(load_be16(h.data() + 10), expected) << "ttl " << int{ttl} << " checksum " << csum;
    }
  }
}

TEST(DecrementTtl, RandomHeadersStayValid) {
  std::mt19937 rng(1812);
  for (int iter = 0; iter < 5000; ++iter) {
    Ipv4Fields f;
    f.ihl_words = static_cast<uint8_t>(5 + rng() % 11);
    f.tos = static_cast<uint8_t>(rng());
    f.id = static_cast<uint16_t>(rng());
    f.flags_fragment = static_cast<uint16_t>(rng() & 0x7fff);
    f.ttl = static_cast<uint8_t>(2 + rng() % 254);
    f.protocol = static_cast<uint8_t>(rng());
    f.src = static_cast<uint32_t>(rng());
    f.dst = static_cast<uint32_t>(rng());
    auto p = ipv4_packet(f, udp_payload(rng() % 64));
    ASSERT_TRUE(decrement_ttl_ipv4(p.data()));
    ASSERT_EQ(p[8], f.ttl - 1);
    ASSERT_TRUE(reference_ipv4_header_valid(p)) << "iteration " << iter;
    uint32_t tl = 0;
    ExactBuffer buf(p);
    ASSERT_EQ(check_ipv4(buf.data(), buf.size(), &tl), IpCheck::kOk) << "iteration " << iter;
  }
}

TEST(DecrementHopLimit, DecrementsAndRefusesZeroOrOne) {
  auto p = ipv6_packet(kIpProtoUdp, 2, udp_payload(4));
  ASSERT_TRUE(decrement_hop_limit_ipv6(p.data()));
  EXPECT_EQ(p[7], 1);
  for (uint8_t hl : {0, 1}) {
    const auto before = ipv6_packet(kIpProtoUdp, hl, udp_payload(4));
    auto q = before;
    EXPECT_FALSE(decrement_hop_limit_ipv6(q.data())) << int{hl};
    EXPECT_EQ(q, before);
  }
}

// ------------------------------------------------------------------ MSS clamp

constexpr uint16_t kClamp = 1400;

std::vector<uint8_t> syn_v4(const std::vector<uint8_t>& options, uint8_t flags = kTcpSyn,
                            const std::vector<uint8_t>& payload = {}, Ipv4Fields f = {}) {
  auto p = ipv4_packet(f, tcp_segment(flags, options, payload));
  testing::fill_tcp_checksum_v4(p);
  return p;
}

std::vector<uint8_t> syn_v6(const std::vector<uint8_t>& options, uint8_t flags = kTcpSyn,
                            const std::vector<uint8_t>& payload = {}) {
  auto p = ipv6_packet(kIpProtoTcp, 64, tcp_segment(flags, options, payload));
  testing::fill_tcp_checksum_v6(p);
  return p;
}

// Options of a typical Linux SYN: MSS, SACK permitted, timestamps, NOP, window scale.
std::vector<uint8_t> linux_syn_options(uint16_t mss) {
  return Bytes().raw(mss_option(mss)).raw({4, 2}).raw({8, 10}).u32(0x11223344).u32(0).raw({1, 3, 3, 7}).take();
}

// Where the MSS value sits inside the TCP header for each layout under test.
struct Layout {
  const char* name;
  std::vector<uint8_t> options;
  size_t mss_at;  // offset of the MSS value from the TCP header start
};

std::vector<Layout> mss_layouts(uint16_t mss) {
  return {
      {"MSS first (even offset)", Bytes().raw(mss_option(mss)).take(), 22},
      {"after one NOP (odd offset)", Bytes().u8(1).raw(mss_option(mss)).raw({1, 1, 0}).take(), 23},
      {"after three NOPs (odd offset)", Bytes().raw({1, 1, 1}).raw(mss_option(mss)).u8(0).take(), 25},
      {"after window scale (odd offset)", Bytes().raw({3, 3, 7}).raw(mss_option(mss)).u8(0).take(), 25},
      {"after SACK permitted and timestamps", Bytes().raw({4, 2}).raw({8, 10}).u32(1).u32(2).raw(mss_option(mss)).take(),
       34},
      {"Linux SYN", linux_syn_options(mss), 22},
  };
}

TEST(ClampMss, Ipv4SynAboveTheClampIsClampedWithValidChecksumForEveryLayout) {
  for (const Layout& l : mss_layouts(1460)) {
    auto p = syn_v4(l.options);
    ASSERT_TRUE(tcp_checksum_valid_v4(p)) << l.name;
    const auto before = p;
    ASSERT_TRUE(clamp_mss_ipv4(p.data(), static_cast<uint32_t>(p.size()), kClamp)) << l.name;
    EXPECT_EQ(get16(p, 20 + l.mss_at), kClamp) << l.name;
    EXPECT_TRUE(tcp_checksum_valid_v4(p)) << l.name;
    EXPECT_TRUE(reference_ipv4_header_valid(p)) << l.name;
    // Nothing but the MSS value and the TCP checksum changed.
    for (size_t i = 0; i < p.size(); ++i) {
      const bool may_change = i == 20 + 16 || i == 20 + 17 || i == 20 + l.mss_at || i == 20 + l.mss_at + 1;
      if (!may_change) {
        EXPECT_EQ(p[i], before[i]) << l.name << " byte " << i;
      }
    }
  }
}

TEST(ClampMss, Ipv6SynAboveTheClampIsClampedWithValidChecksumForEveryLayout) {
  for (const Layout& l : mss_layouts(1440)) {
    auto p = syn_v6(l.options);
    ASSERT_TRUE(tcp_checksum_valid_v6(p)) << l.name;
    ASSERT_TRUE(clamp_mss_ipv6(p.data(), static_cast<uint32_t>(p.size()), kClamp)) << l.name;
    EXPECT_EQ(get16(p, 40 + l.mss_at), kClamp) << l.name;
    EXPECT_TRUE(tcp_checksum_valid_v6(p)) << l.name;
  }
}

TEST(ClampMss, TheIpv6ClampFillsTheSameMtuAsTheIpv4One) {
  EXPECT_EQ(ipv6_mss_for(1420), 1400) << "MTU 1460: 20 + 20 + 1420 = 40 + 20 + 1400";
  EXPECT_EQ(ipv6_mss_for(536), 516);
  EXPECT_EQ(ipv6_mss_for(0), 0) << "off stays off";
}

TEST(ClampMss, SynAckIsClampedToo) {
  auto p = syn_v4(mss_option(1460), kTcpSyn | kTcpAck);
  ASSERT_TRUE(clamp_mss_ipv4(p.data(), static_cast<uint32_t>(p.size()), kClamp));
  EXPECT_EQ(get16(p, 20 + 22), kClamp);
  EXPECT_TRUE(tcp_checksum_valid_v4(p));
}

TEST(ClampMss, SynCarryingOddLengthDataKeepsAValidChecksum) {
  // TCP Fast Open: data on the SYN; an odd length exercises the padded octet.
  auto p4 = syn_v4(Bytes().u8(1).raw(mss_option(9000)).raw({1, 1, 0}).take(), kTcpSyn, {1, 2, 3, 4, 5, 6, 7});
  ASSERT_TRUE(clamp_mss_ipv4(p4.data(), static_cast<uint32_t>(p4.size()), kClamp));
  EXPECT_TRUE(tcp_checksum_valid_v4(p4));
  auto p6 = syn_v6(Bytes().u8(1).raw(mss_option(9000)).raw({1, 1, 0}).take(), kTcpSyn, {9, 8, 7});
  ASSERT_TRUE(clamp_mss_ipv6(p6.data(), static_cast<uint32_t>(p6.size()), kClamp));
  EXPECT_TRUE(tcp_checksum_valid_v6(p6));
}

TEST(ClampMss, RandomMssValuesAndLayoutsKeepValidChecksums) {
  std::mt19937 rng(1191);
  for (int iter = 0; iter < 3000; ++iter) {
    const uint16_t mss = static_cast<uint16_t>(rng());
    const uint16_t clamp = static_cast<uint16_t>(1 + rng() % 0xfffe);
    const size_t nops = rng() % 4;
    auto opts = Bytes().fill(nops, 1).raw(mss_option(mss)).take();
    while (opts.size() % 4) opts.push_back(0);
    std::vector<uint8_t> data(rng() % 9, 0xa5);
    auto p = iter % 2 ? syn_v4(opts, kTcpSyn, data) : syn_v6(opts, kTcpSyn, data);
    const size_t tcp = iter % 2 ? 20 : 40;
    const bool changed = iter % 2 ? clamp_mss_ipv4(p.data(), static_cast<uint32_t>(p.size()), clamp)
                                  : clamp_mss_ipv6(p.data(), static_cast<uint32_t>(p.size()), clamp);
    ASSERT_EQ(changed, mss > clamp) << "iteration " << iter;
    ASSERT_EQ(get16(p, tcp + 20 + nops + 2), changed ? clamp : mss);
    ASSERT_TRUE(iter % 2 ? tcp_checksum_valid_v4(p) : tcp_checksum_valid_v6(p)) << "iteration " << iter;
  }
}

TEST(ClampMss, Ipv4OptionsInFrontOfTcpAreSkipped) {
  auto p = syn_v4(mss_option(1460), kTcpSyn, {}, {.ihl_words = 7});
  ASSERT_TRUE(clamp_mss_ipv4(p.data(), static_cast<uint32_t>(p.size()), kClamp));
  EXPECT_EQ(get16(p, 28 + 22), kClamp);
  EXPECT_TRUE(tcp_checksum_valid_v4(p));
}

TEST(ClampMss, NonSynSegmentsAreUntouched) {
  for (uint8_t flags : {kTcpAck, uint8_t{0x18} /* PSH|ACK */, uint8_t{0x01} /* FIN */, uint8_t{0x04} /* RST */}) {
    const auto before = syn_v4(mss_option(1460), flags);
    auto p = before;
    EXPECT_FALSE(clamp_mss_ipv4(p.data(), static_cast<uint32_t>(p.size()), kClamp)) << int{flags};
    EXPECT_EQ(p, before);
  }
}

TEST(ClampMss, MssAtOrBelowTheClampIsUntouched) {
  for (uint16_t mss : {uint16_t{536}, uint16_t{kClamp - 1}, kClamp}) {
    const auto before4 = syn_v4(mss_option(mss));
    auto p4 = before4;
    EXPECT_FALSE(clamp_mss_ipv4(p4.data(), static_cast<uint32_t>(p4.size()), kClamp)) << mss;
    EXPECT_EQ(p4, before4);
    const auto before6 = syn_v6(mss_option(mss));
    auto p6 = before6;
    EXPECT_FALSE(clamp_mss_ipv6(p6.data(), static_cast<uint32_t>(p6.size()), kClamp)) << mss;
    EXPECT_EQ(p6, before6);
  }
}

TEST(ClampMss, OptionsAfterEndOfListAreIgnored) {
  const auto before = syn_v4(Bytes().u8(0).raw(mss_option(1460)).raw({0, 0, 0}).take());
  auto p = before;
  EXPECT_FALSE(clamp_mss_ipv4(p.data(), static_cast<uint32_t>(p.size()), kClamp));
  EXPECT_EQ(p, before);
}

TEST(ClampMss, MssOptionWithWrongLengthIsNotTreatedAsMss) {
  // Kind 2 with length 6 is skipped whole; the real MSS option follows it.
  auto p = syn_v4(Bytes().raw({2, 6, 0x10, 0x00, 0x00, 0x00}).raw(mss_option(1460)).raw({1, 1}).take());
  ASSERT_TRUE(clamp_mss_ipv4(p.data(), static_cast<uint32_t>(p.size()), kClamp));
  EXPECT_EQ(get16(p, 20 + 22), 0x1000);
  EXPECT_EQ(get16(p, 20 + 28), kClamp);
  EXPECT_TRUE(tcp_checksum_valid_v4(p));
}

TEST(ClampMss, NonTcpIsUntouched) {
  auto seg = tcp_segment(kTcpSyn, mss_option(1460));
  const auto before4 = ipv4_packet({.protocol = kIpProtoUdp}, seg);
  auto p4 = before4;
  EXPECT_FALSE(clamp_mss_ipv4(p4.data(), static_cast<uint32_t>(p4.size()), kClamp));
  EXPECT_EQ(p4, before4);
  const auto before6 = ipv6_packet(kIpProtoUdp, 64, seg);
  auto p6 = before6;
  EXPECT_FALSE(clamp_mss_ipv6(p6.data(), static_cast<uint32_t>(p6.size()), kClamp));
  EXPECT_EQ(p6, before6);
}

TEST(ClampMss, Ipv6ExtensionHeaderChainsAreLeftAlone) {
  // Hop-by-hop header (next header 0) in front of a TCP SYN.
  auto payload = Bytes().u8(kIpProtoTcp).u8(0).fill(6, 0).raw(tcp_segment(kTcpSyn, mss_option(1460))).take();
  const auto before = ipv6_packet(0, 64, payload);
  auto p = before;
  EXPECT_FALSE(clamp_mss_ipv6(p.data(), static_cast<uint32_t>(p.size()), kClamp));
  EXPECT_EQ(p, before);
}

TEST(ClampMss, NonFirstFragmentsAreNotClamped) {
  // A later fragment whose payload happens to look like a TCP SYN.
  for (uint16_t frag : {uint16_t{0x0001}, uint16_t{0x2001}, uint16_t{0x1fff}}) {
    const auto before = syn_v4(mss_option(1460), kTcpSyn, {}, {.flags_fragment = frag});
    auto p = before;
    EXPECT_FALSE(clamp_mss_ipv4(p.data(), static_cast<uint32_t>(p.size()), kClamp)) << frag;
    EXPECT_EQ(p, before);
  }
}

TEST(ClampMss, FirstFragmentIsClampedAndTheWholeSegmentStillChecksums) {
  // Build the whole datagram, then keep only the first fragment (MF set).
  const std::vector<uint8_t> data(64, 0x3c);
  const auto whole = syn_v4(mss_option(1460), kTcpSyn, data);
  const size_t first_payload = 40;  // TCP header (24) + 16 data octets, a multiple of 8
  std::vector<uint8_t> frag(whole.begin(), whole.begin() + 20 + first_payload);
  set16(frag, 2, static_cast<uint16_t>(frag.size()));
  set16(frag, 6, 0x2000);
  set16(frag, 10, 0);
  set16(frag, 10, testing::reference_checksum(frag, 0, 20));
  ASSERT_TRUE(clamp_mss_ipv4(frag.data(), static_cast<uint32_t>(frag.size()), kClamp));
  EXPECT_EQ(get16(frag, 42), kClamp);
  auto reassembled = whole;
  std::copy(frag.begin() + 20, frag.end(), reassembled.begin() + 20);
  EXPECT_TRUE(tcp_checksum_valid_v4(reassembled));
}

// Malformed TCP headers: run on exact-size buffers so ASan flags any read
// past the segment.
TEST(ClampMss, MalformedOptionsNeverReadPastTheHeaderAndChangeNothing) {
  struct Case {
    const char* name;
    std::vector<uint8_t> options;
  };
  const Case cases[] = {
      {"option length zero", {3, 0, 1, 1}},
      {"option length one", {3, 1, 1, 1}},
      {"option length past the header", {3, 9, 1, 1}},
      {"MSS option running past the header", {1, 1, 2, 4}},
      {"MSS kind in the last header octet", {1, 1, 1, 2}},
      {"MSS option of length 3", {2, 3, 0xff, 0}},
      {"MSS option length zero", {2, 0, 0xff, 0xff}},
  };
  for (const Case& c : cases) {
    const auto full = syn_v4(c.options);
    ExactBuffer p(full);
    EXPECT_FALSE(clamp_mss_ipv4(p.data(), p.size(), kClamp)) << c.name;
    EXPECT_EQ(p.bytes(), full) << c.name;
  }
}

TEST(ClampMss, DataOffsetBeyondTheSegmentIsNotFollowed) {
  // Data offset 15 (60 octets) on a 24-octet segment; the buffer ends there.
  auto seg = tcp_segment(kTcpSyn, mss_option(1460));
  seg[12] = 0xf0;
  ExactBuffer p(seg);
  EXPECT_FALSE(clamp_tcp_mss(p.data(), p.size(), kClamp));
  EXPECT_EQ(p.bytes(), seg);
}

TEST(ClampMss, DataOffsetBelowFiveWordsIsRejected) {
  for (uint8_t doff : {0, 1, 4}) {
    auto seg = tcp_segment(kTcpSyn, mss_option(1460));
    seg[12] = static_cast<uint8_t>(doff << 4);
    ExactBuffer p(seg);
    EXPECT_FALSE(clamp_tcp_mss(p.data(), p.size(), kClamp)) << int{doff};
    EXPECT_EQ(p.bytes(), seg);
  }
}

TEST(ClampMss, SegmentShorterThanATcpHeaderIsNotRead) {
  const auto seg = tcp_segment(kTcpSyn, {});
  for (size_t n = 0; n < 20; ++n) {
    ExactBuffer p(seg, n);
    EXPECT_FALSE(clamp_tcp_mss(p.data(), p.size(), kClamp)) << n;
  }
}

TEST(ClampMss, EveryTruncationOfASynWithOptionsIsSafe) {
  const auto seg = tcp_segment(kTcpSyn, linux_syn_options(1460));
  for (size_t n = 0; n < seg.size(); ++n) {
    ExactBuffer p(seg, n);
    EXPECT_FALSE(clamp_tcp_mss(p.data(), p.size(), kClamp)) << n;
  }
}

// ------------------------------------------------------------- IPv6 prefixes

TEST(Ipv6PrefixMatch, EveryLengthFromOneToSixtyFour) {
  const std::array<uint8_t, 16> prefix = {0x20, 0x01, 0x0d, 0xb8, 0xa5, 0x5a, 0xc3, 0x3c, 0, 0, 0, 0, 0, 0, 0, 0};
  for (uint8_t plen = 1; plen <= 64; ++plen) {
    auto addr = prefix;
    addr[15] = 0x77;  // interface identifier never matters
    addr[9] = 0x01;
    EXPECT_TRUE(ipv6_prefix_match(addr.data(), prefix.data(), plen)) << int{plen};
    // Flipping the last bit inside the prefix breaks the match ...
    auto inside = addr;
    inside[(plen - 1) / 8] ^= static_cast<uint8_t>(0x80 >> ((plen - 1) % 8));
    EXPECT_FALSE(ipv6_prefix_match(inside.data(), prefix.data(), plen)) << int{plen};
    // ... and the first bit after it does not.
    if (plen < 64) {
      auto outside = addr;
      outside[plen / 8] ^= static_cast<uint8_t>(0x80 >> (plen % 8));
      EXPECT_TRUE(ipv6_prefix_match(outside.data(), prefix.data(), plen)) << int{plen};
    }
  }
}

}  // namespace
}  // namespace lns
