// Decap's per-session state, found by key in the line that holds it: the
// KeyedCells of UpstreamCells, keyed by SessionTable::upstream_key (our
// tunnel << 16 | our session ID).
#pragma once

#include <cstdint>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "dataplane/keyed_cells.h"
#include "dataplane/session_entry.h"

namespace lns::dp {

struct UpstreamCellTraits {
  template <class C>
  static auto* key(C& c) { return &c.guard.key; }
  template <class C>
  static auto* passing(C& c) { return &c.guard.passing; }
  static void publish_fields(UpstreamCell& d, const UpstreamCell& s) {
    d.guard.lac_ipv4_be = s.guard.lac_ipv4_be;
    d.guard.subscriber_ipv4_be = s.guard.subscriber_ipv4_be;
    d.guard.lac_port_be = s.guard.lac_port_be;
    __atomic_store_n(&d.guard.flags, s.guard.flags, __ATOMIC_RELEASE);
  }
  static void unpublish(UpstreamCell& c) { __atomic_store_n(&c.guard.flags, uint8_t{0}, __ATOMIC_RELEASE); }
  static void clear(UpstreamCell& c) {
    c.guard.lac_ipv4_be = c.guard.subscriber_ipv4_be = 0;
    c.guard.lac_port_be = 0;
    c.up = TrafficCounter{};
  }
};

class UpstreamCells : public KeyedCells<UpstreamCell, UpstreamCellTraits> {
 public:
  absl::Status init(uint32_t capacity, uint16_t lanes, int socket_id,
                    CellAreas areas = CellAreas::kDirectAndHashed) {
    return KeyedCells::init(capacity, lanes, socket_id, "upstream", areas);
  }
  // Places `key` (non-zero, not present) with `guard` in every lane and
  // publishes it; returns its position.
  absl::StatusOr<uint32_t> insert(uint32_t key, uint32_t slot, const UpstreamGuard& guard) {
    UpstreamCell proto{};
    proto.guard = guard;
    return KeyedCells::insert(key, slot, proto);
  }
  // The position's guard in one lane, for the writer's field updates.
  UpstreamGuard& guard(uint16_t lane, uint32_t pos) { return cell(lane, pos).guard; }
};

}  // namespace lns::dp
