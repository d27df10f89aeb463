#include "controlplane/l2tp/reliable_channel.h"

#include <algorithm>

#include "controlplane/l2tp/sequence.h"

namespace lns::l2tp {

ReliableChannel::ReliableChannel(const Clock& clock, ControlTransport& transport, ControlReceiver& receiver,
                                 ReliableChannelConfig config)
    : clock_(clock),
      transport_(transport),
      receiver_(receiver),
      config_(config),
      next_ns_(config.initial_ns),
      rto_(config.initial_timeout),
      next_nr_(config.initial_nr),
      acked_nr_(config.initial_nr) {
  config_.receive_window = std::max<uint16_t>(config_.receive_window, 1);
  ack_threshold_ = std::max<uint16_t>(config_.receive_window / 2, 1);
  ssthresh_ = peer_window_;
}

void ReliableChannel::set_peer_receive_window(uint16_t window) {
  peer_window_ = std::max<uint16_t>(window, 1);
  // Appendix A: slow start runs up to the peer's window.
  ssthresh_ = peer_window_;
  cwnd_ = std::min(cwnd_, peer_window_);
  pump();
}

uint16_t ReliableChannel::window() const { return std::min(cwnd_, peer_window_); }

absl::Status ReliableChannel::send(Bytes encoded_message) {
  if (failed_) return absl::FailedPreconditionError("control channel has failed");
  if (encoded_message.size() <= kControlHeaderLength)
    return absl::InvalidArgumentError("a queued control message needs AVPs; ZLBs are the channel's own");
  if (queued_.size() >= config_.max_queued)
    return absl::ResourceExhaustedError("control channel send queue is full");
  queued_.push_back(std::move(encoded_message));
  pump();
  return absl::OkStatus();
}

bool ReliableChannel::should_sequence(const absl::Status& failure, ControlHeader* header) {
  std::optional<DecodeFailure> f = decode_failure(failure);
  if (!f.has_value() || !f->header.has_value()) return false;
  // Framing damage is dropped unacknowledged so the peer retransmits; what
  // the tunnel must answer (or may ignore) still consumes its Ns.
  const bool answerable = rfc_response(*f).action != FailureAction::kDiscard;
  if (!answerable && f->error != DecodeError::kIgnorableUnknownMessageType) return false;
  *header = *f->header;
  return true;
}

void ReliableChannel::receive(absl::StatusOr<ControlMessage> decoded) {
  if (failed_) return;
  ControlHeader header;
  bool zlb = false;
  if (decoded.ok()) {
    header = decoded->header;
    zlb = decoded->is_zlb();
  } else if (!should_sequence(decoded.status(), &header)) {
    ++stats_.unsequenced_drops;
    return;
  }
  last_receive_ = clock_.now();
  process_nr(header.nr);
  if (!zlb) accept_sequenced(header.ns, std::move(decoded));
  pump();
  // No reply rode on: a peer with half our window unacknowledged is about
  // to stall, and RFC 2661 lets a ZLB go whenever we choose.
  if (!failed_ && ack_at_.has_value() && seq_distance(acked_nr_, next_nr_) >= ack_threshold_) send_zlb();
}

void ReliableChannel::process_nr(uint16_t nr) {
  const uint16_t oldest = static_cast<uint16_t>(next_ns_ - unacked_.size());
  const size_t acked = seq_distance(oldest, nr);
  if (acked > unacked_.size()) {
    ++stats_.stale_nr;
    return;
  }
  if (acked == 0) return;
  sample_rtt(unacked_[acked - 1]);
  unacked_.erase(unacked_.begin(), unacked_.begin() + static_cast<std::ptrdiff_t>(acked));
  on_ack(acked);
}

void ReliableChannel::on_ack(size_t acked) {
  retransmissions_ = 0;
  rto_ = config_.initial_timeout;
  // Appendix A: one more message per ack below SSTHRESH (slow start), one
  // more per window's worth of acks above it (congestion avoidance).
  for (size_t i = 0; i < acked && cwnd_ < peer_window_; ++i) {
    if (cwnd_ < ssthresh_) {
      ++cwnd_;
    } else if (++acks_in_avoidance_ >= cwnd_) {
      ++cwnd_;
      acks_in_avoidance_ = 0;
    }
  }
  retransmit_at_.reset();
  if (!unacked_.empty()) arm_retransmit();
}

void ReliableChannel::sample_rtt(const Outgoing& newest_acked) {
  if (newest_acked.retransmitted || !newest_acked.in_flight) return;
  const Duration sample = clock_.now() - newest_acked.first_sent;
  rtt_.last = sample;
  if (rtt_.samples == 0) {
    rtt_.smoothed = rtt_.min = rtt_.max = sample;
  } else {
    rtt_.smoothed += (sample - rtt_.smoothed) / 8;
    rtt_.min = std::min(rtt_.min, sample);
    rtt_.max = std::max(rtt_.max, sample);
  }
  ++rtt_.samples;
}

void ReliableChannel::accept_sequenced(uint16_t ns, absl::StatusOr<ControlMessage> message) {
  if (ns == next_nr_) {
    ++stats_.received;
    deliver_in_order(std::move(message));
    return;
  }
  if (seq_before(ns, next_nr_)) {
    // Our acknowledgement was lost: the peer MUST be told again or it will
    // retransmit until the tunnel dies.
    ++stats_.duplicates;
    send_zlb();
    return;
  }
  if (seq_distance(next_nr_, ns) >= config_.receive_window) {
    ++stats_.out_of_window;
    return;
  }
  if (!reorder_.try_emplace(ns, std::move(message)).second) {
    ++stats_.duplicates;
    return;
  }
  ++stats_.received;
  ++stats_.queued_out_of_order;
}

void ReliableChannel::deliver_in_order(absl::StatusOr<ControlMessage> message) {
  for (;;) {
    ++next_nr_;
    ++stats_.delivered;
    // Armed before delivery so a reply sent from on_message() carries the
    // acknowledgement and cancels the ZLB.
    if (!ack_at_.has_value()) ack_at_ = clock_.now() + config_.ack_delay;
    receiver_.on_message(std::move(message));
    if (failed_) return;
    auto next = reorder_.find(next_nr_);
    if (next == reorder_.end()) return;
    message = std::move(next->second);
    reorder_.erase(next);
  }
}

void ReliableChannel::pump() {
  if (failed_) return;
  size_t in_flight = 0;
  for (const Outgoing& o : unacked_) in_flight += o.in_flight ? 1 : 0;
  // After a timeout everything unacknowledged is presumed lost and goes
  // again, oldest first, as the congestion window reopens.
  for (Outgoing& o : unacked_) {
    if (in_flight >= window()) break;
    if (o.in_flight) continue;
    o.retransmitted = true;
    transmit(o);
    ++stats_.retransmitted;
    ++in_flight;
  }
  while (!queued_.empty() && unacked_.size() < window()) {
    unacked_.push_back(Outgoing{next_ns_, std::move(queued_.front()), false, false, clock_.now()});
    queued_.pop_front();
    ++next_ns_;
    transmit(unacked_.back());
    ++stats_.sent;
  }
  if (!unacked_.empty() && !retransmit_at_.has_value()) arm_retransmit();
}

void ReliableChannel::transmit(Outgoing& out) {
  // Nr is refreshed on every (re)transmission (RFC 2661 5.8).
  store_be16(out.wire.data() + 8, out.ns);
  store_be16(out.wire.data() + 10, next_nr_);
  out.in_flight = true;
  ack_at_.reset();
  acked_nr_ = next_nr_;
  transport_.transmit(out.wire);
}

void ReliableChannel::send_zlb() {
  uint8_t zlb[kControlHeaderLength];
  store_be16(zlb, kControlHeaderFlags);
  store_be16(zlb + 2, kControlHeaderLength);
  store_be16(zlb + 4, config_.peer_tunnel_id);
  store_be16(zlb + 6, 0);
  // A ZLB does not consume Ns: it carries the Ns of the next new message.
  store_be16(zlb + 8, next_ns_);
  store_be16(zlb + 10, next_nr_);
  ack_at_.reset();
  acked_nr_ = next_nr_;
  ++stats_.zlb_sent;
  transport_.transmit(absl::Span<const uint8_t>(zlb, sizeof zlb));
}

void ReliableChannel::arm_retransmit() { retransmit_at_ = clock_.now() + rto_; }

void ReliableChannel::retransmit_timeout() {
  ++stats_.timeouts;
  retransmit_at_.reset();
  if (retransmissions_ >= config_.max_retransmissions) {
    failed_ = true;
    ack_at_.reset();
    receiver_.on_channel_failure();
    return;
  }
  ++retransmissions_;
  // Appendix A: a retransmission signals congestion.
  ssthresh_ = std::max<uint16_t>(cwnd_ / 2, 1);
  cwnd_ = 1;
  acks_in_avoidance_ = 0;
  for (Outgoing& o : unacked_) o.in_flight = false;
  rto_ = std::min(rto_ * 2, config_.max_timeout);
  pump();
}

void ReliableChannel::on_timer() {
  if (failed_) return;
  const TimePoint now = clock_.now();
  if (ack_at_.has_value() && now >= *ack_at_) send_zlb();
  if (retransmit_at_.has_value() && now >= *retransmit_at_) retransmit_timeout();
}

std::optional<TimePoint> ReliableChannel::next_deadline() const {
  if (failed_) return std::nullopt;
  if (ack_at_ && retransmit_at_) return std::min(*ack_at_, *retransmit_at_);
  return ack_at_ ? ack_at_ : retransmit_at_;
}

}  // namespace lns::l2tp
