// A scripted PPP client (what a subscriber's CPE does) for driving whole
// sessions: it negotiates LCP, authenticates with PAP or CHAP, asks for an
// address and DNS servers and answers keepalives. Knobs make it misbehave.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/types/span.h"
#include "common/byte_order.h"
#include "controlplane/ppp/chap.h"
#include "controlplane/ppp/ipcp.h"
#include "controlplane/ppp/ipv6cp.h"
#include "controlplane/ppp/lcp.h"
#include "controlplane/ppp/packet_sink.h"
#include "controlplane/ppp/ppp_packet.h"

namespace lns::ppp::testing {

struct Frame {
  uint16_t protocol = 0;
  std::vector<uint8_t> packet;
};

// Collects what the session sends, in order.
class QueueSink : public PacketSink {
 public:
  void send(uint16_t protocol, absl::Span<const uint8_t> packet) override {
    frames.push_back({protocol, {packet.begin(), packet.end()}});
    log.push_back(frames.back());
  }
  std::deque<Frame> frames;  // not yet delivered to the peer
  std::vector<Frame> log;    // everything ever sent

  size_t count(uint16_t protocol, Code code) const { return count(protocol, to_byte(code)); }
  size_t count(uint16_t protocol, uint8_t code) const {
    size_t n = 0;
    for (const auto& f : log)
      if (f.protocol == protocol && !f.packet.empty() && f.packet[0] == code) ++n;
    return n;
  }
};

class FakePeer {
 public:
  struct Behaviour {
    std::string user = "alice";
    std::string secret = "s3cr3t";
    bool insist_on_pap = false;   // Nak CHAP towards PAP
    bool refuse_auth = false;     // Configure-Reject the Authentication-Protocol
    bool answer_echo = true;
    bool reject_ipv6cp = false;   // Protocol-Reject IPv6CP
    bool want_ipv6 = true;
    uint32_t magic = 0x0a0b0c0d;
    uint16_t mru = 1492;
    uint64_t interface_id = 0x0211223344556677;
  };

  explicit FakePeer(Behaviour b) : b_(std::move(b)) {}

  void begin() { send_lcp_request(); }

  void handle(const Frame& f) {
    auto p = parse_control_packet(f.packet);
    if (!p.ok()) return;
    switch (f.protocol) {
      case kProtocolLcp: handle_lcp(*p); break;
      case kProtocolPap: handle_pap(*p); break;
      case kProtocolChap: handle_chap(*p); break;
      case kProtocolIpcp: handle_ipcp(*p); break;
      case kProtocolIpv6cp: handle_ipv6cp(*p); break;
      default: break;
    }
  }

  void send(uint16_t protocol, Code code, uint8_t id, std::vector<uint8_t> data) {
    send(protocol, to_byte(code), id, std::move(data));
  }
  void send(uint16_t protocol, uint8_t code, uint8_t id, std::vector<uint8_t> data) {
    outbox.push_back({protocol, encode_control_packet(code, id, data)});
  }

  std::deque<Frame> outbox;
  Behaviour& behaviour() { return b_; }

  // What the peer learned.
  bool lcp_up() const { return lcp_acked_theirs_ && lcp_got_ack_; }
  bool authenticated = false;
  bool auth_failed = false;
  uint32_t address = 0;
  uint32_t dns1 = 0;
  uint32_t dns2 = 0;
  bool ipcp_up = false;
  bool ipv6cp_up = false;
  uint64_t lns_interface_id = 0;
  int terminate_acks_received = 0;
  int echo_requests_seen = 0;
  std::vector<uint16_t> protocol_rejects_received;

 private:
  void handle_lcp(const ControlPacket& p) {
    switch (static_cast<Code>(p.code)) {
      case Code::kConfigureRequest: {
        auto opts = parse_options(p.data);
        if (!opts.ok()) return;
        std::vector<uint8_t> nak, rej;
        for (const auto& o : *opts) {
          if (o.type != kLcpOptionAuthProtocol) continue;
          auth_ = o.data.size() == 2 ? kProtocolPap : kProtocolChap;
          if (b_.refuse_auth) append_option(rej, o);
          if (b_.insist_on_pap && auth_ == kProtocolChap) nak = {0x03, 0x04, 0xc0, 0x23};
        }
        if (!rej.empty()) {
          send(kProtocolLcp, Code::kConfigureReject, p.identifier, rej);
        } else if (!nak.empty()) {
          send(kProtocolLcp, Code::kConfigureNak, p.identifier, nak);
        } else {
          send(kProtocolLcp, Code::kConfigureAck, p.identifier, {p.data.begin(), p.data.end()});
          lcp_acked_theirs_ = true;
          maybe_authenticate();
        }
        break;
      }
      case Code::kConfigureAck:
        lcp_got_ack_ = true;
        maybe_authenticate();
        break;
      case Code::kConfigureNak:
        send_lcp_request();
        break;
      case Code::kTerminateRequest:
        send(kProtocolLcp, Code::kTerminateAck, p.identifier, {});
        break;
      case Code::kTerminateAck:
        ++terminate_acks_received;
        break;
      case Code::kProtocolReject:
        if (p.data.size() >= 2) protocol_rejects_received.push_back(load_be16(p.data.data()));
        break;
      case Code::kEchoRequest: {
        ++echo_requests_seen;
        if (!b_.answer_echo) break;
        std::vector<uint8_t> reply(p.data.begin(), p.data.end());
        if (reply.size() >= 4) store_be32(reply.data(), b_.magic);
        send(kProtocolLcp, Code::kEchoReply, p.identifier, reply);
        break;
      }
      default:
        break;
    }
  }

