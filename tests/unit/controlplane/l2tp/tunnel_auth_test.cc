#include "controlplane/l2tp/tunnel_auth.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/random/random.h"

namespace lns::l2tp {
namespace {

using ::testing::ElementsAreArray;

const Bytes kChallenge = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
                          0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10};

// Expected values computed independently with Python's hashlib:
// md5(bytes([id]) + b"s3cret" + challenge).
TEST(TunnelAuth, SccrpResponseUsesIdTwo) {
  EXPECT_THAT(compute_challenge_response(MessageType::kSccrp, "s3cret", kChallenge),
              ElementsAreArray({0x6f, 0xc9, 0x59, 0x0c, 0xb6, 0x21, 0x4b, 0xc7, 0x95, 0x90, 0xcd, 0xfe, 0xb5, 0x12,
                                0x2c, 0x58}));
}

TEST(TunnelAuth, ScccnResponseUsesIdThree) {
  EXPECT_THAT(compute_challenge_response(MessageType::kScccn, "s3cret", kChallenge),
              ElementsAreArray({0x68, 0xbf, 0xa8, 0x26, 0xa2, 0x5a, 0x96, 0x14, 0xad, 0xb9, 0x82, 0x9f, 0x52, 0x3c,
                                0x17, 0x5c}));
}

TEST(TunnelAuth, VerifyAcceptsTheRightResponseOnly) {
  const ChallengeResponseValue good = compute_challenge_response(MessageType::kSccrp, "s3cret", kChallenge);
  EXPECT_TRUE(verify_challenge_response(MessageType::kSccrp, "s3cret", kChallenge, good));
  EXPECT_FALSE(verify_challenge_response(MessageType::kSccrp, "other", kChallenge, good));
  // A response reflected in the other direction must not verify.
  EXPECT_FALSE(verify_challenge_response(MessageType::kScccn, "s3cret", kChallenge, good));
  ChallengeResponseValue flipped = good;
  flipped[15] ^= 0x80;
  EXPECT_FALSE(verify_challenge_response(MessageType::kSccrp, "s3cret", kChallenge, flipped));
  EXPECT_FALSE(verify_challenge_response(MessageType::kSccrp, "s3cret", kChallenge,
                                         absl::Span<const uint8_t>(good.data(), 15)));
  EXPECT_FALSE(verify_challenge_response(MessageType::kSccrp, "s3cret", kChallenge, Bytes{}));
}

TEST(TunnelAuth, MakeChallengeHasRequestedLengthAndVaries) {
  absl::BitGen gen;
  const Bytes a = make_challenge(gen);
  const Bytes b = make_challenge(gen);
  EXPECT_EQ(a.size(), 16u);
  EXPECT_NE(a, b);
  EXPECT_EQ(make_challenge(gen, 32).size(), 32u);
}

}  // namespace
}  // namespace lns::l2tp
