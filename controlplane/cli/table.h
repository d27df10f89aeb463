// What a CLI command returns, independent of how it is shown: a Table
// (`show sessions`), a Detail record of key/value pairs (`show session 5`)
// or free text. render() turns it into aligned text for people or JSON for
// scripts:
//
//   Table  text: header line and rows, columns separated by two spaces,
//                numeric columns right-aligned, no trailing blanks.
//          JSON: [{"id":5,"user":"alice"},...], numbers as JSON numbers,
//                an empty cell as null.
//   Detail text: "key:  value" lines with the values aligned.
//          JSON: {"key":value,...}
//   Text   text: as given (a final newline is added if missing).
//          JSON: {"text":"..."}
//
// Cells come from the network (usernames, hostnames) and are hostile: in
// text output control characters and invalid UTF-8 are shown as \xNN so a
// cell can neither break the layout nor send escape sequences to the
// operator's terminal. Alignment counts code points, so double-width
// characters may misalign a column; that is only cosmetic.
#pragma once

#include <concepts>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace lns::cli {

class JsonWriter;

enum class OutputFormat : uint8_t { kText, kJson };

class Cell {
 public:
  // An empty cell: "-" in text, null in JSON.
  Cell() = default;
  Cell(std::string text) : value_(std::move(text)) {}
  Cell(std::string_view text) : value_(std::string(text)) {}
  Cell(const char* text) : value_(std::string(text)) {}
  template <std::integral T>
    requires(!std::same_as<T, bool> && !std::same_as<T, char>)
  Cell(T number) {
    if constexpr (std::is_signed_v<T>) {
      value_ = static_cast<int64_t>(number);
    } else {
      value_ = static_cast<uint64_t>(number);
    }
  }
  // A number with a fixed number of decimals, e.g. a rate or a ratio.
  static Cell decimal(double value, int decimals = 2);
  // "yes"/"no" in text, true/false in JSON.
  static Cell boolean(bool value);

  bool is_empty() const { return std::holds_alternative<std::monostate>(value_); }
  bool is_number() const;
  // The cell as people see it, already made safe for a terminal.
  std::string text() const;
  void write_json(JsonWriter& json) const;

 private:
  struct Decimal {
    double value;
    int decimals;
  };
  std::variant<std::monostate, std::string, uint64_t, int64_t, Decimal, bool> value_;
};

class Table {
 public:
  explicit Table(std::vector<std::string> columns) : columns_(std::move(columns)) {}

  // A row has exactly one cell per column; a short row is padded with empty
  // cells and extra cells are dropped (and assert in debug builds).
  Table& add_row(std::vector<Cell> cells);

  const std::vector<std::string>& columns() const { return columns_; }
  const std::vector<std::vector<Cell>>& rows() const { return rows_; }
  // Numeric columns (every non-empty cell a number, at least one) are
  // right-aligned in text output.
  bool column_is_numeric(size_t column) const;

  std::string render_text() const;
  std::string render_json() const;

 private:
  std::vector<std::string> columns_;
  std::vector<std::vector<Cell>> rows_;
};

class Detail {
 public:
  Detail& add(std::string key, Cell value);
  const std::vector<std::pair<std::string, Cell>>& fields() const { return fields_; }

  std::string render_text() const;
  std::string render_json() const;

 private:
  std::vector<std::pair<std::string, Cell>> fields_;
};

class CommandOutput {
 public:
  // No output: an empty text.
  CommandOutput() = default;
  CommandOutput(Table table) : value_(std::move(table)) {}
  CommandOutput(Detail detail) : value_(std::move(detail)) {}
  static CommandOutput text(std::string text);

  const Table* table() const { return std::get_if<Table>(&value_); }
  const Detail* detail() const { return std::get_if<Detail>(&value_); }
  const std::string* free_text() const { return std::get_if<std::string>(&value_); }

  std::string render(OutputFormat format) const;

 private:
  std::variant<std::string, Table, Detail> value_;
};

// Makes text safe to print on a terminal: keeps printable UTF-8 (and, when
// keep_newlines, "\n" and "\t"); shows everything else as \xNN.
std::string sanitize_for_terminal(std::string_view text, bool keep_newlines);

// The number of code points `text` occupies once sanitized.
size_t display_width(std::string_view sanitized);

}  // namespace lns::cli
