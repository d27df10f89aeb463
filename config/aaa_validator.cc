#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "config/addresses.h"
#include "config/section_validators.h"
#include "config/setting_limits.h"
#include "config/static_sessions.h"

namespace lns::config {
namespace {

std::string pool_path(size_t index) { return absl::StrCat("aaa.pools.[", index, "]"); }
std::string user_path(size_t index) { return absl::StrCat("aaa.users.[", index, "]"); }

Ipv4 last_of(const Ipv4Prefix& prefix) {
  return prefix.address | (prefix.length >= 32 ? 0 : ~Ipv4{0} >> prefix.length);
}

uint64_t upper_64_bits(const Ipv6Prefix& prefix) {
  uint64_t value = 0;
  for (size_t i = 0; i < 8; ++i) value = value << 8 | prefix.address[i];
  return value;
}

// Who holds a stretch of address space, and where it was declared.
enum class Holder : uint8_t { kPool, kRoute, kStaticSession, kPort, kUser };

struct Claim {
  uint64_t first;
  uint64_t last;
  Holder holder;
  uint32_t owner;  // index of the pool, user or static session
  uint32_t item;   // index of the range or route within its owner
};

class AaaValidator {
 public:
  AaaValidator(const Config& config, const SourceMap& where, Diagnostics& diagnostics)
      : config_(config), aaa_(config.aaa), where_(where), diagnostics_(diagnostics) {}

  void run() {
    check_pool_names();
    check_pool_sizes();
    check_default_pool();
    check_users();
    check_ipv4_space();
    check_fixed_addresses();
    check_ipv6_prefixes();
    check_ipv6_prefix_lengths();
  }

 private:
  // Pool settings have lines in `where` when read from a file; users (there
  // may be very many) only carry their own.
  int pool_line(size_t index, absl::string_view field) const {
    int line = where_.line_of(absl::StrCat(pool_path(index), ".", field));
    return line > 0 ? line : aaa_.pools[index].line;
  }

  void pool_error(size_t index, absl::string_view field, absl::string_view message) {
    diagnostics_.add(pool_line(index, field), absl::StrCat(pool_path(index), ".", field),
                     message);
  }

  void user_error(size_t index, absl::string_view field, absl::string_view message) {
    diagnostics_.add(aaa_.users[index].line, absl::StrCat(user_path(index), ".", field), message);
  }

  static std::string reference(const std::string& path, int line) {
    return line > 0 ? absl::StrCat(path, " (line ", line, ")") : path;
  }
  std::string pool_reference(size_t index) const {
    return reference(pool_path(index), aaa_.pools[index].line);
  }
  std::string user_reference(size_t index) const {
    return reference(user_path(index), aaa_.users[index].line);
  }
  std::string session_reference(size_t index) const {
    return reference(absl::StrCat("static_sessions.[", index, "]"),
                     config_.static_sessions[index].line);
  }

  std::string pool_names() const {
    return absl::StrJoin(aaa_.pools, ", ",
                         [](std::string* out, const AddressPoolConfig& pool) {
                           absl::StrAppend(out, pool.name);
                         });
  }

  void check_pool_names() {
    for (size_t i = 0; i < aaa_.pools.size(); ++i) {
      if (auto [it, added] = pools_by_name_.try_emplace(aaa_.pools[i].name, i); !added) {
        pool_error(i, "name",
                   absl::StrCat("\"", aaa_.pools[i].name, "\" is also the name of ",
                                pool_reference(it->second)));
      }
    }
  }

  void check_pool_sizes() {
    for (size_t i = 0; i < aaa_.pools.size(); ++i) {
      uint64_t size = 0;
      for (const Ipv4Range& range : aaa_.pools[i].ranges) size += uint64_t{range.last} - range.first + 1;
      if (size > limits::kMaxPoolAddresses) {
        pool_error(i, "ranges",
                   absl::StrCat(size, " addresses exceed the ", limits::kMaxPoolAddresses,
                                " one pool may hold; split it into several pools"));
      }
    }
  }

