// The script format ppp_fuzz.cc plays against a PppSession, shared with the
// corpus generator so seeds and target agree.
//
//   byte 0      flags (kFlag*)
//   then ops:   op byte, low two bits select:
//     kOpFrame    next byte N, then N bytes: one received frame
//     kOpAdvance  advance the clock by (op >> 2) * 250 ms and poll
//     kOpAnswer   (op >> 2) & 3: Ack our last LCP / IPCP / IPv6CP request,
//                 or answer our last CHAP challenge with the right secret
//     kOpControl  (op >> 2) & 3: 0 close, 1 lower layer down, else poll
#pragma once

#include <cstdint>
#include <string_view>

#include "controlplane/ppp/chap.h"
#include "controlplane/ppp/ppp_session.h"

namespace lns::ppp::fuzz {

inline constexpr std::string_view kUser = "alice";
inline constexpr std::string_view kSecret = "s3cr3t";

inline constexpr uint8_t kFlagProxy = 0x01;
inline constexpr uint8_t kFlagPapFirst = 0x02;
inline constexpr uint8_t kFlagNoAuth = 0x04;
inline constexpr uint8_t kFlagForceRenegotiation = 0x08;
inline constexpr uint8_t kFlagProxyPap = 0x10;
inline constexpr uint8_t kFlagProxyBadResponse = 0x20;

inline constexpr uint8_t kOpFrame = 0;
inline constexpr uint8_t kOpAdvance = 1;
inline constexpr uint8_t kOpAnswer = 2;
inline constexpr uint8_t kOpControl = 3;

inline uint8_t answer(int which) { return static_cast<uint8_t>(kOpAnswer | (which << 2)); }
inline uint8_t advance_quarters(int quarters) {
  return static_cast<uint8_t>(kOpAdvance | (quarters << 2));
}

// A LAC's proxy LCP/authentication, CHAP or PAP as the flags say.
inline ProxyInfo canned_proxy(uint8_t flags) {
  ProxyInfo p;
  p.lcp = ProxyLcp{};
  p.lcp->last_received_confreq = {0x01, 0x04, 0x05, 0xd4, 0x05, 0x06, 0x0a, 0x0b, 0x0c, 0x0d};
  p.lcp->initial_received_confreq = p.lcp->last_received_confreq;
  p.auth = ProxyAuth{};
  p.auth->name = std::string(kUser);
  if (flags & kFlagProxyPap) {
    p.lcp->last_sent_confreq = {0x03, 0x04, 0xc0, 0x23, 0x05, 0x06, 0x11, 0x22, 0x33, 0x44};
    p.auth->type = ProxyAuthType::kPap;
    p.auth->response.assign(kSecret.begin(), kSecret.end());
  } else {
    p.lcp->last_sent_confreq = {0x03, 0x05, 0xc2, 0x23, 0x05, 0x05, 0x06, 0x11, 0x22, 0x33, 0x44};
    p.auth->type = ProxyAuthType::kChap;
    p.auth->id = 7;
    p.auth->challenge = {9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2, 3, 4, 5, 6};
    const auto r = chap_md5_response(p.auth->id, kSecret, p.auth->challenge);
    p.auth->response.assign(r.begin(), r.end());
    if (flags & kFlagProxyBadResponse) p.auth->response[0] ^= 0xff;
  }
  return p;
}

}  // namespace lns::ppp::fuzz
