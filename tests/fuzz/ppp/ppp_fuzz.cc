// Fuzz target for the PPP control plane.
//
// Every input is used three ways:
//  1. handed to each parser of wire input (control packet, option list, PAP
//     request, CHAP value/name, LCP authentication option);
//  2. as one received frame (first two bytes the protocol field) into a
//     freshly started PppSession;
//  3. as a script (see ppp_fuzz_script.h) that plays a subscriber against a
//     session: frames, clock advances, and "answer the LNS correctly" steps
//     that let the fuzzer reach authentication and the NCPs.
// Invariants checked: everything the session sends is a well-formed control
// packet, and on_down is reported at most once.
#include <cstdint>
#include <algorithm>
#include <cstdlib>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "absl/types/span.h"
#include "common/clock.h"
#include "controlplane/ppp/chap.h"
#include "controlplane/ppp/lcp.h"
#include "controlplane/ppp/pap.h"
#include "controlplane/ppp/ppp_packet.h"
#include "controlplane/ppp/ppp_session.h"
#include "tests/fuzz/ppp/ppp_fuzz_script.h"

namespace lns::ppp {
namespace {

class CheckingSink : public PacketSink {
 public:
  void send(uint16_t protocol, absl::Span<const uint8_t> packet) override {
    auto parsed = parse_control_packet(packet);
    if (!parsed.ok() || parsed->data.size() + kControlHeaderSize != packet.size()) std::abort();
    if (parsed->code == to_byte(Code::kConfigureRequest)) {
      last_request[protocol] = {parsed->identifier,
                                std::vector<uint8_t>(parsed->data.begin(), parsed->data.end())};
    }
    if (protocol == kProtocolChap && parsed->code == 1) {
      auto c = parse_chap_value_and_name(parsed->data);
      if (c.ok()) last_challenge = {parsed->identifier, c->value};
    }
  }
  std::map<uint16_t, std::pair<uint8_t, std::vector<uint8_t>>> last_request;
  std::optional<std::pair<uint8_t, std::vector<uint8_t>>> last_challenge;
};

class FixedVerifier : public AuthVerifier {
 public:
  void check_password(std::string_view user, std::string_view password,
                      std::function<void(bool)> done) override {
    done(user == fuzz::kUser && password == fuzz::kSecret);
  }
  void lookup_secret(std::string_view user,
                     std::function<void(std::optional<std::string>)> done) override {
    if (user == fuzz::kUser) {
      done(std::string(fuzz::kSecret));
    } else {
      done(std::nullopt);
    }
  }
};

class CountingListener : public PppSessionListener {
 public:
  void on_authenticated(const std::string&) override {}
  void on_ipv4_up(uint32_t) override {}
  void on_ipv6_up(uint64_t, uint64_t) override {}
  void on_down(PppDownReason) override {
    if (++downs > 1) std::abort();
  }
  int downs = 0;
};

PppSessionConfig session_config(uint8_t flags) {
  PppSessionConfig c;
  c.lcp.fsm.max_configure = 4;
  c.lcp.echo_interval = std::chrono::seconds(5);
  if (flags & fuzz::kFlagPapFirst) c.lcp.auth_order = {AuthProtocol::kPap, AuthProtocol::kChapMd5};
  if (flags & fuzz::kFlagNoAuth) c.lcp.auth_order.clear();
  c.force_lcp_renegotiation = (flags & fuzz::kFlagForceRenegotiation) != 0;
  c.ipcp.local_address = 0x0a000001;
  c.ipcp.primary_dns = 0x08080808;
  return c;
}

struct Harness {
  explicit Harness(uint8_t flags)
      : config(session_config(flags)),
        rng(flags),
        session(config, clock, sink, rng, verifier,
                [](const std::string&) { return std::optional<uint32_t>(0x0a000042); }, listener) {}
  const PppSessionConfig config;  // the session references it
  FakeClock clock;
  CheckingSink sink;
  std::mt19937 rng;
  FixedVerifier verifier;
  CountingListener listener;
  PppSession session;
};

void exercise_parsers(absl::Span<const uint8_t> bytes) {
  (void)parse_control_packet(bytes);
  (void)parse_options(bytes);
  (void)parse_pap_request(bytes);
  (void)parse_chap_value_and_name(bytes);
  (void)auth_protocol_in(bytes);
  auto packet = parse_control_packet(bytes);
  if (packet.ok()) (void)parse_options(packet->data);
}

void run_single_frame(absl::Span<const uint8_t> bytes) {
  Harness h(0);
  h.session.start();
  (void)h.session.receive_frame(bytes);
  h.clock.advance(std::chrono::seconds(3));
  h.session.poll();
}

void ack_last_request(Harness& h, uint16_t protocol) {
  auto it = h.sink.last_request.find(protocol);
  if (it == h.sink.last_request.end()) return;
  const auto bytes =
      encode_control_packet(Code::kConfigureAck, it->second.first, it->second.second);
  (void)h.session.receive(protocol, bytes);
}

void answer_challenge(Harness& h) {
  if (!h.sink.last_challenge) return;
  const auto& [id, value] = *h.sink.last_challenge;
  const auto digest = chap_md5_response(id, fuzz::kSecret, value);
  std::vector<uint8_t> data = {static_cast<uint8_t>(digest.size())};
  data.insert(data.end(), digest.begin(), digest.end());
  data.insert(data.end(), fuzz::kUser.begin(), fuzz::kUser.end());
  (void)h.session.receive(kProtocolChap, encode_control_packet(2, id, data));
}

void run_script(absl::Span<const uint8_t> bytes) {
  if (bytes.empty()) return;
  const uint8_t flags = bytes[0];
  Harness h(flags);
  if (flags & fuzz::kFlagProxy) {
    h.session.start(fuzz::canned_proxy(flags));
  } else {
    h.session.start();
  }
  size_t i = 1;
  while (i < bytes.size()) {
    const uint8_t op = bytes[i++];
    switch (op & 3) {
      case fuzz::kOpFrame: {
        if (i >= bytes.size()) return;
        const size_t wanted = bytes[i++];
        const size_t len = std::min(wanted, bytes.size() - i);
        (void)h.session.receive_frame(bytes.subspan(i, len));
        i += len;
        break;
      }
      case fuzz::kOpAdvance:
        h.clock.advance(std::chrono::milliseconds(250) * (op >> 2));
        h.session.poll();
        break;
      case fuzz::kOpAnswer:
        switch ((op >> 2) & 3) {
          case 0: ack_last_request(h, kProtocolLcp); break;
          case 1: ack_last_request(h, kProtocolIpcp); break;
          case 2: ack_last_request(h, kProtocolIpv6cp); break;
          case 3: answer_challenge(h); break;
        }
        break;
      case fuzz::kOpControl:
        switch ((op >> 2) & 3) {
          case 0: h.session.close(); break;
          case 1: h.session.lower_down(); break;
          default: h.session.poll(); break;
        }
        break;
    }
  }
  // Let every timer run out: the session must wind down without crashing.
  for (int k = 0; k < 40; ++k) {
    h.clock.advance(std::chrono::seconds(3));
    h.session.poll();
  }
}

}  // namespace
}  // namespace lns::ppp

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::Span<const uint8_t> bytes(data, size);
  lns::ppp::exercise_parsers(bytes);
  lns::ppp::run_single_frame(bytes);
  lns::ppp::run_script(bytes);
  return 0;
}
