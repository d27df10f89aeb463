// The `device` setting of a port: a PCI address or a DPDK vdev string, as
// rte_eal would take it after -a / --vdev.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace lns::config {

// OK for "0000:03:00.0", "03:00.0", "0000:03:00.0,rx_queue=..." and
// "net_tap0,iface=lns0"; otherwise InvalidArgument with the reason.
absl::Status check_device(std::string_view device);

// What identifies the device to DPDK, for telling whether two ports name
// the same one: the PCI address in full lower-case form, or the vdev name,
// without arguments. "03:00.0" and "0000:03:00.0,x=1" are the same device.
std::string device_identity(std::string_view device);

}  // namespace lns::config
