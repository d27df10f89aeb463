// Whether encap streams the header line in front of a packet out with
// non-temporal stores or writes it with ordinary ones
// (dataplane.encap_header_writes, config/config.h; Worker::write_header_lines).
// Streaming skips the read of a line no cache holds, which an ordinary store
// needs first; what that saves, and what the non-temporal stores and the
// fence before transmit cost, differs by CPU: on an Intel Xeon VM streaming
// took encap at 1,000,000 sessions from 209 to 142 cycles a packet; on an
// AMD EPYC VM ordinary stores after a write prefetch took 0.82-0.89x the
// cycles of streaming with up to 65,536 sessions, and 0.91-1.07x at
// 1,000,000, where the benchmark's headroom lines are all cold
// (tests/bench/README.md). `auto` follows those.
#pragma once

#include <string>

#include "config/config.h"

namespace lns::dp {

enum class CpuVendor : uint8_t { kIntel, kAmd, kOther };

// From CPUID leaf 0's vendor string ("GenuineIntel", "AuthenticAMD" or
// "HygonGenuine"); kOther elsewhere, and on CPUs that are not x86.
CpuVendor cpu_vendor();
const char* cpu_vendor_name(CpuVendor v);

// A port whose driver copies frames at transmit (tx_copies_frames) reads
// the header line right away: that line is best left in the cache.
bool streams_encap_headers(config::EncapHeaderWrites setting, bool tx_copies_frames, CpuVendor vendor);
// Why streams_encap_headers() decided as it did, for lnsd's start-up log:
// the port's driver, the explicit setting, or the CPU behind `auto`.
std::string encap_header_writes_reason(config::EncapHeaderWrites setting, bool tx_copies_frames, CpuVendor vendor);

}  // namespace lns::dp
