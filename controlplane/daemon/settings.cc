#include "controlplane/daemon/settings.h"

#include <chrono>

namespace lns {

l2tp::L2tpConfig l2tp_config_from(const config::Config& cfg) {
  const config::L2tpConfig& in = cfg.l2tp;
  l2tp::L2tpConfig c;
  c.host_name = in.host_name;
  c.secret = in.secret;
  c.require_auth = in.require_auth;
  c.hide_avps = in.hide_avps;
  c.hello_interval = std::chrono::seconds(in.hello_interval);
  c.retransmit.initial_timeout = std::chrono::milliseconds(in.retransmit.initial_ms);
  c.retransmit.max_timeout = std::chrono::milliseconds(in.retransmit.max_ms);
  c.retransmit.max_retransmissions = static_cast<int>(in.retransmit.retries);
  c.retransmit.ack_delay = std::chrono::milliseconds(in.retransmit.ack_delay_ms);
  c.receive_window = in.receive_window;
  c.max_tunnels = in.max_tunnels;
  c.max_sessions = in.max_sessions;
  c.max_sessions_per_tunnel = in.max_sessions_per_tunnel;
  c.allow_unknown_lacs = in.allow_unknown_lacs;
  c.permissive = in.permissive;
  c.admission.sccrq_per_second = in.admission.sccrq_per_second;
  c.admission.sccrq_per_second_per_peer = in.admission.sccrq_per_second_per_peer;
  c.admission.icrq_per_second = in.admission.icrq_per_second;
  c.admission.icrq_per_second_per_peer = in.admission.icrq_per_second_per_peer;
  c.admission.sccrq_burst = in.admission.sccrq_burst;
  c.admission.icrq_burst = in.admission.icrq_burst;
  for (const config::LacConfig& lac : in.lacs) {
    l2tp::LacPolicy p;
    p.name = lac.name;
    p.address = lac.address;
    p.host_name = lac.host_name;
    p.secret = lac.secret.value_or("");
    p.require_auth = lac.require_auth;
    p.hide_avps = lac.hide_avps;
    if (lac.hello_interval) p.hello_interval = std::chrono::seconds(*lac.hello_interval);
    p.receive_window = lac.receive_window;
    p.max_sessions = lac.max_sessions;
    p.permissive = lac.permissive;
    c.lacs.push_back(std::move(p));
  }
  return c;
}

std::string cli_socket_path(const config::Config& cfg) { return cfg.cli.socket; }

unsigned cli_socket_mode(const config::Config& cfg) { return cfg.cli.mode; }

}  // namespace lns
