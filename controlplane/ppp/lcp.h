// LCP (RFC 1661) as the LNS runs it: we ask the subscriber to authenticate,
// accept whatever framing options a synchronous L2TP link makes moot, detect
// looped-back links through the Magic-Number, and keep the link honest with
// Echo-Request keepalives once it is open.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/random/bit_gen_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "common/clock.h"
#include "controlplane/ppp/fsm.h"
#include "controlplane/ppp/packet_sink.h"

namespace lns::ppp {

// LCP Configuration Option types (RFC 1661 section 6).
inline constexpr uint8_t kLcpOptionMru = 1;
inline constexpr uint8_t kLcpOptionAccm = 2;
inline constexpr uint8_t kLcpOptionAuthProtocol = 3;
inline constexpr uint8_t kLcpOptionQualityProtocol = 4;
inline constexpr uint8_t kLcpOptionMagicNumber = 5;
inline constexpr uint8_t kLcpOptionPfc = 7;
inline constexpr uint8_t kLcpOptionAcfc = 8;

inline constexpr uint8_t kChapAlgorithmMd5 = 5;  // RFC 1994
inline constexpr uint16_t kDefaultMru = 1500;
inline constexpr uint16_t kSmallestMru = 64;  // below this nothing useful fits

enum class AuthProtocol : uint8_t { kNone, kPap, kChapMd5 };

// The Authentication-Protocol an LCP option list asks for: kNone when it has
// none, an error when the list is malformed or names a protocol we lack.
absl::StatusOr<AuthProtocol> auth_protocol_in(absl::Span<const uint8_t> options);

struct LcpConfig {
  FsmConfig fsm;
  // The MRU we ask for; the default (1500) is not requested explicitly.
  uint16_t mru = kDefaultMru;
  // A peer MRU below this is naked up to it.
  uint16_t min_peer_mru = 576;
  // Protocols we ask the peer to authenticate with, most preferred first.
  // Empty means no authentication.
  std::vector<AuthProtocol> auth_order = {AuthProtocol::kChapMd5, AuthProtocol::kPap};
  bool request_magic_number = true;
  // Configure-Requests carrying our own Magic-Number in a row before the link
  // is declared looped back.
  int max_magic_collisions = 5;
  // Keepalive: an Echo-Request every interval while Opened; the peer is dead
  // after this many in a row go unanswered. A zero interval disables it.
  Duration echo_interval = std::chrono::seconds(10);
  int echo_max_failures = 3;
};

// What both sides agreed on, valid while LCP is Opened.
struct LcpNegotiated {
  uint16_t our_mru = kDefaultMru;   // largest frame we receive
  uint16_t peer_mru = kDefaultMru;  // largest frame the peer receives
  AuthProtocol auth = AuthProtocol::kNone;  // how the peer authenticates to us
  uint32_t our_magic = 0;   // zero when not negotiated
  uint32_t peer_magic = 0;
  uint32_t peer_accm = 0xffffffff;  // meaningless on L2TP, recorded for completeness
  bool peer_pfc = false;   // the peer accepts compressed protocol fields from us
  bool peer_acfc = false;  // the peer accepts frames without FF 03 from us
};

// Why LCP stopped. The session maps these to its own down reasons.
enum class LcpEnd : uint8_t {
  kPeerTerminated,  // the peer sent Terminate-Request
  kMaxConfigure,    // negotiation did not converge within Max-Configure
  kLoopback,        // our Magic-Number came back
  kEchoTimeout,     // keepalive Echo-Requests went unanswered
  kAuthRefused,     // the peer would not authenticate in any way we allow
  kRejected,        // the peer Code- or Protocol-Rejected LCP itself
  kAdmin,           // we closed it
  kLowerLayerDown,  // the L2TP session went away under us
};

class LcpListener {
 public:
  virtual ~LcpListener() = default;
  virtual void on_lcp_up(const LcpNegotiated& negotiated) = 0;
  // Opened was left (termination or renegotiation): stop the layers above.
  virtual void on_lcp_down() = 0;
  // LCP is finished for good; reported once.
  virtual void on_lcp_finished(LcpEnd reason) = 0;
  // The peer Protocol-Rejected one of our NCPs or authentication protocols.
  virtual void on_protocol_rejected(uint16_t /*protocol*/) {}
};

class Lcp final : private FsmHandler {
 public:
  // `config` is referenced, not copied: it must outlive the Lcp.
  Lcp(const LcpConfig& config, const Clock& clock, PacketSink& sink, absl::BitGenRef rng,
      LcpListener& listener);
  Lcp(LcpConfig&&, const Clock&, PacketSink&, absl::BitGenRef, LcpListener&) = delete;

