// What the daemon asks of authentication, authorisation and addressing.
//
// Every request is asynchronous: it carries a callback, which the backend
// calls exactly once with the answer, possibly before the request returns
// (LocalAaa always answers at once; a RADIUS client would answer after a
// round trip). A request returns a Ticket; cancel() withdraws a pending one
// so its callback never runs (do so before destroying whatever the callback
// refers to). The AAA is used from the control-plane thread only.
//
// Outcomes are absl::Status codes, chosen so the daemon can map them to an
// L2TP CDN result and a log line without parsing messages:
//   authenticate_pap  OK | Unauthenticated (unknown user or wrong password;
//                     the message says which, for the log, never the peer)
//   chap_secret       OK | NotFound (unknown user)
//   assign_addresses  OK | NotFound (unknown user)
//                     | ResourceExhausted (the pool has no address left)
//                     | AlreadyExists (the subscriber's fixed addresses are
//                       held by another of its sessions)
//                     | FailedPrecondition (no pool to take an address from)
//   any request       Unavailable (a remote backend did not answer)
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "controlplane/aaa/aaa_types.h"

namespace lns::aaa {

// What a session may use. Addresses stay the session's until release().
struct AddressAssignment {
  std::optional<Ipv4> ipv4;
  std::string pool;  // where ipv4 came from; empty for a fixed address
  std::optional<Ipv6Prefix> ipv6_prefix;  // delegated to the subscriber
  std::vector<Ipv4Prefix> routes;         // framed routes toward it
  Ipv4 primary_dns = 0;                   // 0: none
  Ipv4 secondary_dns = 0;
};

using Ticket = uint64_t;
// What a request returns when it was answered before returning.
inline constexpr Ticket kAnswered = 0;

// For `show pools`.
struct PoolStats {
  std::string name;
  std::vector<Ipv4Range> ranges;
  uint64_t size = 0;        // addresses it may hand out
  uint64_t used = 0;
  uint64_t high_water = 0;  // most in use at once
  uint64_t exhausted = 0;   // allocations refused for want of an address
};

struct AaaStats {
  uint64_t pap_accepted = 0;
  uint64_t pap_rejected = 0;
  uint64_t chap_lookups = 0;
  uint64_t chap_unknown_users = 0;
  uint64_t assignments = 0;
  uint64_t assignment_failures = 0;
  uint64_t releases = 0;
  uint64_t active_sessions = 0;  // holding an assignment
  // Sessions whose IPv4 address no pool or fixed assignment covers any more
  // (see LocalAaa::reload); they keep it until they end.
  uint64_t stranded_sessions = 0;
  uint64_t reloads = 0;
  uint64_t subscribers = 0;
  std::vector<PoolStats> pools;
};

// Why a session got no addresses, from assign_addresses' status: what the
// daemon counts and maps to a CDN result code.
enum class AssignFailure : uint8_t {
  kUnknownUser,    // NotFound
  kPoolExhausted,  // ResourceExhausted
  kInUse,          // AlreadyExists
  kNoPool,         // FailedPrecondition
  kUnavailable,    // Unavailable
  kOther,
};
AssignFailure classify_assign_failure(const absl::Status& status);
std::string_view to_string(AssignFailure failure);

class Aaa {
 public:
  using AuthDone = std::function<void(absl::Status)>;
  using SecretDone = std::function<void(absl::StatusOr<std::string>)>;
  using AssignDone = std::function<void(absl::StatusOr<AddressAssignment>)>;

  virtual ~Aaa() = default;

  // PAP: may `user` log in with `password`?
  virtual Ticket authenticate_pap(std::string_view user, std::string_view password,
                                  AuthDone done) = 0;
  // CHAP: the cleartext secret to check the subscriber's response against.
  virtual Ticket chap_secret(std::string_view user, SecretDone done) = 0;
  // Addresses for `session` of `user` (empty: a session that did not
  // authenticate, which gets a default-pool address). Asking again for the
  // same session answers with what it already holds.
  virtual Ticket assign_addresses(SessionId session, std::string_view user, AssignDone done) = 0;
  virtual void cancel(Ticket ticket) = 0;
  // The session is over: what it was assigned is free again. Harmless for a
  // session that holds nothing.
  virtual void release(SessionId session) = 0;

  virtual AaaStats stats() const = 0;
};

}  // namespace lns::aaa
