// Writes the seed corpus for ppp_fuzz into the directory given as argv[1]:
// single frames of every protocol (valid and broken) and scripts that walk a
// session through CHAP, PAP, proxy and teardown paths. The output is
// committed under tests/fuzz/ppp/corpus/ppp; rerun after changing the format.
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "common/byte_order.h"
#include "controlplane/ppp/ppp_packet.h"
#include "tests/fuzz/ppp/ppp_fuzz_script.h"

namespace {

using lns::ppp::Code;
using lns::ppp::encode_control_packet;
using lns::ppp::OptionWriter;
using Bytes = std::vector<uint8_t>;
namespace fz = lns::ppp::fuzz;

Bytes frame(uint16_t protocol, uint8_t code, uint8_t id, const Bytes& data) {
  Bytes out = {static_cast<uint8_t>(protocol >> 8), static_cast<uint8_t>(protocol)};
  const Bytes packet = encode_control_packet(code, id, data);
  out.insert(out.end(), packet.begin(), packet.end());
  return out;
}
Bytes frame(uint16_t protocol, Code code, uint8_t id, const Bytes& data) {
  return frame(protocol, static_cast<uint8_t>(code), id, data);
}

class Script {
 public:
  explicit Script(uint8_t flags) { bytes_.push_back(flags); }
  Script& send(const Bytes& f) {
    bytes_.push_back(fz::kOpFrame);
    bytes_.push_back(static_cast<uint8_t>(f.size()));
    bytes_.insert(bytes_.end(), f.begin(), f.end());
    return *this;
  }
  Script& op(uint8_t o) {
    bytes_.push_back(o);
    return *this;
  }
  const Bytes& bytes() const { return bytes_; }

 private:
  Bytes bytes_;
};

Bytes peer_lcp_request() {
  OptionWriter w;
  w.add_u16(1, 1492).add_u32(5, 0x0a0b0c0d).add_empty(7).add_empty(8);
  return frame(lns::ppp::kProtocolLcp, Code::kConfigureRequest, 0x80, w.bytes());
}
Bytes ipcp_request(uint8_t id, uint32_t address, uint32_t dns) {
  OptionWriter w;
  w.add_u32(3, address).add_u32(129, dns);
  return frame(lns::ppp::kProtocolIpcp, Code::kConfigureRequest, id, w.bytes());
}
Bytes ipv6cp_request(uint8_t id) {
  OptionWriter w;
  const Bytes iid = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77};
  w.add(1, iid);
  return frame(lns::ppp::kProtocolIpv6cp, Code::kConfigureRequest, id, w.bytes());
}
Bytes pap_request(const std::string& user, const std::string& password) {
  Bytes d = {static_cast<uint8_t>(user.size())};
  d.insert(d.end(), user.begin(), user.end());
  d.push_back(static_cast<uint8_t>(password.size()));
  d.insert(d.end(), password.begin(), password.end());
  return frame(lns::ppp::kProtocolPap, 1, 0x51, d);
}

Script& network_phase(Script& s) {
  return s.send(ipcp_request(0x90, 0, 0))
      .send(ipcp_request(0x91, 0x0a000042, 0x08080808))
      .op(fz::answer(1))
      .send(ipv6cp_request(0x92))
      .op(fz::answer(2))
      .op(fz::advance_quarters(20))
      .send(frame(lns::ppp::kProtocolLcp, Code::kEchoRequest, 0x93, {0x0a, 0x0b, 0x0c, 0x0d}));
}

