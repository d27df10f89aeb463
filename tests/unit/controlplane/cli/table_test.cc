// The output model rendered for people (aligned text) and for scripts
// (JSON), with hand-checked expected strings.
#include "controlplane/cli/table.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace lns::cli {
namespace {

Table sessions_table() {
  Table t({"id", "user", "ip", "rx_packets"});
  t.add_row({5u, "alice", "10.0.0.5", 123u});
  t.add_row({12u, "bob.smith@isp", "10.0.0.17", 4567890u});
  t.add_row({7u, "carol", Cell(), 0u});
  return t;
}

TEST(TableTest, TextAlignsColumnsAndRightAlignsNumbers) {
  EXPECT_EQ(sessions_table().render_text(),
            "id  user           ip         rx_packets\n"
            " 5  alice          10.0.0.5          123\n"
            "12  bob.smith@isp  10.0.0.17     4567890\n"
            " 7  carol          -                   0\n");
}

TEST(TableTest, JsonIsAnArrayOfObjectsKeyedByColumnWithNumbersAsNumbers) {
  EXPECT_EQ(sessions_table().render_json(),
            "[{\"id\":5,\"user\":\"alice\",\"ip\":\"10.0.0.5\",\"rx_packets\":123},"
            "{\"id\":12,\"user\":\"bob.smith@isp\",\"ip\":\"10.0.0.17\",\"rx_packets\":4567890},"
            "{\"id\":7,\"user\":\"carol\",\"ip\":null,\"rx_packets\":0}]\n");
}

TEST(TableTest, EmptyTableShowsTheHeaderAndAnEmptyJsonArray) {
  Table t({"id", "state"});
  EXPECT_EQ(t.render_text(), "id  state\n");
  EXPECT_EQ(t.render_json(), "[]\n");
}

TEST(TableTest, AColumnWithAnyTextIsLeftAligned) {
  Table t({"port", "rx"});
  t.add_row({"access", 10u});
  t.add_row({"core", "n/a"});
  EXPECT_FALSE(t.column_is_numeric(1));
  EXPECT_EQ(t.render_text(),
            "port    rx\n"
            "access  10\n"
            "core    n/a\n");
}

TEST(TableTest, SignedDecimalAndBooleanCells) {
  Table t({"name", "delta", "rate", "up"});
  t.add_row({"a", -3, Cell::decimal(1.5), Cell::boolean(true)});
  t.add_row({"b", int64_t{42}, Cell::decimal(12.345, 1), Cell::boolean(false)});
  t.add_row({"c", 0, Cell::decimal(std::numeric_limits<double>::quiet_NaN()), Cell()});
  EXPECT_EQ(t.render_text(),
            "name  delta  rate  up\n"
            "a        -3  1.50  yes\n"
            "b        42  12.3  no\n"
            "c         0     -  -\n");
  EXPECT_EQ(t.render_json(),
            "[{\"name\":\"a\",\"delta\":-3,\"rate\":1.50,\"up\":true},"
            "{\"name\":\"b\",\"delta\":42,\"rate\":12.3,\"up\":false},"
            "{\"name\":\"c\",\"delta\":0,\"rate\":null,\"up\":null}]\n");
}

TEST(TableTest, HostileCellsCannotBreakTheLayoutOrReachTheTerminal) {
  Table t({"user", "n"});
  t.add_row({"ev\x1b[2Jil\n", 1u});
  t.add_row({"caf\xc3\xa9", 2u});    // UTF-8 é: one column wide
  t.add_row({"bad\xff", 3u});       // not UTF-8
  t.add_row({"c1\xc2\x9b", 4u});    // U+009B, the 8-bit CSI
  EXPECT_EQ(t.render_text(),
            "user             n\n"
            "ev\\x1B[2Jil\\x0A  1\n"
            "caf\xc3\xa9             2\n"
            "bad\\xFF          3\n"
            "c1\\xC2\\x9B       4\n");
  EXPECT_EQ(t.render_json(),
            "[{\"user\":\"ev\\u001b[2Jil\\n\",\"n\":1},"
            "{\"user\":\"caf\xc3\xa9\",\"n\":2},"
            "{\"user\":\"bad\xef\xbf\xbd\",\"n\":3},"
            "{\"user\":\"c1\xc2\x9b\",\"n\":4}]\n");
}

TEST(DetailTest, TextAlignsValuesAndJsonIsOneObject) {
  Detail d;
  d.add("id", 5u).add("user", "alice").add("ip", "10.0.0.5").add("rx_packets", 123u).add("mru", Cell());
  EXPECT_EQ(d.render_text(),
            "id:          5\n"
            "user:        alice\n"
            "ip:          10.0.0.5\n"
            "rx_packets:  123\n"
            "mru:         -\n");
  EXPECT_EQ(d.render_json(),
            "{\"id\":5,\"user\":\"alice\",\"ip\":\"10.0.0.5\",\"rx_packets\":123,\"mru\":null}\n");
}

TEST(CommandOutputTest, RendersEachKindInBothFormats) {
  const CommandOutput table = sessions_table();
  EXPECT_EQ(table.render(OutputFormat::kText), sessions_table().render_text());
  EXPECT_EQ(table.render(OutputFormat::kJson), sessions_table().render_json());

  const CommandOutput text = CommandOutput::text("line one\n\tline \"two\"");
  EXPECT_EQ(text.render(OutputFormat::kText), "line one\n\tline \"two\"\n");
  EXPECT_EQ(text.render(OutputFormat::kJson), "{\"text\":\"line one\\n\\tline \\\"two\\\"\"}\n");

  const CommandOutput nothing;
  EXPECT_EQ(nothing.render(OutputFormat::kText), "");
  EXPECT_EQ(nothing.render(OutputFormat::kJson), "{\"text\":\"\"}\n");

  const CommandOutput escape = CommandOutput::text("\x1b]0;pwned\x07");
  EXPECT_EQ(escape.render(OutputFormat::kText), "\\x1B]0;pwned\\x07\n");
}

}  // namespace
}  // namespace lns::cli
