// The range of every integer setting. The loader checks values against
// these as it reads them; config_text.h and the docs quote them.
#pragma once

#include <cstddef>
#include <cstdint>

#include "config/int_spec.h"

namespace lns::config::limits {

// DPDK on Debian is built with RTE_MAX_LCORE = 128.
inline constexpr unsigned kMaxLcores = 128;
// The mbuf pool must at least fill a few rings; the whole-config check in
// config_validator.cc asks for enough to fill every queue and cache.
inline constexpr uint32_t kMinMbufs = 1024;
// RTE_MEMPOOL_CACHE_MAX_SIZE.
inline constexpr uint32_t kMaxMbufCache = 512;
// A TCP segment's MSS plus 40 bytes of IPv4 and TCP headers fits the MTU.
inline constexpr uint16_t kTcpIpv4HeaderBytes = 40;
// The data plane's downstream IPv6 lookup keeps one exact-match table per
// prefix length in use (dp::SessionTable::kMaxV6Lengths): delegated
// prefixes of users and static sessions may use at most this many lengths.
inline constexpr unsigned kMaxIpv6PrefixLengths = 4;

inline constexpr IntSpec kLcore{0, kMaxLcores - 1};
inline constexpr IntSpec kHeapPrefaultMb{0, 1 << 20};
inline constexpr IntSpec kMbufs{kMinMbufs, 1 << 26};
inline constexpr IntSpec kMbufCache{0, kMaxMbufCache};
// Bytes; a multiple of 8 (the mbuf private area's alignment) below a line.
inline constexpr IntSpec kAccessFrameOffset{0, 56};
inline constexpr IntSpec kTcpMssClamp{536, 9216 - kTcpIpv4HeaderBytes, false, true};
inline constexpr IntSpec kMaxSessions{1, 1 << 24};
inline constexpr IntSpec kSessionMtu{576, 9000};
inline constexpr IntSpec kPuntRatePps{1, 100'000'000};
inline constexpr IntSpec kPuntBurst{1, 1 << 20};
inline constexpr IntSpec kPuntRingSize{64, 1 << 20, true};
inline constexpr IntSpec kHandoffRingSize{64, 1 << 16, true};
inline constexpr IntSpec kIdleSleepUs{0, 1000, false};
inline constexpr IntSpec kReassemblyMaxFlows{1, 1 << 20};
inline constexpr IntSpec kReassemblyTimeoutMs{1, 60'000};
inline constexpr IntSpec kVlan{1, 4094};
inline constexpr IntSpec kPortMtu{576, 9216};
// Drivers differ in their descriptor alignment rules (multiples of 8, 32,
// ...); a power of two satisfies all of them.
inline constexpr IntSpec kDescriptors{64, 32768, true};
inline constexpr IntSpec kUdpPort{1, 65535};
// L2TP reserves tunnel and session ID 0 for "not assigned yet".
inline constexpr IntSpec kL2tpId{1, 65535};
inline constexpr IntSpec kSessionCount{1, 1 << 24};

// l2tp section. Durations in seconds unless the name says _ms.
inline constexpr IntSpec kHelloInterval{1, 3600, false, true};
inline constexpr IntSpec kRetransmitInitialMs{100, 60'000};
inline constexpr IntSpec kRetransmitMaxMs{100, 120'000};
inline constexpr IntSpec kRetransmitRetries{1, 100};
inline constexpr IntSpec kAckDelayMs{0, 10'000};
// Ns/Nr comparisons need the window below half the 16-bit sequence space.
inline constexpr IntSpec kReceiveWindow{1, 32767};
// Tunnel IDs are 16 bits and 0 is reserved; so are session IDs per tunnel.
inline constexpr IntSpec kMaxTunnels{1, 65535};
inline constexpr IntSpec kMaxSessionsPerTunnel{1, 65535};
inline constexpr size_t kMaxHostNameLength = 255;
inline constexpr size_t kMaxSecretLength = 1024;
inline constexpr size_t kMaxNameLength = 64;  // of LACs and pools
inline constexpr double kMaxAdmissionRate = 1'000'000;

// ppp section.
inline constexpr IntSpec kPppMru{576, 9000};
inline constexpr IntSpec kEchoInterval{1, 3600, false, true};
inline constexpr IntSpec kEchoFailures{1, 100};
inline constexpr IntSpec kRestartMs{100, 60'000};
inline constexpr IntSpec kPppAttempts{1, 255};  // max_configure, max_terminate, max_failure

// aaa section. PAP carries the user name and password behind one-octet
// lengths.
inline constexpr size_t kMaxUserNameLength = 255;
inline constexpr size_t kMaxPasswordLength = 255;
inline constexpr size_t kMaxDnsServers = 2;
// Bounds the allocation bitmap of one pool (2 MiB at this size).
inline constexpr uint64_t kMaxPoolAddresses = uint64_t{1} << 24;

// cli section: sockaddr_un.sun_path holds 108 bytes with the NUL.
inline constexpr size_t kMaxSocketPathLength = 107;

// Static session IDs live in 1..65535 and a range wraps from 65535 to 1.
inline constexpr uint32_t kIdsPerTunnel = 65535;

}  // namespace lns::config::limits
