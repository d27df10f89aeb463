#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "config/addresses.h"
#include "config/section_validators.h"
#include "config/setting_limits.h"

namespace lns::config {
namespace {

std::string lac_path(size_t index) { return absl::StrCat("l2tp.lacs.[", index, "]"); }

class L2tpValidator {
 public:
  L2tpValidator(const Config& config, const SourceMap& where, Diagnostics& diagnostics)
      : config_(config), l2tp_(config.l2tp), where_(where), diagnostics_(diagnostics) {}

  void run() {
    check_retransmit();
    check_global_hiding();
    check_allow_list();
    for (size_t i = 0; i < l2tp_.lacs.size(); ++i) check_lac(i);
    check_duplicates();
  }

 private:
  void error(absl::string_view path, absl::string_view message) {
    diagnostics_.add(where_.line_of(path), path, message);
  }

  // Lines of LAC settings come from `where` when the file was read, and from
  // the entry itself for a configuration built in code.
  void lac_error(size_t index, absl::string_view field, absl::string_view message) {
    std::string path = lac_path(index);
    if (!field.empty()) absl::StrAppend(&path, ".", field);
    int line = where_.line_of(path);
    diagnostics_.add(line > 0 ? line : l2tp_.lacs[index].line, path, message);
  }

  std::string lac_reference(size_t index) const {
    int line = l2tp_.lacs[index].line;
    return line > 0 ? absl::StrCat(lac_path(index), " (line ", line, ")") : lac_path(index);
  }

  void check_retransmit() {
    const L2tpRetransmitConfig& r = l2tp_.retransmit;
    if (r.max_ms < r.initial_ms) {
      error("l2tp.retransmit.max_ms",
            absl::StrCat("expected at least l2tp.retransmit.initial_ms = ", r.initial_ms,
                         " (the timeout only grows), got ", r.max_ms));
    }
    if (r.ack_delay_ms >= r.initial_ms) {
      error("l2tp.retransmit.ack_delay_ms",
            absl::StrCat("expected less than l2tp.retransmit.initial_ms = ", r.initial_ms,
                         " (a peer with the same timers would retransmit before our delayed "
                         "acknowledgement), got ",
                         r.ack_delay_ms));
    }
  }

  // LACs without a policy of their own use the global secret.
  void check_global_hiding() {
    if (l2tp_.hide_avps && l2tp_.secret.empty() && l2tp_.allow_unknown_lacs) {
      error("l2tp.hide_avps",
            "is true, but l2tp.secret is not set: AVPs to LACs without a secret of their own "
            "could not be hidden; set l2tp.secret or hide_avps = false");
    }
  }

  void check_allow_list() {
    if (!l2tp_.allow_unknown_lacs && l2tp_.lacs.empty()) {
      error("l2tp.allow_unknown_lacs",
            "is false, so only LACs listed in l2tp.lacs may open tunnels, and none are listed");
    }
  }

  void check_lac(size_t index) {
    const LacConfig& lac = l2tp_.lacs[index];
    if (!lac.address && !lac.host_name) {
      lac_error(index, "",
                "needs an address or a host_name to recognise the LAC by; expected address = "
                "\"192.0.2.2\" or host_name = \"bras1\"");
    }
    if (lac.address && config_.access.ipv4 && *lac.address == *config_.access.ipv4) {
      lac_error(index, "address",
                absl::StrCat(format_ipv4(*lac.address),
                             " is access.ipv4, lnsd's own address; expected the LAC's"));
    }
    bool has_secret = lac.secret.has_value() || !l2tp_.secret.empty();
    if (has_secret) return;
    if (lac.require_auth.value_or(l2tp_.require_auth)) {
      lac_error(index, "secret",
                absl::StrCat("required because this LAC must authenticate (require_auth) and "
                             "l2tp.secret is not set; expected a shared secret of 1..",
                             limits::kMaxSecretLength, " characters"));
    } else if (lac.hide_avps.value_or(l2tp_.hide_avps)) {
      lac_error(index, "secret",
                absl::StrCat("required because AVPs to this LAC are hidden (hide_avps) and "
                             "l2tp.secret is not set; expected a shared secret of 1..",
                             limits::kMaxSecretLength, " characters"));
    }
  }

  // The engine takes the first policy matching a LAC's address and, for
  // policies without one, the first matching its host name: a later
  // duplicate would never apply.
  void check_duplicates() {
    absl::flat_hash_map<absl::string_view, size_t> names, host_names;
    absl::flat_hash_map<Ipv4, size_t> addresses;
    for (size_t i = 0; i < l2tp_.lacs.size(); ++i) {
      const LacConfig& lac = l2tp_.lacs[i];
      if (auto [it, added] = names.try_emplace(lac.name, i); !added) {
        lac_error(i, "name",
                  absl::StrCat("\"", lac.name, "\" is also the name of ",
                               lac_reference(it->second)));
      }
      if (lac.address) {
        if (auto [it, added] = addresses.try_emplace(*lac.address, i); !added) {
          lac_error(i, "address",
                    absl::StrCat(format_ipv4(*lac.address), " is also the address of ",
                                 lac_reference(it->second), "; only the first would apply"));
        }
      } else if (lac.host_name) {
        if (auto [it, added] = host_names.try_emplace(*lac.host_name, i); !added) {
          lac_error(i, "host_name",
                    absl::StrCat("\"", *lac.host_name, "\" is also the host name of ",
                                 lac_reference(it->second),
                                 ", which has no address either; only the first would apply"));
        }
      }
    }
  }

  const Config& config_;
  const L2tpConfig& l2tp_;
  const SourceMap& where_;
  Diagnostics& diagnostics_;
};

}  // namespace

void validate_l2tp_section(const Config& config, const SourceMap& where,
                           Diagnostics& diagnostics) {
  L2tpValidator(config, where, diagnostics).run();
}

}  // namespace lns::config
