// Matches typed words against one command's syntax. Explores every way the
// optional groups can be taken (commands are short, so this is cheap) and
// reports either the bound arguments or how far the words got and what
// would have been accepted there: the raw material for "bad argument",
// "missing argument", "unknown command" and completion.
#pragma once

#include <string>
#include <vector>

#include "controlplane/cli/command_syntax.h"

namespace lns::cli {

struct Expectation {
  // What would have been accepted at the failure point; nullptr means the
  // end of the command (no more words).
  const Element* element = nullptr;
  // The element begins an optional group, so leaving it out was also fine.
  bool optional = false;
  // When the word was there but did not fit this argument: why.
  std::string problem;
  // Where element sits, to show what comes right after it in messages.
  const Sequence* sequence = nullptr;
  size_t index = 0;
};

struct MatchResult {
  bool matched = false;
  // From the first complete match (greedy: optional groups taken first).
  std::vector<std::pair<std::string, ArgValue>> arguments;
  std::vector<std::string> keywords;
  // The furthest word index any attempt stopped at, and what each attempt
  // that stopped there would have accepted. When every word was consumed
  // (fail_pos == words.size()) these are the possible next words.
  size_t fail_pos = 0;
  std::vector<Expectation> expected;
};

MatchResult match_command(const CommandSyntax& syntax, const std::vector<std::string>& words);

}  // namespace lns::cli
