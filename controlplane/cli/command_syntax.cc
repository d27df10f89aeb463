#include "controlplane/cli/command_syntax.h"

#include <charconv>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace lns::cli {
namespace {

bool is_word_char(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
}

bool is_valid_word(absl::string_view w) {
  if (w.empty() || w[0] == '-') return false;
  for (char c : w)
    if (!is_word_char(c)) return false;
  return true;
}

bool is_valid_name(absl::string_view n) {
  if (n.empty() || absl::ascii_isdigit(static_cast<unsigned char>(n[0]))) return false;
  for (char c : n)
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  return true;
}

absl::StatusOr<uint64_t> parse_decimal(absl::string_view digits) {
  if (digits.empty()) return absl::InvalidArgumentError("empty number");
  for (char c : digits)
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c)))
      return absl::InvalidArgumentError("not a number");
  uint64_t value = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc() || end != digits.data() + digits.size())
    return absl::OutOfRangeError("number too large");
  return value;
}

// Splits the declaration into '[', ']', '|', '<...>' and words.
absl::StatusOr<std::vector<std::string>> lex(absl::string_view text) {
  std::vector<std::string> tokens;
  for (size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (c == ' ' || c == '\t') {
      ++i;
    } else if (c == '[' || c == ']' || c == '|') {
      tokens.emplace_back(1, c);
      ++i;
    } else if (c == '<') {
      const size_t close = text.find('>', i);
      if (close == absl::string_view::npos)
        return absl::InvalidArgumentError(absl::StrFormat("unclosed '<' at column %u", i + 1));
      tokens.emplace_back(text.substr(i, close - i + 1));
      i = close + 1;
    } else {
      size_t end = i;
      while (end < text.size() && absl::string_view(" \t[]|<>").find(text[end]) == absl::string_view::npos)
        ++end;
      if (end == i) return absl::InvalidArgumentError(absl::StrFormat("stray '%c'", c));
      tokens.emplace_back(text.substr(i, end - i));
      i = end;
    }
  }
  return tokens;
}

absl::StatusOr<ArgSpec> parse_argument(absl::string_view token) {
  // token is "<name:type>"
  const absl::string_view inner = absl::StripAsciiWhitespace(token.substr(1, token.size() - 2));
  const size_t colon = inner.find(':');
  if (colon == absl::string_view::npos)
    return absl::InvalidArgumentError(absl::StrCat("argument ", token, " needs a type: <name:type>"));
  ArgSpec arg;
  arg.name = std::string(absl::StripAsciiWhitespace(inner.substr(0, colon)));
  if (!is_valid_name(arg.name))
    return absl::InvalidArgumentError(absl::StrCat("bad argument name in ", token));
  absl::string_view type = absl::StripAsciiWhitespace(inner.substr(colon + 1));
  absl::string_view params;
  bool has_params = false;
  if (const size_t open = type.find('('); open != absl::string_view::npos) {
    if (!absl::EndsWith(type, ")"))
      return absl::InvalidArgumentError(absl::StrCat("unclosed '(' in ", token));
    params = type.substr(open + 1, type.size() - open - 2);
    type = absl::StripAsciiWhitespace(type.substr(0, open));
    has_params = true;
  }
  if (type == "uint") {
    arg.type = ArgType::kUint;
    if (has_params) {
      const std::vector<absl::string_view> bounds = absl::StrSplit(params, '-');
      if (bounds.size() != 2)
        return absl::InvalidArgumentError(absl::StrCat("uint range must be (min-max) in ", token));
      auto lo = parse_decimal(absl::StripAsciiWhitespace(bounds[0]));
      auto hi = parse_decimal(absl::StripAsciiWhitespace(bounds[1]));
      if (!lo.ok() || !hi.ok() || *lo > *hi)
        return absl::InvalidArgumentError(absl::StrCat("bad uint range in ", token));
      arg.min = *lo;
      arg.max = *hi;
    }
  } else if (type == "string" || type == "ipv4") {
    if (has_params) return absl::InvalidArgumentError(absl::StrCat(type, " takes no parameters in ", token));
    arg.type = type == "string" ? ArgType::kString : ArgType::kIpv4;
  } else if (type == "enum") {
    arg.type = ArgType::kEnum;
    absl::flat_hash_set<std::string> seen;
    for (absl::string_view choice : absl::StrSplit(params, ',')) {
      choice = absl::StripAsciiWhitespace(choice);
      if (!is_valid_word(choice))
        return absl::InvalidArgumentError(absl::StrCat("bad enum word '", choice, "' in ", token));
      if (!seen.insert(std::string(choice)).second)
        return absl::InvalidArgumentError(absl::StrCat("enum word '", choice, "' repeated in ", token));
      arg.choices.emplace_back(choice);
    }
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown argument type '", type, "' in ", token,
                     " (expected uint, string, ipv4 or enum(...))"));
  }
  return arg;
}