void write(const std::string& dir, const std::string& name, const Bytes& bytes) {
  std::ofstream out(dir + "/" + name, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <corpus-dir>\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  using namespace lns::ppp;

  // Single frames.
  write(dir, "lcp_confreq", peer_lcp_request());
  Bytes with_ac = {0xff, 0x03};
  const Bytes cr = peer_lcp_request();
  with_ac.insert(with_ac.end(), cr.begin(), cr.end());
  write(dir, "lcp_confreq_ff03", with_ac);
  write(dir, "lcp_confreq_unknown_options",
        frame(kProtocolLcp, Code::kConfigureRequest, 2,
              {0x03, 0x04, 0xc0, 0x23, 0x0d, 0x03, 0x06, 0x04, 0x08, 0xc0, 0x25, 0, 0, 0, 10}));
  write(dir, "lcp_confreq_zero_magic", frame(kProtocolLcp, Code::kConfigureRequest, 3, {5, 6, 0, 0, 0, 0}));
  write(dir, "lcp_echo_request", frame(kProtocolLcp, Code::kEchoRequest, 4, {1, 2, 3, 4, 'x'}));
  write(dir, "lcp_code_reject", frame(kProtocolLcp, Code::kCodeReject, 5, {1, 1, 0, 4}));
  write(dir, "lcp_protocol_reject", frame(kProtocolLcp, Code::kProtocolReject, 6, {0x80, 0x57, 1, 1, 0, 4}));
  write(dir, "lcp_terminate_request", frame(kProtocolLcp, Code::kTerminateRequest, 7, {}));
  write(dir, "lcp_unknown_code", frame(kProtocolLcp, 0x42, 8, {0xde, 0xad}));
  write(dir, "pap_request", pap_request("alice", "s3cr3t"));
  write(dir, "chap_response", frame(kProtocolChap, 2, 9, Bytes(17, 0x10)));
  write(dir, "ipcp_confreq", ipcp_request(10, 0, 0));
  write(dir, "ipv6cp_confreq", ipv6cp_request(11));
  write(dir, "unknown_protocol", frame(0x80fd, Code::kConfigureRequest, 12, {}));
  write(dir, "bad_length", {0xc0, 0x21, 0x01, 0x01, 0x00, 0x40, 0x01, 0x04});
  write(dir, "bad_option_length", frame(kProtocolLcp, Code::kConfigureRequest, 13, {0x01, 0x01, 0x05, 0x00}));
  write(dir, "option_past_end", frame(kProtocolLcp, Code::kConfigureRequest, 14, {0x05, 0x09, 1, 2}));
  write(dir, "truncated", {0xc0, 0x21, 0x01});

  // Scripts.
  Script chap(0);
  chap.send(peer_lcp_request()).op(fz::answer(0)).op(fz::answer(3));
  write(dir, "script_chap_session", network_phase(chap).send(frame(kProtocolLcp, Code::kTerminateRequest, 0x94, {})).bytes());

  Script pap(fz::kFlagPapFirst);
  pap.send(peer_lcp_request()).op(fz::answer(0)).send(pap_request("alice", "s3cr3t"));
  write(dir, "script_pap_session", network_phase(pap).op(fz::kOpControl).bytes());

  Script pap_bad(fz::kFlagPapFirst);
  pap_bad.send(peer_lcp_request()).op(fz::answer(0)).send(pap_request("alice", "guess"));
  write(dir, "script_pap_wrong_password", pap_bad.bytes());

  Script no_auth(fz::kFlagNoAuth);
  no_auth.send(peer_lcp_request()).op(fz::answer(0));
  write(dir, "script_no_auth", network_phase(no_auth).op(fz::kOpControl | (1 << 2)).bytes());

  Script proxy_chap(fz::kFlagProxy);
  write(dir, "script_proxy_chap", network_phase(proxy_chap).bytes());

  Script proxy_pap(fz::kFlagProxy | fz::kFlagProxyPap);
  write(dir, "script_proxy_pap", network_phase(proxy_pap).bytes());

  Script proxy_bad(fz::kFlagProxy | fz::kFlagProxyBadResponse);
  proxy_bad.send(frame(kProtocolLcp, Code::kTerminateAck, 1, {}));
  write(dir, "script_proxy_bad_response", proxy_bad.bytes());

  Script forced(fz::kFlagProxy | fz::kFlagForceRenegotiation);
  forced.send(peer_lcp_request()).op(fz::answer(0)).op(fz::answer(3));
  write(dir, "script_forced_renegotiation", network_phase(forced).bytes());

  Script silent(0);
  silent.send(peer_lcp_request()).op(fz::answer(0)).op(fz::answer(3));
  for (int i = 0; i < 12; ++i) silent.op(fz::advance_quarters(20));
  write(dir, "script_keepalive_death", silent.bytes());

  Script protocol_reject(0);
  protocol_reject.send(peer_lcp_request()).op(fz::answer(0)).op(fz::answer(3))
      .send(frame(kProtocolLcp, Code::kProtocolReject, 0x99, {0x80, 0x21}))
      .send(frame(kProtocolLcp, Code::kProtocolReject, 0x9a, {0x80, 0x57}));
  write(dir, "script_ncps_rejected", protocol_reject.bytes());
  return 0;
}
