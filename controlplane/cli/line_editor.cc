#include "controlplane/cli/line_editor.h"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "controlplane/cli/string_view_compat.h"

namespace lns::cli {
namespace {

bool is_continuation(char c) { return (static_cast<uint8_t>(c) & 0xc0) == 0x80; }
bool is_blank(char c) { return c == ' ' || c == '\t'; }

constexpr size_t kMaxEscapeParams = 16;

}  // namespace

// ---------------------------------------------------------------- KeyDecoder

std::optional<Key> KeyDecoder::feed(char byte) {
  const uint8_t c = static_cast<uint8_t>(byte);
  switch (state_) {
    case State::kGround:
      switch (c) {
        case 0x1b: state_ = State::kEscape; return std::nullopt;
        case '\r':
        case '\n': return Key{KeyCode::kEnter};
        case 0x7f:
        case 0x08: return Key{KeyCode::kBackspace};
        case '\t': return Key{KeyCode::kTab};
        case 0x01: return Key{KeyCode::kHome};
        case 0x05: return Key{KeyCode::kEnd};
        case 0x02: return Key{KeyCode::kLeft};
        case 0x06: return Key{KeyCode::kRight};
        case 0x10: return Key{KeyCode::kUp};
        case 0x0e: return Key{KeyCode::kDown};
        case 0x0b: return Key{KeyCode::kKillToEnd};
        case 0x15: return Key{KeyCode::kKillToStart};
        case 0x17: return Key{KeyCode::kKillWord};
        case 0x03: return Key{KeyCode::kInterrupt};
        case 0x04: return Key{KeyCode::kEof};
        case 0x0c: return Key{KeyCode::kClearScreen};
        default:
          if (c < 0x20) return std::nullopt;  // other control keys do nothing
          return Key{KeyCode::kChar, byte};
      }
    case State::kEscape:
      if (c == '[' || c == 'O') {
        state_ = State::kSequence;
        params_.clear();
      } else {
        state_ = State::kGround;  // Alt+key: not supported, swallowed
      }
      return std::nullopt;
    case State::kSequence:
      if (c >= 0x20 && c <= 0x3f) {
        if (params_.size() < kMaxEscapeParams) params_.push_back(byte);
        return std::nullopt;
      }
      state_ = State::kGround;
      switch (c) {
        case 'A': return Key{KeyCode::kUp};
        case 'B': return Key{KeyCode::kDown};
        case 'C': return Key{KeyCode::kRight};
        case 'D': return Key{KeyCode::kLeft};
        case 'H': return Key{KeyCode::kHome};
        case 'F': return Key{KeyCode::kEnd};
        case '~':
          if (params_ == "1" || params_ == "7") return Key{KeyCode::kHome};
          if (params_ == "4" || params_ == "8") return Key{KeyCode::kEnd};
          if (params_ == "3") return Key{KeyCode::kDelete};
          return std::nullopt;
        default:
          return std::nullopt;
      }
  }
  return std::nullopt;
}

// ------------------------------------------------------------------- History

void History::load(const std::string& path) {
  path_ = path;
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) lines.push_back(std::move(line));
  const size_t skip = lines.size() > max_entries_ ? lines.size() - max_entries_ : 0;
  entries_.assign(lines.begin() + static_cast<ptrdiff_t>(skip), lines.end());
  if (lines.size() > 2 * max_entries_) {
    std::ofstream out(path, std::ios::trunc);
    for (const std::string& e : entries_) out << e << '\n';
  }
}

void History::add(std::string_view line) {
  if (line.empty() || line.find('\n') != std::string_view::npos) return;
  if (!entries_.empty() && entries_.back() == line) return;
  entries_.emplace_back(line);
  if (entries_.size() > max_entries_) entries_.erase(entries_.begin());
  if (path_.empty()) return;
  const int fd = open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return;  // history is a convenience; never fail a command over it
  const std::string record = absl::StrCat(av(line), "\n");
  [[maybe_unused]] ssize_t ignored = write(fd, record.data(), record.size());
  close(fd);
}

// ---------------------------------------------------------------- LineBuffer

size_t LineBuffer::cursor_column() const {
  size_t column = 0;
  for (size_t i = 0; i < cursor_; ++i)
    if (!is_continuation(text_[i])) ++column;
  return column;
}

size_t LineBuffer::previous_boundary(size_t pos) const {
  if (pos == 0) return 0;
  --pos;
  while (pos > 0 && is_continuation(text_[pos])) --pos;
  return pos;
}

size_t LineBuffer::next_boundary(size_t pos) const {
  if (pos >= text_.size()) return text_.size();
  ++pos;
  while (pos < text_.size() && is_continuation(text_[pos])) ++pos;
  return pos;
}

void LineBuffer::insert(std::string_view bytes) {
  text_.insert(cursor_, bytes);
  cursor_ += bytes.size();
}

void LineBuffer::clear() {
  text_.clear();
  cursor_ = 0;
  history_index_.reset();
  draft_.clear();
}

void LineBuffer::browse_history(int direction) {
  if (history_ == nullptr || history_->entries().empty()) return;
  const auto& entries = history_->entries();
  size_t index = history_index_.value_or(entries.size());
  if (direction < 0) {
    if (index == 0) return;
    if (!history_index_) draft_ = text_;
    --index;
  } else {
    if (!history_index_) return;
    ++index;
  }
  if (index >= entries.size()) {
    text_ = draft_;
    history_index_.reset();
  } else {
    text_ = entries[index];
    history_index_ = index;
  }
  cursor_ = text_.size();
}

