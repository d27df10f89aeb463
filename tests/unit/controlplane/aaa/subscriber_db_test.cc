#include "controlplane/aaa/subscriber_db.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

namespace lns::aaa {
namespace {

using ::testing::UnorderedElementsAre;

Subscriber user(std::string name, std::string password, std::optional<Ipv4> ipv4 = {}) {
  Subscriber s;
  s.name = std::move(name);
  s.password = std::move(password);
  s.ipv4 = ipv4;
  return s;
}

TEST(SubscriberDb, FindsSubscribersByExactName) {
  absl::StatusOr<SubscriberDb> db =
      SubscriberDb::create({user("alice", "a"), user("bob@example.net", "b", 0x64420001)});
  ASSERT_TRUE(db.ok()) << db.status();
  EXPECT_EQ(db->size(), 2u);
  ASSERT_NE(db->find("bob@example.net"), nullptr);
  EXPECT_EQ(db->find("bob@example.net")->password, "b");
  EXPECT_EQ(db->find("Alice"), nullptr);  // names are case-sensitive
  EXPECT_EQ(db->find("bob"), nullptr);
  EXPECT_EQ(db->find(""), nullptr);
}

TEST(SubscriberDb, KnowsWhoOwnsEachFixedAddress) {
  absl::StatusOr<SubscriberDb> db = SubscriberDb::create(
      {user("alice", "a", 0x64420001), user("bob", "b", 0x64420002), user("carol", "c")});
  ASSERT_TRUE(db.ok()) << db.status();
  EXPECT_EQ(db->owner_of(0x64420002)->name, "bob");
  EXPECT_EQ(db->owner_of(0x64420003), nullptr);
  EXPECT_THAT(db->fixed_addresses(), UnorderedElementsAre(0x64420001u, 0x64420002u));
  // Still true after the db is moved.
  SubscriberDb moved = *std::move(db);
  EXPECT_EQ(moved.owner_of(0x64420001)->name, "alice");
  EXPECT_EQ(moved.owner_of(0x64420001), moved.find("alice"));
}

TEST(SubscriberDb, RefusesInconsistentSubscribers) {
  EXPECT_EQ(SubscriberDb::create({user("alice", "a"), user("alice", "b")}).status().message(),
            "subscriber alice is listed twice");
  EXPECT_EQ(SubscriberDb::create({user("", "a")}).status().message(), "a subscriber needs a name");
  EXPECT_EQ(SubscriberDb::create({user("zed", "a", 0x0a000001), user("amy", "b", 0x0a000001)})
                .status()
                .message(),
            "subscribers amy and zed have the same fixed address 10.0.0.1");
}

TEST(SubscriberDb, PasswordMustMatchExactly) {
  Subscriber s = user("alice", "s3cr3t");
  EXPECT_TRUE(SubscriberDb::password_matches(s, "s3cr3t"));
  EXPECT_FALSE(SubscriberDb::password_matches(s, "s3cr3"));
  EXPECT_FALSE(SubscriberDb::password_matches(s, "s3cr3t "));
  EXPECT_FALSE(SubscriberDb::password_matches(s, "S3cr3t"));
  EXPECT_FALSE(SubscriberDb::password_matches(s, ""));
  // A password with a NUL in it is not cut short.
  Subscriber binary = user("bin", std::string("a\0b", 3));
  EXPECT_FALSE(SubscriberDb::password_matches(binary, "a"));
  EXPECT_TRUE(SubscriberDb::password_matches(binary, std::string("a\0b", 3)));
}

TEST(Subscriber, FixedAddressesMeanAnyOfIpv4PrefixOrRoutes) {
  Subscriber s = user("a", "b");
  EXPECT_FALSE(s.has_fixed_addresses());
  s.routes.push_back({0x0a010000, 24});
  EXPECT_TRUE(s.has_fixed_addresses());
  s.routes.clear();
  s.ipv6_prefix = Ipv6Prefix{{0x20, 0x01, 0x0d, 0xb8}, 56};
  EXPECT_TRUE(s.has_fixed_addresses());
}

}  // namespace
}  // namespace lns::aaa
