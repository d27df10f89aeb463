// What an NCP (IPCP, IPv6CP) tells the session. The negotiated values are
// read from the NCP object itself once it reports up.
#pragma once

#include <cstdint>

namespace lns::ppp {

class NcpListener {
 public:
  virtual ~NcpListener() = default;
  virtual void on_ncp_up(uint16_t protocol) = 0;
  // Opened was left; traffic of this family must stop until up again.
  virtual void on_ncp_down(uint16_t protocol) = 0;
  // The NCP gave up (peer terminated it, it never converged, or the peer
  // rejected the protocol).
  virtual void on_ncp_finished(uint16_t protocol) = 0;
};

}  // namespace lns::ppp
