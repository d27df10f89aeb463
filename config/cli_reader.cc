// The cli section: where lnsd listens for lnsctl, and who may connect.
#include <optional>
#include <string>

#include "config/section_readers.h"
#include "config/setting_limits.h"

namespace lns::config {
namespace {

constexpr TextSpec kSocketPath{"a socket path", limits::kMaxSocketPathLength};
constexpr absl::string_view kExpectMode = "an octal permission mode string like \"0660\"";

// A string because libconfig reads 0660 as the decimal 660.
std::optional<uint32_t> mode_value(SettingReader& r, const Node& node) {
  std::optional<std::string> text = r.string_value(node, kExpectMode);
  if (!text) return std::nullopt;
  if (text->size() < 3 || text->size() > 4) {
    r.expected(node, kExpectMode, *text, "needs 3 or 4 octal digits");
    return std::nullopt;
  }
  uint32_t mode = 0;
  for (char c : *text) {
    if (c < '0' || c > '7') {
      r.expected(node, kExpectMode, *text, "needs 3 or 4 octal digits");
      return std::nullopt;
    }
    mode = mode << 3 | static_cast<uint32_t>(c - '0');
  }
  if (mode > 0777) {
    // setuid, setgid and sticky mean nothing on a socket.
    r.expected(node, kExpectMode, *text, "only permission bits 0000..0777 apply to a socket");
    return std::nullopt;
  }
  return mode;
}

}  // namespace

void read_cli_section(SettingReader& r, const Group& cli, CliConfig& out) {
  r.reject_unknown(cli, {"socket", "mode"});
  r.read_text(cli, "socket", kSocketPath, out.socket);
  if (std::optional<Node> mode = r.member(cli, "mode")) {
    if (std::optional<uint32_t> value = mode_value(r, *mode)) out.mode = *value;
  }
}

}  // namespace lns::config
