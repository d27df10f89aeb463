// The ARP responder answers exactly "who has <our address>" on the port's
// VLAN and stays silent for everything else. Frames, requests and expected
// replies are spelled out octet by octet here.
#include "controlplane/daemon/arp_responder.h"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

namespace lns {
namespace {

using Frame = std::vector<uint8_t>;

const Frame kBroadcast = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
const Frame kLacMac = {0x02, 0x00, 0x5e, 0x10, 0x20, 0x30};
const Frame kOurMac = {0x02, 0x4c, 0x4e, 0x53, 0x00, 0x01};
const Frame kLacIp = {192, 0, 2, 10};
const Frame kOurIp = {192, 0, 2, 1};
const Frame kOtherIp = {192, 0, 2, 2};

ArpIdentity us(uint16_t vlan = 0xffff) {
  ArpIdentity me;
  for (size_t i = 0; i < 6; ++i) me.mac[i] = kOurMac[i];
  me.ipv4 = 0xc0000201;  // 192.0.2.1
  me.vlan = vlan;
  return me;
}

Frame cat(std::initializer_list<Frame> parts) {
  Frame out;
  for (const Frame& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

// Ethernet/IPv4 ARP body (RFC 826): htype 1, ptype 0x0800, hlen 6, plen 4.
Frame arp_body(uint8_t op, const Frame& sha, const Frame& spa, const Frame& tha, const Frame& tpa) {
  return cat({{0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, op}, sha, spa, tha, tpa});
}

const Frame kZeroMac = {0, 0, 0, 0, 0, 0};
const Frame kArpType = {0x08, 0x06};

Frame request_for(const Frame& target_ip) {
  return cat({kBroadcast, kLacMac, kArpType, arp_body(1, kLacMac, kLacIp, kZeroMac, target_ip)});
}

Frame tagged(uint16_t tci, const Frame& untagged) {
  const Frame macs(untagged.begin(), untagged.begin() + 12);
  const Frame rest(untagged.begin() + 12, untagged.end());
  return cat({macs, {0x81, 0x00, static_cast<uint8_t>(tci >> 8), static_cast<uint8_t>(tci)}, rest});
}

// Runs the responder on an exact-size heap copy so overreads are ASan errors.
std::optional<Frame> answer(const Frame& f, const ArpIdentity& me, size_t len) {
  std::unique_ptr<uint8_t[]> buf(new uint8_t[len == 0 ? 1 : len]);
  std::copy(f.begin(), f.begin() + static_cast<std::ptrdiff_t>(len), buf.get());
  return arp_reply_for(buf.get(), len, me);
}
std::optional<Frame> answer(const Frame& f, const ArpIdentity& me) { return answer(f, me, f.size()); }

TEST(ArpResponder, RepliesToARequestForOurAddress) {
  const auto reply = answer(request_for(kOurIp), us());
  ASSERT_TRUE(reply.has_value());
  const Frame want = cat({kLacMac, kOurMac, kArpType, arp_body(2, kOurMac, kOurIp, kLacMac, kLacIp)});
  EXPECT_EQ(*reply, want);
}

TEST(ArpResponder, EthernetPaddingAfterTheArpBodyIsIgnored) {
  Frame padded = request_for(kOurIp);
  padded.resize(60, 0);
  const auto reply = answer(padded, us());
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->size(), 42u);
}

TEST(ArpResponder, RequestOnOurVlanGetsATaggedReply) {
  // Priority bits in the request's TCI do not change the VLAN it belongs to.
  const auto reply = answer(tagged(0x6000 | 100, request_for(kOurIp)), us(100));
  ASSERT_TRUE(reply.has_value());
  const Frame want = cat({kLacMac, kOurMac, {0x81, 0x00, 0x00, 100}, kArpType,
                          arp_body(2, kOurMac, kOurIp, kLacMac, kLacIp)});
  EXPECT_EQ(*reply, want);
}

TEST(ArpResponder, VlanMismatchesAreIgnored) {
  EXPECT_FALSE(answer(tagged(200, request_for(kOurIp)), us(100)).has_value()) << "other VLAN";
  EXPECT_FALSE(answer(tagged(100, request_for(kOurIp)), us()).has_value()) << "tagged on untagged port";
  EXPECT_FALSE(answer(request_for(kOurIp), us(100)).has_value()) << "untagged on VLAN port";
}

TEST(ArpResponder, RequestsForOtherAddressesAreIgnored) {
  EXPECT_FALSE(answer(request_for(kOtherIp), us()).has_value());
}

TEST(ArpResponder, AnIdentityWithoutAddressNeverAnswers) {
  ArpIdentity none = us();
  none.ipv4 = 0;
  EXPECT_FALSE(answer(request_for({0, 0, 0, 0}), none).has_value());
}

TEST(ArpResponder, RepliesAreNotAnswered) {
  const Frame reply = cat({kOurMac, kLacMac, kArpType, arp_body(2, kLacMac, kLacIp, kOurMac, kOurIp)});
  EXPECT_FALSE(answer(reply, us()).has_value());
}

TEST(ArpResponder, NonEthernetOrNonIpv4ArpIsIgnored) {
  Frame f = request_for(kOurIp);
  struct Mutation {
    size_t at;
    uint8_t value;
    const char* what;
  };
  const Mutation mutations[] = {
      {15, 6, "hardware type IEEE 802"},
      {16, 0x86, "protocol type IPv6"},
      {18, 8, "hardware length 8"},
      {19, 16, "protocol length 16"},
      {21, 3, "RARP request"},
  };
  for (const Mutation& m : mutations) {
    Frame g = f;
    g[m.at] = m.value;
    EXPECT_FALSE(answer(g, us()).has_value()) << m.what;
  }
}

TEST(ArpResponder, NonArpEthertypesAreIgnored) {
  Frame f = request_for(kOurIp);
  f[12] = 0x08;
  f[13] = 0x00;  // IPv4
  EXPECT_FALSE(answer(f, us()).has_value());
  EXPECT_FALSE(answer(tagged(100, f), us(100)).has_value());
}

TEST(ArpResponder, ShortFramesAreIgnoredWithoutOverreading) {
  const Frame untagged = request_for(kOurIp);
  for (size_t n = 0; n < untagged.size(); ++n)
    EXPECT_FALSE(answer(untagged, us(), n).has_value()) << "untagged cut to " << n;
  const Frame vlan = tagged(100, untagged);
  for (size_t n = 0; n < vlan.size(); ++n)
    EXPECT_FALSE(answer(vlan, us(100), n).has_value()) << "tagged cut to " << n;
}

}  // namespace
}  // namespace lns
