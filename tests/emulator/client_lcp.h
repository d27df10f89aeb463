// LCP as a subscriber runs it (RFC 1661): the mirror image of
// controlplane/ppp/lcp.h. The LNS asks us to authenticate and we agree only
// to the one protocol we were told to use (Nak'ing anything else towards
// it); we ask for a Magic-Number and optionally an MRU; we answer the LNS's
// Echo-Requests, unless told to play dead so its keepalive can be tested.
// The RFC 1661 automaton itself is the shared ppp::Fsm.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/random/bit_gen_ref.h"
#include "absl/status/status.h"
#include "absl/types/span.h"
#include "common/clock.h"
#include "controlplane/ppp/fsm.h"
#include "controlplane/ppp/lcp.h"
#include "controlplane/ppp/packet_sink.h"

namespace lns::emu {

struct ClientLcpConfig {
  ppp::FsmConfig fsm;
  // The only authentication we agree to; kNone refuses any.
  ppp::AuthProtocol auth = ppp::AuthProtocol::kPap;
  // Asked for explicitly when set (the default 1500 otherwise holds).
  std::optional<uint16_t> mru;
  bool answer_echo = true;
  // Our own keepalive, as CPEs send it: an Echo-Request every interval
  // while LCP is open (zero: none).
  Duration echo_interval{};
};

// Why the client's LCP ended.
enum class ClientLcpEnd : uint8_t {
  kPeerTerminated,  // the LNS sent Terminate-Request
  kMaxConfigure,    // negotiation did not converge
  kRejected,        // the LNS rejected LCP itself
  kAdmin,           // we closed it
  kLowerLayerDown,  // the L2TP session went away
};

struct ClientLcpNegotiated {
  ppp::AuthProtocol auth = ppp::AuthProtocol::kNone;  // how we authenticate to the LNS
  uint16_t peer_mru = ppp::kDefaultMru;               // largest frame the LNS receives
  uint32_t our_magic = 0;
  uint32_t peer_magic = 0;
};

class ClientLcpListener {
 public:
  virtual ~ClientLcpListener() = default;
  virtual void on_lcp_up(const ClientLcpNegotiated& negotiated) = 0;
  virtual void on_lcp_down() = 0;
  // Reported once, when LCP is over for good.
  virtual void on_lcp_finished(ClientLcpEnd reason) = 0;
  // The LNS Protocol-Rejected one of our protocols (IPv6CP, say).
  virtual void on_protocol_rejected(uint16_t /*protocol*/) {}
};

class ClientLcp final : private ppp::FsmHandler {
 public:
  ClientLcp(const ClientLcpConfig& config, const Clock& clock, ppp::PacketSink& sink, absl::BitGenRef rng,
            ClientLcpListener& listener);

  // The link exists: negotiate.
  void start();
  // Terminate-Request, then on_lcp_finished(kAdmin).
  void close();
  // No more packets either way; reports at once.
  void lower_down();

  absl::Status receive(absl::Span<const uint8_t> packet);
  void poll();
  std::optional<TimePoint> next_deadline() const;

  // RFC 1661 5.7 for protocols we do not run; only while Opened.
  void send_protocol_reject(uint16_t protocol, absl::Span<const uint8_t> information);
  // Stop (or resume) answering Echo-Requests.
  void set_answer_echo(bool answer) { config_.answer_echo = answer; }

  ppp::FsmState state() const { return fsm_.state(); }
  bool is_opened() const { return fsm_.is_opened(); }
  bool finished() const { return finished_; }
  const ClientLcpNegotiated& negotiated() const { return negotiated_; }
  uint64_t echo_requests_received() const { return echo_requests_; }
  uint64_t echo_replies_sent() const { return echo_replies_; }
  // Our own keepalives and the replies they got.
  uint64_t echo_requests_sent() const { return echo_requests_sent_; }
  uint64_t echo_replies_received() const { return echo_replies_received_; }
  const ppp::Fsm& fsm() const { return fsm_; }

 private:
  std::vector<uint8_t> build_configure_request() override;
  ppp::ConfigureVerdict judge_configure_request(absl::Span<const ppp::OptionView> options,
                                                bool reject_instead_of_nak) override;
  void on_configure_ack(absl::Span<const ppp::OptionView> options) override;
  absl::Status on_configure_nak(absl::Span<const ppp::OptionView> options) override;
  absl::Status on_configure_reject(absl::Span<const ppp::OptionView> options) override;
  void this_layer_up(ppp::FsmEvent cause) override;
  void this_layer_down(ppp::FsmEvent cause) override;
  void this_layer_finished(ppp::FsmEvent cause) override;
  ppp::ExtendedCode classify_code(const ppp::ControlPacket& packet) override;
  void on_rxr(const ppp::ControlPacket& packet) override;

  uint32_t new_magic(uint32_t avoid);
  void finish(ClientLcpEnd reason);

  ClientLcpConfig config_;
  const Clock& clock_;
  absl::BitGenRef rng_;
  ClientLcpListener& listener_;
  ppp::Fsm fsm_;

  std::optional<uint16_t> request_mru_;
  bool request_magic_ = true;
  uint32_t our_magic_ = 0;

  // From the LNS's request we last acknowledged.
  ClientLcpNegotiated pending_;
  ClientLcpNegotiated negotiated_;

  std::optional<ClientLcpEnd> end_reason_;
  bool finished_ = false;
  uint64_t echo_requests_ = 0;
  uint64_t echo_replies_ = 0;
  std::optional<TimePoint> next_echo_;
  uint64_t echo_requests_sent_ = 0;
  uint64_t echo_replies_received_ = 0;
};

}  // namespace lns::emu
