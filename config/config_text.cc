#include "config/config_text.h"

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

}  // namespace

std::string format_config(const Config& config) {
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
  w.close();

  const DataplaneConfig& dp = config.dataplane;
  w.open("dataplane");
  std::string workers = "workers = [";
  for (size_t i = 0; i < dp.worker_lcores.size(); ++i) {
    absl::StrAppend(&workers, i == 0 ? " " : ", ", dp.worker_lcores[i]);
  }
  absl::StrAppend(&workers, dp.worker_lcores.empty() ? "];" : " ];");
  w.line(workers);
  w.integer("mbufs", dp.mbufs);
  w.integer("mbuf_cache", dp.mbuf_cache);
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
  return w.take();
}

}  // namespace lns::config
