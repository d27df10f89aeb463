// One subscriber's PPP stack: LCP, then PAP or CHAP, then IPCP and IPv6CP
// (the phases of RFC 1661 section 3.2). The L2TP session glue feeds it
// received frames, polls its timers and hears about progress through
// PppSessionListener; it never looks inside the protocols.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/random/bit_gen_ref.h"
#include "absl/status/status.h"
#include "absl/types/span.h"
#include "common/clock.h"
#include "controlplane/ppp/auth_verifier.h"
#include "controlplane/ppp/chap.h"
#include "controlplane/ppp/ipcp.h"
#include "controlplane/ppp/ipv6cp.h"
#include "controlplane/ppp/lcp.h"
#include "controlplane/ppp/ncp_listener.h"
#include "controlplane/ppp/packet_sink.h"
#include "controlplane/ppp/pap.h"

namespace lns::ppp {

enum class PppPhase : uint8_t { kDead, kEstablish, kAuthenticate, kNetwork, kTerminate };

// Why a session ended; the glue maps these to CDN result codes.
enum class PppDownReason : uint8_t {
  kPeerTerminated,     // LCP Terminate-Request from the subscriber
  kAuthFailed,         // bad credentials, or the peer refused to authenticate
  kEchoTimeout,        // LCP keepalive went unanswered
  kMaxConfigure,       // LCP negotiation never converged
  kLoopback,           // the link is looped back
  kAdmin,              // we closed it (operator, or the glue on its own account)
  kLowerLayerDown,     // the L2TP session vanished underneath
  kProtocolRejected,   // the peer rejected LCP itself
  kNoNetworkProtocol,  // no NCP could be opened (no address, all rejected or failed)
};
std::string_view to_string(PppDownReason reason);
std::string_view to_string(PppPhase phase);

// L2TP proxy LCP (RFC 2661 section 4.4.5): option lists only, each starting
// at the first option of the CONFREQ the LAC saw or sent.
struct ProxyLcp {
  std::vector<uint8_t> initial_received_confreq;
  std::vector<uint8_t> last_sent_confreq;      // the LAC's request on our behalf
  std::vector<uint8_t> last_received_confreq;  // the subscriber's acknowledged request
};

// Proxy Authen Type AVP values.
enum class ProxyAuthType : uint16_t {
  kReserved = 0,
  kTextual = 1,
  kChap = 2,
  kPap = 3,
  kNone = 4,
  kMsChapV1 = 5,
};

struct ProxyAuth {
  ProxyAuthType type = ProxyAuthType::kReserved;
  std::string name;
  std::vector<uint8_t> challenge;  // CHAP only
  uint8_t id = 0;                  // CHAP Identifier
  std::vector<uint8_t> response;   // CHAP: the 16-byte digest; PAP: the password
};

struct ProxyInfo {
  std::optional<ProxyLcp> lcp;
  std::optional<ProxyAuth> auth;
};

struct PppSessionConfig {
  LcpConfig lcp;
  PapConfig pap;
  ChapConfig chap;
  IpcpConfig ipcp;
  Ipv6cpConfig ipv6cp;
  bool enable_ipv4 = true;
  bool enable_ipv6 = true;
  // Ignore proxy LCP/authentication from the LAC and negotiate afresh.
  bool force_lcp_renegotiation = false;
};

class PppSessionListener {
 public:
  virtual ~PppSessionListener() = default;
  // LCP is open: framing the data plane must honour (peer MRU, PFC, ACFC).
  virtual void on_link_up(const LcpNegotiated& /*negotiated*/) {}
  // LCP left the Opened state (renegotiation or the end of the link).
  virtual void on_link_down() {}
  virtual void on_authenticated(const std::string& user) = 0;
  // `peer_address` is host order.
  virtual void on_ipv4_up(uint32_t peer_address) = 0;
  virtual void on_ipv4_down() {}
  virtual void on_ipv6_up(uint64_t local_interface_id, uint64_t peer_interface_id) = 0;
  virtual void on_ipv6_down() {}
  // Reported exactly once, when PPP is over. The session must not be
  // destroyed from inside this call (defer it to the event loop).
  virtual void on_down(PppDownReason reason) = 0;
};

// Picks the subscriber's IPv4 address (host order) once it has
// authenticated; nullopt means none is available.
using Ipv4Allocator = std::function<std::optional<uint32_t>(const std::string& user)>;

class PppSession final : private LcpListener, private AuthListener, private NcpListener {
 public:
  // Its LCP and authenticators reference parts of `config`: it must outlive
  // the session.
  PppSession(const PppSessionConfig& config, const Clock& clock, PacketSink& sink,
             absl::BitGenRef rng, AuthVerifier& verifier, Ipv4Allocator allocator,
             PppSessionListener& listener);
  PppSession(PppSessionConfig&&, const Clock&, PacketSink&, absl::BitGenRef, AuthVerifier&, Ipv4Allocator,
             PppSessionListener&) = delete;
  PppSession(const PppSession&) = delete;
  PppSession& operator=(const PppSession&) = delete;

