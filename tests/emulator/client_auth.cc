#include "tests/emulator/client_auth.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_format.h"
#include "controlplane/ppp/chap.h"
#include "controlplane/ppp/pap.h"
#include "controlplane/ppp/ppp_packet.h"

namespace lns::emu {
namespace {

// The Msg field of PAP Ack/Nak: Msg-Length, Message.
std::string pap_message(absl::Span<const uint8_t> data) {
  if (data.empty()) return {};
  const size_t n = std::min<size_t>(data[0], data.size() - 1);
  return std::string(data.begin() + 1, data.begin() + 1 + n);
}

void append_counted(std::vector<uint8_t>& out, const std::string& s) {
  const size_t n = std::min<size_t>(s.size(), 255);
  out.push_back(static_cast<uint8_t>(n));
  out.insert(out.end(), s.begin(), s.begin() + n);
}

}  // namespace

// ---- PAP ----------------------------------------------------------------------

void PapClient::start(const Credentials& credentials) {
  credentials_ = credentials;
  running_ = true;
  requests_sent_ = 0;
  give_up_at_ = clock_.now() + config_.timeout;
  ++identifier_;
  send_request();
}

void PapClient::stop() {
  running_ = false;
  retry_at_.reset();
  give_up_at_.reset();
}

void PapClient::send_request() {
  std::vector<uint8_t> data;
  append_counted(data, credentials_.user);
  append_counted(data, credentials_.password);
  const auto packet = ppp::encode_control_packet(
      static_cast<uint8_t>(ppp::PapCode::kAuthenticateRequest), identifier_, data);
  sink_.send(ppp::kProtocolPap, packet);
  ++requests_sent_;
  retry_at_ = clock_.now() + config_.pap_retry_interval;
}

absl::Status PapClient::receive(absl::Span<const uint8_t> bytes) {
  auto packet = ppp::parse_control_packet(bytes);
  if (!packet.ok()) return packet.status();
  if (!running_) return absl::OkStatus();
  // A verdict for an older request would answer credentials we no longer send.
  if (packet->identifier != identifier_) return absl::OkStatus();
  switch (static_cast<ppp::PapCode>(packet->code)) {
    case ppp::PapCode::kAuthenticateAck:
      conclude(AuthOutcome::kAccepted, pap_message(packet->data));
      return absl::OkStatus();
    case ppp::PapCode::kAuthenticateNak:
      conclude(AuthOutcome::kRejected, pap_message(packet->data));
      return absl::OkStatus();
    default:
      return absl::InvalidArgumentError(absl::StrFormat("unexpected PAP code %d", packet->code));
  }
}

void PapClient::poll() {
  if (!running_) return;
  const TimePoint now = clock_.now();
  if (give_up_at_ && now >= *give_up_at_) {
    conclude(AuthOutcome::kTimeout, "no answer to Authenticate-Request");
    return;
  }
  if (retry_at_ && now >= *retry_at_) {
    if (requests_sent_ >= config_.pap_max_requests) {
      conclude(AuthOutcome::kTimeout, "no answer to Authenticate-Request");
      return;
    }
    send_request();
  }
}

std::optional<TimePoint> PapClient::next_deadline() const {
  if (!running_) return std::nullopt;
  if (retry_at_ && give_up_at_) return std::min(*retry_at_, *give_up_at_);
  return retry_at_ ? retry_at_ : give_up_at_;
}

void PapClient::conclude(AuthOutcome outcome, const std::string& message) {
  stop();
  listener_.on_auth_done(outcome, message);
}

// ---- CHAP ---------------------------------------------------------------------

void ChapClient::start(const Credentials& credentials) {
  credentials_ = credentials;
  running_ = true;
  responses_sent_ = 0;
  answered_identifier_.reset();
  give_up_at_ = clock_.now() + config_.timeout;
}

void ChapClient::stop() {
  running_ = false;
  give_up_at_.reset();
}

absl::Status ChapClient::receive(absl::Span<const uint8_t> bytes) {
  auto packet = ppp::parse_control_packet(bytes);
  if (!packet.ok()) return packet.status();
  if (!running_) return absl::OkStatus();
  switch (static_cast<ppp::ChapCode>(packet->code)) {
    case ppp::ChapCode::kChallenge: {
      auto challenge = ppp::parse_chap_value_and_name(packet->data);
      if (!challenge.ok()) return challenge.status();
      if (challenge->value.empty()) return absl::InvalidArgumentError("CHAP Challenge with an empty value");
      const auto digest = ppp::chap_md5_response(packet->identifier, credentials_.password, challenge->value);
      std::vector<uint8_t> data;
      data.push_back(static_cast<uint8_t>(digest.size()));
      data.insert(data.end(), digest.begin(), digest.end());
      data.insert(data.end(), credentials_.user.begin(), credentials_.user.end());
      sink_.send(ppp::kProtocolChap,
                 ppp::encode_control_packet(static_cast<uint8_t>(ppp::ChapCode::kResponse), packet->identifier, data));
      answered_identifier_ = packet->identifier;
      ++responses_sent_;
      return absl::OkStatus();
    }
    case ppp::ChapCode::kSuccess:
    case ppp::ChapCode::kFailure: {
      if (answered_identifier_ != packet->identifier) return absl::OkStatus();
      const bool ok = static_cast<ppp::ChapCode>(packet->code) == ppp::ChapCode::kSuccess;
      conclude(ok ? AuthOutcome::kAccepted : AuthOutcome::kRejected,
               std::string(packet->data.begin(), packet->data.end()));
      return absl::OkStatus();
    }
    default:
      return absl::InvalidArgumentError(absl::StrFormat("unexpected CHAP code %d", packet->code));
  }
}

void ChapClient::poll() {
  if (running_ && give_up_at_ && clock_.now() >= *give_up_at_) {
    conclude(AuthOutcome::kTimeout, "no CHAP Success or Failure");
  }
}

void ChapClient::conclude(AuthOutcome outcome, const std::string& message) {
  stop();
  listener_.on_auth_done(outcome, message);
}

}  // namespace lns::emu
