// Reliable delivery of one tunnel's control messages (RFC 2661 section 5.8
// and Appendix A): Ns/Nr sequencing, the peer's receive window, timed
// retransmission with capped exponential back-off, slow start and congestion
// avoidance, delayed ZLB acknowledgements (at once when half our receive
// window is waiting for one), duplicate re-acknowledgement and in-order
// delivery through a bounded reorder queue.
//
// The channel owns no socket and no timer: it writes through a
// ControlTransport, reads time from a Clock, and is driven by receive() and
// on_timer() (call it at next_deadline()). Single-threaded, control plane only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "common/clock.h"
#include "controlplane/l2tp/message.h"
#include "controlplane/l2tp/wire.h"

namespace lns::l2tp {

// Where the channel sends datagrams (the tunnel's UDP peer).
class ControlTransport {
 public:
  virtual ~ControlTransport() = default;
  virtual void transmit(absl::Span<const uint8_t> datagram) = 0;
};

// The tunnel state machine above the channel.
class ControlReceiver {
 public:
  virtual ~ControlReceiver() = default;
  // Every sequenced message exactly once, in Ns order. A decode failure that
  // still demands an answer (unknown mandatory AVP and the like) arrives
  // here in sequence too, so the answer acknowledges it.
  virtual void on_message(absl::StatusOr<ControlMessage> message) = 0;
  // A message went unacknowledged through every retransmission: the tunnel
  // and its sessions must be cleared (RFC 2661 5.8).
  virtual void on_channel_failure() = 0;
};

struct ReliableChannelConfig {
  Duration initial_timeout = std::chrono::seconds(1);  // RFC recommends 1 s
  Duration max_timeout = std::chrono::seconds(8);      // RFC: cap at least 8 s
  int max_retransmissions = 5;                         // RFC recommends 5
  // How long an acknowledgement waits for an outgoing message to ride on
  // before a ZLB is sent; well under the peer's retransmission timeout.
  // Once half of receive_window is delivered but unacknowledged the ZLB
  // goes at once: the peer may not send past our window, so waiting longer
  // would stall it for the rest of the delay.
  Duration ack_delay = std::chrono::milliseconds(100);
  // The window we advertise in Receive Window Size; bounds the reorder queue.
  uint16_t receive_window = 16;
  // Messages accepted by send() but not yet in flight.
  size_t max_queued = 1024;
  // Tunnel ID to put in ZLBs: the peer's Assigned Tunnel ID.
  uint16_t peer_tunnel_id = 0;
  // Start of both sequence spaces; RFC 2661 starts at 0. Tests start near
  // the 16-bit wrap.
  uint16_t initial_ns = 0;
  uint16_t initial_nr = 0;
};

struct ReliableChannelStats {
  uint64_t sent = 0;            // first transmissions of queued messages
  uint64_t retransmitted = 0;
  uint64_t zlb_sent = 0;
  uint64_t received = 0;        // sequenced messages accepted (in order or queued)
  uint64_t delivered = 0;
  uint64_t duplicates = 0;
  uint64_t out_of_window = 0;
  uint64_t queued_out_of_order = 0;
  uint64_t stale_nr = 0;        // Nr behind our oldest unacked message or past our last
  uint64_t unsequenced_drops = 0;  // decode failures with nothing to sequence
  uint64_t timeouts = 0;
};

// Round-trip time of the control channel: from a message's first
// transmission to the acknowledgement that covers it, which includes the
// peer's own ack delay. Karn's rule: a message that was retransmitted gives
// no sample, since the ack cannot be matched to one transmission.
struct RttEstimate {
  uint64_t samples = 0;
  Duration last{};
  Duration smoothed{};  // EWMA with gain 1/8, as TCP's SRTT (RFC 6298)
  Duration min{};
  Duration max{};
};

class ReliableChannel {
 public:
  ReliableChannel(const Clock& clock, ControlTransport& transport, ControlReceiver& receiver,
                  ReliableChannelConfig config = {});

  // From the peer's Receive Window Size AVP (absent: 4). Zero is invalid on
  // the wire; it is treated as 1 so the tunnel can still make progress.
  void set_peer_receive_window(uint16_t window);
  void set_peer_tunnel_id(uint16_t tunnel_id) { config_.peer_tunnel_id = tunnel_id; }

  // Queues an encoded control message (not a ZLB). Ns and Nr in its header
  // are overwritten at each transmission. ResourceExhausted when the queue
  // is full, FailedPrecondition after channel failure.
  absl::Status send(Bytes encoded_message);

  // Feeds a decode result. Header-less failures and failures RFC 2661 says
  // to drop are ignored; everything else is sequenced.
  void receive(absl::StatusOr<ControlMessage> decoded);

  // Runs whatever timers are due.
  void on_timer();
  std::optional<TimePoint> next_deadline() const;

  // No message queued or awaiting acknowledgement.
  bool idle() const { return unacked_.empty() && queued_.empty(); }
  bool failed() const { return failed_; }
  uint16_t next_ns() const { return next_ns_; }
  uint16_t next_nr() const { return next_nr_; }
  size_t outstanding() const { return unacked_.size(); }
  uint16_t congestion_window() const { return cwnd_; }
  uint16_t slow_start_threshold() const { return ssthresh_; }
  uint16_t peer_receive_window() const { return peer_window_; }
  std::optional<TimePoint> last_receive_time() const { return last_receive_; }
  const ReliableChannelStats& stats() const { return stats_; }
  const RttEstimate& rtt() const { return rtt_; }

 private:
  struct Outgoing {
    uint16_t ns;
    Bytes wire;
    bool in_flight = false;  // false: queued for (re)transmission
    bool retransmitted = false;
    TimePoint first_sent{};
  };

  uint16_t window() const;
  void process_nr(uint16_t nr);
  void on_ack(size_t acked);
  void sample_rtt(const Outgoing& newest_acked);
  bool should_sequence(const absl::Status& failure, ControlHeader* header);
  void accept_sequenced(uint16_t ns, absl::StatusOr<ControlMessage> message);
  void deliver_in_order(absl::StatusOr<ControlMessage> message);
  void pump();
  void transmit(Outgoing& out);
  void send_zlb();
  void retransmit_timeout();
  void arm_retransmit();

  const Clock& clock_;
  ControlTransport& transport_;
  ControlReceiver& receiver_;
  ReliableChannelConfig config_;

  // Send side: unacked_ holds Ns next_ns_ - unacked_.size() .. next_ns_ - 1.
  uint16_t next_ns_;
  std::deque<Outgoing> unacked_;
  std::deque<Bytes> queued_;
  uint16_t peer_window_ = 4;
  uint16_t cwnd_ = 1;
  uint16_t ssthresh_ = 4;
  uint16_t acks_in_avoidance_ = 0;
  Duration rto_;
  int retransmissions_ = 0;
  std::optional<TimePoint> retransmit_at_;

  // Receive side.
  uint16_t next_nr_;
  // Messages ahead of next_nr_ by less than our window, keyed by Ns.
  absl::flat_hash_map<uint16_t, absl::StatusOr<ControlMessage>> reorder_;
  std::optional<TimePoint> ack_at_;
  // The Nr the peer last heard from us, and how many delivered messages
  // may wait for a delayed acknowledgement (half our window, at least 1).
  uint16_t acked_nr_;
  uint16_t ack_threshold_;
  std::optional<TimePoint> last_receive_;

  bool failed_ = false;
  ReliableChannelStats stats_;
  RttEstimate rtt_;
};

}  // namespace lns::l2tp
