// SessionTable on its own: lookups by every key, refusals, capacity, the
// encapsulation template, and slot recycling through RCU; the index and
// the memory under the table.
#include "dataplane/session_table.h"

#include <cstring>
#include <vector>

#include <gtest/gtest.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include "dataplane/table_memory.h"
#include "tests/support/eal_env.h"
#include "tests/support/packet_builder.h"

namespace lns::dp {
namespace {

AccessEncap encap(std::optional<uint16_t> vlan = {}) {
  AccessEncap e;
  e.our_mac = {0x02, 0, 0, 0, 0, 0x01};
  e.default_lac_mac = {0x02, 0, 0, 0, 0, 0x02};
  e.has_default_lac_mac = true;
  e.our_ipv4 = 0xc0000201;
  e.vlan = vlan;
  return e;
}

SessionSpec spec(uint16_t tunnel, uint16_t session, uint32_t ipv4) {
  SessionSpec s;
  s.lac_ipv4 = 0xc0000202;
  s.lac_port = 1701;
  s.tunnel_id = tunnel;
  s.session_id = session;
  s.peer_tunnel_id = 1000 + tunnel;
  s.peer_session_id = 2000 + session;
  s.subscriber_ipv4 = ipv4;
  s.flags = kForwardIpv4;
  return s;
}

std::unique_ptr<SessionTable> make(uint32_t capacity, AccessEncap e = encap(), rte_rcu_qsbr* q = nullptr,
                                   uint16_t lanes = 1) {
  static int seq = 0;
  static std::string name;
  name = "st" + std::to_string(seq++);
  auto t = SessionTable::create({capacity, 0, name.c_str(), lanes}, e, q);
  EXPECT_TRUE(t.ok()) << t.status();
  return t.ok() ? std::move(*t) : nullptr;
}

TEST(SessionTable, LooksSessionsUpByOurIdsAndBySubscriberAddress) {
  auto t = make(64);
  auto a = t->add(spec(1, 1, 0x64400001));
  auto b = t->add(spec(1, 257, 0x64400002));  // same tunnel, another chunk
  auto c = t->add(spec(65535, 65535, 0x64400003));
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(t->lookup_upstream(1, 1), *a);
  EXPECT_EQ(t->lookup_upstream(1, 257), *b);
  EXPECT_EQ(t->lookup_upstream(65535, 65535), *c);
  EXPECT_EQ(t->lookup_upstream(1, 2), kNoSession);
  EXPECT_EQ(t->lookup_upstream(2, 1), kNoSession);
  EXPECT_EQ(t->lookup_ipv4(0x64400002), *b);
  EXPECT_EQ(t->lookup_ipv4(0x64400004), kNoSession);
  EXPECT_EQ(t->size(), 3u);
  EXPECT_EQ(t->entry(*b).peer_session_id, 2257);
}

TEST(SessionTable, RefusesDuplicatesZeroIdsAndOverflow) {
  auto t = make(2);
  ASSERT_TRUE(t->add(spec(1, 1, 0x64400001)).ok());
  EXPECT_EQ(t->add(spec(1, 1, 0x64400009)).status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(t->add(spec(1, 2, 0x64400001)).status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(t->add(spec(0, 2, 0x64400002)).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(t->add(spec(1, 0, 0x64400002)).status().code(), absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(t->add(spec(1, 2, 0x64400002)).ok());
  EXPECT_EQ(t->add(spec(1, 3, 0x64400003)).status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(t->remove(1, 9).code(), absl::StatusCode::kNotFound);
  // A refused add leaves nothing behind.
  EXPECT_EQ(t->lookup_ipv4(0x64400009), kNoSession);
  EXPECT_EQ(t->size(), 2u);
}

TEST(SessionTable, NoMacForTheLacIsAnError) {
  AccessEncap e = encap();
  e.has_default_lac_mac = false;
  auto t = make(4, e);
  EXPECT_EQ(t->add(spec(1, 1, 1)).status().code(), absl::StatusCode::kInvalidArgument);
  SessionSpec s = spec(1, 1, 1);
  s.lac_mac = std::array<uint8_t, 6>{2, 0, 0, 0, 0, 9};
  EXPECT_TRUE(t->add(s).ok());
}

TEST(SessionTable, Ipv6PrefixesOfSeveralLengthsUseLongestMatch) {
  auto t = make(16);
  SessionSpec wide = spec(1, 1, 0);
  wide.ipv6_prefix = {0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0, 0};
  wide.ipv6_prefix_len = 48;
  SessionSpec narrow = spec(1, 2, 0);
  narrow.ipv6_prefix = {0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x05};
  narrow.ipv6_prefix_len = 64;
  auto w = t->add(wide), n = t->add(narrow);
  ASSERT_TRUE(w.ok() && n.ok());
  uint8_t a[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 1};
  EXPECT_EQ(t->lookup_ipv6(a), *n);
  a[7] = 6;
  EXPECT_EQ(t->lookup_ipv6(a), *w);
  a[5] = 1;
  EXPECT_EQ(t->lookup_ipv6(a), kNoSession);
  ASSERT_TRUE(t->remove(1, 2).ok());
  a[5] = 0;
  a[7] = 5;
  EXPECT_EQ(t->lookup_ipv6(a), *w);
  SessionSpec too_long = spec(1, 3, 0);
  too_long.ipv6_prefix_len = 65;
  EXPECT_FALSE(t->add(too_long).ok());
}

TEST(SessionTable, AddressesAndMtuCanBePublishedAfterTheSessionExists) {
  auto t = make(8);
  auto slot = t->add(spec(1, 1, 0));  // as after ICCN: no address yet
  ASSERT_TRUE(slot.ok());
  EXPECT_EQ(t->lookup_ipv4(0x64400001), kNoSession);
  ASSERT_TRUE(t->set_subscriber_ipv4(*slot, 0x64400001).ok());
  EXPECT_EQ(t->lookup_ipv4(0x64400001), *slot);
  std::array<uint8_t, 8> p{0x20, 0x01, 0x0d, 0xb8, 0, 7, 0, 0};
  ASSERT_TRUE(t->set_ipv6_prefix(*slot, p, 56).ok());
  uint8_t a[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 7, 0, 0x42, 0, 0, 0, 0, 0, 0, 0, 1};
  EXPECT_EQ(t->lookup_ipv6(a), *slot);
  EXPECT_EQ(t->entry(*slot).ipv6_prefix_len, 56);
  auto other = t->add(spec(1, 2, 0));
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(t->set_ipv6_prefix(*other, p, 56).code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(t->set_subscriber_ipv4(*other, 0x64400001).code(), absl::StatusCode::kAlreadyExists);
  ASSERT_TRUE(t->set_ipv6_prefix(*slot, {}, 0).ok());
  EXPECT_EQ(t->lookup_ipv6(a), kNoSession);
  ASSERT_TRUE(t->set_mtu(*slot, 1492).ok());
  EXPECT_EQ(t->entry(*slot).mtu, 1492);
  EXPECT_FALSE(t->set_mtu(*slot, 100).ok());
}

TEST(SessionTable, UpstreamGuardFollowsEveryChangeTheControlPlaneMakes) {
  auto t = make(8);
  SessionSpec s = spec(1, 1, 0);
  s.lac_port = 40000;
  auto slot = t->add(s);
  ASSERT_TRUE(slot.ok());
  const UpstreamGuard& g = t->guard(*slot);
  EXPECT_EQ(g.lac_ipv4_be, __builtin_bswap32(0xc0000202));
  EXPECT_EQ(g.lac_port_be, __builtin_bswap16(40000));
  EXPECT_EQ(g.subscriber_ipv4_be, 0u);
  EXPECT_EQ(t->guard_flags(*slot), kForwardIpv4);
  ASSERT_TRUE(t->set_subscriber_ipv4(*slot, 0x64400009).ok());
  EXPECT_EQ(g.subscriber_ipv4_be, __builtin_bswap32(0x64400009));
  ASSERT_TRUE(t->set_flags(*slot, kForwardIpv4 | kForwardIpv6).ok());
  EXPECT_EQ(t->guard_flags(*slot), kForwardIpv4 | kForwardIpv6);
  EXPECT_EQ(t->flags(*slot), kForwardIpv4 | kForwardIpv6);
  // A removed session stops forwarding at once, before its slot is reused.
  ASSERT_TRUE(t->remove(1, 1).ok());
  EXPECT_EQ(t->guard_flags(*slot), 0);
  EXPECT_EQ(t->flags(*slot), 0);
}

// Every worker decaps with its own lane's copy of the guard, so a change
// that reached only one lane would let another worker forward what it
// should drop (or the reverse).
TEST(SessionTable, EveryWorkersLaneHasTheSameGuardAndItsOwnCounters) {
  constexpr uint16_t kLanes = 3;
  auto t = make(8, encap(), nullptr, kLanes);
  ASSERT_EQ(t->lanes(), kLanes);
  EXPECT_EQ(t->upstream_lane(kLanes), nullptr);
  SessionSpec s = spec(2, 9, 0x64400001);
  s.lac_port = 40001;
  auto slot = t->add(s);
  ASSERT_TRUE(slot.ok());
  ASSERT_TRUE(t->set_subscriber_ipv4(*slot, 0x64400007).ok());
  ASSERT_TRUE(t->set_flags(*slot, kForwardIpv4 | kForwardIpv6).ok());
  for (uint16_t lane = 0; lane < kLanes; ++lane) {
    SCOPED_TRACE(::testing::Message() << "lane " << lane);
    const UpstreamGuard& g = t->guard(*slot, lane);
    EXPECT_EQ(&g, &t->upstream_lane(lane)[t->upstream_position(*slot)].guard);
    EXPECT_EQ(g.lac_ipv4_be, __builtin_bswap32(0xc0000202));
    EXPECT_EQ(g.lac_port_be, __builtin_bswap16(40001));
    EXPECT_EQ(g.subscriber_ipv4_be, __builtin_bswap32(0x64400007));
    EXPECT_EQ(t->guard_flags(*slot, lane), kForwardIpv4 | kForwardIpv6);
  }
  // A worker's counters are its own: the control plane's writes leave them
  // alone, and the other lanes do not see them.
  const uint32_t pos = t->upstream_position(*slot);
  t->upstream_lane(1)[pos].up = {5, 500};
  ASSERT_TRUE(t->set_flags(*slot, kForwardIpv4).ok());
  EXPECT_EQ(t->upstream_lane(1)[pos].up.packets, 5u);
  EXPECT_EQ(t->upstream_lane(0)[pos].up.packets, 0u);
  EXPECT_EQ(t->upstream_lane(2)[pos].up.packets, 0u);
  ASSERT_TRUE(t->remove(2, 9).ok());
  // Without workers the slot is recycled at once: every lane's cell is
  // free again, its counters zero.
  for (uint16_t lane = 0; lane < kLanes; ++lane) {
    SCOPED_TRACE(::testing::Message() << "lane " << lane);
    const UpstreamCell& c = t->upstream_lane(lane)[pos];
    EXPECT_EQ(c.guard.key, 0u);
    EXPECT_EQ(c.guard.flags, 0);
    EXPECT_EQ(c.up.packets, 0u);
  }
}

TEST(SessionTable, EncapsulationTemplateMatchesAnIndependentBuild) {
  for (bool vlan : {false, true}) {
    for (uint16_t flags : {uint16_t{0}, uint16_t{kPeerAcfc}, uint16_t{kPeerAcfc | kPeerPfc}}) {
      SCOPED_TRACE(::testing::Message() << "vlan " << vlan << " flags " << flags);
      auto t = make(4, encap(vlan ? std::optional<uint16_t>(77) : std::nullopt));
      SessionSpec s = spec(3, 4, 0x64400001);
      s.flags = static_cast<uint16_t>(kForwardIpv4 | flags);
      auto slot = t->add(s);
      ASSERT_TRUE(slot.ok());
      const SessionEntry& e = t->entry(*slot);
      // Independent build of the same headers for an empty inner packet.
      test::PppOpts po{.address_control = !(flags & kPeerAcfc), .compressed_protocol = bool(flags & kPeerPfc)};
      auto l2tp = test::l2tp(1003, 2004, test::ppp(0x0021, {}, po));
      auto ip = test::ipv4(0xc0000201, 0xc0000202, 17, test::udp(1701, 1701, l2tp), {.frag = 0x4000});
      auto frame = test::concat(test::ethernet({2, 0, 0, 0, 0, 2}, {2, 0, 0, 0, 0, 1}, 0x0800,
                                               vlan ? std::optional<uint16_t>(77) : std::nullopt),
                                ip);
      ASSERT_EQ(e.encap_len, frame.size());
      // Length, checksum and UDP length are patched per packet; compare the rest.
      std::vector<uint8_t> tmpl(e.encap, e.encap + e.encap_len);
      const size_t ipo = e.encap_ip_off();
      for (size_t i : {ipo + 2, ipo + 3, ipo + 10, ipo + 11, ipo + 24, ipo + 25}) tmpl[i] = frame[i] = 0;
      if (flags & kPeerPfc) tmpl[e.encap_ppp_off] = frame[e.encap_ppp_off] = 0;
      else tmpl[e.encap_ppp_off + 1] = frame[e.encap_ppp_off + 1] = 0;
      EXPECT_EQ(tmpl, frame);
    }
  }
}

// Encap builds a packet from the tunnel's shared header plus the cell's
// session fields: together they must give back the entry's full template.
TEST(SessionTable, DownstreamCellsAndSharedHeadersRebuildTheTemplate) {
  for (bool vlan : {false, true}) {
    for (uint16_t flags : {uint16_t{0}, uint16_t{kPeerAcfc}, uint16_t{kPeerPfc}, uint16_t{kPeerAcfc | kPeerPfc}}) {
      SCOPED_TRACE(::testing::Message() << "vlan " << vlan << " flags " << flags);
      auto t = make(4, encap(vlan ? std::optional<uint16_t>(77) : std::nullopt), nullptr, 2);
      SessionSpec s = spec(3, 4, 0x64400001);
      s.flags = static_cast<uint16_t>(kForwardIpv4 | flags);
      s.mtu = 1400;
      auto slot = t->add(s);
      ASSERT_TRUE(slot.ok());
      const SessionEntry& e = t->entry(*slot);
      for (uint16_t lane = 0; lane < 2; ++lane) {
        const DownstreamCell& c = t->downstream_lane(lane)[t->downstream_position(*slot)];
        const EncapHeader& h = t->encap_headers()[c.header];
        ASSERT_EQ(h.len + c.ppp_len, e.encap_len);
        EXPECT_EQ(h.ip_off, e.encap_ip_off());
        EXPECT_EQ(h.ip_sum, e.encap_ip_sum);
        EXPECT_EQ(c.mtu, 1400);
        EXPECT_EQ(c.flags, s.flags);
        // What encap_fast writes: the PPP word, the shared header over its
        // front, the peer's session ID at the header's end.
        std::vector<uint8_t> built(e.encap_len + 4, 0xee);
        uint8_t* end = built.data() + built.size();
        std::memcpy(end - 4, ppp_ipv4_tail(c.ppp_len), 4);
        std::memcpy(end - e.encap_len, h.bytes, h.len);
        std::memcpy(end - e.encap_len + h.len - 2, &c.peer_session_be, 2);
        std::vector<uint8_t> tmpl(e.encap, e.encap + e.encap_len);
        // The entry's template leaves the protocol to be patched per packet.
        if (flags & kPeerPfc) tmpl[e.encap_ppp_off] = 0x21;
        else tmpl[e.encap_ppp_off + 1] = 0x21;
        EXPECT_EQ(std::vector<uint8_t>(end - e.encap_len, end), tmpl);
      }
    }
  }
}

TEST(SessionTable, SessionsOfATunnelShareOneHeaderAndTheLastRecycleFreesIt) {
  auto t = make(8);
  SessionSpec other = spec(2, 1, 0x64400009);
  other.lac_ipv4 = 0xc0000203;
  other.peer_tunnel_id = 1002;
  auto a = t->add(spec(1, 1, 0x64400001));
  auto b = t->add(spec(1, 2, 0x64400002));
  auto c = t->add(other);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  const uint32_t ha = t->downstream_lane(0)[t->downstream_position(*a)].header;
  EXPECT_EQ(t->downstream_lane(0)[t->downstream_position(*b)].header, ha);
  EXPECT_NE(t->downstream_lane(0)[t->downstream_position(*c)].header, ha);
  EXPECT_EQ(t->header_pool().size(), 2u);
  EXPECT_EQ(t->header_pool().holders(ha), 2u);
  // Without RCU a removed slot is recycled at once, and its header with it
  // once no other session holds it.
  ASSERT_TRUE(t->remove(1, 1).ok());
  EXPECT_EQ(t->header_pool().holders(ha), 1u);
  ASSERT_TRUE(t->remove(1, 2).ok());
  EXPECT_EQ(t->header_pool().size(), 1u);
  // An add that fails after taking a header gives it back: a fifth IPv6
  // prefix length is refused after the cells are filled.
  for (uint8_t i = 0; i < 4; ++i) {
    SessionSpec s = spec(4, static_cast<uint16_t>(1 + i), 0x64400011 + i);
    s.ipv6_prefix = {0x20, 0x01, 0x0d, 0xb8, i, 0, 0, 0};
    s.ipv6_prefix_len = static_cast<uint8_t>(48 + 4 * i);
    ASSERT_TRUE(t->add(s).ok());
  }
  const uint32_t before = t->header_pool().size();
  // A prefix another session holds is refused before anything is taken
  // (rte_hash would otherwise move it to the newcomer).
  SessionSpec clash = spec(5, 2, 0x64400022);
  clash.ipv6_prefix = {0x20, 0x01, 0x0d, 0xb8, 1, 0, 0, 0};
  clash.ipv6_prefix_len = 52;
  EXPECT_EQ(t->add(clash).status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(t->lookup_ipv6(std::array<uint8_t, 16>{0x20, 0x01, 0x0d, 0xb8, 1}.data()),
            t->lookup_upstream(4, 2));
  SessionSpec fifth = spec(5, 1, 0x64400021);
  fifth.lac_ipv4 = 0xc0000299;  // a header of its own
  fifth.ipv6_prefix_len = 62;
  EXPECT_EQ(t->add(fifth).status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(t->header_pool().size(), before);
}

// A QSBR variable with one reader (thread 0, online), as a worker is.
class OneReaderQsbr {
 public:
  OneReaderQsbr() {
    q_ = static_cast<rte_rcu_qsbr*>(rte_zmalloc("st_qsbr", rte_rcu_qsbr_get_memsize(1), 64));
    EXPECT_EQ(rte_rcu_qsbr_init(q_, 1), 0);
    EXPECT_EQ(rte_rcu_qsbr_thread_register(q_, 0), 0);
    rte_rcu_qsbr_thread_online(q_, 0);
  }
  ~OneReaderQsbr() {
    rte_rcu_qsbr_thread_offline(q_, 0);
    rte_free(q_);
  }
  rte_rcu_qsbr* get() const { return q_; }

 private:
  rte_rcu_qsbr* q_;
};

TEST(SessionTable, RemovedSlotIsRecycledOnlyAfterReadersAreQuiescent) {
  OneReaderQsbr qsbr;
  rte_rcu_qsbr* q = qsbr.get();
  {
    auto t = make(1, encap(), q);
    ASSERT_TRUE(t->add(spec(1, 1, 0x64400001)).ok());
    ASSERT_TRUE(t->remove(1, 1).ok());
    EXPECT_EQ(t->lookup_upstream(1, 1), kNoSession);  // unpublished at once
    t->reclaim();
    EXPECT_EQ(t->recycled(), 0u);  // the reader has not passed a quiescent state
    rte_rcu_qsbr_quiescent(q, 0);
    t->reclaim();
    EXPECT_EQ(t->recycled(), 1u);
    EXPECT_TRUE(t->add(spec(2, 2, 0x64400002)).ok());  // the single slot is free again
  }
}

// lnsd hands out the lowest free IDs, so a session's IDs come back while
// its slot still waits out the grace period: the new session must be
// found at once, in a cell of its own, and the old one's release must not
// touch it.
TEST(SessionTable, IdsReusedBeforeTheGracePeriodEndsGetACellOfTheirOwn) {
  OneReaderQsbr qsbr;
  rte_rcu_qsbr* q = qsbr.get();
  {
    auto t = make(4, encap(), q);
    auto old_slot = t->add(spec(7, 3, 0x64400001));
    ASSERT_TRUE(old_slot.ok());
    const uint32_t old_pos = t->upstream_position(*old_slot);
    t->upstream_lane(0)[old_pos].up = {3, 300};  // the worker counted into it
    ASSERT_TRUE(t->remove(7, 3).ok());
    auto new_slot = t->add(spec(7, 3, 0x64400002));
    ASSERT_TRUE(new_slot.ok());
    EXPECT_NE(*new_slot, *old_slot);
    const uint32_t new_pos = t->upstream_position(*new_slot);
    EXPECT_NE(new_pos, old_pos);
    EXPECT_EQ(t->lookup_upstream(7, 3), *new_slot);
    EXPECT_EQ(t->upstream_lane(0)[old_pos].up.packets, 3u);  // still the old session's
    t->upstream_lane(0)[new_pos].up = {1, 100};
    rte_rcu_qsbr_quiescent(q, 0);
    t->reclaim();
    EXPECT_EQ(t->recycled(), 1u);
    EXPECT_EQ(t->upstream_position(*old_slot), UpstreamCells::kNone);
    EXPECT_EQ(t->upstream_lane(0)[old_pos].up.packets, 0u);
    EXPECT_EQ(t->upstream_lane(0)[old_pos].guard.key, 0u);
    EXPECT_EQ(t->lookup_upstream(7, 3), *new_slot);
    EXPECT_EQ(t->upstream_lane(0)[new_pos].up.packets, 1u);
    EXPECT_EQ(t->guard(*new_slot).subscriber_ipv4_be, __builtin_bswap32(0x64400002));
    // The first session had the IDs' place in the direct area, the second a
    // hashed cell; once that one is gone too, the IDs get their place back.
    EXPECT_TRUE(t->upstream_cells().direct(old_pos));
    EXPECT_FALSE(t->upstream_cells().direct(new_pos));
    ASSERT_TRUE(t->remove(7, 3).ok());
    rte_rcu_qsbr_quiescent(q, 0);
    t->reclaim();
    EXPECT_EQ(t->upstream_cells().hashed_keys(), 0u);
    auto third = t->add(spec(7, 3, 0x64400003));
    ASSERT_TRUE(third.ok());
    EXPECT_EQ(t->upstream_position(*third), old_pos);
    EXPECT_EQ(t->lookup_upstream(7, 3), *third);
  }
}

// IPCP gives a session its address after the session is added, and may
// give it another later: each address gets a downstream cell of its own
// (a cell's key fixes its place), and what the old cell counted stays the
// session's, the packets of the grace period included.
TEST(SessionTable, AnAddressChangeMovesTheDownstreamCellAndKeepsItsCounters) {
  OneReaderQsbr qsbr;
  rte_rcu_qsbr* q = qsbr.get();
  {
    auto t = make(4, encap(), q, 2);
    auto slot = t->add(spec(1, 1, 0));
    ASSERT_TRUE(slot.ok());
    EXPECT_EQ(t->downstream_position(*slot), DownstreamCells::kNone);  // no address, no cell
    ASSERT_TRUE(t->set_subscriber_ipv4(*slot, 0x64400005).ok());
    const uint32_t first = t->downstream_position(*slot);
    ASSERT_NE(first, DownstreamCells::kNone);
    EXPECT_EQ(t->lookup_ipv4(0x64400005), *slot);
    for (uint16_t lane = 0; lane < 2; ++lane) {
      const DownstreamCell& c = t->downstream_lane(lane)[first];
      EXPECT_EQ(c.key, 0x64400005u);
      EXPECT_EQ(c.flags, kForwardIpv4);
      EXPECT_EQ(c.mtu, 1460);
    }
    t->downstream_lane(0)[first].down = {2, 200};
    t->downstream_lane(1)[first].down = {1, 100};
    EXPECT_EQ(t->downstream_cell_totals(*slot).packets, 3u);

    ASSERT_TRUE(t->set_subscriber_ipv4(*slot, 0x64400006).ok());
    const uint32_t second = t->downstream_position(*slot);
    ASSERT_NE(second, DownstreamCells::kNone);
    EXPECT_NE(second, first);
    EXPECT_EQ(t->lookup_ipv4(0x64400005), kNoSession);
    EXPECT_EQ(t->lookup_ipv4(0x64400006), *slot);
    EXPECT_EQ(t->guard(*slot).subscriber_ipv4_be, __builtin_bswap32(0x64400006));
    EXPECT_EQ(t->downstream_lane(0)[first].flags, 0);  // a worker holding it stops using it
    EXPECT_EQ(t->downstream_cell_totals(*slot).packets, 3u);  // at once, not after the grace period
    // A worker that found the old cell before the change counts one more.
    t->downstream_lane(1)[first].down.packets += 1;
    t->downstream_lane(1)[first].down.bytes += 50;
    t->downstream_lane(0)[second].down = {4, 400};
    EXPECT_EQ(t->downstream_cell_totals(*slot).packets, 7u);
    t->reclaim();
    EXPECT_EQ(t->downstream_lane(1)[first].down.packets, 2u);  // not yet released
    rte_rcu_qsbr_quiescent(q, 0);
    t->reclaim();
    EXPECT_EQ(t->downstream_lane(1)[first].down.packets, 0u);
    EXPECT_EQ(t->downstream_lane(0)[first].key, 0u);
    const TrafficCounter totals = t->downstream_cell_totals(*slot);
    EXPECT_EQ(totals.packets, 8u);
    EXPECT_EQ(totals.bytes, 750u);

    // Withdrawn: no cell, the counts stay; and the address is free for others.
    ASSERT_TRUE(t->set_subscriber_ipv4(*slot, 0).ok());
    EXPECT_EQ(t->downstream_position(*slot), DownstreamCells::kNone);
    EXPECT_EQ(t->lookup_ipv4(0x64400006), kNoSession);
    EXPECT_EQ(t->downstream_cell_totals(*slot).packets, 8u);
    auto other = t->add(spec(2, 2, 0x64400006));
    ASSERT_TRUE(other.ok());
    EXPECT_EQ(t->lookup_ipv4(0x64400006), *other);
    EXPECT_EQ(t->downstream_cell_totals(*other).packets, 0u);
  }
}

// A removed session's cell is released before its slot is recycled, and the
// next session in the slot starts from zero; a removed session takes no
// new address while it waits out the grace period.
TEST(SessionTable, ARemovedSessionsDownstreamCountsGoWithItsSlot) {
  OneReaderQsbr qsbr;
  rte_rcu_qsbr* q = qsbr.get();
  {
    auto t = make(1, encap(), q);
    auto slot = t->add(spec(1, 1, 0x64400001));
    ASSERT_TRUE(slot.ok());
    const uint32_t pos = t->downstream_position(*slot);
    t->downstream_lane(0)[pos].down = {5, 500};
    ASSERT_TRUE(t->remove(1, 1).ok());
    EXPECT_EQ(t->lookup_ipv4(0x64400001), kNoSession);
    EXPECT_EQ(t->set_subscriber_ipv4(*slot, 0x64400002).code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_EQ(t->lookup_ipv4(0x64400002), kNoSession);
    rte_rcu_qsbr_quiescent(q, 0);
    t->reclaim();
    EXPECT_EQ(t->recycled(), 1u);
    EXPECT_EQ(t->downstream_lane(0)[pos].down.packets, 0u);
    auto next = t->add(spec(2, 2, 0x64400001));
    ASSERT_TRUE(next.ok());
    EXPECT_EQ(*next, *slot);
    EXPECT_EQ(t->downstream_cell_totals(*next).packets, 0u);
    EXPECT_EQ(t->lookup_ipv4(0x64400001), *next);
  }
}

TEST(TableMemory, SmallAndLargeAllocationsAreZeroedAlignedAndWritable) {
  for (size_t bytes : {size_t{4096}, size_t{5} << 20}) {
    SCOPED_TRACE(bytes);
    TableMemory mem;
    auto* p = static_cast<uint8_t*>(mem.allocate("test_table", bytes, SOCKET_ID_ANY));
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(p, mem.data());
    EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % 64, 0u);
    EXPECT_EQ(p[0], 0);
    EXPECT_EQ(p[bytes / 2], 0);
    EXPECT_EQ(p[bytes - 1], 0);
    p[0] = p[bytes - 1] = 0xa5;
    EXPECT_EQ(p[bytes - 1], 0xa5);
  }
}

}  // namespace
}  // namespace lns::dp

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  if (!lns::test::init_eal_for_tests(argv[0], 1, 512)) return 1;
  return RUN_ALL_TESTS();
}
