// Writes the seed corpus for the l2tp_control fuzz target: one valid,
// encoder-produced message per file. Run once and commit the output:
//   build/tests/fuzz/l2tp/make_l2tp_control_corpus tests/fuzz/l2tp/corpus/l2tp_control
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "controlplane/l2tp/message.h"

namespace {

using namespace lns::l2tp;

constexpr std::string_view kSecret = "fuzz secret";  // matches l2tp_control_fuzz.cc

ControlMessage make(MessageType type, uint16_t tunnel, uint16_t session, uint16_t ns, uint16_t nr) {
  ControlMessage m;
  m.type = type;
  m.header = {tunnel, session, ns, nr};
  return m;
}

struct Seed {
  std::string name;
  ControlMessage message;
  bool hide = false;
};

std::vector<Seed> seeds() {
  std::vector<Seed> out;

  ControlMessage sccrq = make(MessageType::kSccrq, 0, 0, 0, 0);
  sccrq.protocol_version = ProtocolVersion{1, 0};
  sccrq.framing_capabilities = kFramingSync | kFramingAsync;
  sccrq.bearer_capabilities = kBearerDigital;
  sccrq.tie_breaker = 0x1122334455667788;
  sccrq.firmware_revision = 0x0102;
  sccrq.host_name = "lac.example.net";
  sccrq.vendor_name = "Example";
  sccrq.assigned_tunnel_id = 0x1234;
  sccrq.receive_window_size = 8;
  sccrq.challenge = Bytes(16, 0x42);
  out.push_back({"sccrq", sccrq});
  out.push_back({"sccrq_hidden", sccrq, true});

  ControlMessage sccrp = make(MessageType::kSccrp, 0x1234, 0, 0, 1);
  sccrp.protocol_version = ProtocolVersion{1, 0};
  sccrp.framing_capabilities = kFramingSync;
  sccrp.host_name = "lns";
  sccrp.assigned_tunnel_id = 0x0001;
  sccrp.receive_window_size = 16;
  sccrp.challenge = Bytes{9, 8, 7};
  sccrp.challenge_response = std::array<uint8_t, 16>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
  out.push_back({"sccrp", sccrp});

  ControlMessage scccn = make(MessageType::kScccn, 1, 0, 1, 1);
  scccn.challenge_response = std::array<uint8_t, 16>{};
  out.push_back({"scccn", scccn});

  ControlMessage stopccn = make(MessageType::kStopCcn, 0x1234, 0, 5, 4);
  stopccn.assigned_tunnel_id = 1;
  stopccn.result_code = ResultCode{2, 8, "unknown mandatory AVP"};
  out.push_back({"stopccn", stopccn});

  out.push_back({"hello", make(MessageType::kHello, 0x1234, 0, 9, 9)});
  out.push_back({"zlb", make(MessageType::kZlb, 0x1234, 0, 10, 10)});

  ControlMessage ocrq = make(MessageType::kOcrq, 0x1234, 0, 2, 2);
  ocrq.assigned_session_id = 3;
  ocrq.call_serial_number = 99;
  ocrq.minimum_bps = 9600;
  ocrq.maximum_bps = 100000000;
  ocrq.bearer_type = kBearerAnalog;
  ocrq.framing_type = kFramingAsync;
  ocrq.called_number = "5550100";
  ocrq.sub_address = "1";
  out.push_back({"ocrq", ocrq});

  ControlMessage ocrp = make(MessageType::kOcrp, 1, 3, 2, 3);
  ocrp.assigned_session_id = 4;
  ocrp.physical_channel_id = 7;
  out.push_back({"ocrp", ocrp});

  ControlMessage occn = make(MessageType::kOccn, 1, 3, 3, 3);
  occn.tx_connect_speed = 64000;
  occn.framing_type = kFramingSync;
  occn.rx_connect_speed = 64000;
  occn.sequencing_required = true;
  out.push_back({"occn", occn});

  ControlMessage icrq = make(MessageType::kIcrq, 1, 0, 1, 1);
  icrq.assigned_session_id = 0x0101;
  icrq.call_serial_number = 1;
  icrq.bearer_type = kBearerDigital;
  icrq.calling_number = "5551234";
  icrq.called_number = "100";
  icrq.set_agent_circuit_id("eth 1/1/1:100");
  icrq.set_agent_remote_id("subscriber-1");
  out.push_back({"icrq_bbf", icrq});

  ControlMessage icrp = make(MessageType::kIcrp, 0x1234, 0x0101, 1, 2);
  icrp.assigned_session_id = 0x0202;
  out.push_back({"icrp", icrp});
  out.push_back({"icrp_hidden", icrp, true});

  ControlMessage iccn = make(MessageType::kIccn, 1, 0x0202, 2, 2);
  iccn.tx_connect_speed = 100000000;
  iccn.framing_type = kFramingSync;
  iccn.initial_received_lcp_confreq = Bytes{0x01, 0x04, 0x05, 0xD4, 0x03, 0x05, 0xC2, 0x23, 0x05};
  iccn.last_sent_lcp_confreq = Bytes{0x01, 0x04, 0x05, 0xD4};
  iccn.last_received_lcp_confreq = Bytes{0x01, 0x04, 0x05, 0xD4, 0x03, 0x05, 0xC2, 0x23, 0x05};
  iccn.proxy_authen_type = static_cast<uint16_t>(ProxyAuthenType::kChap);
  iccn.proxy_authen_name = "user@realm";
  iccn.proxy_authen_challenge = Bytes(16, 0x77);
  iccn.proxy_authen_id = 1;
  iccn.proxy_authen_response = Bytes(16, 0x88);
  iccn.private_group_id = "vrf-1";
  iccn.rx_connect_speed = 50000000;
  out.push_back({"iccn_proxy", iccn});
  out.push_back({"iccn_proxy_hidden", iccn, true});

  ControlMessage cdn = make(MessageType::kCdn, 1, 0x0101, 3, 3);
  cdn.result_code = ResultCode{3, 0, "admin"};
  cdn.assigned_session_id = 0x0202;
  cdn.q931_cause = Q931Cause{16, 0x80, "normal"};
  out.push_back({"cdn", cdn});

  ControlMessage wen = make(MessageType::kWen, 1, 0x0202, 4, 4);
  wen.call_errors = CallErrors{1, 2, 3, 4, 5, 6};
  out.push_back({"wen", wen});

  ControlMessage sli = make(MessageType::kSli, 1, 0x0202, 5, 5);
  sli.accm = Accm{0xFFFFFFFF, 0};
  out.push_back({"sli", sli});

  ControlMessage extra = make(MessageType::kHello, 1, 0, 6, 6);
  extra.other_avps.push_back(RawAvp{0, 200, false, false, Bytes{1, 2, 3}});   // unknown optional IETF
  extra.other_avps.push_back(RawAvp{9, 1, false, false, Bytes{4, 5}});        // optional vendor AVP
  extra.other_avps.push_back(RawAvp{kBroadbandForumVendorId, kBbfAgentCircuitId, false, true, Bytes{'c', 'i'}});
  out.push_back({"hello_unknown_optional", extra});
  out.push_back({"hello_hidden_vendor", extra, true});

  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <corpus-dir>\n", argv[0]);
    return 2;
  }
  const std::filesystem::path dir(argv[1]);
  std::filesystem::create_directories(dir);
  const Bytes fixed_vector = {0x5e, 0xed, 0x5e, 0xed, 0x5e, 0xed, 0x5e, 0xed,
                              0x5e, 0xed, 0x5e, 0xed, 0x5e, 0xed, 0x5e, 0xed};
  for (const Seed& seed : seeds()) {
    EncodeOptions options;
    if (seed.hide) {
      options = EncodeOptions{.secret = kSecret, .hide = true, .random_vector_source = [&] { return fixed_vector; }};
    }
    absl::StatusOr<Bytes> wire = encode_control(seed.message, options);
    if (!wire.ok()) {
      std::fprintf(stderr, "%s: %s\n", seed.name.c_str(), std::string(wire.status().message()).c_str());
      return 1;
    }
    // A seed the decoder rejects would only exercise the error paths.
    absl::StatusOr<ControlMessage> back = decode_control(*wire, DecodeOptions{.secret = kSecret});
    if (!back.ok()) {
      std::fprintf(stderr, "%s does not decode: %s\n", seed.name.c_str(), std::string(back.status().message()).c_str());
      return 1;
    }
    std::ofstream(dir / seed.name, std::ios::binary)
        .write(reinterpret_cast<const char*>(wire->data()), static_cast<std::streamsize>(wire->size()));
  }
  std::printf("wrote %zu seeds to %s\n", seeds().size(), dir.c_str());
  return 0;
}
