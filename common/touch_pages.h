// Makes memory resident now rather than at its first use: one write per
// 4 KiB page, so the kernel faults each in (and zeroes it) here.
#pragma once

#include <cstddef>

namespace lns {

// The writes go through volatile: a store to memory that is only freed (or
// not read) afterwards is dead to the compiler, which may drop it.
inline void touch_pages(void* p, size_t bytes) {
  auto* b = static_cast<volatile unsigned char*>(p);
  for (size_t off = 0; off < bytes; off += 4096) b[off] = 0;
}

}  // namespace lns
