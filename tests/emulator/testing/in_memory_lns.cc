#include "tests/emulator/testing/in_memory_lns.h"

#include <utility>

#include "common/byte_order.h"
#include "common/l2tp_header.h"
#include "common/ppp_header.h"
#include "tests/emulator/probe_packet.h"
#include "tests/emulator/probe_packet_ipv6.h"

namespace lns::emu::testing {
namespace {

constexpr uint32_t kLacAddress = 0xC0000202;  // 192.0.2.2
constexpr uint16_t kFirstLacPort = 10000;
constexpr uint64_t kStallLimit = 1'000'000;

bool in_prefix(const Ipv6Address& a, const Ipv6Prefix& p) {
  for (uint32_t bit = 0; bit < p.length; ++bit) {
    const uint8_t mask = static_cast<uint8_t>(0x80 >> (bit % 8));
    if ((a[bit / 8] & mask) != (p.address[bit / 8] & mask)) return false;
  }
  return true;
}

}  // namespace

l2tp::PeerAddress emulated_lac_address(uint32_t tunnel_index) {
  return l2tp::PeerAddress{kLacAddress, static_cast<uint16_t>(kFirstLacPort + tunnel_index)};
}

class InMemoryLns::Verifier final : public ppp::AuthVerifier {
 public:
  explicit Verifier(const std::map<std::string, std::string>& users) : users_(users) {}
  void check_password(std::string_view user, std::string_view password, std::function<void(bool)> done) override {
    auto it = users_.find(std::string(user));
    done(it != users_.end() && it->second == password);
  }
  void lookup_secret(std::string_view user, std::function<void(std::optional<std::string>)> done) override {
    auto it = users_.find(std::string(user));
    done(it == users_.end() ? std::nullopt : std::optional<std::string>(it->second));
  }

 private:
  const std::map<std::string, std::string>& users_;
};

struct InMemoryLns::Subscriber final : ppp::PacketSink, ppp::PppSessionListener {
  Subscriber(InMemoryLns& l, const l2tp::SessionInfo& i) : lns(l), info(i) {}

  void send(uint16_t protocol, absl::Span<const uint8_t> packet) override { lns.to_subscriber(*this, protocol, packet); }
  void on_authenticated(const std::string& name) override {
    user = name;
    ++lns.stats_.authenticated;
  }
  void on_ipv4_up(uint32_t address) override {
    ipv4 = address;
    lns.by_address_[address] = this;
    ++lns.stats_.ipv4_up;
  }
  void on_ipv4_down() override { lns.by_address_.erase(ipv4); }
  void on_ipv6_up(uint64_t, uint64_t) override {
    auto it = lns.config_.ipv6_prefixes.find(user);
    if (it == lns.config_.ipv6_prefixes.end()) return;
    ipv6_prefix = it->second;
    ++lns.stats_.ipv6_up;
  }
  void on_ipv6_down() override { ipv6_prefix.reset(); }
  void on_down(ppp::PppDownReason reason) override {
    ++lns.stats_.ppp_down;
    ++lns.stats_.ppp_down_reasons[std::string(ppp::to_string(reason))];
    if (closed_by_l2tp) return;
    // What lnsd does: PPP is over, so is the call. Not from inside PPP.
    const l2tp::SessionKey k = info.key;
    const bool carrier = reason == ppp::PppDownReason::kEchoTimeout || reason == ppp::PppDownReason::kPeerTerminated;
    const uint16_t result = static_cast<uint16_t>(carrier ? l2tp::CdnResult::kLostCarrier
                                                          : l2tp::CdnResult::kAdministrative);
    const std::string message(ppp::to_string(reason));
    InMemoryLns& l = lns;
    l.deferred_.push_back([&l, k, result, message] { (void)l.engine_->terminate_session(k, result, 0, message); });
  }

