// Wire protocol between lnsctl (or any client) and the lnsd CLI server on
// its Unix-domain stream socket. Shared by both ends so they cannot drift.
//
// Request: one line of UTF-8 text ended by "\n" (a "\r" before it is
// ignored), at most CliServerOptions::max_line_bytes long:
//
//     [--json ]<command words>
//
// Words are separated by blanks (space or tab). A word containing blanks,
// quotes or backslashes is written in double quotes, where \" and \\ stand
// for a quote and a backslash (quote_word() does this). The "--json " prefix
// asks for JSON output instead of aligned text. Control characters (other
// than tab) and invalid UTF-8 are a protocol violation: the server answers
// with an error frame and closes the connection. An empty line is answered
// with an empty "ok" frame. Requests may be pipelined; responses come back
// in order, one per request.
//
// Response: a frame with a length prefix, so the payload may contain any
// byte sequence and no terminator needs escaping:
//
//     ok <N>\n<N bytes of payload>
//     error <N>\n<N bytes of payload>
//
// N is decimal without leading zeros (except "0"). On "ok" the payload is
// the command output (text or JSON, normally ending with "\n"); on "error"
// it is a human-readable explanation (for a "--json" request, a JSON object
// {"error":"<explanation>"}). A client exits non-zero on "error".
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace lns::cli {

inline constexpr std::string_view kJsonPrefix = "--json";

enum class ResponseStatus : uint8_t { kOk, kError };

struct Response {
  ResponseStatus status = ResponseStatus::kOk;
  std::string payload;

  bool ok() const { return status == ResponseStatus::kOk; }
};

// Serialises one response frame.
std::string encode_response(ResponseStatus status, std::string_view payload);

// Incremental decoder for a stream of response frames. Feed whatever bytes
// arrived; next() yields complete frames in order. A malformed header or a
// payload larger than max_payload puts the decoder in a failed state
// (status() says why) because the stream can no longer be framed.
class ResponseDecoder {
 public:
  explicit ResponseDecoder(size_t max_payload = size_t{1} << 30) : max_payload_(max_payload) {}

  void feed(std::string_view bytes);
  // A complete frame, if one is buffered and the stream is well-formed.
  std::optional<Response> next();
  const absl::Status& status() const { return status_; }
  // Bytes fed but not yet returned as a frame.
  size_t buffered() const { return buffer_.size() - consumed_; }

 private:
  size_t max_payload_;
  std::string buffer_;
  size_t consumed_ = 0;
  absl::Status status_;
};

// A request as the server sees it once the line is split off the stream.
struct Request {
  bool json = false;
  std::string command;  // the line after the optional "--json " prefix
};

// Splits off the "--json" prefix. The line has no trailing newline.
Request parse_request_line(std::string_view line);

// Builds a request line (without the trailing newline) from argv-style
// words, quoting where needed.
std::string encode_request(const std::vector<std::string>& words, bool json);

// Quotes a word if the tokenizer would otherwise not give it back unchanged.
std::string quote_word(std::string_view word);

struct Word {
  std::string text;
  bool quoted = false;  // some part was in quotes: "?" in it is not a help request
};

// Splits a command line into words (see the quoting rules above). Fails on
// an unterminated quote or a backslash inside quotes that escapes anything
// but a quote or a backslash.
absl::StatusOr<std::vector<Word>> tokenize(std::string_view line);

// Why a request line is not acceptable text, or OkStatus. Accepts
// well-formed UTF-8 (no overlong forms, surrogates or code points above
// U+10FFFF) without C0/C1 control characters other than tab.
absl::Status validate_request_text(std::string_view line);

}  // namespace lns::cli
