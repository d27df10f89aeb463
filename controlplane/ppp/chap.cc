#include "controlplane/ppp/chap.h"

#include <algorithm>

#include "absl/random/distributions.h"
#include "absl/strings/str_format.h"
#include "controlplane/ppp/md5_digest.h"
#include "controlplane/ppp/ppp_packet.h"

namespace lns::ppp {

absl::StatusOr<ChapValueAndName> parse_chap_value_and_name(absl::Span<const uint8_t> data) {
  if (data.empty()) return absl::InvalidArgumentError("CHAP packet without Value-Size");
  const size_t value_size = data[0];
  if (value_size > data.size() - 1) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "CHAP Value-Size %d runs past the end (%d bytes left)", value_size, data.size() - 1));
  }
  ChapValueAndName out;
  out.value.assign(data.begin() + 1, data.begin() + 1 + value_size);
  out.name.assign(data.begin() + 1 + value_size, data.end());
  return out;
}

std::array<uint8_t, kChapMd5ResponseSize> chap_md5_response(uint8_t identifier,
                                                           std::string_view secret,
                                                           absl::Span<const uint8_t> challenge) {
  Md5 md5;
  md5.update(identifier);
  md5.update(secret);
  md5.update(challenge);
  const Md5Digest digest = md5.finish();
  std::array<uint8_t, kChapMd5ResponseSize> out;
  std::copy(digest.begin(), digest.end(), out.begin());
  return out;
}

bool chap_md5_response_matches(uint8_t identifier, std::string_view secret,
                               absl::Span<const uint8_t> challenge,
                               absl::Span<const uint8_t> response) {
  if (response.size() != kChapMd5ResponseSize) return false;
  const auto expected = chap_md5_response(identifier, secret, challenge);
  uint8_t diff = 0;
  for (size_t i = 0; i < kChapMd5ResponseSize; ++i) diff |= expected[i] ^ response[i];
  return diff == 0;
}

ChapAuthenticator::ChapAuthenticator(const ChapConfig& config, const Clock& clock,
                                     PacketSink& sink, absl::BitGenRef rng,
                                     AuthVerifier& verifier, AuthListener& listener)
    : config_(config),
      challenge_length_(std::clamp<size_t>(config.challenge_length, 1, 255)),
      max_challenges_(std::max(config.max_challenges, 1)),
      clock_(clock),
      sink_(sink),
      rng_(rng),
      verifier_(verifier),
      listener_(listener) {
  identifier_ = absl::Uniform<uint8_t>(rng_);
}

ChapAuthenticator::~ChapAuthenticator() = default;

void ChapAuthenticator::start() {
  token_ = std::make_shared<int>(0);
  user_.clear();
  challenges_sent_ = 0;
  ++identifier_;
  challenge_.resize(challenge_length_);
  for (auto& b : challenge_) b = absl::Uniform<uint8_t>(rng_);

  std::vector<uint8_t> data;
  data.push_back(static_cast<uint8_t>(challenge_.size()));
  data.insert(data.end(), challenge_.begin(), challenge_.end());
  data.insert(data.end(), config_.name.begin(), config_.name.end());
  challenge_packet_ =
      encode_control_packet(static_cast<uint8_t>(ChapCode::kChallenge), identifier_, data);
  state_ = State::kChallengeSent;
  send_challenge();
}

void ChapAuthenticator::send_challenge() {
  sink_.send(kProtocolChap, challenge_packet_);
  ++challenges_sent_;
  deadline_ = clock_.now() + config_.retransmit_interval;
}

void ChapAuthenticator::stop() {
  token_ = std::make_shared<int>(0);
  state_ = State::kIdle;
  deadline_.reset();
}

void ChapAuthenticator::verify_proxied(const std::string& user, uint8_t identifier,
                                       std::vector<uint8_t> challenge,
                                       std::vector<uint8_t> response) {
  token_ = std::make_shared<int>(0);
  identifier_ = identifier;
  challenge_ = std::move(challenge);
  begin_verification(user, std::move(response), /*on_wire=*/false);
}

void ChapAuthenticator::begin_verification(const std::string& user,
                                           std::vector<uint8_t> response, bool on_wire) {
  state_ = State::kVerifying;
  user_ = user;
  result_on_wire_ = on_wire;
  deadline_ = clock_.now() + config_.verify_timeout;
  std::weak_ptr<int> token = token_;
  verifier_.lookup_secret(
      user, [this, token, response = std::move(response)](std::optional<std::string> secret) {
        if (token.expired()) return;
        conclude(secret.has_value() &&
                 chap_md5_response_matches(identifier_, *secret, challenge_, response));
      });
}

void ChapAuthenticator::conclude(bool accepted) {
  if (state_ != State::kVerifying) return;
  token_ = std::make_shared<int>(0);
  deadline_.reset();
  state_ = accepted ? State::kSucceeded : State::kFailed;
  if (result_on_wire_) send_result(accepted);
  listener_.on_auth_result(accepted, user_);
}

void ChapAuthenticator::send_result(bool accepted) {
  const std::string& message = accepted ? config_.success_message : config_.failure_message;
  const std::vector<uint8_t> data(message.begin(), message.end());
  const auto bytes = encode_control_packet(
      static_cast<uint8_t>(accepted ? ChapCode::kSuccess : ChapCode::kFailure), identifier_, data);
  sink_.send(kProtocolChap, bytes);
}

absl::Status ChapAuthenticator::receive(absl::Span<const uint8_t> bytes) {
  auto packet = parse_control_packet(bytes);
  if (!packet.ok()) return packet.status();
  if (packet->code != static_cast<uint8_t>(ChapCode::kResponse)) {
    return absl::InvalidArgumentError(
        absl::StrFormat("CHAP code %d is not for an authenticator", packet->code));
  }
  auto response = parse_chap_value_and_name(packet->data);
  if (!response.ok()) return response.status();
  // RFC 1994 4.1: only a Response to our latest Challenge counts.
  if (packet->identifier != identifier_) return absl::OkStatus();

  switch (state_) {
    case State::kIdle:
    case State::kVerifying:  // a retransmission while the verifier works
      break;
    case State::kChallengeSent:
      begin_verification(response->name, std::move(response->value), /*on_wire=*/true);
      break;
    case State::kSucceeded:
    case State::kFailed:
      // Our Success/Failure was lost and the peer asks again: repeat it.
      if (result_on_wire_) send_result(state_ == State::kSucceeded);
      break;
  }
  return absl::OkStatus();
}

void ChapAuthenticator::poll() {
  if (!deadline_ || clock_.now() < *deadline_) return;
  deadline_.reset();
  if (state_ == State::kChallengeSent && challenges_sent_ < max_challenges_) {
    send_challenge();
    return;
  }
  if (state_ != State::kChallengeSent && state_ != State::kVerifying) return;
  // The peer never answered, or the verifier never did.
  const bool answer_peer = state_ == State::kVerifying && result_on_wire_;
  state_ = State::kFailed;
  token_ = std::make_shared<int>(0);
  if (answer_peer) send_result(false);
  listener_.on_auth_result(false, user_);
}

}  // namespace lns::ppp
