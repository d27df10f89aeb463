#include "controlplane/cli/command_registry.h"

#include <algorithm>
#include <cassert>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "controlplane/cli/cli_protocol.h"
#include "controlplane/cli/command_matcher.h"
#include "controlplane/cli/string_view_compat.h"

namespace lns::cli {
namespace {

constexpr std::string_view kHelp = "help";
constexpr std::string_view kComplete = "complete";
constexpr size_t kMaxSuggestions = 6;

bool is_blank(char c) { return c == ' ' || c == '\t'; }

// "a", "a or b", "a, b or c".
std::string join_alternatives(const std::vector<std::string>& items) {
  if (items.empty()) return "";
  if (items.size() == 1) return items[0];
  return absl::StrCat(absl::StrJoin(items.begin(), items.end() - 1, ", "), " or ", items.back());
}

void push_unique(std::vector<std::string>* list, std::string item) {
  if (std::find(list->begin(), list->end(), item) == list->end()) list->push_back(std::move(item));
}

// Optimal string alignment distance: edits plus adjacent transpositions,
// the usual typing mistakes.
size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

// The keywords close enough to a mistyped word to be worth suggesting.
std::vector<std::string> closest_words(std::string_view typed, const std::vector<std::string>& words) {
  const size_t tolerance = std::max<size_t>(1, typed.size() / 3);
  std::vector<std::pair<size_t, std::string>> scored;
  for (const std::string& w : words) {
    const size_t d = edit_distance(typed, w);
    if (d <= tolerance || w.starts_with(typed)) scored.emplace_back(d, w);
  }
  std::sort(scored.begin(), scored.end());
  std::vector<std::string> out;
  for (auto& [d, w] : scored) {
    if (out.size() == kMaxSuggestions) break;
    out.push_back(std::move(w));
  }
  return out;
}

// How an expected element reads in a message: a keyword with the argument
// that follows it ("file <path:string>"), an argument's spelling, or the
// end of the line.
std::string describe(const Expectation& e) {
  if (e.element == nullptr) return "end of line";
  if (e.element->kind == Element::Kind::kArgument) return e.element->argument.spelling();
  if (e.element->kind == Element::Kind::kKeyword) {
    std::string text = e.element->keyword;
    if (e.sequence != nullptr && e.index + 1 < e.sequence->size() &&
        (*e.sequence)[e.index + 1].kind == Element::Kind::kArgument)
      absl::StrAppend(&text, " ", (*e.sequence)[e.index + 1].argument.spelling());
    return text;
  }
  return "?";
}

std::string describe_short(const Expectation& e) {
  if (e.element == nullptr) return "end of line";
  if (e.element->kind == Element::Kind::kArgument) return e.element->argument.spelling();
  return e.element->keyword;
}

std::string join_words(const std::vector<std::string>& words, size_t count) {
  return absl::StrJoin(words.begin(), words.begin() + std::min(count, words.size()), " ");
}

}  // namespace

// ---------------------------------------------------------------- ParsedArgs

const ArgValue* ParsedArgs::find(std::string_view name) const {
  for (const auto& [n, v] : values_)
    if (n == name) return &v;
  return nullptr;
}

bool ParsedArgs::has(std::string_view name) const {
  return find(name) != nullptr ||
         std::find(keywords_.begin(), keywords_.end(), name) != keywords_.end();
}

uint64_t ParsedArgs::uint(std::string_view name) const {
  const ArgValue* v = find(name);
  assert(v != nullptr && std::holds_alternative<uint64_t>(*v));
  return v != nullptr && std::holds_alternative<uint64_t>(*v) ? std::get<uint64_t>(*v) : 0;
}

const std::string& ParsedArgs::string(std::string_view name) const {
  static const std::string kEmpty;
  const ArgValue* v = find(name);
  assert(v != nullptr && std::holds_alternative<std::string>(*v));
  return v != nullptr && std::holds_alternative<std::string>(*v) ? std::get<std::string>(*v) : kEmpty;
}

uint32_t ParsedArgs::ipv4(std::string_view name) const {
  const ArgValue* v = find(name);
  assert(v != nullptr && std::holds_alternative<Ipv4Arg>(*v));
  return v != nullptr && std::holds_alternative<Ipv4Arg>(*v) ? std::get<Ipv4Arg>(*v).host_order : 0;
}

std::optional<uint64_t> ParsedArgs::optional_uint(std::string_view name) const {
  if (find(name) == nullptr) return std::nullopt;
  return uint(name);
}

std::optional<std::string> ParsedArgs::optional_string(std::string_view name) const {
  if (find(name) == nullptr) return std::nullopt;
  return string(name);
}

std::optional<uint32_t> ParsedArgs::optional_ipv4(std::string_view name) const {
  if (find(name) == nullptr) return std::nullopt;
  return ipv4(name);
}

void ParsedArgs::set(std::string name, ArgValue value) {
  values_.emplace_back(std::move(name), std::move(value));
}

void ParsedArgs::add_keyword(std::string keyword) { keywords_.push_back(std::move(keyword)); }

// ----------------------------------------------------------- CommandRegistry

struct CommandRegistry::Command {
  CommandSyntax syntax;
  std::string help;
  CommandHandler handler;
};

CommandRegistry::CommandRegistry() = default;
CommandRegistry::~CommandRegistry() = default;

absl::Status CommandRegistry::add(std::string_view syntax, std::string_view help,
                                  CommandHandler handler) {
  auto parsed = parse_command_syntax(syntax);
  if (!parsed.ok())
    return absl::InvalidArgumentError(
        absl::StrCat("bad command syntax '", av(syntax), "': ", parsed.status().message()));
  const std::string& first = parsed->elements.front().keyword;
  if (first == kHelp || first == kComplete)
    return absl::InvalidArgumentError(absl::StrCat("'", first, "' is a built-in command"));
  if (!handler) return absl::InvalidArgumentError(absl::StrCat("command '", av(syntax), "' has no handler"));
  for (const auto& c : commands_) {
    if (c->syntax.shape == parsed->shape)
      return absl::AlreadyExistsError(absl::StrCat("command '", parsed->usage,
                                                   "' cannot be told apart from '", c->syntax.usage, "'"));
  }
  auto command = std::make_unique<Command>();
  command->syntax = std::move(*parsed);
  command->help = std::string(help);
  command->handler = std::move(handler);
  commands_.push_back(std::move(command));
  return absl::OkStatus();
}

std::vector<std::string> CommandRegistry::usages() const {
  std::vector<std::string> out;
  for (const auto& c : commands_) out.push_back(c->syntax.usage);
  std::sort(out.begin(), out.end());
  return out;
}

absl::StatusOr<CommandOutput> CommandRegistry::execute(std::string_view line) const {
  auto tokens = tokenize(line);
  if (!tokens.ok()) return tokens.status();
  if (tokens->empty()) return CommandOutput();

  std::vector<std::string> words;
  for (const Word& w : *tokens) words.push_back(w.text);
  const Word& first = tokens->front();
  const Word& last = tokens->back();

  if (!first.quoted && first.text == kComplete) {
    // The rest of the raw line, trailing blanks included: they decide
    // whether the last word is finished.
    size_t at = 0;
    while (at < line.size() && is_blank(line[at])) ++at;
    at += kComplete.size();
    if (at < line.size()) ++at;  // the one blank separating the partial line
    std::string text;
    for (const std::string& candidate : complete(line.substr(at))) absl::StrAppend(&text, candidate, "\n");
    return CommandOutput::text(std::move(text));
  }
  if (!last.quoted && last.text.ends_with('?')) {
    std::string partial = last.text.substr(0, last.text.size() - 1);
    words.pop_back();
    if (!words.empty() && !first.quoted && first.text == kHelp) words.erase(words.begin());
    return help(words, partial.empty() ? std::nullopt : std::optional<std::string>(partial));
  }
  if (!first.quoted && first.text == kHelp) {
    words.erase(words.begin());
    return help(words, std::nullopt);
  }
  return run(words);
}

absl::StatusOr<CommandOutput> CommandRegistry::run(const std::vector<std::string>& words) const {
  const Command* best = nullptr;
  MatchResult best_match;
  for (const auto& c : commands_) {
    MatchResult r = match_command(c->syntax, words);
    if (r.matched && (best == nullptr || c->syntax.name_length > best->syntax.name_length)) {
      best = c.get();
      best_match = std::move(r);
    }
  }
  if (best == nullptr) return explain_failure(words);
  ParsedArgs args;
  for (auto& [name, value] : best_match.arguments) args.set(name, std::move(value));
  for (auto& keyword : best_match.keywords) args.add_keyword(std::move(keyword));
  return best->handler(args);
}

absl::Status CommandRegistry::explain_failure(const std::vector<std::string>& words) const {
  std::vector<std::pair<const Command*, MatchResult>> tied;
  size_t furthest = 0;
  for (const auto& c : commands_) {
    MatchResult r = match_command(c->syntax, words);
    if (r.expected.empty()) continue;
    if (r.fail_pos > furthest) {
      furthest = r.fail_pos;
      tied.clear();
    }
    if (r.fail_pos == furthest) tied.emplace_back(c.get(), std::move(r));
  }
  std::sort(tied.begin(), tied.end(), [](const auto& a, const auto& b) {
    return a.first->syntax.usage < b.first->syntax.usage;
  });

  const bool in_arguments = std::any_of(tied.begin(), tied.end(), [&](const auto& t) {
    return furthest >= t.first->syntax.name_length;
  });
  const bool at_end = furthest == words.size();

  if (!in_arguments) {
    const std::string typed = join_words(words, furthest + 1);
    if (tied.empty())
      return absl::InvalidArgumentError(
          absl::StrCat("unknown command '", typed, "' (type 'help' for the list of commands)"));
    if (at_end) {
      std::string message = absl::StrCat("incomplete command '", typed, "'; it can be:");
      for (const auto& [c, r] : tied) absl::StrAppend(&message, "\n  ", c->syntax.usage);
      return absl::InvalidArgumentError(message);
    }
    std::vector<std::string> next_words;
    for (const auto& [c, r] : tied)
      for (const Expectation& e : r.expected)
        if (e.element != nullptr && e.element->kind == Element::Kind::kKeyword)
          push_unique(&next_words, e.element->keyword);
    std::sort(next_words.begin(), next_words.end());
    const std::string prefix = join_words(words, furthest);
    std::string message = absl::StrCat("unknown command '", typed, "'");
    const std::vector<std::string> close = closest_words(words[furthest], next_words);
    if (!close.empty()) {
      std::vector<std::string> suggestions;
      for (const std::string& w : close) suggestions.push_back(prefix.empty() ? w : absl::StrCat(prefix, " ", w));
      absl::StrAppend(&message, "\ndid you mean: ", absl::StrJoin(suggestions, ", "));
    } else if (furthest > 0) {
      absl::StrAppend(&message, "\n'", prefix, "' can be followed by: ", absl::StrJoin(next_words, ", "));
    } else {
      absl::StrAppend(&message, " (type 'help' for the list of commands)");
    }
    return absl::InvalidArgumentError(message);
  }

  std::string message;
  if (at_end) {
    std::vector<std::string> required;
    for (const auto& [c, r] : tied)
      for (const Expectation& e : r.expected)
        if (e.element != nullptr && !e.optional) push_unique(&required, describe(e));
    message = absl::StrCat("missing argument: expected ", join_alternatives(required));
  } else {
    const std::string& word = words[furthest];
    const Expectation* problem = nullptr;
    std::vector<std::string> accepted;
    for (const auto& [c, r] : tied) {
      for (const Expectation& e : r.expected) {
        if (!e.problem.empty() && problem == nullptr) problem = &e;
        if (e.element != nullptr) push_unique(&accepted, describe_short(e));
      }
    }
    for (const auto& [c, r] : tied)
      for (const Expectation& e : r.expected)
        if (e.element == nullptr) push_unique(&accepted, describe_short(e));
    if (problem != nullptr) {
      message = absl::StrCat("bad argument '", word, "' for ", problem->element->argument.spelling(), ": ",
                             problem->problem);
    } else {
      message = absl::StrCat("bad argument '", word, "': expected ", join_alternatives(accepted));
    }
  }
  const char* label = "\nusage: ";
  for (const auto& [c, r] : tied) {
    absl::StrAppend(&message, label, c->syntax.usage);
    label = "\n       ";
  }
  return absl::InvalidArgumentError(message);
}

absl::StatusOr<CommandOutput> CommandRegistry::help(const std::vector<std::string>& words,
                                                    std::optional<std::string> partial) const {
  struct Row {
    std::string usage;
    std::string help;
  };
  std::vector<Row> rows;
  const auto partial_fits = [&](const MatchResult& r) {
    for (const Expectation& e : r.expected) {
      if (e.element == nullptr) continue;
      if (e.element->kind == Element::Kind::kKeyword && e.element->keyword.starts_with(*partial)) return true;
      if (e.element->kind == Element::Kind::kArgument)
        for (const std::string& choice : e.element->argument.choices)
          if (choice.starts_with(*partial)) return true;
    }
    return false;
  };
  for (const auto& c : commands_) {
    const MatchResult r = match_command(c->syntax, words);
    const bool can_continue = !r.expected.empty() && r.fail_pos == words.size();
    const bool listed = partial ? can_continue && partial_fits(r) : (r.matched || can_continue);
    if (listed) rows.push_back({c->syntax.usage, c->help});
  }
  if (words.empty()) {
    const std::string p = partial.value_or("");
    if (std::string_view(kHelp).starts_with(p))
      rows.push_back({"help [<words>]", "List commands, or those that can continue the words (also: <words> ?)"});
    if (std::string_view(kComplete).starts_with(p))
      rows.push_back({"complete <partial line>", "List the words that can come next, one per line"});
  }
  if (rows.empty()) {
    std::string typed = absl::StrJoin(words, " ");
    if (partial) absl::StrAppend(&typed, typed.empty() ? "" : " ", *partial, "...");
    return absl::InvalidArgumentError(
        absl::StrCat("no command matches '", typed, "' (type 'help' for the list of commands)"));
  }
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.usage < b.usage; });
  Table table({"command", "description"});
  for (Row& row : rows) table.add_row({std::move(row.usage), std::move(row.help)});
  return CommandOutput(std::move(table));
}

