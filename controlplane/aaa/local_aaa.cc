#include "controlplane/aaa/local_aaa.h"

#include <algorithm>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace lns::aaa {
namespace {

// This Abseil's string_view is not std::string_view.
absl::string_view av(std::string_view text) { return {text.data(), text.size()}; }

std::string quoted(std::string_view text) { return absl::StrCat("\"", av(text), "\""); }

}  // namespace

absl::Status LocalAaa::check_references(const LocalAaaConfig& config) {
  auto exists = [&](std::string_view name) {
    return std::any_of(config.pools.begin(), config.pools.end(),
                       [&](const PoolConfig& pool) { return pool.name == name; });
  };
  if (!config.default_pool.empty() && !exists(config.default_pool)) {
    return absl::InvalidArgumentError(
        absl::StrCat("the default pool ", quoted(config.default_pool), " does not exist"));
  }
  for (const Subscriber& subscriber : config.subscribers) {
    if (subscriber.pool.empty()) continue;
    if (subscriber.ipv4) {
      return absl::InvalidArgumentError(absl::StrCat(
          "subscriber ", subscriber.name, " has both a fixed address and pool ", subscriber.pool));
    }
    if (!exists(subscriber.pool)) {
      return absl::InvalidArgumentError(absl::StrCat("subscriber ", subscriber.name,
                                                     " names pool ", quoted(subscriber.pool),
                                                     ", which does not exist"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<LocalAaa> LocalAaa::create(LocalAaaConfig config) {
  LocalAaa aaa;
  absl::StatusOr<ReloadReport> loaded = aaa.reload(std::move(config));
  if (!loaded.ok()) return loaded.status();
  aaa.counters_.reloads = 0;
  return aaa;
}

Ticket LocalAaa::authenticate_pap(std::string_view user, std::string_view password,
                                  AuthDone done) {
  const Subscriber* subscriber = db_.find(user);
  absl::Status verdict = absl::OkStatus();
  if (!subscriber) {
    verdict = absl::UnauthenticatedError(absl::StrCat("unknown user ", quoted(user)));
  } else if (!SubscriberDb::password_matches(*subscriber, password)) {
    verdict = absl::UnauthenticatedError(absl::StrCat("wrong password for ", quoted(user)));
  }
  ++(verdict.ok() ? counters_.pap_accepted : counters_.pap_rejected);
  done(std::move(verdict));
  return kAnswered;
}

Ticket LocalAaa::chap_secret(std::string_view user, SecretDone done) {
  ++counters_.chap_lookups;
  const Subscriber* subscriber = db_.find(user);
  if (!subscriber) {
    ++counters_.chap_unknown_users;
    done(absl::NotFoundError(absl::StrCat("unknown user ", quoted(user))));
  } else {
    done(subscriber->password);
  }
  return kAnswered;
}

Ticket LocalAaa::assign_addresses(SessionId session, std::string_view user, AssignDone done) {
  if (const AddressAssignment* held = assignment(session)) {
    done(*held);
    return kAnswered;
  }
  absl::StatusOr<AddressAssignment> result = assign(session, user);
  ++(result.ok() ? counters_.assignments : counters_.assignment_failures);
  done(std::move(result));
  return kAnswered;
}

absl::StatusOr<AddressAssignment> LocalAaa::assign(SessionId id, std::string_view user) {
  const Subscriber* subscriber = nullptr;
  if (!user.empty()) {
    subscriber = db_.find(user);
    if (!subscriber) return absl::NotFoundError(absl::StrCat("unknown user ", quoted(user)));
  }
  Session session;
  session.user = std::string(user);
  AddressAssignment& assignment = session.assignment;
  assignment.primary_dns = primary_dns_;
  assignment.secondary_dns = secondary_dns_;

  if (subscriber && subscriber->has_fixed_addresses()) {
    // Two sessions of one subscriber would fight over its routes and prefix.
    if (auto held = fixed_holders_.find(subscriber->name); held != fixed_holders_.end()) {
      return absl::AlreadyExistsError(absl::StrCat("the fixed addresses of ", subscriber->name,
                                                   " are in use by its session ", held->second));
    }
    if (subscriber->ipv4) {
      if (auto held = held_outside_pools_.find(*subscriber->ipv4);
          held != held_outside_pools_.end()) {
        return absl::AlreadyExistsError(absl::StrCat(
            format_ipv4(*subscriber->ipv4), ", the fixed address of ", subscriber->name,
            ", is still held by session ", held->second, " from before a reload"));
      }
      assignment.ipv4 = *subscriber->ipv4;
      session.ipv4 = Holding::kFixed;
    }
    assignment.ipv6_prefix = subscriber->ipv6_prefix;
    assignment.routes = subscriber->routes;
    session.holds_fixed = true;
  }

  if (!assignment.ipv4) {
    const std::string& pool_name =
        subscriber && !subscriber->pool.empty() ? subscriber->pool : default_pool_;
    if (pool_name.empty()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "no pool to take an address from for ",
          user.empty() ? "a session that did not authenticate" : absl::StrCat("user ", av(user)),
          ": no default pool is configured"));
    }
    AddressPool* pool = pools_.find(pool_name);  // exists: see check_references
    absl::StatusOr<Ipv4> address = pool->allocate();
    if (!address.ok()) return address.status();
    assignment.ipv4 = *address;
    assignment.pool = pool->name();
    session.ipv4 = Holding::kPool;
  }

  if (session.ipv4 == Holding::kFixed) held_outside_pools_[*assignment.ipv4] = id;
  if (session.holds_fixed) fixed_holders_[subscriber->name] = id;
  return sessions_.emplace(id, std::move(session)).first->second.assignment;
}

void LocalAaa::free_address(SessionId id, const Session& session) {
  if (!session.assignment.ipv4) return;
  Ipv4 address = *session.assignment.ipv4;
  switch (session.ipv4) {
    case Holding::kPool:
      if (AddressPool* pool = pools_.find(session.assignment.pool)) (void)pool->release(address);
      break;
    case Holding::kFixed:
    case Holding::kStranded:
      if (auto held = held_outside_pools_.find(address);
          held != held_outside_pools_.end() && held->second == id) {
        held_outside_pools_.erase(held);
      }
      break;
    case Holding::kNone:
      break;
  }
}

void LocalAaa::release(SessionId id) {
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return;
  const Session& session = it->second;
  free_address(id, session);
  if (session.ipv4 == Holding::kStranded) --stranded_;
  if (session.holds_fixed) {
    if (auto holder = fixed_holders_.find(session.user);
        holder != fixed_holders_.end() && holder->second == id) {
      fixed_holders_.erase(holder);
    }
  }
  sessions_.erase(it);
  ++counters_.releases;
}

absl::StatusOr<ReloadReport> LocalAaa::reload(LocalAaaConfig config) {
  if (absl::Status references = check_references(config); !references.ok()) return references;
  absl::StatusOr<SubscriberDb> db = SubscriberDb::create(std::move(config.subscribers));
  if (!db.ok()) return db.status();
  absl::StatusOr<AddressPools> pools = AddressPools::create(config.pools, db->fixed_addresses());
  if (!pools.ok()) return pools.status();

  // Nothing below can fail: sessions are moved over to the new state.
  ReloadReport report;
  report.sessions_kept = sessions_.size();
  absl::flat_hash_map<std::string, SessionId> fixed_holders;
  absl::flat_hash_map<Ipv4, SessionId> held_outside_pools;
  uint64_t stranded = 0;
  for (auto& [id, session] : sessions_) {
    const Subscriber* subscriber = session.user.empty() ? nullptr : db->find(session.user);
    if (!session.user.empty() && !subscriber) report.removed_users.push_back(id);
    // Whatever the subscriber's addresses are now, this session keeps what
    // it has; its next session waits for this one to end.
    session.holds_fixed =
        session.holds_fixed && subscriber && subscriber->has_fixed_addresses();
    if (session.holds_fixed) fixed_holders.try_emplace(session.user, id);
    if (!session.assignment.ipv4) continue;

    Ipv4 address = *session.assignment.ipv4;
    session.assignment.pool.clear();
    const Subscriber* owner = db->owner_of(address);
    std::string reason;
    if (owner && owner == subscriber) {
      session.ipv4 = Holding::kFixed;
      held_outside_pools.emplace(address, id);
      if (fixed_holders.try_emplace(session.user, id).second) session.holds_fixed = true;
      continue;
    }
    if (owner) {
      reason = absl::StrCat("now the fixed address of ", owner->name);
    } else if (AddressPool* pool = pools->containing(address)) {
      // Cannot fail: no two sessions hold one address, and pools exclude
      // only fixed addresses, which have an owner.
      if (pool->claim(address).ok()) {
        session.ipv4 = Holding::kPool;
        session.assignment.pool = pool->name();
        continue;
      }
      reason = "no longer available in its pool";
    } else {
      reason = "no longer in any pool";
    }
    session.ipv4 = Holding::kStranded;
    held_outside_pools.emplace(address, id);
    ++stranded;
    report.stranded.push_back({id, session.user, address, std::move(reason)});
  }
  for (AddressPool& pool : pools->all()) {
    if (const AddressPool* previous = pools_.find(pool.name())) pool.inherit_counters(*previous);
  }
  std::sort(report.removed_users.begin(), report.removed_users.end());
  std::sort(report.stranded.begin(), report.stranded.end(),
            [](const StrandedAddress& a, const StrandedAddress& b) { return a.session < b.session; });

  db_ = *std::move(db);
  pools_ = *std::move(pools);
  default_pool_ = std::move(config.default_pool);
  primary_dns_ = config.primary_dns;
  secondary_dns_ = config.secondary_dns;
  fixed_holders_ = std::move(fixed_holders);
  held_outside_pools_ = std::move(held_outside_pools);
  stranded_ = stranded;
  ++counters_.reloads;
  return report;
}

const AddressAssignment* LocalAaa::assignment(SessionId session) const {
  auto it = sessions_.find(session);
  return it == sessions_.end() ? nullptr : &it->second.assignment;
}

AaaStats LocalAaa::stats() const {
  AaaStats stats;
  stats.pap_accepted = counters_.pap_accepted;
  stats.pap_rejected = counters_.pap_rejected;
  stats.chap_lookups = counters_.chap_lookups;
  stats.chap_unknown_users = counters_.chap_unknown_users;
  stats.assignments = counters_.assignments;
  stats.assignment_failures = counters_.assignment_failures;
  stats.releases = counters_.releases;
  stats.active_sessions = sessions_.size();
  stats.stranded_sessions = stranded_;
  stats.reloads = counters_.reloads;
  stats.subscribers = db_.size();
  for (const AddressPool& pool : pools_.all()) {
    stats.pools.push_back({pool.name(), pool.ranges(), pool.size(), pool.used(),
                           pool.high_water(), pool.exhausted()});
  }
  return stats;
}

}  // namespace lns::aaa
