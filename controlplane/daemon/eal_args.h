// Turns the configuration into EAL arguments: lcores, devices (PCI
// allow-list or vdevs), and a memory fallback to --no-huge when the machine
// has no free hugepages. Plain C++ so it is unit-tested without EAL.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "config/config.h"

namespace lns {

struct EalPlan {
  std::vector<std::string> args;  // argv[1..] for rte_eal_init
  bool no_huge_fallback = false;  // we added --no-huge ourselves
  uint64_t memory_mb = 0;         // what we asked for with -m (no-huge only)
};

bool looks_like_pci_address(const std::string& device);
// Memory the data plane needs for this config, in MiB (pools, tables).
uint64_t estimate_memory_mb(const config::Config& cfg);
EalPlan plan_eal(const config::Config& cfg, uint64_t free_hugepage_bytes, unsigned online_cpus);
// Free hugepage memory from /proc/meminfo (0 when unreadable).
uint64_t free_hugepage_bytes();

}  // namespace lns
