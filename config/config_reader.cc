#include "config/config_reader.h"

#include <cstdint>
#include <optional>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "config/section_readers.h"
#include "config/setting_limits.h"
#include "config/setting_reader.h"

namespace lns::config {
namespace {

using libconfig::Setting;

class Reader : private SettingReader {
 public:
  Reader(SourceMap& where, Diagnostics& diagnostics) : SettingReader(where, diagnostics) {}

  void read(const Setting& root, Config& config) {
    Group top{&root, "", 0};
    reject_unknown(top, {"eal", "dataplane", "access", "core", "static_sessions", "l2tp", "ppp",
                         "aaa", "cli"});
    read_eal(subgroup(top, "eal"), config.eal);
    read_dataplane(subgroup(top, "dataplane"), config.dataplane);
    read_port(subgroup(top, "access"), /*is_access=*/true, config.access);
    read_port(subgroup(top, "core"), /*is_access=*/false, config.core);
    read_static_sessions(top, config.static_sessions);
    read_l2tp_section(*this, subgroup(top, "l2tp"), config.l2tp);
    read_ppp_section(*this, subgroup(top, "ppp"), config.ppp);
    read_aaa_section(*this, subgroup(top, "aaa"), config.aaa);
    read_cli_section(*this, subgroup(top, "cli"), config.cli);
  }

 private:
  void read_eal(const Group& eal, EalConfig& out) {
    reject_unknown(eal, {"args", "main_lcore", "heap_prefault_mb"});
    constexpr absl::string_view kExpectArgs = "an array of strings like [\"--in-memory\"]";
    if (std::optional<Node> args = sequence(eal, "args", kExpectArgs)) {
      std::vector<std::string> values;
      std::string args_path = args->path();
      for (int i = 0; i < (*args)->getLength(); ++i) {
        Node arg{&(**args)[i], args_path, {}, i};
        std::optional<std::string> text = string_value(arg, "an EAL argument string");
        if (!text) continue;
        if (text->empty()) {
          error(arg, "expected an EAL argument string, got an empty string");
        } else if (std::optional<absl::string_view> option = lcore_option(*text)) {
          error(arg, absl::StrCat("'", *option,
                                  "' is not allowed: lnsd sets the lcores from eal.main_lcore "
                                  "and dataplane.workers"));
        } else {
          values.push_back(std::move(*text));
        }
      }
      out.args = std::move(values);
    }
    read_integer(eal, "main_lcore", limits::kLcore, out.main_lcore);
    read_integer(eal, "heap_prefault_mb", limits::kHeapPrefaultMb, out.heap_prefault_mb);
  }

  // The EAL option in `arg` that would choose lcores, if any.
  static std::optional<absl::string_view> lcore_option(absl::string_view arg) {
    for (absl::string_view option : {"--lcores", "--main-lcore", "--master-lcore"}) {
      if (arg == option || absl::StartsWith(arg, absl::StrCat(option, "="))) return option;
    }
    // Short options may carry their value attached: "-l0-3", "-c0x3".
    for (absl::string_view option : {"-l", "-c"}) {
      if (absl::StartsWith(arg, option)) return option;
    }
    return std::nullopt;
  }

