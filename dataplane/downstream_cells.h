// IPv4 encap's per-session state, found by key in the line that holds it:
// the KeyedCells of DownstreamCells, keyed by the subscriber's IPv4 address
// (host order; 0 is never a subscriber's). A session without an address
// has no cell; its downstream traffic takes the slow path.
#pragma once

#include <cstdint>

#include "absl/status/status.h"
#include "dataplane/keyed_cells.h"
#include "dataplane/session_entry.h"

namespace lns::dp {

struct DownstreamCellTraits {
  template <class C>
  static auto* key(C& c) { return &c.key; }
  template <class C>
  static auto* passing(C& c) { return &c.passing; }
  static void publish_fields(DownstreamCell& d, const DownstreamCell& s) {
    d.header = s.header;
    d.peer_session_be = s.peer_session_be;
    d.mtu = s.mtu;
    d.ppp_len = s.ppp_len;
    __atomic_store_n(&d.flags, s.flags, __ATOMIC_RELEASE);
  }
  static void unpublish(DownstreamCell& c) { __atomic_store_n(&c.flags, uint8_t{0}, __ATOMIC_RELEASE); }
  static void clear(DownstreamCell& c) {
    c.header = 0;
    c.peer_session_be = 0;
    c.mtu = 0;
    c.ppp_len = 0;
    c.down = TrafficCounter{};
  }
};

class DownstreamCells : public KeyedCells<DownstreamCell, DownstreamCellTraits> {
 public:
  absl::Status init(uint32_t capacity, uint16_t lanes, int socket_id,
                    CellAreas areas = CellAreas::kDirectAndHashed) {
    return KeyedCells::init(capacity, lanes, socket_id, "downstream", areas);
  }
};

}  // namespace lns::dp