  void check_default_pool() {
    if (!aaa_.default_pool) {
      if (!aaa_.pools.empty()) {
        error_at("aaa.default_pool",
                 absl::StrCat("required setting is missing when there are pools; expected the "
                              "name of one of: ",
                              pool_names()));
      }
      return;
    }
    if (pools_by_name_.contains(*aaa_.default_pool)) return;
    error_at("aaa.default_pool", unknown_pool(*aaa_.default_pool));
  }

  std::string unknown_pool(absl::string_view name) const {
    if (aaa_.pools.empty()) {
      return absl::StrCat("\"", name, "\" names no pool, and aaa.pools is empty");
    }
    return absl::StrCat("\"", name, "\" names no pool; expected one of: ", pool_names());
  }

  void error_at(absl::string_view path, absl::string_view message) {
    diagnostics_.add(where_.line_of(path), path, message);
  }

  void check_users() {
    absl::flat_hash_map<absl::string_view, size_t> names;
    names.reserve(aaa_.users.size());
    for (size_t i = 0; i < aaa_.users.size(); ++i) {
      const SubscriberConfig& user = aaa_.users[i];
      if (auto [it, added] = names.try_emplace(user.name, i); !added) {
        user_error(i, "name",
                   absl::StrCat("\"", user.name, "\" is also the name of ",
                                user_reference(it->second)));
      }
      if (!user.pool) continue;
      if (user.ipv4) {
        user_error(i, "pool",
                   "a subscriber with a fixed ipv4 address takes nothing from a pool; set ipv4 "
                   "or pool, not both");
      } else if (!pools_by_name_.contains(*user.pool)) {
        user_error(i, "pool", unknown_pool(*user.pool));
      }
    }
  }

  // What a claim is, for the other side of a message.
  std::string describe(const Claim& claim) const {
    switch (claim.holder) {
      case Holder::kPool:
        return absl::StrCat("pool range ",
                            format_ipv4_range(aaa_.pools[claim.owner].ranges[claim.item]), " of ",
                            pool_reference(claim.owner));
      case Holder::kRoute:
        return absl::StrCat("route ", format_ipv4_prefix(aaa_.users[claim.owner].routes[claim.item]),
                            " of ", user_reference(claim.owner));
      case Holder::kUser:
        return absl::StrCat("the fixed address of ", user_reference(claim.owner));
      case Holder::kStaticSession: {
        std::string addresses =
            claim.first == claim.last
                ? format_ipv4(static_cast<Ipv4>(claim.first))
                : absl::StrCat(format_ipv4(static_cast<Ipv4>(claim.first)), "..",
                               format_ipv4(static_cast<Ipv4>(claim.last)));
        return absl::StrCat("subscriber addresses ", addresses, " of ",
                            session_reference(claim.owner));
      }
      case Holder::kPort:
        return claim.owner == 0 ? "access.ipv4, lnsd's own address"
                                : "core.ipv4, lnsd's own address";
    }
    return "";
  }

  // Reports `claim` (a pool range, route or fixed address) for overlapping
  // `other`.
  void report(const Claim& claim, const Claim& other) {
    std::string message;
    switch (claim.holder) {
      case Holder::kPool: {
        const Ipv4Range& range = aaa_.pools[claim.owner].ranges[claim.item];
        message = absl::StrCat(format_ipv4_range(range), " overlaps ", describe(other));
        diagnostics_.add(pool_line(claim.owner, "ranges"),
                         absl::StrCat(pool_path(claim.owner), ".ranges.[", claim.item, "]"),
                         message);
        return;
      }
      case Holder::kRoute: {
        const Ipv4Prefix& route = aaa_.users[claim.owner].routes[claim.item];
        user_error(claim.owner, absl::StrCat("routes.[", claim.item, "]"),
                   absl::StrCat(format_ipv4_prefix(route), " overlaps ", describe(other)));
        return;
      }
      case Holder::kUser: {
        std::string address = format_ipv4(*aaa_.users[claim.owner].ipv4);
        switch (other.holder) {
          case Holder::kRoute:
            message = absl::StrCat(address, " lies in ", describe(other));
            break;
          case Holder::kStaticSession:
            message = absl::StrCat(address, " is also given to ",
                                   session_reference(other.owner));
            break;
          default:
            message = absl::StrCat(address, " is also ", describe(other));
            break;
        }
        user_error(claim.owner, "ipv4", message);
        return;
      }
      default:
        return;  // static sessions and ports are checked by config_validator.cc
    }
  }