  InMemoryLns& lns;
  l2tp::SessionInfo info;
  std::unique_ptr<ppp::PppSession> ppp;
  uint32_t ipv4 = 0;
  std::string user;
  std::optional<Ipv6Prefix> ipv6_prefix;  // routed while IPv6CP is open
  bool closed_by_l2tp = false;
};

InMemoryLns::InMemoryLns(FakeClock& clock, InMemoryLnsConfig config)
    : clock_(clock),
      config_(std::move(config)),
      verifier_(std::make_unique<Verifier>(config_.users)),
      next_address_(config_.first_address) {
  l2tp::DatagramSink& sink = *this;
  l2tp::SessionEvents& events = *this;
  engine_ = std::make_unique<l2tp::LnsEngine>(clock_, config_.l2tp, sink, events);
}

InMemoryLns::~InMemoryLns() = default;

bool InMemoryLns::send(uint32_t tunnel_index, absl::Span<const uint8_t> datagram) {
  queue_.emplace(std::make_pair(clock_.now() + config_.delay, sequence_++),
                 Datagram{true, tunnel_index, std::vector<uint8_t>(datagram.begin(), datagram.end())});
  return true;
}

void InMemoryLns::send(const l2tp::PeerAddress& to, std::vector<uint8_t> udp_payload) {
  queue_.emplace(std::make_pair(clock_.now() + config_.delay, sequence_++),
                 Datagram{false, static_cast<uint32_t>(to.port - kFirstLacPort), std::move(udp_payload)});
}

void InMemoryLns::on_session_established(const l2tp::SessionInfo& info) {
  auto s = std::make_unique<Subscriber>(*this, info);
  Subscriber& sub = *s;
  ppp::Ipv4Allocator allocate = [this](const std::string& user) -> std::optional<uint32_t> {
    auto [it, inserted] = addresses_.try_emplace(user, next_address_);
    if (inserted) ++next_address_;
    return it->second;
  };
  sub.ppp = std::make_unique<ppp::PppSession>(config_.ppp, clock_, sub, rng_, *verifier_, std::move(allocate), sub);
  subscribers_[info.key] = std::move(s);
  ++stats_.ppp_sessions_started;
  sub.ppp->start();
}

void InMemoryLns::on_session_closed(const l2tp::SessionInfo& info, const l2tp::CloseReason&) {
  auto it = subscribers_.find(info.key);
  if (it == subscribers_.end()) return;
  Subscriber* s = it->second.get();
  s->closed_by_l2tp = true;
  s->ppp->lower_down();
  if (s->ipv4 != 0) by_address_.erase(s->ipv4);
  const l2tp::SessionKey key = info.key;
  // The PPP session may be mid-callback: free it from the event loop.
  deferred_.push_back([this, key] { subscribers_.erase(key); });
}

void InMemoryLns::on_tunnel_closed(const l2tp::TunnelInfo& info, const l2tp::CloseReason& why) {
  std::vector<l2tp::SessionInfo> gone;
  for (const auto& [key, s] : subscribers_)
    if (key.tunnel_id == info.tunnel_id && !s->closed_by_l2tp) gone.push_back(s->info);
  for (const auto& s : gone) on_session_closed(s, why);
}

void InMemoryLns::to_subscriber(Subscriber& s, uint16_t protocol, absl::Span<const uint8_t> information) {
  std::vector<uint8_t> d(6 + 4 + information.size());
  d[0] = 0x00;
  d[1] = kL2tpVersion;
  store_be16(d.data() + 2, s.info.peer_tunnel_id);
  store_be16(d.data() + 4, s.info.peer_session_id);
  d[6] = 0xFF;
  d[7] = 0x03;
  store_be16(d.data() + 8, protocol);
  std::copy(information.begin(), information.end(), d.begin() + 10);
  send(s.info.peer, std::move(d));
}

void InMemoryLns::to_lns_data(uint32_t tunnel_index, absl::Span<const uint8_t> datagram) {
  L2tpHeader h;
  if (parse_l2tp_header(datagram.data(), static_cast<uint32_t>(datagram.size()), &h) != L2tpHeaderStatus::kOk) {
    ++stats_.data_dropped;
    return;
  }
  auto it = subscribers_.find(l2tp::SessionKey{h.tunnel_id, h.session_id});
  if (it == subscribers_.end() || it->second->closed_by_l2tp ||
      it->second->info.peer != emulated_lac_address(tunnel_index)) {
    ++stats_.data_dropped;
    return;
  }
  Subscriber& s = *it->second;
  const auto frame = datagram.subspan(h.payload_offset, h.payload_length);
  PppHeader ph;
  if (!parse_ppp_header(frame.data(), static_cast<uint32_t>(frame.size()), &ph)) {
    ++stats_.data_dropped;
    return;
  }
  if (ph.protocol == kPppIpv6) {
    forward_ipv6(s, std::vector<uint8_t>(frame.begin() + ph.length, frame.end()));
    return;
  }
  if (ph.protocol != kPppIpv4) {
    (void)s.ppp->receive_frame(frame);
    return;
  }
  // The data plane: only a routed subscriber's own source address passes.
  std::vector<uint8_t> packet(frame.begin() + ph.length, frame.end());
  const std::optional<Probe> probe = parse_probe(packet);
  if (s.ipv4 == 0 || !probe || probe->source != s.ipv4) {
    ++stats_.data_dropped;
    return;
  }
  if (emulator_ == nullptr || !emulator_->on_core_packet(packet)) return;
  ++stats_.probes_forwarded;
  if (!config_.reflect_probes || !reflect_probe(absl::MakeSpan(packet))) return;
  auto back = by_address_.find(probe->source);
  if (back == by_address_.end()) return;
  to_subscriber(*back->second, kPppIpv4, packet);
}

void InMemoryLns::forward_ipv6(Subscriber& s, std::vector<uint8_t> packet) {
  const std::optional<Ipv6Probe> probe = parse_probe_ipv6(packet);
  if (!s.ipv6_prefix || !probe) {
    ++stats_.data_dropped;
    return;
  }
  if (!in_prefix(probe->source, *s.ipv6_prefix)) {
    ++stats_.ipv6_spoofed;
    ++stats_.data_dropped;
    return;
  }
  if (emulator_ == nullptr || !emulator_->on_core_packet(packet)) return;
  ++stats_.probes_forwarded;
  if (!config_.reflect_probes || !reflect_probe_ipv6(absl::MakeSpan(packet))) return;
  // Downstream: whichever session's prefix holds the destination.
  for (auto& [key, other] : subscribers_) {
    if (other->closed_by_l2tp || !other->ipv6_prefix || !in_prefix(probe->source, *other->ipv6_prefix)) continue;
    to_subscriber(*other, kPppIpv6, packet);
    return;
  }
}

void InMemoryLns::deliver(Datagram d) {
  if (!d.to_lns) {
    if (emulator_ != nullptr) emulator_->on_datagram(d.tunnel_index, d.bytes);
    return;
  }
  if (!d.bytes.empty() && (d.bytes[0] & kL2tpFlagType)) {
    engine_->on_datagram(emulated_lac_address(d.tunnel_index), d.bytes);
  } else {
    to_lns_data(d.tunnel_index, d.bytes);
  }
}

void InMemoryLns::run_deferred() {
  while (!deferred_.empty()) {
    std::vector<std::function<void()>> work;
    work.swap(deferred_);
    for (auto& f : work) f();
  }
}

std::optional<TimePoint> InMemoryLns::next_event() const {
  std::optional<TimePoint> t;
  auto earliest = [&t](std::optional<TimePoint> d) {
    if (d && (!t || *d < *t)) t = d;
  };
  if (!queue_.empty()) earliest(queue_.begin()->first.first);
  earliest(engine_->next_deadline());
  if (emulator_ != nullptr) earliest(emulator_->next_deadline());
  for (const auto& [key, s] : subscribers_) earliest(s->ppp->next_deadline());
  return t;
}

bool InMemoryLns::run_until(const std::function<bool()>& done, TimePoint limit) {
  uint64_t spins = 0;
  TimePoint last = clock_.now();
  while (!done()) {
    const std::optional<TimePoint> next = next_event();
    if (!next || *next > limit) {
      if (clock_.now() < limit) clock_.set(limit);
      return done();
    }
    if (*next > clock_.now()) clock_.set(*next);
    const TimePoint now = clock_.now();
    spins = now == last ? spins + 1 : 0;
    last = now;
    if (spins > kStallLimit) {
      ++stats_.stalls;
      return done();
    }
    while (!queue_.empty() && queue_.begin()->first.first <= now) {
      Datagram d = std::move(queue_.begin()->second);
      queue_.erase(queue_.begin());
      deliver(std::move(d));
      run_deferred();
    }
    if (const auto d = engine_->next_deadline(); d && *d <= now) engine_->on_timer();
    run_deferred();
    std::vector<Subscriber*> due;
    for (const auto& [key, s] : subscribers_)
      if (const auto d = s->ppp->next_deadline(); d && *d <= now) due.push_back(s.get());
    for (Subscriber* s : due) s->ppp->poll();
    run_deferred();
    if (emulator_ != nullptr) emulator_->poll();
    run_deferred();
  }
  return true;
}

}  // namespace lns::emu::testing
