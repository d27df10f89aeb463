// A named pool of IPv4 addresses handed to subscribers one at a time.
//
// Every address of every range is handed out, including the first and last
// of a range written as a CIDR block ("100.64.0.0/16" yields 100.64.0.0 and
// 100.64.255.255 too): each subscriber gets a single address (a /32) on a
// point-to-point PPP link, so no address of the block is a network or
// broadcast address on any link. Operators who want to skip them write the
// range as first-last instead.
//
// Allocation is O(1) amortised whatever the pool size: a cursor walks the
// never-used addresses once, and released addresses queue up behind it, so
// the address a subscriber just gave back is the last to be reused (late
// packets for the old subscriber do not reach a new one). Two bits per
// address track state: 4 MiB for the largest pool (kMaxSize).
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "controlplane/aaa/aaa_types.h"

namespace lns::aaa {

class AddressPool {
 public:
  // 10.0.0.0/8; config/ refuses larger pools too.
  static constexpr uint64_t kMaxSize = uint64_t{1} << 24;

  // `ranges` must not overlap and may come in any order. Addresses in
  // `excluded` (fixed addresses of subscribers) are never handed out;
  // those outside the ranges are ignored; neither are the network and
  // broadcast addresses of a range given as a prefix of /30 or shorter.
  // InvalidArgument for an empty
  // name, no ranges, overlapping ranges or more than kMaxSize addresses.
  static absl::StatusOr<AddressPool> create(std::string name, std::vector<Ipv4Range> ranges,
                                            absl::Span<const Ipv4> excluded = {});

  const std::string& name() const { return name_; }
  // Sorted by first address.
  const std::vector<Ipv4Range>& ranges() const { return ranges_; }

  // A fresh address, or ResourceExhausted when every one is in use.
  absl::StatusOr<Ipv4> allocate();
  // Takes a particular address, e.g. one a session kept across a reload.
  // NotFound outside the ranges, FailedPrecondition when excluded,
  // AlreadyExists when in use.
  absl::Status claim(Ipv4 address);
  // Gives an allocated address back. NotFound outside the ranges,
  // FailedPrecondition when it is excluded or not in use.
  absl::Status release(Ipv4 address);

  bool contains(Ipv4 address) const { return ordinal_of(address) != kNone; }
  bool is_excluded(Ipv4 address) const;
  bool is_allocated(Ipv4 address) const;

  // Addresses the pool may hand out: the ranges less the excluded ones.
  uint64_t size() const { return total_ - excluded_.size(); }
  uint64_t used() const { return used_; }
  uint64_t available() const { return size() - used_; }
  // Most addresses ever in use at once.
  uint64_t high_water() const { return high_water_; }
  // Allocations refused because the pool was empty.
  uint64_t exhausted() const { return exhausted_; }

  // Keeps the history of the pool this one replaces (same name, reloaded):
  // the high-water mark and the exhaustion count carry on.
  void inherit_counters(const AddressPool& previous);

 private:
  static constexpr uint64_t kNone = ~uint64_t{0};

  AddressPool() = default;

  // Position of an address among all addresses of the ranges, in order.
  uint64_t ordinal_of(Ipv4 address) const;
  Ipv4 address_of(uint64_t ordinal) const;

  static bool test(const std::vector<uint64_t>& bits, uint64_t i) {
    return (bits[i / 64] >> (i % 64)) & 1;
  }
  static void set(std::vector<uint64_t>& bits, uint64_t i) { bits[i / 64] |= uint64_t{1} << (i % 64); }
  static void clear(std::vector<uint64_t>& bits, uint64_t i) {
    bits[i / 64] &= ~(uint64_t{1} << (i % 64));
  }
  Ipv4 take(uint64_t ordinal);

  std::string name_;
  std::vector<Ipv4Range> ranges_;
  std::vector<uint64_t> range_start_;  // ordinal of each range's first address
  uint64_t total_ = 0;
  // Set for addresses in use and for excluded ones.
  std::vector<uint64_t> taken_;
  // Set for ordinals waiting in released_, so none waits twice.
  std::vector<uint64_t> queued_;
  absl::flat_hash_set<uint64_t> excluded_;  // ordinals
  uint64_t cursor_ = 0;  // ordinals below were handed out (or skipped) once
  std::deque<uint32_t> released_;  // ordinals below cursor_, oldest first
  uint64_t used_ = 0;
  uint64_t high_water_ = 0;
  uint64_t exhausted_ = 0;
};

}  // namespace lns::aaa
