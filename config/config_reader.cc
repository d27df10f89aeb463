#include "config/config_reader.h"

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "config/addresses.h"
#include "config/port_device.h"
#include "config/setting_limits.h"

namespace lns::config {
namespace {

using libconfig::Setting;

constexpr absl::string_view kExpectDevice =
    "a PCI address like 0000:03:00.0 or a vdev like net_tap0,iface=lns0";
constexpr absl::string_view kExpectIpv4 = "a unicast IPv4 address like 192.0.2.1";
constexpr absl::string_view kExpectMac = "a unicast MAC address like 02:00:00:00:00:01";
constexpr absl::string_view kExpectIpv6Prefix =
    "an IPv6 prefix like 2001:db8:1::/64 with length 1..64";
constexpr absl::string_view kExpectGroup = "a group { ... }";

// A quoted, escaped and shortened copy of `text` for a message.
std::string quote(absl::string_view text) {
  constexpr size_t kMaxShown = 60;
  std::string out = "\"";
  for (size_t i = 0; i < text.size() && i < kMaxShown; ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c >= 0x7f) {
      absl::StrAppendFormat(&out, "\\x%02x", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  out += text.size() > kMaxShown ? "\"..." : "\"";
  return out;
}

int64_t integer_of(const Setting& setting) {
  if (setting.getType() == Setting::TypeInt) return static_cast<int>(setting);
  return static_cast<long long>(setting);
}

bool is_integer(const Setting& setting) {
  return setting.getType() == Setting::TypeInt || setting.getType() == Setting::TypeInt64;
}

// What the user wrote, for "expected X, got Y".
std::string describe_value(const Setting& setting) {
  switch (setting.getType()) {
    case Setting::TypeInt:
    case Setting::TypeInt64:
      return absl::StrCat(integer_of(setting));
    case Setting::TypeFloat: {
      double value = setting;
      // "1.0", not "1": the point is what makes it the wrong type.
      bool whole = value == static_cast<double>(static_cast<long long>(value));
      return whole ? absl::StrFormat("the floating-point number %.1f", value)
                   : absl::StrFormat("the floating-point number %g", value);
    }
    case Setting::TypeString:
      return quote(setting.c_str());
    case Setting::TypeBoolean:
      return static_cast<bool>(setting) ? "the boolean true" : "the boolean false";
    case Setting::TypeGroup:
      return "a group { ... }";
    case Setting::TypeArray:
      return setting.getLength() == 0 ? "an empty array []" : "an array [ ... ]";
    case Setting::TypeList:
      return setting.getLength() == 0 ? "an empty list ()" : "a list ( ... )";
    default:
      return "an unknown kind of value";
  }
}

enum class Need { kOptional, kRequired };

// A setting and where it is. The path is built only when an error needs it,
// and from what the reader already knows: libconfig's getPath() searches
// the parent for each list element's index, which would make a list of a
// million static sessions quadratic.
struct Node {
  const Setting* setting;
  absl::string_view parent;  // path of the enclosing setting; "" at the top
  absl::string_view name;    // empty for an element of an array or list
  int index = -1;            // of an element

  const Setting& operator*() const { return *setting; }
  const Setting* operator->() const { return setting; }

  std::string path() const {
    std::string own = name.empty() ? absl::StrCat("[", index, "]") : std::string(name);
    return parent.empty() ? own : absl::StrCat(parent, ".", own);
  }
};

// A group of settings, possibly absent (then so are all its members).
struct Group {
  const Setting* setting = nullptr;
  std::string path;  // "" for the top level
  int line = 0;      // of the group, or of its nearest written ancestor
  // Written, but not as a group: already reported, so its members are not
  // reported missing on top.
  bool wrong_type = false;

  std::string member_path(absl::string_view name) const {
    return path.empty() ? std::string(name) : absl::StrCat(path, ".", name);
  }
};

class Reader {
 public:
  Reader(SourceMap& where, Diagnostics& diagnostics) : where_(where), diagnostics_(diagnostics) {}

  void read(const Setting& root, Config& config) {
    Group top{&root, "", 0};
    reject_unknown(top, {"eal", "dataplane", "access", "core", "static_sessions"});
    read_eal(subgroup(top, "eal"), config.eal);
    read_dataplane(subgroup(top, "dataplane"), config.dataplane);
    read_port(subgroup(top, "access"), /*is_access=*/true, config.access);
    read_port(subgroup(top, "core"), /*is_access=*/false, config.core);
    read_static_sessions(top, config.static_sessions);
  }

 private:
  static int line_of(const Setting& setting) { return static_cast<int>(setting.getSourceLine()); }

  void error(const Node& node, absl::string_view message) {
    diagnostics_.add(line_of(*node), node.path(), message);
  }

  void expected(const Node& node, absl::string_view what) {
    error(node, absl::StrCat("expected ", what, ", got ", describe_value(*node)));
  }

  void expected(const Node& node, absl::string_view what, absl::string_view text,
                absl::string_view reason) {
    error(node, absl::StrCat("expected ", what, ", got ", quote(text), " (", reason, ")"));
  }

  void reject_unknown(const Group& group, std::initializer_list<absl::string_view> known) {
    if (!group.setting) return;
    for (int i = 0; i < group.setting->getLength(); ++i) {
      const Setting& member = (*group.setting)[i];
      absl::string_view name = member.getName() ? member.getName() : "";
      bool is_known = false;
      for (absl::string_view k : known) is_known = is_known || k == name;
      if (is_known) continue;
      std::string where = group.path.empty() ? "at the top level" : absl::StrCat("in ", group.path);
      error(Node{&member, group.path, name},
            absl::StrCat("unknown setting '", name, "' ", where, "; expected one of: ",
                         absl::StrJoin(known, ", ")));
    }
  }

  // The member `name` of `group`, or nothing when absent.
  std::optional<Node> member(const Group& group, const char* name) {
    if (!group.setting || !group.setting->exists(name)) return std::nullopt;
    Node found{&(*group.setting)[name], group.path, name};
    if (record_lines_) where_.record(found.path(), line_of(*found));
    return found;
  }

  void report_missing(const Group& group, const char* name, Need need, absl::string_view what) {
    if (need != Need::kRequired || group.wrong_type) return;
    diagnostics_.add(group.line, group.member_path(name),
                     absl::StrCat("required setting is missing; expected ", what));
  }

  Group subgroup(const Group& parent, const char* name) {
    Group group{nullptr, parent.member_path(name), parent.line};
    std::optional<Node> found = member(parent, name);
    if (!found) return group;
    if (!(*found)->isGroup()) {
      expected(*found, kExpectGroup);
      group.wrong_type = true;
      return group;
    }
    group.setting = found->setting;
    group.line = line_of(**found);
    return group;
  }

  std::optional<int64_t> integer_value(const Node& node, const IntSpec& spec) {
    if (!is_integer(*node) || !spec.accepts(integer_of(*node))) {
      expected(node, spec.describe());
      return std::nullopt;
    }
    return integer_of(*node);
  }

  std::optional<std::string> string_value(const Node& node, absl::string_view what) {
    if (node->getType() != Setting::TypeString) {
      expected(node, what);
      return std::nullopt;
    }
    return std::string(node->c_str());
  }

  std::optional<Ipv4> ipv4_value(const Node& node) {
    std::optional<std::string> text = string_value(node, kExpectIpv4);
    if (!text) return std::nullopt;
    absl::StatusOr<Ipv4> address = parse_ipv4(*text);
    if (!address.ok()) {
      expected(node, kExpectIpv4, *text, address.status().message());
      return std::nullopt;
    }
    if (!is_unicast_ipv4(*address)) {
      expected(node, kExpectIpv4, *text, "not a unicast address");
      return std::nullopt;
    }
    return *address;
  }

  std::optional<MacAddress> mac_value(const Node& node) {
    std::optional<std::string> text = string_value(node, kExpectMac);
    if (!text) return std::nullopt;
    absl::StatusOr<MacAddress> mac = parse_mac(*text);
    if (!mac.ok()) {
      expected(node, kExpectMac, *text, mac.status().message());
      return std::nullopt;
    }
    if (!is_unicast_mac(*mac)) {
      expected(node, kExpectMac, *text,
               *mac == MacAddress{} ? "all zeros" : "a group (multicast) address");
      return std::nullopt;
    }
    return *mac;
  }

  std::optional<Ipv6Prefix> ipv6_prefix_value(const Node& node) {
    std::optional<std::string> text = string_value(node, kExpectIpv6Prefix);
    if (!text) return std::nullopt;
    absl::StatusOr<Ipv6Prefix> prefix = parse_ipv6_prefix(*text);
    if (!prefix.ok()) {
      expected(node, kExpectIpv6Prefix, *text, prefix.status().message());
      return std::nullopt;
    }
    if (prefix->length < 1 || prefix->length > 64) {
      // A subscriber gets at least a /64; ::/0 would be everything.
      expected(node, kExpectIpv6Prefix, *text, "length out of range");
      return std::nullopt;
    }
    uint8_t first = prefix->address[0];
    if (first == 0xff || (first == 0xfe && (prefix->address[1] & 0xc0) == 0x80)) {
      expected(node, kExpectIpv6Prefix, *text, "multicast or link-local");
      return std::nullopt;
    }
    return *prefix;
  }

  std::optional<std::string> device_value(const Node& node) {
    std::optional<std::string> text = string_value(node, kExpectDevice);
    if (!text) return std::nullopt;
    if (absl::Status status = check_device(*text); !status.ok()) {
      expected(node, kExpectDevice, *text, status.message());
      return std::nullopt;
    }
    return text;
  }

  // Reads an integer member into `out` when present and valid.
  template <class T>
  bool read_integer(const Group& group, const char* name, const IntSpec& spec, T& out,
                    Need need = Need::kOptional) {
    std::optional<Node> node = member(group, name);
    if (!node) {
      report_missing(group, name, need, spec.describe());
      return false;
    }
    std::optional<int64_t> value = integer_value(*node, spec);
    if (!value) return false;
    out = static_cast<T>(*value);
    return true;
  }

  template <class T>
  bool read_integer(const Group& group, const char* name, const IntSpec& spec,
                    std::optional<T>& out, Need need = Need::kOptional) {
    T value{};
    if (!read_integer(group, name, spec, value, need)) return false;
    out = value;
    return true;
  }

  // Reads a member with `parse` (one of the *_value functions) into `out`.
  template <class T, class Parse>
  bool read_value(const Group& group, const char* name, absl::string_view what, Parse parse,
                  T& out, Need need = Need::kOptional) {
    std::optional<Node> node = member(group, name);
    if (!node) {
      report_missing(group, name, need, what);
      return false;
    }
    auto value = (this->*parse)(*node);
    if (!value) return false;
    out = *value;
    return true;
  }

  // An array [..] or list (..) of scalars; nothing when absent or not one.
  std::optional<Node> sequence(const Group& group, const char* name, absl::string_view what) {
    std::optional<Node> node = member(group, name);
    if (!node) return std::nullopt;
    if (!(*node)->isArray() && !(*node)->isList()) {
      expected(*node, what);
      return std::nullopt;
    }
    return node;
  }

  void read_eal(const Group& eal, EalConfig& out) {
    reject_unknown(eal, {"args", "main_lcore"});
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
    reject_unknown(dataplane, {"workers", "mbufs", "mbuf_cache", "tcp_mss_clamp", "max_sessions",
                               "session_mtu", "punt", "reassembly"});
    read_workers(dataplane, out.worker_lcores);
    read_integer(dataplane, "mbufs", limits::kMbufs, out.mbufs);
    read_integer(dataplane, "mbuf_cache", limits::kMbufCache, out.mbuf_cache);
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

  SourceMap& where_;
  Diagnostics& diagnostics_;
  bool record_lines_ = true;
};

}  // namespace

void read_config(const libconfig::Setting& root, Config& config, SourceMap& where,
                 Diagnostics& diagnostics) {
  Reader(where, diagnostics).read(root, config);
}

}  // namespace lns::config
