#include "controlplane/l2tp/l2tp_config.h"

namespace lns::l2tp {

const LacPolicy* match_lac(const L2tpConfig& config, uint32_t address, std::string_view host_name) {
  for (const LacPolicy& p : config.lacs)
    if (p.address.has_value() && *p.address == address) return &p;
  // A policy naming both an address and a host name is bound to the
  // address: another host must not borrow its secret by claiming the name.
  for (const LacPolicy& p : config.lacs)
    if (!p.address.has_value() && p.host_name.has_value() && *p.host_name == host_name) return &p;
  return nullptr;
}

}  // namespace lns::l2tp
