// Connects one PPP session (controlplane/ppp) to the AAA: PAP and CHAP ask
// it through AaaAuthVerifier, and IPCP's address comes from
// SessionAddresses, which also gives everything back when the session ends.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "controlplane/aaa/aaa.h"
#include "controlplane/ppp/auth_verifier.h"
#include "controlplane/ppp/ppp_session.h"

namespace lns::aaa {

// Stateless: one serves every session. The PPP authenticators discard
// answers that arrive after they stopped, so nothing needs cancelling here.
class AaaAuthVerifier final : public ppp::AuthVerifier {
 public:
  explicit AaaAuthVerifier(Aaa& aaa) : aaa_(aaa) {}

  void check_password(std::string_view user, std::string_view password,
                      std::function<void(bool accepted)> done) override;
  void lookup_secret(std::string_view user,
                     std::function<void(std::optional<std::string> secret)> done) override;

 private:
  Aaa& aaa_;
};

// The addresses of one session. Create it before the PppSession, pass
// ipv4_allocator() to it, and destroy it after (or call release() when the
// session ends).
class SessionAddresses {
 public:
  SessionAddresses(Aaa& aaa, SessionId session) : aaa_(aaa), session_(session) {}
  ~SessionAddresses() { release(); }
  SessionAddresses(const SessionAddresses&) = delete;
  SessionAddresses& operator=(const SessionAddresses&) = delete;

  // PppSession asks for the IPv4 address synchronously once the subscriber
  // has authenticated. An AAA that does not answer at once (a future RADIUS
  // client) is cancelled and the session gets no IPv4 (failure() says why);
  // such a backend will deliver addresses with the authentication instead.
  ppp::Ipv4Allocator ipv4_allocator();

  // Asks the AAA for `user`'s addresses unless already held, e.g. for an
  // IPv6-only session whose PPP never asks for IPv4. The assignment, or why
  // there is none.
  absl::StatusOr<AddressAssignment> request(std::string_view user);

  // Set once request() succeeded.
  const std::optional<AddressAssignment>& assignment() const { return assignment_; }
  // Why the last request failed; OK when none did (see aaa.h for codes and
  // classify_assign_failure).
  const absl::Status& failure() const { return failure_; }

  // Gives the addresses back; later calls do nothing.
  void release();

 private:
  Aaa& aaa_;
  SessionId session_;
  bool asked_ = false;
  std::optional<AddressAssignment> assignment_;
  absl::Status failure_;
};

}  // namespace lns::aaa
