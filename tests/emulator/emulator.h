// The LAC + subscriber emulator: T tunnels of S sessions each against one
// LNS, every session running PPP to an IPv4 address (and IPv6CP when asked),
// then probe traffic through each (IPv6 too from a session's delegated
// prefix, see subscriber_ipv6.h), then teardown, with a report of what
// happened. Socket-free:
// datagrams leave through EmulatorNetwork and come back via on_datagram(),
// core-side probes are reported through on_core_packet(), and time comes
// from a Clock, so unit tests run it against an in-memory LNS and the
// lns-emulator binary against lnsd over UDP.
//
// Many sessions are set up at once (bounded by max_setup_in_flight) and all
// timers live in one ordered set, so 1000 sessions cost no more per event
// than one.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/types/span.h"
#include "common/clock.h"
#include "controlplane/l2tp/avp.h"
#include "tests/emulator/lac_tunnel.h"
#include "tests/emulator/ppp_client.h"
#include "tests/emulator/probe_packet_ipv6.h"

namespace lns::emu {

struct EmulatorConfig {
  uint32_t tunnels = 1;
  uint32_t sessions_per_tunnel = 1;

  ppp::AuthProtocol auth = ppp::AuthProtocol::kPap;
  // "%d" becomes the global session index (first_index, first_index + 1,
  // ... across all tunnels in order); "%05d" and "%%" work too.
  std::string user_format = "user%d";
  std::string password = "password";
  uint32_t first_index = 1;

  // L2TP tunnel secret (authentication, hidden AVPs); empty: none.
  std::string secret;
  bool hide_avps = false;
  std::string host_name = "lns-emulator";

  // Probes per session once every session has been set up.
  uint32_t traffic_packets = 0;
  uint16_t packet_size = 128;                  // IPv4 packet size
  uint32_t far_address = 0xC6120001;           // 198.18.0.1, host order
  double traffic_rate = 10000;                 // probes per second overall; 0: no pacing
  Duration drain_time = std::chrono::seconds(3);  // wait for replies after the last probe

  Duration hold = Duration::zero();               // keep sessions up this long before teardown
  Duration setup_timeout = std::chrono::seconds(60);
  // Once every session is up or refused, how long refused calls may wait
  // for the LNS's own CDN before teardown clears them.
  Duration settle_time = std::chrono::seconds(5);
  Duration teardown_timeout = std::chrono::seconds(15);
  uint32_t max_setup_in_flight = 256;
  // ICRQs awaiting ICRP per tunnel, at most: on a lossy control channel a
  // call's ICCN queues behind every ICRQ sent before it, and the LNS times
  // the call out if the ICCN is late.
  uint32_t max_calling_per_tunnel = 16;

  bool expect_fail = false;
  bool fast_teardown = false;      // StopCCN only, no CDNs
  bool answer_echo = true;         // false: ignore LCP Echo-Requests once up
  Duration echo_interval{};        // subscribers' own LCP keepalive (zero: none)
  double control_drop_percent = 0;  // L2TP control datagrams lost each way
  bool ipv6 = false;               // also run IPv6CP
  // With ipv6: the AAA's prefix for each session, named like user_format
  // (see subscriber_ipv6.h), e.g. "2001:db8:%x::/64". Each session then
  // also sends IPv6 probes from inside its prefix to far_ipv6, counted
  // apart from the IPv4 ones. Empty: no IPv6 probes.
  std::string ipv6_prefix_format;
  Ipv6Address far_ipv6 = {0x20, 0x01, 0x00, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};  // 2001:2::1 (RFC 5180)
  bool request_dns = true;
  std::optional<uint16_t> mru;
  uint64_t seed = 1;

