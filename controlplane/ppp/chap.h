// CHAP with MD5, authenticator side (RFC 1994): we challenge, the peer
// answers MD5(Identifier || secret || Challenge), we compare against the
// secret the verifier looks up.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/random/bit_gen_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "common/clock.h"
#include "controlplane/ppp/auth_verifier.h"
#include "controlplane/ppp/packet_sink.h"

namespace lns::ppp {

enum class ChapCode : uint8_t {
  kChallenge = 1,
  kResponse = 2,
  kSuccess = 3,
  kFailure = 4,
};

inline constexpr size_t kChapMd5ResponseSize = 16;

// Data field of a Challenge or Response: Value-Size, Value, Name.
struct ChapValueAndName {
  std::vector<uint8_t> value;
  std::string name;
};
absl::StatusOr<ChapValueAndName> parse_chap_value_and_name(absl::Span<const uint8_t> data);

// The response a peer holding `secret` gives (RFC 1994 section 4.1 with MD5).
std::array<uint8_t, kChapMd5ResponseSize> chap_md5_response(uint8_t identifier,
                                                           std::string_view secret,
                                                           absl::Span<const uint8_t> challenge);

// Compares a received response with the one `secret` produces, in time that
// does not depend on where they differ.
bool chap_md5_response_matches(uint8_t identifier, std::string_view secret,
                               absl::Span<const uint8_t> challenge,
                               absl::Span<const uint8_t> response);

struct ChapConfig {
  std::string name = "lns";     // sent in our Challenges
  size_t challenge_length = 16;  // random octets per challenge (1..255)
  Duration retransmit_interval = std::chrono::seconds(3);
  int max_challenges = 10;  // transmissions before giving up on the peer
  Duration verify_timeout = std::chrono::seconds(30);  // for a verifier that never answers
  std::string success_message = "Authentication succeeded";
  std::string failure_message = "Authentication failed";
};

class ChapAuthenticator {
 public:
  enum class State : uint8_t { kIdle, kChallengeSent, kVerifying, kSucceeded, kFailed };

  // `config` is referenced, not copied: it must outlive the authenticator.
  ChapAuthenticator(const ChapConfig& config, const Clock& clock, PacketSink& sink,
                    absl::BitGenRef rng, AuthVerifier& verifier, AuthListener& listener);
  ChapAuthenticator(ChapConfig&&, const Clock&, PacketSink&, absl::BitGenRef, AuthVerifier&, AuthListener&) = delete;
  ~ChapAuthenticator();
  ChapAuthenticator(const ChapAuthenticator&) = delete;
  ChapAuthenticator& operator=(const ChapAuthenticator&) = delete;

  // The authentication phase begins: send a fresh Challenge.
  void start();
  // An exchange a LAC already ran (L2TP proxy authentication): check the
  // peer's response to the LAC's challenge, nothing on the wire.
  void verify_proxied(const std::string& user, uint8_t identifier,
                      std::vector<uint8_t> challenge, std::vector<uint8_t> response);
  // Leave the phase; a lookup still in flight is forgotten.
  void stop();

  absl::Status receive(absl::Span<const uint8_t> packet);
  void poll();
  std::optional<TimePoint> next_deadline() const { return deadline_; }

  State state() const { return state_; }
  const std::string& user() const { return user_; }
  uint8_t identifier() const { return identifier_; }
  const std::vector<uint8_t>& challenge() const { return challenge_; }

 private:
  void send_challenge();
  void begin_verification(const std::string& user, std::vector<uint8_t> response, bool on_wire);
  void conclude(bool accepted);
  void send_result(bool accepted);

  const ChapConfig& config_;
  size_t challenge_length_;  // config_'s, clamped to 1..255
  int max_challenges_;       // config_'s, at least 1
  const Clock& clock_;
  PacketSink& sink_;
  absl::BitGenRef rng_;
  AuthVerifier& verifier_;
  AuthListener& listener_;

  State state_ = State::kIdle;
  uint8_t identifier_ = 0;
  std::vector<uint8_t> challenge_;
  std::vector<uint8_t> challenge_packet_;  // for retransmission
  int challenges_sent_ = 0;
  std::optional<TimePoint> deadline_;
  std::string user_;
  bool result_on_wire_ = false;
  std::shared_ptr<int> token_;  // see PapAuthenticator
};

}  // namespace lns::ppp
