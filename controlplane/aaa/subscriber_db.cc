#include "controlplane/aaa/subscriber_db.h"

#include <algorithm>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace lns::aaa {

absl::StatusOr<SubscriberDb> SubscriberDb::create(std::vector<Subscriber> subscribers) {
  SubscriberDb db;
  db.by_name_.reserve(subscribers.size());
  for (Subscriber& subscriber : subscribers) {
    if (subscriber.name.empty()) return absl::InvalidArgumentError("a subscriber needs a name");
    std::string name = subscriber.name;
    if (!db.by_name_.try_emplace(name, std::move(subscriber)).second) {
      return absl::InvalidArgumentError(absl::StrCat("subscriber ", name, " is listed twice"));
    }
  }
  // Only now: the table no longer grows, so its values stay put.
  for (const auto& [name, subscriber] : db.by_name_) {
    if (!subscriber.ipv4) continue;
    auto [it, added] = db.by_address_.try_emplace(*subscriber.ipv4, &subscriber);
    if (!added) {
      // Name them in a stable order, whatever the hash order.
      std::string a = std::min(it->second->name, name);
      std::string b = std::max(it->second->name, name);
      return absl::InvalidArgumentError(absl::StrCat("subscribers ", a, " and ", b,
                                                     " have the same fixed address ",
                                                     format_ipv4(*subscriber.ipv4)));
    }
  }
  return db;
}

const Subscriber* SubscriberDb::find(std::string_view name) const {
  auto it = by_name_.find(absl::string_view(name.data(), name.size()));
  return it == by_name_.end() ? nullptr : &it->second;
}

const Subscriber* SubscriberDb::owner_of(Ipv4 fixed_address) const {
  auto it = by_address_.find(fixed_address);
  return it == by_address_.end() ? nullptr : it->second;
}

std::vector<Ipv4> SubscriberDb::fixed_addresses() const {
  std::vector<Ipv4> addresses;
  addresses.reserve(by_address_.size());
  for (const auto& [address, subscriber] : by_address_) addresses.push_back(address);
  return addresses;
}

bool SubscriberDb::password_matches(const Subscriber& subscriber, std::string_view password) {
  const std::string& expected = subscriber.password;
  // Compare over the longer length so the time says nothing about where
  // the first difference is.
  size_t length = std::max(expected.size(), password.size());
  unsigned difference = expected.size() == password.size() ? 0 : 1;
  for (size_t i = 0; i < length; ++i) {
    unsigned char a = i < expected.size() ? static_cast<unsigned char>(expected[i]) : 0;
    unsigned char b = i < password.size() ? static_cast<unsigned char>(password[i]) : 0;
    difference |= static_cast<unsigned>(a ^ b);
  }
  return difference == 0;
}

}  // namespace lns::aaa