class SyntaxParser {
 public:
  explicit SyntaxParser(std::vector<std::string> tokens) : tokens_(std::move(tokens)) {}

  absl::StatusOr<Sequence> parse_all() {
    auto seq = parse_sequence();
    if (!seq.ok()) return seq.status();
    if (pos_ < tokens_.size())
      return absl::InvalidArgumentError(absl::StrCat("unexpected '", tokens_[pos_], "'"));
    return seq;
  }

 private:
  absl::StatusOr<Sequence> parse_sequence() {
    Sequence seq;
    while (pos_ < tokens_.size()) {
      const std::string& t = tokens_[pos_];
      if (t == "]" || t == "|") break;
      if (t == "[") {
        ++pos_;
        auto group = parse_group();
        if (!group.ok()) return group.status();
        seq.push_back(std::move(*group));
      } else if (t[0] == '<') {
        auto arg = parse_argument(t);
        if (!arg.ok()) return arg.status();
        if (!names_.insert(arg->name).second)
          return absl::InvalidArgumentError(absl::StrCat("argument name '", arg->name, "' used twice"));
        Element e;
        e.kind = Element::Kind::kArgument;
        e.argument = std::move(*arg);
        seq.push_back(std::move(e));
        ++pos_;
      } else {
        if (!is_valid_word(t))
          return absl::InvalidArgumentError(absl::StrCat("bad keyword '", t, "'"));
        Element e;
        e.kind = Element::Kind::kKeyword;
        e.keyword = t;
        seq.push_back(std::move(e));
        ++pos_;
      }
    }
    return seq;
  }

  absl::StatusOr<Element> parse_group() {
    Element group;
    group.kind = Element::Kind::kOptional;
    while (true) {
      auto alt = parse_sequence();
      if (!alt.ok()) return alt.status();
      if (alt->empty()) return absl::InvalidArgumentError("empty alternative in '[...]'");
      group.choices.push_back(std::move(*alt));
      if (pos_ >= tokens_.size()) return absl::InvalidArgumentError("unclosed '['");
      if (tokens_[pos_++] == "]") return group;  // otherwise it was '|'
    }
  }

  std::vector<std::string> tokens_;
  size_t pos_ = 0;
  absl::flat_hash_set<std::string> names_;
};

std::string render(const Sequence& seq, bool with_names) {
  std::vector<std::string> parts;
  for (const Element& e : seq) {
    switch (e.kind) {
      case Element::Kind::kKeyword:
        parts.push_back(e.keyword);
        break;
      case Element::Kind::kArgument: {
        std::string s = e.argument.spelling();
        if (!with_names) s = absl::StrCat("<", s.substr(s.find(':') + 1));
        parts.push_back(std::move(s));
        break;
      }
      case Element::Kind::kOptional: {
        std::vector<std::string> alts;
        for (const Sequence& alt : e.choices) alts.push_back(render(alt, with_names));
        parts.push_back(absl::StrCat("[", absl::StrJoin(alts, " | "), "]"));
        break;
      }
    }
  }
  return absl::StrJoin(parts, " ");
}

}  // namespace