  int line_of(const Claim& claim) const {
    switch (claim.holder) {
      case Holder::kPool: return aaa_.pools[claim.owner].line;
      case Holder::kRoute:
      case Holder::kUser: return aaa_.users[claim.owner].line;
      default: return 0;
    }
  }

  static bool is_aaa(Holder holder) {
    return holder == Holder::kPool || holder == Holder::kRoute || holder == Holder::kUser;
  }

  // Of two colliding claims, the one to report: a setting of this section
  // rather than a static session or port, and then the one declared later.
  void blame(const Claim& earlier, const Claim& later) {
    const Claim* culprit = &later;
    const Claim* victim = &earlier;
    if (!is_aaa(later.holder) || (is_aaa(earlier.holder) && line_of(earlier) > line_of(later))) {
      std::swap(culprit, victim);
    }
    if (!is_aaa(culprit->holder)) return;
    uint64_t key = uint64_t{static_cast<uint8_t>(culprit->holder)} << 56 |
                   uint64_t{culprit->owner} << 24 | culprit->item;
    if (reported_.insert(key).second) report(*culprit, *victim);
  }

  void add_static_sessions_and_ports(std::vector<Claim>& claims) const {
    for (uint32_t i = 0; i < config_.static_sessions.size(); ++i) {
      const StaticSession& session = config_.static_sessions[i];
      if (!check_static_session_range(session).ok()) continue;  // reported elsewhere
      claims.push_back({session.subscriber_ipv4, uint64_t{session.subscriber_ipv4} + session.count - 1,
                        Holder::kStaticSession, i, 0});
    }
    if (config_.access.ipv4) {
      claims.push_back({*config_.access.ipv4, *config_.access.ipv4, Holder::kPort, 0, 0});
    }
    if (config_.core.ipv4) {
      claims.push_back({*config_.core.ipv4, *config_.core.ipv4, Holder::kPort, 1, 0});
    }
  }

  // Pools, routes, static sessions and our own addresses must not share an
  // address. Sorted by first address, a claim overlaps an earlier one of some
  // holder kind exactly when it starts before the furthest any of that kind
  // reaches, so one pass finds every colliding claim.
  void check_ipv4_space() {
    std::vector<Claim> claims;
    for (uint32_t p = 0; p < aaa_.pools.size(); ++p) {
      const auto& ranges = aaa_.pools[p].ranges;
      for (uint32_t r = 0; r < ranges.size(); ++r) {
        claims.push_back({ranges[r].first, ranges[r].last, Holder::kPool, p, r});
      }
    }
    for (uint32_t u = 0; u < aaa_.users.size(); ++u) {
      const auto& routes = aaa_.users[u].routes;
      for (uint32_t r = 0; r < routes.size(); ++r) {
        claims.push_back({routes[r].address, last_of(routes[r]), Holder::kRoute, u, r});
      }
    }
    if (claims.empty()) return;
    add_static_sessions_and_ports(claims);
    std::sort(claims.begin(), claims.end(), [](const Claim& a, const Claim& b) {
      return a.first != b.first ? a.first < b.first : a.last > b.last;
    });
    constexpr size_t kKinds = 5;
    std::array<const Claim*, kKinds> reach{};
    for (const Claim& current : claims) {
      for (size_t kind = 0; kind < kKinds; ++kind) {
        const Claim* other = reach[kind];
        if (!other || current.first > other->last) continue;
        bool both_aaa_free = !is_aaa(current.holder) && !is_aaa(other->holder);
        if (!both_aaa_free) blame(*other, current);
      }
      const Claim*& mine = reach[static_cast<size_t>(current.holder)];
      if (!mine || current.last > mine->last) mine = &current;
    }
  }

