// decode_control(): every RFC 2661 wire rule for a received control message.
#include <optional>

#include "absl/strings/str_format.h"
#include "controlplane/l2tp/avp_hiding.h"
#include "controlplane/l2tp/message.h"
#include "controlplane/l2tp/message_fields.h"

namespace lns::l2tp {
namespace {

class Decoder {
 public:
  Decoder(absl::Span<const uint8_t> in, const DecodeOptions& options) : in_(in), options_(options) {}

  absl::StatusOr<ControlMessage> run() {
    if (absl::Status s = decode_header(); !s.ok()) return s;
    if (body_.empty()) return msg_;  // ZLB acknowledgement
    if (absl::Status s = decode_avps(); !s.ok()) return s;
    if (!options_.permissive) {
      if (absl::Status s = check_required_avps(msg_); !s.ok()) return s;
    }
    return std::move(msg_);
  }

 private:
  absl::Status fail(DecodeError error, std::string_view detail, uint16_t vendor = 0, uint16_t type = 0) {
    failure_.error = error;
    failure_.avp_vendor_id = vendor;
    failure_.avp_type = type;
    return internal::make_decode_failure(failure_, detail);
  }

  absl::Status decode_header() {
    if (in_.size() < 2) return fail(DecodeError::kTruncatedHeader, "no room for the flags word");
    const uint16_t flags = load_be16(in_.data());
    // Version first: L2TPv3 and L2F share the port but not the layout.
    const uint16_t version = flags & kHeaderVersionMask;
    if (version == kL2tpVersion3) return fail(DecodeError::kL2tpv3, "version 3");
    if (version != kL2tpVersion2) return fail(DecodeError::kUnsupportedVersion, absl::StrFormat("version %u", version));
    if (!(flags & kHeaderTypeBit)) return fail(DecodeError::kNotControlMessage, "T bit clear");
    if (!(flags & kHeaderLengthBit)) return fail(DecodeError::kLengthBitMissing, "control message without L bit");
    if (!(flags & kHeaderSequenceBit)) return fail(DecodeError::kSequenceBitMissing, "control message without S bit");
    // An Offset Size field would move Tunnel ID and everything after it, so
    // even a permissive decoder cannot guess where the AVPs start.
    if (flags & kHeaderOffsetBit) return fail(DecodeError::kOffsetBitSet, "control message with O bit");
    if ((flags & kHeaderPriorityBit) && !options_.permissive)
      return fail(DecodeError::kPriorityBitSet, "control message with P bit");
    // The other reserved header bits are ignored on receipt (RFC 2661 3.1).
    if (in_.size() < kControlHeaderLength)
      return fail(DecodeError::kTruncatedHeader, absl::StrFormat("%u octets, header needs 12", in_.size()));

    const uint16_t length = load_be16(in_.data() + 2);
    msg_.header = ControlHeader{load_be16(in_.data() + 4), load_be16(in_.data() + 6), load_be16(in_.data() + 8),
                                load_be16(in_.data() + 10)};
    failure_.header = msg_.header;
    if (length < kControlHeaderLength)
      return fail(DecodeError::kLengthTooShort, absl::StrFormat("Length %u", length));
    if (length > in_.size())
      return fail(DecodeError::kLengthExceedsBuffer, absl::StrFormat("Length %u, datagram %u", length, in_.size()));
    if (length < in_.size() && !options_.permissive)
      return fail(DecodeError::kTrailingOctets, absl::StrFormat("Length %u, datagram %u", length, in_.size()));
    body_ = in_.subspan(kControlHeaderLength, length - kControlHeaderLength);
    return absl::OkStatus();
  }

  absl::Status decode_avps() {
    std::optional<Bytes> random_vector;  // the latest one seen, for unhiding
    bool first = true;
    size_t off = 0;
    while (off < body_.size()) {
      const size_t remaining = body_.size() - off;
      if (remaining < kAvpHeaderLength)
        return fail(DecodeError::kAvpOverrunsMessage, absl::StrFormat("%u stray octets after the last AVP", remaining));
      const uint8_t* p = body_.data() + off;
      const uint16_t bits = load_be16(p);
      const size_t avp_length = bits & kAvpLengthMask;
      const uint16_t vendor = load_be16(p + 2);
      const uint16_t type = load_be16(p + 4);
      const bool mandatory = bits & kAvpMandatoryBit;
      const bool hidden = bits & kAvpHiddenBit;
      if (avp_length < kAvpHeaderLength)
        return fail(DecodeError::kAvpTooShort, absl::StrFormat("AVP length %u", avp_length), vendor, type);
      if (avp_length > remaining)
        return fail(DecodeError::kAvpOverrunsMessage,
                    absl::StrFormat("AVP length %u, %u octets left", avp_length, remaining), vendor, type);
      const absl::Span<const uint8_t> wire_value(p + kAvpHeaderLength, avp_length - kAvpHeaderLength);
      off += avp_length;

      // RFC 2661 4.1: an AVP with reserved bits set is "unrecognised".
      const bool recognised_ietf = vendor == kIetfVendorId && !(bits & kAvpReservedBits) && ietf_avp_rule(type);

      if (first) {
        first = false;
        if (!recognised_ietf || type != static_cast<uint16_t>(AvpType::kMessageType))
          return fail(DecodeError::kMessageTypeNotFirst, "first AVP is not Message Type", vendor, type);
        if (absl::Status s = decode_message_type(mandatory, hidden, wire_value); !s.ok()) return s;
        continue;
      }

      if (!recognised_ietf) {
        if (absl::Status s = decode_other(bits, vendor, type, hidden, wire_value, random_vector); !s.ok()) return s;
        continue;
      }
      if (type == static_cast<uint16_t>(AvpType::kMessageType))
        return fail(DecodeError::kDuplicateAvp, "second Message Type AVP", vendor, type);

      const AvpRule& rule = *ietf_avp_rule(type);
      std::optional<Bytes> unhidden;
      absl::Span<const uint8_t> value = wire_value;
      if (hidden) {
        const bool never_hideable = type == static_cast<uint16_t>(AvpType::kRandomVector);
        if (never_hideable || (!rule.hideable && !options_.permissive))
          return fail(DecodeError::kAvpMustNotBeHidden, absl::StrFormat("%s is hidden", rule.name), vendor, type);
        absl::StatusOr<Bytes> plain = unhide(type, wire_value, random_vector);
        if (!plain.ok()) return plain.status();
        unhidden = std::move(*plain);
        value = *unhidden;
      }
      if (!ietf_avp_value_length_ok(type, value.size()))
        return fail(DecodeError::kBadAvpLength, absl::StrFormat("%s with %u octets of value", rule.name, value.size()),
                    vendor, type);

      const auto avp = static_cast<AvpType>(type);
      if (avp == AvpType::kRandomVector) {
        // Each Random Vector applies to the hidden AVPs after it (4.3).
        random_vector = Bytes(value.begin(), value.end());
      } else if (internal::has_field(msg_, avp) && !options_.permissive) {
        return fail(DecodeError::kDuplicateAvp, absl::StrFormat("second %s AVP", rule.name), vendor, type);
      }
      internal::set_field(msg_, avp, value);
    }
    return absl::OkStatus();
  }

