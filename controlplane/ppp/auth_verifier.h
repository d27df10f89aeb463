// How PAP and CHAP ask whether a subscriber may in, and how they report the
// outcome. Verification may finish later (a RADIUS round trip): the verifier
// calls `done` whenever it knows, possibly before returning. Authenticators
// ignore an answer that arrives after they were stopped or destroyed.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace lns::ppp {

class AuthVerifier {
 public:
  virtual ~AuthVerifier() = default;
  // PAP: is this the user's password?
  virtual void check_password(std::string_view user, std::string_view password,
                              std::function<void(bool accepted)> done) = 0;
  // CHAP: the user's cleartext secret, or nullopt to refuse the user.
  virtual void lookup_secret(std::string_view user,
                             std::function<void(std::optional<std::string> secret)> done) = 0;
};

class AuthListener {
 public:
  virtual ~AuthListener() = default;
  // Called once per authentication; `user` is empty when the peer never
  // identified itself (timeout).
  virtual void on_auth_result(bool accepted, const std::string& user) = 0;
};

}  // namespace lns::ppp
