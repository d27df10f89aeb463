// Where the PPP stack sends its control packets. The L2TP session glue adds
// the address/control and protocol fields and the L2TP header; unit tests
// record what was sent.
#pragma once

#include <cstdint>

#include "absl/types/span.h"

namespace lns::ppp {

class PacketSink {
 public:
  virtual ~PacketSink() = default;
  // `packet` is the PPP information field (Code, Identifier, Length, Data) of
  // protocol `protocol`. It is only valid for the duration of the call.
  virtual void send(uint16_t protocol, absl::Span<const uint8_t> packet) = 0;
};

}  // namespace lns::ppp
