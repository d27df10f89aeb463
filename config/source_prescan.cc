#include "config/source_prescan.h"

#include <cstdint>

#include "absl/strings/str_cat.h"

namespace lns::config {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_name_char(char c) {
  return is_alpha(c) || is_digit(c) || c == '-' || c == '_' || c == '*';
}
bool is_hex_digit(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// What libconfig would make of a token that starts like a number.
struct IntegerLiteral {
  bool is_integer = false;  // decimal or hex, with or without L/LL suffix
  bool has_suffix = false;
  bool fits_int32 = false;  // as libconfig would read it without a suffix
  bool fits_int64 = false;
  size_t digits_end = 0;    // where an 'L' would go
};

IntegerLiteral classify(absl::string_view token) {
  IntegerLiteral literal;
  size_t at = 0;
  bool negative = false;
  if (!token.empty() && (token[0] == '-' || token[0] == '+')) {
    negative = token[0] == '-';
    at = 1;
  }
  bool hex = token.size() >= at + 3 && token[at] == '0' &&
             (token[at + 1] == 'x' || token[at + 1] == 'X');
  if (hex && at != 0) return literal;  // libconfig has no signed hex literals
  size_t digits_begin = hex ? at + 2 : at;
  size_t end = digits_begin;
  while (end < token.size() && (hex ? is_hex_digit(token[end]) : is_digit(token[end]))) ++end;
  if (end == digits_begin) return literal;
  absl::string_view suffix = token.substr(end);
  if (!suffix.empty() && suffix != "L" && suffix != "LL") return literal;
  literal.is_integer = true;
  literal.has_suffix = !suffix.empty();
  literal.digits_end = end;

  // Magnitude, saturating just past what any int64 can hold.
  constexpr uint64_t kBeyond = uint64_t{1} << 63 | 1;
  uint64_t magnitude = 0;
  unsigned base = hex ? 16 : 10;
  for (size_t i = digits_begin; i < end; ++i) {
    char c = token[i];
    unsigned digit = is_digit(c) ? unsigned(c - '0') : unsigned((c | 0x20) - 'a' + 10);
    if (magnitude > (kBeyond - digit) / base) {
      magnitude = kBeyond;
      break;
    }
    magnitude = magnitude * base + digit;
  }
  uint64_t int64_limit = negative ? uint64_t{1} << 63 : (uint64_t{1} << 63) - 1;
  uint64_t int32_limit = negative ? uint64_t{1} << 31 : (uint64_t{1} << 31) - 1;
  literal.fits_int64 = magnitude <= int64_limit;
  literal.fits_int32 = magnitude <= int32_limit;
  return literal;
}

}  // namespace

PrescannedSource prescan_source(absl::string_view text) {
  PrescannedSource result;
  result.text.reserve(text.size() + 16);
  int line = 1;
  size_t copied = 0;  // text[0, copied) is already in result.text
  size_t i = 0;
  auto skip_to_end_of_line = [&] {
    while (i < text.size() && text[i] != '\n') ++i;
  };
  while (i < text.size()) {
    char c = text[i];
    if (c == '\0') {
      result.errors.push_back({line, "the file contains a NUL byte"});
      ++i;
    } else if (c == '\n') {
      ++line;
      ++i;
    } else if (c == '"') {
      ++i;
      while (i < text.size() && text[i] != '"') {
        if (text[i] == '\\' && i + 1 < text.size()) ++i;
        if (text[i] == '\n') ++line;
        if (text[i] == '\0') result.errors.push_back({line, "the file contains a NUL byte"});
        ++i;
      }
      ++i;  // the closing quote
    } else if (c == '#' || (c == '/' && i + 1 < text.size() && text[i + 1] == '/')) {
      skip_to_end_of_line();
    } else if (c == '/' && i + 1 < text.size() && text[i + 1] == '*') {
      i += 2;
      while (i < text.size() && !(text[i] == '*' && i + 1 < text.size() && text[i + 1] == '/')) {
        if (text[i] == '\n') ++line;
        ++i;
      }
      i += 2;
    } else if (c == '@' && text.substr(i, 8) == "@include") {
      result.errors.push_back(
          {line, "@include is not supported; keep the configuration in one file"});
      skip_to_end_of_line();
    } else if (is_alpha(c) || c == '*') {
      while (i < text.size() && is_name_char(text[i])) ++i;
    } else if (is_digit(c) || c == '.' ||
               ((c == '-' || c == '+') && i + 1 < text.size() &&
                (is_digit(text[i + 1]) || text[i + 1] == '.'))) {
      size_t begin = i++;
      while (i < text.size()) {
        char d = text[i];
        bool exponent_sign = (d == '-' || d == '+') && (text[i - 1] == 'e' || text[i - 1] == 'E');
        if (!(is_digit(d) || is_alpha(d) || d == '.' || exponent_sign)) break;
        ++i;
      }
      absl::string_view token = text.substr(begin, i - begin);
      IntegerLiteral literal = classify(token);
      if (!literal.is_integer) continue;  // floats, and garbage libconfig will reject
      if (!literal.fits_int64) {
        result.errors.push_back(
            {line, absl::StrCat("integer ", token, " does not fit in 64 bits")});
      } else if (!literal.has_suffix && !literal.fits_int32) {
        size_t insert_at = begin + literal.digits_end;
        result.text.append(text.data() + copied, insert_at - copied);
        result.text.push_back('L');
        copied = insert_at;
      }
    } else {
      ++i;
    }
  }
  if (copied < text.size()) result.text.append(text.data() + copied, text.size() - copied);
  return result;
}

}  // namespace lns::config
