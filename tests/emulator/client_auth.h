// The authenticatee halves of PAP (RFC 1334 section 2) and CHAP-MD5
// (RFC 1994): what a subscriber's PPP client sends, where the LNS's
// controlplane/ppp/pap.h and chap.h are the authenticators.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "common/clock.h"
#include "controlplane/ppp/packet_sink.h"

namespace lns::emu {

struct Credentials {
  std::string user;
  std::string password;  // the PAP password or the CHAP secret
};

struct ClientAuthConfig {
  // PAP: Authenticate-Request retransmission (RFC 1334 leaves the timer to
  // the implementation).
  Duration pap_retry_interval = std::chrono::seconds(3);
  int pap_max_requests = 10;
  // Give up when the exchange has not finished within this.
  Duration timeout = std::chrono::seconds(30);
};

enum class AuthOutcome : uint8_t { kAccepted, kRejected, kTimeout };

class ClientAuthListener {
 public:
  virtual ~ClientAuthListener() = default;
  // Once per exchange. `message` is the authenticator's text (may be empty).
  virtual void on_auth_done(AuthOutcome outcome, const std::string& message) = 0;
};

// Sends our name and password until the LNS acknowledges or refuses them.
class PapClient {
 public:
  PapClient(const ClientAuthConfig& config, const Clock& clock, ppp::PacketSink& sink,
            ClientAuthListener& listener)
      : config_(config), clock_(clock), sink_(sink), listener_(listener) {}

  void start(const Credentials& credentials);
  void stop();
  absl::Status receive(absl::Span<const uint8_t> packet);
  void poll();
  std::optional<TimePoint> next_deadline() const;

  bool running() const { return running_; }
  int requests_sent() const { return requests_sent_; }

 private:
  void send_request();
  void conclude(AuthOutcome outcome, const std::string& message);

  ClientAuthConfig config_;
  const Clock& clock_;
  ppp::PacketSink& sink_;
  ClientAuthListener& listener_;
  Credentials credentials_;
  bool running_ = false;
  uint8_t identifier_ = 0;
  int requests_sent_ = 0;
  std::optional<TimePoint> retry_at_;
  std::optional<TimePoint> give_up_at_;
};

// Answers each Challenge with MD5(Identifier || secret || Challenge) and
// waits for Success or Failure.
class ChapClient {
 public:
  ChapClient(const ClientAuthConfig& config, const Clock& clock, ppp::PacketSink& sink,
             ClientAuthListener& listener)
      : config_(config), clock_(clock), sink_(sink), listener_(listener) {}

  void start(const Credentials& credentials);
  void stop();
  absl::Status receive(absl::Span<const uint8_t> packet);
  void poll();
  std::optional<TimePoint> next_deadline() const { return running_ ? give_up_at_ : std::nullopt; }

  bool running() const { return running_; }
  int responses_sent() const { return responses_sent_; }

 private:
  void conclude(AuthOutcome outcome, const std::string& message);

  ClientAuthConfig config_;
  const Clock& clock_;
  ppp::PacketSink& sink_;
  ClientAuthListener& listener_;
  Credentials credentials_;
  bool running_ = false;
  std::optional<uint8_t> answered_identifier_;
  int responses_sent_ = 0;
  std::optional<TimePoint> give_up_at_;
};

}  // namespace lns::emu
