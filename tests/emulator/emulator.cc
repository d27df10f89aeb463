#include "tests/emulator/emulator.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "common/l2tp_header.h"
#include "common/log.h"
#include "common/ppp_header.h"
#include "tests/emulator/probe_packet.h"
#include "tests/emulator/probe_packet_ipv6.h"
#include "tests/emulator/subscriber_ipv6.h"

namespace lns::emu {
namespace {

// Per poll() call, so replies get read between bursts.
constexpr uint64_t kProbeBurst = 256;
constexpr Duration kSendRetry = std::chrono::milliseconds(1);

std::string result_key(const std::optional<l2tp::ResultCode>& result) {
  if (!result) return "none";
  if (result->error) return absl::StrCat(result->result, "/", *result->error);
  return absl::StrCat(result->result);
}

std::string describe(const ClearReason& why) {
  if (!why.result) return why.what;
  return absl::StrCat(why.what, ":", result_key(why.result));
}

double seconds(Duration d) { return std::chrono::duration<double>(d).count(); }

}  // namespace

std::string_view to_string(EmulatorPhase phase) {
  switch (phase) {
    case EmulatorPhase::kSetup: return "setup";
    case EmulatorPhase::kTraffic: return "traffic";
    case EmulatorPhase::kDrain: return "drain";
    case EmulatorPhase::kHold: return "hold";
    case EmulatorPhase::kTeardown: return "teardown";
    case EmulatorPhase::kLinger: return "linger";
    case EmulatorPhase::kDone: return "done";
  }
  return "unknown";
}

std::string_view to_string(SessionState state) {
  switch (state) {
    case SessionState::kPending: return "pending";
    case SessionState::kCalling: return "calling";
    case SessionState::kNegotiating: return "negotiating";
    case SessionState::kUp: return "up";
    case SessionState::kFailed: return "failed";
    case SessionState::kDown: return "down";
    case SessionState::kCleared: return "cleared";
  }
  return "unknown";
}

std::string format_user(std::string_view format, uint32_t index) {
  std::string out;
  for (size_t i = 0; i < format.size(); ++i) {
    if (format[i] != '%') {
      out.push_back(format[i]);
      continue;
    }
    if (i + 1 < format.size() && format[i + 1] == '%') {
      out.push_back('%');
      ++i;
      continue;
    }
    size_t j = i + 1;
    const bool zero_pad = j < format.size() && format[j] == '0';
    if (zero_pad) ++j;
    size_t width = 0;
    while (j < format.size() && format[j] >= '0' && format[j] <= '9' && width < 100) width = width * 10 + (format[j++] - '0');
    if (j < format.size() && (format[j] == 'd' || format[j] == 'x')) {
      std::string digits = format[j] == 'd' ? absl::StrCat(index) : absl::StrCat(absl::Hex(index));
      if (digits.size() < width) digits.insert(0, width - digits.size(), zero_pad ? '0' : ' ');
      out += digits;
      i = j;
      continue;
    }
    out.push_back('%');  // not a conversion we know: keep it literally
  }
  return out;
}

// ---- Session --------------------------------------------------------------------

struct Emulator::Session final : ppp::PacketSink, PppClientListener {
  Session(Emulator& e, uint32_t i) : emu(e), slot(i) {}

  void send(uint16_t protocol, absl::Span<const uint8_t> packet) override { emu.send_ppp(*this, protocol, packet); }
  void on_ppp_up() override { emu.session_ppp_up(*this); }
  void on_ppp_down(PppClientEnd reason) override { emu.session_ppp_down(*this, reason); }

