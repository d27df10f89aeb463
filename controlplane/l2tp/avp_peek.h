// Reads one plain (unhidden) AVP out of a control message without decoding
// it. The engine needs two values before, or in spite of, a full decode:
// the SCCRQ's Host Name, which selects the LAC policy and so the secret
// that unhides the rest, and the Assigned Session ID of a session message
// the codec refused, which addresses the CDN that answers it.
#pragma once

#include <cstdint>
#include <optional>

#include "absl/types/span.h"

namespace lns::l2tp {

// The value of the first AVP with this vendor and type that is not hidden,
// or nullopt (also for anything malformed on the way). Never reads past
// the datagram or the header's Length.
std::optional<absl::Span<const uint8_t>> peek_plain_avp(absl::Span<const uint8_t> datagram, uint16_t vendor_id,
                                                        uint16_t type);

// The control header's Tunnel ID, if the datagram looks like an L2TPv2
// control message (T and L bits, version 2, 12 octets).
std::optional<uint16_t> peek_control_tunnel_id(absl::Span<const uint8_t> datagram);

}  // namespace lns::l2tp