  void read_dataplane(const Group& dataplane, DataplaneConfig& out) {
    reject_unknown(dataplane, {"workers", "distribution", "handoff_ring_size", "idle_sleep_us", "mbufs", "mbuf_cache",
                               "access_frame_offset", "encap_header_writes", "tcp_mss_clamp", "max_sessions", "session_mtu", "punt", "reassembly"});
    read_workers(dataplane, out.worker_lcores);
    read_choice(dataplane, "distribution", {{"rss", Distribution::kRss}, {"session", Distribution::kSession}},
                "unknown distribution", out.distribution);
    read_choice(dataplane, "encap_header_writes",
                {{"auto", EncapHeaderWrites::kAuto},
                 {"stream", EncapHeaderWrites::kStream},
                 {"store", EncapHeaderWrites::kStore}},
                "unknown way of writing", out.encap_header_writes);
    read_integer(dataplane, "handoff_ring_size", limits::kHandoffRingSize, out.handoff_ring_size);
    read_integer(dataplane, "idle_sleep_us", limits::kIdleSleepUs, out.idle_sleep_us);
    read_integer(dataplane, "mbufs", limits::kMbufs, out.mbufs);
    read_integer(dataplane, "mbuf_cache", limits::kMbufCache, out.mbuf_cache);
    read_integer(dataplane, "access_frame_offset", limits::kAccessFrameOffset, out.access_frame_offset);
    read_integer(dataplane, "tcp_mss_clamp", limits::kTcpMssClamp, out.tcp_mss_clamp);
    read_integer(dataplane, "max_sessions", limits::kMaxSessions, out.max_sessions);
    read_integer(dataplane, "session_mtu", limits::kSessionMtu, out.session_mtu);

    Group punt = subgroup(dataplane, "punt");
    reject_unknown(punt, {"rate_pps", "burst", "ring_size"});
    read_integer(punt, "rate_pps", limits::kPuntRatePps, out.punt.rate_pps);
    read_integer(punt, "burst", limits::kPuntBurst, out.punt.burst);
    read_integer(punt, "ring_size", limits::kPuntRingSize, out.punt.ring_size);

    Group reassembly = subgroup(dataplane, "reassembly");
    reject_unknown(reassembly, {"max_flows", "timeout_ms"});
    read_integer(reassembly, "max_flows", limits::kReassemblyMaxFlows, out.reassembly.max_flows);
    read_integer(reassembly, "timeout_ms", limits::kReassemblyTimeoutMs,
                 out.reassembly.timeout_ms);
  }

  // A string setting that names one of `choices`; what the error message
  // expects lists them: "\"a\" or \"b\"", "\"a\", \"b\" or \"c\"".
  template <class Enum>
  void read_choice(const Group& group, const char* name,
                   std::initializer_list<std::pair<absl::string_view, Enum>> choices, absl::string_view unknown,
                   Enum& out) {
    std::optional<Node> node = member(group, name);
    if (!node) return;
    std::string expect;
    size_t i = 0;
    for (const auto& [text, value] : choices) {
      const char* sep = i == 0 ? "" : i + 1 == choices.size() ? " or " : ", ";
      absl::StrAppend(&expect, sep, "\"", text, "\"");
      ++i;
    }
    std::optional<std::string> text = string_value(*node, expect);
    if (!text) return;
    for (const auto& [choice, value] : choices) {
      if (*text == choice) {
        out = value;
        return;
      }
    }
    expected(*node, expect, *text, unknown);
  }

  void read_workers(const Group& dataplane, std::vector<unsigned>& out) {
    const std::string what =
        absl::StrCat("a non-empty array of worker lcores ", limits::kLcore.min, "..",
                     limits::kLcore.max, " like [1, 2]");
    std::optional<Node> workers = sequence(dataplane, "workers", what);
    if (!workers) return;
    if ((*workers)->getLength() == 0) {
      expected(*workers, what);
      return;
    }
    std::vector<unsigned> lcores;
    absl::flat_hash_set<unsigned> seen;
    bool ok = true;
    std::string workers_path = workers->path();
    for (int i = 0; i < (*workers)->getLength(); ++i) {
      Node worker{&(**workers)[i], workers_path, {}, i};
      std::optional<int64_t> lcore = integer_value(worker, limits::kLcore);
      if (!lcore) {
        ok = false;
        continue;
      }
      if (!seen.insert(static_cast<unsigned>(*lcore)).second) {
        error(worker, absl::StrCat("lcore ", *lcore, " is listed twice"));
        ok = false;
        continue;
      }
      lcores.push_back(static_cast<unsigned>(*lcore));
    }
    if (ok) out = std::move(lcores);
  }

