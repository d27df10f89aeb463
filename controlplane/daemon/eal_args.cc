#include "controlplane/daemon/eal_args.h"

#include <algorithm>
#include <bit>
#include <cctype>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/match.h"

namespace lns {

bool looks_like_pci_address(const std::string& device) {
  // [dddd:]bb:dd.f, optionally followed by ",devargs".
  const std::string d = device.substr(0, device.find(','));
  size_t colon = d.find(':');
  if (colon == std::string::npos) return false;
  for (char c : d)
    if (!(std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.')) return false;
  return d.find('.') != std::string::npos;
}

uint64_t estimate_memory_mb(const config::Config& cfg) {
  const auto& dp = cfg.dataplane;
  const uint64_t workers = dp.worker_lcores.size();
  uint64_t bytes = 0;
  bytes += 2 * uint64_t{dp.mbufs} * 2560;                 // direct mbufs: a pool per port
  bytes += std::max<uint64_t>(dp.mbufs / 4, 1023) * 256;  // indirect mbufs
  const uint64_t sessions = dp.max_sessions;
  bytes += sessions * (128 + 64 + workers * 16);  // entries, specs, slow-path counters
  // Upstream and downstream cells (keyed_cells.h): a quarter full, a lane
  // of 32-byte cells per worker and a 4-byte slot map, each.
  const uint64_t positions = 2 * std::bit_ceil(2 * std::max<uint64_t>(sessions, 1));
  bytes += 2 * positions * (workers * 32 + 4);
  bytes += (uint64_t{1} << 24) * 4;               // rte_lpm tbl24
  bytes += std::max<uint64_t>(1024, sessions / 8) * 1024;  // rte_lpm tbl8 groups
  bytes += sessions * 48 * 2;                     // IPv6 hash (one prefix length)
  bytes += workers * uint64_t{dp.reassembly.max_flows} * 8 * 256;  // reassembly
  bytes += 64ull << 20;                           // EAL, rings, upstream index
  return bytes / (1 << 20) * 5 / 4 + 64;          // headroom for allocator slack
}

uint64_t free_hugepage_bytes() {
  std::ifstream in("/proc/meminfo");
  std::string line;
  uint64_t free_pages = 0, page_kb = 0;
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    std::string key;
    uint64_t value = 0;
    ls >> key >> value;
    if (key == "HugePages_Free:") free_pages = value;
    if (key == "Hugepagesize:") page_kb = value;
  }
  return free_pages * page_kb * 1024;
}

EalPlan plan_eal(const config::Config& cfg, uint64_t free_huge, unsigned online_cpus) {
  EalPlan plan;
  auto& a = plan.args;
  // Lcores: the main lcore runs the control plane. When lcores outnumber the
  // CPUs (tests running 4 workers on a 2-core VM), map them onto CPUs.
  std::vector<unsigned> lcores{cfg.eal.main_lcore};
  for (unsigned w : cfg.dataplane.worker_lcores) lcores.push_back(w);
  bool fits = true;
  for (unsigned l : lcores) fits = fits && l < online_cpus;
  std::vector<std::string> parts;
  for (unsigned l : lcores)
    parts.push_back(fits ? absl::StrCat(l) : absl::StrCat(l, "@", l % std::max(online_cpus, 1u)));
  a.push_back(absl::StrCat("--lcores=", absl::StrJoin(parts, ",")));
  a.push_back(absl::StrCat("--main-lcore=", cfg.eal.main_lcore));

  bool any_pci = false;
  for (const auto* port : {&cfg.access, &cfg.core}) {
    if (looks_like_pci_address(port->device)) {
      a.push_back("-a");
      a.push_back(port->device);
      any_pci = true;
    } else {
      a.push_back(absl::StrCat("--vdev=", port->device));
    }
  }
  bool user_no_huge = false, user_mem = false, user_no_pci = false;
  for (const auto& s : cfg.eal.args) {
    user_no_huge |= s == "--no-huge";
    user_mem |= s == "-m" || absl::StartsWith(s, "--socket-mem") || absl::StartsWith(s, "-m");
    user_no_pci |= s == "--no-pci";
  }
  if (!any_pci && !user_no_pci) a.push_back("--no-pci");
  const uint64_t need_mb = estimate_memory_mb(cfg);
  if (!user_no_huge && free_huge < need_mb * (1ull << 20)) {
    plan.no_huge_fallback = true;
    a.push_back("--no-huge");
    user_no_huge = true;
  }
  if (user_no_huge && !user_mem) {
    plan.memory_mb = need_mb;
    a.push_back("-m");
    a.push_back(absl::StrCat(need_mb));
  }
  for (const auto& s : cfg.eal.args) {
    // --no-huge implies legacy memory, which EAL refuses together with
    // --in-memory; --no-shconf gives the same "no shared files" behaviour.
    if (user_no_huge && s == "--in-memory") {
      a.push_back("--no-shconf");
      continue;
    }
    a.push_back(s);
  }
  return plan;
}

}  // namespace lns
