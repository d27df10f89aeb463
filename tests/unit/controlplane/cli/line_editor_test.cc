// lnsctl's line editor without a terminal: key decoding, editing, history
// browsing and completion.
#include "controlplane/cli/line_editor.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

namespace lns::cli {
namespace {

using ::testing::ElementsAre;

std::vector<Key> decode(std::string_view bytes) {
  KeyDecoder decoder;
  std::vector<Key> keys;
  for (char b : bytes)
    if (std::optional<Key> k = decoder.feed(b)) keys.push_back(*k);
  return keys;
}

std::vector<KeyCode> codes(std::string_view bytes) {
  std::vector<KeyCode> out;
  for (const Key& k : decode(bytes)) out.push_back(k.code);
  return out;
}

// Types bytes into a buffer as the terminal editor would.
void type(LineBuffer& line, std::string_view bytes) {
  for (const Key& k : decode(bytes)) line.apply(k);
}

TEST(KeyDecoderTest, PrintableBytesAndControlKeys) {
  const std::vector<Key> keys = decode("a\xc3\xa9\r\x7f\t\x01\x05\x03\x04\x0b\x15\x17\x0c\x10\x0e\x02\x06");
  ASSERT_EQ(keys.size(), 18u);
  EXPECT_EQ(keys[0].byte, 'a');
  EXPECT_EQ(keys[1].byte, '\xc3');
  EXPECT_EQ(keys[2].byte, '\xa9');
  EXPECT_THAT(codes("\r\n\x7f\x08\t"),
              ElementsAre(KeyCode::kEnter, KeyCode::kEnter, KeyCode::kBackspace, KeyCode::kBackspace, KeyCode::kTab));
  EXPECT_THAT(codes("\x01\x05\x03\x04\x0b\x15\x17\x0c\x10\x0e\x02\x06"),
              ElementsAre(KeyCode::kHome, KeyCode::kEnd, KeyCode::kInterrupt, KeyCode::kEof, KeyCode::kKillToEnd,
                          KeyCode::kKillToStart, KeyCode::kKillWord, KeyCode::kClearScreen, KeyCode::kUp,
                          KeyCode::kDown, KeyCode::kLeft, KeyCode::kRight));
  EXPECT_TRUE(codes("\x07\x1a").empty());  // other control keys do nothing
}

TEST(KeyDecoderTest, EscapeSequencesBecomeKeysAndUnknownOnesVanish) {
  EXPECT_THAT(codes("\x1b[A\x1b[B\x1b[C\x1b[D\x1b[H\x1b[F\x1bOH\x1bOF\x1b[1~\x1b[4~\x1b[3~\x1b[7~\x1b[8~"),
              ElementsAre(KeyCode::kUp, KeyCode::kDown, KeyCode::kRight, KeyCode::kLeft, KeyCode::kHome,
                          KeyCode::kEnd, KeyCode::kHome, KeyCode::kEnd, KeyCode::kHome, KeyCode::kEnd,
                          KeyCode::kDelete, KeyCode::kHome, KeyCode::kEnd));
  // F5, Insert and Alt+x leave nothing behind; the text after does.
  const std::vector<Key> keys = decode("\x1b[15~\x1b[2~\x1bxok");
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys[0].byte, 'o');
  EXPECT_EQ(keys[1].byte, 'k');
}

TEST(LineBufferTest, InsertsMovesAndDeletesByCharacter) {
  LineBuffer line;
  type(line, "show sesions");
  EXPECT_EQ(line.text(), "show sesions");
  type(line, "\x1b[D\x1b[D\x1b[D\x1b[D");  // back before "ions"
  type(line, "s");
  EXPECT_EQ(line.text(), "show sessions");
  EXPECT_EQ(line.cursor_column(), 9u);
  type(line, "\x01\x1b[3~\x05\x7f");  // Home, Delete, End, Backspace
  EXPECT_EQ(line.text(), "how session");
  type(line, "\x01" "s");
  EXPECT_EQ(line.text(), "show session");
}

TEST(LineBufferTest, MultiByteCharactersMoveAsOne) {
  LineBuffer line;
  type(line, "caf\xc3\xa9!");
  EXPECT_EQ(line.cursor_column(), 5u);
  type(line, "\x1b[D\x1b[D");
  EXPECT_EQ(line.cursor(), 3u);
  EXPECT_EQ(line.cursor_column(), 3u);
  type(line, "\x1b[3~");  // delete é, both bytes
  EXPECT_EQ(line.text(), "caf!");
  type(line, "\x05\x1b[D\x7f");
  EXPECT_EQ(line.text(), "ca!");
}

TEST(LineBufferTest, KillKeys) {
  LineBuffer line;
  type(line, "show sessions user alice");
  type(line, "\x17");  // Ctrl-W
  EXPECT_EQ(line.text(), "show sessions user ");
  type(line, "\x17\x17");
  EXPECT_EQ(line.text(), "show ");
  type(line, "x y\x01\x1b[C\x0b");  // Home, Right, Ctrl-K
  EXPECT_EQ(line.text(), "s");
  type(line, "abc\x1b[D\x15");  // Ctrl-U kills before the cursor
  EXPECT_EQ(line.text(), "c");
  EXPECT_EQ(line.cursor(), 0u);
}

TEST(LineBufferTest, BrowsesHistoryAndKeepsTheDraft) {
  History history;
  history.add("show tunnels");
  history.add("show sessions");
  LineBuffer line(&history);
  type(line, "dra");
  type(line, "\x1b[A");
  EXPECT_EQ(line.text(), "show sessions");
  type(line, "\x1b[A");
  EXPECT_EQ(line.text(), "show tunnels");
  type(line, "\x1b[A");  // already the oldest
  EXPECT_EQ(line.text(), "show tunnels");
  type(line, "\x1b[B\x1b[B");
  EXPECT_EQ(line.text(), "dra");
  type(line, "\x1b[B");
  EXPECT_EQ(line.text(), "dra");
  EXPECT_EQ(line.cursor(), 3u);
}

TEST(LineBufferTest, CompletionInsertsAUniqueWordOrTheCommonPrefix) {
  LineBuffer line;
  type(line, "sh");
  LineBuffer::CompletionResult r = line.complete({"show"});
  EXPECT_TRUE(r.changed);
  EXPECT_EQ(line.text(), "show ");
  r = line.complete({"session", "sessions", "tunnels"});  // nothing typed: list them
  EXPECT_FALSE(r.changed);
  EXPECT_THAT(r.to_show, ElementsAre("session", "sessions", "tunnels"));
  type(line, "se");
  r = line.complete({"session", "sessions"});
  EXPECT_TRUE(r.changed);
  EXPECT_EQ(line.text(), "show session");
  r = line.complete({"session", "sessions"});
  EXPECT_FALSE(r.changed);
  EXPECT_THAT(r.to_show, ElementsAre("session", "sessions"));
  type(line, " ");
  r = line.complete({"<id:uint>"});  // hints are shown, never typed
  EXPECT_FALSE(r.changed);
  EXPECT_THAT(r.to_show, ElementsAre("<id:uint>"));
  EXPECT_EQ(line.text(), "show session ");
}

TEST(LineBufferTest, CompletionWorksInTheMiddleOfTheLine) {
  LineBuffer line;
  type(line, "show tu 5\x1b[D\x1b[D");
  line.complete({"tunnel", "tunnels"});
  EXPECT_EQ(line.text(), "show tunnel 5");
  EXPECT_EQ(line.cursor(), 11u);
}

TEST(HistoryTest, SkipsRepeatsAndPersistsToItsFile) {
  char dir_template[] = "/tmp/lnsctl-history-XXXXXX";
  ASSERT_NE(mkdtemp(dir_template), nullptr);
  const std::string path = std::string(dir_template) + "/history";
  {
    History history(3);
    history.load(path);  // no file yet
    history.add("a");
    history.add("a");
    history.add("");
    history.add("b");
    history.add("c");
    history.add("d");
    EXPECT_THAT(history.entries(), ElementsAre("b", "c", "d"));
  }
  History again(3);
  again.load(path);
  EXPECT_THAT(again.entries(), ElementsAre("b", "c", "d"));
  {
    std::ofstream grow(path, std::ios::app);
    for (int i = 0; i < 10; ++i) grow << "x" << i << "\n";
  }
  History trimmed(3);
  trimmed.load(path);
  EXPECT_THAT(trimmed.entries(), ElementsAre("x7", "x8", "x9"));
  std::ifstream rewritten(path);
  std::string content((std::istreambuf_iterator<char>(rewritten)), std::istreambuf_iterator<char>());
  EXPECT_EQ(content, "x7\nx8\nx9\n");
  unlink(path.c_str());
  rmdir(dir_template);
}

}  // namespace
}  // namespace lns::cli
