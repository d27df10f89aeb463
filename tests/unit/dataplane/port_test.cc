// Which access-port drivers read transmitted frames with the CPU, and so
// get encapsulation headers written through the cache rather than streamed.
#include "dataplane/port.h"

#include <gtest/gtest.h>

namespace lns::dp {
namespace {

TEST(Port, SoftwarePortsThatCopyFramesAreTold) {
  for (const char* d : {"net_memif", "net_tap", "net_af_packet", "net_pcap", "net_vhost", "net_virtio_user"})
    EXPECT_TRUE(tx_copies_frames(d)) << d;
  // NICs DMA the frame; net_ring and net_null hand the mbuf on untouched.
  for (const char* d : {"net_ice", "net_i40e", "net_ixgbe", "mlx5_pci", "net_ring", "net_null", ""})
    EXPECT_FALSE(tx_copies_frames(d)) << d;
}

}  // namespace
}  // namespace lns::dp
