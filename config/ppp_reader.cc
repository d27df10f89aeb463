// The ppp section: authentication order, LCP keepalive and the RFC 1661
// counters and timer shared by LCP, IPCP and IPv6CP.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "config/section_readers.h"
#include "config/setting_limits.h"

namespace lns::config {
namespace {

constexpr absl::string_view kExpectAuth =
    "a non-empty array of \"chap\" and \"pap\" in order of preference, or [\"none\"]";

void read_auth(SettingReader& r, const Group& ppp, std::vector<PppAuthMethod>& out) {
  std::optional<Node> auth = r.sequence(ppp, "auth", kExpectAuth);
  if (!auth) return;
  if ((*auth)->getLength() == 0) {
    r.expected(*auth, kExpectAuth);
    return;
  }
  std::vector<PppAuthMethod> methods;
  bool none = false;
  bool ok = true;
  std::string auth_path = auth->path();
  for (int i = 0; i < (*auth)->getLength(); ++i) {
    Node element{&(**auth)[i], auth_path, {}, i};
    std::optional<std::string> text =
        r.string_value(element, "\"chap\", \"pap\" or \"none\"");
    if (!text) {
      ok = false;
      continue;
    }
    std::optional<PppAuthMethod> method;
    if (*text == "chap") {
      method = PppAuthMethod::kChap;
    } else if (*text == "pap") {
      method = PppAuthMethod::kPap;
    } else if (*text == "none") {
      none = true;
      continue;
    } else {
      r.expected(element, "\"chap\", \"pap\" or \"none\"");
      ok = false;
      continue;
    }
    for (PppAuthMethod seen : methods) {
      if (seen == *method) {
        r.error(element, absl::StrCat("\"", *text, "\" is listed twice"));
        ok = false;
      }
    }
    methods.push_back(*method);
  }
  if (none && (*auth)->getLength() != 1) {
    r.error(*auth, "\"none\" must stand alone: either subscribers authenticate or they do not");
    ok = false;
  }
  if (ok) out = std::move(methods);
}

}  // namespace

void read_ppp_section(SettingReader& r, const Group& ppp, PppConfig& out) {
  r.reject_unknown(ppp, {"auth", "mru", "echo_interval", "echo_failures", "restart_ms",
                         "max_configure", "max_terminate", "max_failure", "accept_proxy",
                         "ipv6"});
  read_auth(r, ppp, out.auth);
  r.read_integer(ppp, "mru", limits::kPppMru, out.mru);
  r.read_integer(ppp, "echo_interval", limits::kEchoInterval, out.echo_interval);
  r.read_integer(ppp, "echo_failures", limits::kEchoFailures, out.echo_failures);
  r.read_integer(ppp, "restart_ms", limits::kRestartMs, out.restart_ms);
  r.read_integer(ppp, "max_configure", limits::kPppAttempts, out.max_configure);
  r.read_integer(ppp, "max_terminate", limits::kPppAttempts, out.max_terminate);
  r.read_integer(ppp, "max_failure", limits::kPppAttempts, out.max_failure);
  r.read_bool(ppp, "accept_proxy", out.accept_proxy);
  r.read_bool(ppp, "ipv6", out.ipv6);
}

}  // namespace lns::config
