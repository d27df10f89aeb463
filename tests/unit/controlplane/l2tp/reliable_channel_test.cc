// Reliable delivery (RFC 2661 5.8, Appendix A) driven by a FakeClock and a
// recording transport, plus a lossy, reordering two-peer simulation.
#include "controlplane/l2tp/reliable_channel.h"

#include <functional>
#include <map>
#include <random>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controlplane/l2tp/sequence.h"

namespace lns::l2tp {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

struct Datagram {
  TimePoint at;
  Bytes bytes;
  uint16_t ns() const { return load_be16(bytes.data() + 8); }
  uint16_t nr() const { return load_be16(bytes.data() + 10); }
  uint16_t tunnel() const { return load_be16(bytes.data() + 4); }
  bool zlb() const { return bytes.size() == kControlHeaderLength; }
};

class RecordingTransport : public ControlTransport {
 public:
  explicit RecordingTransport(const Clock& clock) : clock_(clock) {}
  void transmit(absl::Span<const uint8_t> d) override { sent.push_back({clock_.now(), Bytes(d.begin(), d.end())}); }
  std::vector<Datagram> sent;

 private:
  const Clock& clock_;
};

class RecordingReceiver : public ControlReceiver {
 public:
  void on_message(absl::StatusOr<ControlMessage> m) override {
    if (reply) reply(m);
    messages.push_back(std::move(m));
  }
  void on_channel_failure() override { ++failures; }
  std::vector<absl::StatusOr<ControlMessage>> messages;
  std::function<void(const absl::StatusOr<ControlMessage>&)> reply;
  int failures = 0;
};

// An ICRQ whose Call Serial Number identifies it in the tests.
Bytes numbered_message(uint32_t serial) {
  ControlMessage m;
  m.type = MessageType::kIcrq;
  m.header.tunnel_id = 7;
  m.assigned_session_id = 1;
  m.call_serial_number = serial;
  return *encode_control(m);
}

// What the peer sends us: a numbered message or a ZLB with given Ns/Nr.
ControlMessage from_peer(uint16_t ns, uint16_t nr, uint32_t serial = 0) {
  ControlMessage m;
  m.type = MessageType::kIcrq;
  m.header = {.tunnel_id = 1, .session_id = 0, .ns = ns, .nr = nr};
  m.assigned_session_id = 1;
  m.call_serial_number = serial;
  return m;
}
ControlMessage zlb_from_peer(uint16_t ns, uint16_t nr) {
  ControlMessage m;
  m.header = {.tunnel_id = 1, .session_id = 0, .ns = ns, .nr = nr};
  return m;
}

uint32_t serial_of(const absl::StatusOr<ControlMessage>& m) { return m.ok() ? m->call_serial_number.value_or(~0u) : ~0u; }

class ReliableChannelTest : public ::testing::Test {
 protected:
  void make(ReliableChannelConfig config = {}) {
    config.peer_tunnel_id = 0x0042;
    channel_.emplace(clock_, transport_, receiver_, config);
  }
  ReliableChannel& ch() { return *channel_; }
  // Runs timers exactly at the next deadline.
  void run_next_timer() {
    ASSERT_TRUE(ch().next_deadline().has_value());
    clock_.set(*ch().next_deadline());
    ch().on_timer();
  }
  std::vector<uint16_t> sent_ns() const {
    std::vector<uint16_t> out;
    for (const Datagram& d : transport_.sent)
      if (!d.zlb()) out.push_back(d.ns());
    return out;
  }

