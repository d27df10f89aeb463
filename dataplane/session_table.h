// The lock-free session tables: the control-plane thread is the only writer,
// workers read without locks. Upstream lookup finds the session's
// UpstreamCell by our own tunnel and session IDs among the cells themselves
// (UpstreamCells: runs of IDs side by side in a direct area, anything else
// hashed; see KeyedCells), and downstream IPv4 its DownstreamCell by
// subscriber address the same way (DownstreamCells; the slot-indexed
// entries it replaced cost encap a dependent miss at a million sessions);
// IPv6 is an rte_hash per delegated prefix length. Freed slots
// and withdrawn cells go through an RCU QSBR defer queue, so a worker never
// sees either reused under it.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <rte_hash.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "dataplane/downstream_cells.h"
#include "dataplane/encap_header.h"
#include "dataplane/session_entry.h"
#include "dataplane/table_memory.h"
#include "dataplane/upstream_cells.h"

struct rte_rcu_qsbr;
struct rte_rcu_qsbr_dq;

namespace lns::dp {

// How the encapsulation toward LACs looks: our side of the access port.
struct AccessEncap {
  std::array<uint8_t, 6> our_mac{};
  std::array<uint8_t, 6> default_lac_mac{};  // access next hop
  bool has_default_lac_mac = false;
  uint32_t our_ipv4 = 0;  // host order
  std::optional<uint16_t> vlan;
};

struct SessionSpec {
  uint32_t lac_ipv4 = 0;  // host order
  uint16_t lac_port = 1701;
  uint16_t tunnel_id = 0;
  uint16_t session_id = 0;
  uint16_t peer_tunnel_id = 0;
  uint16_t peer_session_id = 0;
  uint32_t subscriber_ipv4 = 0;  // host order; 0 = none yet
  std::array<uint8_t, 8> ipv6_prefix{};
  uint8_t ipv6_prefix_len = 0;  // 0 = none
  uint16_t mtu = 1460;
  std::optional<std::array<uint8_t, 6>> lac_mac;
  uint16_t flags = 0;
};

struct SessionTableConfig {
  uint32_t capacity = 65536;
  int socket_id = 0;
  const char* name = "lns";  // prefix for DPDK object names (unique per process)
  // One lane of UpstreamCells, DownstreamCells and slow-path counters per
  // worker: each holds a copy of every session's forwarding fields beside
  // that worker's counters.
  uint16_t lanes = 1;
};

class SessionTable {
 public:
  static absl::StatusOr<std::unique_ptr<SessionTable>> create(const SessionTableConfig& cfg,
                                                             const AccessEncap& encap,
                                                             rte_rcu_qsbr* qsbr);
  ~SessionTable();
  SessionTable(const SessionTable&) = delete;
  SessionTable& operator=(const SessionTable&) = delete;

  // ---- control plane (single writer) ----
  absl::StatusOr<uint32_t> add(const SessionSpec& spec);
  // Unpublishes the session at once; its slot and counters are recycled
  // after every worker has passed a quiescent state.
  absl::Status remove(uint16_t tunnel_id, uint16_t session_id);
  absl::Status set_flags(uint32_t slot, uint16_t flags);
  absl::Status set_subscriber_ipv4(uint32_t slot, uint32_t ipv4);
  // Publishes (len > 0) or withdraws (len == 0) the session's IPv6 prefix.
  absl::Status set_ipv6_prefix(uint32_t slot, const std::array<uint8_t, 8>& prefix, uint8_t len);
  // The peer's MRU, once LCP has negotiated it.
  absl::Status set_mtu(uint32_t slot, uint16_t mtu);
  // Our LCP Magic-Number, for the Echo-Replies workers send while the
  // session has kAnswerLcpEcho; set it before that flag.
  absl::Status set_lcp_magic(uint32_t slot, uint32_t magic);
  // The control plane's copy of what was published for a slot.
  const SessionSpec* spec(uint32_t slot) const {
    return slot == kNoSession || slot > capacity_ ? nullptr : &specs_[slot];
  }
  // Returns how many removed slots were recycled by this call.
  uint32_t reclaim();
  uint32_t size() const { return live_; }
  uint32_t capacity() const { return capacity_; }
  // What the tables sized by capacity() take (entries, every lane, the
  // header pool), all of it allocated and resident from create() on; the
  // index pages, which grow with use, are not included.
  size_t memory_bytes() const;
  // Called with each slot just before it returns to the free list, so
  // per-worker counters can be folded into totals and zeroed.
  void set_recycle_hook(void (*hook)(void* ctx, uint32_t slot), void* ctx) {
    recycle_hook_ = hook;
    recycle_ctx_ = ctx;
  }
  uint64_t recycled() const { return recycled_; }

