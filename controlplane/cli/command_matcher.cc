#include "controlplane/cli/command_matcher.h"

#include <cstdint>
#include <functional>

namespace lns::cli {
namespace {

using Continuation = std::function<void(size_t pos)>;

class Matcher {
 public:
  explicit Matcher(const std::vector<std::string>& words) : words_(words) {}

  MatchResult run(const CommandSyntax& syntax) {
    sequence(syntax.elements, 0, 0, false, [this](size_t pos) {
      if (pos == words_.size()) {
        if (!result_.matched) {
          result_.matched = true;
          result_.arguments = arguments_;
          result_.keywords = keywords_;
        }
      } else {
        expect(pos, Expectation{});
      }
    });
    return std::move(result_);
  }

 private:
  void expect(size_t pos, Expectation e) {
    if (result_.expected.empty() || pos > result_.fail_pos) {
      result_.fail_pos = pos;
      result_.expected.clear();
    } else if (pos < result_.fail_pos) {
      return;
    }
    result_.expected.push_back(std::move(e));
  }

  // Matches seq[i..] from word `pos`, then calls next for each way it fit.
  void sequence(const Sequence& seq, size_t i, size_t pos, bool optional_start,
                const Continuation& next) {
    if (i == seq.size()) {
      next(pos);
      return;
    }
    const Element& e = seq[i];
    if (e.kind == Element::Kind::kOptional) {
      size_t end = i;
      while (end < seq.size() && seq[end].kind == Element::Kind::kOptional) ++end;
      optional_run(seq, i, end, 0, pos, optional_start, next);
      return;
    }
    const Expectation here{&e, optional_start, "", &seq, i};
    if (pos == words_.size()) {
      expect(pos, here);
      return;
    }
    if (e.kind == Element::Kind::kKeyword) {
      if (words_[pos] != e.keyword) {
        expect(pos, here);
        return;
      }
      keywords_.push_back(e.keyword);
      sequence(seq, i + 1, pos + 1, false, next);
      keywords_.pop_back();
      return;
    }
    auto value = e.argument.parse(words_[pos]);
    if (!value.ok()) {
      Expectation bad = here;
      bad.problem = std::string(value.status().message());
      expect(pos, std::move(bad));
      return;
    }
    arguments_.emplace_back(e.argument.name, std::move(*value));
    sequence(seq, i + 1, pos + 1, false, next);
    arguments_.pop_back();
  }

  // Groups seq[begin, end) may each be taken once, in any order.
  void optional_run(const Sequence& seq, size_t begin, size_t end, uint64_t used, size_t pos,
                    bool optional_start, const Continuation& next) {
    for (size_t g = begin; g < end && g - begin < 64; ++g) {
      const uint64_t bit = uint64_t{1} << (g - begin);
      if (used & bit) continue;
      for (const Sequence& alternative : seq[g].choices) {
        sequence(alternative, 0, pos, true, [&, bit](size_t after) {
          optional_run(seq, begin, end, used | bit, after, optional_start, next);
        });
      }
    }
    sequence(seq, end, pos, optional_start, next);
  }

  const std::vector<std::string>& words_;
  std::vector<std::pair<std::string, ArgValue>> arguments_;
  std::vector<std::string> keywords_;
  MatchResult result_;
};

}  // namespace

MatchResult match_command(const CommandSyntax& syntax, const std::vector<std::string>& words) {
  return Matcher(words).run(syntax);
}

}  // namespace lns::cli