  FakeClock clock_;
  RecordingTransport transport_{clock_};
  RecordingReceiver receiver_;
  std::optional<ReliableChannel> channel_;
};

// ---- Sequence numbers -------------------------------------------------------

TEST(SequenceNumbers, BeforeMeansWithinTheHalfSpaceBehind) {
  EXPECT_TRUE(seq_before(0, 1));
  EXPECT_TRUE(seq_before(65535, 0));      // across the wrap
  EXPECT_TRUE(seq_before(65000, 100));
  EXPECT_FALSE(seq_before(0, 65535));
  EXPECT_FALSE(seq_before(7, 7));
  EXPECT_TRUE(seq_before(0, 32768));      // the last value still "before"
  EXPECT_FALSE(seq_before(0, 32769));
  EXPECT_EQ(seq_distance(65534, 2), 4);
}

TEST_F(ReliableChannelTest, MessagesCarryConsecutiveNsAndTheCurrentNr) {
  make();
  ASSERT_TRUE(ch().send(numbered_message(1)).ok());
  ASSERT_EQ(transport_.sent.size(), 1u);
  EXPECT_EQ(transport_.sent[0].ns(), 0);
  EXPECT_EQ(transport_.sent[0].nr(), 0);

  ch().receive(from_peer(0, 1));  // peer's first message also acks ours
  ASSERT_TRUE(ch().send(numbered_message(2)).ok());
  ASSERT_EQ(transport_.sent.size(), 2u);
  EXPECT_EQ(transport_.sent[1].ns(), 1);
  EXPECT_EQ(transport_.sent[1].nr(), 1) << "piggybacks the ack of the peer's Ns 0";
  EXPECT_EQ(ch().next_ns(), 2);
  EXPECT_EQ(ch().next_nr(), 1);
}

TEST_F(ReliableChannelTest, SequenceNumbersWrapAround) {
  ReliableChannelConfig config;
  config.initial_ns = 65534;
  config.initial_nr = 65535;
  make(config);
  ch().set_peer_receive_window(8);
  for (uint32_t i = 0; i < 4; ++i) {
    ASSERT_TRUE(ch().send(numbered_message(i)).ok());
    ch().receive(zlb_from_peer(0, static_cast<uint16_t>(65534 + i + 1)));  // ack each one
  }
  EXPECT_THAT(sent_ns(), ::testing::ElementsAre(65534, 65535, 0, 1));
  EXPECT_EQ(ch().outstanding(), 0u);

  // Receive side: 65535, 0, 1 in order across the wrap; 1 arrives first.
  ch().receive(from_peer(1, 2, 102));
  ch().receive(from_peer(65535, 2, 100));
  ch().receive(from_peer(0, 2, 101));
  ASSERT_EQ(receiver_.messages.size(), 3u);
  EXPECT_EQ(serial_of(receiver_.messages[0]), 100u);
  EXPECT_EQ(serial_of(receiver_.messages[1]), 101u);
  EXPECT_EQ(serial_of(receiver_.messages[2]), 102u);
  EXPECT_EQ(ch().next_nr(), 2);
}

// ---- Send window and congestion control ------------------------------------

TEST_F(ReliableChannelTest, PeerReceiveWindowBoundsOutstandingMessages) {
  make();
  ch().set_peer_receive_window(2);
  for (uint32_t i = 0; i < 10; ++i) ASSERT_TRUE(ch().send(numbered_message(i)).ok());
  EXPECT_EQ(ch().outstanding(), 1u) << "slow start begins with one message";
  uint16_t acked = 0;
  while (!ch().idle()) {
    EXPECT_LE(ch().outstanding(), 2u);
    ch().receive(zlb_from_peer(0, ++acked));
  }
  EXPECT_EQ(acked, 10);
  EXPECT_EQ(ch().congestion_window(), 2) << "never grows past the peer's window";
  EXPECT_THAT(sent_ns(), ::testing::ElementsAre(0, 1, 2, 3, 4, 5, 6, 7, 8, 9));
}

TEST_F(ReliableChannelTest, ZeroPeerWindowIsTreatedAsOne) {
  make();
  ch().set_peer_receive_window(0);
  EXPECT_EQ(ch().peer_receive_window(), 1);
  ASSERT_TRUE(ch().send(numbered_message(0)).ok());
  ASSERT_TRUE(ch().send(numbered_message(1)).ok());
  EXPECT_EQ(ch().outstanding(), 1u);
}

TEST_F(ReliableChannelTest, SlowStartThenCongestionAvoidanceAfterATimeout) {
  make();
  ch().set_peer_receive_window(32);
  for (uint32_t i = 0; i < 200; ++i) ASSERT_TRUE(ch().send(numbered_message(i)).ok());
  uint16_t nr = 0;
  auto ack_one = [&] { ch().receive(zlb_from_peer(0, ++nr)); };

  // Slow start: one more message per acknowledgement.
  for (int k = 1; k <= 7; ++k) {
    ack_one();
    EXPECT_EQ(ch().congestion_window(), 1 + k);
  }
  EXPECT_EQ(ch().outstanding(), 8u);

  // Timeout: SSTHRESH becomes half the window, CWND one, and only the
  // oldest message goes again.
  const size_t before = transport_.sent.size();
  clock_.advance(seconds(1));
  ch().on_timer();
  EXPECT_EQ(ch().slow_start_threshold(), 4);
  EXPECT_EQ(ch().congestion_window(), 1);
  ASSERT_EQ(transport_.sent.size(), before + 1);
  EXPECT_EQ(transport_.sent.back().ns(), 7);

  // Slow start again up to SSTHRESH...
  for (int expected : {2, 3, 4}) {
    ack_one();
    EXPECT_EQ(ch().congestion_window(), expected);
  }
  // ...then one more per window's worth of acknowledgements.
  for (int expected : {4, 4, 4, 5, 5, 5, 5, 5, 6}) {
    ack_one();
    EXPECT_EQ(ch().congestion_window(), expected);
  }
}

// ---- Retransmission -----------------------------------------------------------

TEST_F(ReliableChannelTest, RetransmissionBacksOffExponentiallyToTheCapThenFails) {
  ReliableChannelConfig config;
  config.initial_timeout = seconds(1);
  config.max_timeout = seconds(8);
  config.max_retransmissions = 5;
  make(config);
  const TimePoint start = clock_.now();
  ASSERT_TRUE(ch().send(numbered_message(1)).ok());
  for (int i = 0; i < 5; ++i) run_next_timer();
  ASSERT_EQ(transport_.sent.size(), 6u);
  std::vector<Duration> gaps;
  for (size_t i = 1; i < transport_.sent.size(); ++i) gaps.push_back(transport_.sent[i].at - transport_.sent[i - 1].at);
  EXPECT_THAT(gaps, ::testing::ElementsAre(seconds(1), seconds(2), seconds(4), seconds(8), seconds(8)));
  for (const Datagram& d : transport_.sent) EXPECT_EQ(d.ns(), 0) << "a retransmission keeps its Ns";
  EXPECT_EQ(receiver_.failures, 0);

  run_next_timer();  // the sixth timeout: give up
  EXPECT_EQ(clock_.now() - start, seconds(1 + 2 + 4 + 8 + 8 + 8));
  EXPECT_EQ(receiver_.failures, 1);
  EXPECT_TRUE(ch().failed());
  EXPECT_EQ(transport_.sent.size(), 6u);
  EXPECT_FALSE(ch().next_deadline().has_value());
  EXPECT_EQ(ch().send(numbered_message(2)).code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(ReliableChannelTest, AnAcknowledgementResetsTheBackOff) {
  make();
  ch().set_peer_receive_window(4);
  ASSERT_TRUE(ch().send(numbered_message(1)).ok());
  run_next_timer();
  run_next_timer();  // now waiting 4 s
  ch().receive(zlb_from_peer(0, 1));
  ASSERT_TRUE(ch().send(numbered_message(2)).ok());
  const TimePoint sent_at = clock_.now();
  EXPECT_EQ(*ch().next_deadline() - sent_at, seconds(1));
}

TEST_F(ReliableChannelTest, RoundTripTimeIsSampledFromFirstTransmissionToAck) {
  make();
  ch().set_peer_receive_window(4);
  EXPECT_EQ(ch().rtt().samples, 0u);
  ASSERT_TRUE(ch().send(numbered_message(1)).ok());
  clock_.advance(milliseconds(40));
  ch().receive(zlb_from_peer(0, 1));
  EXPECT_EQ(ch().rtt().samples, 1u);
  EXPECT_EQ(ch().rtt().last, milliseconds(40));
  EXPECT_EQ(ch().rtt().smoothed, milliseconds(40));

  // One ack for two messages samples the newest one only.
  ASSERT_TRUE(ch().send(numbered_message(2)).ok());
  clock_.advance(milliseconds(8));
  ASSERT_TRUE(ch().send(numbered_message(3)).ok());
  clock_.advance(milliseconds(112));
  ch().receive(zlb_from_peer(0, 3));
  EXPECT_EQ(ch().rtt().samples, 2u);
  EXPECT_EQ(ch().rtt().last, milliseconds(112));
  EXPECT_EQ(ch().rtt().smoothed, milliseconds(40) + (milliseconds(112) - milliseconds(40)) / 8);
  EXPECT_EQ(ch().rtt().min, milliseconds(40));
  EXPECT_EQ(ch().rtt().max, milliseconds(112));
}

TEST_F(ReliableChannelTest, RetransmittedMessagesGiveNoRttSample) {
  make();
  ASSERT_TRUE(ch().send(numbered_message(1)).ok());
  run_next_timer();  // retransmitted after 1 s
  clock_.advance(milliseconds(10));
  ch().receive(zlb_from_peer(0, 1));
  EXPECT_TRUE(ch().idle());
  EXPECT_EQ(ch().rtt().samples, 0u) << "Karn: the ack may answer either transmission";
}

TEST_F(ReliableChannelTest, RetransmissionCarriesTheCurrentNr) {
  make();
  ASSERT_TRUE(ch().send(numbered_message(1)).ok());
  EXPECT_EQ(transport_.sent.back().nr(), 0);
  ch().receive(from_peer(0, 0));  // nothing acked, but our Nr moves to 1
  ch().receive(from_peer(1, 0));
  clock_.advance(seconds(1));
  ch().on_timer();
  EXPECT_EQ(transport_.sent.back().ns(), 0);
  EXPECT_EQ(transport_.sent.back().nr(), 2);
}

TEST_F(ReliableChannelTest, AfterATimeoutLostMessagesGoAgainAsTheWindowReopens) {
  make();
  ch().set_peer_receive_window(4);
  for (uint32_t i = 0; i < 4; ++i) ASSERT_TRUE(ch().send(numbered_message(i)).ok());
  ch().receive(zlb_from_peer(0, 1));  // cwnd 2: Ns 1, 2 out
  ch().receive(zlb_from_peer(0, 2));  // cwnd 3: Ns 2, 3 out
  transport_.sent.clear();
  clock_.advance(seconds(1));
  ch().on_timer();  // both presumed lost, cwnd 1
  EXPECT_THAT(sent_ns(), ::testing::ElementsAre(2));
  ch().receive(zlb_from_peer(0, 3));
  EXPECT_THAT(sent_ns(), ::testing::ElementsAre(2, 3));
}

// ---- Acknowledgements -----------------------------------------------------------

TEST_F(ReliableChannelTest, AcknowledgementIsDelayedThenSentAsZlb) {
  ReliableChannelConfig config;
  config.ack_delay = milliseconds(100);
  make(config);
  ch().receive(from_peer(0, 0, 5));
  ASSERT_EQ(receiver_.messages.size(), 1u);
  EXPECT_TRUE(transport_.sent.empty()) << "waits for a reply to ride on";
  clock_.advance(milliseconds(99));
  ch().on_timer();
  EXPECT_TRUE(transport_.sent.empty());
  clock_.advance(milliseconds(1));
  ch().on_timer();
  ASSERT_EQ(transport_.sent.size(), 1u);
  const Datagram& zlb = transport_.sent[0];
  EXPECT_TRUE(zlb.zlb());
  EXPECT_EQ(zlb.bytes, (Bytes{0xC8, 0x02, 0x00, 0x0C, 0x00, 0x42, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01}));
  EXPECT_EQ(ch().next_ns(), 0) << "a ZLB consumes no Ns";
  EXPECT_FALSE(ch().next_deadline().has_value());
}

TEST_F(ReliableChannelTest, AReplyFromTheUpperLayerCarriesTheAcknowledgement) {
  make();
  receiver_.reply = [&](const absl::StatusOr<ControlMessage>&) {
    ASSERT_TRUE(ch().send(numbered_message(99)).ok());
  };
  ch().receive(from_peer(0, 0));
  ASSERT_EQ(transport_.sent.size(), 1u);
  EXPECT_FALSE(transport_.sent[0].zlb());
  EXPECT_EQ(transport_.sent[0].nr(), 1);
  clock_.advance(milliseconds(500));
  ch().on_timer();
  EXPECT_EQ(transport_.sent.size(), 1u) << "no separate ZLB";
}

TEST_F(ReliableChannelTest, HalfOurWindowUnacknowledgedIsAcknowledgedAtOnce) {
  ReliableChannelConfig config;
  config.receive_window = 8;
  make(config);
  for (uint16_t ns = 0; ns < 3; ++ns) ch().receive(from_peer(ns, 0, ns));
  EXPECT_TRUE(transport_.sent.empty()) << "three of eight: still waiting for a reply to ride on";
  ch().receive(from_peer(3, 0, 3));
  ASSERT_EQ(transport_.sent.size(), 1u) << "four of eight: the peer is about to stall";
  EXPECT_TRUE(transport_.sent[0].zlb());
  EXPECT_EQ(transport_.sent[0].nr(), 4);
  EXPECT_EQ(transport_.sent[0].at, clock_.now()) << "no ack delay";
  EXPECT_FALSE(ch().next_deadline().has_value());

  // The count starts again from what the ZLB acknowledged.
  ch().receive(from_peer(4, 0, 4));
  EXPECT_EQ(transport_.sent.size(), 1u);
  ASSERT_TRUE(ch().next_deadline().has_value()) << "a single message waits for the delay again";
}

TEST_F(ReliableChannelTest, AReplyRestartsTheCountTowardsAnImmediateAcknowledgement) {
  ReliableChannelConfig config;
  config.receive_window = 8;
  make(config);
  ch().receive(from_peer(0, 0));
  ch().receive(from_peer(1, 0));
  ASSERT_TRUE(ch().send(numbered_message(1)).ok());  // carries Nr 2
  ASSERT_EQ(transport_.sent.size(), 1u);
  EXPECT_EQ(transport_.sent[0].nr(), 2);
  for (uint16_t ns = 2; ns < 5; ++ns) ch().receive(from_peer(ns, 0));
  EXPECT_EQ(transport_.sent.size(), 1u) << "three since the reply";
  ch().receive(from_peer(5, 0));
  ASSERT_EQ(transport_.sent.size(), 2u);
  EXPECT_TRUE(transport_.sent[1].zlb());
  EXPECT_EQ(transport_.sent[1].nr(), 6);
}

TEST_F(ReliableChannelTest, AWindowOfOneAcknowledgesEveryMessageAtOnce) {
  ReliableChannelConfig config;
  config.receive_window = 1;
  make(config);
  ch().receive(from_peer(0, 0));
  ch().receive(from_peer(1, 0));
  ASSERT_EQ(transport_.sent.size(), 2u);
  EXPECT_EQ(transport_.sent[0].nr(), 1);
  EXPECT_EQ(transport_.sent[1].nr(), 2);
}

// A LAC sending ICCNs (which get no reply) back to back must not wait one
// ack delay per window: before, 64 unanswered messages into a window of 4
// took 16 x 100 ms. Now only slow start waits (cwnd 1 cannot reach half
// the window), once.
TEST(ReliableChannelPeers, UnansweredMessagesFlowWithoutWaitingForTheAckDelay) {
  FakeClock clock;
  struct Wire : ControlTransport {
    std::vector<Bytes> pending;
    void transmit(absl::Span<const uint8_t> d) override { pending.emplace_back(d.begin(), d.end()); }
  };
  Wire to_lns, to_lac;
  RecordingReceiver at_lac, at_lns;
  ReliableChannelConfig config;
  config.receive_window = 4;
  config.max_queued = 64;
  config.ack_delay = milliseconds(100);
  ReliableChannel lac(clock, to_lns, at_lac, config);
  ReliableChannel lns(clock, to_lac, at_lns, config);
  lac.set_peer_receive_window(4);
  lns.set_peer_receive_window(4);
  const TimePoint start = clock.now();
  for (uint32_t i = 0; i < 64; ++i) ASSERT_TRUE(lac.send(numbered_message(i)).ok());
  std::optional<TimePoint> all_delivered;
  for (int steps = 0; !(lac.idle() && to_lns.pending.empty() && to_lac.pending.empty()); ++steps) {
    ASSERT_LT(steps, 10000);
    if (to_lns.pending.empty() && to_lac.pending.empty()) {  // nothing on the wire: the next timer
      std::optional<TimePoint> next = lac.next_deadline();
      if (auto d = lns.next_deadline(); d && (!next || *d < *next)) next = d;
      ASSERT_TRUE(next.has_value());
      clock.set(*next);
      lac.on_timer();
      lns.on_timer();
    }
    for (auto [wire, peer] : {std::pair{&to_lns, &lns}, std::pair{&to_lac, &lac}}) {
      std::vector<Bytes> batch;
      batch.swap(wire->pending);
      for (const Bytes& b : batch) peer->receive(decode_control(b, {}));
    }
    if (at_lns.messages.size() == 64 && !all_delivered) all_delivered = clock.now();
  }
  ASSERT_TRUE(all_delivered.has_value());
  EXPECT_LE(*all_delivered - start, milliseconds(100)) << "one ack delay, while slow start opens the window";
  EXPECT_EQ(lac.stats().retransmitted, 0u);
}

TEST_F(ReliableChannelTest, DuplicatesAreReacknowledgedAtOnceButDeliveredOnce) {
  make();
  ch().receive(from_peer(0, 0, 1));
  ch().receive(from_peer(0, 0, 1));  // our ack was lost, the peer retransmits
  EXPECT_EQ(receiver_.messages.size(), 1u);
  ASSERT_EQ(transport_.sent.size(), 1u);
  EXPECT_TRUE(transport_.sent[0].zlb());
  EXPECT_EQ(transport_.sent[0].nr(), 1);
  EXPECT_EQ(ch().stats().duplicates, 1u);
}

TEST_F(ReliableChannelTest, ZlbFromPeerAcknowledgesButIsNotDelivered) {
  make();
  ASSERT_TRUE(ch().send(numbered_message(1)).ok());
  ch().receive(zlb_from_peer(0, 1));
  EXPECT_TRUE(receiver_.messages.empty());
  EXPECT_TRUE(ch().idle());
  EXPECT_FALSE(ch().next_deadline().has_value()) << "no retransmission and nothing to acknowledge";
}

TEST_F(ReliableChannelTest, NrAcknowledgingUnsentMessagesIsIgnored) {
  make();
  ASSERT_TRUE(ch().send(numbered_message(1)).ok());
  ch().receive(zlb_from_peer(0, 5));
  EXPECT_EQ(ch().outstanding(), 1u);
  EXPECT_EQ(ch().stats().stale_nr, 1u);
}

// ---- Receive window and reordering ------------------------------------------------

TEST_F(ReliableChannelTest, OutOfOrderMessagesAreDeliveredInOrder) {
  make();
  ch().receive(from_peer(2, 0, 12));
  ch().receive(from_peer(1, 0, 11));
  EXPECT_TRUE(receiver_.messages.empty());
  ch().receive(from_peer(0, 0, 10));
  ASSERT_EQ(receiver_.messages.size(), 3u);
  EXPECT_EQ(serial_of(receiver_.messages[0]), 10u);
  EXPECT_EQ(serial_of(receiver_.messages[1]), 11u);
  EXPECT_EQ(serial_of(receiver_.messages[2]), 12u);
  EXPECT_EQ(ch().stats().queued_out_of_order, 2u);
  clock_.advance(seconds(1));
  ch().on_timer();
  ASSERT_FALSE(transport_.sent.empty());
  EXPECT_EQ(transport_.sent.back().nr(), 3) << "one ZLB acknowledges all three";
}

TEST_F(ReliableChannelTest, MessagesBeyondOurWindowAreDropped) {
  ReliableChannelConfig config;
  config.receive_window = 4;
  make(config);
  ch().receive(from_peer(4, 0, 14));  // Nr 0 + window 4: one past the window
  ch().receive(from_peer(3, 0, 13));  // the last slot of the window: queued
  ch().receive(from_peer(3, 0, 13));  // duplicate of a queued message
  EXPECT_EQ(ch().stats().out_of_window, 1u);
  EXPECT_EQ(ch().stats().queued_out_of_order, 1u);
  EXPECT_EQ(ch().stats().duplicates, 1u);
  for (uint16_t ns = 0; ns < 3; ++ns) ch().receive(from_peer(ns, 0, 10 + ns));
  ASSERT_EQ(receiver_.messages.size(), 4u);
  EXPECT_EQ(serial_of(receiver_.messages[3]), 13u);
  EXPECT_EQ(ch().next_nr(), 4) << "the dropped message must be retransmitted";
  ch().receive(from_peer(4, 0, 14));
  EXPECT_EQ(receiver_.messages.size(), 5u);
}

TEST_F(ReliableChannelTest, DecodeFailuresNeedingAnAnswerAreSequenced) {
  make();
  // An ICRQ with an unknown mandatory AVP (type 300), Ns 0.
  const Bytes unknown_mandatory = {0xC8, 0x02, 0x00, 0x1A, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                                   0x80, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0A,
                                   0x80, 0x06, 0x00, 0x00, 0x01, 0x2C};
  ch().receive(decode_control(unknown_mandatory, {}));
  ASSERT_EQ(receiver_.messages.size(), 1u);
  EXPECT_EQ(decode_failure(receiver_.messages[0].status())->error, DecodeError::kUnknownMandatoryAvp);
  EXPECT_EQ(ch().next_nr(), 1) << "the CDN answering it will acknowledge it";

  // Broken AVP framing (length 5) with Ns 1: dropped unacknowledged.
  const Bytes broken = {0xC8, 0x02, 0x00, 0x13, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,
                        0x80, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00};
  ch().receive(decode_control(broken, {}));
  EXPECT_EQ(receiver_.messages.size(), 1u);
  EXPECT_EQ(ch().next_nr(), 1);
  EXPECT_EQ(ch().stats().unsequenced_drops, 1u);
}

TEST_F(ReliableChannelTest, SendQueueIsBounded) {
  ReliableChannelConfig config;
  config.max_queued = 2;
  make(config);
  ASSERT_TRUE(ch().send(numbered_message(0)).ok());  // in flight
  ASSERT_TRUE(ch().send(numbered_message(1)).ok());
  ASSERT_TRUE(ch().send(numbered_message(2)).ok());
  EXPECT_EQ(ch().send(numbered_message(3)).code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(ch().send(Bytes(kControlHeaderLength, 0)).code(), absl::StatusCode::kInvalidArgument);
}

// ---- Two peers over a lossy, reordering network ------------------------------------

class LossyNetwork {
 public:
  LossyNetwork(FakeClock& clock, uint32_t seed) : clock_(clock), rng_(seed) {}

  class Endpoint : public ControlTransport {
   public:
    Endpoint(LossyNetwork& net, int to) : net_(net), to_(to) {}
    void transmit(absl::Span<const uint8_t> d) override { net_.submit(to_, d); }

   private:
    LossyNetwork& net_;
    int to_;
  };

  void submit(int to, absl::Span<const uint8_t> d) {
    ++submitted;
    if (chance_(rng_) < 0.20) return;  // lost
    Duration delay = milliseconds(5);
    if (chance_(rng_) < 0.10) {
      delay += milliseconds(30);  // overtaken by later datagrams
      ++reordered;
    }
    in_flight_.emplace(clock_.now() + delay, std::make_pair(to, Bytes(d.begin(), d.end())));
  }

  std::optional<TimePoint> next_arrival() const {
    if (in_flight_.empty()) return std::nullopt;
    return in_flight_.begin()->first;
  }

  // Hands every datagram due by now to deliver(to, bytes).
  template <typename F>
  void deliver_due(F&& deliver) {
    while (!in_flight_.empty() && in_flight_.begin()->first <= clock_.now()) {
      auto [to, bytes] = std::move(in_flight_.begin()->second);
      in_flight_.erase(in_flight_.begin());
      deliver(to, bytes);
    }
  }

  uint64_t submitted = 0;
  uint64_t reordered = 0;

 private:
  FakeClock& clock_;
  std::mt19937 rng_;
  std::uniform_real_distribution<double> chance_{0.0, 1.0};
  std::multimap<TimePoint, std::pair<int, Bytes>> in_flight_;
};

TEST(ReliableChannelSimulation, TenThousandMessagesArriveInOrderDespiteLossAndReordering) {
  constexpr uint32_t kAtoB = 10000;
  constexpr uint32_t kBtoA = 1000;
  FakeClock clock;
  LossyNetwork net(clock, /*seed=*/20240601);
  LossyNetwork::Endpoint to_a(net, 0), to_b(net, 1);
  RecordingReceiver at_a, at_b;
  ReliableChannelConfig config;
  config.max_retransmissions = 30;  // 20% loss each way makes 6 straight losses common over 10^4 messages
  config.max_queued = kAtoB;
  ReliableChannel a(clock, to_b, at_a, config);
  ReliableChannel b(clock, to_a, at_b, config);
  a.set_peer_receive_window(config.receive_window);
  b.set_peer_receive_window(config.receive_window);

  for (uint32_t i = 0; i < kAtoB; ++i) ASSERT_TRUE(a.send(numbered_message(i)).ok());
  for (uint32_t i = 0; i < kBtoA; ++i) ASSERT_TRUE(b.send(numbered_message(i)).ok());

  for (int steps = 0; !(a.idle() && b.idle() && !net.next_arrival()); ++steps) {
    ASSERT_LT(steps, 10'000'000) << "simulation did not converge";
    std::optional<TimePoint> next = net.next_arrival();
    for (const ReliableChannel* c : {&a, &b}) {
      std::optional<TimePoint> d = c->next_deadline();
      if (d && (!next || *d < *next)) next = d;
    }
    ASSERT_TRUE(next.has_value());
    clock.set(std::max(*next, clock.now()));
    net.deliver_due([&](int to, const Bytes& bytes) {
      (to == 0 ? a : b).receive(decode_control(bytes, {}));
    });
    a.on_timer();
    b.on_timer();
  }

  EXPECT_EQ(at_a.failures + at_b.failures, 0);
  ASSERT_EQ(at_b.messages.size(), kAtoB);
  for (uint32_t i = 0; i < kAtoB; ++i) ASSERT_EQ(serial_of(at_b.messages[i]), i) << "position " << i;
  ASSERT_EQ(at_a.messages.size(), kBtoA);
  for (uint32_t i = 0; i < kBtoA; ++i) ASSERT_EQ(serial_of(at_a.messages[i]), i) << "position " << i;

  // The run really exercised the hard paths.
  EXPECT_GT(net.reordered, 1000u);
  EXPECT_GT(a.stats().retransmitted, 1000u);
  EXPECT_GT(b.stats().duplicates, 100u);
  EXPECT_GT(b.stats().queued_out_of_order, 100u);
  EXPECT_GT(a.stats().timeouts, 100u);
}

}  // namespace
}  // namespace lns::l2tp
