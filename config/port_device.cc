#include "config/port_device.h"

#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace lns::config {
namespace {

bool all_hex(absl::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// "dddd:bb:dd.f" or "bb:dd.f" in canonical lower-case form with the domain.
std::optional<std::string> canonical_pci_address(absl::string_view name) {
  size_t dot = name.rfind('.');
  if (dot == absl::string_view::npos || dot + 2 != name.size()) return std::nullopt;
  char function = name[dot + 1];
  if (function < '0' || function > '7') return std::nullopt;
  absl::string_view bus_device = name.substr(0, dot);
  std::string domain = "0000";
  size_t first_colon = bus_device.find(':');
  size_t last_colon = bus_device.rfind(':');
  if (first_colon == absl::string_view::npos) return std::nullopt;
  if (first_colon != last_colon) {
    absl::string_view domain_text = bus_device.substr(0, first_colon);
    if (domain_text.size() != 4 || !all_hex(domain_text)) return std::nullopt;
    domain = std::string(domain_text);
    bus_device = bus_device.substr(first_colon + 1);
    last_colon = bus_device.find(':');
  }
  absl::string_view bus = bus_device.substr(0, last_colon);
  absl::string_view device = bus_device.substr(last_colon + 1);
  if (bus.size() != 2 || device.size() != 2 || !all_hex(bus) || !all_hex(device)) {
    return std::nullopt;
  }
  return absl::AsciiStrToLower(
      absl::StrCat(domain, ":", bus, ":", device, ".", std::string(1, function)));
}

bool is_vdev_name(absl::string_view name) {
  if (name.empty() || !absl::ascii_isalpha(static_cast<unsigned char>(name[0]))) return false;
  for (char c : name) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

absl::string_view name_part(absl::string_view device) { return device.substr(0, device.find(',')); }

}  // namespace

absl::Status check_device(std::string_view device_in) {
  absl::string_view device(device_in.data(), device_in.size());
  if (device.empty()) return absl::InvalidArgumentError("empty");
  for (char c : device) {
    if (!absl::ascii_isgraph(static_cast<unsigned char>(c))) {
      return absl::InvalidArgumentError("blanks and control characters are not allowed");
    }
  }
  absl::string_view name = name_part(device);
  if (canonical_pci_address(name) || is_vdev_name(name)) return absl::OkStatus();
  return absl::InvalidArgumentError(
      "neither a PCI address (domain:bus:device.function) nor a vdev name (letters, digits, '_')");
}

std::string device_identity(std::string_view device_in) {
  absl::string_view device(device_in.data(), device_in.size());
  absl::string_view name = name_part(device);
  if (auto pci = canonical_pci_address(name)) return *pci;
  return std::string(name);
}

}  // namespace lns::config
