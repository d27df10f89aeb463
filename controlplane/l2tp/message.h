// L2TPv2 control messages (RFC 2661 sections 3 and 6): the decoded form,
// the decoder that checks every wire rule, and the encoder.
//
// The codec checks syntax only: lengths, bits, hiding, AVP order and (unless
// permissive) which AVPs each message must carry. Semantic checks such as a
// zero Assigned Tunnel ID or an unsupported Protocol Version belong to the
// tunnel and session state machines, which know how to answer them.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "controlplane/l2tp/avp.h"
#include "controlplane/l2tp/wire.h"

namespace lns::l2tp {

enum class MessageType : uint16_t {
  kZlb = 0,  // not a wire value: a control header with no AVPs (an ack)
  kSccrq = 1,
  kSccrp = 2,
  kScccn = 3,
  kStopCcn = 4,
  kHello = 6,
  kOcrq = 7,
  kOcrp = 8,
  kOccn = 9,
  kIcrq = 10,
  kIcrp = 11,
  kIccn = 12,
  kCdn = 14,
  kWen = 15,
  kSli = 16,
};

// True for the wire values above (so not for 0, 5, 13 or anything >16).
bool is_known_message_type(uint16_t value);
std::string_view message_type_name(MessageType type);
// Session-scope messages are answered with CDN, tunnel-scope ones with
// StopCCN (RFC 2661 4.1).
bool is_session_message(MessageType type);
// The AVPs (besides Message Type) a message must carry (RFC 2661 section 6).
absl::Span<const AvpType> required_avps(MessageType type);

// Control header: |T|L|x|x|S|x|O|P|x|x|x|x|Ver| Length | Tunnel | Session | Ns | Nr |
inline constexpr size_t kControlHeaderLength = 12;
inline constexpr uint16_t kHeaderTypeBit = 0x8000;
inline constexpr uint16_t kHeaderLengthBit = 0x4000;
inline constexpr uint16_t kHeaderSequenceBit = 0x0800;
inline constexpr uint16_t kHeaderOffsetBit = 0x0200;
inline constexpr uint16_t kHeaderPriorityBit = 0x0100;
inline constexpr uint16_t kHeaderVersionMask = 0x000F;
inline constexpr uint16_t kL2tpVersion2 = 2;
inline constexpr uint16_t kL2tpVersion3 = 3;
// T, L, S set; O, P and reserved clear; version 2.
inline constexpr uint16_t kControlHeaderFlags = 0xC802;

struct ControlHeader {
  uint16_t tunnel_id = 0;  // the receiver's tunnel ID
  uint16_t session_id = 0;
  uint16_t ns = 0;
  uint16_t nr = 0;

  bool operator==(const ControlHeader&) const = default;
};

struct ControlMessage {
  ControlHeader header;
  MessageType type = MessageType::kZlb;

  // One member per IETF AVP; unset means absent.
  std::optional<ResultCode> result_code;                         // 1
  std::optional<ProtocolVersion> protocol_version;               // 2
  std::optional<uint32_t> framing_capabilities;                  // 3
  std::optional<uint32_t> bearer_capabilities;                   // 4
  std::optional<uint64_t> tie_breaker;                           // 5 (compared as unsigned)
  std::optional<uint16_t> firmware_revision;                     // 6
  std::optional<std::string> host_name;                          // 7
  std::optional<std::string> vendor_name;                        // 8
  std::optional<uint16_t> assigned_tunnel_id;                    // 9
  std::optional<uint16_t> receive_window_size;                   // 10
  std::optional<Bytes> challenge;                                // 11
  std::optional<Q931Cause> q931_cause;                           // 12
  std::optional<std::array<uint8_t, 16>> challenge_response;     // 13
  std::optional<uint16_t> assigned_session_id;                   // 14
  std::optional<uint32_t> call_serial_number;                    // 15
  std::optional<uint32_t> minimum_bps;                           // 16
  std::optional<uint32_t> maximum_bps;                           // 17
  std::optional<uint32_t> bearer_type;                           // 18
  std::optional<uint32_t> framing_type;                          // 19
  std::optional<std::string> called_number;                      // 21
  std::optional<std::string> calling_number;                     // 22
  std::optional<std::string> sub_address;                        // 23
  std::optional<uint32_t> tx_connect_speed;                      // 24
  std::optional<uint32_t> physical_channel_id;                   // 25
  std::optional<Bytes> initial_received_lcp_confreq;             // 26
  std::optional<Bytes> last_sent_lcp_confreq;                    // 27
  std::optional<Bytes> last_received_lcp_confreq;                // 28
  std::optional<uint16_t> proxy_authen_type;                     // 29
  std::optional<std::string> proxy_authen_name;                  // 30
  std::optional<Bytes> proxy_authen_challenge;                   // 31
  std::optional<uint8_t> proxy_authen_id;                        // 32
  std::optional<Bytes> proxy_authen_response;                    // 33
  std::optional<CallErrors> call_errors;                         // 34
  std::optional<Accm> accm;                                      // 35
  // 36: on decode, the last Random Vector seen. On encode it is sent as-is
  // unless EncodeOptions::hide is set, which draws a fresh one.
  std::optional<Bytes> random_vector;
  std::optional<std::string> private_group_id;                   // 37
  std::optional<uint32_t> rx_connect_speed;                      // 38
  bool sequencing_required = false;                              // 39 (no value)

