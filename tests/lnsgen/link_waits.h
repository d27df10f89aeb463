// Waiting on the ports' links: for the peer to bring them up, and for it to
// take them down (and for the PMD to be done with that) before lnsgen
// closes its own side.
#pragma once

#include <cstdint>
#include <initializer_list>

namespace lns::gen {

// Waits until every port's link status is `status` (RTE_ETH_LINK_UP or
// RTE_ETH_LINK_DOWN), at most timeout_s. It reads only the status, which
// the PMD keeps outside the queues, so it polls no ring that the peer's
// going away could unmap.
bool wait_for_links(std::initializer_list<uint16_t> ports, uint16_t status, double timeout_s);

// Waits until the EAL interrupt thread has finished the callback it is
// running, at most timeout_s. memif marks a link down as its disconnect
// (run on that thread) begins and frees the link's shared memory after:
// closing the port between the two frees it twice.
bool wait_for_interrupt_thread(double timeout_s);

}  // namespace lns::gen