  absl::Status decode_message_type(bool mandatory, bool hidden, absl::Span<const uint8_t> value) {
    constexpr uint16_t kType = static_cast<uint16_t>(AvpType::kMessageType);
    if (hidden) return fail(DecodeError::kAvpMustNotBeHidden, "Message Type is hidden", 0, kType);
    if (value.size() != 2)
      return fail(DecodeError::kBadAvpLength, absl::StrFormat("Message Type with %u octets", value.size()), 0, kType);
    const uint16_t raw = load_be16(value.data());
    failure_.message_type = raw;
    if (!is_known_message_type(raw)) {
      // The M bit of this AVP decides between clearing the tunnel and
      // ignoring the message (RFC 2661 4.4.1).
      return fail(mandatory ? DecodeError::kUnknownMessageType : DecodeError::kIgnorableUnknownMessageType,
                  absl::StrFormat("message type %u", raw), 0, kType);
    }
    msg_.type = static_cast<MessageType>(raw);
    failure_.session_scope = is_session_message(msg_.type);
    return absl::OkStatus();
  }

  // Vendor AVPs, unassigned IETF types and AVPs with reserved bits set.
  absl::Status decode_other(uint16_t bits, uint16_t vendor, uint16_t type, bool hidden,
                            absl::Span<const uint8_t> wire_value, const std::optional<Bytes>& random_vector) {
    const bool mandatory = bits & kAvpMandatoryBit;
    const bool reserved = bits & kAvpReservedBits;
    const bool known_vendor = !reserved && vendor == kBroadbandForumVendorId &&
                              (type == kBbfAgentCircuitId || type == kBbfAgentRemoteId);
    if (mandatory && !known_vendor) {
      return fail(DecodeError::kUnknownMandatoryAvp,
                  absl::StrFormat("vendor %u type %u%s with M bit", vendor, type, reserved ? " (reserved bits set)" : ""),
                  vendor, type);
    }
    // Reserved bits mean a format we do not understand: ignore it entirely
    // rather than keep something we could not re-send faithfully.
    if (reserved) return absl::OkStatus();
    RawAvp raw{vendor, type, mandatory, hidden, {}};
    if (hidden) {
      absl::StatusOr<Bytes> plain = unhide(type, wire_value, random_vector, vendor);
      if (!plain.ok()) return plain.status();
      raw.value = std::move(*plain);
    } else {
      raw.value.assign(wire_value.begin(), wire_value.end());
    }
    msg_.other_avps.push_back(std::move(raw));
    return absl::OkStatus();
  }

  absl::StatusOr<Bytes> unhide(uint16_t type, absl::Span<const uint8_t> wire_value,
                               const std::optional<Bytes>& random_vector, uint16_t vendor = kIetfVendorId) {
    if (options_.secret.empty())
      return fail(DecodeError::kHiddenAvpWithoutSecret, "hidden AVP but no tunnel secret", vendor, type);
    if (!random_vector.has_value())
      return fail(DecodeError::kHiddenAvpWithoutRandomVector, "hidden AVP before any Random Vector", vendor, type);
    absl::StatusOr<Bytes> plain = unhide_avp_value(type, options_.secret, *random_vector, wire_value);
    if (!plain.ok()) {
      const absl::string_view why = plain.status().message();
      return fail(DecodeError::kHiddenAvpBadLength, std::string_view(why.data(), why.size()), vendor, type);
    }
    return plain;
  }

  absl::Span<const uint8_t> in_;
  absl::Span<const uint8_t> body_;
  const DecodeOptions& options_;
  ControlMessage msg_;
  DecodeFailure failure_;
};

}  // namespace

absl::StatusOr<ControlMessage> decode_control(absl::Span<const uint8_t> udp_payload, const DecodeOptions& options) {
  return Decoder(udp_payload, options).run();
}

}  // namespace lns::l2tp
