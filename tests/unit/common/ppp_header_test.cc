// PPP framing inside L2TP data messages: address/control present or elided,
// protocol field full or compressed, and the malformed cases in between.
#include "common/ppp_header.h"

#include <gtest/gtest.h>

#include <vector>

#include "tests/unit/common/packet_test_support.h"

namespace lns {
namespace {

using testing::ExactBuffer;

bool parse(const std::vector<uint8_t>& bytes, PppHeader* h) {
  ExactBuffer buf(bytes);
  return parse_ppp_header(buf.data(), buf.size(), h);
}

TEST(PppHeader, AddressAndControlThenFullProtocol) {
  PppHeader h;
  ASSERT_TRUE(parse({0xff, 0x03, 0x00, 0x21, 0x45}, &h));
  EXPECT_EQ(h.protocol, kPppIpv4);
  EXPECT_EQ(h.length, 4);
}

TEST(PppHeader, ElidedAddressAndControl) {
  PppHeader h;
  ASSERT_TRUE(parse({0x00, 0x57, 0x60}, &h));
  EXPECT_EQ(h.protocol, kPppIpv6);
  EXPECT_EQ(h.length, 2);
  ASSERT_TRUE(parse({0xc0, 0x21, 0x01, 0x01}, &h));
  EXPECT_EQ(h.protocol, kPppLcp);
  EXPECT_EQ(h.length, 2);
}

TEST(PppHeader, CompressedProtocolWithAndWithoutAddressAndControl) {
  PppHeader h;
  ASSERT_TRUE(parse({0xff, 0x03, 0x21, 0x45}, &h));
  EXPECT_EQ(h.protocol, kPppIpv4);
  EXPECT_EQ(h.length, 3);
  ASSERT_TRUE(parse({0x57, 0x60}, &h));
  EXPECT_EQ(h.protocol, kPppIpv6);
  EXPECT_EQ(h.length, 1);
}

TEST(PppHeader, ControlProtocolsKeepTheirFullValue) {
  for (uint16_t proto : {kPppLcp, kPppPap, kPppChap, kPppIpcp, kPppIpv6cp}) {
    PppHeader h;
    ASSERT_TRUE(parse({0xff, 0x03, static_cast<uint8_t>(proto >> 8), static_cast<uint8_t>(proto)}, &h))
        << std::hex << proto;
    EXPECT_EQ(h.protocol, proto);
    EXPECT_EQ(h.length, 4);
  }
}

TEST(PppHeader, EvenLastProtocolOctetIsMalformed) {
  PppHeader h;
  EXPECT_FALSE(parse({0x00, 0x20, 0x45}, &h));
  EXPECT_FALSE(parse({0xff, 0x03, 0xc0, 0x20, 0x01}, &h));
  EXPECT_FALSE(parse({0xff, 0x03, 0x00, 0x00}, &h));
}

TEST(PppHeader, TruncatedFramesAreRejected) {
  PppHeader h;
  EXPECT_FALSE(parse({}, &h));
  EXPECT_FALSE(parse({0x00}, &h));        // first protocol octet only
  EXPECT_FALSE(parse({0xff, 0x03}, &h));  // address and control, no protocol
  EXPECT_FALSE(parse({0xff, 0x03, 0x00}, &h));
  EXPECT_FALSE(parse({0xff, 0x03, 0xc0}, &h));
}

TEST(PppHeader, EveryPrefixShorterThanTheHeaderIsRejectedWithoutOverreading) {
  // A lone 0xff is left out: it is odd, so it reads as a compressed protocol
  // (0x00ff, which the control plane then Protocol-Rejects).
  const std::vector<uint8_t> with_ac = {0xff, 0x03, 0xc0, 0x21};
  for (size_t n : {0, 2, 3}) {
    ExactBuffer cut(with_ac, n);
    PppHeader h;
    EXPECT_FALSE(parse_ppp_header(cut.data(), cut.size(), &h)) << "cut to " << n;
  }
  const std::vector<uint8_t> without_ac = {0x80, 0x21};
  for (size_t n : {0, 1}) {
    ExactBuffer cut(without_ac, n);
    PppHeader h;
    EXPECT_FALSE(parse_ppp_header(cut.data(), cut.size(), &h)) << "cut to " << n;
  }
}

TEST(PppHeader, HeaderLengthNeverExceedsTheFrame) {
  // Every two-octet frame: whatever parses must fit.
  for (int a = 0; a < 256; ++a) {
    for (int b = 0; b < 256; ++b) {
      ExactBuffer buf({static_cast<uint8_t>(a), static_cast<uint8_t>(b)});
      PppHeader h;
      if (parse_ppp_header(buf.data(), buf.size(), &h)) {
        EXPECT_LE(h.length, 2);
      }
    }
  }
}

TEST(PppHeader, OnlyIpDatagramsAreNetworkData) {
  EXPECT_TRUE(ppp_is_network_data(kPppIpv4));
  EXPECT_TRUE(ppp_is_network_data(kPppIpv6));
  for (uint16_t proto : {kPppLcp, kPppPap, kPppChap, kPppIpcp, kPppIpv6cp, uint16_t{0x00fd} /* CCP data */,
                         uint16_t{0x0001} /* padding */, uint16_t{0x002b} /* IPX */}) {
    EXPECT_FALSE(ppp_is_network_data(proto)) << std::hex << proto;
  }
}

}  // namespace
}  // namespace lns
