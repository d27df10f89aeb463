#include "controlplane/aaa/address_pool.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"

namespace lns::aaa {

absl::StatusOr<AddressPool> AddressPool::create(std::string name, std::vector<Ipv4Range> ranges,
                                                absl::Span<const Ipv4> excluded) {
  if (name.empty()) return absl::InvalidArgumentError("a pool needs a name");
  if (ranges.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("pool ", name, " has no address ranges"));
  }
  std::sort(ranges.begin(), ranges.end(),
            [](const Ipv4Range& a, const Ipv4Range& b) { return a.first < b.first; });
  uint64_t total = 0;
  for (size_t i = 0; i < ranges.size(); ++i) {
    if (ranges[i].first > ranges[i].last) {
      return absl::InvalidArgumentError(
          absl::StrCat("pool ", name, ": range ", format_ipv4(ranges[i].first), "-",
                       format_ipv4(ranges[i].last), " ends before it starts"));
    }
    if (i > 0 && ranges[i].first <= ranges[i - 1].last) {
      return absl::InvalidArgumentError(absl::StrCat("pool ", name, ": ranges ",
                                                     format_range(ranges[i - 1]), " and ",
                                                     format_range(ranges[i]), " overlap"));
    }
    total += ranges[i].size();
  }
  if (total > kMaxSize) {
    return absl::InvalidArgumentError(absl::StrCat("pool ", name, " has ", total,
                                                   " addresses; at most ", kMaxSize,
                                                   " are allowed"));
  }

  AddressPool pool;
  pool.name_ = std::move(name);
  pool.ranges_ = std::move(ranges);
  pool.total_ = total;
  uint64_t start = 0;
  for (const Ipv4Range& range : pool.ranges_) {
    pool.range_start_.push_back(start);
    start += range.size();
  }
  size_t words = static_cast<size_t>((total + 63) / 64);
  pool.taken_.assign(words, 0);
  pool.queued_.assign(words, 0);
  auto exclude = [&pool](Ipv4 address) {
    const uint64_t ordinal = pool.ordinal_of(address);
    if (ordinal == kNone) return;
    pool.excluded_.insert(ordinal);
    set(pool.taken_, ordinal);
  };
  for (Ipv4 address : excluded) exclude(address);
  // A pool written as a prefix shorter than /31 keeps its network and
  // broadcast addresses back: some CPEs and middleboxes mishandle a host
  // numbered x.x.x.0 or x.x.x.255. A first-last range is taken as written.
  for (const Ipv4Range& range : pool.ranges_) {
    if (range.prefix_length == 0 || range.prefix_length > 30) continue;
    exclude(range.first);
    exclude(range.last);
  }
  return pool;
}

uint64_t AddressPool::ordinal_of(Ipv4 address) const {
  // The last range starting at or before the address.
  auto after = std::upper_bound(ranges_.begin(), ranges_.end(), address,
                                [](Ipv4 a, const Ipv4Range& r) { return a < r.first; });
  if (after == ranges_.begin()) return kNone;
  size_t index = static_cast<size_t>(after - ranges_.begin()) - 1;
  if (address > ranges_[index].last) return kNone;
  return range_start_[index] + (address - ranges_[index].first);
}

Ipv4 AddressPool::address_of(uint64_t ordinal) const {
  auto after = std::upper_bound(range_start_.begin(), range_start_.end(), ordinal);
  size_t index = static_cast<size_t>(after - range_start_.begin()) - 1;
  return ranges_[index].first + static_cast<Ipv4>(ordinal - range_start_[index]);
}

Ipv4 AddressPool::take(uint64_t ordinal) {
  set(taken_, ordinal);
  ++used_;
  high_water_ = std::max(high_water_, used_);
  return address_of(ordinal);
}

absl::StatusOr<Ipv4> AddressPool::allocate() {
  // Each ordinal is passed by the cursor once; addresses claimed or excluded
  // ahead of it are skipped then.
  while (cursor_ < total_) {
    uint64_t ordinal = cursor_++;
    if (!test(taken_, ordinal)) return take(ordinal);
  }
  // Released addresses claimed again since (after a reload) are skipped.
  while (!released_.empty()) {
    uint64_t ordinal = released_.front();
    released_.pop_front();
    clear(queued_, ordinal);
    if (!test(taken_, ordinal)) return take(ordinal);
  }
  ++exhausted_;
  return absl::ResourceExhaustedError(absl::StrCat("pool ", name_, " is exhausted: all ", size(),
                                                   " addresses are in use"));
}

absl::Status AddressPool::claim(Ipv4 address) {
  uint64_t ordinal = ordinal_of(address);
  if (ordinal == kNone) {
    return absl::NotFoundError(absl::StrCat(format_ipv4(address), " is not in pool ", name_));
  }
  if (excluded_.contains(ordinal)) {
    return absl::FailedPreconditionError(absl::StrCat(
        format_ipv4(address), " is excluded from pool ", name_, " (a subscriber's fixed address)"));
  }
  if (test(taken_, ordinal)) {
    return absl::AlreadyExistsError(
        absl::StrCat(format_ipv4(address), " of pool ", name_, " is already in use"));
  }
  take(ordinal);
  return absl::OkStatus();
}

absl::Status AddressPool::release(Ipv4 address) {
  uint64_t ordinal = ordinal_of(address);
  if (ordinal == kNone) {
    return absl::NotFoundError(absl::StrCat(format_ipv4(address), " is not in pool ", name_));
  }
  if (excluded_.contains(ordinal)) {
    return absl::FailedPreconditionError(
        absl::StrCat(format_ipv4(address), " is excluded from pool ", name_));
  }
  if (!test(taken_, ordinal)) {
    return absl::FailedPreconditionError(
        absl::StrCat(format_ipv4(address), " of pool ", name_, " is not in use"));
  }
  clear(taken_, ordinal);
  --used_;
  // Ahead of the cursor it will be found anyway.
  if (ordinal < cursor_ && !test(queued_, ordinal)) {
    set(queued_, ordinal);
    released_.push_back(static_cast<uint32_t>(ordinal));
  }
  return absl::OkStatus();
}

bool AddressPool::is_excluded(Ipv4 address) const {
  uint64_t ordinal = ordinal_of(address);
  return ordinal != kNone && excluded_.contains(ordinal);
}

bool AddressPool::is_allocated(Ipv4 address) const {
  uint64_t ordinal = ordinal_of(address);
  return ordinal != kNone && !excluded_.contains(ordinal) && test(taken_, ordinal);
}

void AddressPool::inherit_counters(const AddressPool& previous) {
  high_water_ = std::max({high_water_, previous.high_water_, used_});
  exhausted_ += previous.exhausted_;
}

}  // namespace lns::aaa
