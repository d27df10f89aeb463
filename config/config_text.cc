#include "config/config_text.h"

#include <cstdlib>
#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "config/addresses.h"

namespace lns::config {
namespace {

// A libconfig string literal that reads back as exactly `text`.
std::string string_literal(absl::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte < 0x20 || byte == 0x7f) {
      absl::StrAppendFormat(&out, "\\x%02x", byte);
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

// The shortest libconfig float literal that reads back as exactly `value`
// ("0.0", "2.5", "1e+06"): always a float, so it round-trips as one.
std::string number_literal(double value) {
  std::string text;
  for (int precision = 1; precision <= 17; ++precision) {
    text = absl::StrFormat("%.*g", precision, value);
    if (std::strtod(text.c_str(), nullptr) == value) break;
  }
  if (text.find_first_of(".e") == std::string::npos) text += ".0";
  return text;
}

// A one-line array of string literals: [ "a", "b" ] or [].
template <class T, class Format>
std::string string_array(const std::vector<T>& values, Format format) {
  if (values.empty()) return "[]";
  std::string out = "[";
  for (size_t i = 0; i < values.size(); ++i) {
    absl::StrAppend(&out, i == 0 ? " " : ", ", string_literal(format(values[i])));
  }
  return out + " ]";
}

class Writer {
 public:
  std::string take() { return std::move(out_); }

  void open(absl::string_view name) {
    line(absl::StrCat(name, " = {"));
    ++depth_;
  }
  void close() {
    --depth_;
    line("};");
  }
  void boolean(absl::string_view name, bool value) {
    line(absl::StrCat(name, " = ", value ? "true" : "false", ";"));
  }
  void number(absl::string_view name, double value) {
    line(absl::StrCat(name, " = ", number_literal(value), ";"));
  }
  template <class T>
  void integer(absl::string_view name, T value) {
    line(absl::StrCat(name, " = ", value, ";"));
  }
  void string(absl::string_view name, absl::string_view value) {
    line(absl::StrCat(name, " = ", string_literal(value), ";"));
  }
  void line(absl::string_view text) {
    out_.append(2 * depth_, ' ');
    absl::StrAppend(&out_, text, "\n");
  }

 private:
  std::string out_;
  size_t depth_ = 0;
};

void write_port(Writer& w, absl::string_view name, const PortConfig& port) {
  w.open(name);
  w.string("device", port.device);
  if (port.vlan) w.integer("vlan", *port.vlan);
  if (port.ipv4) w.string("ipv4", format_ipv4(*port.ipv4));
  if (port.next_hop_mac) w.string("next_hop_mac", format_mac(*port.next_hop_mac));
  w.integer("mtu", port.mtu);
  w.integer("rx_descriptors", port.rx_descriptors);
  w.integer("tx_descriptors", port.tx_descriptors);
  w.close();
}

// One session per line keeps a long list readable and greppable.
std::string static_session_line(const StaticSession& s) {
  std::string text = absl::StrCat(
      "{ lac = \"", format_ipv4(s.lac_ipv4), "\"; lac_port = ", s.lac_port,
      "; tunnel_id = ", s.tunnel_id, "; session_id = ", s.session_id,
      "; peer_tunnel_id = ", s.peer_tunnel_id, "; peer_session_id = ", s.peer_session_id,
      "; ipv4 = \"", format_ipv4(s.subscriber_ipv4), "\";");
  if (s.subscriber_ipv6) {
    absl::StrAppend(&text, " ipv6_prefix = \"", format_ipv6_prefix(*s.subscriber_ipv6), "\";");
  }
  if (s.mtu) absl::StrAppend(&text, " mtu = ", *s.mtu, ";");
  if (s.lac_mac) absl::StrAppend(&text, " lac_mac = \"", format_mac(*s.lac_mac), "\";");
  absl::StrAppend(&text, " count = ", s.count, "; }");
  return text;
}

constexpr absl::string_view kHiddenSecret = "(hidden)";

void write_l2tp(Writer& w, const L2tpConfig& l2tp, SecretDisplay secrets) {
  auto secret = [&](const std::string& text) {
    return string_literal(secrets == SecretDisplay::kShow ? text : kHiddenSecret);
  };
  w.open("l2tp");
  w.string("host_name", l2tp.host_name);
  if (!l2tp.secret.empty()) w.line(absl::StrCat("secret = ", secret(l2tp.secret), ";"));
  w.boolean("require_auth", l2tp.require_auth);
  w.boolean("hide_avps", l2tp.hide_avps);
  w.integer("hello_interval", l2tp.hello_interval);
  w.open("retransmit");
  w.integer("initial_ms", l2tp.retransmit.initial_ms);
  w.integer("max_ms", l2tp.retransmit.max_ms);
  w.integer("retries", l2tp.retransmit.retries);
  w.integer("ack_delay_ms", l2tp.retransmit.ack_delay_ms);
  w.close();
  w.integer("receive_window", l2tp.receive_window);
  w.integer("max_tunnels", l2tp.max_tunnels);
  w.integer("max_sessions", l2tp.max_sessions);
  w.integer("max_sessions_per_tunnel", l2tp.max_sessions_per_tunnel);
  w.boolean("allow_unknown_lacs", l2tp.allow_unknown_lacs);
  w.boolean("permissive", l2tp.permissive);
  const L2tpAdmissionConfig& admission = l2tp.admission;
  w.open("admission");
  w.number("sccrq_per_second", admission.sccrq_per_second);
  w.number("sccrq_per_second_per_peer", admission.sccrq_per_second_per_peer);
  w.number("icrq_per_second", admission.icrq_per_second);
  w.number("icrq_per_second_per_peer", admission.icrq_per_second_per_peer);
  if (admission.sccrq_burst) w.number("sccrq_burst", *admission.sccrq_burst);
  if (admission.icrq_burst) w.number("icrq_burst", *admission.icrq_burst);
  w.close();
  if (l2tp.lacs.empty()) {
    w.line("lacs = ();");
  } else {
    w.line("lacs = (");
    for (size_t i = 0; i < l2tp.lacs.size(); ++i) {
      const LacConfig& lac = l2tp.lacs[i];
      std::string text = absl::StrCat("{ name = ", string_literal(lac.name), ";");
      if (lac.address) absl::StrAppend(&text, " address = \"", format_ipv4(*lac.address), "\";");
      if (lac.host_name) absl::StrAppend(&text, " host_name = ", string_literal(*lac.host_name), ";");
      if (lac.secret) absl::StrAppend(&text, " secret = ", secret(*lac.secret), ";");
      auto flag = [&](absl::string_view name, const std::optional<bool>& value) {
        if (value) absl::StrAppend(&text, " ", name, " = ", *value ? "true" : "false", ";");
      };
      auto count = [&](absl::string_view name, const auto& value) {
        if (value) absl::StrAppend(&text, " ", name, " = ", *value, ";");
      };
      flag("require_auth", lac.require_auth);
      flag("hide_avps", lac.hide_avps);
      count("hello_interval", lac.hello_interval);
      count("receive_window", lac.receive_window);
      count("max_sessions", lac.max_sessions);
      flag("permissive", lac.permissive);
      absl::StrAppend(&text, " }", i + 1 == l2tp.lacs.size() ? "" : ",");
      w.line(absl::StrCat("  ", text));
    }
    w.line(");");
  }
  w.close();
}

void write_ppp(Writer& w, const PppConfig& ppp) {
  w.open("ppp");
  if (ppp.auth.empty()) {
    w.line("auth = [ \"none\" ];");
  } else {
    w.line(absl::StrCat("auth = ", string_array(ppp.auth, [](PppAuthMethod method) {
                          return method == PppAuthMethod::kChap ? "chap" : "pap";
                        }),
                        ";"));
  }
  w.integer("mru", ppp.mru);
  w.integer("echo_interval", ppp.echo_interval);
  w.integer("echo_failures", ppp.echo_failures);
  w.integer("restart_ms", ppp.restart_ms);
  w.integer("max_configure", ppp.max_configure);
  w.integer("max_terminate", ppp.max_terminate);
  w.integer("max_failure", ppp.max_failure);
  w.boolean("accept_proxy", ppp.accept_proxy);
  w.boolean("ipv6", ppp.ipv6);
  w.close();
}

// One pool or subscriber per line, like static sessions.
std::string user_line(const SubscriberConfig& user, SecretDisplay secrets) {
  std::string text = absl::StrCat(
      "{ name = ", string_literal(user.name), "; password = ",
      string_literal(secrets == SecretDisplay::kShow ? absl::string_view(user.password)
                                                     : kHiddenSecret),
      ";");
  if (user.ipv4) absl::StrAppend(&text, " ipv4 = \"", format_ipv4(*user.ipv4), "\";");
  if (user.ipv6_prefix) {
    absl::StrAppend(&text, " ipv6_prefix = \"", format_ipv6_prefix(*user.ipv6_prefix), "\";");
  }
  if (!user.routes.empty()) {
    absl::StrAppend(&text, " routes = ", string_array(user.routes, format_ipv4_prefix), ";");
  }
  if (user.pool) absl::StrAppend(&text, " pool = ", string_literal(*user.pool), ";");
  return text + " }";
}

void write_aaa(Writer& w, const AaaConfig& aaa, SecretDisplay secrets) {
  w.open("aaa");
  w.line(absl::StrCat("dns = ", string_array(aaa.dns, format_ipv4), ";"));
  if (aaa.default_pool) w.string("default_pool", *aaa.default_pool);
  if (aaa.pools.empty()) {
    w.line("pools = ();");
  } else {
    w.line("pools = (");
    for (size_t i = 0; i < aaa.pools.size(); ++i) {
      const AddressPoolConfig& pool = aaa.pools[i];
      w.line(absl::StrCat("  { name = ", string_literal(pool.name), "; ranges = ",
                          string_array(pool.ranges, format_ipv4_range), "; }",
                          i + 1 == aaa.pools.size() ? "" : ","));
    }
    w.line(");");
  }
  if (aaa.users.empty()) {
    w.line("users = ();");
  } else {
    w.line("users = (");
    for (size_t i = 0; i < aaa.users.size(); ++i) {
      w.line(absl::StrCat("  ", user_line(aaa.users[i], secrets),
                          i + 1 == aaa.users.size() ? "" : ","));
    }
    w.line(");");
  }
  w.close();
}

void write_cli(Writer& w, const CliConfig& cli) {
  w.open("cli");
  w.string("socket", cli.socket);
  w.line(absl::StrFormat("mode = \"%04o\";", cli.mode));
  w.close();
}

}  // namespace

std::string format_config(const Config& config, SecretDisplay secrets) {
  Writer w;
  w.line("# lnsd configuration in effect (every setting, defaults included)");
  if (!config.source.empty()) w.line(absl::StrCat("# loaded from ", config.source));

  w.open("eal");
  std::string args = "args = [";
  for (size_t i = 0; i < config.eal.args.size(); ++i) {
    absl::StrAppend(&args, i == 0 ? " " : ", ", string_literal(config.eal.args[i]));
  }
  absl::StrAppend(&args, config.eal.args.empty() ? "];" : " ];");
  w.line(args);
  w.integer("main_lcore", config.eal.main_lcore);
  w.integer("heap_prefault_mb", config.eal.heap_prefault_mb);
  w.close();

  const DataplaneConfig& dp = config.dataplane;
  w.open("dataplane");
  std::string workers = "workers = [";
  for (size_t i = 0; i < dp.worker_lcores.size(); ++i) {
    absl::StrAppend(&workers, i == 0 ? " " : ", ", dp.worker_lcores[i]);
  }
  absl::StrAppend(&workers, dp.worker_lcores.empty() ? "];" : " ];");
  w.line(workers);
  w.line(absl::StrCat("distribution = \"",
                      dp.distribution == Distribution::kRss ? "rss" : "session", "\";"));
  w.integer("handoff_ring_size", dp.handoff_ring_size);
  w.integer("idle_sleep_us", dp.idle_sleep_us);
  w.integer("mbufs", dp.mbufs);
  w.integer("mbuf_cache", dp.mbuf_cache);
  w.integer("access_frame_offset", dp.access_frame_offset);
  constexpr const char* kHeaderWrites[] = {"auto", "stream", "store"};
  w.line(absl::StrCat("encap_header_writes = \"", kHeaderWrites[static_cast<size_t>(dp.encap_header_writes)], "\";"));
  w.integer("tcp_mss_clamp", dp.tcp_mss_clamp);
  w.integer("max_sessions", dp.max_sessions);
  w.integer("session_mtu", dp.session_mtu);
  w.open("punt");
  w.integer("rate_pps", dp.punt.rate_pps);
  w.integer("burst", dp.punt.burst);
  w.integer("ring_size", dp.punt.ring_size);
  w.close();
  w.open("reassembly");
  w.integer("max_flows", dp.reassembly.max_flows);
  w.integer("timeout_ms", dp.reassembly.timeout_ms);
  w.close();
  w.close();

  write_port(w, "access", config.access);
  write_port(w, "core", config.core);

  if (config.static_sessions.empty()) {
    w.line("static_sessions = ();");
  } else {
    w.line("static_sessions = (");
    for (size_t i = 0; i < config.static_sessions.size(); ++i) {
      bool last = i + 1 == config.static_sessions.size();
      w.line(absl::StrCat("  ", static_session_line(config.static_sessions[i]), last ? "" : ","));
    }
    w.line(");");
  }
  write_l2tp(w, config.l2tp, secrets);
  write_ppp(w, config.ppp);
  write_aaa(w, config.aaa, secrets);
  write_cli(w, config.cli);
  return w.take();
}

}  // namespace lns::config
