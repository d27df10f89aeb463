// The wire protocol both ends share: response framing, request words and
// quoting, and what counts as acceptable request text.
#include "controlplane/cli/cli_protocol.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controlplane/cli/utf8.h"

namespace lns::cli {
namespace {

std::vector<std::string> texts(const std::vector<Word>& words) {
  std::vector<std::string> out;
  for (const Word& w : words) out.push_back(w.text);
  return out;
}

TEST(ResponseFrameTest, EncodesStatusAndLengthBeforeThePayload) {
  EXPECT_EQ(encode_response(ResponseStatus::kOk, "hello\n"), "ok 6\nhello\n");
  EXPECT_EQ(encode_response(ResponseStatus::kError, ""), "error 0\n");
}

TEST(ResponseFrameTest, DecoderReassemblesFramesSplitAnywhere) {
  const std::string payload_with_nul("a\0b\nok 3\n", 9);
  const std::string stream = encode_response(ResponseStatus::kOk, payload_with_nul) +
                             encode_response(ResponseStatus::kError, "no\n") +
                             encode_response(ResponseStatus::kOk, "");
  for (size_t chunk = 1; chunk <= stream.size(); ++chunk) {
    SCOPED_TRACE(chunk);
    ResponseDecoder decoder;
    std::vector<Response> got;
    for (size_t i = 0; i < stream.size(); i += chunk) {
      decoder.feed(std::string_view(stream).substr(i, chunk));
      while (std::optional<Response> r = decoder.next()) got.push_back(*r);
    }
    ASSERT_TRUE(decoder.status().ok()) << decoder.status();
    ASSERT_EQ(got.size(), 3u);
    EXPECT_TRUE(got[0].ok());
    EXPECT_EQ(got[0].payload, payload_with_nul);
    EXPECT_FALSE(got[1].ok());
    EXPECT_EQ(got[1].payload, "no\n");
    EXPECT_TRUE(got[2].ok());
    EXPECT_EQ(got[2].payload, "");
    EXPECT_EQ(decoder.buffered(), 0u);
  }
}

TEST(ResponseFrameTest, DecoderRejectsMalformedHeaders) {
  const struct {
    const char* stream;
    const char* error;
  } cases[] = {
      {"okay 1\nx", "unknown response status 'okay'"},
      {"ok\nx", "malformed response header 'ok'"},
      {"ok -1\nx", "malformed response length '-1'"},
      {"ok 01\nx", "malformed response length '01'"},
      {"ok 1x\nx", "malformed response length '1x'"},
      {"ok 99999999999999999999999\n", "malformed response length '99999999999999999999999'"},
      {"ok 123456789012345678901234567890", "response header line too long"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.stream);
    ResponseDecoder decoder;
    decoder.feed(c.stream);
    EXPECT_FALSE(decoder.next().has_value());
    EXPECT_EQ(decoder.status().message(), c.error);
    decoder.feed("ok 0\n");  // a failed stream stays failed
    EXPECT_FALSE(decoder.next().has_value());
  }
  ResponseDecoder small(10);
  small.feed("ok 11\n");
  EXPECT_FALSE(small.next().has_value());
  EXPECT_EQ(small.status(), absl::ResourceExhaustedError("response of 11 bytes exceeds the limit of 10"));
}

TEST(RequestLineTest, JsonPrefixIsSplitOff) {
  Request r = parse_request_line("--json show sessions");
  EXPECT_TRUE(r.json);
  EXPECT_EQ(r.command, "show sessions");
  r = parse_request_line("  --json\tshow");
  EXPECT_TRUE(r.json);
  EXPECT_EQ(r.command, "show");
  r = parse_request_line("--jsonx show");
  EXPECT_FALSE(r.json);
  EXPECT_EQ(r.command, "--jsonx show");
  r = parse_request_line("show sessions ");
  EXPECT_FALSE(r.json);
  EXPECT_EQ(r.command, "show sessions ");  // trailing blanks matter to completion
}

TEST(RequestLineTest, TokenizerSplitsOnBlanksAndHonoursQuotes) {
  auto words = tokenize("  show\tsessions   user \"a b\" x\"y z\"w \"\" ");
  ASSERT_TRUE(words.ok());
  EXPECT_THAT(texts(*words), ::testing::ElementsAre("show", "sessions", "user", "a b", "xy zw", ""));
  EXPECT_FALSE((*words)[0].quoted);
  EXPECT_TRUE((*words)[3].quoted);
  EXPECT_TRUE((*words)[5].quoted);

  words = tokenize(R"(a "q\"uote" "back\\slash" c\d)");
  ASSERT_TRUE(words.ok());
  EXPECT_THAT(texts(*words), ::testing::ElementsAre("a", "q\"uote", "back\\slash", "c\\d"));

  EXPECT_EQ(tokenize("a \"b").status(), absl::InvalidArgumentError("unterminated quote starting at column 3"));
  EXPECT_EQ(tokenize("\"a\\n\"").status(),
            absl::InvalidArgumentError("bad escape at column 3: only \\\" and \\\\ are allowed inside quotes"));
  EXPECT_EQ(tokenize("\"a\\").status(),
            absl::InvalidArgumentError("bad escape at column 3: only \\\" and \\\\ are allowed inside quotes"));
}

TEST(RequestLineTest, EncodedRequestsTokenizeBackToTheSameWords) {
  const std::vector<std::string> words = {"capture", "file", "/tmp/a b.pcap", "", "say \"hi\"", "back\\slash", "tab\there"};
  const std::string line = encode_request(words, false);
  EXPECT_EQ(line, std::string(R"(capture file "/tmp/a b.pcap" "" "say \"hi\"" back\slash )") + "\"tab\there\"");
  auto back = tokenize(line);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(texts(*back), words);
  EXPECT_EQ(encode_request({"show", "tunnels"}, true), "--json show tunnels");
}

TEST(RequestTextTest, AcceptsUtf8TextAndTabs) {
  EXPECT_TRUE(validate_request_text("show sessions user caf\xc3\xa9\t\xf0\x9f\x98\x80").ok());
  EXPECT_TRUE(validate_request_text("").ok());
}

TEST(RequestTextTest, RejectsControlCharactersAndMalformedUtf8) {
  EXPECT_EQ(validate_request_text("show\x1b[A"),
            absl::InvalidArgumentError("request contains control character U+001B (byte 5)"));
  EXPECT_EQ(validate_request_text(std::string("a\0b", 3)),
            absl::InvalidArgumentError("request contains control character U+0000 (byte 2)"));
  EXPECT_EQ(validate_request_text("del\x7f"),
            absl::InvalidArgumentError("request contains control character U+007F (byte 4)"));
  EXPECT_EQ(validate_request_text("c1\xc2\x85"),
            absl::InvalidArgumentError("request contains control character U+0085 (byte 3)"));
  for (const char* bad : {"\xff", "\x80", "\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe2\x82",
                          "\xc3("}) {
    SCOPED_TRACE(bad);
    EXPECT_EQ(validate_request_text(std::string("x") + bad),
              absl::InvalidArgumentError("request is not valid UTF-8 (byte 2)"));
  }
}

TEST(Utf8Test, DecodesEveryLengthAndEncodesBack) {
  for (char32_t cp : {U'A', U'\u00e9', U'\u20ac', U'\U0001f600', U'\U0010ffff'}) {
    std::string encoded;
    append_utf8(&encoded, cp);
    size_t pos = 0;
    EXPECT_EQ(decode_utf8(encoded, &pos), cp);
    EXPECT_EQ(pos, encoded.size());
  }
}

}  // namespace
}  // namespace lns::cli
