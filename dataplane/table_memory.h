// Memory for the large tables workers read per packet (session entries,
// index pages). With hugepages it is ordinary DPDK memory on the table's
// socket. Without them (lnsd --no-huge, the benchmarks, the tests) DPDK's
// memory is 4 KiB pages, and at 65,536 sessions and more nearly every table
// read per packet is also a TLB miss; there the tables get anonymous memory
// marked for transparent huge pages instead, which the kernel backs with
// 2 MiB pages where it can (THP "madvise" mode suffices). Measured
// (lns_dataplane_bench, 1,000,000 sessions, medians of 4 alternating runs)
// for the session entries alone: encap 176 -> 147 cycles/packet, decap
// 168 -> 158; no change measurable at 65,536.
#pragma once

#include <cstddef>

namespace lns::dp {

class TableMemory {
 public:
  TableMemory() = default;
  ~TableMemory();
  TableMemory(const TableMemory&) = delete;
  TableMemory& operator=(const TableMemory&) = delete;

  // Zeroed, 64-byte aligned; nullptr when out of memory. Once only.
  void* allocate(const char* name, size_t bytes, int socket_id);
  void* data() const { return data_; }
  size_t bytes() const { return data_ != nullptr ? bytes_ : 0; }

 private:
  void* data_ = nullptr;
  void* mapping_ = nullptr;  // set when the memory came from mmap
  size_t mapping_bytes_ = 0;
  size_t bytes_ = 0;
};

}  // namespace lns::dp
