// A minimal line editor for lnsctl's interactive mode, so the client needs
// no readline: cursor movement, emacs-style kill keys, history on the
// up/down arrows (kept in a file across sessions) and tab completion
// through a callback. The byte-to-key decoding and the editing itself are
// plain state machines, tested without a terminal; TerminalLineEditor is
// the thin layer that puts the tty in raw mode and redraws the line.
//
// Lines are assumed to fit on one terminal row (CLI commands do); a longer
// line still edits correctly but may redraw untidily.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lns::cli {

enum class KeyCode : uint8_t {
  kChar,       // a byte of text (UTF-8 sequences arrive byte by byte)
  kEnter,
  kBackspace,
  kDelete,     // delete the character under the cursor
  kLeft,
  kRight,
  kUp,         // older history entry
  kDown,       // newer history entry
  kHome,
  kEnd,
  kTab,
  kKillToEnd,    // Ctrl-K
  kKillToStart,  // Ctrl-U
  kKillWord,     // Ctrl-W: the word before the cursor
  kInterrupt,    // Ctrl-C: abandon the line
  kEof,          // Ctrl-D: end of input on an empty line, else kDelete
  kClearScreen,  // Ctrl-L
};

struct Key {
  KeyCode code = KeyCode::kChar;
  char byte = 0;  // kChar only
};

// Decodes terminal input: printable bytes, control keys and the common
// VT100/xterm escape sequences for arrows, Home, End and Delete. Unknown
// sequences are swallowed whole rather than inserted as text.
class KeyDecoder {
 public:
  std::optional<Key> feed(char byte);

 private:
  enum class State : uint8_t { kGround, kEscape, kSequence };
  State state_ = State::kGround;
  std::string params_;
};

// Entries oldest first; consecutive duplicates and empty lines are not
// kept. With a file, add() appends to it right away so history survives a
// killed terminal; load() keeps the newest max_entries and rewrites the
// file when it has grown well past that.
class History {
 public:
  explicit History(size_t max_entries = 1000) : max_entries_(max_entries) {}

  void load(const std::string& path);
  void add(std::string_view line);
  const std::vector<std::string>& entries() const { return entries_; }

 private:
  size_t max_entries_;
  std::string path_;
  std::vector<std::string> entries_;
};

// The line being edited: bytes, a cursor (byte offset, always on a UTF-8
// character boundary) and the position in the history while browsing it.
class LineBuffer {
 public:
  explicit LineBuffer(const History* history = nullptr) : history_(history) {}

  const std::string& text() const { return text_; }
  size_t cursor() const { return cursor_; }
  // Characters before the cursor: where the terminal cursor goes.
  size_t cursor_column() const;

  // Applies an editing key (not Enter, Tab, Interrupt or Eof, which the
  // caller handles). Returns whether the line or the cursor changed.
  bool apply(const Key& key);
  void clear();

  struct CompletionResult {
    bool changed = false;               // text was inserted
    std::vector<std::string> to_show;   // candidates to list for the user
  };
  // Completes the word before the cursor given the server's candidates for
  // it (see CommandRegistry::complete: "<...>" entries are hints, shown but
  // never inserted). A single candidate is inserted with a blank after it;
  // several are reduced to their common prefix, or listed if that adds
  // nothing.
  CompletionResult complete(const std::vector<std::string>& candidates);

 private:
  void insert(std::string_view bytes);
  size_t previous_boundary(size_t pos) const;
  size_t next_boundary(size_t pos) const;
  void browse_history(int direction);

  std::string text_;
  size_t cursor_ = 0;
  const History* history_;
  // While browsing: index into history (size() = the draft line).
  std::optional<size_t> history_index_;
  std::string draft_;
};

// Reads lines from a terminal with editing, history and completion.
class TerminalLineEditor {
 public:
  // Candidates for the text before the cursor (see LineBuffer::complete).
  using Completer = std::function<std::vector<std::string>(std::string_view line_before_cursor)>;

  TerminalLineEditor(int in_fd, int out_fd, History& history, Completer completer)
      : in_fd_(in_fd), out_fd_(out_fd), history_(history), completer_(std::move(completer)) {}

  // The next line (without newline), or nullopt at end of input (Ctrl-D on
  // an empty line, or the terminal went away). Ctrl-C abandons the current
  // line and starts a fresh one. Falls back to plain reading when in_fd is
  // not a terminal that can be put in raw mode.
  std::optional<std::string> read_line(std::string_view prompt);

 private:
  std::optional<std::string> read_plain_line(std::string_view prompt);
  void redraw(std::string_view prompt, const LineBuffer& line);
  void write_out(std::string_view bytes);

  int in_fd_;
  int out_fd_;
  History& history_;
  Completer completer_;
};

}  // namespace lns::cli
