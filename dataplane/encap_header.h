// The part of a session's downstream encapsulation that all sessions of a
// tunnel share, and the pool that holds one copy of each distinct one.
//
// Why: encap used to copy a 56-byte template from each session's entry,
// and with 65,536 sessions those entries (one line each, 4 MiB of lines
// 128 bytes apart) no longer fit the cache of the machine we measure on,
// so every downstream packet waited for a DRAM line. Sessions of a tunnel
// differ only in the peer's session ID and the PPP header, which now sit
// in the session's DownstreamCell beside its counters; the shared header is
// read from a table of a few lines per tunnel, which stays cached.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "dataplane/table_memory.h"

namespace lns::dp {

struct alignas(64) EncapHeader {
  // Ethernet [+802.1Q] / IPv4 / UDP / L2TP data header (no optional
  // fields): 48 or 52 bytes. The IPv4 total length and checksum, the UDP
  // length and the L2TP session ID (the last two bytes) are zero here and
  // written per packet.
  static constexpr uint32_t kMaxLen = 52;
  uint8_t bytes[kMaxLen];
  // One's-complement sum of the IPv4 header with length and checksum zero,
  // folded to 16 bits (not inverted).
  uint16_t ip_sum;
  uint8_t len;
  uint8_t ip_off;  // 14, or 18 after a VLAN tag
  uint8_t reserved[8];
};
static_assert(sizeof(EncapHeader) == 64);

// Control-plane thread only, except headers(), which workers read. An index
// handed out by acquire() stays valid until the matching release(); the
// caller releases only once no worker can still read it (after an RCU grace
// period), so a worker never sees an index reused under it.
class EncapHeaderPool {
 public:
  static absl::StatusOr<std::unique_ptr<EncapHeaderPool>> create(uint32_t capacity, int socket_id);

  // The index of a header with these first `len` bytes (and this IPv4 sum
  // and offset), shared with every other holder of the same bytes.
  absl::StatusOr<uint32_t> acquire(const uint8_t* bytes, uint8_t len, uint8_t ip_off, uint16_t ip_sum);
  void release(uint32_t index);

  const EncapHeader* headers() const { return headers_; }
  uint32_t size() const { return static_cast<uint32_t>(by_bytes_.size()); }
  uint32_t capacity() const { return capacity_; }
  size_t memory_bytes() const { return memory_.bytes(); }
  uint32_t holders(uint32_t index) const { return index < refs_.size() ? refs_[index] : 0; }

 private:
  using Key = std::array<uint8_t, EncapHeader::kMaxLen + 1>;  // length, then the bytes
  EncapHeaderPool() = default;
  static Key key_of(const uint8_t* bytes, uint8_t len);

  uint32_t capacity_ = 0;
  TableMemory memory_;
  EncapHeader* headers_ = nullptr;
  std::vector<uint32_t> refs_;
  std::vector<uint32_t> free_;
  absl::flat_hash_map<Key, uint32_t> by_bytes_;
};

}  // namespace lns::dp
