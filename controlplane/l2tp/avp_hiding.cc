#include "controlplane/l2tp/avp_hiding.h"

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "controlplane/l2tp/md5.h"

namespace lns::l2tp {
namespace {

constexpr size_t kBlock = 16;

Md5Digest first_key_block(uint16_t attribute_type, std::string_view secret,
                          absl::Span<const uint8_t> random_vector) {
  Md5 h;
  const uint8_t type_be[2] = {static_cast<uint8_t>(attribute_type >> 8), static_cast<uint8_t>(attribute_type)};
  h.update(absl::Span<const uint8_t>(type_be, 2));
  h.update(secret);
  h.update(random_vector);
  return h.finish();
}

Md5Digest next_key_block(std::string_view secret, absl::Span<const uint8_t> previous_cipher_block) {
  Md5 h;
  h.update(secret);
  h.update(previous_cipher_block);
  return h.finish();
}

// Shared by both directions: the chain always feeds on ciphertext, which is
// the output when encrypting and the input when decrypting.
Bytes transform(uint16_t attribute_type, std::string_view secret, absl::Span<const uint8_t> random_vector,
                absl::Span<const uint8_t> in, bool encrypting) {
  Bytes out(in.size());
  Md5Digest key = first_key_block(attribute_type, secret, random_vector);
  for (size_t off = 0; off < in.size(); off += kBlock) {
    const size_t n = std::min(kBlock, in.size() - off);
    if (off > 0) {
      const uint8_t* prev_cipher = (encrypting ? out.data() : in.data()) + off - kBlock;
      key = next_key_block(secret, absl::Span<const uint8_t>(prev_cipher, kBlock));
    }
    for (size_t i = 0; i < n; ++i) out[off + i] = in[off + i] ^ key[i];
  }
  return out;
}

}  // namespace

Bytes hiding_encrypt(uint16_t attribute_type, std::string_view secret, absl::Span<const uint8_t> random_vector,
                     absl::Span<const uint8_t> plaintext) {
  return transform(attribute_type, secret, random_vector, plaintext, /*encrypting=*/true);
}

Bytes hiding_decrypt(uint16_t attribute_type, std::string_view secret, absl::Span<const uint8_t> random_vector,
                     absl::Span<const uint8_t> ciphertext) {
  return transform(attribute_type, secret, random_vector, ciphertext, /*encrypting=*/false);
}

Bytes hide_avp_value(uint16_t attribute_type, std::string_view secret, absl::Span<const uint8_t> random_vector,
                     absl::Span<const uint8_t> value, absl::Span<const uint8_t> padding) {
  Bytes subformat;
  subformat.reserve(2 + value.size() + padding.size());
  append_be16(subformat, static_cast<uint16_t>(value.size()));
  append_bytes(subformat, value);
  append_bytes(subformat, padding);
  return hiding_encrypt(attribute_type, secret, random_vector, subformat);
}

absl::StatusOr<Bytes> unhide_avp_value(uint16_t attribute_type, std::string_view secret,
                                       absl::Span<const uint8_t> random_vector, absl::Span<const uint8_t> hidden) {
  if (hidden.size() < 2) {
    return absl::InvalidArgumentError(
        absl::StrFormat("hidden value of %u octets cannot hold the Original Length field", hidden.size()));
  }
  Bytes plain = hiding_decrypt(attribute_type, secret, random_vector, hidden);
  const size_t original_length = load_be16(plain.data());
  if (original_length > plain.size() - 2) {
    return absl::InvalidArgumentError(
        absl::StrFormat("hidden Original Length %u exceeds the %u octets present (wrong secret?)", original_length,
                        plain.size() - 2));
  }
  return Bytes(plain.begin() + 2, plain.begin() + 2 + original_length);
}

}  // namespace lns::l2tp
