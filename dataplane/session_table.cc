#include "dataplane/session_table.h"

#include <algorithm>
#include <cstring>

#include <rte_errno.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/byte_order.h"
#include "common/checksum.h"
#include "common/ip_forward.h"
#include "common/l2tp_header.h"
#include "common/ppp_header.h"

namespace lns::dp {
namespace {

}  // namespace

size_t SessionTable::memory_bytes() const {
  size_t total = entries_memory_.bytes() + headers_->memory_bytes() + upstream_.memory_bytes() +
                 downstream_.memory_bytes();
  for (const auto& m : slow_down_memory_) total += m->bytes();
  return total;
}

absl::StatusOr<std::unique_ptr<SessionTable>> SessionTable::create(const SessionTableConfig& cfg,
                                                                  const AccessEncap& encap,
                                                                  rte_rcu_qsbr* qsbr) {
  if (cfg.capacity == 0 || cfg.capacity >= (1u << 24))
    return absl::InvalidArgumentError("session table capacity must be 1..16777215");
  std::unique_ptr<SessionTable> t(new SessionTable());
  t->capacity_ = cfg.capacity;
  t->encap_ = encap;
  t->qsbr_ = qsbr;
  t->name_ = cfg.name;
  t->entries_ = static_cast<SessionEntry*>(
      t->entries_memory_.allocate("lns_sessions", sizeof(SessionEntry) * (cfg.capacity + 1), cfg.socket_id));
  if (t->entries_ == nullptr)
    return absl::ResourceExhaustedError(
        absl::StrFormat("cannot allocate %u session entries", cfg.capacity));
  if (cfg.lanes == 0) return absl::InvalidArgumentError("a session table needs at least one lane");
  if (absl::Status st = t->upstream_.init(cfg.capacity, cfg.lanes, cfg.socket_id); !st.ok()) return st;
  t->position_of_slot_.assign(cfg.capacity + 1, UpstreamCells::kNone);
  if (absl::Status st = t->downstream_.init(cfg.capacity, cfg.lanes, cfg.socket_id); !st.ok()) return st;
  t->ipv4_position_.assign(cfg.capacity + 1, DownstreamCells::kNone);
  t->down_fields_.resize(cfg.capacity + 1);
  t->carried_down_.resize(cfg.capacity + 1);
  t->generation_.resize(cfg.capacity + 1);
  t->removed_.resize(cfg.capacity + 1);
  for (uint16_t lane = 0; lane < cfg.lanes; ++lane) {
    auto& memory = t->slow_down_memory_.emplace_back(std::make_unique<TableMemory>());
    auto* counters = static_cast<TrafficCounter*>(memory->allocate(
        "lns_downstream_slow", sizeof(TrafficCounter) * (cfg.capacity + 1), cfg.socket_id));
    if (counters == nullptr)
      return absl::ResourceExhaustedError(
          absl::StrFormat("cannot allocate lane %u of %u downstream counters", lane, cfg.capacity));
    t->slow_down_lanes_.push_back(counters);
  }
  // Tunnel IDs are 16 bits, so a tunnel per header needs at most 65,535.
  auto pool = EncapHeaderPool::create(std::min<uint32_t>(cfg.capacity, 65536), cfg.socket_id);
  if (!pool.ok()) return pool.status();
  t->headers_ = std::move(*pool);
  t->specs_.resize(cfg.capacity + 1);
  t->free_slots_.reserve(cfg.capacity);
  for (uint32_t s = cfg.capacity; s >= 1; --s) t->free_slots_.push_back(s);
  if (qsbr != nullptr) {
    const std::string dq_name = absl::StrCat(cfg.name, "_dq");
    rte_rcu_qsbr_dq_parameters dp{};
    dp.name = dq_name.c_str();
    // Each slot, and the downstream cells sessions give up when their
    // address changes (one per slot, short of flapping within a grace period).
    dp.size = 2 * cfg.capacity;
    dp.esize = sizeof(Deferred);
    dp.trigger_reclaim_limit = 64;
    dp.max_reclaim_size = 256;
    dp.free_fn = &SessionTable::free_deferred;
    dp.p = t.get();
    dp.v = qsbr;
    t->dq_ = rte_rcu_qsbr_dq_create(&dp);
    if (t->dq_ == nullptr)
      return absl::ResourceExhaustedError(
          absl::StrCat("rte_rcu_qsbr_dq_create failed: ", rte_strerror(rte_errno)));
  }
  return t;
}

SessionTable::~SessionTable() {
  if (dq_ != nullptr) rte_rcu_qsbr_dq_delete(dq_);
  for (auto& v : v6_)
    if (v.hash != nullptr) rte_hash_free(v.hash);
}

void SessionTable::store_lane_flags(uint32_t slot, uint16_t flags) {
  const uint32_t pos = position_of_slot_[slot];
  for (uint16_t lane = 0; lane < upstream_.lanes(); ++lane)
    __atomic_store_n(&upstream_.guard(lane, pos).flags, static_cast<uint8_t>(flags), __ATOMIC_RELEASE);
  down_fields_[slot].flags = static_cast<uint8_t>(flags);
  if (const uint32_t down = ipv4_position_[slot]; down != DownstreamCells::kNone)
    for (uint16_t lane = 0; lane < downstream_.lanes(); ++lane)
      __atomic_store_n(&downstream_.cell(lane, down).flags, static_cast<uint8_t>(flags), __ATOMIC_RELEASE);
}

absl::Status SessionTable::publish_ipv4(uint32_t slot, uint32_t ipv4) {
  auto pos = downstream_.insert(ipv4, slot, down_fields_[slot]);
  if (!pos.ok()) return pos.status();
  ipv4_position_[slot] = *pos;
  return absl::OkStatus();
}

void SessionTable::withdraw_ipv4(uint32_t slot) {
  const uint32_t pos = ipv4_position_[slot];
  if (pos == DownstreamCells::kNone) return;
  const Deferred d{slot, pos, *DownstreamCellTraits::key(downstream_.cell(0, pos)), generation_[slot],
                   cell_counters(pos)};
  downstream_.unpublish(pos);
  ipv4_position_[slot] = DownstreamCells::kNone;
  // The slot's totals keep what the cell counted so far at once; packets
  // it counts in the grace period are added at its release.
  carried_down_[slot] += d.counted;
  if (dq_ == nullptr) return release_ipv4_cell(d);
  defer(d);
}

TrafficCounter SessionTable::cell_counters(uint32_t pos) const {
  TrafficCounter t{};
  for (uint16_t lane = 0; lane < downstream_.lanes(); ++lane) t += downstream_.cell(lane, pos).down;
  return t;
}

void SessionTable::release_ipv4_cell(const Deferred& d) {
  // A session that has since left the slot keeps nothing.
  if (d.generation == generation_[d.slot]) {
    carried_down_[d.slot] += cell_counters(d.pos) - d.counted;
  }
  downstream_.release(d.pos, d.key);
}

TrafficCounter SessionTable::downstream_cell_totals(uint32_t slot) const {
  if (slot == kNoSession || slot > capacity_) return TrafficCounter{};
  TrafficCounter t = carried_down_[slot];
  if (const uint32_t pos = ipv4_position_[slot]; pos != DownstreamCells::kNone) t += cell_counters(pos);
  return t;
}

void SessionTable::defer(Deferred d) {
  if (rte_rcu_qsbr_dq_enqueue(dq_, &d) == 0) return;
  // The queue only fills if workers stop reporting quiescence; waiting
  // for them is the safe fallback.
  rte_rcu_qsbr_synchronize(qsbr_, RTE_QSBR_THRID_INVALID);
  reclaim();
  if (rte_rcu_qsbr_dq_enqueue(dq_, &d) == 0) return;
  free_deferred(this, &d, 1);
}

absl::Status SessionTable::fill_downstream(uint32_t slot, const SessionEntry& e, const SessionSpec& spec) {
  // The template through the L2TP header, with the session ID left for the
  // worker to write.
  const uint32_t ip_off = e.encap_ip_off();
  const uint32_t len = ip_off + 20 + 8 + 6;
  uint8_t shared[EncapHeader::kMaxLen];
  std::memcpy(shared, e.encap, len);
  store_be16(shared + len - 2, 0);
  auto header = headers_->acquire(shared, static_cast<uint8_t>(len), static_cast<uint8_t>(ip_off), e.encap_ip_sum);
  if (!header.ok()) return header.status();
  DownstreamCell c{};
  c.header = *header;
  // The template's PPP bytes ([FF 03] and the protocol) end where the inner
  // packet starts; their count says which they are (ppp_ipv4_tail).
  c.ppp_len = static_cast<uint8_t>(e.encap_len - len);
  c.peer_session_be = __builtin_bswap16(spec.peer_session_id);
  c.flags = static_cast<uint8_t>(spec.flags);
  c.mtu = spec.mtu;
  down_fields_[slot] = c;
  return absl::OkStatus();
}

void SessionTable::build_encap(SessionEntry& e, const SessionSpec& spec) const {
  uint8_t* p = e.encap;
  std::memset(p, 0, sizeof(e.encap));
  const auto& dst = spec.lac_mac ? *spec.lac_mac : encap_.default_lac_mac;
  std::memcpy(p, dst.data(), 6);
  std::memcpy(p + 6, encap_.our_mac.data(), 6);
  uint32_t off = 12;
  if (encap_.vlan) {
    store_be16(p + off, kEtherVlan);
    store_be16(p + off + 2, *encap_.vlan);
    off += 4;
  }
  store_be16(p + off, kEtherIpv4);
  off += 2;
  uint8_t* ip = p + off;
  ip[0] = 0x45;
  store_be16(ip + 6, 0x4000);  // DF: the session MTU keeps us under the access MTU
  ip[8] = 64;
  ip[9] = kIpProtoUdp;
  store_be32(ip + 12, encap_.our_ipv4);
  store_be32(ip + 16, spec.lac_ipv4);
  // Length and checksum still zero; checksum_fold folds and inverts, so
  // invert back to keep the folded sum.
  e.encap_ip_sum = static_cast<uint16_t>(~checksum_fold(checksum_partial(ip, 20)));
  off += 20;
  uint8_t* udp = p + off;
  store_be16(udp, kL2tpPort);
  store_be16(udp + 2, spec.lac_port);
  off += 8;
  uint8_t* l2tp = p + off;
  l2tp[1] = kL2tpVersion;  // no optional fields: data messages need none
  store_be16(l2tp + 2, spec.peer_tunnel_id);
  store_be16(l2tp + 4, spec.peer_session_id);
  off += 6;
  if (!(spec.flags & kPeerAcfc)) {
    p[off] = 0xff;
    p[off + 1] = 0x03;
    off += 2;
  }
  e.encap_ppp_off = static_cast<uint8_t>(off);
  off += (spec.flags & kPeerPfc) ? 1 : 2;
  static_assert(14 + 4 + 20 + 8 + 6 + 2 + 2 <= SessionEntry::kMaxEncap);
  e.encap_len = static_cast<uint8_t>(off);
}

absl::StatusOr<rte_hash*> SessionTable::v6_table_for(uint8_t length, bool create) {
  const int n = v6_count_.load(std::memory_order_relaxed);
  for (int i = 0; i < n; ++i)
    if (v6_[i].length == length) return v6_[i].hash;
  if (!create) return nullptr;
  if (n == kMaxV6Lengths)
    return absl::ResourceExhaustedError(
        absl::StrFormat("at most %d distinct IPv6 prefix lengths are supported", kMaxV6Lengths));
  const std::string hname = absl::StrCat(name_, "_v6_", length);
  rte_hash_parameters hp{};
  hp.name = hname.c_str();
  hp.entries = std::max<uint32_t>(capacity_, 64);
  hp.key_len = sizeof(uint64_t);
  hp.hash_func = rte_hash_crc;
  hp.socket_id = 0;
  hp.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF | RTE_HASH_EXTRA_FLAGS_EXT_TABLE;
  rte_hash* h = rte_hash_create(&hp);
  if (h == nullptr)
    return absl::ResourceExhaustedError(absl::StrCat("rte_hash_create failed: ", rte_strerror(rte_errno)));
  if (qsbr_ != nullptr) {
    rte_hash_rcu_config rc{};
    rc.v = qsbr_;
    rc.mode = RTE_HASH_QSBR_MODE_DQ;
    if (rte_hash_rcu_qsbr_add(h, &rc) != 0) {
      rte_hash_free(h);
      return absl::InternalError("rte_hash_rcu_qsbr_add failed");
    }
  }
  // Append-only: readers scan the first v6_count_ entries, so a published
  // entry never moves.
  v6_[n] = V6Table{length, h};
  v6_count_.store(n + 1, std::memory_order_release);
  return h;
}

void SessionTable::withdraw_ipv6(const SessionSpec& spec) {
  if (spec.ipv6_prefix_len == 0) return;
  auto h = v6_table_for(spec.ipv6_prefix_len, false);
  if (!h.ok() || *h == nullptr) return;
  const uint64_t key = load_top64(spec.ipv6_prefix.data()) & prefix_mask(spec.ipv6_prefix_len);
  rte_hash_del_key(*h, &key);
}

absl::StatusOr<uint32_t> SessionTable::add(const SessionSpec& spec) {
  if (spec.tunnel_id == 0 || spec.session_id == 0)
    return absl::InvalidArgumentError("tunnel and session IDs must be non-zero");
  if (!spec.lac_mac && !encap_.has_default_lac_mac)
    return absl::InvalidArgumentError("no MAC address for the LAC and no access next hop");
  if (spec.ipv6_prefix_len > 64)
    return absl::InvalidArgumentError("IPv6 prefix longer than /64");
  const uint32_t ukey = upstream_key(spec.tunnel_id, spec.session_id);
  if (lookup_upstream(spec.tunnel_id, spec.session_id) != kNoSession)
    return absl::AlreadyExistsError(
        absl::StrFormat("session %u/%u already exists", spec.tunnel_id, spec.session_id));
  if (spec.subscriber_ipv4 != 0 && lookup_ipv4(spec.subscriber_ipv4) != kNoSession)
    return absl::AlreadyExistsError("subscriber IPv4 address already in use");
  if (spec.ipv6_prefix_len != 0) {
    // rte_hash_add_key_data would silently take the prefix from its holder.
    auto h = v6_table_for(spec.ipv6_prefix_len, false);
    const uint64_t key = load_top64(spec.ipv6_prefix.data()) & prefix_mask(spec.ipv6_prefix_len);
    if (h.ok() && *h != nullptr && rte_hash_lookup(*h, &key) >= 0)
      return absl::AlreadyExistsError("IPv6 prefix already in use");
  }
  if (free_slots_.empty()) {
    reclaim();
    if (free_slots_.empty() && qsbr_ != nullptr && live_ < capacity_) {
      // Every free slot is waiting out a grace period: wait for it (workers
      // report quiescence every poll, so this takes microseconds).
      rte_rcu_qsbr_synchronize(qsbr_, RTE_QSBR_THRID_INVALID);
      reclaim();
    }
    if (free_slots_.empty())
      return absl::ResourceExhaustedError(absl::StrFormat("session table full (%u)", capacity_));
  }
  const uint32_t slot = free_slots_.back();

  SessionEntry& e = entries_[slot];
  build_encap(e, spec);
  e.mtu = spec.mtu;
  e.tunnel_id = spec.tunnel_id;
  e.session_id = spec.session_id;
  e.peer_tunnel_id = spec.peer_tunnel_id;
  e.peer_session_id = spec.peer_session_id;
  e.ipv6_prefix_len = spec.ipv6_prefix_len;
  std::memcpy(e.ipv6_prefix, spec.ipv6_prefix.data(), 8);
  e.lcp_magic = 0;
  __atomic_store_n(&e.flags, spec.flags, __ATOMIC_RELEASE);
  if (absl::Status st = fill_downstream(slot, e, spec); !st.ok()) return st;
  // From here on a failure must give the header back.
  auto fail = [&](absl::Status st) {
    headers_->release(down_fields_[slot].header);
    // A downstream cell given up here may still count a packet or two
    // before its release; the next session in this slot must not get them.
    ++generation_[slot];
    return st;
  };
  UpstreamGuard guard{};
  guard.lac_ipv4_be = __builtin_bswap32(spec.lac_ipv4);
  guard.lac_port_be = __builtin_bswap16(spec.lac_port);
  guard.subscriber_ipv4_be = __builtin_bswap32(spec.subscriber_ipv4);
  guard.flags = static_cast<uint8_t>(spec.flags);

  if (spec.subscriber_ipv4 != 0)
    if (absl::Status st = publish_ipv4(slot, spec.subscriber_ipv4); !st.ok()) return fail(st);
  if (spec.ipv6_prefix_len != 0) {
    auto h = v6_table_for(spec.ipv6_prefix_len, true);
    if (!h.ok()) {
      withdraw_ipv4(slot);
      return fail(h.status());
    }
    const uint64_t key = load_top64(spec.ipv6_prefix.data()) & prefix_mask(spec.ipv6_prefix_len);
    if (rte_hash_add_key_data(*h, &key, reinterpret_cast<void*>(uintptr_t{slot})) != 0) {
      withdraw_ipv4(slot);
      return fail(absl::ResourceExhaustedError("IPv6 prefix table full"));
    }
  }
  // Published last: from here on workers forward the session's traffic.
  auto pos = upstream_.insert(ukey, slot, guard);
  if (!pos.ok()) {
    withdraw_ipv4(slot);
    withdraw_ipv6(spec);
    return fail(pos.status());
  }
  position_of_slot_[slot] = *pos;
  free_slots_.pop_back();
  specs_[slot] = spec;
  ++live_;
  return slot;
}

absl::Status SessionTable::remove(uint16_t tunnel_id, uint16_t session_id) {
  const uint32_t slot = lookup_upstream(tunnel_id, session_id);
  if (slot == kNoSession)
    return absl::NotFoundError(absl::StrFormat("no session %u/%u", tunnel_id, session_id));
  const SessionSpec& spec = specs_[slot];
  upstream_.unpublish(position_of_slot_[slot]);
  __atomic_store_n(&entries_[slot].flags, uint16_t{0}, __ATOMIC_RELEASE);
  store_lane_flags(slot, 0);
  removed_[slot] = true;
  // Its cell's release comes first in the queue, so its counters are
  // carried over before the slot's are cleared.
  withdraw_ipv4(slot);
  withdraw_ipv6(spec);
  --live_;
  if (dq_ == nullptr) {  // no workers registered: nothing can hold the slot
    recycle(slot);
    return absl::OkStatus();
  }
  defer(Deferred{slot, DownstreamCells::kNone, 0, generation_[slot], {}});
  return absl::OkStatus();
}

absl::Status SessionTable::set_flags(uint32_t slot, uint16_t flags) {
  if (slot == kNoSession || slot > capacity_) return absl::InvalidArgumentError("bad slot");
  if (position_of_slot_[slot] == UpstreamCells::kNone) return absl::FailedPreconditionError("slot not in use");
  specs_[slot].flags = flags;
  __atomic_store_n(&entries_[slot].flags, flags, __ATOMIC_RELEASE);
  store_lane_flags(slot, flags);
  return absl::OkStatus();
}

absl::Status SessionTable::set_subscriber_ipv4(uint32_t slot, uint32_t ipv4) {
  if (slot == kNoSession || slot > capacity_) return absl::InvalidArgumentError("bad slot");
  if (position_of_slot_[slot] == UpstreamCells::kNone) return absl::FailedPreconditionError("slot not in use");
  SessionSpec& spec = specs_[slot];
  if (ipv4 != 0 && ipv4 != spec.subscriber_ipv4 && lookup_ipv4(ipv4) != kNoSession)
    return absl::AlreadyExistsError("subscriber IPv4 address already in use");
  if (removed_[slot]) return absl::FailedPreconditionError("session being removed");
  if (ipv4 == spec.subscriber_ipv4) return absl::OkStatus();
  // The old address's cell goes (its counters carried over to the slot);
  // the new one gets a cell of its own, since a cell's key fixes its place.
  withdraw_ipv4(slot);
  for (uint16_t lane = 0; lane < upstream_.lanes(); ++lane)
    __atomic_store_n(&upstream_.guard(lane, position_of_slot_[slot]).subscriber_ipv4_be, __builtin_bswap32(ipv4),
                     __ATOMIC_RELEASE);
  spec.subscriber_ipv4 = ipv4;
  if (ipv4 != 0) return publish_ipv4(slot, ipv4);
  return absl::OkStatus();
}

absl::Status SessionTable::set_ipv6_prefix(uint32_t slot, const std::array<uint8_t, 8>& prefix, uint8_t len) {
  if (slot == kNoSession || slot > capacity_) return absl::InvalidArgumentError("bad slot");
  if (len > 64) return absl::InvalidArgumentError("IPv6 prefix longer than /64");
  SessionSpec& spec = specs_[slot];
  const uint64_t new_key = load_top64(prefix.data()) & prefix_mask(len);
  if (len != 0) {
    auto h = v6_table_for(len, true);
    if (!h.ok()) return h.status();
    void* data;
    if (rte_hash_lookup_data(*h, &new_key, &data) >= 0 &&
        static_cast<uint32_t>(reinterpret_cast<uintptr_t>(data)) != slot)
      return absl::AlreadyExistsError("IPv6 prefix already in use");
  }
  withdraw_ipv6(spec);
  SessionEntry& e = entries_[slot];
  // Readers check the prefix only after a lookup found this slot, and the
  // new key is added after the fields are written.
  std::memcpy(e.ipv6_prefix, prefix.data(), 8);
  __atomic_store_n(&e.ipv6_prefix_len, len, __ATOMIC_RELEASE);
  spec.ipv6_prefix = prefix;
  spec.ipv6_prefix_len = len;
  if (len != 0) {
    auto h = v6_table_for(len, false);
    if (rte_hash_add_key_data(*h, &new_key, reinterpret_cast<void*>(uintptr_t{slot})) != 0)
      return absl::ResourceExhaustedError("IPv6 prefix table full");
  }
  return absl::OkStatus();
}

absl::Status SessionTable::set_mtu(uint32_t slot, uint16_t mtu) {
  if (slot == kNoSession || slot > capacity_) return absl::InvalidArgumentError("bad slot");
  if (mtu < 576) return absl::InvalidArgumentError("MTU below 576");
  specs_[slot].mtu = mtu;
  __atomic_store_n(&entries_[slot].mtu, mtu, __ATOMIC_RELEASE);
  down_fields_[slot].mtu = mtu;
  if (const uint32_t pos = ipv4_position_[slot]; pos != DownstreamCells::kNone)
    for (uint16_t lane = 0; lane < downstream_.lanes(); ++lane)
      __atomic_store_n(&downstream_.cell(lane, pos).mtu, mtu, __ATOMIC_RELEASE);
  return absl::OkStatus();
}

absl::Status SessionTable::set_lcp_magic(uint32_t slot, uint32_t magic) {
  if (slot == kNoSession || slot > capacity_) return absl::InvalidArgumentError("bad slot");
  // Workers read it only while kAnswerLcpEcho is set, which the caller sets
  // after this store (release) and clears before changing it again.
  __atomic_store_n(&entries_[slot].lcp_magic, magic, __ATOMIC_RELEASE);
  return absl::OkStatus();
}

uint32_t SessionTable::reclaim() {
  if (dq_ == nullptr) return 0;
  const uint64_t before = recycled_;
  unsigned freed = 0, pending = 0, available = 0;
  rte_rcu_qsbr_dq_reclaim(dq_, 2 * capacity_, &freed, &pending, &available);
  return static_cast<uint32_t>(recycled_ - before);
}

void SessionTable::free_deferred(void* ctx, void* elems, unsigned n) {
  auto* self = static_cast<SessionTable*>(ctx);
  const auto* d = static_cast<const Deferred*>(elems);
  for (unsigned i = 0; i < n; ++i) {
    if (d[i].pos == DownstreamCells::kNone) {
      self->recycle(d[i].slot);
    } else {
      self->release_ipv4_cell(d[i]);
    }
  }
}

void SessionTable::recycle(uint32_t slot) {
  if (recycle_hook_ != nullptr) recycle_hook_(recycle_ctx_, slot);
  // No worker reads the slot's cells any more, so none reads their header
  // through it.
  headers_->release(down_fields_[slot].header);
  down_fields_[slot] = DownstreamCell{};
  carried_down_[slot] = TrafficCounter{};
  ++generation_[slot];
  removed_[slot] = false;
  upstream_.release(position_of_slot_[slot], upstream_key(specs_[slot].tunnel_id, specs_[slot].session_id));
  position_of_slot_[slot] = UpstreamCells::kNone;
  specs_[slot] = SessionSpec{};
  free_slots_.push_back(slot);
  ++recycled_;
}

}  // namespace lns::dp
