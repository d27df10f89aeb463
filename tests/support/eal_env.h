// Brings EAL up once per test process: in-memory, no hugepages, no PCI, a
// unique file prefix so test binaries can run side by side.
#pragma once

#include <string>
#include <vector>

namespace lns::test {

// `lcores` is the number of lcores to create: lcore l runs on the l-th CPU
// the process may use, modulo their number (so `taskset -c N` puts a
// one-lcore test on CPU N). Returns false (and prints why) when EAL cannot
// start.
bool init_eal_for_tests(const char* argv0, unsigned lcores = 3, unsigned memory_mb = 1536);

}  // namespace lns::test