std::vector<std::string> CommandRegistry::complete(std::string_view partial_line) const {
  auto tokens = tokenize(partial_line);
  if (!tokens.ok()) return {};
  std::vector<std::string> words;
  for (const Word& w : *tokens) words.push_back(w.text);
  std::string current;
  if (!partial_line.empty() && !is_blank(partial_line.back()) && !words.empty()) {
    current = std::move(words.back());
    words.pop_back();
  }
  if (!words.empty() && !tokens->front().quoted && words.front() == kHelp) words.erase(words.begin());

  std::vector<std::string> out;
  if (words.empty() && std::string_view(kHelp).starts_with(current)) out.emplace_back(kHelp);
  for (const auto& c : commands_) {
    const MatchResult r = match_command(c->syntax, words);
    if (r.expected.empty() || r.fail_pos != words.size()) continue;
    for (const Expectation& e : r.expected) {
      if (e.element == nullptr) continue;
      if (e.element->kind == Element::Kind::kKeyword) {
        if (e.element->keyword.starts_with(current)) out.push_back(e.element->keyword);
      } else if (e.element->argument.type == ArgType::kEnum) {
        for (const std::string& choice : e.element->argument.choices)
          if (choice.starts_with(current)) out.push_back(choice);
      } else if (current.empty()) {
        out.push_back(e.element->argument.spelling());
      }
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace lns::cli
