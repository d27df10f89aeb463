#include "controlplane/daemon/control_plane.h"

#include <algorithm>
#include <cstring>

#include <rte_mbuf.h>
#include <rte_prefetch.h>

#include "common/byte_order.h"
#include "common/ip_forward.h"
#include "common/l2tp_header.h"
#include "controlplane/daemon/udp_frame.h"

namespace lns {

absl::StatusOr<std::unique_ptr<ControlPlane>> ControlPlane::create(dp::Dataplane& dataplane,
                                                                   const ControlPlaneConfig& cfg,
                                                                   const Clock& clock) {
  std::unique_ptr<ControlPlane> cp(new ControlPlane(dataplane, cfg, clock));
  auto aaa = aaa::LocalAaa::create(cfg.aaa);
  if (!aaa.ok()) return aaa.status();
  cp->aaa_ = std::make_unique<aaa::LocalAaa>(std::move(*aaa));
  cp->io_ = std::make_unique<AccessIo>(cp->cfg_.access, static_cast<FrameOutput&>(*cp));
  cp->subscribers_ = std::make_unique<SubscriberManager>(dataplane.sessions(), *cp->io_, clock,
                                                         cp->cfg_.session_mtu, cp->cfg_.ppp, cp->aaa_.get());
  cp->engine_ = std::make_unique<l2tp::LnsEngine>(clock, cp->cfg_.l2tp, *cp->io_, *cp->subscribers_);
  cp->subscribers_->set_engine(cp->engine_.get());
  return cp;
}

ControlPlane::ControlPlane(dp::Dataplane& dataplane, const ControlPlaneConfig& cfg, const Clock& clock)
    : dp_(dataplane), cfg_(cfg), clock_(clock) {}

namespace {
// Punted frames taken per pass.
constexpr unsigned kPuntBatch = 64;
// Due PPP timers run per pass. No more than the punted frames a pass takes:
// each echo request we send brings a reply back through the punt ring, so
// a pass that sent five times the requests it drained replies (as one that
// filled the inject ring did) lets a backlog of due keepalives (a million
// sessions coming up at once) overflow the punt ring with their replies,
// and the sessions whose replies were dropped end in echo timeouts.
constexpr unsigned kTimersPerPass = kPuntBatch;
// Replies one punted frame can cause at most (a PAP Request: PAP Ack, our
// IPCP and IPv6CP Configure-Requests).
constexpr unsigned kRepliesPerFrame = 3;
}  // namespace

uint32_t ControlPlane::poll() {
  // Take only what the inject ring has room to answer: a frame left in the
  // punt ring waits a moment, a reply dropped for want of room waits for a
  // retransmission timer (1 s in L2TP, 3 s in PPP).
  rte_mbuf* pkts[kPuntBatch];
  const unsigned room = dp_.inject_room(dp::Side::kAccess) / kRepliesPerFrame;
  const uint16_t n = dp_.receive_punted(pkts, static_cast<uint16_t>(std::min(kPuntBatch, room)));
  // A worker on another core wrote these mbufs and frames last: ask for
  // every mbuf of the batch, then every frame's header line, before parsing
  // the first, so the misses overlap instead of stalling handle() in turn.
  // The line from the Ethernet type on: an access-port frame starts 56
  // bytes into a line (dataplane/frame_layout.h), whose first line then
  // holds only the destination MAC. (This line and the next instead of the
  // first measured no faster, 3 of 6 ABBA pairs of scripts/bench-scale: in
  // set-up a batch is a few frames, too few for the misses to overlap.)
  for (uint16_t i = 0; i < n; ++i) rte_prefetch0(pkts[i]);
  for (uint16_t i = 0; i < n; ++i) rte_prefetch0(rte_pktmbuf_mtod(pkts[i], const uint8_t*) + 12);
  for (uint16_t i = 0; i < n; ++i) handle(pkts[i]);
  if (auto d = engine_->next_deadline(); d && *d <= clock_.now()) engine_->on_timer();
  // PPP timers (echo requests above all: 100,000 sessions make 10,000 a
  // second) also wait for room rather than overflow the ring.
  const size_t timers =
      subscribers_->poll(std::min(kTimersPerPass, dp_.inject_room(dp::Side::kAccess) / kRepliesPerFrame));
  dp_.sessions().reclaim();
  stats_.inject_failed += dp_.flush_injected();
  return n + static_cast<uint32_t>(timers);
}

template <class Fill>
bool ControlPlane::send_filled(dp::Side side, size_t len, Fill&& fill) {
  // From the pool that port receives into: the punted frames this thread
  // has just read and freed went back to that pool's cache here, so the
  // frame written next is one whose lines are still cached. (From the core
  // port's pool, access-side replies got mbufs the workers had freed on
  // their lcores, and writing them waited for memory: a sixteenth of the
  // control core's time in session set-up, by perf.)
  rte_mbuf* m = rte_pktmbuf_alloc(dp_.rx_pool(side));
  if (m == nullptr) return false;
  char* p = rte_pktmbuf_append(m, static_cast<uint16_t>(len));
  if (p == nullptr) {
    rte_pktmbuf_free(m);
    return false;
  }
  fill(reinterpret_cast<uint8_t*>(p));
  return dp_.transmit(side, m);  // frees it on failure
}

bool ControlPlane::send_frame(dp::Side side, const uint8_t* data, size_t len) {
  return send_filled(side, len, [&](uint8_t* p) { std::memcpy(p, data, len); });
}

bool ControlPlane::send_access_frame(const UdpFrame& frame, uint16_t ip_id) {
  if (send_filled(dp::Side::kAccess, udp_frame_size(frame), [&](uint8_t* p) { write_udp_frame(p, frame, ip_id); }))
    return true;
  ++stats_.inject_failed;
  return false;
}

void ControlPlane::handle_l2tp(const uint8_t* frame, uint32_t len) {
  auto f = parse_udp_frame(absl::MakeConstSpan(frame, len));
  if (!f || f->dst_port != kL2tpPort || f->payload.empty()) {
    ++stats_.malformed;
    return;
  }
  io_->learn(f->src_ip, f->src_mac);
  if (f->payload[0] & kL2tpFlagType) {
    ++stats_.l2tp_control;
    engine_->on_datagram({f->src_ip, f->src_port}, f->payload);
    return;
  }
  L2tpHeader lh;
  if (parse_l2tp_header(f->payload.data(), static_cast<uint32_t>(f->payload.size()), &lh) !=
      L2tpHeaderStatus::kOk) {
    ++stats_.malformed;
    return;
  }
  ++stats_.ppp_control;
  subscribers_->on_ppp_frame({lh.tunnel_id, lh.session_id},
                             f->payload.subspan(lh.payload_offset, lh.payload_length));
}

void ControlPlane::handle(rte_mbuf* m) {
  const bool from_access = m->port == dp_.port(dp::Side::kAccess).port_id;
  const auto* p = rte_pktmbuf_mtod(m, const uint8_t*);
  const uint32_t len = rte_pktmbuf_data_len(m);
  uint16_t et = len >= 14 ? load_be16(p + 12) : 0;
  if (et == kEtherVlan && len >= 18) et = load_be16(p + 16);
  if (et == kEtherArp) {
    const ArpIdentity& me = from_access ? cfg_.access_arp : cfg_.core_arp;
    if (auto reply = arp_reply_for(p, len, me)) {
      if (send_frame(from_access ? dp::Side::kAccess : dp::Side::kCore, reply->data(), reply->size()))
        ++stats_.arp_replies;
      else
        ++stats_.inject_failed;
    } else {
      ++stats_.arp_ignored;
    }
  } else if (et == kEtherIpv4 && from_access) {
    if (m->nb_segs == 1) {
      handle_l2tp(p, len);
    } else {  // a reassembled datagram: give the parser one contiguous copy
      std::vector<uint8_t> flat(rte_pktmbuf_pkt_len(m));
      const void* d = rte_pktmbuf_read(m, 0, static_cast<uint32_t>(flat.size()), flat.data());
      if (d != flat.data()) std::memcpy(flat.data(), d, flat.size());
      handle_l2tp(flat.data(), static_cast<uint32_t>(flat.size()));
    }
  } else {
    ++stats_.other;
  }
  rte_pktmbuf_free(m);
}

}  // namespace lns
