// UTF-8 decoding shared by request validation, JSON escaping and table
// alignment. Strict per RFC 3629: overlong forms, surrogates and code
// points above U+10FFFF are invalid.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace lns::cli {

// Decodes the code point starting at text[*pos] and advances *pos past it.
// On an invalid or truncated sequence returns nullopt and advances by one
// byte, so callers can resynchronise on the next byte.
std::optional<char32_t> decode_utf8(std::string_view text, size_t* pos);

// Appends the UTF-8 encoding of a valid code point.
void append_utf8(std::string* out, char32_t cp);

// C0 controls, DEL and C1 controls: characters a terminal may act on.
inline bool is_control_code_point(char32_t cp) {
  return cp < 0x20 || (cp >= 0x7f && cp < 0xa0);
}

}  // namespace lns::cli
