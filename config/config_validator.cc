#include "config/config_validator.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "config/addresses.h"
#include "config/port_device.h"
#include "config/section_validators.h"
#include "config/setting_limits.h"
#include "config/static_sessions.h"

namespace lns::config {
namespace {

std::string session_path(size_t index) { return absl::StrCat("static_sessions.[", index, "]"); }

// Values a range of static sessions covers, as one closed interval of some
// key space (ID pair ordinals, IPv4 addresses, /64 prefix numbers).
struct Interval {
  uint64_t first;
  uint64_t last;
  uint32_t index;  // of the static session
};

// Address blocks no subscriber can have (see is_unicast_ipv4).
constexpr Interval kNonUnicastIpv4[] = {
    {0x00000000, 0x00ffffff, 0}, {0x7f000000, 0x7fffffff, 0}, {0xe0000000, 0xffffffff, 0}};
// ff00::/8 (multicast) and fe80::/10 (link-local), in numbers of /64s.
struct Ipv6Block {
  uint64_t first;
  uint64_t last;
  uint8_t length;
};
constexpr Ipv6Block kNonUnicastIpv6[] = {{0xff00'0000'0000'0000, UINT64_MAX, 8},
                                         {0xfe80'0000'0000'0000, 0xfebf'ffff'ffff'ffff, 10}};

uint64_t upper_64_bits(const Ipv6Prefix& prefix) {
  uint64_t value = 0;
  for (size_t i = 0; i < 8; ++i) value = value << 8 | prefix.address[i];
  return value;
}

Ipv6Prefix prefix_from_upper_64_bits(uint64_t value, uint8_t length) {
  Ipv6Prefix prefix;
  for (size_t i = 0; i < 8; ++i) prefix.address[i] = static_cast<uint8_t>(value >> (56 - 8 * i));
  prefix.length = length;
  return prefix;
}

class Validator {
 public:
  Validator(const Config& config, const SourceMap& where, Diagnostics& diagnostics)
      : config_(config), where_(where), diagnostics_(diagnostics) {}

  void run() {
    check_lcores();
    check_mbufs();
    check_access_frame_offset();
    check_tcp_mss_clamp();
    check_punt();
    check_ports();
    check_static_sessions();
    validate_l2tp_section(config_, where_, diagnostics_);
    validate_aaa_section(config_, where_, diagnostics_);
  }

 private:
  void error(absl::string_view path, absl::string_view message) {
    diagnostics_.add(where_.line_of(path), path, message);
  }

  void session_error(uint32_t index, absl::string_view field, absl::string_view message) {
    std::string path = session_path(index);
    if (!field.empty()) absl::StrAppend(&path, ".", field);
    diagnostics_.add(config_.static_sessions[index].line, path, message);
  }

  std::string session_reference(uint32_t index) const {
    int line = config_.static_sessions[index].line;
    return line > 0 ? absl::StrCat(session_path(index), " (line ", line, ")") : session_path(index);
  }

  void check_lcores() {
    for (unsigned lcore : config_.dataplane.worker_lcores) {
      if (lcore == config_.eal.main_lcore) {
        error("dataplane.workers",
              absl::StrCat("lcore ", lcore,
                           " is eal.main_lcore, which runs the control plane; workers need "
                           "lcores of their own"));
      }
    }
  }

  // Every RX descriptor holds an mbuf, every TX descriptor may, each lcore's
  // cache may hold some, and so may every slot of the punt rings. A pool
  // smaller than that runs dry under load and RX stops.
  void check_mbufs() {
    const DataplaneConfig& dataplane = config_.dataplane;
    uint64_t workers = dataplane.worker_lcores.size();
    // The control plane has a TX queue of its own on each port.
    uint64_t lcores = workers + 1;
    uint64_t rx = workers * (config_.access.rx_descriptors + config_.core.rx_descriptors);
    uint64_t tx = lcores * (config_.access.tx_descriptors + config_.core.tx_descriptors);
    uint64_t caches = lcores * dataplane.mbuf_cache;
    uint64_t punt = workers * dataplane.punt.ring_size;
    // Session distribution: a ring per ordered worker pair and direction.
    uint64_t handoff = dataplane.distribution == Distribution::kSession
                           ? 2 * workers * (workers - 1) * dataplane.handoff_ring_size
                           : 0;
    uint64_t needed = rx + tx + caches + punt + handoff;
    if (dataplane.mbufs < needed) {
      error("dataplane.mbufs",
            absl::StrCat("expected at least ", needed, " (RX rings ", rx, " + TX rings ", tx,
                         " + lcore caches ", caches, " + punt rings ", punt,
                         handoff != 0 ? absl::StrCat(" + handoff rings ", handoff) : "", " for ",
                         workers, workers == 1 ? " worker" : " workers", "), got ",
                         dataplane.mbufs));
    }
  }

  // The offset is the mbuf private area's size, which DPDK wants a multiple of 8.
  void check_access_frame_offset() {
    const uint32_t offset = config_.dataplane.access_frame_offset;
    if (offset % 8 != 0) {
      error("dataplane.access_frame_offset",
            absl::StrCat("expected a multiple of 8 (0 puts frames at a cache line, 56 gives decap one line), got ",
                         offset));
    }
  }

  void check_tcp_mss_clamp() {
    const DataplaneConfig& dataplane = config_.dataplane;
    if (dataplane.tcp_mss_clamp == 0) return;
    unsigned limit = dataplane.session_mtu - limits::kTcpIpv4HeaderBytes;
    if (dataplane.tcp_mss_clamp > limit) {
      error("dataplane.tcp_mss_clamp",
            absl::StrCat("expected 0 (off) or at most dataplane.session_mtu - 40 = ", limit,
                         " so clamped TCP segments fit a session, got ",
                         dataplane.tcp_mss_clamp));
    }
  }

  void check_punt() {
    const PuntConfig& punt = config_.dataplane.punt;
    if (punt.burst > punt.ring_size) {
      error("dataplane.punt.burst",
            absl::StrCat("expected at most dataplane.punt.ring_size = ", punt.ring_size,
                         " (a burst the ring cannot hold would be dropped anyway), got ",
                         punt.burst));
    }
  }

  void check_ports() {
    const PortConfig& access = config_.access;
    const PortConfig& core = config_.core;
    if (!access.device.empty() && !core.device.empty() &&
        device_identity(access.device) == device_identity(core.device)) {
      error("core.device",
            absl::StrCat("is the same device as access.device (", device_identity(core.device),
                         "); the access and core ports must be different devices"));
    }
    if (access.ipv4 && core.ipv4 && *access.ipv4 == *core.ipv4) {
      error("core.ipv4", absl::StrCat(format_ipv4(*core.ipv4),
                                      " is also access.ipv4; the ports need different addresses"));
    }
  }

  void check_static_sessions() {
    const auto& sessions = config_.static_sessions;
    uint64_t total = total_static_sessions(config_);
    if (total > config_.dataplane.max_sessions) {
      error("static_sessions",
            absl::StrCat(total, " static sessions (counting every entry of each range) exceed "
                                "dataplane.max_sessions = ",
                         config_.dataplane.max_sessions));
    }
    std::vector<Interval> id_pairs, ipv4s, ipv6s;
    id_pairs.reserve(sessions.size());
    ipv4s.reserve(sessions.size());
    for (uint32_t i = 0; i < sessions.size(); ++i) {
      const StaticSession& session = sessions[i];
      if (!session.lac_mac && !config_.access.next_hop_mac) {
        session_error(i, "lac_mac",
                      "required because access.next_hop_mac is not set; expected a unicast MAC "
                      "address like 02:00:00:00:00:01");
      }
      if (config_.access.ipv4 && session.lac_ipv4 == *config_.access.ipv4) {
        session_error(i, "lac",
                      absl::StrCat(format_ipv4(session.lac_ipv4),
                                   " is access.ipv4, lnsd's own address; expected the LAC's"));
      }
      if (absl::Status range = check_static_session_range(session); !range.ok()) {
        session_error(i, "count", range.message());
        continue;  // its intervals would wrap; overlaps cannot be judged
      }
      uint64_t last = session.count - 1;
      id_pairs.push_back({id_pair_ordinal(session.tunnel_id, session.session_id),
                          id_pair_ordinal(session.tunnel_id, session.session_id) + last, i});
      Interval ipv4{session.subscriber_ipv4, session.subscriber_ipv4 + last, i};
      check_subscriber_ipv4(ipv4);
      ipv4s.push_back(ipv4);
      if (session.subscriber_ipv6) {
        const Ipv6Prefix& prefix = *session.subscriber_ipv6;
        if (prefix.length < 1 || prefix.length > 64) continue;
        unsigned shift = 64u - prefix.length;
        uint64_t first = upper_64_bits(prefix);
        // Cannot overflow: check_static_session_range proved the last prefix exists.
        Interval ipv6{first, first + ((last + 1) << shift) - 1, i};
        check_subscriber_ipv6(ipv6);
        ipv6s.push_back(ipv6);
      }
    }
    report_overlaps(id_pairs, "", "is also used by", [](uint64_t ordinal, uint32_t, uint32_t) {
      return absl::StrCat("tunnel ", ordinal / limits::kIdsPerTunnel + 1, " session ",
                          ordinal % limits::kIdsPerTunnel + 1);
    });
    report_overlaps(ipv4s, "ipv4", "is also given to", [](uint64_t address, uint32_t, uint32_t) {
      return absl::StrCat("subscriber address ", format_ipv4(static_cast<Ipv4>(address)));
    });
    report_overlaps(ipv6s, "ipv6_prefix", "overlaps", [&](uint64_t value, uint32_t a, uint32_t b) {
      uint8_t length = std::max(sessions[a].subscriber_ipv6->length,
                                sessions[b].subscriber_ipv6->length);
      return absl::StrCat("subscriber prefix ",
                          format_ipv6_prefix(prefix_from_upper_64_bits(value, length)));
    });
  }

  void check_subscriber_ipv4(const Interval& range) {
    const StaticSession& session = config_.static_sessions[range.index];
    std::string addresses = range.first == range.last
                                ? format_ipv4(session.subscriber_ipv4)
                                : absl::StrCat(format_ipv4(static_cast<Ipv4>(range.first)), "..",
                                               format_ipv4(static_cast<Ipv4>(range.last)));
    auto contains = [&](uint64_t address) {
      return range.first <= address && address <= range.last;
    };
    for (const auto& [name, port] : {std::pair{"access.ipv4", &config_.access},
                                     std::pair{"core.ipv4", &config_.core}}) {
      if (port->ipv4 && contains(*port->ipv4)) {
        session_error(range.index, "ipv4",
                      absl::StrCat("subscriber addresses ", addresses, " include ", name, " ",
                                   format_ipv4(*port->ipv4)));
      }
    }
    for (const Interval& block : kNonUnicastIpv4) {
      if (range.first <= block.last && block.first <= range.last) {
        auto first_bad = static_cast<Ipv4>(std::max(range.first, block.first));
        session_error(range.index, "ipv4",
                      absl::StrCat("subscriber addresses ", addresses,
                                   " include the non-unicast address ", format_ipv4(first_bad)));
        break;
      }
    }
  }

  void check_subscriber_ipv6(const Interval& range) {
    for (const Ipv6Block& block : kNonUnicastIpv6) {
      if (range.first <= block.last && block.first <= range.last) {
        session_error(range.index, "ipv6_prefix",
                      absl::StrCat("the range reaches into ",
                                   format_ipv6_prefix(
                                       prefix_from_upper_64_bits(block.first, block.length)),
                                   ", which is not for subscribers"));
        break;
      }
    }
  }

  // Reports each static session that shares a value with an earlier-sorted
  // one, once per key space: sorting by start makes this O(n log n) in the
  // number of ranges, whatever their sizes.
  template <class Describe>
  void report_overlaps(std::vector<Interval>& intervals, absl::string_view field,
                       absl::string_view relation, Describe describe) {
    std::sort(intervals.begin(), intervals.end(), [](const Interval& a, const Interval& b) {
      return a.first != b.first ? a.first < b.first : a.index < b.index;
    });
    absl::flat_hash_set<uint32_t> reported;
    const Interval* reach = nullptr;  // the interval reaching furthest so far
    for (const Interval& current : intervals) {
      if (reach && current.first <= reach->last) {
        // Blame the one declared later: that is usually the one just added.
        uint32_t later = std::max(reach->index, current.index);
        uint32_t earlier = std::min(reach->index, current.index);
        if (reported.insert(later).second) {
          session_error(later, field,
                        absl::StrCat(describe(current.first, reach->index, current.index), " ",
                                     relation, " ", session_reference(earlier)));
        }
      }
      if (!reach || current.last > reach->last) reach = &current;
    }
  }

  const Config& config_;
  const SourceMap& where_;
  Diagnostics& diagnostics_;
};

}  // namespace

void validate_config(const Config& config, const SourceMap& where, Diagnostics& diagnostics) {
  Validator(config, where, diagnostics).run();
}

absl::Status validate_config(const Config& config) {
  Diagnostics diagnostics(config.source.empty() ? "<config>" : config.source);
  validate_config(config, SourceMap{}, diagnostics);
  return diagnostics.to_status();
}

}  // namespace lns::config
