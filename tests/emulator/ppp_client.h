// A subscriber's whole PPP stack, the client counterpart of
// controlplane/ppp/ppp_session.h: LCP, then PAP or CHAP as the LNS asks,
// then IPCP (and IPv6CP when enabled). It starts passively (RFC 1661 4.2
// "passive option"): the L2TP session may not be known to the LNS until our
// ICCN is delivered, so we wait for the LNS's first LCP packet (or an
// optional timer) before speaking.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/random/bit_gen_ref.h"
#include "absl/status/status.h"
#include "absl/types/span.h"
#include "common/clock.h"
#include "controlplane/ppp/ipv6cp.h"
#include "controlplane/ppp/ncp_listener.h"
#include "controlplane/ppp/packet_sink.h"
#include "tests/emulator/client_auth.h"
#include "tests/emulator/client_ipcp.h"
#include "tests/emulator/client_lcp.h"

namespace lns::emu {

struct PppClientConfig {
  ClientLcpConfig lcp;  // lcp.auth picks PAP or CHAP
  ClientAuthConfig auth;
  ClientIpcpConfig ipcp;
  bool ipv6 = false;
  ppp::Ipv6cpConfig ipv6cp;
  // How long to wait for the LNS to open LCP before we do; unset: wait for
  // it however long it takes (an LNS always opens LCP itself, and our own
  // requests would be lost while it has not yet taken the call).
  std::optional<Duration> passive_wait;
};

enum class PppClientPhase : uint8_t { kDead, kWaiting, kEstablish, kAuthenticate, kNetwork, kUp, kTerminate };

enum class PppClientEnd : uint8_t {
  kPeerTerminated,   // LCP Terminate-Request from the LNS
  kAuthRejected,     // PAP Nak / CHAP Failure
  kAuthTimeout,      // the authenticator never answered
  kLcpFailed,        // LCP did not converge
  kLcpRejected,      // the LNS rejected LCP itself
  kNoAddress,        // IPCP failed or the LNS refused us an address
  kAdmin,            // we closed it
  kLowerLayerDown,   // the L2TP session is gone
};
std::string_view to_string(PppClientEnd end);
std::string_view to_string(PppClientPhase phase);

class PppClientListener {
 public:
  virtual ~PppClientListener() = default;
  // Every enabled network protocol is open (reported once).
  virtual void on_ppp_up() = 0;
  // PPP is over, or failed before coming up (reported once).
  virtual void on_ppp_down(PppClientEnd reason) = 0;
  virtual void on_auth_result(AuthOutcome /*outcome*/, const std::string& /*message*/) {}
};

class PppClient final : private ClientLcpListener, private ClientAuthListener, private ppp::NcpListener {
 public:
  PppClient(const PppClientConfig& config, Credentials credentials, const Clock& clock, ppp::PacketSink& sink,
            absl::BitGenRef rng, PppClientListener& listener);
  PppClient(const PppClient&) = delete;
  PppClient& operator=(const PppClient&) = delete;

  // The L2TP call is connected.
  void start();
  // A frame from the LNS, from the (possibly compressed) protocol field,
  // optionally preceded by FF 03.
  absl::Status receive_frame(absl::Span<const uint8_t> frame);
  absl::Status receive(uint16_t protocol, absl::Span<const uint8_t> packet);
  void poll();
  std::optional<TimePoint> next_deadline() const;

  // LCP Terminate-Request; on_ppp_down(kAdmin) unless already down.
  void close();
  // The L2TP session is gone: stop at once.
  void lower_down();
  void set_answer_echo(bool answer) { lcp_.set_answer_echo(answer); }

  PppClientPhase phase() const { return phase_; }
  bool is_up() const { return phase_ == PppClientPhase::kUp; }
  std::optional<PppClientEnd> end() const { return end_; }
  uint32_t ipv4_address() const { return ipcp_.address(); }
  uint32_t primary_dns() const { return ipcp_.primary_dns(); }
  uint32_t secondary_dns() const { return ipcp_.secondary_dns(); }
  bool ipv6_up() const { return ipv6_ && ipv6cp_.is_opened(); }
  const ClientLcp& lcp() const { return lcp_; }
  const ClientIpcp& ipcp() const { return ipcp_; }
  const ppp::Ipv6cp& ipv6cp() const { return ipv6cp_; }
  const Credentials& credentials() const { return credentials_; }

 private:
  // ClientLcpListener
  void on_lcp_up(const ClientLcpNegotiated& negotiated) override;
  void on_lcp_down() override;
  void on_lcp_finished(ClientLcpEnd reason) override;
  void on_protocol_rejected(uint16_t protocol) override;
  // ClientAuthListener
  void on_auth_done(AuthOutcome outcome, const std::string& message) override;
  // NcpListener
  void on_ncp_up(uint16_t protocol) override;
  void on_ncp_down(uint16_t protocol) override;
  void on_ncp_finished(uint16_t protocol) override;

  void open_link();
  void begin_network();
  void check_up();
  void stop_upper_layers();
  void report_down(PppClientEnd reason);
  void fail(PppClientEnd reason);

  PppClientConfig config_;
  Credentials credentials_;
  const Clock& clock_;
  PppClientListener& listener_;
  ClientLcp lcp_;
  PapClient pap_;
  ChapClient chap_;
  ClientIpcp ipcp_;
  ppp::Ipv6cp ipv6cp_;

  PppClientPhase phase_ = PppClientPhase::kDead;
  std::optional<TimePoint> open_at_;  // end of the passive wait
  bool ipv6_;                         // still expected to come up
  std::optional<PppClientEnd> end_;
  bool reported_up_ = false;
};

}  // namespace lns::emu
