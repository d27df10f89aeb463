#include "controlplane/aaa/ppp_adapter.h"

#include <utility>

namespace lns::aaa {

void AaaAuthVerifier::check_password(std::string_view user, std::string_view password,
                                     std::function<void(bool accepted)> done) {
  aaa_.authenticate_pap(user, password,
                        [done = std::move(done)](absl::Status verdict) { done(verdict.ok()); });
}

void AaaAuthVerifier::lookup_secret(
    std::string_view user, std::function<void(std::optional<std::string> secret)> done) {
  aaa_.chap_secret(user, [done = std::move(done)](absl::StatusOr<std::string> secret) {
    done(secret.ok() ? std::optional<std::string>(*std::move(secret)) : std::nullopt);
  });
}

ppp::Ipv4Allocator SessionAddresses::ipv4_allocator() {
  return [this](const std::string& user) -> std::optional<uint32_t> {
    absl::StatusOr<AddressAssignment> assignment = request(user);
    if (!assignment.ok()) return std::nullopt;
    return assignment->ipv4;
  };
}

absl::StatusOr<AddressAssignment> SessionAddresses::request(std::string_view user) {
  if (assignment_) return *assignment_;
  asked_ = true;
  std::optional<absl::StatusOr<AddressAssignment>> answer;
  Ticket ticket = aaa_.assign_addresses(
      session_, user, [&answer](absl::StatusOr<AddressAssignment> result) {
        answer = std::move(result);
      });
  if (!answer) {
    // The callback refers to this frame: it must never run now.
    aaa_.cancel(ticket);
    failure_ = absl::UnavailableError("the AAA did not assign addresses at once");
    return failure_;
  }
  if (!answer->ok()) {
    failure_ = answer->status();
    return failure_;
  }
  failure_ = absl::OkStatus();
  assignment_ = **answer;
  return *assignment_;
}

void SessionAddresses::release() {
  if (!asked_) return;
  asked_ = false;
  assignment_.reset();
  aaa_.release(session_);
}

}  // namespace lns::aaa
