// Hidden AVP values (RFC 2661 section 4.3). The sender wraps the value as
// [Original Length (2)][value][padding] and XORs it with an MD5 key stream:
//   b1 = MD5(attribute type (2 octets) + secret + random vector)
//   bi = MD5(secret + c(i-1))            c(i) = p(i) XOR b(i), 16-octet blocks
// The random vector is the value of the most recent Random Vector AVP
// before the hidden AVP in the same message.
#pragma once

#include <cstdint>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "controlplane/l2tp/wire.h"

namespace lns::l2tp {

// The raw key-stream transform, without the Original Length subformat.
Bytes hiding_encrypt(uint16_t attribute_type, std::string_view secret, absl::Span<const uint8_t> random_vector,
                     absl::Span<const uint8_t> plaintext);
Bytes hiding_decrypt(uint16_t attribute_type, std::string_view secret, absl::Span<const uint8_t> random_vector,
                     absl::Span<const uint8_t> ciphertext);

// Builds the subformat around `value` (padding lets a sender disguise the
// true length) and encrypts it: the result is the hidden AVP's wire value.
Bytes hide_avp_value(uint16_t attribute_type, std::string_view secret, absl::Span<const uint8_t> random_vector,
                     absl::Span<const uint8_t> value, absl::Span<const uint8_t> padding = {});

// Inverse of hide_avp_value. A wrong secret usually yields an Original
// Length larger than the data, which is reported as InvalidArgument; when
// it happens to fit, the caller gets garbage that must fail its own value
// checks (RFC 2661 gives no integrity protection here).
absl::StatusOr<Bytes> unhide_avp_value(uint16_t attribute_type, std::string_view secret,
                                       absl::Span<const uint8_t> random_vector, absl::Span<const uint8_t> hidden);

}  // namespace lns::l2tp