  // The L2TP session is up and we want the link: negotiate.
  void start();
  // Enters Opened with options a LAC negotiated for us (RFC 2661 proxy LCP):
  // `our_options` is what the LAC requested on our behalf (its last sent
  // CONFREQ) and `peer_options` what the peer requested (last received).
  // Fails without side effects when we would not have agreed to them.
  absl::Status start_proxied(absl::Span<const uint8_t> our_options,
                             absl::Span<const uint8_t> peer_options);
  // Graceful close: Terminate-Request, then on_lcp_finished(reason).
  void close(LcpEnd reason);
  // The lower layer vanished: no more packets, report at once.
  void lower_down();

  absl::Status receive(absl::Span<const uint8_t> packet);
  void poll();
  std::optional<TimePoint> next_deadline() const;

  // RFC 1661 5.7: tells the peer we do not speak `protocol`. Only sent while
  // Opened; `information` is cut so the packet fits the peer's MRU.
  void send_protocol_reject(uint16_t protocol, absl::Span<const uint8_t> information);

  FsmState state() const { return fsm_.state(); }
  bool is_opened() const { return fsm_.is_opened(); }
  const LcpNegotiated& negotiated() const { return negotiated_; }
  const Fsm& fsm() const { return fsm_; }
  int echo_failures() const { return echo_outstanding_; }

 private:
  // FsmHandler
  std::vector<uint8_t> build_configure_request() override;
  ConfigureVerdict judge_configure_request(absl::Span<const OptionView> options,
                                           bool reject_instead_of_nak) override;
  void on_configure_ack(absl::Span<const OptionView> options) override;
  absl::Status on_configure_nak(absl::Span<const OptionView> options) override;
  absl::Status on_configure_reject(absl::Span<const OptionView> options) override;
  void this_layer_up(FsmEvent cause) override;
  void this_layer_down(FsmEvent cause) override;
  void this_layer_finished(FsmEvent cause) override;
  ExtendedCode classify_code(const ControlPacket& packet) override;
  void on_rxr(const ControlPacket& packet) override;
  void on_code_rejected(uint8_t code) override;

  // The peer side of one Configure-Request, kept until we Ack it.
  struct PeerOptions {
    uint16_t mru = kDefaultMru;
    uint32_t magic = 0;
    uint32_t accm = 0xffffffff;
    bool pfc = false;
    bool acfc = false;
  };

  ConfigureVerdict judge(absl::Span<const OptionView> options, bool reject_instead_of_nak,
                         PeerOptions* peer, bool* own_magic);
  uint32_t new_magic(uint32_t avoid);
  std::optional<AuthProtocol> requested_auth() const;
  bool auth_allowed(AuthProtocol p) const;
  void advance_auth(std::optional<AuthProtocol> suggested);
  void apply_our_options(absl::Span<const OptionView> options);
  void refuse_auth_if_needed();
  void abort(LcpEnd reason);
  void finish(LcpEnd reason);
  void run_pending_abort();
  void send_echo_request();

  const LcpConfig& config_;
  int max_magic_collisions_;  // config_'s, at least 1
  const Clock& clock_;
  absl::BitGenRef rng_;
  LcpListener& listener_;
  Fsm fsm_;

  // What we ask for next.
  uint16_t request_mru_;
  bool request_mru_enabled_;
  uint32_t our_magic_ = 0;
  bool request_magic_;
  size_t auth_index_ = 0;  // into config_.auth_order
  std::vector<AuthProtocol> auth_tried_;
  bool auth_refused_ = false;

  PeerOptions peer_pending_;
  LcpNegotiated negotiated_;
  int magic_collisions_ = 0;

  std::optional<TimePoint> next_echo_;
  int echo_outstanding_ = 0;
  bool echo_enabled_;

  std::optional<LcpEnd> end_reason_;     // why we are closing, if we chose to
  std::optional<LcpEnd> pending_abort_;  // decided inside an FSM callback
  bool finished_ = false;
};

}  // namespace lns::ppp