  // Protocol timers; defaults follow the RFCs.
  l2tp::ReliableChannelConfig channel;
  ppp::FsmConfig ppp_fsm;
  std::optional<Duration> passive_wait;  // see PppClientConfig
  // false: a session counts as up once its call is connected (ICCN sent),
  // without PPP; for testing the L2TP side alone.
  bool run_ppp = true;
};

class EmulatorNetwork {
 public:
  virtual ~EmulatorNetwork() = default;
  // One UDP payload from tunnel `tunnel_index`'s socket to the LNS. False:
  // it could not be sent now (a full socket buffer).
  virtual bool send(uint32_t tunnel_index, absl::Span<const uint8_t> datagram) = 0;
};

enum class EmulatorPhase : uint8_t { kSetup, kTraffic, kDrain, kHold, kTeardown, kLinger, kDone };
std::string_view to_string(EmulatorPhase phase);

enum class SessionState : uint8_t {
  kPending,      // not yet called
  kCalling,      // ICRQ sent
  kNegotiating,  // ICCN sent, PPP running
  kUp,           // IPCP (and IPv6CP if asked) open
  kFailed,       // never came up
  kDown,         // came up, then the LNS (or PPP) ended it
  kCleared,      // we tore it down
};
std::string_view to_string(SessionState state);

// One subscriber as the report shows it.
struct SessionRecord {
  uint32_t index = 0;         // global index (user name number)
  uint32_t tunnel_index = 0;
  uint16_t session_id = 0;    // ours
  uint16_t lns_tunnel_id = 0;
  uint16_t lns_session_id = 0;
  std::string user;
  SessionState state = SessionState::kPending;
  uint32_t ipv4 = 0;
  std::string reason;         // why it failed or went down
  std::optional<l2tp::ResultCode> cdn;  // the LNS's CDN, if one came
  bool connected = false;     // the LNS answered our ICRQ (ICRP)
  uint64_t sent = 0;
  uint64_t at_core = 0;
  uint64_t returned = 0;
  // Where its IPv6 probes come from, once IPv6CP is open and its prefix known.
  std::optional<Ipv6Address> ipv6;
  uint64_t ipv6_sent = 0;
  uint64_t ipv6_at_core = 0;
  uint64_t ipv6_returned = 0;
};

// Probe counts of one IP version.
struct TrafficCounts {
  uint64_t sent = 0;
  uint64_t at_core = 0;
  uint64_t returned = 0;
  uint64_t lost = 0;  // sent and never came back
  double loss_percent = 0;
  uint64_t misdelivered = 0;  // a probe arriving on the wrong session
};

struct EmulatorReport {
  uint32_t tunnels_attempted = 0;
  uint32_t tunnels_up = 0;
  uint32_t sessions_attempted = 0;
  uint32_t sessions_up = 0;      // came up (whatever happened later)
  uint32_t sessions_failed = 0;  // never came up
  uint32_t calls_connected = 0;  // got as far as ICRP / ICCN
  std::map<std::string, uint32_t> failure_reasons;
  // Sessions that came up and were later ended by the LNS or PPP.
  uint32_t sessions_closed_by_lns = 0;
  std::map<std::string, uint32_t> close_reasons;
  // Every CDN the LNS sent, by "result/error", and one message text each.
  std::map<std::string, uint32_t> cdn_results;
  std::map<std::string, std::string> cdn_messages;
  std::map<std::string, uint32_t> tunnel_close_reasons;
  std::map<std::string, std::string> tunnel_close_messages;

  double setup_seconds = 0;  // first ICRQ to last session up
  double setup_rate = 0;     // sessions up per second over that time
  double total_seconds = 0;

  uint64_t packets_sent = 0;
  uint64_t packets_at_core = 0;
  uint64_t packets_returned = 0;
  uint64_t packets_lost = 0;  // sent and never came back
  double loss_percent = 0;
  uint64_t packets_misdelivered = 0;  // a probe arriving on the wrong session

  uint64_t echo_requests = 0;  // the LNS's Echo-Requests the subscribers received
  uint64_t echo_replies = 0;   // and answered
  uint64_t echo_requests_sent = 0;      // the subscribers' own (echo_interval)
  uint64_t echo_replies_received = 0;   // and the LNS's replies to them
  uint64_t control_retransmissions = 0;
  uint64_t control_dropped = 0;  // by control_drop_percent

  // IPv6 probes (EmulatorConfig::ipv6_prefix_format), apart from the
  // IPv4 ones above.
  TrafficCounts ipv6_traffic;

  bool expect_fail = false;
  bool traffic_checked = false;
  bool ipv6_traffic_checked = false;
  bool success = false;
  std::vector<SessionRecord> sessions;
};

class Emulator final : private TunnelOutput, private LacTunnelListener {
 public:
  Emulator(const Clock& clock, EmulatorConfig config, EmulatorNetwork& network);
  ~Emulator();
  Emulator(const Emulator&) = delete;
  Emulator& operator=(const Emulator&) = delete;

  // Opens every tunnel.
  void start();
  // A UDP payload the LNS sent to tunnel `tunnel_index`'s socket.
  void on_datagram(uint32_t tunnel_index, absl::Span<const uint8_t> datagram);
  // An IPv4 or IPv6 packet seen leaving the LNS on the core side. True
  // when it is one of our probes (counted): the caller should reflect it.
  bool on_core_packet(absl::Span<const uint8_t> ip_packet);

  // Skips whatever is left before teardown (an operator's Ctrl-C).
  void request_teardown();

  // Runs due timers and moves through the phases.
  void poll();
  std::optional<TimePoint> next_deadline() const;
  bool done() const { return phase_ == EmulatorPhase::kDone; }
  EmulatorPhase phase() const { return phase_; }

