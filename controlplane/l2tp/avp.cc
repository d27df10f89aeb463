#include "controlplane/l2tp/avp.h"

#include <array>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"

namespace lns::l2tp {
namespace {

constexpr uint16_t kUnbounded = kAvpMaxValueLength;

// Indexed by attribute type; an empty name marks a type RFC 2661 leaves
// unassigned (20).
constexpr std::array<AvpRule, kMaxKnownIetfAvpType + 1> kIetfRules = {{
    {"Message Type", 2, 2, true, false},
    {"Result Code", 2, kUnbounded, true, false},
    {"Protocol Version", 2, 2, true, false},
    {"Framing Capabilities", 4, 4, true, true},
    {"Bearer Capabilities", 4, 4, true, true},
    {"Tie Breaker", 8, 8, false, false},
    {"Firmware Revision", 2, 2, false, true},
    {"Host Name", 1, kUnbounded, true, false},
    {"Vendor Name", 0, kUnbounded, false, true},
    {"Assigned Tunnel ID", 2, 2, true, true},
    {"Receive Window Size", 2, 2, true, false},
    {"Challenge", 1, kUnbounded, true, true},
    {"Q.931 Cause Code", 3, kUnbounded, true, false},
    {"Challenge Response", 16, 16, true, true},
    {"Assigned Session ID", 2, 2, true, true},
    {"Call Serial Number", 4, 4, true, true},
    {"Minimum BPS", 4, 4, true, true},
    {"Maximum BPS", 4, 4, true, true},
    {"Bearer Type", 4, 4, true, true},
    {"Framing Type", 4, 4, true, true},
    {"", 0, 0, false, false},
    {"Called Number", 0, kUnbounded, true, true},
    {"Calling Number", 0, kUnbounded, true, true},
    {"Sub-Address", 0, kUnbounded, true, true},
    {"(Tx) Connect Speed", 4, 4, true, true},
    {"Physical Channel ID", 4, 4, false, true},
    {"Initial Received LCP CONFREQ", 0, kUnbounded, false, true},
    {"Last Sent LCP CONFREQ", 0, kUnbounded, false, true},
    {"Last Received LCP CONFREQ", 0, kUnbounded, false, true},
    {"Proxy Authen Type", 2, 2, false, true},
    {"Proxy Authen Name", 0, kUnbounded, false, true},
    {"Proxy Authen Challenge", 1, kUnbounded, false, true},
    {"Proxy Authen ID", 2, 2, false, true},
    {"Proxy Authen Response", 0, kUnbounded, false, true},
    {"Call Errors", 26, 26, true, true},
    {"ACCM", 10, 10, true, true},
    {"Random Vector", 1, kUnbounded, true, false},
    {"Private Group ID", 0, kUnbounded, false, true},
    {"Rx Connect Speed", 4, 4, false, true},
    {"Sequencing Required", 0, 0, true, false},
}};

}  // namespace

const AvpRule* ietf_avp_rule(uint16_t type) {
  if (type > kMaxKnownIetfAvpType || kIetfRules[type].name.empty()) return nullptr;
  return &kIetfRules[type];
}

bool ietf_avp_value_length_ok(uint16_t type, size_t length) {
  const AvpRule* rule = ietf_avp_rule(type);
  if (rule == nullptr) return false;
  // Result Code: result alone (2), or result + error (4) + optional message.
  if (type == static_cast<uint16_t>(AvpType::kResultCode) && length == 3) return false;
  return length >= rule->min_value_length && length <= rule->max_value_length;
}

std::string_view avp_type_name(uint16_t vendor_id, uint16_t type) {
  if (vendor_id == kIetfVendorId) {
    const AvpRule* rule = ietf_avp_rule(type);
    return rule ? rule->name : "unknown IETF AVP";
  }
  if (vendor_id == kBroadbandForumVendorId) {
    if (type == kBbfAgentCircuitId) return "BBF Agent-Circuit-Id";
    if (type == kBbfAgentRemoteId) return "BBF Agent-Remote-Id";
  }
  return "vendor AVP";
}

Bytes encode_result_code(const ResultCode& v) {
  Bytes out;
  append_be16(out, v.result);
  if (v.error.has_value() || !v.message.empty()) {
    append_be16(out, v.error.value_or(0));
    append_bytes(out, v.message);
  }
  return out;
}

ResultCode parse_result_code(absl::Span<const uint8_t> value) {
  ResultCode v;
  v.result = load_be16(value.data());
  if (value.size() >= 4) {
    v.error = load_be16(value.data() + 2);
    v.message = std::string(as_string_view(value.subspan(4)));
  }
  return v;
}

Bytes encode_q931_cause(const Q931Cause& v) {
  Bytes out;
  append_be16(out, v.cause_code);
  out.push_back(v.cause_message);
  append_bytes(out, v.advisory);
  return out;
}

Q931Cause parse_q931_cause(absl::Span<const uint8_t> value) {
  Q931Cause v;
  v.cause_code = load_be16(value.data());
  v.cause_message = value[2];
  v.advisory = std::string(as_string_view(value.subspan(3)));
  return v;
}

Bytes encode_call_errors(const CallErrors& v) {
  Bytes out;
  append_be16(out, 0);  // reserved
  append_be32(out, v.crc_errors);
  append_be32(out, v.framing_errors);
  append_be32(out, v.hardware_overruns);
  append_be32(out, v.buffer_overruns);
  append_be32(out, v.timeout_errors);
  append_be32(out, v.alignment_errors);
  return out;
}

CallErrors parse_call_errors(absl::Span<const uint8_t> value) {
  const uint8_t* p = value.data() + 2;  // skip reserved
  CallErrors v;
  v.crc_errors = load_be32(p);
  v.framing_errors = load_be32(p + 4);
  v.hardware_overruns = load_be32(p + 8);
  v.buffer_overruns = load_be32(p + 12);
  v.timeout_errors = load_be32(p + 16);
  v.alignment_errors = load_be32(p + 20);
  return v;
}

Bytes encode_accm(const Accm& v) {
  Bytes out;
  append_be16(out, 0);  // reserved
  append_be32(out, v.send);
  append_be32(out, v.receive);
  return out;
}

Accm parse_accm(absl::Span<const uint8_t> value) {
  return Accm{load_be32(value.data() + 2), load_be32(value.data() + 6)};
}

absl::Status append_avp(Bytes& out, uint16_t vendor_id, uint16_t type, bool mandatory, bool hidden,
                        absl::Span<const uint8_t> value) {
  if (value.size() > kAvpMaxValueLength) {
    return absl::InvalidArgumentError(absl::StrFormat("%s value of %u octets exceeds the %u an AVP can carry",
                                                      avp_type_name(vendor_id, type), value.size(),
                                                      kAvpMaxValueLength));
  }
  uint16_t first = static_cast<uint16_t>(kAvpHeaderLength + value.size());
  if (mandatory) first |= kAvpMandatoryBit;
  if (hidden) first |= kAvpHiddenBit;
  append_be16(out, first);
  append_be16(out, vendor_id);
  append_be16(out, type);
  append_bytes(out, value);
  return absl::OkStatus();
}

}  // namespace lns::l2tp
