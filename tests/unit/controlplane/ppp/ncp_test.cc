// IPCP (RFC 1332 + RFC 1877 DNS) and IPv6CP (RFC 5072) from the LNS side.
#include <random>
#include <vector>

#include "common/byte_order.h"
#include "common/clock.h"
#include "controlplane/ppp/ipcp.h"
#include "controlplane/ppp/ipv6cp.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/controlplane/ppp/fsm_test_support.h"

namespace lns::ppp {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::packet_bytes;
using testing::RecordingSink;
using testing::SentPacket;

class RecordingNcpListener : public NcpListener {
 public:
  void on_ncp_up(uint16_t p) override { events.push_back({'u', p}); }
  void on_ncp_down(uint16_t p) override { events.push_back({'d', p}); }
  void on_ncp_finished(uint16_t p) override { events.push_back({'f', p}); }
  std::vector<std::pair<char, uint16_t>> events;
};

constexpr uint32_t kLocal = 0x0a000001;     // 10.0.0.1
constexpr uint32_t kAssigned = 0x0a000042;  // 10.0.0.66
constexpr uint32_t kDns1 = 0x08080808;
constexpr uint32_t kDns2 = 0x01010101;

std::vector<uint8_t> addr_option(uint8_t type, uint32_t a) {
  std::vector<uint8_t> o = {type, 6, 0, 0, 0, 0};
  store_be32(o.data() + 2, a);
  return o;
}

std::vector<uint8_t> concat(std::initializer_list<std::vector<uint8_t>> parts) {
  std::vector<uint8_t> out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

class IpcpTest : public ::testing::Test {
 protected:
  explicit IpcpTest(IpcpConfig config = default_config())
      : ipcp_(config, clock_, sink_, listener_) {}
  static IpcpConfig default_config() {
    IpcpConfig c;
    c.local_address = kLocal;
    c.primary_dns = kDns1;
    c.secondary_dns = kDns2;
    c.fsm.max_failure = 3;
    return c;
  }
  absl::Status peer_sends(Code code, uint8_t id, std::vector<uint8_t> data) {
    return ipcp_.receive(packet_bytes(code, id, std::move(data)));
  }
  SentPacket last_sent() const { return sink_.sent.back(); }
  SentPacket last_request() const { return sink_.with_code(Code::kConfigureRequest).back(); }

  FakeClock clock_;
  RecordingSink sink_;
  RecordingNcpListener listener_;
  Ipcp ipcp_;
};

TEST_F(IpcpTest, OurRequestAnnouncesOurAddress) {
  ipcp_.start(kAssigned);
  const SentPacket cr = last_request();
  EXPECT_EQ(cr.protocol, kProtocolIpcp);
  EXPECT_EQ(cr.data, addr_option(kIpcpOptionAddress, kLocal));
}

TEST_F(IpcpTest, ZeroAddressIsNakedWithTheAllocatedOne) {
  ipcp_.start(kAssigned);
  ASSERT_TRUE(peer_sends(Code::kConfigureRequest, 1, addr_option(3, 0)).ok());
  EXPECT_EQ(last_sent().code, to_byte(Code::kConfigureNak));
  EXPECT_EQ(last_sent().data, addr_option(3, kAssigned));
}

TEST_F(IpcpTest, WrongAddressIsNakedWithTheAllocatedOne) {
  ipcp_.start(kAssigned);
  ASSERT_TRUE(peer_sends(Code::kConfigureRequest, 1, addr_option(3, 0xc0a80105)).ok());
  EXPECT_EQ(last_sent().code, to_byte(Code::kConfigureNak));
  EXPECT_EQ(last_sent().data, addr_option(3, kAssigned));
}

TEST_F(IpcpTest, PeerClaimingOurAddressIsNakedWithItsOwn) {
  ipcp_.start(kAssigned);
  ASSERT_TRUE(peer_sends(Code::kConfigureRequest, 1, addr_option(3, kLocal)).ok());
  EXPECT_EQ(last_sent().code, to_byte(Code::kConfigureNak));
  EXPECT_EQ(last_sent().data, addr_option(3, kAssigned));
}

TEST_F(IpcpTest, PeerSilentAboutItsAddressIsToldOne) {
  ipcp_.start(kAssigned);
  ASSERT_TRUE(peer_sends(Code::kConfigureRequest, 1, {}).ok());
  EXPECT_EQ(last_sent().code, to_byte(Code::kConfigureNak));
  EXPECT_EQ(last_sent().data, addr_option(3, kAssigned));
}

TEST_F(IpcpTest, DnsRequestsAreNakedWithConfiguredServers) {
  ipcp_.start(kAssigned);
  ASSERT_TRUE(peer_sends(Code::kConfigureRequest, 1,
                         concat({addr_option(3, kAssigned), addr_option(129, 0),
                                 addr_option(131, 0)}))
                  .ok());
  EXPECT_EQ(last_sent().code, to_byte(Code::kConfigureNak));
  EXPECT_EQ(last_sent().data, concat({addr_option(129, kDns1), addr_option(131, kDns2)}));
}

TEST_F(IpcpTest, CorrectRequestIsAckedAndLinkComesUp) {
  ipcp_.start(kAssigned);
  const auto req =
      concat({addr_option(3, kAssigned), addr_option(129, kDns1), addr_option(131, kDns2)});
  ASSERT_TRUE(peer_sends(Code::kConfigureRequest, 5, req).ok());
  EXPECT_EQ(last_sent().code, to_byte(Code::kConfigureAck));
  EXPECT_EQ(last_sent().data, req);
  const SentPacket cr = last_request();
  ASSERT_TRUE(peer_sends(Code::kConfigureAck, cr.identifier, cr.data).ok());
  EXPECT_TRUE(ipcp_.is_opened());
  EXPECT_EQ(ipcp_.peer_address(), kAssigned);
  EXPECT_THAT(listener_.events, ElementsAre(std::make_pair('u', kProtocolIpcp)));
}

TEST_F(IpcpTest, CompressionIsRejectedAndRejectWinsOverNak) {
  ipcp_.start(kAssigned);
  const std::vector<uint8_t> vj = {0x02, 0x06, 0x00, 0x2d, 0x0f, 0x01};
  ASSERT_TRUE(peer_sends(Code::kConfigureRequest, 1, concat({vj, addr_option(3, 0)})).ok());
  EXPECT_EQ(last_sent().code, to_byte(Code::kConfigureReject));
  EXPECT_EQ(last_sent().data, vj);
}

TEST_F(IpcpTest, NbnsAndOldAddressesOptionAreRejected) {
  ipcp_.start(kAssigned);
  const auto req = concat({addr_option(130, 0), std::vector<uint8_t>{1, 10, 0, 0, 0, 0, 0, 0, 0, 0}});
  ASSERT_TRUE(peer_sends(Code::kConfigureRequest, 1, req).ok());
  EXPECT_EQ(last_sent().code, to_byte(Code::kConfigureReject));
  EXPECT_EQ(last_sent().data, req);
}

TEST_F(IpcpTest, PeerInsistingOnItsOwnAddressGetsItRejectedAfterMaxFailure) {
  ipcp_.start(kAssigned);
  for (int i = 0; i < 4; ++i)
    ASSERT_TRUE(peer_sends(Code::kConfigureRequest, 10 + i, addr_option(3, 0xc0a80105)).ok());
  EXPECT_EQ(sink_.with_code(Code::kConfigureNak).size(), 3u);
  ASSERT_EQ(sink_.with_code(Code::kConfigureReject).size(), 1u);
  EXPECT_EQ(sink_.with_code(Code::kConfigureReject)[0].data, addr_option(3, 0xc0a80105));
}

TEST_F(IpcpTest, NakOfOurAddressMakesUsStopAnnouncingIt) {
  ipcp_.start(kAssigned);
  ASSERT_TRUE(peer_sends(Code::kConfigureNak, last_request().identifier, addr_option(3, 0x0a0000fe)).ok());
  EXPECT_TRUE(last_request().data.empty());
}

TEST_F(IpcpTest, RejectOfOurAddressMakesUsStopAnnouncingIt) {
  ipcp_.start(kAssigned);
  ASSERT_TRUE(peer_sends(Code::kConfigureReject, last_request().identifier, addr_option(3, kLocal)).ok());
  EXPECT_TRUE(last_request().data.empty());
}

TEST_F(IpcpTest, PeerTerminateTakesItDownThenFinishes) {
  ipcp_.start(kAssigned);
  ASSERT_TRUE(peer_sends(Code::kConfigureRequest, 5, addr_option(3, kAssigned)).ok());
  ASSERT_TRUE(peer_sends(Code::kConfigureAck, last_request().identifier, last_request().data).ok());
  ASSERT_TRUE(peer_sends(Code::kTerminateRequest, 6, {}).ok());
  clock_.advance(std::chrono::seconds(3));
  ipcp_.poll();
  EXPECT_THAT(listener_.events, ElementsAre(std::make_pair('u', kProtocolIpcp),
                                            std::make_pair('d', kProtocolIpcp),
                                            std::make_pair('f', kProtocolIpcp)));
}

TEST_F(IpcpTest, ProtocolRejectFinishesWithoutSendingAnything) {
  ipcp_.start(kAssigned);
  const size_t before = sink_.sent.size();
  ipcp_.protocol_rejected();
  EXPECT_EQ(sink_.sent.size(), before);
  EXPECT_THAT(listener_.events, ElementsAre(std::make_pair('f', kProtocolIpcp)));
  clock_.advance(std::chrono::seconds(30));
  ipcp_.poll();
  EXPECT_EQ(sink_.sent.size(), before) << "no retransmission after the reject";
}

class IpcpWithoutDnsTest : public IpcpTest {
 protected:
  static IpcpConfig config() {
    IpcpConfig c = default_config();
    c.primary_dns = 0;
    c.secondary_dns = 0;
    return c;
  }
  IpcpWithoutDnsTest() : IpcpTest(config()) {}
};

TEST_F(IpcpWithoutDnsTest, DnsOptionsAreRejected) {
  ipcp_.start(kAssigned);
  const auto dns = concat({addr_option(129, 0), addr_option(131, 0)});
  ASSERT_TRUE(peer_sends(Code::kConfigureRequest, 1, concat({addr_option(3, kAssigned), dns})).ok());
  EXPECT_EQ(last_sent().code, to_byte(Code::kConfigureReject));
  EXPECT_EQ(last_sent().data, dns);
}

std::vector<uint8_t> iid_option(uint64_t id) {
  std::vector<uint8_t> o = {1, 10};
  for (int shift = 56; shift >= 0; shift -= 8) o.push_back(static_cast<uint8_t>(id >> shift));
  return o;
}

class Ipv6cpTest : public ::testing::Test {
 protected:
  Ipv6cpTest() : rng_(99), ipv6cp_(Ipv6cpConfig{}, clock_, sink_, rng_, listener_) {}
  absl::Status peer_sends(Code code, uint8_t id, std::vector<uint8_t> data) {
    return ipv6cp_.receive(packet_bytes(code, id, std::move(data)));
  }
  SentPacket last_sent() const { return sink_.sent.back(); }
  SentPacket last_request() const { return sink_.with_code(Code::kConfigureRequest).back(); }
  uint64_t requested_id() const {
    const SentPacket cr = last_request();
    EXPECT_EQ(cr.data.size(), 10u);
    return cr.data.size() == 10 ? load_be64(cr.data.data() + 2) : 0;
  }
  uint64_t naked_id() const {
    EXPECT_EQ(last_sent().code, to_byte(Code::kConfigureNak));
    EXPECT_EQ(last_sent().data.size(), 10u);
    return last_sent().data.size() == 10 ? load_be64(last_sent().data.data() + 2) : 0;
  }

  FakeClock clock_;
  RecordingSink sink_;
  std::mt19937_64 rng_;
  RecordingNcpListener listener_;
  Ipv6cp ipv6cp_;
};

TEST_F(Ipv6cpTest, OurRequestCarriesNonZeroInterfaceId) {
  ipv6cp_.start();
  EXPECT_EQ(last_request().protocol, kProtocolIpv6cp);
  EXPECT_NE(requested_id(), 0u);
  EXPECT_EQ(requested_id(), ipv6cp_.local_interface_id());
}

TEST_F(Ipv6cpTest, ZeroPeerIdIsNakedWithAUniqueSuggestion) {
  ipv6cp_.start();
  ASSERT_TRUE(peer_sends(Code::kConfigureRequest, 1, iid_option(0)).ok());
  const uint64_t suggestion = naked_id();
  EXPECT_NE(suggestion, 0u);
  EXPECT_NE(suggestion, ipv6cp_.local_interface_id());
}

TEST_F(Ipv6cpTest, PeerIdCollidingWithOursIsNakedWithADifferentOne) {
  ipv6cp_.start();
  const uint64_t ours = requested_id();
  ASSERT_TRUE(peer_sends(Code::kConfigureRequest, 1, iid_option(ours)).ok());
  const uint64_t suggestion = naked_id();
  EXPECT_NE(suggestion, ours);
  EXPECT_NE(suggestion, 0u);
}

TEST_F(Ipv6cpTest, DistinctIdsComeUpAndAreReported) {
  ipv6cp_.start();
  ASSERT_TRUE(peer_sends(Code::kConfigureRequest, 1, iid_option(0x0211223344556677)).ok());
  EXPECT_EQ(last_sent().code, to_byte(Code::kConfigureAck));
  ASSERT_TRUE(peer_sends(Code::kConfigureAck, last_request().identifier, last_request().data).ok());
  EXPECT_TRUE(ipv6cp_.is_opened());
  EXPECT_EQ(ipv6cp_.peer_interface_id(), 0x0211223344556677u);
  EXPECT_NE(ipv6cp_.local_interface_id(), 0u);
  EXPECT_THAT(listener_.events, ElementsAre(std::make_pair('u', kProtocolIpv6cp)));
}

TEST_F(Ipv6cpTest, NakWithUsableSuggestionIsAdopted) {
  ipv6cp_.start();
  ASSERT_TRUE(peer_sends(Code::kConfigureNak, last_request().identifier, iid_option(0x1234)).ok());
  EXPECT_EQ(requested_id(), 0x1234u);
}

TEST_F(Ipv6cpTest, NakWithZeroSuggestionDrawsAFreshId) {
  ipv6cp_.start();
  const uint64_t before = requested_id();
  ASSERT_TRUE(peer_sends(Code::kConfigureNak, last_request().identifier, iid_option(0)).ok());
  EXPECT_NE(requested_id(), before);
  EXPECT_NE(requested_id(), 0u);
}

TEST_F(Ipv6cpTest, CompressionAndMalformedIdAreRejected) {
  ipv6cp_.start();
  const std::vector<uint8_t> bad = {0x02, 0x04, 0x00, 0x4f, 0x01, 0x06, 1, 2, 3, 4};
  ASSERT_TRUE(peer_sends(Code::kConfigureRequest, 1, bad).ok());
  EXPECT_EQ(last_sent().code, to_byte(Code::kConfigureReject));
  EXPECT_EQ(last_sent().data, bad);
}

}  // namespace
}  // namespace lns::ppp