bool LineBuffer::apply(const Key& key) {
  const std::string before = text_;
  const size_t cursor_before = cursor_;
  switch (key.code) {
    case KeyCode::kChar:
      insert(std::string_view(&key.byte, 1));
      break;
    case KeyCode::kBackspace: {
      const size_t from = previous_boundary(cursor_);
      text_.erase(from, cursor_ - from);
      cursor_ = from;
      break;
    }
    case KeyCode::kDelete:
    case KeyCode::kEof:
      text_.erase(cursor_, next_boundary(cursor_) - cursor_);
      break;
    case KeyCode::kLeft: cursor_ = previous_boundary(cursor_); break;
    case KeyCode::kRight: cursor_ = next_boundary(cursor_); break;
    case KeyCode::kHome: cursor_ = 0; break;
    case KeyCode::kEnd: cursor_ = text_.size(); break;
    case KeyCode::kUp: browse_history(-1); break;
    case KeyCode::kDown: browse_history(+1); break;
    case KeyCode::kKillToEnd: text_.erase(cursor_); break;
    case KeyCode::kKillToStart:
      text_.erase(0, cursor_);
      cursor_ = 0;
      break;
    case KeyCode::kKillWord: {
      size_t from = cursor_;
      while (from > 0 && is_blank(text_[from - 1])) --from;
      while (from > 0 && !is_blank(text_[from - 1])) --from;
      text_.erase(from, cursor_ - from);
      cursor_ = from;
      break;
    }
    case KeyCode::kEnter:
    case KeyCode::kTab:
    case KeyCode::kInterrupt:
    case KeyCode::kClearScreen:
      break;
  }
  return text_ != before || cursor_ != cursor_before;
}

LineBuffer::CompletionResult LineBuffer::complete(const std::vector<std::string>& candidates) {
  CompletionResult result;
  size_t word_start = cursor_;
  while (word_start > 0 && !is_blank(text_[word_start - 1])) --word_start;
  const std::string current = text_.substr(word_start, cursor_ - word_start);

  std::vector<std::string> words;
  for (const std::string& c : candidates)
    if (!c.starts_with('<') && c.starts_with(current)) words.push_back(c);

  const auto replace_current = [&](std::string_view with) {
    text_.replace(word_start, cursor_ - word_start, with);
    cursor_ = word_start + with.size();
    result.changed = true;
  };
  if (words.size() == 1) {
    replace_current(absl::StrCat(words[0], " "));
    return result;
  }
  if (words.size() > 1) {
    std::string common = words[0];
    for (const std::string& w : words) {
      size_t n = 0;
      while (n < common.size() && n < w.size() && common[n] == w[n]) ++n;
      common.resize(n);
    }
    if (common.size() > current.size()) {
      replace_current(common);
      return result;
    }
  }
  result.to_show = candidates;
  return result;
}

// -------------------------------------------------------- TerminalLineEditor

void TerminalLineEditor::write_out(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = write(out_fd_, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
}

void TerminalLineEditor::redraw(std::string_view prompt, const LineBuffer& line) {
  // Back to column 0, draw, clear leftovers, then place the cursor.
  std::string out = absl::StrCat("\r", av(prompt), line.text(), "\x1b[K\r");
  const size_t column = prompt.size() + line.cursor_column();
  if (column > 0) absl::StrAppend(&out, "\x1b[", column, "C");
  write_out(out);
}

std::optional<std::string> TerminalLineEditor::read_plain_line(std::string_view prompt) {
  write_out(prompt);
  std::string line;
  char byte;
  while (true) {
    const ssize_t n = read(in_fd_, &byte, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (line.empty()) return std::nullopt;
      return line;
    }
    if (byte == '\n') return line;
    line.push_back(byte);
  }
}

std::optional<std::string> TerminalLineEditor::read_line(std::string_view prompt) {
  termios original;
  if (!isatty(in_fd_) || tcgetattr(in_fd_, &original) != 0) return read_plain_line(prompt);
  termios raw = original;
  raw.c_iflag &= ~static_cast<tcflag_t>(ICRNL | IXON | BRKINT | INPCK | ISTRIP);
  raw.c_lflag &= ~static_cast<tcflag_t>(ECHO | ICANON | ISIG | IEXTEN);
  raw.c_cc[VMIN] = 1;
  raw.c_cc[VTIME] = 0;
  if (tcsetattr(in_fd_, TCSANOW, &raw) != 0) return read_plain_line(prompt);
  struct Restore {
    int fd;
    const termios& saved;
    ~Restore() { tcsetattr(fd, TCSANOW, &saved); }
  } restore{in_fd_, original};

  LineBuffer line(&history_);
  KeyDecoder decoder;
  redraw(prompt, line);
  while (true) {
    char byte;
    const ssize_t n = read(in_fd_, &byte, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      write_out("\r\n");
      return std::nullopt;
    }
    const std::optional<Key> key = decoder.feed(byte);
    if (!key) continue;
    switch (key->code) {
      case KeyCode::kEnter:
        write_out("\r\n");
        return line.text();
      case KeyCode::kInterrupt:
        write_out("^C\r\n");
        line.clear();
        break;
      case KeyCode::kEof:
        if (line.text().empty()) {
          write_out("\r\n");
          return std::nullopt;
        }
        line.apply(*key);
        break;
      case KeyCode::kTab: {
        if (!completer_) break;
        const LineBuffer::CompletionResult result =
            line.complete(completer_(std::string_view(line.text()).substr(0, line.cursor())));
        if (!result.to_show.empty())
          write_out(absl::StrCat("\r\n", absl::StrJoin(result.to_show, "  "), "\r\n"));
        break;
      }
      case KeyCode::kClearScreen:
        write_out("\x1b[H\x1b[2J");
        break;
      default:
        line.apply(*key);
        break;
    }
    redraw(prompt, line);
  }
}

}  // namespace lns::cli