  // The L2TP session is established: negotiate from scratch.
  void start();
  // Same, but take over what the LAC negotiated when it is acceptable (and
  // not overridden by force_lcp_renegotiation); otherwise renegotiate.
  void start(const ProxyInfo& proxy);

  // A control frame from the subscriber. `frame` starts at the protocol
  // field, optionally preceded by FF 03; the protocol may be compressed.
  absl::Status receive_frame(absl::Span<const uint8_t> frame);
  absl::Status receive(uint16_t protocol, absl::Span<const uint8_t> packet);

  void poll();
  std::optional<TimePoint> next_deadline() const;

  // Administrative close: Terminate-Request, then on_down(reason).
  void close(PppDownReason reason = PppDownReason::kAdmin);
  // The L2TP session is gone: report on_down(kLowerLayerDown) at once.
  void lower_down();

  PppPhase phase() const { return phase_; }
  const std::string& user() const { return user_; }
  bool used_proxy_lcp() const { return used_proxy_lcp_; }
  // Why the LAC's proxy LCP was not taken, when it was offered and refused.
  const absl::Status& proxy_refusal() const { return proxy_refusal_; }
  const Lcp& lcp() const { return lcp_; }
  const Ipcp& ipcp() const { return ipcp_; }
  const Ipv6cp& ipv6cp() const { return ipv6cp_; }

 private:
  // LcpListener
  void on_lcp_up(const LcpNegotiated& negotiated) override;
  void on_lcp_down() override;
  void on_lcp_finished(LcpEnd reason) override;
  void on_protocol_rejected(uint16_t protocol) override;
  // AuthListener
  void on_auth_result(bool accepted, const std::string& user) override;
  // NcpListener
  void on_ncp_up(uint16_t protocol) override;
  void on_ncp_down(uint16_t protocol) override;
  void on_ncp_finished(uint16_t protocol) override;

  absl::Status proxy_acceptable(const ProxyInfo& proxy) const;
  void begin_authentication(AuthProtocol protocol);
  void begin_network();
  void stop_upper_layers();
  void end(PppDownReason reason);

  // The little of PppSessionConfig this class reads itself; the protocols
  // keep their own parts. Not a copy of the whole: that was 352 bytes and
  // its heap strings and vectors per session.
  bool force_lcp_renegotiation_;
  bool requires_auth_;  // LCP's auth_order is not empty
  bool enable_ipv4_;
  bool enable_ipv6_;
  Ipv4Allocator allocator_;
  PppSessionListener& listener_;
  Lcp lcp_;
  PapAuthenticator pap_;
  ChapAuthenticator chap_;
  Ipcp ipcp_;
  Ipv6cp ipv6cp_;

  PppPhase phase_ = PppPhase::kDead;
  AuthProtocol auth_ = AuthProtocol::kNone;
  std::string user_;
  std::optional<uint32_t> ipv4_address_;
  bool ipcp_running_ = false;
  bool ipv6cp_running_ = false;
  bool ipcp_finished_ = false;
  bool ipv6cp_finished_ = false;
  std::optional<ProxyAuth> pending_proxy_auth_;
  bool used_proxy_lcp_ = false;
  absl::Status proxy_refusal_;
  std::optional<PppDownReason> close_reason_;
  bool reported_down_ = false;
};

}  // namespace lns::ppp
