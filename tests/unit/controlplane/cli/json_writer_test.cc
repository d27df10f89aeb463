// The JSON writer against RFC 8259: string escaping (section 7), valid
// UTF-8 output (section 8.1), separators and nesting.
#include "controlplane/cli/json_writer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

namespace lns::cli {
namespace {

std::string json_quoted(std::string_view text) {
  std::string out;
  append_json_string(&out, text);
  return out;
}

TEST(JsonStringTest, EscapesQuoteBackslashAndEveryControlCharacter) {
  EXPECT_EQ(json_quoted("plain"), "\"plain\"");
  EXPECT_EQ(json_quoted("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(json_quoted("\b\f\n\r\t"), "\"\\b\\f\\n\\r\\t\"");
  EXPECT_EQ(json_quoted(std::string("\0\x01\x1f", 3)), "\"\\u0000\\u0001\\u001f\"");
  // '/' and DEL need no escape.
  EXPECT_EQ(json_quoted("a/b\x7f"), "\"a/b\x7f\"");
}

TEST(JsonStringTest, KeepsValidUtf8AndReplacesInvalidBytes) {
  EXPECT_EQ(json_quoted("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"), "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"");
  const std::string replacement = "\xef\xbf\xbd";
  EXPECT_EQ(json_quoted("a\xff" "b"), "\"a" + replacement + "b\"");
  EXPECT_EQ(json_quoted("\xc0\xaf"), "\"" + replacement + replacement + "\"");  // overlong '/'
  EXPECT_EQ(json_quoted("\xed\xa0\x80"), "\"" + replacement + replacement + replacement + "\"");  // surrogate
  EXPECT_EQ(json_quoted("\xe2\x82"), "\"" + replacement + replacement + "\"");  // truncated
}

TEST(JsonWriterTest, NestsContainersWithCommasInTheRightPlaces) {
  JsonWriter json;
  json.begin_object()
      .key("name").string("lns")
      .key("ports").begin_array().string("access").string("core").end_array()
      .key("empty").begin_array().end_array()
      .key("nested").begin_object().key("up").boolean(true).key("peer").null().end_object()
      .key("list").begin_array().begin_object().key("n").number(uint64_t{1}).end_object()
      .begin_object().end_object().end_array()
      .end_object();
  EXPECT_TRUE(json.complete());
  EXPECT_EQ(json.str(),
            "{\"name\":\"lns\",\"ports\":[\"access\",\"core\"],\"empty\":[],"
            "\"nested\":{\"up\":true,\"peer\":null},\"list\":[{\"n\":1},{}]}");
}

TEST(JsonWriterTest, NumbersAtTheirExtremes) {
  JsonWriter json;
  json.begin_array()
      .number(std::numeric_limits<uint64_t>::max())
      .number(std::numeric_limits<int64_t>::min())
      .decimal(2.0 / 3.0, 3)
      .decimal(-0.5, 0)
      .decimal(std::numeric_limits<double>::infinity(), 2)
      .end_array();
  EXPECT_EQ(json.str(), "[18446744073709551615,-9223372036854775808,0.667,-0,null]");
}

TEST(JsonWriterTest, KeysAreEscapedToo) {
  JsonWriter json;
  json.begin_object().key("a\"b").number(int64_t{-1}).end_object();
  EXPECT_EQ(json.str(), "{\"a\\\"b\":-1}");
}

}  // namespace
}  // namespace lns::cli