std::string ArgSpec::spelling() const {
  switch (type) {
    case ArgType::kUint:
      if (min != 0 || max != std::numeric_limits<uint64_t>::max())
        return absl::StrFormat("<%s:uint(%u-%u)>", name, min, max);
      return absl::StrCat("<", name, ":uint>");
    case ArgType::kString:
      return absl::StrCat("<", name, ":string>");
    case ArgType::kIpv4:
      return absl::StrCat("<", name, ":ipv4>");
    case ArgType::kEnum:
      return absl::StrCat("<", name, ":enum(", absl::StrJoin(choices, ","), ")>");
  }
  return "<?>";
}

absl::StatusOr<ArgValue> ArgSpec::parse(std::string_view word_in) const {
  const absl::string_view word(word_in.data(), word_in.size());
  switch (type) {
    case ArgType::kUint: {
      auto value = parse_decimal(word);
      if (!value.ok() || *value < min || *value > max) {
        if (min != 0 || max != std::numeric_limits<uint64_t>::max())
          return absl::InvalidArgumentError(
              absl::StrFormat("expected an unsigned integer from %u to %u", min, max));
        return absl::InvalidArgumentError(
            value.status().code() == absl::StatusCode::kOutOfRange
                ? "expected an unsigned integer below 2^64"
                : "expected an unsigned integer");
      }
      return ArgValue(*value);
    }
    case ArgType::kString:
      return ArgValue(std::string(word));
    case ArgType::kIpv4: {
      auto address = parse_ipv4_address(word_in);
      if (!address.ok())
        return absl::InvalidArgumentError("expected an IPv4 address like 192.0.2.1");
      return ArgValue(Ipv4Arg{*address});
    }
    case ArgType::kEnum:
      for (const std::string& choice : choices)
        if (choice == word) return ArgValue(choice);
      return absl::InvalidArgumentError(absl::StrCat("expected one of ", absl::StrJoin(choices, ", ")));
  }
  return absl::InternalError("unknown argument type");
}

absl::StatusOr<CommandSyntax> parse_command_syntax(std::string_view text_in) {
  const absl::string_view text(text_in.data(), text_in.size());
  auto tokens = lex(text);
  if (!tokens.ok()) return tokens.status();
  auto elements = SyntaxParser(std::move(*tokens)).parse_all();
  if (!elements.ok()) return elements.status();
  if (elements->empty() || elements->front().kind != Element::Kind::kKeyword)
    return absl::InvalidArgumentError("a command starts with a keyword");
  CommandSyntax syntax;
  syntax.elements = std::move(*elements);
  while (syntax.name_length < syntax.elements.size() &&
         syntax.elements[syntax.name_length].kind == Element::Kind::kKeyword)
    ++syntax.name_length;
  syntax.usage = render(syntax.elements, true);
  syntax.shape = render(syntax.elements, false);
  return syntax;
}

absl::StatusOr<uint32_t> parse_ipv4_address(std::string_view text_in) {
  const absl::string_view text(text_in.data(), text_in.size());
  const std::vector<absl::string_view> parts = absl::StrSplit(text, '.');
  if (parts.size() != 4) return absl::InvalidArgumentError("expected four dotted numbers");
  uint32_t address = 0;
  for (absl::string_view part : parts) {
    if (part.empty() || part.size() > 3 || (part.size() > 1 && part[0] == '0'))
      return absl::InvalidArgumentError("bad octet");
    auto value = parse_decimal(part);
    if (!value.ok() || *value > 255) return absl::InvalidArgumentError("bad octet");
    address = (address << 8) | static_cast<uint32_t>(*value);
  }
  return address;
}

std::string format_ipv4_address(uint32_t a) {
  return absl::StrFormat("%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff, a & 0xff);
}

}  // namespace lns::cli
