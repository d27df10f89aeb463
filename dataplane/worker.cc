#include "dataplane/worker.h"
#include "dataplane/frame_layout.h"

#include <algorithm>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <rte_atomic.h>
#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_ip_frag.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include "absl/strings/str_cat.h"
#include "common/byte_order.h"
#include "common/checksum.h"
#include "common/ip_forward.h"
#include "common/l2tp_header.h"
#include "common/ppp_header.h"
#include "dataplane/session_owner.h"

namespace lns::dp {
namespace {

// Outer IPv4, UDP, L2TP data header without options, PPP FF 03 00 21 and an
// inner IPv4 header: the least the decap fast path accepts.
constexpr uint32_t kMinDecapIp = 20 + 8 + 6 + 4 + 20;

constexpr uint32_t kMaxFragments = 16;
// How many packets ahead of its rewrite decap checks a packet's home line,
// so that a key living beyond it has its next line on the way in time.
constexpr uint16_t kProbeAhead = 16;
// How many packets ahead of its rewrite encap looks at a packet
// (classifies it, prefetches its cell). 16 against 8, 12, 24, 32 and 48
// (8 alternating runs each): at 1,000,000 sessions 8 took 1.16x the
// cycles, 24 1.07x, 32 1.14x, 48 1.23x, 12 the same; at 1 and 65,536 all
// within 3 %.
constexpr uint16_t kDownstreamLookAhead = 16;
static_assert(SessionHandoff::kMaxBurst == kPollBurst);
static_assert(kUntagged == kNoVlan);

// Ethernet header of a received frame: length of the L2 header and the
// ethertype behind an optional 802.1Q tag. Returns false when the frame is
// too short or tagged differently from what the port expects.
struct L2 {
  uint32_t len;
  uint16_t ethertype;
};

inline DropReason parse_l2(const uint8_t* p, uint32_t len, uint16_t vlan, L2* out, bool* ok) {
  *ok = false;
  if (len < 14) [[unlikely]]
    return DropReason::truncated;
  uint16_t et = load_be16(p + 12);
  if (et == kEtherVlan) {
    if (len < 18) [[unlikely]]
      return DropReason::truncated;
    if (vlan != (load_be16(p + 14) & 0x0fff)) [[unlikely]]
      return DropReason::vlan_mismatch;
    out->len = 18;
    out->ethertype = load_be16(p + 16);
  } else {
    if (vlan != kNoVlan) [[unlikely]]
      return DropReason::vlan_mismatch;
    out->len = 14;
    out->ethertype = et;
  }
  *ok = true;
  return DropReason::truncated;
}

inline uint32_t l2_header_len(uint16_t vlan) { return vlan == kNoVlan ? 14 : 18; }

inline void write_l2(uint8_t* p, const std::array<uint8_t, 6>& dst, const std::array<uint8_t, 6>& src,
                     uint16_t vlan, uint16_t ethertype) {
  std::memcpy(p, dst.data(), 6);
  std::memcpy(p + 6, src.data(), 6);
  if (vlan != kNoVlan) {
    store_be16(p + 12, kEtherVlan);
    store_be16(p + 14, vlan);
    store_be16(p + 16, ethertype);
  } else {
    store_be16(p + 12, ethertype);
  }
}

// Raw (network order) loads, for comparing with fields a SessionEntry keeps
// in network order.
inline uint32_t load_raw32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
inline uint16_t load_raw16(const uint8_t* p) {
  uint16_t v;
  std::memcpy(&v, p, 2);
  return v;
}

// Does the tag (or its absence) match the port, and is the frame IPv4?
inline bool is_ipv4_on(const uint8_t* p, uint32_t l2_len, uint16_t vlan) {
  if (l2_len == 14) return load_be16(p + 12) == kEtherIpv4;
  return load_be16(p + 12) == kEtherVlan && (load_be16(p + 14) & 0x0fff) == vlan && load_be16(p + 16) == kEtherIpv4;
}

// The outer IPv4 total length and header checksum and the UDP length of a
// session's template, copied in front of the rest of a datagram of
// outer_len bytes (ip: the template's IPv4 header in the packet).
inline void patch_outer_lengths(uint8_t* ip, uint16_t ip_sum, uint32_t outer_len) {
  store_be16(ip + 2, static_cast<uint16_t>(outer_len));
  store_be16(ip + 10, checksum_fold(uint32_t{ip_sum} + outer_len));
  store_be16(ip + 24, static_cast<uint16_t>(outer_len - 20));
}

// The session's Ethernet / IPv4 / UDP / L2TP / PPP template in front of an
// inner packet of ip_len bytes at h + e.encap_len, with lengths, checksum
// and PPP protocol patched.
inline void write_encap(uint8_t* h, const SessionEntry& e, uint32_t ip_len, bool ipv6) {
  const uint32_t len = e.encap_len;
  if (len >= 32) [[likely]] {
    // Two fixed 32-byte copies that overlap in the middle instead of a
    // memcpy call of variable length.
    std::memcpy(h, e.encap, 32);
    std::memcpy(h + len - 32, e.encap + len - 32, 32);
  } else {
    std::memcpy(h, e.encap, len);
  }
  const uint32_t ip_off = e.encap_ip_off();
  patch_outer_lengths(h + ip_off, e.encap_ip_sum, len - ip_off + ip_len);
  uint8_t* proto = h + e.encap_ppp_off;
  if (len - e.encap_ppp_off == 1) {
    proto[0] = ipv6 ? 0x57 : 0x21;
  } else {
    store_be16(proto, ipv6 ? kPppIpv6 : kPppIpv4);
  }
}

// What both decap classifications check once the outer header's constant
// fields are known good: the outer total length against the segment
// (avail: bytes from ip to its end), the header checksum and the UDP
// length. Returns the UDP length, or 0 when the frame must not be taken.
[[gnu::always_inline]] inline uint32_t decap_udp_len(const rte_mbuf* m, const uint8_t* ip, uint32_t avail) {
  const uint32_t ip_len = load_be16(ip + 2);
  if (ip_len < kMinDecapIp || ip_len > avail) return 0;
  const uint64_t csum = m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK;
  if (csum != RTE_MBUF_F_RX_IP_CKSUM_GOOD && (csum == RTE_MBUF_F_RX_IP_CKSUM_BAD || !checksum20_ok(ip))) return 0;
  const uint32_t udp_len = load_be16(ip + 24);
  if (udp_len < kMinDecapIp - 20 || udp_len > ip_len - 20) return 0;
  return udp_len;
}

// The inner IPv4 header (version and IHL already checked) with inner_avail
// bytes of the L2TP message from it on: its offset in the frame at p, or 0
// when its length, TTL or checksum rule the fast path out.
[[gnu::always_inline]] inline uint32_t decap_inner_offset(const uint8_t* p, const uint8_t* inner,
                                                          uint32_t inner_avail) {
  const uint32_t inner_len = load_be16(inner + 2);
  if (inner_len < 20 || inner_len > inner_avail || inner[8] <= 1 || !checksum20_ok(inner)) return 0;
  return static_cast<uint32_t>(inner - p);
}

}  // namespace

Worker::~Worker() {
  rte_pktmbuf_free_bulk(inject_pending_access_.pkts, inject_pending_access_.count);
  rte_pktmbuf_free_bulk(inject_pending_core_.pkts, inject_pending_core_.count);
  for (auto* pipelines : {&held_, &held_handed_})
    for (HeldBursts& h : *pipelines)
      for (uint8_t k = 0; k < h.count; ++k) {
        const uint8_t slot = (h.oldest + k) % kHeldSlots;
        rte_pktmbuf_free_bulk(h.pkts[slot].data(), h.n[slot]);
      }
  if (frag_table_ != nullptr) {
    rte_ip_frag_table_destroy(frag_table_);
  }
  if (death_row_ != nullptr) {
    rte_ip_frag_free_death_row(static_cast<rte_ip_frag_death_row*>(death_row_), 0);
    rte_free(death_row_);
  }
}

absl::Status Worker::init(const WorkerConfig& cfg) {
  cfg_ = cfg;
  if (cfg_.sessions == nullptr || cfg_.punt_ring == nullptr || cfg_.session_counters.up == nullptr ||
      cfg_.session_counters.down == nullptr || cfg_.session_counters.down_by_slot == nullptr)
    return absl::InvalidArgumentError("worker needs sessions, a punt ring and session counters");
  to_core_.port = cfg_.core_port;
  to_access_.port = cfg_.access_port;
  inject_pending_core_.port = cfg_.core_port;
  inject_pending_access_.port = cfg_.access_port;
  access_l2_len_ = l2_header_len(cfg_.access_vlan);
  core_l2_len_ = l2_header_len(cfg_.core_vlan);
  encap_headers_ = cfg_.sessions->encap_headers();
  build_decap_pattern();
  write_l2(core_ipv4_l2_image_.data() + core_ipv4_l2_image_.size() - core_l2_len_, cfg_.core_dst_mac,
           cfg_.core_src_mac, cfg_.core_vlan, kEtherIpv4);
  tsc_hz_ = rte_get_tsc_hz();
  punt_last_tsc_ = rte_rdtsc();
  punt_tokens_.fill(uint64_t{cfg_.punt_burst} * tsc_hz_);
  const uint64_t max_cycles = tsc_hz_ / 1000 * cfg_.reassembly_timeout_ms;
  const uint32_t flows = cfg_.reassembly_max_flows;
  frag_table_ = rte_ip_frag_table_create(flows, 8 /* entries per bucket */, flows, max_cycles,
                                         static_cast<int>(rte_socket_id()));
  if (frag_table_ == nullptr) return absl::ResourceExhaustedError("cannot create reassembly table");
  death_row_ = rte_zmalloc("lns_death_row", sizeof(rte_ip_frag_death_row), 64);
  if (death_row_ == nullptr) return absl::ResourceExhaustedError("cannot allocate death row");
  if (cfg_.qsbr != nullptr) {
    if (rte_rcu_qsbr_thread_register(cfg_.qsbr, cfg_.index) != 0)
      return absl::InternalError(absl::StrCat("RCU registration failed for worker ", cfg_.index));
    rte_rcu_qsbr_thread_online(cfg_.qsbr, cfg_.index);
  }
  return absl::OkStatus();
}

void Worker::build_decap_pattern() {
  BytePattern64& b = decap_pattern_;
  b = BytePattern64{};
  // Offsets in the frame, less the byte the pattern starts at.
  constexpr uint32_t o = kDecapFirstByte;
  uint32_t l2 = 14;
  if (cfg_.access_vlan == kNoVlan) {
    b.expect16(12 - o, kEtherIpv4);
  } else {
    b.expect16(12 - o, kEtherVlan);
    b.expect16(14 - o, cfg_.access_vlan, 0x0fff);
    b.expect16(16 - o, kEtherIpv4);
    l2 = 18;
  }
  b.expect(l2 - o, 0x45);                // IPv4 without options
  b.expect16(l2 + 6 - o, 0, 0x3fff);     // not a fragment
  b.expect(l2 + 9 - o, kIpProtoUdp);
  b.expect32(l2 + 16 - o, cfg_.access_ipv4);
  b.expect16(l2 + 22 - o, kL2tpPort);    // UDP destination
  b.expect16(l2 + 28 - o, kL2tpVersion); // data; no L, S, O or P
  b.expect32(l2 + 34 - o, 0xff030021);   // PPP address, control, IPv4
  b.expect(l2 + 38 - o, 0x45);           // inner IPv4 without options
  static_assert(18 + 38 - o < BytePattern64::kBytes);
}

void Worker::drop(rte_mbuf* m, DropReason r) {
  stats_.count_drop(r);
  rte_pktmbuf_free(m);
}

void Worker::drop(rte_mbuf* m, DropReason r, uint32_t slot) {
  if (cfg_.session_drops != nullptr) ++cfg_.session_drops[slot];
  drop(m, r);
}

void Worker::refill_punt_tokens(uint64_t now) {
  const uint64_t cap = uint64_t{cfg_.punt_burst} * tsc_hz_;
  const uint64_t elapsed = now - punt_last_tsc_;
  punt_last_tsc_ = now;
  // Tokens are kept in units of 1/tsc_hz packets so refill needs no division.
  const uint64_t add = elapsed * cfg_.punt_rate_pps;
  for (uint64_t& t : punt_tokens_) t = (cap - t < add) ? cap : t + add;
}

void Worker::punt(rte_mbuf* m, PuntClass c) {
  uint64_t& tokens = punt_tokens_[static_cast<size_t>(c)];
  if (tokens < tsc_hz_) [[unlikely]] {
    drop(m, DropReason::punt_policed);
    return;
  }
  rte_ring* ring = c == PuntClass::kSignalling && cfg_.signalling_ring != nullptr ? cfg_.signalling_ring : cfg_.punt_ring;
  if (rte_ring_sp_enqueue(ring, m) != 0) [[unlikely]] {
    drop(m, DropReason::punt_ring_full);
    return;
  }
  tokens -= tsc_hz_;
  ++stats_.punted;
}

void Worker::flush(TxBuffer& tx) {
  if (tx.count == 0) return;
  fence_streamed();
  uint16_t sent = rte_eth_tx_burst(tx.port, cfg_.queue, tx.pkts, tx.count);
  if (sent < tx.count) [[unlikely]]
    sent += rte_eth_tx_burst(tx.port, cfg_.queue, tx.pkts + sent, tx.count - sent);
  for (uint16_t i = sent; i < tx.count; ++i) drop(tx.pkts[i], DropReason::tx_full);
  tx.count = 0;
}


void Worker::upstream(rte_mbuf* m, bool reassembled) {
  uint8_t* p = rte_pktmbuf_mtod(m, uint8_t*);
  const uint32_t seg_len = rte_pktmbuf_data_len(m);
  const uint32_t pkt_len = rte_pktmbuf_pkt_len(m);
  L2 l2;
  bool ok;
  DropReason r = parse_l2(p, seg_len, cfg_.access_vlan, &l2, &ok);
  if (!ok) [[unlikely]]
    return drop(m, r);
  if (l2.ethertype != kEtherIpv4) [[unlikely]] {
    if (l2.ethertype == kEtherArp) return punt(m, PuntClass::kSignalling);
    return drop(m, DropReason::unsupported_ethertype);
  }
  uint8_t* ip = p + l2.len;
  if (seg_len < l2.len + 20) [[unlikely]]
    return drop(m, DropReason::truncated);
  const uint32_t ihl = (ip[0] & 0x0f) * 4u;
  const uint32_t ip_len = load_be16(ip + 2);
  if ((ip[0] >> 4) != 4 || ihl < 20 || ip_len < ihl || seg_len < l2.len + ihl) [[unlikely]]
    return drop(m, DropReason::outer_bad_ip);
  if (l2.len + ip_len > pkt_len) [[unlikely]]
    return drop(m, DropReason::truncated);
  if (!reassembled) {
    const uint64_t csum_flags = m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK;
    if (csum_flags == RTE_MBUF_F_RX_IP_CKSUM_BAD ||
        (csum_flags != RTE_MBUF_F_RX_IP_CKSUM_GOOD && checksum_fold(checksum_partial(ip, ihl)) != 0))
        [[unlikely]]
      return drop(m, DropReason::outer_bad_ip);
  }
  if (load_be32(ip + 16) != cfg_.access_ipv4) [[unlikely]]
    return drop(m, DropReason::not_for_us);
  if (ip[9] != kIpProtoUdp) [[unlikely]]
    return drop(m, DropReason::not_l2tp);
  if ((load_be16(ip + 6) & 0x3fff) != 0) [[unlikely]] {  // MF or offset: a fragment
    m->l2_len = l2.len;
    m->l3_len = ihl;
    ++stats_.fragments_in;
    auto* dr = static_cast<rte_ip_frag_death_row*>(death_row_);
    const uint32_t before = dr->cnt;
    rte_mbuf* whole = rte_ipv4_frag_reassemble_packet(frag_table_, dr, m, now_tsc_,
                                                      reinterpret_cast<rte_ipv4_hdr*>(ip));
    stats_.drops[static_cast<size_t>(DropReason::reassembly_failed)] += dr->cnt - before;
    if (whole == nullptr) return;  // held until the datagram is complete
    ++stats_.reassembled;
    stats_.fragments_merged += whole->nb_segs;
    return upstream(whole, true);
  }
  uint8_t* udp = ip + ihl;
  const uint32_t udp_off = l2.len + ihl;
  if (seg_len < udp_off + 8) [[unlikely]]
    return drop(m, DropReason::truncated);
  if (load_be16(udp + 2) != kL2tpPort) [[unlikely]]
    return drop(m, DropReason::not_l2tp);
  const uint32_t udp_len = load_be16(udp + 4);
  if (udp_len < 8 || udp_len > ip_len - ihl) [[unlikely]]
    return drop(m, DropReason::truncated);

  // Headers must be in the first segment; the payload may continue beyond
  // it in a reassembled datagram.
  uint8_t* l2tp = udp + 8;
  const uint32_t l2tp_total = udp_len - 8;
  const uint32_t l2tp_seg = std::min(l2tp_total, seg_len - (udp_off + 8));
  if (l2tp_seg < std::min<uint32_t>(l2tp_total, 14)) [[unlikely]]
    return drop(m, DropReason::truncated);
  L2tpHeader lh;
  const L2tpHeaderStatus ls = parse_l2tp_header(l2tp, l2tp_total, &lh);
  if (ls != L2tpHeaderStatus::kOk) [[unlikely]]
    return drop(m, ls == L2tpHeaderStatus::kBadVersion ? DropReason::l2tp_bad_version
                                                       : DropReason::l2tp_bad_header);
  if (lh.is_control()) return punt(m, PuntClass::kSignalling);

  const UpstreamCells& cells = cfg_.sessions->upstream_cells();
  const uint32_t pos =
      cells.find(cfg_.session_counters.up, SessionTable::upstream_key(lh.tunnel_id, lh.session_id));
  if (pos == UpstreamCells::kNone) [[unlikely]]
    return drop(m, DropReason::unknown_session);
  const uint32_t slot = cells.slot_at(pos);
  const SessionEntry& e = cfg_.sessions->entry(slot);
  UpstreamCell& cell = cfg_.session_counters.up[pos];
  const UpstreamGuard& g = cell.guard;
  if (g.lac_ipv4_be != rte_cpu_to_be_32(load_be32(ip + 12)) || g.lac_port_be != rte_cpu_to_be_16(load_be16(udp)))
      [[unlikely]]
    return drop(m, DropReason::spoofed_lac, slot);

  if (lh.payload_offset > l2tp_seg) [[unlikely]]
    return drop(m, DropReason::truncated, slot);
  uint8_t* ppp = l2tp + lh.payload_offset;
  const uint32_t ppp_avail = l2tp_seg - lh.payload_offset;
  PppHeader ph;
  if (!parse_ppp_header(ppp, std::min<uint32_t>(ppp_avail, lh.payload_length), &ph)) [[unlikely]]
    return drop(m, DropReason::ppp_bad_header, slot);
  if (!ppp_is_network_data(ph.protocol)) {
    if (ph.protocol == kPppLcp &&
        answer_lcp_echo(m, slot, ppp + ph.length, std::min<uint32_t>(ppp_avail, lh.payload_length) - ph.length))
      return;
    return punt(m, PuntClass::kPpp);
  }

  uint8_t* inner = ppp + ph.length;
  const uint32_t inner_off = static_cast<uint32_t>(inner - p);
  // Bytes of inner packet available in the whole chain, bounded by L2TP.
  const uint32_t inner_avail = std::min<uint32_t>(lh.payload_length - ph.length, pkt_len - inner_off);
  const uint32_t inner_seg = seg_len - inner_off;
  const uint16_t flags = cfg_.sessions->flags(slot);
  uint32_t inner_len;
  const bool v6 = ph.protocol == kPppIpv6;
  if (!v6) {
    if (!(flags & kForwardIpv4)) [[unlikely]]
      return drop(m, DropReason::session_not_up, slot);
    // The header (options included) must be in this segment before its
    // checksum is read.
    if (inner_seg < 20 || inner_seg < (inner[0] & 0x0fu) * 4u ||
        check_ipv4(inner, inner_avail, &inner_len) != IpCheck::kOk) [[unlikely]]
      return drop(m, DropReason::inner_bad_ip, slot);
    if (load_be32(inner + 12) != rte_be_to_cpu_32(g.subscriber_ipv4_be)) [[unlikely]]
      return drop(m, DropReason::spoofed_source, slot);
    if (!decrement_ttl_ipv4(inner)) [[unlikely]]
      return drop(m, DropReason::ttl_expired, slot);
    if (cfg_.mss_clamp != 0 && inner[9] == kIpProtoTcp) clamp_mss_ipv4(inner, std::min(inner_len, inner_seg), cfg_.mss_clamp);
  } else {
    if (!(flags & kForwardIpv6)) [[unlikely]]
      return drop(m, DropReason::session_not_up, slot);
    if (inner_seg < 40 || check_ipv6(inner, inner_avail, &inner_len) != IpCheck::kOk) [[unlikely]]
      return drop(m, DropReason::inner_bad_ip, slot);
    if (inner[8] == 0xfe && (inner[9] & 0xc0) == 0x80) [[unlikely]]
      return drop(m, DropReason::ipv6_link_local, slot);
    if (e.ipv6_prefix_len == 0 || !ipv6_prefix_match(inner + 8, e.ipv6_prefix, e.ipv6_prefix_len)) [[unlikely]]
      return drop(m, DropReason::spoofed_source, slot);
    if (!decrement_hop_limit_ipv6(inner)) [[unlikely]]
      return drop(m, DropReason::ttl_expired, slot);
    if (cfg_.mss_clamp_ipv6 != 0 && inner[6] == kIpProtoTcp) clamp_mss_ipv6(inner, std::min(inner_len, inner_seg), cfg_.mss_clamp_ipv6);
  }

  const uint32_t eth_len = l2_header_len(cfg_.core_vlan);
  rte_pktmbuf_adj(m, static_cast<uint16_t>(inner_off - eth_len));
  const uint32_t excess = rte_pktmbuf_pkt_len(m) - (eth_len + inner_len);
  if (excess != 0 && rte_pktmbuf_trim(m, static_cast<uint16_t>(excess)) != 0) [[unlikely]]
    return drop(m, DropReason::inner_bad_ip, slot);
  write_l2(rte_pktmbuf_mtod(m, uint8_t*), cfg_.core_dst_mac, cfg_.core_src_mac, cfg_.core_vlan,
           v6 ? kEtherIpv6 : kEtherIpv4);
  TrafficCounter& c = cell.up;
  ++c.packets;
  c.bytes += inner_len;
  ++stats_.decapsulated;
  send(to_core_, m);
}

// RFC 1661 5.8: the reply carries the request's Identifier and data, with
// our Magic-Number in front. Anything out of the ordinary goes to the
// control plane as before: a chained mbuf, a Length the segment does not
// hold, a reply the peer's MRU would not take, and our own Magic-Number
// coming back (a looped link, which LCP must detect).
bool Worker::answer_lcp_echo(rte_mbuf* m, uint32_t slot, uint8_t* lcp, uint32_t lcp_avail) {
  constexpr uint8_t kEchoRequest = 9, kEchoReply = 10;
  if (!(cfg_.sessions->flags(slot) & kAnswerLcpEcho) || !rte_pktmbuf_is_contiguous(m) || lcp_avail < 8 ||
      lcp[0] != kEchoRequest)
    return false;
  const SessionEntry& e = cfg_.sessions->entry(slot);
  const uint32_t lcp_len = load_be16(lcp + 2);
  const uint32_t magic = __atomic_load_n(&e.lcp_magic, __ATOMIC_ACQUIRE);
  if (lcp_len < 8 || lcp_len > lcp_avail || lcp_len > e.mtu || (magic != 0 && load_be32(lcp + 4) == magic))
    return false;
  // The session's template up to the end of its L2TP header (which has no
  // optional fields), then LCP's own framing, never compressed: FF 03 C0 21.
  const uint32_t ip_off = e.encap_ip_off();
  const uint32_t l2tp_end = ip_off + 20u + 8u + 6u;
  const uint32_t hdr = l2tp_end + 4;
  uint8_t* p = rte_pktmbuf_mtod(m, uint8_t*);
  const uint32_t lcp_off = static_cast<uint32_t>(lcp - p);
  if (m->data_off + lcp_off < hdr) return false;
  uint8_t* h = lcp - hdr;
  std::memcpy(h, e.encap, l2tp_end);
  store_be32(h + l2tp_end, 0xff03c021);
  lcp[0] = kEchoReply;
  store_be32(lcp + 4, magic);
  patch_outer_lengths(h + ip_off, e.encap_ip_sum, hdr - ip_off + lcp_len);
  m->data_off = static_cast<uint16_t>(m->data_off + lcp_off - hdr);
  m->data_len = static_cast<uint16_t>(hdr + lcp_len);
  m->pkt_len = hdr + lcp_len;
  ++stats_.lcp_echo_answered;
  send(to_access_, m);
  return true;
}

void Worker::encapsulate(rte_mbuf* m, const SessionEntry& e, uint32_t slot, uint32_t ip_len, bool ipv6) {
  // m starts at the inner IP header.
  uint8_t* h = reinterpret_cast<uint8_t*>(rte_pktmbuf_prepend(m, e.encap_len));
  if (h == nullptr) [[unlikely]]
    return drop(m, DropReason::no_mbuf, slot);
  write_encap(h, e, ip_len, ipv6);
  TrafficCounter& c = cfg_.session_counters.down_by_slot[slot];
  ++c.packets;
  c.bytes += ip_len;
  ++stats_.encapsulated;
  send(to_access_, m);
}

void Worker::downstream(rte_mbuf* m) {
  uint8_t* p = rte_pktmbuf_mtod(m, uint8_t*);
  const uint32_t seg_len = rte_pktmbuf_data_len(m);
  const uint32_t pkt_len = rte_pktmbuf_pkt_len(m);
  L2 l2;
  bool ok;
  DropReason r = parse_l2(p, seg_len, cfg_.core_vlan, &l2, &ok);
  if (!ok) [[unlikely]]
    return drop(m, r);
  uint8_t* ip = p + l2.len;
  const uint32_t avail = pkt_len - l2.len;
  const uint32_t seg_avail = seg_len - l2.len;
  uint32_t ip_len;
  uint32_t slot;
  bool v6;
  if (l2.ethertype == kEtherIpv4) {
    if (seg_avail < 20 || seg_avail < (ip[0] & 0x0fu) * 4u || check_ipv4(ip, avail, &ip_len) != IpCheck::kOk)
        [[unlikely]]
      return drop(m, DropReason::inner_bad_ip);
    const DownstreamCells& cells = cfg_.sessions->downstream_cells();
    const uint32_t pos = cells.find(cfg_.session_counters.down, load_be32(ip + 16));
    slot = pos == DownstreamCells::kNone ? kNoSession : cells.slot_at(pos);
    v6 = false;
  } else if (l2.ethertype == kEtherIpv6) {
    if (seg_avail < 40 || check_ipv6(ip, avail, &ip_len) != IpCheck::kOk) [[unlikely]]
      return drop(m, DropReason::inner_bad_ip);
    slot = cfg_.sessions->lookup_ipv6(ip + 24);
    v6 = true;
  } else {
    if (l2.ethertype == kEtherArp) return punt(m, PuntClass::kSignalling);
    return drop(m, DropReason::unsupported_ethertype);
  }
  if (slot == kNoSession) [[unlikely]]
    return drop(m, DropReason::no_route);
  const SessionEntry& e = cfg_.sessions->entry(slot);
  const uint16_t flags = cfg_.sessions->flags(slot);
  if (!(flags & (v6 ? kForwardIpv6 : kForwardIpv4))) [[unlikely]]
    return drop(m, DropReason::session_not_up, slot);
  if (v6) {
    if (!decrement_hop_limit_ipv6(ip)) [[unlikely]]
      return drop(m, DropReason::ttl_expired, slot);
    if (cfg_.mss_clamp_ipv6 != 0 && ip[6] == kIpProtoTcp) clamp_mss_ipv6(ip, std::min(ip_len, seg_avail), cfg_.mss_clamp_ipv6);
  } else {
    if (!decrement_ttl_ipv4(ip)) [[unlikely]]
      return drop(m, DropReason::ttl_expired, slot);
    if (cfg_.mss_clamp != 0 && ip[9] == kIpProtoTcp) clamp_mss_ipv4(ip, std::min(ip_len, seg_avail), cfg_.mss_clamp);
  }
  rte_pktmbuf_adj(m, static_cast<uint16_t>(l2.len));
  const uint32_t excess = rte_pktmbuf_pkt_len(m) - ip_len;
  if (excess != 0 && rte_pktmbuf_trim(m, static_cast<uint16_t>(excess)) != 0) [[unlikely]]
    return drop(m, DropReason::inner_bad_ip, slot);

  if (ip_len > e.mtu) [[unlikely]] {
    if (v6 || (load_be16(ip + 6) & 0x4000) || cfg_.direct_pool == nullptr || cfg_.indirect_pool == nullptr)
      return drop(m, DropReason::mtu_exceeded_df, slot);
    rte_mbuf* frags[kMaxFragments];
    const int n = rte_ipv4_fragment_packet(m, frags, kMaxFragments, e.mtu, cfg_.direct_pool,
                                           cfg_.indirect_pool);
    rte_pktmbuf_free(m);  // fragments hold their own references to the data
    if (n <= 0) [[unlikely]] {
      stats_.count_drop(DropReason::fragmentation_failed);
      if (cfg_.session_drops != nullptr) ++cfg_.session_drops[slot];
      return;
    }
    ++stats_.fragmented;
    for (int i = 0; i < n; ++i) {
      // The library leaves header checksums to offload; we have none here.
      auto* fh = rte_pktmbuf_mtod(frags[i], rte_ipv4_hdr*);
      fh->hdr_checksum = 0;
      fh->hdr_checksum = rte_ipv4_cksum(fh);
      encapsulate(frags[i], e, slot, rte_pktmbuf_pkt_len(frags[i]), false);
    }
    return;
  }
  encapsulate(m, e, slot, ip_len, v6);
}

// The packets' lines are prefetched with prefetcht1, not prefetcht0:
// measured (lns_dataplane_bench, paired runs) prefetcht0 here cost 14-19 %
// decap and 8-19 % encap at 65,536 and 1,000,000 sessions, probably because
// 64 mbufs and up to 128 header lines at once queue for the few L1 miss
// buffers. The session lines, fewer and read soon after, still use t0
// (t1 there measured no better).
void Worker::prefetch_mbufs(rte_mbuf** pkts, uint16_t n) {
  for (uint16_t i = 0; i < n; ++i) rte_prefetch1(pkts[i]);
}

[[gnu::always_inline]] inline void Worker::prefetch_header_lines(const rte_mbuf* m, bool upstream) {
  const uint8_t* p = rte_pktmbuf_mtod(m, const uint8_t*);
  if (upstream) {
    // The fast path reads from the Ethernet type to the inner IPv4 header's
    // end: one line at the access pool's default offset (frame_layout.h),
    // else two.
    rte_prefetch1(p + kDecapFirstByte);
    rte_prefetch1(p + access_l2_len_ + kMinDecapIp - 1);
    return;
  }
  // The Ethernet type and the IPv4 header.
  rte_prefetch1(p + 12);
  if (!cfg_.stream_encap_headers) {
    // The encapsulation is written into the headroom in front of the
    // inner header: own that line before the stores reach it. (Streamed
    // out whole instead, it needs no fetching: write_header_lines.)
    rte_prefetch0_write(p + core_l2_len_ - RTE_CACHE_LINE_SIZE);
  }
}

void Worker::prefetch_headers(rte_mbuf** pkts, uint16_t n, bool upstream) {
  for (uint16_t i = 0; i < n; ++i) prefetch_header_lines(pkts[i], upstream);
}

[[gnu::always_inline]] inline void Worker::prefetch_ahead(const Prefetches& p, uint16_t i) {
  if (i < p.n_mbufs) rte_prefetch1(p.mbufs[i]);
  if (i < p.n_headers) prefetch_header_lines(p.headers[i], p.upstream);
}

void Worker::finish_prefetches(const Prefetches& p, uint16_t done) {
  for (uint16_t i = done; i < p.n_mbufs || i < p.n_headers; ++i) prefetch_ahead(p, i);
}

[[gnu::noinline]] uint32_t Worker::classify_decap_general(const rte_mbuf* m, uint32_t* key) const {
  const uint8_t* p = rte_pktmbuf_mtod(m, const uint8_t*);
  const uint32_t len = rte_pktmbuf_data_len(m);
  const uint32_t l2 = access_l2_len_;
  if (len != rte_pktmbuf_pkt_len(m) || len < l2 + kMinDecapIp || !is_ipv4_on(p, l2, cfg_.access_vlan)) return 0;
  const uint8_t* ip = p + l2;
  if (ip[0] != 0x45 || ip[9] != kIpProtoUdp || (load_be16(ip + 6) & 0x3fff) != 0 ||
      load_be32(ip + 16) != cfg_.access_ipv4 || load_be16(ip + 22) != kL2tpPort)
    return 0;
  const uint32_t udp_len = decap_udp_len(m, ip, len - l2);
  if (udp_len == 0) return 0;
  const uint8_t* l2tp = ip + 28;
  const uint32_t l2tp_len = udp_len - 8;
  uint32_t hdr, msg_len;
  switch (load_be16(l2tp)) {  // flags and version: data, no S, O or P
    case kL2tpVersion:
      hdr = 6;
      msg_len = l2tp_len;
      break;
    case (kL2tpFlagLength << 8) | kL2tpVersion:
      hdr = 8;
      msg_len = load_be16(l2tp + 2);
      if (msg_len > l2tp_len) return 0;
      break;
    default:
      return 0;
  }
  if (msg_len < hdr + 4 + 20 || load_be32(l2tp + hdr) != 0xff030021 || l2tp[hdr + 4] != 0x45) return 0;
  // The inner packet may use the L2TP message up to its end, which the
  // checks above keep inside the segment.
  *key = SessionTable::upstream_key(load_be16(l2tp + hdr - 4), load_be16(l2tp + hdr - 2));
  return decap_inner_offset(p, l2tp + hdr + 4, msg_len - hdr - 4);
}

[[gnu::always_inline]] inline uint32_t Worker::classify_decap(const rte_mbuf* m, uint32_t* key) const {
  const uint8_t* p = rte_pktmbuf_mtod(m, const uint8_t*);
  const uint32_t len = rte_pktmbuf_data_len(m);
  const uint32_t l2 = access_l2_len_;
  // At least 72 bytes: the pattern's 64 are inside the segment.
  static_assert(kDecapFirstByte + BytePattern64::kBytes <= 14 + kMinDecapIp);
  if (len != rte_pktmbuf_pkt_len(m) || len < l2 + kMinDecapIp || !decap_pattern_.matches(p + kDecapFirstByte))
      [[unlikely]]
    return classify_decap_general(m, key);
  // The constant fields matched (see build_decap_pattern()), the L2TP
  // header is 6 bytes and the message runs to the datagram's end.
  const uint8_t* ip = p + l2;
  const uint32_t udp_len = decap_udp_len(m, ip, len - l2);
  if (udp_len == 0) return 0;
  const uint8_t* l2tp = ip + 28;
  *key = SessionTable::upstream_key(load_be16(l2tp + 2), load_be16(l2tp + 4));
  return decap_inner_offset(p, l2tp + 6 + 4, udp_len - 8 - 6 - 4);
}

uint32_t Worker::classify_upstream_for_test(const rte_mbuf* m, uint32_t* key, bool field_by_field) const {
  return field_by_field ? classify_decap_general(m, key) : classify_decap(m, key);
}

[[gnu::always_inline]] inline bool Worker::decap_fast(rte_mbuf* m, UpstreamCell& cell, uint32_t inner_off) {
  uint8_t* p = rte_pktmbuf_mtod(m, uint8_t*);
  const uint8_t* ip = p + access_l2_len_;
  uint8_t* inner = p + inner_off;
  const UpstreamGuard& g = cell.guard;
  if (load_raw32(ip + 12) != g.lac_ipv4_be || load_raw16(ip + 20) != g.lac_port_be ||
      !(SessionTable::guard_flags(g) & kForwardIpv4) || load_raw32(inner + 12) != g.subscriber_ipv4_be) [[unlikely]]
    return false;
  const uint32_t inner_len = load_be16(inner + 2);
  decrement_ttl_ipv4(inner);  // classify_decap saw TTL > 1
  if (cfg_.mss_clamp != 0 && inner[9] == kIpProtoTcp) clamp_mss_ipv4(inner, inner_len, cfg_.mss_clamp);
  // What rte_pktmbuf_adj + rte_pktmbuf_trim do, for a single segment.
  const uint32_t eth_len = core_l2_len_;
  m->data_off = static_cast<uint16_t>(m->data_off + inner_off - eth_len);
  m->data_len = static_cast<uint16_t>(eth_len + inner_len);
  m->pkt_len = eth_len + inner_len;
  // The header from its image, 18 bytes ending at the inner packet (16 +
  // 2 bytes of stores, no branch on the tag): without a tag its first 4
  // land in the L2TP header just stripped, in front of the new frame.
  static_assert(14 + kMinDecapIp - 20 >= 18, "the image's spare bytes stay inside the old frame");
  std::memcpy(inner - core_ipv4_l2_image_.size(), core_ipv4_l2_image_.data(), core_ipv4_l2_image_.size());
  TrafficCounter& c = cell.up;
  ++c.packets;
  c.bytes += inner_len;
  ++stats_.decapsulated;
  send(to_core_, m);
  return true;
}

// A burst is looked at packet by packet: each packet's cell line is
// prefetched right after it is classified, so one classification lies
// between two prefetches. Classifying the whole burst first and then
// issuing its 64 prefetches back to back measured 1.45x decap's and 1.7x
// encap's cycles at 1,000,000 sessions (10 ABBA pairs each, every one
// worse; no change at 1 and 65,536). On this VM each of those lines needs
// a page walk, and prefetches issued back to back mostly did not bring
// their lines in time: the rewrite waited for them on demand. (A
// stand-alone loop over 32 MiB: 64 prefetches at once, then 64 uses, cost
// about 60 cycles a line of waiting; one prefetch per use, 64 lines ahead,
// about 8.)
void Worker::look_upstream(rte_mbuf** pkts, uint16_t n, Looked& l) {
  l.n = n;
  // The key's home line holds its cell, nearly always: decap reads and
  // writes that one line of session memory.
  const UpstreamCells& cells = cfg_.sessions->upstream_cells();
  UpstreamCell* const lane = cfg_.session_counters.up;
  for (uint16_t i = 0; i < n; ++i) {
    l.offs[i] = classify_decap(pkts[i], &l.keys[i]);
    if (l.offs[i] == 0) continue;
    l.homes[i] = cells.home_line(l.keys[i]);
    rte_prefetch0_write(lane + 2 * l.homes[i]);
  }
  clock_.mark(Stage::kLook);
}

// The home lines were found when the burst was looked at (a poll ago under
// load) and only prefetched then: the cells are read now, under this
// poll's RCU read side. A home that went stale meanwhile (the key's chunk
// given out since) finds nothing and the general path looks again.
void Worker::forward_upstream(rte_mbuf** pkts, const Looked& l, const Prefetches* ahead) {
  // The younger bursts' prefetches go out all at once before the rewrite;
  // spreading them over it, as downstream does, measured 5 % slower at
  // 1,000,000 sessions (and 2 % faster at 65,536), and again with the look
  // a poll ahead 1.04x and 1.13x (12 ABBA pairs), and with each cell
  // prefetched as its packet is classified 1.03-1.04x (10 pairs).
  if (ahead != nullptr) run_prefetches(*ahead);
  const uint16_t n = l.n;
  const UpstreamCells& cells = cfg_.sessions->upstream_cells();
  UpstreamCell* const lane = cfg_.session_counters.up;
  uint32_t pos[kPollBurst];
  const auto probe = [&](uint16_t j) {
    pos[j] = l.offs[j] != 0 ? cells.probe_home(lane, l.keys[j], l.homes[j]) : UpstreamCells::kNone;
  };
  for (uint16_t j = 0; j < std::min(n, kProbeAhead); ++j) probe(j);
  for (uint16_t i = 0; i < n; ++i) {
    if (i + kProbeAhead < n) probe(static_cast<uint16_t>(i + kProbeAhead));
    uint32_t p = pos[i];
    if (p == UpstreamCells::kBeyondHome) [[unlikely]]
      p = cells.find_beyond_home(lane, l.keys[i], l.homes[i]);
    if (p == UpstreamCells::kNone || !decap_fast(pkts[i], lane[p], l.offs[i])) upstream(pkts[i], false);
  }
  clock_.mark(Stage::kRewrite);
}

[[gnu::always_inline]] inline uint32_t Worker::classify_encap(const rte_mbuf* m, uint32_t* dst) const {
  const uint8_t* p = rte_pktmbuf_mtod(m, const uint8_t*);
  const uint32_t len = rte_pktmbuf_data_len(m);
  const uint32_t l2 = core_l2_len_;
  if (len != rte_pktmbuf_pkt_len(m) || len < l2 + 20 || !is_ipv4_on(p, l2, cfg_.core_vlan)) return 0;
  const uint8_t* ip = p + l2;
  const uint32_t ip_len = load_be16(ip + 2);
  if (ip[0] != 0x45 || ip_len < 20 || ip_len > len - l2 || ip[8] <= 1 || !checksum20_ok(ip)) return 0;
  *dst = load_be32(ip + 16);
  return ip_len;
}

// The encapsulation of `len` bytes in front of ip, written by `write(h)`.
// When its first cache line lies wholly in the headroom (the usual case: a
// 48-56 byte header in front of an IPv4 header 14 or 18 bytes into its
// line), that line is assembled in an image and streamed out with
// non-temporal stores: the headroom line is in no cache, and an ordinary
// store would first read it from memory for nothing. The part in the
// inner header's line, which is cached, is written through the same image.
// The image goes out during the next packet (write_out_image), not at
// once: its 16-byte loads would wait for the overlapping smaller stores
// that built it to reach L1. Measured against writing it out at once (four
// sets of 6-10 alternating pairs): encap with one session 0.84-0.96 of the
// cycles, 0.88-1.04 at 65,536 sessions, 0.97-1.05 at 1,000,000.
void Worker::write_out_image() {
#if defined(__SSE2__)
  const HeaderImage& img = *pending_image_;
  auto* dst = reinterpret_cast<__m128i*>(img.first);
  const auto* src = reinterpret_cast<const __m128i*>(img.bytes);
  for (int i = 0; i < 4; ++i) _mm_stream_si128(dst + i, _mm_load_si128(src + i));
  std::memcpy(img.first + RTE_CACHE_LINE_SIZE, img.bytes + RTE_CACHE_LINE_SIZE, RTE_CACHE_LINE_SIZE);
#endif
  pending_image_ = nullptr;
}

template <class Write>
[[gnu::always_inline]] inline void Worker::write_header_lines(rte_mbuf* m, uint8_t* ip, uint32_t len, Write write) {
  uint8_t* h = ip - len;
#if defined(__SSE2__)
  const auto first = reinterpret_cast<uintptr_t>(h) & ~uintptr_t{RTE_CACHE_LINE_SIZE - 1};
  const auto ip_line = reinterpret_cast<uintptr_t>(ip) & ~uintptr_t{RTE_CACHE_LINE_SIZE - 1};
  const auto buf = reinterpret_cast<uintptr_t>(m->buf_addr);
  if (cfg_.stream_encap_headers && first + RTE_CACHE_LINE_SIZE == ip_line && first >= buf &&
      ip_line + RTE_CACHE_LINE_SIZE <= buf + m->buf_len) [[likely]] {
    HeaderImage& img = images_[next_image_];
    next_image_ ^= 1;
    std::memset(img.bytes, 0, RTE_CACHE_LINE_SIZE);
    std::memcpy(img.bytes + RTE_CACHE_LINE_SIZE, reinterpret_cast<const void*>(ip_line), RTE_CACHE_LINE_SIZE);
    write(img.bytes + (reinterpret_cast<uintptr_t>(h) - first));
    img.first = reinterpret_cast<uint8_t*>(first);
    if (pending_image_ != nullptr) write_out_image();
    pending_image_ = &img;
    streamed_ = true;
    return;
  }
#endif
  write(h);
}

[[gnu::always_inline]] inline bool Worker::encap_fast(rte_mbuf* m, DownstreamCell& cell, uint32_t ip_len) {
  const uint32_t l2 = core_l2_len_;
  if (!(__atomic_load_n(&cell.flags, __ATOMIC_ACQUIRE) & kForwardIpv4) || ip_len > cell.mtu) [[unlikely]]
    return false;
  const EncapHeader& t = encap_headers_[cell.header];
  const uint32_t len = t.len + cell.ppp_len;
  if (m->data_off + l2 < len) [[unlikely]]
    return false;
  uint8_t* ip = rte_pktmbuf_mtod(m, uint8_t*) + l2;
  decrement_ttl_ipv4(ip);  // classify_encap saw TTL > 1
  if (cfg_.mss_clamp != 0 && ip[9] == kIpProtoTcp) clamp_mss_ipv4(ip, ip_len, cfg_.mss_clamp);
  // What rte_pktmbuf_adj, _trim and _prepend do, for a single segment.
  m->data_off = static_cast<uint16_t>(m->data_off + l2 - len);
  m->data_len = static_cast<uint16_t>(len + ip_len);
  m->pkt_len = len + ip_len;
  // The PPP header first: the tunnel's header (at least 48 bytes, copied
  // as two 32-byte halves) then overwrites whatever of the four bytes is
  // not PPP.
  write_header_lines(m, ip, len, [&](uint8_t* h) {
    std::memcpy(h + len - 4, ppp_ipv4_tail(cell.ppp_len), 4);
    std::memcpy(h, t.bytes, 32);
    std::memcpy(h + t.len - 32, t.bytes + t.len - 32, 32);
    std::memcpy(h + t.len - 2, &cell.peer_session_be, 2);
    patch_outer_lengths(h + t.ip_off, t.ip_sum, len - t.ip_off + ip_len);
  });
  TrafficCounter& c = cell.down;
  ++c.packets;
  c.bytes += ip_len;
  ++stats_.encapsulated;
  send(to_access_, m);
  return true;
}

// Encap looks at a burst and forwards it in the same poll (looking at it a
// poll ahead, as upstream does, measured 1.10x the cycles at 65,536 and
// 1,000,000 sessions, 10 ABBA pairs). Looking at the whole burst and then
// forwarding it put its 64 cell prefetches one short classification
// apart, faster than this VM's page walks keep up with (see
// look_upstream); looking kDownstreamLookAhead packets ahead inside the
// forward loop puts them a whole packet's work apart, each about as far
// ahead of its use as the burst's first was before: encap at 1,000,000
// sessions 94.1 to 70.4 cycles, at 262,144 73.8 to 63.5 (12 ABBA pairs,
// all better), 1 and 65,536 the same.
// The "look" stage of the stage clock is the first kDownstreamLookAhead
// packets' here; the rest count as the rewrite.
void Worker::look_and_forward_downstream(rte_mbuf** pkts, uint16_t n, const Prefetches* ahead) {
  constexpr uint16_t kLookAhead = kDownstreamLookAhead;
  // The address's home line holds its cell, nearly always: encap reads and
  // writes that one line of session memory, and the tunnel's header, which
  // stays cached.
  const DownstreamCells& cells = cfg_.sessions->downstream_cells();
  DownstreamCell* const lane = cfg_.session_counters.down;
  uint32_t offs[kPollBurst], keys[kPollBurst], homes[kPollBurst];
  const auto look_one = [&](uint16_t j) {
    offs[j] = classify_encap(pkts[j], &keys[j]);
    if (offs[j] == 0) return;
    homes[j] = cells.home_line(keys[j]);
    rte_prefetch0_write(lane + 2 * homes[j]);
  };
  for (uint16_t j = 0; j < std::min(n, kLookAhead); ++j) look_one(j);
  clock_.mark(Stage::kLook);
  // The younger bursts' prefetches go out one packet's worth at a time
  // between the rewrites, not all before the first: with 192 packet-line
  // misses queued in front of its loads encap took 12 % more cycles at
  // 65,536 sessions (10 alternating pairs; no change at 1,000,000).
  for (uint16_t i = 0; i < n; ++i) {
    if (i + kLookAhead < n) look_one(static_cast<uint16_t>(i + kLookAhead));
    if (ahead != nullptr) prefetch_ahead(*ahead, i);
    const uint32_t pos = offs[i] != 0 ? cells.find(lane, keys[i], homes[i]) : DownstreamCells::kNone;
    if (pos == DownstreamCells::kNone || !encap_fast(pkts[i], lane[pos], offs[i])) downstream(pkts[i]);
  }
  if (ahead != nullptr) finish_prefetches(*ahead, n);
  clock_.mark(Stage::kRewrite);
}

void Worker::flush_with_injected(TxBuffer& tx, rte_ring* ring, TxBuffer& pending) {
  if (ring != nullptr) {
    const unsigned room = static_cast<unsigned>(std::size(pending.pkts)) - pending.count;
    const unsigned n = rte_ring_sc_dequeue_burst(ring, reinterpret_cast<void**>(pending.pkts + pending.count),
                                                 std::min<unsigned>(room, kBurst), nullptr);
    pending.count = static_cast<uint16_t>(pending.count + n);
    stats_.injected += n;
  }
  if (pending.count == 0) return flush(tx);
  flush_behind_injected(tx, pending);
}

// Out of line: its 4 KiB array would otherwise be in every poll's frame.
[[gnu::noinline]] void Worker::flush_behind_injected(TxBuffer& tx, TxBuffer& pending) {
  // One burst, control frames first. With a tx_burst call of their own the
  // million-session setup over memif took 4-24 % longer than before (4 of
  // 4 ABBA pairs); in one burst 0.3 and 3.7 % (2 pairs), inside the noise.
  rte_mbuf* burst[2 * std::size(TxBuffer{}.pkts)];
  fence_streamed();
  const uint16_t held = pending.count;
  const uint16_t total = static_cast<uint16_t>(held + tx.count);
  std::memcpy(burst, pending.pkts, sizeof(rte_mbuf*) * held);
  std::memcpy(burst + held, tx.pkts, sizeof(rte_mbuf*) * tx.count);
  uint16_t sent = rte_eth_tx_burst(tx.port, cfg_.queue, burst, total);
  if (sent < total) [[unlikely]]
    sent = static_cast<uint16_t>(sent + rte_eth_tx_burst(tx.port, cfg_.queue, burst + sent, total - sent));
  tx.count = 0;
  if (sent >= held) {
    pending.count = 0;
    for (uint16_t i = sent; i < total; ++i) drop(burst[i], DropReason::tx_full);
    return;
  }
  // Order matters to the peers (an L2TP window, a PPP exchange): what is
  // left of the control frames goes first next time.
  std::memmove(pending.pkts, pending.pkts + sent, sizeof(rte_mbuf*) * (held - sent));
  pending.count = static_cast<uint16_t>(held - sent);
  stats_.inject_waits += pending.count;
  for (uint16_t i = held; i < total; ++i) drop(burst[i], DropReason::tx_full);
}

uint16_t Worker::rx(uint16_t port, rte_mbuf** pkts, uint16_t most) {
  uint16_t n = 0;
  for (uint16_t got = kBurst; got == kBurst && n < most; n += got)
    got = rte_eth_rx_burst(port, cfg_.queue, pkts + n, kBurst);
  return n;
}

void Worker::run_prefetches(const Prefetches& p) {
  prefetch_mbufs(p.mbufs, p.n_mbufs);
  prefetch_headers(p.headers, p.n_headers, p.upstream);
  clock_.mark(Stage::kFetch);
}

uint16_t Worker::prepare(Flow f, rte_mbuf** pkts, uint16_t n) {
  const uint16_t port = f == Flow::kUpstream ? cfg_.access_port : cfg_.core_port;
  if (cfg_.capture != nullptr && cfg_.capture->port.load(std::memory_order_relaxed) == port) [[unlikely]]
    capture_burst(*cfg_.capture, pkts, n);
  if (cfg_.handoff != nullptr) n = cfg_.handoff->split(f, pkts, n, stats_);
  return n;
}

void Worker::process_now(bool upstream, rte_mbuf** pkts, uint16_t n) {
  if (n == 0) return;
  prefetch_mbufs(pkts, n);
  prefetch_headers(pkts, n, upstream);
  clock_.mark(Stage::kFetch);
  if (upstream) {
    Looked l;
    look_upstream(pkts, n, l);
    forward_upstream(pkts, l, nullptr);
  } else {
    look_and_forward_downstream(pkts, n, nullptr);
  }
}

template <class Receive, class Prepare>
[[gnu::always_inline]] inline uint32_t Worker::serve(HeldBursts& h, bool upstream, bool pipelined,
                                                     uint16_t pipeline_from, Receive receive, Prepare prepare) {
  const uint8_t fresh = (h.oldest + h.count) % kHeldSlots;
  const uint16_t n = receive(h.pkts[fresh].data(), pipelined ? kPollBurst : kBurst);
  uint32_t done = 0;
  if (n < pipeline_from || !pipelined) {
    // The source is keeping up, or its frames are already in the cache:
    // nothing waits for the pipeline. The burst looked at already goes on
    // from there; the others from the start.
    for (uint8_t k = 0; k <= h.count; ++k) {
      const uint8_t slot = (h.oldest + k) % kHeldSlots;
      const uint16_t m = k == h.count ? n : h.n[slot];
      if (k < h.looked) {
        forward_upstream(h.pkts[slot].data(), h.look[h.next_look ^ 1], nullptr);
      } else if (m != 0) {
        process_now(upstream, h.pkts[slot].data(), prepare(h.pkts[slot].data(), m));
      }
      done += m;
    }
    h.count = 0;
    h.looked = 0;
    return done;
  }
  h.n[fresh] = n;
  Prefetches ahead{h.pkts[fresh].data(), n, nullptr, 0, upstream};
  if (h.count != 0) {
    const uint8_t younger = (h.oldest + h.count - 1) % kHeldSlots;
    ahead.headers = h.pkts[younger].data();
    ahead.n_headers = h.n[younger];
  }
  if (h.count < kLookAge) {
    run_prefetches(ahead);
    ++h.count;
    return 0;
  }
  static_assert(looks_a_poll_ahead(Flow::kUpstream) && !looks_a_poll_ahead(Flow::kDownstream));
  if (!upstream) {
    // The oldest burst's headers were asked for a poll ago: it is looked
    // at and forwarded, the younger bursts' prefetches going out meanwhile.
    look_and_forward_downstream(h.pkts[h.oldest].data(), prepare(h.pkts[h.oldest].data(), h.n[h.oldest]), &ahead);
    done = h.n[h.oldest];
    h.oldest = (h.oldest + 1) % kHeldSlots;
    return done;
  }
  // The oldest burst was looked at a poll ago, and its session lines have
  // landed since: it is forwarded (the younger bursts' prefetches going
  // out meanwhile), then the burst whose headers were asked for a poll ago
  // is looked at, and its session lines are asked for.
  if (h.looked != 0) {
    forward_upstream(h.pkts[h.oldest].data(), h.look[h.next_look ^ 1], &ahead);
    done = h.n[h.oldest];
    h.oldest = (h.oldest + 1) % kHeldSlots;
    --h.count;
  } else {
    run_prefetches(ahead);
  }
  Looked& l = h.look[h.next_look];
  h.next_look ^= 1;
  // What prepare() hands to other workers is done with now; the slot
  // keeps the rest.
  const uint16_t kept = prepare(h.pkts[h.oldest].data(), h.n[h.oldest]);
  done += h.n[h.oldest] - kept;
  h.n[h.oldest] = kept;
  look_upstream(h.pkts[h.oldest].data(), kept, l);
  h.looked = 1;
  ++h.count;
  return done;
}

uint32_t Worker::serve_port(Flow f) {
  const bool upstream = f == Flow::kUpstream;
  const uint16_t port = upstream ? cfg_.access_port : cfg_.core_port;
  return serve(
      held_[static_cast<size_t>(f)], upstream, cfg_.rx_pipeline[static_cast<size_t>(f)], kBurst,
      [&](rte_mbuf** pkts, uint16_t most) {
        const uint16_t n = rx(port, pkts, most);
        clock_.mark(Stage::kRx);
        (upstream ? stats_.rx_access : stats_.rx_core) += n;
        return n;
      },
      [&](rte_mbuf** pkts, uint16_t n) { return prepare(f, pkts, n); });
}

// Handed-over packets were last touched on the sending worker's core, so
// every line of theirs is a transfer between cores: they go through a
// pipeline like a port's, which asks for a burst's mbufs a poll and its
// headers two polls before it is looked at. A full poll split over two
// workers hands over about half of it (less to each with more workers),
// so a poll bringing half a burst already counts as load.
uint32_t Worker::serve_handoffs(Flow f) {
  const bool upstream = f == Flow::kUpstream;
  return serve(
      held_handed_[static_cast<size_t>(f)], upstream, true, kBurst / 2,
      [&](rte_mbuf** pkts, uint16_t most) {
        // Each poll starts at the next source, so that a busy one cannot
        // keep the others waiting.
        const uint16_t sources = cfg_.handoff->sources();
        if (sources == 0) return uint16_t{0};
        uint16_t& first = handoff_first_source_[static_cast<size_t>(f)];
        uint16_t n = 0;
        for (uint16_t i = 0; i < sources && n < most; ++i) {
          const uint16_t k = static_cast<uint16_t>((first + i) % sources);
          n = static_cast<uint16_t>(n + cfg_.handoff->receive(f, k, pkts + n, static_cast<uint16_t>(most - n), stats_));
        }
        first = static_cast<uint16_t>((first + 1) % sources);
        return n;
      },
      [](rte_mbuf**, uint16_t n) { return n; });
}

uint32_t Worker::held() const {
  uint32_t total = 0;
  for (const auto* pipelines : {&held_, &held_handed_})
    for (const HeldBursts& h : *pipelines)
      for (uint8_t k = 0; k < h.count; ++k) total += h.n[(h.oldest + k) % kHeldSlots];
  return total;
}

uint32_t Worker::poll_once() {
  const uint64_t start = rte_rdtsc();
  clock_.start();
  now_tsc_ = start;
  ++stats_.polls;
  refill_punt_tokens(start);
  const uint64_t received_before = stats_.rx_access + stats_.rx_core;
  uint32_t total = 0;

  clock_.mark(Stage::kOther);
  total += serve_port(Flow::kUpstream);
  if (cfg_.handoff != nullptr) total += serve_handoffs(Flow::kUpstream);
  total += serve_port(Flow::kDownstream);
  if (cfg_.handoff != nullptr) total += serve_handoffs(Flow::kDownstream);
  // The control plane's frames go before this poll's forwarded packets:
  // when the port cannot take everything, a data packet is dropped
  // (tx_full) and a signalling frame waits for the next poll, since losing
  // hellos and acks under load would take whole tunnels down.
  clock_.mark(Stage::kOther);
  flush_with_injected(to_core_, cfg_.inject_core, inject_pending_core_);
  flush_with_injected(to_access_, cfg_.inject_access, inject_pending_access_);
  clock_.mark(Stage::kTx);

  auto* dr = static_cast<rte_ip_frag_death_row*>(death_row_);
  if (start - last_expiry_tsc_ > tsc_hz_ / 100) {  // 10 ms granularity is plenty
    last_expiry_tsc_ = start;
    const uint32_t before = dr->cnt;
    rte_ip_frag_table_del_expired_entries(frag_table_, dr, start);
    stats_.drops[static_cast<size_t>(DropReason::reassembly_failed)] += dr->cnt - before;
  }
  if (dr->cnt != 0) rte_ip_frag_free_death_row(dr, 0);
  if (cfg_.qsbr != nullptr) rte_rcu_qsbr_quiescent(cfg_.qsbr, cfg_.index);
  clock_.mark(Stage::kOther);
  if (total != 0 || stats_.rx_access + stats_.rx_core != received_before) {
    ++stats_.busy_polls;
    stats_.busy_packets += total;
    stats_.busy_cycles += rte_rdtsc() - start;
  }
  return total;
}

void Worker::run(const volatile bool* stop) {
  // Sleeping is for when there is nothing to do, never between packets:
  // only a long run of empty polls (about a millisecond) starts it.
  constexpr uint32_t kIdlePollsBeforeSleep = 1000;
  uint32_t idle = 0;
  while (!*stop) {
    if (poll_once() != 0 || held() != 0) {
      idle = 0;
    } else if (cfg_.idle_sleep_us != 0 && ++idle >= kIdlePollsBeforeSleep) {
      rte_delay_us_sleep(cfg_.idle_sleep_us);
    }
  }
  if (cfg_.qsbr != nullptr) rte_rcu_qsbr_thread_offline(cfg_.qsbr, cfg_.index);
}

}  // namespace lns::dp
