#include "controlplane/cli/table.h"

#include <algorithm>
#include <cassert>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "controlplane/cli/json_writer.h"
#include "controlplane/cli/utf8.h"

namespace lns::cli {
namespace {

constexpr std::string_view kColumnGap = "  ";

void append_padding(std::string* out, size_t n) { out->append(n, ' '); }

void append_line(std::string* out, const std::vector<std::string>& cells,
                 const std::vector<size_t>& widths, const std::vector<bool>& right) {
  const size_t last = cells.size() - 1;
  for (size_t c = 0; c < cells.size(); ++c) {
    if (c > 0) out->append(kColumnGap);
    const size_t pad = widths[c] - display_width(cells[c]);
    if (right[c]) {
      append_padding(out, pad);
      out->append(cells[c]);
    } else {
      out->append(cells[c]);
      if (c != last) append_padding(out, pad);
    }
  }
  out->push_back('\n');
}

}  // namespace

std::string sanitize_for_terminal(std::string_view text, bool keep_newlines) {
  std::string out;
  out.reserve(text.size());
  for (size_t pos = 0; pos < text.size();) {
    const size_t at = pos;
    const std::optional<char32_t> cp = decode_utf8(text, &pos);
    if (!cp) {
      absl::StrAppendFormat(&out, "\\x%02X", static_cast<uint8_t>(text[at]));
      continue;
    }
    const bool layout = *cp == '\n' || *cp == '\t';
    if (is_control_code_point(*cp) && !(keep_newlines && layout)) {
      // C1 controls are two bytes in UTF-8; show each so nothing is hidden.
      for (size_t i = at; i < pos; ++i)
        absl::StrAppendFormat(&out, "\\x%02X", static_cast<uint8_t>(text[i]));
      continue;
    }
    out.append(text.substr(at, pos - at));
  }
  return out;
}

size_t display_width(std::string_view sanitized) {
  size_t width = 0;
  for (size_t pos = 0; pos < sanitized.size();) {
    decode_utf8(sanitized, &pos);
    ++width;
  }
  return width;
}

Cell Cell::decimal(double value, int decimals) {
  Cell cell;
  cell.value_ = Decimal{value, std::clamp(decimals, 0, 17)};
  return cell;
}

Cell Cell::boolean(bool value) {
  Cell cell;
  cell.value_ = value;
  return cell;
}

bool Cell::is_number() const {
  return std::holds_alternative<uint64_t>(value_) || std::holds_alternative<int64_t>(value_) ||
         std::holds_alternative<Decimal>(value_);
}

std::string Cell::text() const {
  struct Visitor {
    std::string operator()(std::monostate) const { return "-"; }
    std::string operator()(const std::string& s) const {
      return sanitize_for_terminal(s, /*keep_newlines=*/false);
    }
    std::string operator()(uint64_t v) const { return absl::StrCat(v); }
    std::string operator()(int64_t v) const { return absl::StrCat(v); }
    std::string operator()(const Decimal& d) const {
      if (!std::isfinite(d.value)) return "-";
      return absl::StrFormat("%.*f", d.decimals, d.value);
    }
    std::string operator()(bool b) const { return b ? "yes" : "no"; }
  };
  return std::visit(Visitor{}, value_);
}

void Cell::write_json(JsonWriter& json) const {
  struct Visitor {
    JsonWriter& json;
    void operator()(std::monostate) const { json.null(); }
    void operator()(const std::string& s) const { json.string(s); }
    void operator()(uint64_t v) const { json.number(v); }
    void operator()(int64_t v) const { json.number(v); }
    void operator()(const Decimal& d) const { json.decimal(d.value, d.decimals); }
    void operator()(bool b) const { json.boolean(b); }
  };
  std::visit(Visitor{json}, value_);
}

Table& Table::add_row(std::vector<Cell> cells) {
  assert(cells.size() == columns_.size() && "one cell per column");
  cells.resize(columns_.size());
  rows_.push_back(std::move(cells));
  return *this;
}

bool Table::column_is_numeric(size_t column) const {
  bool any_number = false;
  for (const auto& row : rows_) {
    const Cell& cell = row[column];
    if (cell.is_empty()) continue;
    if (!cell.is_number()) return false;
    any_number = true;
  }
  return any_number;
}

std::string Table::render_text() const {
  if (columns_.empty()) return "";
  std::vector<std::string> header;
  std::vector<size_t> widths;
  std::vector<bool> right;
  for (size_t c = 0; c < columns_.size(); ++c) {
    header.push_back(sanitize_for_terminal(columns_[c], false));
    widths.push_back(display_width(header.back()));
    right.push_back(column_is_numeric(c));
  }
  std::vector<std::vector<std::string>> cells;
  cells.reserve(rows_.size());
  for (const auto& row : rows_) {
    auto& line = cells.emplace_back();
    for (size_t c = 0; c < row.size(); ++c) {
      line.push_back(row[c].text());
      widths[c] = std::max(widths[c], display_width(line.back()));
    }
  }
  std::string out;
  append_line(&out, header, widths, right);
  for (const auto& line : cells) append_line(&out, line, widths, right);
  return out;
}

std::string Table::render_json() const {
  JsonWriter json;
  json.begin_array();
  for (const auto& row : rows_) {
    json.begin_object();
    for (size_t c = 0; c < columns_.size(); ++c) {
      json.key(columns_[c]);
      row[c].write_json(json);
    }
    json.end_object();
  }
  json.end_array();
  return json.str() + "\n";
}

Detail& Detail::add(std::string key, Cell value) {
  fields_.emplace_back(std::move(key), std::move(value));
  return *this;
}

std::string Detail::render_text() const {
  std::vector<std::string> keys;
  size_t width = 0;
  for (const auto& [key, value] : fields_) {
    keys.push_back(sanitize_for_terminal(key, false));
    width = std::max(width, display_width(keys.back()));
  }
  std::string out;
  for (size_t i = 0; i < fields_.size(); ++i) {
    absl::StrAppend(&out, keys[i], ":");
    append_padding(&out, width - display_width(keys[i]) + 2);
    absl::StrAppend(&out, fields_[i].second.text(), "\n");
  }
  return out;
}

std::string Detail::render_json() const {
  JsonWriter json;
  json.begin_object();
  for (const auto& [key, value] : fields_) {
    json.key(key);
    value.write_json(json);
  }
  json.end_object();
  return json.str() + "\n";
}

CommandOutput CommandOutput::text(std::string text) {
  CommandOutput output;
  output.value_ = std::move(text);
  return output;
}

std::string CommandOutput::render(OutputFormat format) const {
  if (const Table* t = table()) return format == OutputFormat::kJson ? t->render_json() : t->render_text();
  if (const Detail* d = detail())
    return format == OutputFormat::kJson ? d->render_json() : d->render_text();
  const std::string& text = *free_text();
  if (format == OutputFormat::kJson) {
    JsonWriter json;
    json.begin_object().key("text").string(text).end_object();
    return json.str() + "\n";
  }
  std::string out = sanitize_for_terminal(text, /*keep_newlines=*/true);
  if (!out.empty() && out.back() != '\n') out.push_back('\n');
  return out;
}

}  // namespace lns::cli
