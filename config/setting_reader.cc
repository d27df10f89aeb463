#include "config/setting_reader.h"

#include <cmath>

#include "absl/status/statusor.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "config/addresses.h"
#include "config/port_device.h"

namespace lns::config {
namespace {

using libconfig::Setting;

int64_t integer_of(const Setting& setting) {
  if (setting.getType() == Setting::TypeInt) return static_cast<int>(setting);
  return static_cast<long long>(setting);
}

bool is_integer(const Setting& setting) {
  return setting.getType() == Setting::TypeInt || setting.getType() == Setting::TypeInt64;
}

// "1000000", "0.5": whole limits without an exponent.
std::string format_limit(double value) {
  if (value == std::floor(value) && std::fabs(value) < 1e15) {
    return absl::StrCat(static_cast<long long>(value));
  }
  return absl::StrFormat("%g", value);
}

}  // namespace

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

std::string TextSpec::describe() const {
  return absl::StrCat(what, " of 1..", max_length, " characters");
}

std::string NumberSpec::describe() const {
  std::string text = absl::StrCat("a number ", format_limit(min), "..", format_limit(max));
  if (!note.empty()) absl::StrAppend(&text, " (", note, ")");
  return text;
}

void SettingReader::error(const Node& node, absl::string_view message) {
  diagnostics_.add(line_of(*node), node.path(), message);
}

void SettingReader::expected(const Node& node, absl::string_view what) {
  error(node, absl::StrCat("expected ", what, ", got ", describe_value(*node)));
}

void SettingReader::expected(const Node& node, absl::string_view what, absl::string_view text,
                             absl::string_view reason) {
  error(node, absl::StrCat("expected ", what, ", got ", quote(text), " (", reason, ")"));
}

void SettingReader::reject_unknown(const Group& group,
                                   std::initializer_list<absl::string_view> known) {
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

std::optional<Node> SettingReader::member(const Group& group, const char* name) {
  if (!group.setting || !group.setting->exists(name)) return std::nullopt;
  Node found{&(*group.setting)[name], group.path, name};
  if (record_lines_) where_.record(found.path(), line_of(*found));
  return found;
}

void SettingReader::report_missing(const Group& group, const char* name, Need need,
                                   absl::string_view what) {
  if (need != Need::kRequired || group.wrong_type) return;
  diagnostics_.add(group.line, group.member_path(name),
                   absl::StrCat("required setting is missing; expected ", what));
}

Group SettingReader::subgroup(const Group& parent, const char* name) {
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

std::optional<Node> SettingReader::sequence(const Group& group, const char* name,
                                            absl::string_view what) {
  std::optional<Node> node = member(group, name);
  if (!node) return std::nullopt;
  if (!(*node)->isArray() && !(*node)->isList()) {
    expected(*node, what);
    return std::nullopt;
  }
  return node;
}

std::optional<Node> SettingReader::group_list(const Group& group, const char* name,
                                              absl::string_view what) {
  std::optional<Node> list = member(group, name);
  if (!list) return std::nullopt;
  // An empty [] is as good as an empty (); a non-empty array cannot hold groups.
  bool empty_array = (*list)->isArray() && (*list)->getLength() == 0;
  if (!(*list)->isList() && !empty_array) {
    expected(*list, what);
    return std::nullopt;
  }
  return list;
}

std::optional<Group> SettingReader::element_group(const Node& list, int index,
                                                  absl::string_view what) {
  std::string list_path = list.path();
  Node element{&(*list)[index], list_path, {}, index};
  if (!element->isGroup()) {
    expected(element, what);
    return std::nullopt;
  }
  Group group{element.setting, element.path(), line_of(*element)};
  if (record_lines_) where_.record(group.path, group.line);
  return group;
}

std::optional<int64_t> SettingReader::integer_value(const Node& node, const IntSpec& spec) {
  if (!is_integer(*node) || !spec.accepts(integer_of(*node))) {
    expected(node, spec.describe());
    return std::nullopt;
  }
  return integer_of(*node);
}

std::optional<double> SettingReader::number_value(const Node& node, const NumberSpec& spec) {
  double value;
  if (is_integer(*node)) {
    value = static_cast<double>(integer_of(*node));
  } else if (node->getType() == Setting::TypeFloat) {
    value = static_cast<double>(*node);
  } else {
    expected(node, spec.describe());
    return std::nullopt;
  }
  // Written this way round so NaN fails too.
  if (!(value >= spec.min && value <= spec.max)) {
    expected(node, spec.describe());
    return std::nullopt;
  }
  return value;
}

std::optional<bool> SettingReader::bool_value(const Node& node) {
  if (node->getType() != Setting::TypeBoolean) {
    expected(node, kExpectBool);
    return std::nullopt;
  }
  return static_cast<bool>(*node);
}

std::optional<std::string> SettingReader::string_value(const Node& node, absl::string_view what) {
  if (node->getType() != Setting::TypeString) {
    expected(node, what);
    return std::nullopt;
  }
  return std::string(node->c_str());
}

std::optional<std::string> SettingReader::text_value(const Node& node, const TextSpec& spec) {
  std::string what = spec.describe();
  std::optional<std::string> text = string_value(node, what);
  if (!text) return std::nullopt;
  if (text->empty()) {
    error(node, absl::StrCat("expected ", what, ", got an empty string"));
    return std::nullopt;
  }
  if (text->size() > spec.max_length) {
    expected(node, what, *text, absl::StrCat(text->size(), " characters"));
    return std::nullopt;
  }
  if (spec.printable) {
    for (char c : *text) {
      auto byte = static_cast<unsigned char>(c);
      if (byte < 0x20 || byte >= 0x7f) {
        expected(node, what, *text, "control or non-ASCII characters are not allowed");
        return std::nullopt;
      }
    }
    if (text->front() == ' ' || text->back() == ' ') {
      expected(node, what, *text, "blanks at either end are not allowed");
      return std::nullopt;
    }
  }
  return text;
}

std::optional<Ipv4> SettingReader::ipv4_value(const Node& node) {
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

std::optional<MacAddress> SettingReader::mac_value(const Node& node) {
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

std::optional<Ipv6Prefix> SettingReader::ipv6_prefix_value(const Node& node) {
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

std::optional<Ipv4Prefix> SettingReader::ipv4_prefix_value(const Node& node) {
  std::optional<std::string> text = string_value(node, kExpectIpv4Prefix);
  if (!text) return std::nullopt;
  absl::StatusOr<Ipv4Prefix> prefix = parse_ipv4_prefix(*text);
  if (!prefix.ok()) {
    expected(node, kExpectIpv4Prefix, *text, prefix.status().message());
    return std::nullopt;
  }
  if (prefix->length < 1) {
    // A framed default route would pull all traffic toward one subscriber.
    expected(node, kExpectIpv4Prefix, *text, "length out of range");
    return std::nullopt;
  }
  Ipv4 last = prefix->address | (prefix->length == 32 ? 0 : ~Ipv4{0} >> prefix->length);
  if (!is_unicast_ipv4(prefix->address) || !is_unicast_ipv4(last)) {
    expected(node, kExpectIpv4Prefix, *text, "not all unicast addresses");
    return std::nullopt;
  }
  return *prefix;
}

std::optional<Ipv4Range> SettingReader::ipv4_range_value(const Node& node) {
  std::optional<std::string> text = string_value(node, kExpectIpv4Range);
  if (!text) return std::nullopt;
  absl::StatusOr<Ipv4Range> range = parse_ipv4_range(*text);
  if (!range.ok()) {
    expected(node, kExpectIpv4Range, *text, range.status().message());
    return std::nullopt;
  }
  // Unicast space has holes only at 0/8, 127/8 and from 224/4 on, so both
  // ends being unicast is not enough: a range may span 127/8.
  bool unicast = is_unicast_ipv4(range->first) && is_unicast_ipv4(range->last) &&
                 !(range->first < 0x7f000000 && range->last > 0x7fffffff);
  if (!unicast) {
    expected(node, kExpectIpv4Range, *text, "not all unicast addresses");
    return std::nullopt;
  }
  return *range;
}

std::optional<std::string> SettingReader::device_value(const Node& node) {
  std::optional<std::string> text = string_value(node, kExpectDevice);
  if (!text) return std::nullopt;
  if (absl::Status status = check_device(*text); !status.ok()) {
    expected(node, kExpectDevice, *text, status.message());
    return std::nullopt;
  }
  return text;
}

}  // namespace lns::config
