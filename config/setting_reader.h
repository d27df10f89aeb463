// What every section reader shares: walking the libconfig tree with the
// path of each setting at hand, checking names, types and ranges, and
// reporting each problem the same way:
//   <file>:<line>: <path>: expected <what>, got <what was written>
// The top level and the sections of config_reader.cc, and the service
// sections of section_readers.h, are all built on this.
#pragma once

#include <libconfig.h++>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "config/config.h"
#include "config/diagnostics.h"
#include "config/int_spec.h"
#include "config/source_map.h"

namespace lns::config {

inline constexpr absl::string_view kExpectDevice =
    "a PCI address like 0000:03:00.0 or a vdev like net_tap0,iface=lns0";
inline constexpr absl::string_view kExpectIpv4 = "a unicast IPv4 address like 192.0.2.1";
inline constexpr absl::string_view kExpectMac = "a unicast MAC address like 02:00:00:00:00:01";
inline constexpr absl::string_view kExpectIpv6Prefix =
    "an IPv6 prefix like 2001:db8:1::/64 with length 1..64";
inline constexpr absl::string_view kExpectIpv4Prefix =
    "a unicast IPv4 prefix like 10.1.0.0/24 with length 1..32";
inline constexpr absl::string_view kExpectIpv4Range =
    "a range of unicast IPv4 addresses like 100.64.0.0/16 or 100.65.0.1-100.65.0.100";
inline constexpr absl::string_view kExpectGroup = "a group { ... }";
inline constexpr absl::string_view kExpectBool = "true or false";

// A quoted, escaped and shortened copy of `text` for a message.
std::string quote(absl::string_view text);

// What the user wrote, for "expected X, got Y".
std::string describe_value(const libconfig::Setting& setting);

enum class Need { kOptional, kRequired };

// A setting and where it is. The path is built only when an error needs it,
// and from what the reader already knows: libconfig's getPath() searches
// the parent for each list element's index, which would make a list of a
// million static sessions quadratic.
struct Node {
  const libconfig::Setting* setting;
  absl::string_view parent;  // path of the enclosing setting; "" at the top
  absl::string_view name;    // empty for an element of an array or list
  int index = -1;            // of an element

  const libconfig::Setting& operator*() const { return *setting; }
  const libconfig::Setting* operator->() const { return setting; }

  std::string path() const {
    std::string own = name.empty() ? absl::StrCat("[", index, "]") : std::string(name);
    return parent.empty() ? own : absl::StrCat(parent, ".", own);
  }
};

// A group of settings, possibly absent (then so are all its members).
struct Group {
  const libconfig::Setting* setting = nullptr;
  std::string path;  // "" for the top level
  int line = 0;      // of the group, or of its nearest written ancestor
  // Written, but not as a group: already reported, so its members are not
  // reported missing on top.
  bool wrong_type = false;

  std::string member_path(absl::string_view name) const {
    return path.empty() ? std::string(name) : absl::StrCat(path, ".", name);
  }
};

// A string setting's constraints, and how to describe them.
struct TextSpec {
  absl::string_view what;  // "a user name", "a shared secret"
  size_t max_length = 255;
  // Printable ASCII only: no blanks at either end, no control characters.
  // Names are shown in tables and logs; secrets may hold anything.
  bool printable = true;

  // "a user name of 1..253 characters"
  std::string describe() const;
};

// A floating-point setting (an integer is accepted too).
struct NumberSpec {
  double min = 0;
  double max = 0;
  absl::string_view note;  // appended to the description, e.g. "0 for unlimited"

  // "a number 0..1000000 (0 for unlimited)"
  std::string describe() const;
};

class SettingReader {
 public:
  SettingReader(SourceMap& where, Diagnostics& diagnostics)
      : where_(where), diagnostics_(diagnostics) {}

  static int line_of(const libconfig::Setting& setting) {
    return static_cast<int>(setting.getSourceLine());
  }

  void error(const Node& node, absl::string_view message);
  void expected(const Node& node, absl::string_view what);
  // "expected <what>, got "<text>" (<reason>)"
  void expected(const Node& node, absl::string_view what, absl::string_view text,
                absl::string_view reason);
  size_t error_count() const { return diagnostics_.size(); }

  void reject_unknown(const Group& group, std::initializer_list<absl::string_view> known);

  // The member `name` of `group`, or nothing when absent.
  std::optional<Node> member(const Group& group, const char* name);
  void report_missing(const Group& group, const char* name, Need need, absl::string_view what);
  Group subgroup(const Group& parent, const char* name);

  // An array [..] or list (..) of scalars; nothing when absent or not one.
  std::optional<Node> sequence(const Group& group, const char* name, absl::string_view what);
  // A list ( { ... }, ... ) of groups, or an empty array; nothing when
  // absent or of another kind (reported).
  std::optional<Node> group_list(const Group& group, const char* name, absl::string_view what);
  // Element `index` of a list from group_list as a group; nothing (and
  // reported as `what`) when the element is not a group.
  std::optional<Group> element_group(const Node& list, int index, absl::string_view what);

  std::optional<int64_t> integer_value(const Node& node, const IntSpec& spec);
  std::optional<double> number_value(const Node& node, const NumberSpec& spec);
  std::optional<bool> bool_value(const Node& node);
  std::optional<std::string> string_value(const Node& node, absl::string_view what);
  std::optional<std::string> text_value(const Node& node, const TextSpec& spec);
  std::optional<Ipv4> ipv4_value(const Node& node);
  std::optional<MacAddress> mac_value(const Node& node);
  std::optional<Ipv6Prefix> ipv6_prefix_value(const Node& node);
  std::optional<Ipv4Prefix> ipv4_prefix_value(const Node& node);
  std::optional<Ipv4Range> ipv4_range_value(const Node& node);
  std::optional<std::string> device_value(const Node& node);

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

  template <class T>
  bool read_number(const Group& group, const char* name, const NumberSpec& spec, T& out) {
    std::optional<Node> node = member(group, name);
    if (!node) return false;
    std::optional<double> value = number_value(*node, spec);
    if (!value) return false;
    out = *value;
    return true;
  }

  template <class T>
  bool read_bool(const Group& group, const char* name, T& out) {
    std::optional<Node> node = member(group, name);
    if (!node) return false;
    std::optional<bool> value = bool_value(*node);
    if (!value) return false;
    out = *value;
    return true;
  }

  template <class T>
  bool read_text(const Group& group, const char* name, const TextSpec& spec, T& out,
                 Need need = Need::kOptional) {
    std::optional<Node> node = member(group, name);
    if (!node) {
      report_missing(group, name, need, spec.describe());
      return false;
    }
    std::optional<std::string> value = text_value(*node, spec);
    if (!value) return false;
    out = std::move(*value);
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

  // While false, member() records no lines: a list of a million entries
  // must not leave a million paths behind (entries carry their own line).
  void set_record_lines(bool record) { record_lines_ = record; }

 protected:
  SourceMap& where_;
  Diagnostics& diagnostics_;
  bool record_lines_ = true;
};

}  // namespace lns::config
