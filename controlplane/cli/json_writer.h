// A small streaming JSON (RFC 8259) writer for CLI output. It inserts the
// commas and checks nesting, escapes strings as section 7 requires, and
// replaces byte sequences that are not valid UTF-8 with U+FFFD so the
// document is always valid UTF-8 (section 8.1), whatever a subscriber put
// in a username. Compact output, no whitespace.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lns::cli {

// Appends a JSON string literal (with the quotes) for `text`.
void append_json_string(std::string* out, std::string_view text);

class JsonWriter {
 public:
  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  // Inside an object every value is preceded by key().
  JsonWriter& key(std::string_view name);
  JsonWriter& string(std::string_view value);
  JsonWriter& number(uint64_t value);
  JsonWriter& number(int64_t value);
  // Fixed-point with `decimals` digits; NaN and infinities (which JSON
  // cannot represent) are written as null.
  JsonWriter& decimal(double value, int decimals);
  JsonWriter& boolean(bool value);
  JsonWriter& null();

  // The document; every container must have been closed.
  const std::string& str() const { return out_; }
  bool complete() const { return stack_.empty() && !out_.empty(); }

 private:
  enum class Scope : uint8_t { kObjectExpectKey, kObjectExpectValue, kArray };
  void before_value();

  std::string out_;
  std::vector<Scope> stack_;
  bool first_in_scope_ = true;
};

}  // namespace lns::cli
