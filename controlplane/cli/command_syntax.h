// The declaration language of CLI commands and the typed arguments in it.
//
//   syntax   := keyword element*
//   element  := keyword | argument | '[' sequence ('|' sequence)* ']'
//   sequence := element+
//   argument := '<' name ':' type '>'
//   type     := 'uint' | 'uint(' min '-' max ')' | 'string' | 'ipv4'
//             | 'enum(' word (',' word)* ')'
//
// Keywords and enum words are [A-Za-z0-9_.-]+ not starting with '-'.
// A bracketed group is optional and takes at most one of its alternatives;
// consecutive groups may be given in any order, each at most once, so
//   capture start port <port:enum(access,core)> [session <id:uint>] [count <n:uint>] file <path:string>
// accepts both "... session 5 count 10 file x" and "... count 10 session 5 file x".
// Argument names are unique within a command.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"

namespace lns::cli {

enum class ArgType : uint8_t { kUint, kString, kIpv4, kEnum };

struct Ipv4Arg {
  uint32_t host_order = 0;
  bool operator==(const Ipv4Arg&) const = default;
};

// uint -> uint64_t, string and enum -> std::string, ipv4 -> Ipv4Arg.
using ArgValue = std::variant<uint64_t, std::string, Ipv4Arg>;

struct ArgSpec {
  std::string name;
  ArgType type = ArgType::kString;
  std::vector<std::string> choices;  // kEnum
  uint64_t min = 0;                  // kUint
  uint64_t max = std::numeric_limits<uint64_t>::max();

  // "<id:uint>", "<level:enum(error,warning)>".
  std::string spelling() const;
  // The value of a word typed for this argument, or why it does not fit
  // ("expected an unsigned integer").
  absl::StatusOr<ArgValue> parse(std::string_view word) const;
};

struct Element;
using Sequence = std::vector<Element>;

struct Element {
  enum class Kind : uint8_t { kKeyword, kArgument, kOptional };
  Kind kind = Kind::kKeyword;
  std::string keyword;            // kKeyword
  ArgSpec argument;               // kArgument
  std::vector<Sequence> choices;  // kOptional: the alternatives
};

struct CommandSyntax {
  Sequence elements;
  // Number of leading keywords: "show sessions [...]" has 2. These words
  // name the command; what follows are its arguments.
  size_t name_length = 0;
  // Canonical spelling, shown in usage lines and help.
  std::string usage;
  // The usage with argument names removed: two commands with the same
  // shape could never be told apart.
  std::string shape;
};

absl::StatusOr<CommandSyntax> parse_command_syntax(std::string_view text);

// Strict dotted quad without leading zeros; host byte order.
absl::StatusOr<uint32_t> parse_ipv4_address(std::string_view text);
std::string format_ipv4_address(uint32_t host_order);

}  // namespace lns::cli
