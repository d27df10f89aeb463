#include "controlplane/cli/cli_protocol.h"

#include <charconv>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "controlplane/cli/utf8.h"
#include "controlplane/cli/string_view_compat.h"

namespace lns::cli {
namespace {

// "error " + 20 digits + "\n" fits comfortably.
constexpr size_t kMaxHeaderBytes = 32;

bool is_blank(char c) { return c == ' ' || c == '\t'; }

}  // namespace

std::string encode_response(ResponseStatus status, std::string_view payload) {
  std::string frame = absl::StrCat(status == ResponseStatus::kOk ? "ok " : "error ",
                                   payload.size(), "\n");
  frame.append(payload);
  return frame;
}

void ResponseDecoder::feed(std::string_view bytes) {
  if (!status_.ok()) return;
  // Drop what was already handed out before growing the buffer again.
  if (consumed_ > 0 && consumed_ >= buffer_.size() / 2) {
    buffer_.erase(0, consumed_);
    consumed_ = 0;
  }
  buffer_.append(bytes);
}

std::optional<Response> ResponseDecoder::next() {
  if (!status_.ok()) return std::nullopt;
  const std::string_view rest = std::string_view(buffer_).substr(consumed_);
  const size_t eol = rest.substr(0, kMaxHeaderBytes).find('\n');
  if (eol == std::string_view::npos) {
    if (rest.size() >= kMaxHeaderBytes)
      status_ = absl::DataLossError("response header line too long");
    return std::nullopt;
  }
  const std::string_view header = rest.substr(0, eol);
  const size_t space = header.find(' ');
  if (space == std::string_view::npos) {
    status_ = absl::DataLossError(absl::StrFormat("malformed response header '%s'",
                                                  absl::CHexEscape(av(header))));
    return std::nullopt;
  }
  const std::string_view word = header.substr(0, space);
  const std::string_view digits = header.substr(space + 1);
  Response response;
  if (word == "ok") {
    response.status = ResponseStatus::kOk;
  } else if (word == "error") {
    response.status = ResponseStatus::kError;
  } else {
    status_ = absl::DataLossError(absl::StrFormat("unknown response status '%s'",
                                                  absl::CHexEscape(av(word))));
    return std::nullopt;
  }
  size_t length = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), length);
  const bool leading_zero = digits.size() > 1 && digits[0] == '0';
  if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() ||
      leading_zero) {
    status_ = absl::DataLossError(absl::StrFormat("malformed response length '%s'",
                                                  absl::CHexEscape(av(digits))));
    return std::nullopt;
  }
  if (length > max_payload_) {
    status_ = absl::ResourceExhaustedError(
        absl::StrFormat("response of %u bytes exceeds the limit of %u", length, max_payload_));
    return std::nullopt;
  }
  if (rest.size() - eol - 1 < length) return std::nullopt;
  response.payload.assign(rest.substr(eol + 1, length));
  consumed_ += eol + 1 + length;
  return response;
}

Request parse_request_line(std::string_view line) {
  size_t start = 0;
  while (start < line.size() && is_blank(line[start])) ++start;
  const std::string_view rest = line.substr(start);
  Request request;
  if (rest.starts_with(kJsonPrefix) &&
      (rest.size() == kJsonPrefix.size() || is_blank(rest[kJsonPrefix.size()]))) {
    request.json = true;
    size_t cmd = kJsonPrefix.size();
    while (cmd < rest.size() && is_blank(rest[cmd])) ++cmd;
    request.command.assign(rest.substr(cmd));
  } else {
    request.command.assign(rest);
  }
  return request;
}

std::string quote_word(std::string_view word) {
  bool needs_quotes = word.empty();
  for (char c : word) {
    if (is_blank(c) || c == '"') needs_quotes = true;
  }
  if (!needs_quotes) return std::string(word);
  std::string out = "\"";
  for (char c : word) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string encode_request(const std::vector<std::string>& words, bool json) {
  std::string line;
  if (json) absl::StrAppend(&line, av(kJsonPrefix));
  for (const std::string& word : words) {
    if (!line.empty()) line.push_back(' ');
    line += quote_word(word);
  }
  return line;
}

absl::StatusOr<std::vector<Word>> tokenize(std::string_view line) {
  std::vector<Word> words;
  Word current;
  bool in_word = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (is_blank(c)) {
      if (in_word) words.push_back(std::move(current));
      current = Word{};
      in_word = false;
      continue;
    }
    in_word = true;
    if (c != '"') {
      current.text.push_back(c);
      continue;
    }
    current.quoted = true;
    const size_t open = i;
    for (++i;; ++i) {
      if (i >= line.size())
        return absl::InvalidArgumentError(
            absl::StrFormat("unterminated quote starting at column %u", open + 1));
      if (line[i] == '"') break;
      if (line[i] == '\\') {
        if (i + 1 >= line.size() || (line[i + 1] != '"' && line[i + 1] != '\\'))
          return absl::InvalidArgumentError(absl::StrFormat(
              "bad escape at column %u: only \\\" and \\\\ are allowed inside quotes", i + 1));
        ++i;
      }
      current.text.push_back(line[i]);
    }
  }
  if (in_word) words.push_back(std::move(current));
  return words;
}

absl::Status validate_request_text(std::string_view line) {
  for (size_t pos = 0; pos < line.size();) {
    const size_t at = pos;
    const std::optional<char32_t> cp = decode_utf8(line, &pos);
    if (!cp)
      return absl::InvalidArgumentError(
          absl::StrFormat("request is not valid UTF-8 (byte %u)", at + 1));
    if (*cp != '\t' && is_control_code_point(*cp))
      return absl::InvalidArgumentError(
          absl::StrFormat("request contains control character U+%04X (byte %u)",
                          static_cast<uint32_t>(*cp), at + 1));
  }
  return absl::OkStatus();
}

}  // namespace lns::cli
