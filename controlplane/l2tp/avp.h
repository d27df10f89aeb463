// L2TPv2 Attribute-Value Pairs (RFC 2661 section 4): wire layout, the
// per-attribute rules (value length, M bit, whether it may be hidden) and
// the typed values of the compound attributes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "controlplane/l2tp/wire.h"

namespace lns::l2tp {

// AVP header: |M|H|rsvd(4)|Length(10)|Vendor ID(16)|Attribute Type(16)|
inline constexpr size_t kAvpHeaderLength = 6;
inline constexpr size_t kAvpMaxLength = 0x3FF;
inline constexpr size_t kAvpMaxValueLength = kAvpMaxLength - kAvpHeaderLength;
inline constexpr uint16_t kAvpMandatoryBit = 0x8000;
inline constexpr uint16_t kAvpHiddenBit = 0x4000;
inline constexpr uint16_t kAvpReservedBits = 0x3C00;
inline constexpr uint16_t kAvpLengthMask = 0x03FF;

inline constexpr uint16_t kIetfVendorId = 0;
// Broadband Forum (formerly DSL Forum) SMI enterprise number; TR-101 access
// line identification reuses its RADIUS attribute numbers as L2TP AVPs.
inline constexpr uint16_t kBroadbandForumVendorId = 3561;
inline constexpr uint16_t kBbfAgentCircuitId = 1;
inline constexpr uint16_t kBbfAgentRemoteId = 2;

enum class AvpType : uint16_t {
  kMessageType = 0,
  kResultCode = 1,
  kProtocolVersion = 2,
  kFramingCapabilities = 3,
  kBearerCapabilities = 4,
  kTieBreaker = 5,
  kFirmwareRevision = 6,
  kHostName = 7,
  kVendorName = 8,
  kAssignedTunnelId = 9,
  kReceiveWindowSize = 10,
  kChallenge = 11,
  kQ931CauseCode = 12,
  kChallengeResponse = 13,
  kAssignedSessionId = 14,
  kCallSerialNumber = 15,
  kMinimumBps = 16,
  kMaximumBps = 17,
  kBearerType = 18,
  kFramingType = 19,
  // 20 is reserved.
  kCalledNumber = 21,
  kCallingNumber = 22,
  kSubAddress = 23,
  kTxConnectSpeed = 24,
  kPhysicalChannelId = 25,
  kInitialReceivedLcpConfreq = 26,
  kLastSentLcpConfreq = 27,
  kLastReceivedLcpConfreq = 28,
  kProxyAuthenType = 29,
  kProxyAuthenName = 30,
  kProxyAuthenChallenge = 31,
  kProxyAuthenId = 32,
  kProxyAuthenResponse = 33,
  kCallErrors = 34,
  kAccm = 35,
  kRandomVector = 36,
  kPrivateGroupId = 37,
  kRxConnectSpeed = 38,
  kSequencingRequired = 39,
};
inline constexpr uint16_t kMaxKnownIetfAvpType = 39;

// What RFC 2661 section 4.4 says about one IETF attribute.
struct AvpRule {
  std::string_view name;
  uint16_t min_value_length;
  uint16_t max_value_length;  // kAvpMaxValueLength when unbounded
  bool mandatory;             // the M bit a conforming sender sets
  bool hideable;              // "This AVP may be hidden"
};

// nullptr for vendor 0 attribute types this implementation does not know.
const AvpRule* ietf_avp_rule(uint16_t type);
// Whether `length` octets of (unhidden) value are valid for the attribute;
// Result Code is the one attribute whose valid lengths are not a range.
bool ietf_avp_value_length_ok(uint16_t type, size_t length);
std::string_view avp_type_name(uint16_t vendor_id, uint16_t type);

// An AVP kept as bytes: vendor-specific ones and unrecognised optional ones.
// `value` is always the plaintext; `hidden` records that it arrived (or is
// to be sent) hidden.
struct RawAvp {
  uint16_t vendor_id = 0;
  uint16_t type = 0;
  bool mandatory = false;
  bool hidden = false;
  Bytes value;

