// Maps between ControlMessage members and AVP values, one attribute at a
// time, so the decoder, the encoder and the required-AVP check share one
// definition of where each IETF AVP lives. Internal to the codec.
#pragma once

#include <optional>
#include <string_view>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "controlplane/l2tp/avp.h"
#include "controlplane/l2tp/message.h"

namespace lns::l2tp::internal {

bool has_field(const ControlMessage& m, AvpType type);

// The value octets (before hiding) of the member for `type`, or nullopt if
// the member is unset. Message Type itself is not a member.
std::optional<Bytes> field_value(const ControlMessage& m, AvpType type);

// Sets the member for `type` from a value whose length already passed
// ietf_avp_value_length_ok().
void set_field(ControlMessage& m, AvpType type, absl::Span<const uint8_t> value);

// An InvalidArgument status carrying `failure` as its payload.
absl::Status make_decode_failure(const DecodeFailure& failure, std::string_view detail);

}  // namespace lns::l2tp::internal
