// Fuzz target for the L2TP control message codec. Beyond "no crash, no UB",
// it checks that whatever decodes re-encodes, and that the re-encoding
// decodes to the same message, both in the clear and with AVPs hidden.
#include <cstdint>
#include <cstdlib>

#include "controlplane/l2tp/message.h"

namespace {

using lns::l2tp::Bytes;
using lns::l2tp::ControlMessage;
using lns::l2tp::DecodeOptions;
using lns::l2tp::EncodeOptions;

// Seeds with hidden AVPs are generated with this secret.
constexpr std::string_view kSecret = "fuzz secret";

void require(bool condition) {
  if (!condition) std::abort();
}

// Hiding is a property of the wire form, not of the message's meaning.
ControlMessage meaning(ControlMessage m) {
  m.random_vector.reset();
  for (lns::l2tp::RawAvp& raw : m.other_avps) raw.hidden = false;
  return m;
}

void check(absl::Span<const uint8_t> input, const DecodeOptions& options) {
  absl::StatusOr<ControlMessage> decoded = lns::l2tp::decode_control(input, options);
  if (!decoded.ok()) {
    // Every rejection must say which rule failed.
    std::optional<lns::l2tp::DecodeFailure> failure = lns::l2tp::decode_failure(decoded.status());
    require(failure.has_value());
    (void)lns::l2tp::rfc_response(*failure);
    return;
  }

  absl::StatusOr<Bytes> plain = lns::l2tp::encode_control(*decoded);
  require(plain.ok());
  require(plain->size() <= input.size());
  absl::StatusOr<ControlMessage> again = lns::l2tp::decode_control(*plain, options);
  require(again.ok());
  require(meaning(*again) == meaning(*decoded));
  require(again->random_vector == decoded->random_vector);

  const Bytes fixed_vector = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
  EncodeOptions hide{.secret = kSecret, .hide = true, .random_vector_source = [&] { return fixed_vector; }};
  absl::StatusOr<Bytes> hidden = lns::l2tp::encode_control(*decoded, hide);
  // Hiding adds 2 octets per value, which a near-maximal value cannot spare.
  if (!hidden.ok()) return;
  DecodeOptions with_secret = options;
  with_secret.secret = kSecret;
  absl::StatusOr<ControlMessage> unhidden = lns::l2tp::decode_control(*hidden, with_secret);
  require(unhidden.ok());
  require(meaning(*unhidden) == meaning(*decoded));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::Span<const uint8_t> input(data, size);
  check(input, DecodeOptions{});
  check(input, DecodeOptions{.secret = kSecret, .permissive = true});
  return 0;
}