  bool operator==(const RawAvp&) const = default;
};

// ---- Value enumerations -------------------------------------------------

// Framing Capabilities / Framing Type bits (4.4.3, 4.4.5).
inline constexpr uint32_t kFramingSync = 0x1;
inline constexpr uint32_t kFramingAsync = 0x2;
// Bearer Capabilities / Bearer Type bits.
inline constexpr uint32_t kBearerDigital = 0x1;
inline constexpr uint32_t kBearerAnalog = 0x2;

enum class ProxyAuthenType : uint16_t {
  kReserved = 0,
  kTextual = 1,
  kChap = 2,
  kPap = 3,
  kNone = 4,
  kMsChapV1 = 5,
};

// Result Code values for StopCCN (4.4.2).
enum class StopCcnResult : uint16_t {
  kGeneralClearRequest = 1,
  kGeneralError = 2,  // Error Code says what
  kChannelExists = 3,
  kNotAuthorized = 4,
  kUnsupportedProtocolVersion = 5,
  kShuttingDown = 6,
  kFsmError = 7,
};

// Result Code values for CDN (4.4.2).
enum class CdnResult : uint16_t {
  kLostCarrier = 1,
  kGeneralError = 2,  // Error Code says what
  kAdministrative = 3,
  kTemporaryNoFacilities = 4,
  kPermanentNoFacilities = 5,
  kInvalidDestination = 6,
  kNoCarrier = 7,
  kBusy = 8,
  kNoDialTone = 9,
  kTimeout = 10,
  kNoFraming = 11,
};

// General Error Codes carried with result 2 (4.4.2).
enum class GeneralError : uint16_t {
  kNoError = 0,
  kNoControlConnection = 1,
  kBadLength = 2,
  kBadValue = 3,  // field out of range or reserved field non-zero
  kNoResources = 4,
  kInvalidSessionId = 5,
  kVendorSpecific = 6,
  kTryAnother = 7,
  kUnknownMandatoryAvp = 8,
};

// ---- Compound values ----------------------------------------------------

struct ResultCode {
  uint16_t result = 0;
  std::optional<uint16_t> error;  // must be present if `message` is non-empty
  std::string message;

  bool operator==(const ResultCode&) const = default;
};

struct ProtocolVersion {
  uint8_t version = 1;
  uint8_t revision = 0;

  bool operator==(const ProtocolVersion&) const = default;
};

struct Q931Cause {
  uint16_t cause_code = 0;
  uint8_t cause_message = 0;
  std::string advisory;

  bool operator==(const Q931Cause&) const = default;
};

struct CallErrors {
  uint32_t crc_errors = 0;
  uint32_t framing_errors = 0;
  uint32_t hardware_overruns = 0;
  uint32_t buffer_overruns = 0;
  uint32_t timeout_errors = 0;
  uint32_t alignment_errors = 0;

  bool operator==(const CallErrors&) const = default;
};

struct Accm {
  uint32_t send = 0;
  uint32_t receive = 0;

  bool operator==(const Accm&) const = default;
};

// Value codecs for the compound attributes. The parse functions expect a
// value whose length already passed ietf_avp_value_length_ok().
Bytes encode_result_code(const ResultCode& v);
ResultCode parse_result_code(absl::Span<const uint8_t> value);
Bytes encode_q931_cause(const Q931Cause& v);
Q931Cause parse_q931_cause(absl::Span<const uint8_t> value);
Bytes encode_call_errors(const CallErrors& v);
CallErrors parse_call_errors(absl::Span<const uint8_t> value);
Bytes encode_accm(const Accm& v);
Accm parse_accm(absl::Span<const uint8_t> value);

// Appends one AVP (header + value) to `out`. `value` is what goes on the wire
// (already hidden if `hidden`). Fails if it does not fit the 10-bit length.
absl::Status append_avp(Bytes& out, uint16_t vendor_id, uint16_t type, bool mandatory, bool hidden,
                        absl::Span<const uint8_t> value);

}  // namespace lns::l2tp
