// Local subscribers: who may log in, with what password, and what addresses
// they get beyond a pool's. Built once per configuration and then only read;
// a reload builds a new one.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "controlplane/aaa/aaa_types.h"

namespace lns::aaa {

struct Subscriber {
  std::string name;
  // Cleartext: CHAP-MD5 needs it to compute the expected response.
  std::string password;
  std::optional<Ipv4> ipv4;                // fixed address, instead of a pool's
  std::optional<Ipv6Prefix> ipv6_prefix;   // delegated prefix
  std::vector<Ipv4Prefix> routes;          // framed routes toward the subscriber
  std::string pool;                        // empty: the default pool

  // A subscriber whose addresses are its own can be online once at a time.
  bool has_fixed_addresses() const { return ipv4 || ipv6_prefix || !routes.empty(); }
};

class SubscriberDb {
 public:
  SubscriberDb() = default;
  SubscriberDb(SubscriberDb&&) = default;
  SubscriberDb& operator=(SubscriberDb&&) = default;
  // A copy's by_address_ would point into the original.
  SubscriberDb(const SubscriberDb&) = delete;
  SubscriberDb& operator=(const SubscriberDb&) = delete;
  // InvalidArgument for an empty or repeated name, or a fixed address given
  // to two subscribers.
  static absl::StatusOr<SubscriberDb> create(std::vector<Subscriber> subscribers);

  // nullptr for an unknown name. Pointers stay valid for the life of the db.
  const Subscriber* find(std::string_view name) const;
  // The subscriber whose fixed address this is, or nullptr.
  const Subscriber* owner_of(Ipv4 fixed_address) const;
  // Every fixed IPv4 address, in no particular order (pools exclude them).
  std::vector<Ipv4> fixed_addresses() const;
  size_t size() const { return by_name_.size(); }

  // PAP: is this the subscriber's password? Takes as long for a near miss as
  // for a wild guess. False for unknown subscribers too.
  static bool password_matches(const Subscriber& subscriber, std::string_view password);

 private:
  // Values never move once built (no inserts after create, and a moved
  // table keeps its storage), so by_address_ may point into by_name_.
  absl::flat_hash_map<std::string, Subscriber> by_name_;
  absl::flat_hash_map<Ipv4, const Subscriber*> by_address_;
};

}  // namespace lns::aaa
