// Which drivers read transmitted frames with the CPU (encapsulation headers
// are then written through the cache rather than streamed), and which write
// received frames with it (their bursts then skip the prefetch pipeline).
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

TEST(Port, DriversThatCopyReceivedFramesOnThePollingCoreAreTold) {
  EXPECT_TRUE(rx_copies_frames("net_memif", "net_memif0,role=server,socket=/run/a.sock"));
  EXPECT_TRUE(rx_copies_frames("net_memif", "net_memif0,zero-copy=no"));
  // A zero-copy client receives into its own mbufs, written by the peer.
  EXPECT_FALSE(rx_copies_frames("net_memif", "net_memif0,role=client,zero-copy=yes"));
  for (const char* d : {"net_tap", "net_af_packet", "net_pcap", "net_vhost"})
    EXPECT_TRUE(rx_copies_frames(d, "x")) << d;
  // NICs DMA the frame, a kernel or backend thread writes virtio-user's and
  // AF_XDP's, net_ring hands mbufs over and net_null writes no data.
  for (const char* d : {"net_ice", "mlx5_pci", "net_virtio_user", "net_af_xdp", "net_ring", "net_null", ""})
    EXPECT_FALSE(rx_copies_frames(d, "x")) << d;
}

}  // namespace
}  // namespace lns::dp
