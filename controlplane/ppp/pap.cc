#include "controlplane/ppp/pap.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_format.h"
#include "controlplane/ppp/ppp_packet.h"

namespace lns::ppp {

absl::StatusOr<PapRequest> parse_pap_request(absl::Span<const uint8_t> data) {
  size_t offset = 0;
  auto take_field = [&](const char* what) -> absl::StatusOr<std::string> {
    if (offset >= data.size()) {
      return absl::InvalidArgumentError(
          absl::StrFormat("PAP Authenticate-Request ends before the %s length", what));
    }
    const size_t len = data[offset++];
    if (len > data.size() - offset) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "PAP Authenticate-Request %s length %d runs past the end (%d bytes left)", what, len,
          data.size() - offset));
    }
    std::string value(reinterpret_cast<const char*>(data.data() + offset), len);
    offset += len;
    return value;
  };
  PapRequest request;
  auto peer_id = take_field("Peer-ID");
  if (!peer_id.ok()) return peer_id.status();
  auto password = take_field("Password");
  if (!password.ok()) return password.status();
  request.peer_id = std::move(*peer_id);
  request.password = std::move(*password);
  return request;
}

PapAuthenticator::PapAuthenticator(const PapConfig& config, const Clock& clock, PacketSink& sink,
                                   AuthVerifier& verifier, AuthListener& listener)
    : config_(config),
      clock_(clock),
      sink_(sink),
      verifier_(verifier),
      listener_(listener) {}

PapAuthenticator::~PapAuthenticator() = default;

void PapAuthenticator::start() {
  token_ = std::make_shared<int>(0);
  state_ = State::kWaitingForRequest;
  user_.clear();
  deadline_ = clock_.now() + config_.timeout;
}

void PapAuthenticator::stop() {
  token_ = std::make_shared<int>(0);
  state_ = State::kIdle;
  deadline_.reset();
}

void PapAuthenticator::verify_proxied(const std::string& user, const std::string& password) {
  token_ = std::make_shared<int>(0);
  deadline_ = clock_.now() + config_.timeout;
  begin_verification(user, password, /*on_wire=*/false);
}

void PapAuthenticator::begin_verification(const std::string& user, const std::string& password,
                                          bool on_wire) {
  state_ = State::kVerifying;
  user_ = user;
  reply_on_wire_ = on_wire;
  std::weak_ptr<int> token = token_;
  verifier_.check_password(user, password, [this, token](bool accepted) {
    if (token.expired()) return;  // stopped, restarted or destroyed meanwhile
    conclude(accepted);
  });
}

void PapAuthenticator::conclude(bool accepted) {
  if (state_ != State::kVerifying) return;
  token_ = std::make_shared<int>(0);  // one answer per verification
  deadline_.reset();
  state_ = accepted ? State::kSucceeded : State::kFailed;
  if (reply_on_wire_) {
    send_reply(accepted ? PapCode::kAuthenticateAck : PapCode::kAuthenticateNak,
               reply_identifier_);
  }
  listener_.on_auth_result(accepted, user_);
}

void PapAuthenticator::send_reply(PapCode code, uint8_t identifier) {
  const std::string& message =
      code == PapCode::kAuthenticateAck ? config_.success_message : config_.failure_message;
  const size_t len = std::min<size_t>(message.size(), 255);
  std::vector<uint8_t> data;
  data.reserve(1 + len);
  data.push_back(static_cast<uint8_t>(len));
  data.insert(data.end(), message.begin(), message.begin() + len);
  const auto bytes = encode_control_packet(static_cast<uint8_t>(code), identifier, data);
  sink_.send(kProtocolPap, bytes);
}

absl::Status PapAuthenticator::receive(absl::Span<const uint8_t> bytes) {
  auto packet = parse_control_packet(bytes);
  if (!packet.ok()) return packet.status();
  if (packet->code != static_cast<uint8_t>(PapCode::kAuthenticateRequest)) {
    return absl::InvalidArgumentError(
        absl::StrFormat("PAP code %d is not for an authenticator", packet->code));
  }
  auto request = parse_pap_request(packet->data);
  if (!request.ok()) return request.status();

  switch (state_) {
    case State::kIdle:
      break;  // not in the authentication phase
    case State::kWaitingForRequest:
      reply_identifier_ = packet->identifier;
      begin_verification(request->peer_id, request->password, /*on_wire=*/true);
      break;
    case State::kVerifying:
      // A retransmission while the verifier works: answer the latest one.
      reply_identifier_ = packet->identifier;
      break;
    case State::kSucceeded:
    case State::kFailed:
      // Our reply was lost; repeat the verdict rather than judging anew.
      send_reply(state_ == State::kSucceeded ? PapCode::kAuthenticateAck
                                             : PapCode::kAuthenticateNak,
                 packet->identifier);
      break;
  }
  return absl::OkStatus();
}

void PapAuthenticator::poll() {
  if (!deadline_ || clock_.now() < *deadline_) return;
  deadline_.reset();
  if (state_ != State::kWaitingForRequest && state_ != State::kVerifying) return;
  const bool waited_on_wire = state_ == State::kVerifying && reply_on_wire_;
  token_ = std::make_shared<int>(0);
  state_ = State::kFailed;
  if (waited_on_wire) send_reply(PapCode::kAuthenticateNak, reply_identifier_);
  listener_.on_auth_result(false, user_);
}

}  // namespace lns::ppp
