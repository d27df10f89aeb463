// All pools of one configuration, found by name or by an address in them.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "controlplane/aaa/address_pool.h"
#include "controlplane/aaa/aaa_types.h"

namespace lns::aaa {

struct PoolConfig {
  std::string name;
  std::vector<Ipv4Range> ranges;  // CIDR blocks as range_of_prefix(...)
};

class AddressPools {
 public:
  AddressPools() = default;
  // InvalidArgument for what AddressPool::create refuses, a repeated name,
  // or ranges of two pools that overlap. `excluded` as for AddressPool.
  static absl::StatusOr<AddressPools> create(const std::vector<PoolConfig>& pools,
                                             absl::Span<const Ipv4> excluded = {});

  AddressPool* find(std::string_view name);
  const AddressPool* find(std::string_view name) const;
  // The pool whose ranges hold `address`, or nullptr.
  AddressPool* containing(Ipv4 address);

  // In configuration order.
  const std::vector<AddressPool>& all() const { return pools_; }
  std::vector<AddressPool>& all() { return pools_; }

 private:
  struct Span {
    Ipv4Range range;
    size_t pool;
  };
  std::vector<AddressPool> pools_;
  absl::flat_hash_map<std::string, size_t> by_name_;
  std::vector<Span> spans_;  // every range of every pool, sorted
};

}  // namespace lns::aaa
