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

PppSettings ppp_settings_from(const config::Config& cfg) {
  const config::PppConfig& in = cfg.ppp;
  PppSettings out;
  ppp::PppSessionConfig& c = out.session;
  ppp::FsmConfig fsm;
  fsm.restart_interval = std::chrono::milliseconds(in.restart_ms);
  fsm.max_configure = static_cast<int>(in.max_configure);
  fsm.max_terminate = static_cast<int>(in.max_terminate);
  fsm.max_failure = static_cast<int>(in.max_failure);
  c.lcp.fsm = fsm;
  c.ipcp.fsm = fsm;
  c.ipv6cp.fsm = fsm;
  c.lcp.mru = in.mru;
  c.lcp.auth_order.clear();
  for (auto m : in.auth)
    c.lcp.auth_order.push_back(m == config::PppAuthMethod::kChap ? ppp::AuthProtocol::kChapMd5
                                                                 : ppp::AuthProtocol::kPap);
  c.lcp.echo_interval = std::chrono::seconds(in.echo_interval);
  c.lcp.echo_max_failures = static_cast<int>(in.echo_failures);
  c.chap.name = cfg.l2tp.host_name;
  c.ipcp.local_address = cfg.access.ipv4.value_or(0);
  if (!cfg.aaa.dns.empty()) c.ipcp.primary_dns = cfg.aaa.dns[0];
  if (cfg.aaa.dns.size() > 1) c.ipcp.secondary_dns = cfg.aaa.dns[1];
  c.enable_ipv6 = in.ipv6;
  c.force_lcp_renegotiation = !in.accept_proxy;
  out.accept_proxy = in.accept_proxy;
  return out;
}

aaa::LocalAaaConfig aaa_config_from(const config::Config& cfg) {
  aaa::LocalAaaConfig c;
  for (const auto& u : cfg.aaa.users) {
    aaa::Subscriber s;
    s.name = u.name;
    s.password = u.password;
    s.ipv4 = u.ipv4;
    if (u.ipv6_prefix) s.ipv6_prefix = aaa::Ipv6Prefix{u.ipv6_prefix->address, u.ipv6_prefix->length};
    for (const auto& r : u.routes) s.routes.push_back({r.address, r.length});
    s.pool = u.pool.value_or("");
    c.subscribers.push_back(std::move(s));
  }
  for (const auto& p : cfg.aaa.pools) {
    aaa::PoolConfig pc;
    pc.name = p.name;
    for (const auto& r : p.ranges) pc.ranges.push_back({r.first, r.last, r.prefix_length});
    c.pools.push_back(std::move(pc));
  }
  c.default_pool = cfg.aaa.default_pool.value_or("");
  if (!cfg.aaa.dns.empty()) c.primary_dns = cfg.aaa.dns[0];
  if (cfg.aaa.dns.size() > 1) c.secondary_dns = cfg.aaa.dns[1];
  return c;
}

std::string cli_socket_path(const config::Config& cfg) { return cfg.cli.socket; }

unsigned cli_socket_mode(const config::Config& cfg) { return cfg.cli.mode; }

}  // namespace lns
