// The AAA backend for subscribers and pools configured on the box: answers
// every request at once, and can swap in a new configuration without
// disturbing the sessions already up.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "controlplane/aaa/aaa.h"
#include "controlplane/aaa/address_pools.h"
#include "controlplane/aaa/subscriber_db.h"

namespace lns::aaa {

struct LocalAaaConfig {
  std::vector<Subscriber> subscribers;
  std::vector<PoolConfig> pools;
  // For subscribers naming no pool and for sessions that did not
  // authenticate; empty: none (they get no IPv4 address).
  std::string default_pool;
  Ipv4 primary_dns = 0;  // 0: none
  Ipv4 secondary_dns = 0;
};

// A session's IPv4 address that the new configuration gives to no pool, or
// to another subscriber as its fixed address. The session keeps it until it
// ends (nobody else is given it meanwhile); the daemon may prefer to
// disconnect it.
struct StrandedAddress {
  SessionId session = 0;
  std::string user;
  Ipv4 address = 0;
  std::string reason;  // "no longer in any pool", "now the fixed address of bob"
};

struct ReloadReport {
  size_t sessions_kept = 0;  // every session keeps running
  std::vector<StrandedAddress> stranded;  // by session
  // Sessions whose subscriber the new configuration no longer has.
  std::vector<SessionId> removed_users;  // ascending
};

class LocalAaa final : public Aaa {
 public:
  // InvalidArgument when the subscribers or pools are inconsistent (see
  // SubscriberDb::create, AddressPools::create), a subscriber or the default
  // names a pool that does not exist, or a subscriber has both a fixed
  // address and a pool.
  static absl::StatusOr<LocalAaa> create(LocalAaaConfig config);

  Ticket authenticate_pap(std::string_view user, std::string_view password,
                          AuthDone done) override;
  Ticket chap_secret(std::string_view user, SecretDone done) override;
  Ticket assign_addresses(SessionId session, std::string_view user, AssignDone done) override;
  void cancel(Ticket) override {}  // nothing is ever pending
  void release(SessionId session) override;
  AaaStats stats() const override;

  // Replaces subscribers and pools. Sessions keep what they were assigned:
  // a pool address still inside some new pool stays allocated there (even
  // if the pool was renamed or resized), one that is not is reported as
  // stranded. A fixed address becomes a pool's again when its session ends.
  // Pools keep their high-water marks and exhaustion counts by name. On
  // error (as for create) nothing changes.
  absl::StatusOr<ReloadReport> reload(LocalAaaConfig config);

  // What `session` holds, or nullptr.
  const AddressAssignment* assignment(SessionId session) const;
  const SubscriberDb& subscribers() const { return db_; }
  const AddressPools& pools() const { return pools_; }

 private:
  enum class Holding : uint8_t { kNone, kPool, kFixed, kStranded };
  struct Session {
    std::string user;
    AddressAssignment assignment;
    Holding ipv4 = Holding::kNone;
    // Holds the subscriber's own addresses (fixed IPv4, prefix, routes).
    bool holds_fixed = false;
  };
  struct Counters {
    uint64_t pap_accepted = 0;
    uint64_t pap_rejected = 0;
    uint64_t chap_lookups = 0;
    uint64_t chap_unknown_users = 0;
    uint64_t assignments = 0;
    uint64_t assignment_failures = 0;
    uint64_t releases = 0;
    uint64_t reloads = 0;
  };

  LocalAaa() = default;
  static absl::Status check_references(const LocalAaaConfig& config);
  absl::StatusOr<AddressAssignment> assign(SessionId id, std::string_view user);
  void free_address(SessionId id, const Session& session);

  SubscriberDb db_;
  AddressPools pools_;
  std::string default_pool_;
  Ipv4 primary_dns_ = 0;
  Ipv4 secondary_dns_ = 0;

  absl::flat_hash_map<SessionId, Session> sessions_;
  // Subscriber name -> the session holding its fixed addresses.
  absl::flat_hash_map<std::string, SessionId> fixed_holders_;
  // Addresses in use that no pool tracks: fixed and stranded ones.
  absl::flat_hash_map<Ipv4, SessionId> held_outside_pools_;
  uint64_t stranded_ = 0;
  Counters counters_;
};

}  // namespace lns::aaa
