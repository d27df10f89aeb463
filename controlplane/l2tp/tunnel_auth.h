// Tunnel authentication (RFC 2661 sections 4.2 and 5.1.1): a CHAP-like
// exchange inside tunnel establishment. A peer that sent a Challenge AVP
// expects, in the next message from the other side, a Challenge Response of
//   MD5(ID + secret + challenge)
// where ID is the Message Type of the message carrying the response: 2 when
// SCCRP answers an SCCRQ's challenge, 3 when SCCCN answers an SCCRP's. The
// differing IDs stop a response being reflected back in the other direction.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "absl/random/bit_gen_ref.h"
#include "absl/types/span.h"
#include "controlplane/l2tp/message.h"
#include "controlplane/l2tp/wire.h"

namespace lns::l2tp {

using ChallengeResponseValue = std::array<uint8_t, 16>;

// The 16-octet response that `responding_message` (kSccrp or kScccn) must
// carry for `challenge`.
ChallengeResponseValue compute_challenge_response(MessageType responding_message, std::string_view secret,
                                                  absl::Span<const uint8_t> challenge);

// Constant-time check of a received response; false for a wrong length too.
bool verify_challenge_response(MessageType responding_message, std::string_view secret,
                               absl::Span<const uint8_t> challenge, absl::Span<const uint8_t> response);

// A fresh random challenge to put in SCCRQ/SCCRP (16 octets by default).
Bytes make_challenge(absl::BitGenRef gen, size_t length = 16);

}  // namespace lns::l2tp
