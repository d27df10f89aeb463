#include "controlplane/aaa/address_pools.h"

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace lns::aaa {

absl::StatusOr<AddressPools> AddressPools::create(const std::vector<PoolConfig>& pools,
                                                  absl::Span<const Ipv4> excluded) {
  AddressPools set;
  set.pools_.reserve(pools.size());
  for (const PoolConfig& config : pools) {
    absl::StatusOr<AddressPool> pool = AddressPool::create(config.name, config.ranges, excluded);
    if (!pool.ok()) return pool.status();
    if (!set.by_name_.try_emplace(config.name, set.pools_.size()).second) {
      return absl::InvalidArgumentError(absl::StrCat("pool ", config.name, " is listed twice"));
    }
    for (const Ipv4Range& range : pool->ranges()) set.spans_.push_back({range, set.pools_.size()});
    set.pools_.push_back(*std::move(pool));
  }
  std::sort(set.spans_.begin(), set.spans_.end(),
            [](const Span& a, const Span& b) { return a.range.first < b.range.first; });
  for (size_t i = 1; i < set.spans_.size(); ++i) {
    const Span& before = set.spans_[i - 1];
    const Span& after = set.spans_[i];
    if (after.range.first <= before.range.last) {
      return absl::InvalidArgumentError(absl::StrCat(
          "pools ", set.pools_[before.pool].name(), " and ", set.pools_[after.pool].name(),
          " overlap: ", format_range(before.range), " and ", format_range(after.range)));
    }
  }
  return set;
}

AddressPool* AddressPools::find(std::string_view name) {
  auto it = by_name_.find(absl::string_view(name.data(), name.size()));
  return it == by_name_.end() ? nullptr : &pools_[it->second];
}

const AddressPool* AddressPools::find(std::string_view name) const {
  return const_cast<AddressPools*>(this)->find(name);
}

AddressPool* AddressPools::containing(Ipv4 address) {
  auto after = std::upper_bound(spans_.begin(), spans_.end(), address,
                                [](Ipv4 a, const Span& s) { return a < s.range.first; });
  if (after == spans_.begin()) return nullptr;
  const Span& span = *std::prev(after);
  return span.range.contains(address) ? &pools_[span.pool] : nullptr;
}

}  // namespace lns::aaa
