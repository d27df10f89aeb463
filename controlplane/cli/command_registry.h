// The CLI command table: commands declared as word sequences with typed
// arguments (syntax in command_syntax.h), each with a one-line help text
// and a handler. Feature code registers its own commands next to the
// feature, e.g.
//
//   registry.add("show session <id:uint>", "Show one session in detail",
//                [&](const ParsedArgs& args) -> absl::StatusOr<CommandOutput> {
//                  const Session* s = sessions.find(args.uint("id"));
//                  if (s == nullptr) return absl::NotFoundError("no session 5");
//                  return describe(*s);            // a Detail
//                });
//   registry.add("show sessions [tunnel <id:uint> | user <name:string> | ip <addr:ipv4>]",
//                "List sessions, optionally only those of one tunnel, user or address",
//                [&](const ParsedArgs& args) { ... args.has("id") ... });
//   registry.add("set log level <level:enum(error,warning,info,debug)>", ...);
//
// execute() runs one command line:
//  - the command whose words all match is run; when several match, the one
//    with the longest name (leading keywords) wins, then the first added;
//  - otherwise the error names what went wrong, always with usage lines:
//      unknown command 'show sesions'             + "did you mean: ..."
//      incomplete command 'show'                  + the commands it starts
//      bad argument 'x' for <id:uint>: expected an unsigned integer
//      bad argument 'x': expected tunnel, user, ip or end of line
//      missing argument: expected <id:uint>
//  - built-ins: "help [words]" and "words ?" list commands (all, or those
//    that can continue the given words; "sh?" lists those whose next word
//    starts with "sh"); "complete <partial line>" lists the possible next
//    words, one per line (see complete()).
//
// Handlers run on the control-plane thread and must not block.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "controlplane/cli/command_syntax.h"
#include "controlplane/cli/table.h"

namespace lns::cli {

// The arguments of a matched command, by the names used in its syntax.
class ParsedArgs {
 public:
  // An argument that was given, or a keyword that was typed (useful for
  // flag-like optional words: "show sessions [detail]" -> has("detail")).
  bool has(std::string_view name) const;
  // Typed accessors: the argument must exist (check has() for optional
  // ones) and have that type; otherwise they return 0 / "" (and assert in
  // debug builds), since that is a mistake in the handler, not user input.
  uint64_t uint(std::string_view name) const;
  // string and enum arguments.
  const std::string& string(std::string_view name) const;
  // Host byte order.
  uint32_t ipv4(std::string_view name) const;

  std::optional<uint64_t> optional_uint(std::string_view name) const;
  std::optional<std::string> optional_string(std::string_view name) const;
  std::optional<uint32_t> optional_ipv4(std::string_view name) const;

  // For the matcher, and for tests that call handlers directly.
  void set(std::string name, ArgValue value);
  void add_keyword(std::string keyword);

 private:
  const ArgValue* find(std::string_view name) const;

  std::vector<std::pair<std::string, ArgValue>> values_;
  std::vector<std::string> keywords_;
};

using CommandHandler = std::function<absl::StatusOr<CommandOutput>(const ParsedArgs&)>;

class CommandRegistry {
 public:
  CommandRegistry();
  ~CommandRegistry();
  CommandRegistry(const CommandRegistry&) = delete;
  CommandRegistry& operator=(const CommandRegistry&) = delete;

  // Fails on a malformed syntax, a command that could never be told apart
  // from one already added (same words and argument types), or a name that
  // collides with the built-ins help and complete.
  absl::Status add(std::string_view syntax, std::string_view help, CommandHandler handler);

  // Runs one command line (without the "--json" prefix; see cli_protocol.h).
  // An empty line gives an empty output.
  absl::StatusOr<CommandOutput> execute(std::string_view line) const;

  // The words that can come next: if `partial_line` ends in a blank (or is
  // empty), the words that can follow it; otherwise the words that can
  // replace its last, partly typed word. Keywords and enum values are real
  // candidates; an argument that cannot be enumerated is given as its
  // spelling, e.g. "<id:uint>", which a client shows as a hint but does not
  // insert. Sorted, without duplicates.
  std::vector<std::string> complete(std::string_view partial_line) const;

  // Usage lines of every command, sorted.
  std::vector<std::string> usages() const;

 private:
  struct Command;

  absl::StatusOr<CommandOutput> run(const std::vector<std::string>& words) const;
  absl::StatusOr<CommandOutput> help(const std::vector<std::string>& words,
                                     std::optional<std::string> partial) const;
  absl::Status explain_failure(const std::vector<std::string>& words) const;

  std::vector<std::unique_ptr<Command>> commands_;
};

}  // namespace lns::cli
