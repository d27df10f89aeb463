// Fakes shared by the automaton tests: a sink that records what was sent and
// a handler that accepts everything except option type 0xEE.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/types/span.h"
#include "controlplane/ppp/fsm.h"
#include "controlplane/ppp/packet_sink.h"
#include "controlplane/ppp/ppp_packet.h"

namespace lns::ppp::testing {

struct SentPacket {
  uint16_t protocol = 0;
  uint8_t code = 0;
  uint8_t identifier = 0;
  std::vector<uint8_t> data;
};

class RecordingSink : public PacketSink {
 public:
  void send(uint16_t protocol, absl::Span<const uint8_t> packet) override {
    auto parsed = parse_control_packet(packet);
    SentPacket p;
    p.protocol = protocol;
    if (parsed.ok()) {
      p.code = parsed->code;
      p.identifier = parsed->identifier;
      p.data.assign(parsed->data.begin(), parsed->data.end());
    }
    sent.push_back(std::move(p));
  }

  // The packets of one code, oldest first.
  std::vector<SentPacket> with_code(Code code) const {
    std::vector<SentPacket> out;
    for (const auto& p : sent)
      if (p.code == to_byte(code)) out.push_back(p);
    return out;
  }

  std::vector<SentPacket> sent;
};

inline constexpr uint8_t kUnacceptableOption = 0xEE;

class ScriptedHandler : public FsmHandler {
 public:
  std::vector<uint8_t> build_configure_request() override { return request; }

  ConfigureVerdict judge_configure_request(absl::Span<const OptionView> options,
                                           bool reject_instead_of_nak) override {
    judged_with_reject_instead_of_nak.push_back(reject_instead_of_nak);
    ConfigureVerdict v;
    for (const auto& o : options) {
      if (o.type != kUnacceptableOption) continue;
      const uint8_t better[] = {0x01};
      if (reject_instead_of_nak) {
        v.reject(o);
      } else {
        v.nak(o.type, better);
      }
    }
    return v;
  }

  void on_configure_ack(absl::Span<const OptionView>) override { ++acks; }
  absl::Status on_configure_nak(absl::Span<const OptionView>) override {
    ++naks;
    return absl::OkStatus();
  }
  absl::Status on_configure_reject(absl::Span<const OptionView>) override {
    ++rejects;
    return absl::OkStatus();
  }

  void this_layer_up(FsmEvent cause) override { record("tlu", cause); }
  void this_layer_down(FsmEvent cause) override { record("tld", cause); }
  void this_layer_started(FsmEvent cause) override { record("tls", cause); }
  void this_layer_finished(FsmEvent cause) override { record("tlf", cause); }

  ExtendedCode classify_code(const ControlPacket& packet) override {
    return packet.code == to_byte(Code::kEchoRequest) ? ExtendedCode::kRxr : ExtendedCode::kUnknown;
  }
  void on_rxr(const ControlPacket&) override { log.push_back("ser"); }

  std::vector<uint8_t> request = {0x01, 0x04, 0x05, 0xdc};
  std::vector<std::string> log;
  std::vector<FsmEvent> causes;
  std::vector<bool> judged_with_reject_instead_of_nak;
  int acks = 0;
  int naks = 0;
  int rejects = 0;

 private:
  void record(const char* what, FsmEvent cause) {
    log.push_back(what);
    causes.push_back(cause);
  }
};

inline std::vector<uint8_t> packet_bytes(Code code, uint8_t identifier,
                                         std::vector<uint8_t> data = {}) {
  return encode_control_packet(code, identifier, data);
}

}  // namespace lns::ppp::testing
