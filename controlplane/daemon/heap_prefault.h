// Touches heap memory at start-up so the control plane's per-session state
// (PPP state machines, subscriber records, hash-map slots: about 4 KiB a
// session) later comes from pages the kernel has already supplied. In a VM
// the first touch of a page costs far more than its zeroing: in the
// million-session setup on the Firecracker test VM, the kernel zeroing
// fresh heap pages was 39% of the control thread's samples. The memory is
// freed back to malloc, not to the kernel: trimming is turned off, so it
// stays resident for the sessions to use.
#pragma once

#include <cstddef>

#include "absl/status/statusor.h"

namespace lns {

// Prefaults `mib` MiB; returns the seconds it took. ResourceExhausted (and
// nothing touched) when the machine has less memory available than asked
// for; FailedPrecondition when malloc is not glibc's (a sanitizer's).
absl::StatusOr<double> prefault_heap(size_t mib);

}  // namespace lns