  // Vendor AVPs and unrecognised optional IETF AVPs, in wire order.
  std::vector<RawAvp> other_avps;

  // Broadband Forum access line identification (vendor 3561).
  std::optional<std::string_view> agent_circuit_id() const;
  std::optional<std::string_view> agent_remote_id() const;
  void set_agent_circuit_id(std::string_view id);
  void set_agent_remote_id(std::string_view id);
  const RawAvp* find_vendor_avp(uint16_t vendor_id, uint16_t type) const;

  bool is_zlb() const { return type == MessageType::kZlb; }
  bool operator==(const ControlMessage&) const = default;
};

// ---- Decoding -----------------------------------------------------------

struct DecodeOptions {
  // Tunnel shared secret; needed only to unhide hidden AVPs. Must outlive
  // the decode_control() call.
  std::string_view secret;
  // Tolerate sloppy peers: octets after Length, the P bit, duplicate AVPs,
  // hidden AVPs the RFC says must not be hidden, missing required AVPs.
  // Never relaxes anything that would make the message ambiguous.
  bool permissive = false;
};

// Which rule a message broke.
enum class DecodeError : uint8_t {
  kTruncatedHeader = 1,        // fewer than 12 octets (or than Length says)
  kUnsupportedVersion,         // Ver not 2 (L2F, garbage)
  kL2tpv3,                     // Ver 3: an L2TPv2 LNS silently drops it
  kNotControlMessage,          // T bit clear: data message handed to the control codec
  kLengthBitMissing,
  kSequenceBitMissing,
  kOffsetBitSet,
  kPriorityBitSet,
  kLengthTooShort,             // Length field < 12
  kLengthExceedsBuffer,        // Length field > octets received
  kTrailingOctets,             // Length field < octets received (strict only)
  kAvpTooShort,                // AVP Length < 6
  kAvpOverrunsMessage,         // AVP runs past Length
  kMessageTypeNotFirst,
  kUnknownMessageType,         // unknown type, M bit set: clear the tunnel
  kIgnorableUnknownMessageType,  // unknown type, M bit clear: ignore the message
  kBadAvpLength,               // value length wrong for a known AVP
  kUnknownMandatoryAvp,        // unrecognised AVP (or reserved bits set) with M bit
  kHiddenAvpWithoutSecret,
  kHiddenAvpWithoutRandomVector,
  kHiddenAvpBadLength,         // Original Length does not fit (wrong secret?)
  kAvpMustNotBeHidden,
  kDuplicateAvp,
  kMissingRequiredAvp,
};
std::string_view decode_error_name(DecodeError error);

// Everything the tunnel FSM needs to answer a bad message; attached to the
// failed Status as a payload (see decode_failure()).
struct DecodeFailure {
  DecodeError error = DecodeError::kTruncatedHeader;
  std::optional<ControlHeader> header;    // once the 12-octet header parsed
  std::optional<uint16_t> message_type;   // raw Message Type value once read
  uint16_t avp_vendor_id = 0;             // offending (or missing) AVP
  uint16_t avp_type = 0;
  bool session_scope = false;             // the message belongs to a session

  bool operator==(const DecodeFailure&) const = default;
};

// The failure carried by a Status returned from decode_control(), or
// nullopt for an OK status or one from elsewhere.
std::optional<DecodeFailure> decode_failure(const absl::Status& status);

// What RFC 2661 tells the receiver to do about a failure.
enum class FailureAction : uint8_t {
  kDiscard,       // drop silently (nothing trustworthy to answer)
  kClearSession,  // send CDN with `result`
  kClearTunnel,   // send StopCCN with `result`
};
struct FailureResponse {
  FailureAction action = FailureAction::kDiscard;
  ResultCode result;
};
FailureResponse rfc_response(const DecodeFailure& failure);

// Decodes one control message (the whole UDP payload). On failure the
// status is InvalidArgument with a DecodeFailure payload.
absl::StatusOr<ControlMessage> decode_control(absl::Span<const uint8_t> udp_payload, const DecodeOptions& options);

// Checks the AVPs required by the message type (decode_control does this
// itself unless permissive).
absl::Status check_required_avps(const ControlMessage& message);

// ---- Encoding -----------------------------------------------------------

struct EncodeOptions {
  // Tunnel shared secret; needed only when hiding.
  std::string_view secret;
  // Hide every AVP RFC 2661 allows to be hidden. A fresh Random Vector AVP
  // is placed before the first hidden one.
  bool hide = false;
  // Source of Random Vector values; defaults to 16 octets from absl::BitGen.
  // Tests inject a fixed one to make hidden bytes deterministic.
  std::function<Bytes()> random_vector_source;
};

// Produces the exact wire bytes: the control header (T, L, S set, Length
// filled in), Message Type first, then the IETF AVPs in attribute order,
// then other_avps in their order. A ZLB is the bare header. Fails if a value
// does not fit an AVP, the message exceeds 65535 octets, a ZLB carries AVPs,
// or hiding is asked for without a secret.
absl::StatusOr<Bytes> encode_control(const ControlMessage& message, const EncodeOptions& options = {});

}  // namespace lns::l2tp
