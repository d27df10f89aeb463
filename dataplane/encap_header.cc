#include "dataplane/encap_header.h"

#include <algorithm>
#include <cstring>

#include "absl/strings/str_format.h"

namespace lns::dp {

absl::StatusOr<std::unique_ptr<EncapHeaderPool>> EncapHeaderPool::create(uint32_t capacity, int socket_id) {
  if (capacity == 0) return absl::InvalidArgumentError("an encapsulation header pool needs a capacity");
  std::unique_ptr<EncapHeaderPool> p(new EncapHeaderPool());
  p->headers_ =
      static_cast<EncapHeader*>(p->memory_.allocate("lns_encap_headers", sizeof(EncapHeader) * capacity, socket_id));
  if (p->headers_ == nullptr)
    return absl::ResourceExhaustedError(absl::StrFormat("cannot allocate %u encapsulation headers", capacity));
  p->capacity_ = capacity;
  p->refs_.assign(capacity, 0);
  p->free_.reserve(capacity);
  for (uint32_t i = capacity; i > 0; --i) p->free_.push_back(i - 1);
  return p;
}

EncapHeaderPool::Key EncapHeaderPool::key_of(const uint8_t* bytes, uint8_t len) {
  Key k{};
  k[0] = len;
  std::memcpy(k.data() + 1, bytes, len);
  return k;
}

absl::StatusOr<uint32_t> EncapHeaderPool::acquire(const uint8_t* bytes, uint8_t len, uint8_t ip_off,
                                                  uint16_t ip_sum) {
  if (len < 32 || len > EncapHeader::kMaxLen)
    return absl::InvalidArgumentError(absl::StrFormat("encapsulation header of %u bytes", len));
  const Key key = key_of(bytes, len);
  if (auto it = by_bytes_.find(key); it != by_bytes_.end()) {
    ++refs_[it->second];
    return it->second;
  }
  if (free_.empty())
    return absl::ResourceExhaustedError(
        absl::StrFormat("more than %u distinct tunnel encapsulations (LAC address, port, MAC, tunnel)", capacity_));
  const uint32_t index = free_.back();
  free_.pop_back();
  // Not visible to workers until a session cell naming it is published.
  EncapHeader& h = headers_[index];
  std::memset(&h, 0, sizeof(h));
  std::memcpy(h.bytes, bytes, len);
  h.len = len;
  h.ip_off = ip_off;
  h.ip_sum = ip_sum;
  refs_[index] = 1;
  by_bytes_.emplace(key, index);
  return index;
}

void EncapHeaderPool::release(uint32_t index) {
  if (index >= capacity_ || refs_[index] == 0) return;
  if (--refs_[index] != 0) return;
  const EncapHeader& h = headers_[index];
  by_bytes_.erase(key_of(h.bytes, h.len));
  free_.push_back(index);
}

}  // namespace lns::dp
