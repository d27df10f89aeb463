#include "controlplane/l2tp/testing/fake_lac.h"

#include <cstdlib>
#include <utility>

#include "absl/random/random.h"
#include "common/log.h"
#include "controlplane/l2tp/tunnel_auth.h"

namespace lns::l2tp::sim {
namespace {

ReliableChannelConfig lac_channel_config(const FakeLacConfig& config) {
  ReliableChannelConfig c = config.channel;
  c.receive_window = config.receive_window.value_or(4);
  c.peer_tunnel_id = 0;  // unknown until SCCRP
  c.max_queued = 1 << 16;
  return c;
}

[[noreturn]] void misuse(const char* what) {
  LNS_LOG_ERROR("FakeLac misuse: %s", what);
  std::abort();
}

}  // namespace

// ---- Tunnel -----------------------------------------------------------------

FakeLac::Tunnel::Tunnel(FakeLac& l, uint16_t i)
    : lac(l), id(i), channel(l.clock_, *this, *this, lac_channel_config(l.config_)) {}

void FakeLac::Tunnel::transmit(absl::Span<const uint8_t> datagram) {
  lac.to_lns_(lac.config_.address, std::vector<uint8_t>(datagram.begin(), datagram.end()));
}

void FakeLac::Tunnel::on_message(absl::StatusOr<ControlMessage> message) {
  if (!message.ok()) {
    ++lac.decode_failures_;
    return;
  }
  if (lac.config_.record_received) received.push_back(*message);
  lac.handle(*this, *message);
}

void FakeLac::Tunnel::on_channel_failure() {
  channel_failed = true;
  state = LacTunnelState::kClosed;
  for (auto& [sid, s] : sessions) s.state = LacSessionState::kClosed;
}

// ---- FakeLac ----------------------------------------------------------------

FakeLac::FakeLac(const Clock& clock, FakeLacConfig config, Sender to_lns)
    : clock_(clock), config_(std::move(config)), to_lns_(std::move(to_lns)), next_tunnel_id_(config_.first_tunnel_id) {}

FakeLac::~FakeLac() = default;

FakeLac::Tunnel& FakeLac::must_find(uint16_t id) {
  auto it = tunnels_.find(id);
  if (it == tunnels_.end()) misuse("unknown tunnel");
  return *it->second;
}

const FakeLac::Tunnel& FakeLac::must_find(uint16_t id) const {
  auto it = tunnels_.find(id);
  if (it == tunnels_.end()) misuse("unknown tunnel");
  return *it->second;
}

void FakeLac::send_on(Tunnel& t, ControlMessage m) {
  m.header.tunnel_id = t.lns_id;
  EncodeOptions options;
  options.secret = config_.secret;
  options.hide = config_.hide_avps && !config_.secret.empty();
  absl::StatusOr<Bytes> wire = encode_control(m, options);
  if (!wire.ok()) misuse("message does not encode");
  send_encoded(t.id, std::move(*wire));
}

void FakeLac::send_encoded(uint16_t tunnel, Bytes wire) {
  Tunnel& t = must_find(tunnel);
  if (absl::Status s = t.channel.send(std::move(wire)); !s.ok())
    LNS_LOG_WARN("FakeLac tunnel %u: send failed: %s", tunnel, std::string(s.message()));
}

void FakeLac::send_unsequenced(Bytes wire) { to_lns_(config_.address, std::move(wire)); }

void FakeLac::send_message(uint16_t tunnel, ControlMessage m) { send_on(must_find(tunnel), std::move(m)); }

uint16_t FakeLac::open_tunnel() {
  const uint16_t id = next_tunnel_id_++;
  auto t = std::make_unique<Tunnel>(*this, id);
  Tunnel& tunnel = *t;
  tunnels_[id] = std::move(t);

  ControlMessage m;
  m.type = MessageType::kSccrq;
  m.protocol_version = config_.protocol_version;
  m.host_name = config_.host_name;
  m.framing_capabilities = kFramingSync | kFramingAsync;
  m.bearer_capabilities = kBearerDigital;
  m.firmware_revision = 0x0001;
  if (!config_.vendor_name.empty()) m.vendor_name = config_.vendor_name;
  m.assigned_tunnel_id = id;
  m.receive_window_size = config_.receive_window;
  m.tie_breaker = config_.tie_breaker;
  if (config_.challenge_lns) {
    absl::BitGen gen;
    tunnel.our_challenge = make_challenge(gen);
    m.challenge = tunnel.our_challenge;
  }
  send_on(tunnel, std::move(m));
  return id;
}

void FakeLac::forget_tunnel(uint16_t tunnel) { tunnels_.erase(tunnel); }

void FakeLac::receive(absl::Span<const uint8_t> datagram) {
  if (datagram.size() < kControlHeaderLength) {
    ++decode_failures_;
    return;
  }
  const uint16_t tunnel_id = load_be16(datagram.data() + 4);
  auto it = tunnels_.find(tunnel_id);
  if (it == tunnels_.end()) return;
  absl::StatusOr<ControlMessage> m = decode_control(datagram, DecodeOptions{config_.secret, false});
  if (!m.ok() && !decode_failure(m.status()).has_value()) ++decode_failures_;
  it->second->channel.receive(std::move(m));
}

void FakeLac::on_timer() {
  for (auto& [id, t] : tunnels_) t->channel.on_timer();
}

std::optional<TimePoint> FakeLac::next_deadline() const {
  std::optional<TimePoint> d;
  for (const auto& [id, t] : tunnels_) {
    std::optional<TimePoint> n = t->channel.next_deadline();
    if (n.has_value() && (!d.has_value() || *n < *d)) d = n;
  }
  return d;
}

// ---- Handling what the LNS sends ------------------------------------------------

void FakeLac::handle(Tunnel& t, const ControlMessage& m) {
  switch (m.type) {
    case MessageType::kSccrp:
      handle_sccrp(t, m);
      return;
    case MessageType::kStopCcn:
      t.stop_result = m.result_code;
      t.state = LacTunnelState::kClosed;
      for (auto& [sid, s] : t.sessions) s.state = LacSessionState::kClosed;
      return;
    case MessageType::kHello:
      return;
    default:
      handle_session_message(t, m);
      return;
  }
}

void FakeLac::handle_sccrp(Tunnel& t, const ControlMessage& m) {
  if (t.state != LacTunnelState::kWaitCtlReply) return;
  t.lns_id = m.assigned_tunnel_id.value_or(0);
  t.channel.set_peer_tunnel_id(t.lns_id);
  t.channel.set_peer_receive_window(m.receive_window_size.value_or(4));
  if (!t.our_challenge.empty()) {
    const bool ok = m.challenge_response.has_value() &&
                    verify_challenge_response(MessageType::kSccrp, config_.secret, t.our_challenge,
                                              *m.challenge_response);
    if (!ok) {
      ControlMessage stop;
      stop.type = MessageType::kStopCcn;
      stop.assigned_tunnel_id = t.id;
      stop.result_code = ResultCode{static_cast<uint16_t>(StopCcnResult::kNotAuthorized), 0, "bad response"};
      send_on(t, std::move(stop));
      t.state = LacTunnelState::kClosed;
      return;
    }
  }
  if (!config_.send_scccn) return;
  ControlMessage reply;
  reply.type = MessageType::kScccn;
  if (m.challenge.has_value() && config_.answer_challenge) {
    ChallengeResponseValue r = compute_challenge_response(MessageType::kScccn, config_.secret, *m.challenge);
    if (config_.corrupt_challenge_response) r[0] ^= 0x01;
    reply.challenge_response = r;
  }
  send_on(t, std::move(reply));
  t.state = LacTunnelState::kEstablished;
}

void FakeLac::handle_session_message(Tunnel& t, const ControlMessage& m) {
  if (m.type == MessageType::kOcrq) {
    if (config_.ignore_outgoing_calls) return;
    LacSession s;
    s.id = t.next_session_id++;
    s.lns_id = m.assigned_session_id.value_or(0);
    s.outgoing = true;
    s.call.called_number = m.called_number.value_or("");
    if (!config_.answer_outgoing_calls) {
      ControlMessage cdn;
      cdn.type = MessageType::kCdn;
      cdn.header.session_id = s.lns_id;
      cdn.assigned_session_id = s.id;
      cdn.result_code = ResultCode{static_cast<uint16_t>(CdnResult::kTemporaryNoFacilities), std::nullopt, ""};
      send_on(t, std::move(cdn));
      s.state = LacSessionState::kClosed;
      t.sessions[s.id] = s;
      return;
    }
    ControlMessage ocrp;
    ocrp.type = MessageType::kOcrp;
    ocrp.header.session_id = s.lns_id;
    ocrp.assigned_session_id = s.id;
    send_on(t, std::move(ocrp));
    ControlMessage occn;
    occn.type = MessageType::kOccn;
    occn.header.session_id = s.lns_id;
    occn.tx_connect_speed = s.call.tx_connect_speed;
    occn.framing_type = s.call.framing_type;
    send_on(t, std::move(occn));
    s.state = LacSessionState::kEstablished;
    t.sessions[s.id] = s;
    return;
  }
  auto it = t.sessions.find(m.header.session_id);
  if (it == t.sessions.end()) return;
  LacSession& s = it->second;
  switch (m.type) {
    case MessageType::kIcrp:
      if (s.state != LacSessionState::kWaitReply) return;
      s.lns_id = m.assigned_session_id.value_or(0);
      s.state = LacSessionState::kWaitConnect;
      if (config_.auto_connect) send_iccn(t, s);
      return;
    case MessageType::kCdn:
      s.cdn_result = m.result_code;
      s.state = LacSessionState::kClosed;
      return;
    case MessageType::kSli:
      s.accm = m.accm;
      return;
    default:
      return;
  }
}

// ---- Calls ------------------------------------------------------------------

uint16_t FakeLac::place_call(uint16_t tunnel, LacCall call) {
  Tunnel& t = must_find(tunnel);
  LacSession s;
  s.id = t.next_session_id++;
  s.call = std::move(call);
  ControlMessage m;
  m.type = MessageType::kIcrq;
  m.assigned_session_id = s.id;
  m.call_serial_number = 0x10000u * tunnel + s.id;
  m.bearer_type = s.call.bearer_type;
  m.physical_channel_id = s.call.physical_channel_id;
  m.calling_number = s.call.calling_number;
  m.called_number = s.call.called_number;
  if (!s.call.sub_address.empty()) m.sub_address = s.call.sub_address;
  if (s.call.agent_circuit_id) m.set_agent_circuit_id(*s.call.agent_circuit_id);
  if (s.call.agent_remote_id) m.set_agent_remote_id(*s.call.agent_remote_id);
  for (const RawAvp& avp : s.call.extra_icrq_avps) m.other_avps.push_back(avp);
  const uint16_t id = s.id;
  t.sessions[id] = std::move(s);
  send_on(t, std::move(m));
  return id;
}

void FakeLac::send_iccn(Tunnel& t, LacSession& s) {
  const LacCall& c = s.call;
  ControlMessage m;
  m.type = MessageType::kIccn;
  m.header.session_id = s.lns_id;
  m.tx_connect_speed = c.tx_connect_speed;
  m.rx_connect_speed = c.rx_connect_speed;
  m.framing_type = c.framing_type;
  m.private_group_id = c.private_group_id;
  m.sequencing_required = c.sequencing_required;
  m.initial_received_lcp_confreq = c.initial_received_lcp_confreq;
  m.last_sent_lcp_confreq = c.last_sent_lcp_confreq;
  m.last_received_lcp_confreq = c.last_received_lcp_confreq;
  m.proxy_authen_type = c.proxy_authen_type;
  m.proxy_authen_name = c.proxy_authen_name;
  m.proxy_authen_challenge = c.proxy_authen_challenge;
  m.proxy_authen_id = c.proxy_authen_id;
  m.proxy_authen_response = c.proxy_authen_response;
  send_on(t, std::move(m));
  s.state = LacSessionState::kEstablished;
}

void FakeLac::connect(uint16_t tunnel, uint16_t session) {
  Tunnel& t = must_find(tunnel);
  auto it = t.sessions.find(session);
  if (it == t.sessions.end()) misuse("unknown session");
  send_iccn(t, it->second);
}

void FakeLac::disconnect(uint16_t tunnel, uint16_t session, ResultCode result) {
  Tunnel& t = must_find(tunnel);
  auto it = t.sessions.find(session);
  if (it == t.sessions.end()) misuse("unknown session");
  ControlMessage m;
  m.type = MessageType::kCdn;
  m.header.session_id = it->second.lns_id;
  m.assigned_session_id = session;
  if (!result.message.empty()) result.error = result.error.value_or(0);
  m.result_code = std::move(result);
  send_on(t, std::move(m));
  it->second.state = LacSessionState::kClosed;
}

void FakeLac::stop_tunnel(uint16_t tunnel, ResultCode result) {
  Tunnel& t = must_find(tunnel);
  ControlMessage m;
  m.type = MessageType::kStopCcn;
  m.assigned_tunnel_id = tunnel;
  if (!result.message.empty()) result.error = result.error.value_or(0);
  m.result_code = std::move(result);
  send_on(t, std::move(m));
  t.state = LacTunnelState::kClosed;
  for (auto& [sid, s] : t.sessions) s.state = LacSessionState::kClosed;
}

void FakeLac::send_wen(uint16_t tunnel, uint16_t session, const CallErrors& errors) {
  Tunnel& t = must_find(tunnel);
  ControlMessage m;
  m.type = MessageType::kWen;
  m.header.session_id = t.sessions.at(session).lns_id;
  m.call_errors = errors;
  send_on(t, std::move(m));
}

void FakeLac::send_sli(uint16_t tunnel, uint16_t session, const Accm& accm) {
  Tunnel& t = must_find(tunnel);
  ControlMessage m;
  m.type = MessageType::kSli;
  m.header.session_id = t.sessions.at(session).lns_id;
  m.accm = accm;
  send_on(t, std::move(m));
}

// ---- Observing ----------------------------------------------------------------

const FakeLac::Tunnel* FakeLac::tunnel(uint16_t id) const {
  auto it = tunnels_.find(id);
  return it == tunnels_.end() ? nullptr : it->second.get();
}

LacTunnelState FakeLac::tunnel_state(uint16_t id) const { return must_find(id).state; }
uint16_t FakeLac::lns_tunnel_id(uint16_t id) const { return must_find(id).lns_id; }

const LacSession* FakeLac::session(uint16_t tunnel, uint16_t session) const {
  const Tunnel& t = must_find(tunnel);
  auto it = t.sessions.find(session);
  return it == t.sessions.end() ? nullptr : &it->second;
}

const std::vector<ControlMessage>& FakeLac::received(uint16_t tunnel) const { return must_find(tunnel).received; }

const ControlMessage* FakeLac::last_received(uint16_t tunnel, MessageType type) const {
  const std::vector<ControlMessage>& r = received(tunnel);
  for (auto it = r.rbegin(); it != r.rend(); ++it)
    if (it->type == type) return &*it;
  return nullptr;
}

std::optional<ResultCode> FakeLac::stop_result(uint16_t tunnel) const { return must_find(tunnel).stop_result; }

const ReliableChannel& FakeLac::channel(uint16_t tunnel) const { return must_find(tunnel).channel; }

size_t FakeLac::count_sessions(uint16_t tunnel, LacSessionState state) const {
  size_t n = 0;
  for (const auto& [id, s] : must_find(tunnel).sessions) n += s.state == state ? 1 : 0;
  return n;
}

bool FakeLac::quiet() const {
  for (const auto& [id, t] : tunnels_)
    if (!t->channel.idle() && !t->channel.failed()) return false;
  return true;
}

}  // namespace lns::l2tp::sim