  Emulator& emu;
  uint32_t slot;  // position in sessions_
  SessionRecord record;
  std::unique_ptr<PppClient> ppp;
  std::optional<Ipv6Prefix> ipv6_prefix;  // from ipv6_prefix_format
  std::optional<TimePoint> scheduled;
  bool in_flight = false;
  bool resolved = false;
};

// ---- Emulator -------------------------------------------------------------------

Emulator::Emulator(const Clock& clock, EmulatorConfig config, EmulatorNetwork& network)
    : clock_(clock), config_(std::move(config)), network_(network), rng_(config_.seed) {
  const uint32_t per_tunnel = std::min<uint32_t>(config_.sessions_per_tunnel, 65535);
  config_.sessions_per_tunnel = per_tunnel;
  config_.tunnels = std::min<uint32_t>(config_.tunnels, 65535);
  config_.max_setup_in_flight = std::max<uint32_t>(config_.max_setup_in_flight, 1);
  for (uint32_t t = 0; t < config_.tunnels; ++t) {
    LacTunnelConfig tc;
    tc.tunnel_id = static_cast<uint16_t>(t + 1);
    tc.host_name = config_.host_name;
    tc.secret = config_.secret;
    tc.hide_avps = config_.hide_avps;
    tc.channel = config_.channel;
    TunnelOutput& output = *this;
    LacTunnelListener& listener = *this;
    tunnels_.push_back(std::make_unique<LacTunnel>(clock_, std::move(tc), output, listener));
  }
  tunnel_end_.resize(config_.tunnels);
  tunnel_went_up_.assign(config_.tunnels, false);
  next_call_.assign(config_.tunnels, 0);
  calling_.assign(config_.tunnels, 0);
  config_.max_calling_per_tunnel = std::max<uint32_t>(config_.max_calling_per_tunnel, 1);
  for (uint32_t t = 0; t < config_.tunnels; ++t) {
    for (uint32_t k = 0; k < per_tunnel; ++k) {
      auto s = std::make_unique<Session>(*this, static_cast<uint32_t>(sessions_.size()));
      s->record.index = config_.first_index + s->slot;
      s->record.tunnel_index = t;
      s->record.session_id = static_cast<uint16_t>(k + 1);
      s->record.user = format_user(config_.user_format, s->record.index);
      if (ipv6_probes()) {
        absl::StatusOr<Ipv6Prefix> prefix = session_ipv6_prefix(config_.ipv6_prefix_format, s->record.index);
        if (prefix.ok()) {
          s->ipv6_prefix = *prefix;
        } else {  // the session sends no IPv6 probes, and the report shows them missing
          LNS_LOG_WARN("%s", std::string(prefix.status().message()));
        }
      }
      sessions_.push_back(std::move(s));
    }
  }
}

Emulator::~Emulator() = default;

const SessionRecord& Emulator::session(size_t i) const { return sessions_[i]->record; }

void Emulator::start() {
  started_at_ = clock_.now();
  phase_deadline_ = started_at_ + config_.setup_timeout;
  for (auto& t : tunnels_) t->open();
  advance();
}

Emulator::Session* Emulator::find_session(uint16_t tunnel_id, uint16_t session_id) {
  if (tunnel_id == 0 || tunnel_id > tunnels_.size()) return nullptr;
  if (session_id == 0 || session_id > config_.sessions_per_tunnel) return nullptr;
  return sessions_[(tunnel_id - 1) * size_t{config_.sessions_per_tunnel} + (session_id - 1)].get();
}

bool Emulator::drop_control(absl::Span<const uint8_t> datagram) {
  if (config_.control_drop_percent <= 0 || datagram.empty() || !(datagram[0] & kL2tpFlagType)) return false;
  std::uniform_real_distribution<double> u(0, 100);
  if (u(rng_) >= config_.control_drop_percent) return false;
  ++control_dropped_;
  return true;
}

bool Emulator::send_to_lns(uint16_t tunnel_id, absl::Span<const uint8_t> datagram) {
  if (drop_control(datagram)) return true;  // lost on the way, as far as anyone can tell
  return network_.send(tunnel_id - 1u, datagram);
}

void Emulator::on_datagram(uint32_t tunnel_index, absl::Span<const uint8_t> datagram) {
  if (tunnel_index >= tunnels_.size() || drop_control(datagram)) return;
  tunnels_[tunnel_index]->receive(datagram);
}

// ---- Setup ------------------------------------------------------------------------

void Emulator::launch_sessions() {
  if (phase_ != EmulatorPhase::kSetup) return;
  const uint32_t n = static_cast<uint32_t>(tunnels_.size());
  uint32_t idle_visits = 0;
  while (in_flight_ < config_.max_setup_in_flight && idle_visits < n) {
    const uint32_t t = launch_cursor_;
    launch_cursor_ = (launch_cursor_ + 1) % n;
    LacTunnel& tunnel = *tunnels_[t];
    if (tunnel.state() != LacTunnelState::kEstablished || next_call_[t] >= config_.sessions_per_tunnel ||
        calling_[t] >= config_.max_calling_per_tunnel) {
      ++idle_visits;
      continue;
    }
    idle_visits = 0;
    Session& s = *sessions_[t * size_t{config_.sessions_per_tunnel} + next_call_[t]++];
    if (s.record.state != SessionState::kPending) continue;
    if (!first_call_at_) first_call_at_ = clock_.now();
    s.record.state = SessionState::kCalling;
    s.in_flight = true;
    ++in_flight_;
    ++calling_[t];
    tunnel.place_call(s.record.session_id, s.record.index, absl::StrCat("emu-", s.record.index));
  }
}

void Emulator::on_tunnel_up(uint16_t tunnel_id) {
  tunnel_went_up_[tunnel_id - 1] = true;
  launch_sessions();
}

void Emulator::on_tunnel_down(uint16_t tunnel_id, const ClearReason& why) {
  const uint32_t t = tunnel_id - 1u;
  tunnel_end_[t] = why;
  const std::string reason = absl::StrCat("tunnel-", describe(why));
  for (uint32_t k = 0; k < config_.sessions_per_tunnel; ++k) {
    Session& s = *sessions_[t * size_t{config_.sessions_per_tunnel} + k];
    switch (s.record.state) {
      case SessionState::kPending:
      case SessionState::kCalling:
      case SessionState::kNegotiating:
        resolve_failed(s, reason);
        break;
      case SessionState::kUp:
        end_session(s, SessionState::kDown, reason);
        break;
      default:
        break;
    }
    if (s.ppp) {
      s.ppp->lower_down();
      schedule(s);
    }
  }
  launch_sessions();
}

void Emulator::on_call_connected(uint16_t tunnel_id, uint16_t session_id) {
  Session* s = find_session(tunnel_id, session_id);
  if (s == nullptr || s->record.state != SessionState::kCalling) return;
  const LacTunnel& tunnel = *tunnels_[tunnel_id - 1];
  --calling_[tunnel_id - 1];
  s->record.state = SessionState::kNegotiating;
  s->record.lns_tunnel_id = tunnel.lns_id();
  s->record.lns_session_id = tunnel.lns_session_id(session_id);
  s->record.connected = true;
  if (!config_.run_ppp) {
    mark_up(*s);
    return;
  }

  PppClientConfig pc;
  pc.lcp.fsm = config_.ppp_fsm;
  pc.lcp.auth = config_.auth;
  pc.lcp.mru = config_.mru;
  pc.lcp.echo_interval = config_.echo_interval;
  pc.ipcp.fsm = config_.ppp_fsm;
  pc.ipcp.request_dns = config_.request_dns;
  pc.ipv6 = config_.ipv6;
  pc.ipv6cp.fsm = config_.ppp_fsm;
  pc.passive_wait = config_.passive_wait;
  s->ppp = std::make_unique<PppClient>(pc, Credentials{s->record.user, config_.password}, clock_, *s, rng_, *s);
  s->ppp->start();
  schedule(*s);
  launch_sessions();  // a calling slot on this tunnel is free again
}

void Emulator::on_call_cleared(uint16_t tunnel_id, uint16_t session_id, const ClearReason& why) {
  Session* s = find_session(tunnel_id, session_id);
  if (s == nullptr) return;
  s->record.cdn = why.result.value_or(l2tp::ResultCode{});
  const std::string reason = describe(why);
  switch (s->record.state) {
    case SessionState::kCalling:
    case SessionState::kNegotiating:
      resolve_failed(*s, reason);
      break;
    case SessionState::kUp:
      end_session(*s, SessionState::kDown, reason);
      break;
    default:
      break;
  }
  if (s->ppp) {
    s->ppp->lower_down();
    schedule(*s);
  }
  launch_sessions();
}

void Emulator::resolve_failed(Session& s, const std::string& reason) {
  if (s.resolved) return;
  if (s.record.state == SessionState::kCalling) --calling_[s.record.tunnel_index];
  s.resolved = true;
  ++resolved_;
  if (s.in_flight) {
    s.in_flight = false;
    --in_flight_;
  }
  s.record.state = SessionState::kFailed;
  s.record.reason = reason;
}

void Emulator::end_session(Session& s, SessionState state, const std::string& reason) {
  if (s.record.state == SessionState::kUp) --up_now_;
  s.record.state = state;
  if (s.record.reason.empty()) s.record.reason = reason;
}

// ---- PPP ---------------------------------------------------------------------------

void Emulator::send_ppp(Session& s, uint16_t protocol, absl::Span<const uint8_t> packet) {
  tunnels_[s.record.tunnel_index]->send_ppp(s.record.session_id, protocol, packet);
}

void Emulator::session_ppp_up(Session& s) {
  if (s.record.state != SessionState::kNegotiating) return;
  s.record.ipv4 = s.ppp->ipv4_address();
  if (s.ipv6_prefix && s.ppp->ipv6_up())
    s.record.ipv6 = subscriber_ipv6_address(*s.ipv6_prefix, s.ppp->ipv6cp().local_interface_id());
  if (!config_.answer_echo) s.ppp->set_answer_echo(false);
  mark_up(s);
}

void Emulator::mark_up(Session& s) {
  s.record.state = SessionState::kUp;
  s.resolved = true;
  ++resolved_;
  ++up_now_;
  if (s.in_flight) {
    s.in_flight = false;
    --in_flight_;
  }
  last_up_at_ = clock_.now();
  launch_sessions();
}

void Emulator::session_ppp_down(Session& s, PppClientEnd reason) {
  switch (s.record.state) {
    case SessionState::kCalling:
    case SessionState::kNegotiating:
      resolve_failed(s, std::string(to_string(reason)));
      launch_sessions();
      break;
    case SessionState::kUp:
      end_session(s, SessionState::kDown, std::string(to_string(reason)));
      break;
    default:
      break;
  }
}

void Emulator::on_ppp_frame(uint16_t tunnel_id, uint16_t session_id, absl::Span<const uint8_t> frame) {
  Session* s = find_session(tunnel_id, session_id);
  if (s == nullptr || !s->ppp) return;
  PppHeader header;
  const bool parsed = parse_ppp_header(frame.data(), static_cast<uint32_t>(frame.size()), &header);
  if (parsed && header.protocol == kPppIpv6) {
    on_returned_ipv6(*s, frame.subspan(header.length));
    return;
  }
  if (parsed && header.protocol == kPppIpv4) {
    const std::optional<Probe> probe = parse_probe(frame.subspan(header.length));
    if (!probe) return;
    if (probe->session_index == s->record.index && probe->destination == s->record.ipv4) {
      ++s->record.returned;
      ++packets_returned_;
    } else {
      ++packets_misdelivered_;
    }
    return;
  }
  (void)s->ppp->receive_frame(frame);  // malformed control frames are the LNS's bug, not ours to stop on
  schedule(*s);
}

void Emulator::on_returned_ipv6(Session& s, absl::Span<const uint8_t> packet) {
  const std::optional<Ipv6Probe> probe = parse_probe_ipv6(packet);
  if (!probe) return;
  if (probe->session_index == s.record.index && s.record.ipv6 && probe->destination == *s.record.ipv6) {
    ++s.record.ipv6_returned;
    ++ipv6_returned_;
  } else {
    ++ipv6_misdelivered_;
  }
}

bool Emulator::on_core_packet(absl::Span<const uint8_t> ip_packet) {
  if (!ip_packet.empty() && (ip_packet[0] >> 4) == 6) return on_core_ipv6(ip_packet);
  const std::optional<Probe> probe = parse_probe(ip_packet);
  if (!probe || probe->session_index < config_.first_index) return false;
  const uint64_t slot = uint64_t{probe->session_index} - config_.first_index;
  if (slot >= sessions_.size()) return false;
  Session& s = *sessions_[slot];
  if (s.record.ipv4 == 0 || probe->source != s.record.ipv4) return false;
  ++s.record.at_core;
  ++packets_at_core_;
  return true;
}

bool Emulator::on_core_ipv6(absl::Span<const uint8_t> packet) {
  const std::optional<Ipv6Probe> probe = parse_probe_ipv6(packet);
  if (!probe || probe->session_index < config_.first_index) return false;
  const uint64_t slot = uint64_t{probe->session_index} - config_.first_index;
  if (slot >= sessions_.size()) return false;
  Session& s = *sessions_[slot];
  if (!s.record.ipv6 || probe->source != *s.record.ipv6) return false;
  ++s.record.ipv6_at_core;
  ++ipv6_at_core_;
  return true;
}

// ---- Timers --------------------------------------------------------------------------

void Emulator::schedule(Session& s) {
  const std::optional<TimePoint> next = s.ppp ? s.ppp->next_deadline() : std::nullopt;
  if (next == s.scheduled) return;
  if (s.scheduled) timers_.erase({*s.scheduled, s.slot});
  s.scheduled = next;
  if (next) timers_.insert({*next, s.slot});
}

void Emulator::run_session_timers(TimePoint now) {
  std::vector<uint32_t> due;
  while (!timers_.empty() && timers_.begin()->first <= now) {
    due.push_back(timers_.begin()->second);
    sessions_[due.back()]->scheduled.reset();
    timers_.erase(timers_.begin());
  }
  for (uint32_t slot : due) {
    Session& s = *sessions_[slot];
    s.ppp->poll();
    schedule(s);
  }
}

void Emulator::poll() {
  const TimePoint now = clock_.now();
  for (auto& t : tunnels_) {
    const std::optional<TimePoint> d = t->next_deadline();
    if (d && *d <= now) t->on_timer();
  }
  run_session_timers(now);
  advance();
}

std::optional<TimePoint> Emulator::next_deadline() const {
  std::optional<TimePoint> d = phase_deadline_;
  auto earliest = [&d](std::optional<TimePoint> t) {
    if (t && (!d || *t < *d)) d = t;
  };
  for (const auto& t : tunnels_) earliest(t->next_deadline());
  if (!timers_.empty()) earliest(timers_.begin()->first);
  if (phase_ == EmulatorPhase::kTraffic) {
    if (traffic_retry_at_) {
      earliest(traffic_retry_at_);
    } else if (traffic_cursor_ < traffic_total_) {
      earliest(std::max(probe_due(traffic_cursor_), clock_.now()));
    }
  }
  return d;
}

// ---- Phases -------------------------------------------------------------------------

void Emulator::enter(EmulatorPhase phase) {
  phase_ = phase;
  phase_deadline_.reset();
  const TimePoint now = clock_.now();
  LNS_LOG_DEBUG("emulator: %s (%u sessions up)", std::string(to_string(phase)), up_now_);
  switch (phase) {
    case EmulatorPhase::kTraffic:
      traffic_started_ = now;
      for (const auto& s : sessions_) {
        if (s->record.state != SessionState::kUp) continue;
        traffic_flows_.push_back(ProbeFlow{s->slot, false});
        if (s->record.ipv6) traffic_flows_.push_back(ProbeFlow{s->slot, true});
      }
      traffic_total_ = uint64_t{config_.traffic_packets} * traffic_flows_.size();
      break;
    case EmulatorPhase::kDrain:
      phase_deadline_ = now + config_.drain_time;
      break;
    case EmulatorPhase::kHold:
      phase_deadline_ = now + config_.hold;
      break;
    case EmulatorPhase::kTeardown:
      phase_deadline_ = now + config_.teardown_timeout;
      begin_teardown();
      break;
    case EmulatorPhase::kLinger:
      // Long enough for the channels' delayed acks of the LNS's last messages.
      phase_deadline_ = now + 2 * config_.channel.ack_delay;
      break;
    case EmulatorPhase::kDone:
      finished_at_ = now;
      break;
    default:
      break;
  }
}

void Emulator::request_teardown() {
  if (phase_ >= EmulatorPhase::kTeardown) return;
  for (auto& s : sessions_) {
    if (!s->resolved) resolve_failed(*s, "interrupted");
  }
  enter(EmulatorPhase::kTeardown);
  advance();
}

void Emulator::advance() {
  const TimePoint now = clock_.now();
  const bool timed_out = phase_deadline_ && now >= *phase_deadline_;
  switch (phase_) {
    case EmulatorPhase::kSetup:
      if (resolved_ < sessions_.size() && !timed_out) return;
      if (!timed_out && awaiting_lns_clear()) {
        // Give the LNS a moment to clear refused calls itself, so the
        // report shows its CDNs rather than our teardown's.
        if (!settling_) {
          settling_ = true;
          phase_deadline_ = std::min(*phase_deadline_, now + config_.settle_time);
        }
        return;
      }
      for (auto& s : sessions_) {
        if (!s->resolved) resolve_failed(*s, "setup-timeout");
      }
      if (config_.traffic_packets > 0 && up_now_ > 0) {
        enter(EmulatorPhase::kTraffic);
        advance();
      } else {
        enter(EmulatorPhase::kHold);
        advance();
      }
      return;
    case EmulatorPhase::kTraffic:
      send_probes(now);
      if (traffic_cursor_ >= traffic_total_) {
        enter(EmulatorPhase::kDrain);
        advance();
      }
      return;
    case EmulatorPhase::kDrain:
      if (packets_returned_ + ipv6_returned_ < packets_sent_ + ipv6_sent_ && !timed_out) return;
      enter(EmulatorPhase::kHold);
      advance();
      return;
    case EmulatorPhase::kHold:
      // Nothing left to hold once the LNS has ended every session.
      if (!timed_out && up_now_ > 0) return;
      enter(EmulatorPhase::kTeardown);
      advance();
      return;
    case EmulatorPhase::kTeardown:
      continue_teardown();
      if (!timed_out) {
        for (const auto& t : tunnels_) {
          const LacTunnelState st = t->state();
          if (st == LacTunnelState::kEstablished) return;
          if (st == LacTunnelState::kClosing && !t->quiet()) return;
        }
      }
      enter(EmulatorPhase::kLinger);
      advance();
      return;
    case EmulatorPhase::kLinger:
      if (timed_out) enter(EmulatorPhase::kDone);
      return;
    case EmulatorPhase::kDone:
      return;
  }
}

TimePoint Emulator::probe_due(uint64_t k) const {
  if (config_.traffic_rate <= 0) return traffic_started_;
  return traffic_started_ +
         std::chrono::duration_cast<Duration>(std::chrono::duration<double>(static_cast<double>(k) / config_.traffic_rate));
}

bool Emulator::awaiting_lns_clear() const {
  for (const auto& s : sessions_) {
    if (s->record.state == SessionState::kFailed &&
        tunnels_[s->record.tunnel_index]->call_open(s->record.session_id))
      return true;
  }
  return false;
}

void Emulator::send_probes(TimePoint now) {
  if (traffic_retry_at_) {
    if (now < *traffic_retry_at_) return;
    traffic_retry_at_.reset();
  }
  uint64_t allowed = std::min(traffic_total_ - traffic_cursor_, kProbeBurst);
  const uint64_t n = traffic_flows_.size();
  for (; allowed > 0 && probe_due(traffic_cursor_) <= now; --allowed) {
    const ProbeFlow flow = traffic_flows_[traffic_cursor_ % n];
    Session& s = *sessions_[flow.slot];
    const uint32_t sequence = static_cast<uint32_t>(traffic_cursor_ / n);
    if (s.record.state != SessionState::kUp) {
      ++traffic_cursor_;  // gone since traffic started: nothing to send it through
      continue;
    }
    if (flow.ipv6) {
      build_probe_ipv6(Ipv6Probe{*s.record.ipv6, config_.far_ipv6, s.record.index, sequence}, config_.packet_size,
                       probe_buffer_);
    } else {
      build_probe(Probe{s.record.ipv4, config_.far_address, s.record.index, sequence}, config_.packet_size,
                  probe_buffer_);
    }
    if (!tunnels_[s.record.tunnel_index]->send_ppp(s.record.session_id, flow.ipv6 ? kPppIpv6 : kPppIpv4,
                                                   probe_buffer_)) {
      traffic_retry_at_ = now + kSendRetry;
      return;
    }
    if (flow.ipv6) {
      ++s.record.ipv6_sent;
      ++ipv6_sent_;
    } else {
      ++s.record.sent;
      ++packets_sent_;
    }
    ++traffic_cursor_;
  }
}

void Emulator::begin_teardown() {
  const l2tp::ResultCode cdn{static_cast<uint16_t>(l2tp::CdnResult::kAdministrative), std::nullopt, ""};
  for (auto& s : sessions_) {
    if (s->record.state == SessionState::kUp) end_session(*s, SessionState::kCleared, "");
    if (s->ppp) {
      s->ppp->lower_down();
      schedule(*s);
    }
    LacTunnel& tunnel = *tunnels_[s->record.tunnel_index];
    if (!config_.fast_teardown && tunnel.call_open(s->record.session_id)) tunnel.clear_call(s->record.session_id, cdn);
  }
  continue_teardown();
}

void Emulator::continue_teardown() {
  const l2tp::ResultCode stop{static_cast<uint16_t>(l2tp::StopCcnResult::kGeneralClearRequest), std::nullopt, ""};
  for (auto& t : tunnels_) {
    // Once the CDNs are acknowledged (at once with fast teardown).
    if (t->state() == LacTunnelState::kEstablished && (config_.fast_teardown || t->quiet())) t->stop(stop);
  }
}

// ---- Report ----------------------------------------------------------------------------

EmulatorReport Emulator::report() const {
  EmulatorReport r;
  r.expect_fail = config_.expect_fail;
  r.tunnels_attempted = static_cast<uint32_t>(tunnels_.size());
  for (size_t t = 0; t < tunnels_.size(); ++t) {
    if (tunnel_went_up_[t]) ++r.tunnels_up;
    if (!tunnel_end_[t].what.empty()) {
      const std::string key = describe(tunnel_end_[t]);
      ++r.tunnel_close_reasons[key];
      if (tunnel_end_[t].result && !tunnel_end_[t].result->message.empty())
        r.tunnel_close_messages.emplace(key, tunnel_end_[t].result->message);
    }
    r.control_retransmissions += tunnels_[t]->channel().stats().retransmitted;
  }
  r.sessions_attempted = static_cast<uint32_t>(sessions_.size());
  for (const auto& s : sessions_) {
    const SessionRecord& rec = s->record;
    switch (rec.state) {
      case SessionState::kUp:
      case SessionState::kCleared:
        ++r.sessions_up;
        break;
      case SessionState::kDown:
        ++r.sessions_up;
        ++r.sessions_closed_by_lns;
        // The LNS's CDN says more than the PPP symptom that preceded it.
        ++r.close_reasons[rec.cdn ? absl::StrCat("cdn:", result_key(rec.cdn)) : rec.reason];
        break;
      case SessionState::kFailed:
        ++r.sessions_failed;
        ++r.failure_reasons[rec.reason];
        break;
      case SessionState::kPending:
      case SessionState::kCalling:
      case SessionState::kNegotiating:
        ++r.sessions_failed;
        ++r.failure_reasons["unfinished"];
        break;
    }
    if (rec.connected) ++r.calls_connected;
    if (rec.cdn) {
      const std::string key = result_key(rec.cdn);
      ++r.cdn_results[key];
      if (!rec.cdn->message.empty()) r.cdn_messages.emplace(key, rec.cdn->message);
    }
    if (s->ppp) {
      r.echo_requests += s->ppp->lcp().echo_requests_received();
      r.echo_replies += s->ppp->lcp().echo_replies_sent();
      r.echo_requests_sent += s->ppp->lcp().echo_requests_sent();
      r.echo_replies_received += s->ppp->lcp().echo_replies_received();
    }
    r.sessions.push_back(rec);
  }
  if (first_call_at_ && last_up_at_) {
    r.setup_seconds = seconds(*last_up_at_ - *first_call_at_);
    if (r.setup_seconds > 0) r.setup_rate = r.sessions_up / r.setup_seconds;
  }
  r.total_seconds = seconds(finished_at_.value_or(clock_.now()) - started_at_);
  r.packets_sent = packets_sent_;
  r.packets_at_core = packets_at_core_;
  r.packets_returned = packets_returned_;
  r.packets_lost = packets_sent_ > packets_returned_ ? packets_sent_ - packets_returned_ : 0;
  r.loss_percent = packets_sent_ ? 100.0 * r.packets_lost / packets_sent_ : 0;
  r.packets_misdelivered = packets_misdelivered_;
  r.control_dropped = control_dropped_;
  r.traffic_checked = config_.traffic_packets > 0;
  TrafficCounts& v6 = r.ipv6_traffic;
  v6.sent = ipv6_sent_;
  v6.at_core = ipv6_at_core_;
  v6.returned = ipv6_returned_;
  v6.lost = ipv6_sent_ > ipv6_returned_ ? ipv6_sent_ - ipv6_returned_ : 0;
  v6.loss_percent = ipv6_sent_ ? 100.0 * v6.lost / ipv6_sent_ : 0;
  v6.misdelivered = ipv6_misdelivered_;
  r.ipv6_traffic_checked = r.traffic_checked && ipv6_probes();

  if (config_.expect_fail) {
    r.success = r.sessions_up == 0 && r.sessions_failed == r.sessions_attempted;
  } else {
    const uint64_t expected = uint64_t{config_.traffic_packets} * r.sessions_up;
    r.success = r.sessions_attempted > 0 && r.sessions_up == r.sessions_attempted &&
                (!r.traffic_checked ||
                 (r.packets_sent == expected && r.packets_returned == expected && r.packets_misdelivered == 0)) &&
                (!r.ipv6_traffic_checked ||
                 (v6.sent == expected && v6.returned == expected && v6.misdelivered == 0));
  }
  return r;
}

}  // namespace lns::emu