  void read_port(const Group& port, bool is_access, PortConfig& out) {
    reject_unknown(port, {"device", "vlan", "ipv4", "next_hop_mac", "mtu", "rx_descriptors",
                          "tx_descriptors"});
    read_value(port, "device", kExpectDevice, &Reader::device_value, out.device, Need::kRequired);
    read_integer(port, "vlan", limits::kVlan, out.vlan);
    // LACs send to the access address; the core side may stay unnumbered.
    read_value(port, "ipv4", kExpectIpv4, &Reader::ipv4_value, out.ipv4,
               is_access ? Need::kRequired : Need::kOptional);
    // The core next hop is static for now; toward LACs each session may
    // name its own.
    read_value(port, "next_hop_mac", kExpectMac, &Reader::mac_value, out.next_hop_mac,
               is_access ? Need::kOptional : Need::kRequired);
    read_integer(port, "mtu", limits::kPortMtu, out.mtu);
    read_integer(port, "rx_descriptors", limits::kDescriptors, out.rx_descriptors);
    read_integer(port, "tx_descriptors", limits::kDescriptors, out.tx_descriptors);
  }

  void read_static_sessions(const Group& top, std::vector<StaticSession>& out) {
    constexpr absl::string_view kExpectList = "a list ( { ... }, { ... } ) of static sessions";
    std::optional<Node> list = member(top, "static_sessions");
    if (!list) return;
    // An empty [] is as good as an empty (); a non-empty array cannot hold groups.
    bool empty_array = (*list)->isArray() && (*list)->getLength() == 0;
    if (!(*list)->isList() && !empty_array) {
      expected(*list, kExpectList);
      return;
    }
    // A million sessions must not leave a million paths behind.
    record_lines_ = false;
    out.reserve(static_cast<size_t>((*list)->getLength()));
    std::string list_path = list->path();
    for (int i = 0; i < (*list)->getLength(); ++i) {
      Node element{&(**list)[i], list_path, {}, i};
      if (!element->isGroup()) {
        expected(element, "a group { lac = ...; tunnel_id = ...; ... } describing static sessions");
        continue;
      }
      if (std::optional<StaticSession> session = read_static_session(element)) {
        out.push_back(*session);
      }
    }
    record_lines_ = true;
  }

  std::optional<StaticSession> read_static_session(const Node& element) {
    Group group{element.setting, element.path(), line_of(*element)};
    size_t errors_before = diagnostics_.size();
    reject_unknown(group, {"lac", "lac_port", "tunnel_id", "session_id", "peer_tunnel_id",
                           "peer_session_id", "ipv4", "ipv6_prefix", "mtu", "lac_mac", "count"});
    StaticSession session;
    session.line = group.line;
    read_value(group, "lac", kExpectIpv4, &Reader::ipv4_value, session.lac_ipv4, Need::kRequired);
    read_integer(group, "lac_port", limits::kUdpPort, session.lac_port);
    read_integer(group, "tunnel_id", limits::kL2tpId, session.tunnel_id, Need::kRequired);
    read_integer(group, "session_id", limits::kL2tpId, session.session_id, Need::kRequired);
    read_integer(group, "peer_tunnel_id", limits::kL2tpId, session.peer_tunnel_id,
                 Need::kRequired);
    read_integer(group, "peer_session_id", limits::kL2tpId, session.peer_session_id,
                 Need::kRequired);
    read_value(group, "ipv4", kExpectIpv4, &Reader::ipv4_value, session.subscriber_ipv4,
               Need::kRequired);
    read_value(group, "ipv6_prefix", kExpectIpv6Prefix, &Reader::ipv6_prefix_value,
               session.subscriber_ipv6);
    read_integer(group, "mtu", limits::kSessionMtu, session.mtu);
    read_value(group, "lac_mac", kExpectMac, &Reader::mac_value, session.lac_mac);
    read_integer(group, "count", limits::kSessionCount, session.count);
    if (diagnostics_.size() != errors_before) return std::nullopt;
    return session;
  }
};

}  // namespace

void read_config(const libconfig::Setting& root, Config& config, SourceMap& where,
                 Diagnostics& diagnostics) {
  Reader(where, diagnostics).read(root, config);
}

}  // namespace lns::config