  // Fixed addresses are points: each must be unique, and may lie in a pool
  // (which then skips it) or in the subscriber's own routes, but not in
  // anything else.
  void check_fixed_addresses() {
    std::vector<Claim> fixed;
    for (uint32_t u = 0; u < aaa_.users.size(); ++u) {
      if (aaa_.users[u].ipv4) {
        fixed.push_back({*aaa_.users[u].ipv4, *aaa_.users[u].ipv4, Holder::kUser, u, 0});
      }
    }
    if (fixed.empty()) return;
    std::sort(fixed.begin(), fixed.end(), [](const Claim& a, const Claim& b) {
      return a.first != b.first ? a.first < b.first : a.owner < b.owner;
    });
    for (size_t i = 1; i < fixed.size(); ++i) {
      if (fixed[i].first == fixed[i - 1].first) blame(fixed[i - 1], fixed[i]);
    }

    std::vector<Claim> others;
    add_static_sessions_and_ports(others);
    for (uint32_t u = 0; u < aaa_.users.size(); ++u) {
      const auto& routes = aaa_.users[u].routes;
      for (uint32_t r = 0; r < routes.size(); ++r) {
        others.push_back({routes[r].address, last_of(routes[r]), Holder::kRoute, u, r});
      }
    }
    std::sort(others.begin(), others.end(),
              [](const Claim& a, const Claim& b) { return a.first < b.first; });
    // furthest[i]: of others[0..i], the one reaching furthest. Of the claims
    // starting at or before an address, that one contains it if any does.
    std::vector<size_t> furthest(others.size());
    for (size_t i = 0; i < others.size(); ++i) {
      furthest[i] = i > 0 && others[furthest[i - 1]].last >= others[i].last ? furthest[i - 1] : i;
    }
    for (const Claim& point : fixed) {
      auto after = std::upper_bound(
          others.begin(), others.end(), point.first,
          [](uint64_t address, const Claim& claim) { return address < claim.first; });
      if (after == others.begin()) continue;
      const Claim& candidate = others[furthest[static_cast<size_t>(after - others.begin()) - 1]];
      if (candidate.last < point.first) continue;
      if (candidate.holder == Holder::kRoute && candidate.owner == point.owner) continue;
      blame(candidate, point);
    }
  }

  // A user whose prefix length would be one too many would come up with
  // IPv6CP open and no IPv6 routed, so refuse the configuration instead.
  // Static sessions' lengths count first; the user that brings in a length
  // beyond the limit is named, once per such length.
  void check_ipv6_prefix_lengths() {
    std::vector<uint8_t> lengths;
    auto known = [&lengths](uint8_t length) {
      return std::find(lengths.begin(), lengths.end(), length) != lengths.end();
    };
    for (const StaticSession& session : config_.static_sessions) {
      if (session.subscriber_ipv6 && !known(session.subscriber_ipv6->length))
        lengths.push_back(session.subscriber_ipv6->length);
    }
    std::vector<uint8_t> refused;
    for (uint32_t u = 0; u < aaa_.users.size(); ++u) {
      const auto& prefix = aaa_.users[u].ipv6_prefix;
      if (!prefix || known(prefix->length)) continue;
      if (lengths.size() < limits::kMaxIpv6PrefixLengths) {
        lengths.push_back(prefix->length);
        continue;
      }
      if (std::find(refused.begin(), refused.end(), prefix->length) != refused.end()) continue;
      refused.push_back(prefix->length);
      std::vector<std::string> in_use;
      for (uint8_t l : lengths) in_use.push_back(absl::StrCat("/", l));
      user_error(u, "ipv6_prefix",
                 absl::StrCat(format_ipv6_prefix(*prefix), ": at most ", limits::kMaxIpv6PrefixLengths,
                              " distinct IPv6 prefix lengths can be routed, and ", absl::StrJoin(in_use, ", "),
                              " are in use"));
    }
  }

