// encode_control(): the exact wire form of a control message.
#include "absl/random/random.h"
#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "controlplane/l2tp/avp_hiding.h"
#include "controlplane/l2tp/message.h"
#include "controlplane/l2tp/message_fields.h"

namespace lns::l2tp {
namespace {

constexpr size_t kDefaultRandomVectorLength = 16;
constexpr uint16_t kRandomVectorType = static_cast<uint16_t>(AvpType::kRandomVector);

Bytes default_random_vector() {
  absl::BitGen gen;
  Bytes rv(kDefaultRandomVectorLength);
  for (uint8_t& b : rv) b = absl::Uniform<uint8_t>(gen);
  return rv;
}

bool message_carries_hideable_avp(const ControlMessage& m) {
  for (uint16_t t = 1; t <= kMaxKnownIetfAvpType; ++t) {
    const AvpRule* rule = ietf_avp_rule(t);
    if (rule && rule->hideable && internal::has_field(m, static_cast<AvpType>(t))) return true;
  }
  for (const RawAvp& raw : m.other_avps)
    if (raw.hidden) return true;
  return false;
}

}  // namespace

absl::StatusOr<Bytes> encode_control(const ControlMessage& m, const EncodeOptions& options) {
  Bytes out(kControlHeaderLength);
  store_be16(out.data(), kControlHeaderFlags);
  // Length (offset 2) is filled in last.
  store_be16(out.data() + 4, m.header.tunnel_id);
  store_be16(out.data() + 6, m.header.session_id);
  store_be16(out.data() + 8, m.header.ns);
  store_be16(out.data() + 10, m.header.nr);

  if (m.is_zlb()) {
    // Anything set besides the header would silently vanish on the wire.
    ControlMessage bare;
    bare.header = m.header;
    if (!(m == bare)) return absl::InvalidArgumentError("a ZLB carries no AVPs");
    store_be16(out.data() + 2, static_cast<uint16_t>(out.size()));
    return out;
  }
  if (!is_known_message_type(static_cast<uint16_t>(m.type)))
    return absl::InvalidArgumentError(absl::StrFormat("message type %u", static_cast<uint16_t>(m.type)));

  const bool hiding = options.hide && message_carries_hideable_avp(m);
  if (hiding && options.secret.empty()) return absl::FailedPreconditionError("hiding AVPs needs the tunnel secret");

  const uint16_t type = static_cast<uint16_t>(m.type);
  const Bytes type_value = {static_cast<uint8_t>(type >> 8), static_cast<uint8_t>(type)};
  if (absl::Status s = append_avp(out, kIetfVendorId, 0, /*mandatory=*/true, /*hidden=*/false, type_value); !s.ok())
    return s;

  // One Random Vector right after Message Type covers every hidden AVP.
  Bytes random_vector;
  if (hiding) {
    random_vector = options.random_vector_source ? options.random_vector_source() : default_random_vector();
  } else if (m.random_vector.has_value()) {
    random_vector = *m.random_vector;
  }
  if (hiding || m.random_vector.has_value()) {
    if (!ietf_avp_value_length_ok(kRandomVectorType, random_vector.size()))
      return absl::InvalidArgumentError("empty Random Vector");
    if (absl::Status s = append_avp(out, kIetfVendorId, kRandomVectorType, true, false, random_vector); !s.ok())
      return s;
  }

  for (uint16_t t = 1; t <= kMaxKnownIetfAvpType; ++t) {
    const AvpRule* rule = ietf_avp_rule(t);
    if (rule == nullptr || t == kRandomVectorType) continue;
    std::optional<Bytes> value = internal::field_value(m, static_cast<AvpType>(t));
    if (!value.has_value()) continue;
    // Refuse what a conforming receiver (ours included) would reject.
    if (!ietf_avp_value_length_ok(t, value->size()))
      return absl::InvalidArgumentError(absl::StrFormat("%s with %u octets of value", rule->name, value->size()));
    const bool hide = hiding && rule->hideable;
    if (hide) value = hide_avp_value(t, options.secret, random_vector, *value);
    if (absl::Status s = append_avp(out, kIetfVendorId, t, rule->mandatory, hide, *value); !s.ok()) return s;
  }

  for (const RawAvp& raw : m.other_avps) {
    // A raw AVP marked hidden is only sent hidden when hiding is on: without
    // a Random Vector the peer could not unhide it.
    const bool hide = hiding && raw.hidden;
    const Bytes value = hide ? hide_avp_value(raw.type, options.secret, random_vector, raw.value) : raw.value;
    if (absl::Status s = append_avp(out, raw.vendor_id, raw.type, raw.mandatory, hide, value); !s.ok()) return s;
  }

  if (out.size() > 0xFFFF)
    return absl::InvalidArgumentError(absl::StrFormat("message of %u octets exceeds the 16-bit Length", out.size()));
  store_be16(out.data() + 2, static_cast<uint16_t>(out.size()));
  return out;
}

}  // namespace lns::l2tp
