#include "controlplane/cli/json_writer.h"

#include <cassert>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "controlplane/cli/utf8.h"

namespace lns::cli {

void append_json_string(std::string* out, std::string_view text) {
  out->push_back('"');
  for (size_t pos = 0; pos < text.size();) {
    const std::optional<char32_t> cp = decode_utf8(text, &pos);
    if (!cp) {
      append_utf8(out, 0xfffd);
      continue;
    }
    switch (*cp) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\b': out->append("\\b"); break;
      case '\f': out->append("\\f"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      default:
        if (*cp < 0x20) {
          absl::StrAppendFormat(out, "\\u%04x", static_cast<uint32_t>(*cp));
        } else {
          append_utf8(out, *cp);
        }
    }
  }
  out->push_back('"');
}

void JsonWriter::before_value() {
  if (stack_.empty()) {
    assert(out_.empty() && "a JSON document has one top-level value");
    return;
  }
  Scope& scope = stack_.back();
  if (scope == Scope::kObjectExpectValue) {
    scope = Scope::kObjectExpectKey;
    return;
  }
  assert(scope == Scope::kArray && "object members need key() first");
  if (!first_in_scope_) out_.push_back(',');
  first_in_scope_ = false;
}

JsonWriter& JsonWriter::begin_object() {
  before_value();
  out_.push_back('{');
  stack_.push_back(Scope::kObjectExpectKey);
  first_in_scope_ = true;
  return *this;
}

JsonWriter& JsonWriter::end_object() {
  assert(!stack_.empty() && stack_.back() == Scope::kObjectExpectKey);
  stack_.pop_back();
  out_.push_back('}');
  first_in_scope_ = false;
  return *this;
}

JsonWriter& JsonWriter::begin_array() {
  before_value();
  out_.push_back('[');
  stack_.push_back(Scope::kArray);
  first_in_scope_ = true;
  return *this;
}

JsonWriter& JsonWriter::end_array() {
  assert(!stack_.empty() && stack_.back() == Scope::kArray);
  stack_.pop_back();
  out_.push_back(']');
  first_in_scope_ = false;
  return *this;
}

JsonWriter& JsonWriter::key(std::string_view name) {
  assert(!stack_.empty() && stack_.back() == Scope::kObjectExpectKey);
  if (!first_in_scope_) out_.push_back(',');
  first_in_scope_ = false;
  append_json_string(&out_, name);
  out_.push_back(':');
  stack_.back() = Scope::kObjectExpectValue;
  return *this;
}

JsonWriter& JsonWriter::string(std::string_view value) {
  before_value();
  append_json_string(&out_, value);
  return *this;
}

JsonWriter& JsonWriter::number(uint64_t value) {
  before_value();
  absl::StrAppend(&out_, value);
  return *this;
}

JsonWriter& JsonWriter::number(int64_t value) {
  before_value();
  absl::StrAppend(&out_, value);
  return *this;
}

JsonWriter& JsonWriter::decimal(double value, int decimals) {
  if (!std::isfinite(value)) return null();
  before_value();
  absl::StrAppendFormat(&out_, "%.*f", decimals, value);
  return *this;
}

JsonWriter& JsonWriter::boolean(bool value) {
  before_value();
  out_.append(value ? "true" : "false");
  return *this;
}

JsonWriter& JsonWriter::null() {
  before_value();
  out_.append("null");
  return *this;
}

}  // namespace lns::cli