  // ---- workers (lock-free readers) ----
  static uint32_t upstream_key(uint16_t tunnel_id, uint16_t session_id) {
    return (uint32_t{tunnel_id} << 16) | session_id;
  }
  // The session's slot (kNoSession: none), as lane 0 sees it.
  uint32_t lookup_upstream(uint16_t tunnel_id, uint16_t session_id) const {
    const uint32_t pos = upstream_.find(upstream_.lane(0), upstream_key(tunnel_id, session_id));
    return pos == UpstreamCells::kNone ? kNoSession : upstream_.slot_at(pos);
  }
  // The slot holding a subscriber IPv4 address (kNoSession: none), as lane 0 sees it.
  uint32_t lookup_ipv4(uint32_t dst_host_order) const {
    const uint32_t pos = downstream_.find(downstream_.lane(0), dst_host_order);
    return pos == DownstreamCells::kNone ? kNoSession : downstream_.slot_at(pos);
  }
  // The upstream cells, which workers search by key in their own lane.
  const UpstreamCells& upstream_cells() const { return upstream_; }
  // A live slot's position among the upstream cells (UpstreamCells::kNone
  // for a free slot); control plane only.
  uint32_t upstream_position(uint32_t slot) const {
    return slot == kNoSession || slot > capacity_ ? UpstreamCells::kNone : position_of_slot_[slot];
  }
  // The downstream cells, which workers search by IPv4 address in their own lane.
  const DownstreamCells& downstream_cells() const { return downstream_; }
  // A slot's position among the downstream cells (DownstreamCells::kNone
  // while it has no IPv4 address); control plane only.
  uint32_t downstream_position(uint32_t slot) const {
    return slot == kNoSession || slot > capacity_ ? DownstreamCells::kNone : ipv4_position_[slot];
  }
  // What every lane's downstream cells counted for the slot, those it had
  // before an address change included (not the slow path's counters).
  TrafficCounter downstream_cell_totals(uint32_t slot) const;
  // Longest match over the (at most kMaxV6Lengths) prefix lengths in use.
  uint32_t lookup_ipv6(const uint8_t* dst) const {
    const int n = v6_count_.load(std::memory_order_acquire);
    if (n == 0) return kNoSession;
    const uint64_t top = load_top64(dst);
    uint32_t best = kNoSession;
    uint8_t best_len = 0;
    for (int i = 0; i < n; ++i) {
      const V6Table& t = v6_[i];
      if (t.length <= best_len) continue;
      const uint64_t key = top & prefix_mask(t.length);
      void* data;
      if (rte_hash_lookup_data(t.hash, &key, &data) >= 0) {
        best = static_cast<uint32_t>(reinterpret_cast<uintptr_t>(data));
        best_len = t.length;
      }
    }
    return best;
  }
  const SessionEntry& entry(uint32_t slot) const { return entries_[slot]; }
  // A worker's lane (0 .. lanes - 1) of upstream cells, by position: its
  // copy of the guards, and its upstream counters, which only it writes.
  UpstreamCell* upstream_lane(uint16_t lane) const { return upstream_.lane(lane); }
  DownstreamCell* downstream_lane(uint16_t lane) const { return downstream_.lane(lane); }
  // A worker's slow-path downstream counters, by slot.
  TrafficCounter* downstream_slow_lane(uint16_t lane) const {
    return lane < slow_down_lanes_.size() ? slow_down_lanes_[lane] : nullptr;
  }
  // The tunnels' shared encapsulation headers, which DownstreamCell::header indexes.
  const EncapHeader* encap_headers() const { return headers_->headers(); }
  const EncapHeaderPool& header_pool() const { return *headers_; }
  uint16_t lanes() const { return upstream_.lanes(); }
  // A live slot's guard.
  const UpstreamGuard& guard(uint32_t slot, uint16_t lane = 0) const {
    return upstream_.lane(lane)[position_of_slot_[slot]].guard;
  }
  static uint16_t guard_flags(const UpstreamGuard& g) { return __atomic_load_n(&g.flags, __ATOMIC_ACQUIRE); }
  // 0 for a slot that is not in use.
  uint16_t guard_flags(uint32_t slot, uint16_t lane = 0) const {
    return upstream_position(slot) == UpstreamCells::kNone ? 0 : guard_flags(guard(slot, lane));
  }
  uint16_t flags(uint32_t slot) const {
    return __atomic_load_n(&entries_[slot].flags, __ATOMIC_ACQUIRE);
  }

