// PAP, authenticator side (RFC 1334 section 2): the peer sends its name and
// password until we answer Authenticate-Ack or Authenticate-Nak.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "common/clock.h"
#include "controlplane/ppp/auth_verifier.h"
#include "controlplane/ppp/packet_sink.h"

namespace lns::ppp {

enum class PapCode : uint8_t {
  kAuthenticateRequest = 1,
  kAuthenticateAck = 2,
  kAuthenticateNak = 3,
};

struct PapRequest {
  std::string peer_id;
  std::string password;
};

// Data field of an Authenticate-Request: Peer-ID Length, Peer-ID, Passwd-Length, Password.
absl::StatusOr<PapRequest> parse_pap_request(absl::Span<const uint8_t> data);

struct PapConfig {
  // The whole exchange (waiting for the request plus verifying it) must end
  // within this, or authentication fails.
  Duration timeout = std::chrono::seconds(30);
  std::string success_message = "Authentication succeeded";
  std::string failure_message = "Authentication failed";
};

class PapAuthenticator {
 public:
  enum class State : uint8_t { kIdle, kWaitingForRequest, kVerifying, kSucceeded, kFailed };

  // `config` is referenced, not copied (a million sessions share one): it
  // must outlive the authenticator.
  PapAuthenticator(const PapConfig& config, const Clock& clock, PacketSink& sink,
                   AuthVerifier& verifier, AuthListener& listener);
  PapAuthenticator(PapConfig&&, const Clock&, PacketSink&, AuthVerifier&, AuthListener&) = delete;
  ~PapAuthenticator();
  PapAuthenticator(const PapAuthenticator&) = delete;
  PapAuthenticator& operator=(const PapAuthenticator&) = delete;

  // The authentication phase begins: expect an Authenticate-Request.
  void start();
  // Credentials a LAC already collected (L2TP proxy authentication): verify
  // them without anything on the wire.
  void verify_proxied(const std::string& user, const std::string& password);
  // Leave the phase (LCP went down); a verification still in flight is
  // forgotten.
  void stop();

  absl::Status receive(absl::Span<const uint8_t> packet);
  void poll();
  std::optional<TimePoint> next_deadline() const { return deadline_; }

  State state() const { return state_; }
  const std::string& user() const { return user_; }

 private:
  void begin_verification(const std::string& user, const std::string& password, bool on_wire);
  void conclude(bool accepted);
  void send_reply(PapCode code, uint8_t identifier);

  const PapConfig& config_;
  const Clock& clock_;
  PacketSink& sink_;
  AuthVerifier& verifier_;
  AuthListener& listener_;

  State state_ = State::kIdle;
  std::optional<TimePoint> deadline_;
  std::string user_;
  uint8_t reply_identifier_ = 0;
  bool reply_on_wire_ = false;
  // Verifier answers hold a weak reference; replacing this token voids them.
  // None before start(): sessions that never authenticate allocate none.
  std::shared_ptr<int> token_;
};

}  // namespace lns::ppp