  void maybe_authenticate() {
    if (!lcp_up() || auth_started_) return;
    auth_started_ = true;
    if (auth_ == kProtocolPap) {
      std::vector<uint8_t> d = {static_cast<uint8_t>(b_.user.size())};
      d.insert(d.end(), b_.user.begin(), b_.user.end());
      d.push_back(static_cast<uint8_t>(b_.secret.size()));
      d.insert(d.end(), b_.secret.begin(), b_.secret.end());
      send(kProtocolPap, 1, 0x51, d);
    } else if (auth_ == 0) {
      start_ncps();
    }
  }

  void handle_pap(const ControlPacket& p) {
    if (p.code == 2) {
      authenticated = true;
      start_ncps();
    } else if (p.code == 3) {
      auth_failed = true;
    }
  }

  void handle_chap(const ControlPacket& p) {
    if (p.code == 1) {
      auto c = parse_chap_value_and_name(p.data);
      if (!c.ok()) return;
      const auto digest = chap_md5_response(p.identifier, b_.secret, c->value);
      std::vector<uint8_t> d = {static_cast<uint8_t>(digest.size())};
      d.insert(d.end(), digest.begin(), digest.end());
      d.insert(d.end(), b_.user.begin(), b_.user.end());
      send(kProtocolChap, 2, p.identifier, d);
    } else if (p.code == 3) {
      if (!authenticated) start_ncps();
      authenticated = true;
    } else if (p.code == 4) {
      auth_failed = true;
    }
  }

  void start_ncps() {
    send_ipcp_request();
    if (b_.want_ipv6 && !b_.reject_ipv6cp) send_ipv6cp_request();
  }

  void send_lcp_request() {
    OptionWriter w;
    w.add_u16(kLcpOptionMru, b_.mru).add_u32(kLcpOptionMagicNumber, b_.magic);
    send(kProtocolLcp, Code::kConfigureRequest, next_id_++, w.take());
  }

  void send_ipcp_request() {
    OptionWriter w;
    w.add_u32(kIpcpOptionAddress, address);
    if (ask_dns_) w.add_u32(kIpcpOptionPrimaryDns, dns1).add_u32(kIpcpOptionSecondaryDns, dns2);
    send(kProtocolIpcp, Code::kConfigureRequest, next_id_++, w.take());
  }

  void handle_ipcp(const ControlPacket& p) {
    switch (static_cast<Code>(p.code)) {
      case Code::kConfigureRequest:
        send(kProtocolIpcp, Code::kConfigureAck, p.identifier, {p.data.begin(), p.data.end()});
        ipcp_acked_theirs_ = true;
        ipcp_up = ipcp_acked_theirs_ && ipcp_got_ack_;
        break;
      case Code::kConfigureNak: {
        auto opts = parse_options(p.data);
        if (!opts.ok()) return;
        for (const auto& o : *opts) {
          if (o.data.size() != 4) continue;
          const uint32_t v = load_be32(o.data.data());
          if (o.type == kIpcpOptionAddress) address = v;
          if (o.type == kIpcpOptionPrimaryDns) dns1 = v;
          if (o.type == kIpcpOptionSecondaryDns) dns2 = v;
        }
        send_ipcp_request();
        break;
      }
      case Code::kConfigureReject:
        ask_dns_ = false;
        send_ipcp_request();
        break;
      case Code::kConfigureAck:
        ipcp_got_ack_ = true;
        ipcp_up = ipcp_acked_theirs_ && ipcp_got_ack_;
        break;
      default:
        break;
    }
  }

  void send_ipv6cp_request() {
    uint8_t id[8];
    store_be32(id, static_cast<uint32_t>(b_.interface_id >> 32));
    store_be32(id + 4, static_cast<uint32_t>(b_.interface_id));
    OptionWriter w;
    w.add(kIpv6cpOptionInterfaceId, id);
    send(kProtocolIpv6cp, Code::kConfigureRequest, next_id_++, w.take());
  }

  void handle_ipv6cp(const ControlPacket& p) {
    if (b_.reject_ipv6cp || !b_.want_ipv6) {
      // RFC 1661 5.7: Protocol-Reject carries the rejected packet.
      std::vector<uint8_t> d = {0x80, 0x57};
      const auto bytes = encode_control_packet(p.code, p.identifier, p.data);
      d.insert(d.end(), bytes.begin(), bytes.end());
      send(kProtocolLcp, Code::kProtocolReject, next_id_++, d);
      return;
    }
    switch (static_cast<Code>(p.code)) {
      case Code::kConfigureRequest:
        if (p.data.size() == 10) lns_interface_id = load_be64(p.data.data() + 2);
        send(kProtocolIpv6cp, Code::kConfigureAck, p.identifier, {p.data.begin(), p.data.end()});
        v6_acked_theirs_ = true;
        ipv6cp_up = v6_acked_theirs_ && v6_got_ack_;
        break;
      case Code::kConfigureNak:
        if (p.data.size() == 10) b_.interface_id = load_be64(p.data.data() + 2);
        send_ipv6cp_request();
        break;
      case Code::kConfigureAck:
        v6_got_ack_ = true;
        ipv6cp_up = v6_acked_theirs_ && v6_got_ack_;
        break;
      default:
        break;
    }
  }

  Behaviour b_;
  uint8_t next_id_ = 0x80;
  uint16_t auth_ = 0;
  bool lcp_acked_theirs_ = false;
  bool lcp_got_ack_ = false;
  bool auth_started_ = false;
  bool ask_dns_ = true;
  bool ipcp_acked_theirs_ = false;
  bool ipcp_got_ack_ = false;
  bool v6_acked_theirs_ = false;
  bool v6_got_ack_ = false;
};

}  // namespace lns::ppp::testing
