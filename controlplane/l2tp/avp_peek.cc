#include "controlplane/l2tp/avp_peek.h"

#include <algorithm>

#include "common/byte_order.h"
#include "controlplane/l2tp/avp.h"
#include "controlplane/l2tp/message.h"

namespace lns::l2tp {

std::optional<uint16_t> peek_control_tunnel_id(absl::Span<const uint8_t> d) {
  if (d.size() < kControlHeaderLength) return std::nullopt;
  const uint16_t flags = load_be16(d.data());
  if ((flags & kHeaderVersionMask) != kL2tpVersion2) return std::nullopt;
  if (!(flags & kHeaderTypeBit) || !(flags & kHeaderLengthBit) || (flags & kHeaderOffsetBit)) return std::nullopt;
  return load_be16(d.data() + 4);
}

std::optional<absl::Span<const uint8_t>> peek_plain_avp(absl::Span<const uint8_t> d, uint16_t vendor_id,
                                                        uint16_t type) {
  if (!peek_control_tunnel_id(d).has_value()) return std::nullopt;
  const size_t end = std::min<size_t>(d.size(), load_be16(d.data() + 2));
  size_t off = kControlHeaderLength;
  while (off + kAvpHeaderLength <= end) {
    const uint16_t bits = load_be16(d.data() + off);
    const size_t len = bits & kAvpLengthMask;
    if (len < kAvpHeaderLength || off + len > end) return std::nullopt;
    if (!(bits & kAvpHiddenBit) && load_be16(d.data() + off + 2) == vendor_id &&
        load_be16(d.data() + off + 4) == type)
      return d.subspan(off + kAvpHeaderLength, len - kAvpHeaderLength);
    off += len;
  }
  return std::nullopt;
}

}  // namespace lns::l2tp
