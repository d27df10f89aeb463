#include "controlplane/l2tp/avp_hiding.h"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controlplane/l2tp/avp.h"

namespace lns::l2tp {
namespace {

using ::testing::ElementsAreArray;

const Bytes kRandomVector = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
                             0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f};
constexpr std::string_view kSecret = "s3cret";

Bytes text(std::string_view s) { return Bytes(s.begin(), s.end()); }

// Expected ciphertexts were computed outside this code base with Python's
// hashlib, following RFC 2661 4.3 step by step.
TEST(AvpHiding, SingleBlockMatchesIndependentComputation) {
  const Bytes tunnel_id = {0x12, 0x34};
  EXPECT_THAT(hide_avp_value(static_cast<uint16_t>(AvpType::kAssignedTunnelId), kSecret, kRandomVector, tunnel_id),
              ElementsAreArray({0xdc, 0xd6, 0x78, 0x7c}));
}

TEST(AvpHiding, ChainedBlocksMatchIndependentComputation) {
  // 2 + 22 octets: the second block is keyed by MD5(secret + first cipher block).
  EXPECT_THAT(hide_avp_value(static_cast<uint16_t>(AvpType::kProxyAuthenName), kSecret, kRandomVector,
                             text("subscriber@isp.example")),
              ElementsAreArray({0xe6, 0x61, 0x01, 0xba, 0x7f, 0xe1, 0x54, 0x2f, 0x56, 0x9a, 0x05, 0xfd,
                                0x2d, 0x1c, 0x9c, 0xd8, 0x9b, 0x8a, 0x96, 0xe3, 0xbc, 0x50, 0xaf, 0x70}));
}

TEST(AvpHiding, UnhideInvertsHideAcrossBlockBoundaries) {
  for (size_t len : {0u, 1u, 13u, 14u, 15u, 16u, 30u, 31u, 32u, 100u, 1000u}) {
    Bytes value(len);
    for (size_t i = 0; i < len; ++i) value[i] = static_cast<uint8_t>(i * 31 + 7);
    const Bytes hidden = hide_avp_value(30, kSecret, kRandomVector, value);
    ASSERT_EQ(hidden.size(), len + 2);
    absl::StatusOr<Bytes> back = unhide_avp_value(30, kSecret, kRandomVector, hidden);
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_EQ(*back, value) << "length " << len;
  }
}

TEST(AvpHiding, PaddingIsDroppedUsingOriginalLength) {
  const Bytes value = text("pw");
  const Bytes padding(20, 0xAA);
  const Bytes hidden = hide_avp_value(33, kSecret, kRandomVector, value, padding);
  EXPECT_EQ(hidden.size(), 2 + value.size() + padding.size());
  absl::StatusOr<Bytes> back = unhide_avp_value(33, kSecret, kRandomVector, hidden);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, value);
}

TEST(AvpHiding, KeyStreamDependsOnAttributeTypeSecretAndVector) {
  const Bytes value = text("same value");
  const Bytes base = hide_avp_value(30, kSecret, kRandomVector, value);
  EXPECT_NE(hide_avp_value(31, kSecret, kRandomVector, value), base);
  EXPECT_NE(hide_avp_value(30, "other", kRandomVector, value), base);
  Bytes other_rv = kRandomVector;
  other_rv[15] ^= 1;
  EXPECT_NE(hide_avp_value(30, kSecret, other_rv, value), base);
}

TEST(AvpHiding, WrongSecretNeverYieldsTheOriginalValue) {
  // Without integrity protection a wrong secret gives either a length error
  // or garbage; both are acceptable, returning the plaintext is not.
  const Bytes value = text("subscriber@isp.example");
  int length_errors = 0;
  for (int i = 0; i < 50; ++i) {
    const Bytes hidden = hide_avp_value(30, kSecret, kRandomVector, value);
    absl::StatusOr<Bytes> back = unhide_avp_value(30, "wrong-" + std::to_string(i), kRandomVector, hidden);
    if (!back.ok()) {
      EXPECT_EQ(back.status().code(), absl::StatusCode::kInvalidArgument);
      ++length_errors;
    } else {
      EXPECT_NE(*back, value);
    }
  }
  // A random Original Length exceeds 22 almost always.
  EXPECT_GT(length_errors, 40);
}

TEST(AvpHiding, TooShortForOriginalLengthIsAnError) {
  EXPECT_FALSE(unhide_avp_value(30, kSecret, kRandomVector, Bytes{}).ok());
  EXPECT_FALSE(unhide_avp_value(30, kSecret, kRandomVector, Bytes{0x42}).ok());
}

TEST(AvpHiding, OriginalLengthPastTheDataIsAnError) {
  // Encrypt a subformat that claims 10 octets but carries 3.
  const Bytes lying = {0x00, 0x0a, 'a', 'b', 'c'};
  const Bytes hidden = hiding_encrypt(30, kSecret, kRandomVector, lying);
  absl::StatusOr<Bytes> back = unhide_avp_value(30, kSecret, kRandomVector, hidden);
  ASSERT_FALSE(back.ok());
  EXPECT_EQ(back.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(AvpHiding, DecryptInvertsEncrypt) {
  Bytes plain(77);
  for (size_t i = 0; i < plain.size(); ++i) plain[i] = static_cast<uint8_t>(i);
  EXPECT_EQ(hiding_decrypt(5, kSecret, kRandomVector, hiding_encrypt(5, kSecret, kRandomVector, plain)), plain);
}

}  // namespace
}  // namespace lns::l2tp
