#include "tests/support/eal_env.h"

#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string_view>
#include <vector>

#include <rte_eal.h>

#include "absl/strings/str_cat.h"

namespace lns::test {

namespace {

// The CPUs this process may run on, in order (all online CPUs when the
// affinity cannot be read), so that `taskset -c N` places a test's lcores.
std::vector<int> allowed_cpus() {
  std::vector<int> cpus;
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0)
    for (int c = 0; c < CPU_SETSIZE; ++c)
      if (CPU_ISSET(c, &set)) cpus.push_back(c);
  if (cpus.empty()) {
    const long online = sysconf(_SC_NPROCESSORS_ONLN);
    for (long c = 0; c < std::max(online, 1L); ++c) cpus.push_back(static_cast<int>(c));
  }
  return cpus;
}

}  // namespace

bool init_eal_for_tests(const char* argv0, unsigned lcores, unsigned memory_mb) {
  const std::vector<int> cpus = allowed_cpus();
  std::string map = "--lcores=";
  for (unsigned l = 0; l < lcores; ++l) absl::StrAppend(&map, l ? "," : "", l, "@", cpus[l % cpus.size()]);
  // Tests run without huge pages (a CI machine may have none). Benchmarks
  // may set LNS_EAL_HUGEPAGES=1 to use the machine's reserved ones, as lnsd
  // on a real system does; --in-memory then keeps the run free of files.
  const char* huge = std::getenv("LNS_EAL_HUGEPAGES");
  const bool hugepages = huge != nullptr && std::string_view(huge) == "1";
  std::vector<std::string> args = {argv0,
                                   hugepages ? "--in-memory" : "--no-huge",
                                   "-m",
                                   absl::StrCat(memory_mb),
                                   // --in-memory conflicts with --no-huge (which
                                   // implies legacy memory); --no-shconf keeps
                                   // the run free of shared files instead.
                                   "--no-shconf",
                                   "--no-pci",
                                   "--no-telemetry",
                                   "--log-level=lib.eal:warning",
                                   absl::StrCat("--file-prefix=lnstest", getpid()),
                                   map};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  if (rte_eal_init(static_cast<int>(argv.size()), argv.data()) < 0) {
    std::fprintf(stderr, "EAL init failed\n");
    return false;
  }
  // Leave nothing behind in /var/run/dpdk.
  static std::string runtime_dir = rte_eal_get_runtime_dir();
  std::atexit([] {
    std::error_code ec;
    std::filesystem::remove_all(runtime_dir, ec);
  });
  return true;
}

}  // namespace lns::test