  EmulatorReport report() const;
  const EmulatorConfig& config() const { return config_; }
  size_t session_count() const { return sessions_.size(); }
  const SessionRecord& session(size_t i) const;
  uint32_t sessions_up_now() const { return up_now_; }
  const LacTunnel& tunnel(size_t i) const { return *tunnels_[i]; }

 private:
  struct Session;
  friend struct Session;

  // TunnelOutput
  bool send_to_lns(uint16_t tunnel_id, absl::Span<const uint8_t> datagram) override;
  // LacTunnelListener
  void on_tunnel_up(uint16_t tunnel_id) override;
  void on_tunnel_down(uint16_t tunnel_id, const ClearReason& why) override;
  void on_call_connected(uint16_t tunnel_id, uint16_t session_id) override;
  void on_call_cleared(uint16_t tunnel_id, uint16_t session_id, const ClearReason& why) override;
  void on_ppp_frame(uint16_t tunnel_id, uint16_t session_id, absl::Span<const uint8_t> frame) override;

  // From Session.
  void session_ppp_up(Session& s);
  void session_ppp_down(Session& s, PppClientEnd reason);
  void mark_up(Session& s);
  void send_ppp(Session& s, uint16_t protocol, absl::Span<const uint8_t> packet);

  Session* find_session(uint16_t tunnel_id, uint16_t session_id);
  void launch_sessions();
  void resolve_failed(Session& s, const std::string& reason);
  void end_session(Session& s, SessionState state, const std::string& reason);
  void schedule(Session& s);
  void run_session_timers(TimePoint now);
  void advance();
  void enter(EmulatorPhase phase);
  // When probe number k (from 0) may leave, at the configured rate.
  TimePoint probe_due(uint64_t k) const;
  void send_probes(TimePoint now);
  void on_returned_ipv6(Session& s, absl::Span<const uint8_t> packet);
  bool on_core_ipv6(absl::Span<const uint8_t> packet);
  bool ipv6_probes() const { return config_.ipv6 && !config_.ipv6_prefix_format.empty(); }
  bool awaiting_lns_clear() const;
  void begin_teardown();
  void continue_teardown();
  bool drop_control(absl::Span<const uint8_t> datagram);

  const Clock& clock_;
  EmulatorConfig config_;
  EmulatorNetwork& network_;
  std::mt19937_64 rng_;
  std::vector<std::unique_ptr<LacTunnel>> tunnels_;
  std::vector<ClearReason> tunnel_end_;
  std::vector<bool> tunnel_went_up_;
  std::vector<std::unique_ptr<Session>> sessions_;

  EmulatorPhase phase_ = EmulatorPhase::kSetup;
  std::optional<TimePoint> phase_deadline_;
  bool settling_ = false;
  TimePoint started_at_{};
  std::optional<TimePoint> first_call_at_;
  std::optional<TimePoint> last_up_at_;
  std::optional<TimePoint> finished_at_;

  // Setup scheduling: the next session to call per tunnel, visited in turn.
  std::vector<uint32_t> next_call_;
  std::vector<uint32_t> calling_;  // per tunnel: ICRQ sent, no ICRP yet
  uint32_t launch_cursor_ = 0;
  uint32_t in_flight_ = 0;
  uint32_t resolved_ = 0;
  uint32_t up_now_ = 0;

  // Session timers, earliest first.
  std::set<std::pair<TimePoint, uint32_t>> timers_;

  // Traffic.
  // One entry per session and IP version it sends probes over.
  struct ProbeFlow {
    uint32_t slot;
    bool ipv6;
  };
  std::vector<ProbeFlow> traffic_flows_;
  uint64_t traffic_cursor_ = 0;  // probes sent so far, in round-robin order
  uint64_t traffic_total_ = 0;
  TimePoint traffic_started_{};
  std::optional<TimePoint> traffic_retry_at_;
  std::vector<uint8_t> probe_buffer_;
  uint64_t packets_sent_ = 0;
  uint64_t packets_at_core_ = 0;
  uint64_t packets_returned_ = 0;
  uint64_t packets_misdelivered_ = 0;
  uint64_t ipv6_sent_ = 0;
  uint64_t ipv6_at_core_ = 0;
  uint64_t ipv6_returned_ = 0;
  uint64_t ipv6_misdelivered_ = 0;

  uint64_t control_dropped_ = 0;
  bool teardown_stops_sent_ = false;
};

// "user%d" with index 7 -> "user7"; also %0Nd / %Nd widths, %x (lower-case
// hexadecimal, same widths) and %%.
std::string format_user(std::string_view format, uint32_t index);

}  // namespace lns::emu
