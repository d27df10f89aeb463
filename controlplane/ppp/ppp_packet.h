// Codec for PPP control packets (RFC 1661 section 5: Code, Identifier,
// Length, Data) and their Configuration Option lists (section 6: Type,
// Length, Data). LCP, IPCP, IPv6CP, PAP and CHAP all share the 4-byte header,
// so everything above this file parses through here first.
//
// Every length on the wire is hostile: parsing returns a clear error rather
// than trusting it, and views never point past the caller's buffer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "common/ppp_header.h"

namespace lns::ppp {

// PPP protocol field values (RFC 1661, 1332, 1334, 1994, 5072), shared with
// the data plane's framing in common/ppp_header.h.
inline constexpr uint16_t kProtocolIpv4 = kPppIpv4;
inline constexpr uint16_t kProtocolIpv6 = kPppIpv6;
inline constexpr uint16_t kProtocolIpcp = kPppIpcp;
inline constexpr uint16_t kProtocolIpv6cp = kPppIpv6cp;
inline constexpr uint16_t kProtocolLcp = kPppLcp;
inline constexpr uint16_t kProtocolPap = kPppPap;
inline constexpr uint16_t kProtocolChap = kPppChap;

// Codes of the option-negotiation protocols. 1..7 are common to LCP and the
// NCPs; 8..11 exist only in LCP.
enum class Code : uint8_t {
  kConfigureRequest = 1,
  kConfigureAck = 2,
  kConfigureNak = 3,
  kConfigureReject = 4,
  kTerminateRequest = 5,
  kTerminateAck = 6,
  kCodeReject = 7,
  kProtocolReject = 8,
  kEchoRequest = 9,
  kEchoReply = 10,
  kDiscardRequest = 11,
};

inline constexpr uint8_t to_byte(Code c) { return static_cast<uint8_t>(c); }

inline constexpr size_t kControlHeaderSize = 4;  // Code, Identifier, Length(2)
inline constexpr size_t kMaxControlPacketSize = 0xFFFF;
inline constexpr size_t kOptionHeaderSize = 2;  // Type, Length
inline constexpr size_t kMaxOptionDataSize = 0xFF - kOptionHeaderSize;

// A parsed control packet. `data` views the caller's buffer and stops at the
// Length field: octets beyond it are padding (RFC 1661 section 5).
struct ControlPacket {
  uint8_t code = 0;
  uint8_t identifier = 0;
  absl::Span<const uint8_t> data;
};

absl::StatusOr<ControlPacket> parse_control_packet(absl::Span<const uint8_t> bytes);

// Builds Code, Identifier, Length, Data. Data longer than a 16-bit Length can
// describe is cut at the limit; callers that reflect peer bytes (Code-Reject,
// Protocol-Reject) truncate to the peer's MRU before calling.
std::vector<uint8_t> encode_control_packet(uint8_t code, uint8_t identifier,
                                           absl::Span<const uint8_t> data);
inline std::vector<uint8_t> encode_control_packet(Code code, uint8_t identifier,
                                                  absl::Span<const uint8_t> data) {
  return encode_control_packet(to_byte(code), identifier, data);
}

// One Configuration Option; `data` excludes the Type and Length octets and
// views the caller's buffer.
struct OptionView {
  uint8_t type = 0;
  absl::Span<const uint8_t> data;
};

// Splits an option list. Fails on an option header cut short, a Length below
// 2, or a Length that runs past the end of the list.
absl::StatusOr<std::vector<OptionView>> parse_options(absl::Span<const uint8_t> bytes);

// Appends options to an option list being built.
class OptionWriter {
 public:
  // Data longer than an option can carry is cut at kMaxOptionDataSize; our
  // own options are all far shorter.
  OptionWriter& add(uint8_t type, absl::Span<const uint8_t> data);
  OptionWriter& add_empty(uint8_t type) { return add(type, {}); }
  OptionWriter& add_u16(uint8_t type, uint16_t value);
  OptionWriter& add_u32(uint8_t type, uint32_t value);
  OptionWriter& add(const OptionView& option) { return add(option.type, option.data); }

  const std::vector<uint8_t>& bytes() const { return bytes_; }
  std::vector<uint8_t> take() { return std::move(bytes_); }
  bool empty() const { return bytes_.empty(); }

 private:
  std::vector<uint8_t> bytes_;
};

// The original wire bytes of one option, header included. Used when an option
// must be echoed back unchanged (Configure-Ack, Configure-Reject).
void append_option(std::vector<uint8_t>& out, const OptionView& option);

}  // namespace lns::ppp