  // Delegated prefixes go to one subscriber each, and not to a static
  // session's subscriber. Compared in units of /64.
  void check_ipv6_prefixes() {
    struct Prefix {
      uint64_t first;
      uint64_t last;
      bool is_user;
      uint32_t index;
      uint8_t length;
    };
    std::vector<Prefix> prefixes;
    for (uint32_t u = 0; u < aaa_.users.size(); ++u) {
      const auto& prefix = aaa_.users[u].ipv6_prefix;
      if (!prefix) continue;
      uint64_t first = upper_64_bits(*prefix);
      // Longer than /64 only in a configuration built in code: count it as its /64.
      uint64_t span = prefix->length == 0  ? UINT64_MAX
                      : prefix->length >= 64 ? 0
                                             : (uint64_t{1} << (64 - prefix->length)) - 1;
      prefixes.push_back({first, first + span, true, u, prefix->length});
    }
    if (prefixes.empty()) return;
    for (uint32_t i = 0; i < config_.static_sessions.size(); ++i) {
      const StaticSession& session = config_.static_sessions[i];
      if (!session.subscriber_ipv6 || !check_static_session_range(session).ok()) continue;
      uint8_t length = session.subscriber_ipv6->length;
      if (length < 1 || length > 64) continue;
      uint64_t first = upper_64_bits(*session.subscriber_ipv6);
      uint64_t last = first + ((uint64_t{session.count} << (64 - length)) - 1);
      prefixes.push_back({first, last, false, i, length});
    }
    std::sort(prefixes.begin(), prefixes.end(), [](const Prefix& a, const Prefix& b) {
      return a.first != b.first ? a.first < b.first : a.last > b.last;
    });
    absl::flat_hash_set<uint32_t> reported;
    const Prefix* reach_user = nullptr;
    const Prefix* reach_static = nullptr;
    for (const Prefix& current : prefixes) {
      for (const Prefix* other : {reach_user, reach_static}) {
        if (!other || current.first > other->last) continue;
        if (!current.is_user && !other->is_user) continue;  // config_validator.cc's job
        // Blame the subscriber declared later, or the only one.
        const Prefix* culprit = &current;
        const Prefix* victim = other;
        if (!current.is_user ||
            (other->is_user && aaa_.users[other->index].line > aaa_.users[current.index].line)) {
          std::swap(culprit, victim);
        }
        if (!reported.insert(culprit->index).second) continue;
        std::string what =
            victim->is_user
                ? absl::StrCat("the prefix ",
                               format_ipv6_prefix(*aaa_.users[victim->index].ipv6_prefix), " of ",
                               user_reference(victim->index))
                : absl::StrCat("the subscriber prefixes of ", session_reference(victim->index));
        user_error(culprit->index, "ipv6_prefix",
                   absl::StrCat(format_ipv6_prefix(*aaa_.users[culprit->index].ipv6_prefix),
                                " overlaps ", what));
      }
      const Prefix*& mine = current.is_user ? reach_user : reach_static;
      if (!mine || current.last > mine->last) mine = &current;
    }
  }

  const Config& config_;
  const AaaConfig& aaa_;
  const SourceMap& where_;
  Diagnostics& diagnostics_;
  absl::flat_hash_map<absl::string_view, size_t> pools_by_name_;
  absl::flat_hash_set<uint64_t> reported_;
};

}  // namespace

void validate_aaa_section(const Config& config, const SourceMap& where, Diagnostics& diagnostics) {
  AaaValidator(config, where, diagnostics).run();
}

}  // namespace lns::config
