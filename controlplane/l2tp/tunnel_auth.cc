#include "controlplane/l2tp/tunnel_auth.h"

#include "absl/random/distributions.h"
#include "controlplane/l2tp/md5.h"

namespace lns::l2tp {

ChallengeResponseValue compute_challenge_response(MessageType responding_message, std::string_view secret,
                                                  absl::Span<const uint8_t> challenge) {
  Md5 h;
  h.update(static_cast<uint8_t>(static_cast<uint16_t>(responding_message)));
  h.update(secret);
  h.update(challenge);
  return h.finish();
}

bool verify_challenge_response(MessageType responding_message, std::string_view secret,
                               absl::Span<const uint8_t> challenge, absl::Span<const uint8_t> response) {
  const ChallengeResponseValue expected = compute_challenge_response(responding_message, secret, challenge);
  if (response.size() != expected.size()) return false;
  // Accumulate every difference so timing does not reveal the first mismatch.
  uint8_t diff = 0;
  for (size_t i = 0; i < expected.size(); ++i) diff |= static_cast<uint8_t>(expected[i] ^ response[i]);
  return diff == 0;
}

Bytes make_challenge(absl::BitGenRef gen, size_t length) {
  Bytes challenge(length);
  for (uint8_t& b : challenge) b = absl::Uniform<uint8_t>(gen);
  return challenge;
}

}  // namespace lns::l2tp
