// A verifier backed by a user table that answers at once or on demand (as a
// RADIUS client would), and a listener that records outcomes.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "controlplane/ppp/auth_verifier.h"

namespace lns::ppp::testing {

class TableVerifier : public AuthVerifier {
 public:
  void check_password(std::string_view user, std::string_view password,
                      std::function<void(bool)> done) override {
    ++password_checks;
    auto it = users.find(std::string(user));
    const bool ok = it != users.end() && it->second == password;
    answer([done, ok] { done(ok); });
  }
  void lookup_secret(std::string_view user,
                     std::function<void(std::optional<std::string>)> done) override {
    ++secret_lookups;
    auto it = users.find(std::string(user));
    std::optional<std::string> secret;
    if (it != users.end()) secret = it->second;
    answer([done, secret] { done(secret); });
  }

  // Delivers answers held back while `deferred` was set.
  void release_all() {
    auto pending = std::move(held);
    held.clear();
    for (auto& f : pending) f();
  }

  std::map<std::string, std::string> users = {{"alice", "s3cr3t"}, {"bob", "hunter2"}};
  bool deferred = false;
  int password_checks = 0;
  int secret_lookups = 0;
  std::vector<std::function<void()>> held;

 private:
  void answer(std::function<void()> f) {
    if (deferred) {
      held.push_back(std::move(f));
    } else {
      f();
    }
  }
};

class RecordingAuthListener : public AuthListener {
 public:
  void on_auth_result(bool accepted, const std::string& user) override {
    results.emplace_back(accepted, user);
  }
  std::vector<std::pair<bool, std::string>> results;
};

}  // namespace lns::ppp::testing
