#include "config/diagnostics.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace lns::config {

void Diagnostics::add(int line, absl::string_view path, absl::string_view message) {
  ++total_;
  if (entries_.size() >= kMaxKept) return;
  std::string text = line > 0 ? absl::StrCat(file_, ":", line, ": ") : absl::StrCat(file_, ": ");
  if (!path.empty()) absl::StrAppend(&text, path, ": ");
  absl::StrAppend(&text, message);
  entries_.push_back(Entry{line, std::move(text)});
}

absl::Status Diagnostics::to_status() const {
  if (total_ == 0) return absl::OkStatus();
  std::vector<const Entry*> ordered;
  ordered.reserve(entries_.size());
  for (const Entry& entry : entries_) ordered.push_back(&entry);
  std::stable_sort(ordered.begin(), ordered.end(),
                   [](const Entry* a, const Entry* b) { return a->line < b->line; });
  std::string message;
  size_t shown = std::min(ordered.size(), kMaxReported);
  for (size_t i = 0; i < shown; ++i) {
    if (i > 0) message += '\n';
    message += ordered[i]->text;
  }
  if (total_ > shown) absl::StrAppend(&message, "\n... and ", total_ - shown, " more errors");
  return absl::InvalidArgumentError(message);
}

}  // namespace lns::config
