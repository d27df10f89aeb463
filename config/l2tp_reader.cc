// The l2tp section: global tunnel settings, retransmission, admission rates
// and per-LAC policies.
#include <optional>
#include <string>

#include "config/section_readers.h"
#include "config/setting_limits.h"

namespace lns::config {
namespace {

constexpr TextSpec kHostName{"a host name", limits::kMaxHostNameLength};
// Secrets are hashed, never shown: any byte but NUL will do.
constexpr TextSpec kSecret{"a shared secret", limits::kMaxSecretLength, /*printable=*/false};
constexpr TextSpec kLacName{"a LAC name", limits::kMaxNameLength};
constexpr NumberSpec kRate{0, limits::kMaxAdmissionRate, "per second, 0 for unlimited"};
constexpr NumberSpec kBurst{1, limits::kMaxAdmissionRate, "tokens"};

void read_retransmit(SettingReader& r, const Group& group, L2tpRetransmitConfig& out) {
  r.reject_unknown(group, {"initial_ms", "max_ms", "retries", "ack_delay_ms"});
  r.read_integer(group, "initial_ms", limits::kRetransmitInitialMs, out.initial_ms);
  r.read_integer(group, "max_ms", limits::kRetransmitMaxMs, out.max_ms);
  r.read_integer(group, "retries", limits::kRetransmitRetries, out.retries);
  r.read_integer(group, "ack_delay_ms", limits::kAckDelayMs, out.ack_delay_ms);
}

void read_admission(SettingReader& r, const Group& group, L2tpAdmissionConfig& out) {
  r.reject_unknown(group, {"sccrq_per_second", "sccrq_per_second_per_peer", "icrq_per_second",
                           "icrq_per_second_per_peer", "sccrq_burst", "icrq_burst"});
  r.read_number(group, "sccrq_per_second", kRate, out.sccrq_per_second);
  r.read_number(group, "sccrq_per_second_per_peer", kRate, out.sccrq_per_second_per_peer);
  r.read_number(group, "icrq_per_second", kRate, out.icrq_per_second);
  r.read_number(group, "icrq_per_second_per_peer", kRate, out.icrq_per_second_per_peer);
  r.read_number(group, "sccrq_burst", kBurst, out.sccrq_burst);
  r.read_number(group, "icrq_burst", kBurst, out.icrq_burst);
}

std::optional<LacConfig> read_lac(SettingReader& r, const Group& group) {
  size_t errors_before = r.error_count();
  r.reject_unknown(group, {"name", "address", "host_name", "secret", "require_auth", "hide_avps",
                           "hello_interval", "receive_window", "max_sessions", "permissive"});
  LacConfig lac;
  lac.line = group.line;
  r.read_text(group, "name", kLacName, lac.name, Need::kRequired);
  r.read_value(group, "address", kExpectIpv4, &SettingReader::ipv4_value, lac.address);
  r.read_text(group, "host_name", kHostName, lac.host_name);
  r.read_text(group, "secret", kSecret, lac.secret);
  r.read_bool(group, "require_auth", lac.require_auth);
  r.read_bool(group, "hide_avps", lac.hide_avps);
  r.read_integer(group, "hello_interval", limits::kHelloInterval, lac.hello_interval);
  r.read_integer(group, "receive_window", limits::kReceiveWindow, lac.receive_window);
  r.read_integer(group, "max_sessions", limits::kMaxSessions, lac.max_sessions);
  r.read_bool(group, "permissive", lac.permissive);
  if (r.error_count() != errors_before) return std::nullopt;
  return lac;
}

}  // namespace

void read_l2tp_section(SettingReader& r, const Group& l2tp, L2tpConfig& out) {
  r.reject_unknown(l2tp, {"host_name", "secret", "require_auth", "hide_avps", "hello_interval",
                          "retransmit", "receive_window", "max_tunnels", "max_sessions",
                          "max_sessions_per_tunnel", "allow_unknown_lacs", "permissive",
                          "admission", "lacs"});
  r.read_text(l2tp, "host_name", kHostName, out.host_name);
  r.read_text(l2tp, "secret", kSecret, out.secret);
  r.read_bool(l2tp, "require_auth", out.require_auth);
  r.read_bool(l2tp, "hide_avps", out.hide_avps);
  r.read_integer(l2tp, "hello_interval", limits::kHelloInterval, out.hello_interval);
  read_retransmit(r, r.subgroup(l2tp, "retransmit"), out.retransmit);
  r.read_integer(l2tp, "receive_window", limits::kReceiveWindow, out.receive_window);
  r.read_integer(l2tp, "max_tunnels", limits::kMaxTunnels, out.max_tunnels);
  r.read_integer(l2tp, "max_sessions", limits::kMaxSessions, out.max_sessions);
  r.read_integer(l2tp, "max_sessions_per_tunnel", limits::kMaxSessionsPerTunnel,
                 out.max_sessions_per_tunnel);
  r.read_bool(l2tp, "allow_unknown_lacs", out.allow_unknown_lacs);
  r.read_bool(l2tp, "permissive", out.permissive);
  read_admission(r, r.subgroup(l2tp, "admission"), out.admission);

  std::optional<Node> lacs =
      r.group_list(l2tp, "lacs", "a list ( { ... }, { ... } ) of LACs");
  if (!lacs) return;
  for (int i = 0; i < (*lacs)->getLength(); ++i) {
    std::optional<Group> group = r.element_group(
        *lacs, i, "a group { name = ...; address = ...; ... } describing a LAC");
    if (!group) continue;
    if (std::optional<LacConfig> lac = read_lac(r, *group)) out.lacs.push_back(std::move(*lac));
  }
}

}  // namespace lns::config