 private:
  struct V6Table {
    uint8_t length = 0;
    rte_hash* hash = nullptr;
  };
  static constexpr int kMaxV6Lengths = 4;

  SessionTable() = default;
  static uint64_t load_top64(const uint8_t* a) {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | a[i];
    return v;
  }
  static uint64_t prefix_mask(uint8_t len) {
    return len >= 64 ? ~uint64_t{0} : ~(~uint64_t{0} >> len);
  }
  void build_encap(SessionEntry& e, const SessionSpec& spec) const;
  void store_lane_flags(uint32_t slot, uint16_t flags);
  // The DownstreamCell fields of a new slot, kept until it has an address.
  absl::Status fill_downstream(uint32_t slot, const SessionEntry& e, const SessionSpec& spec);
  // Gives the slot a downstream cell keyed by its IPv4 address (non-zero).
  absl::Status publish_ipv4(uint32_t slot, uint32_t ipv4);
  // Takes the slot's downstream cell out of lookups; the cell is released,
  // and its counters carried over to the slot, after a grace period.
  void withdraw_ipv4(uint32_t slot);
  // What the RCU defer queue holds: a slot to recycle (pos kNone) or a
  // slot's withdrawn downstream cell.
  struct Deferred {
    uint32_t slot;
    uint32_t pos;
    uint32_t key;
    uint32_t generation;  // the slot's, when deferred
    TrafficCounter counted;  // what the cell had counted when withdrawn
  };
  TrafficCounter cell_counters(uint32_t pos) const;
  void release_ipv4_cell(const Deferred& d);
  void defer(Deferred d);
  absl::StatusOr<rte_hash*> v6_table_for(uint8_t length, bool create);
  // Takes the spec's IPv6 prefix, if it has one, out of its table.
  void withdraw_ipv6(const SessionSpec& spec);
  static void free_deferred(void* ctx, void* elems, unsigned n);
  void recycle(uint32_t slot);

  uint32_t capacity_ = 0;
  uint32_t live_ = 0;
  uint64_t recycled_ = 0;
  AccessEncap encap_;
  TableMemory entries_memory_;
  SessionEntry* entries_ = nullptr;  // capacity_ + 1, slot 0 unused, in entries_memory_
  std::vector<std::unique_ptr<TableMemory>> slow_down_memory_;
  std::vector<TrafficCounter*> slow_down_lanes_;  // likewise
  std::unique_ptr<EncapHeaderPool> headers_;
  std::vector<SessionSpec> specs_;   // control-plane copy, by slot
  std::vector<uint32_t> free_slots_;
  UpstreamCells upstream_;
  std::vector<uint32_t> position_of_slot_;  // UpstreamCells::kNone while free
  DownstreamCells downstream_;
  std::vector<uint32_t> ipv4_position_;      // DownstreamCells::kNone without an address
  std::vector<DownstreamCell> down_fields_;  // by slot: what a new downstream cell gets
  std::vector<TrafficCounter> carried_down_; // by slot: from withdrawn downstream cells
  std::vector<uint32_t> generation_;         // by slot: bumped when a session leaves it
  std::vector<bool> removed_;                // by slot: removed, not yet recycled
  std::array<V6Table, kMaxV6Lengths> v6_{};
  std::atomic<int> v6_count_{0};
  rte_rcu_qsbr* qsbr_ = nullptr;
  rte_rcu_qsbr_dq* dq_ = nullptr;
  void (*recycle_hook_)(void*, uint32_t) = nullptr;
  void* recycle_ctx_ = nullptr;
  std::string name_;
};

}  // namespace lns::dp
