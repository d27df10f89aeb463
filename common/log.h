// Minimal leveled logging for the control plane and start-up code (never
// called on the data-plane hot path). Output goes to stderr with a level tag.
#pragma once

#include <atomic>
#include <cstdio>
#include <string>
#include <string_view>

#include "absl/strings/str_format.h"

namespace lns {

enum class LogLevel : int { kError = 0, kWarning = 1, kInfo = 2, kDebug = 3 };

inline std::atomic<int>& log_level_storage() {
  static std::atomic<int> level{static_cast<int>(LogLevel::kInfo)};
  return level;
}
inline void set_log_level(LogLevel l) { log_level_storage().store(static_cast<int>(l)); }
inline LogLevel log_level() { return static_cast<LogLevel>(log_level_storage().load()); }
inline bool log_enabled(LogLevel l) { return static_cast<int>(l) <= log_level_storage().load(); }

inline bool parse_log_level(std::string_view s, LogLevel* out) {
  if (s == "error") *out = LogLevel::kError;
  else if (s == "warning" || s == "warn") *out = LogLevel::kWarning;
  else if (s == "info") *out = LogLevel::kInfo;
  else if (s == "debug") *out = LogLevel::kDebug;
  else return false;
  return true;
}

inline std::string_view log_level_name(LogLevel l) {
  switch (l) {
    case LogLevel::kError: return "error";
    case LogLevel::kWarning: return "warning";
    case LogLevel::kInfo: return "info";
    case LogLevel::kDebug: return "debug";
  }
  return "?";
}

template <typename... Args>
void log(LogLevel l, const absl::FormatSpec<Args...>& fmt, const Args&... args) {
  if (!log_enabled(l)) return;
  std::string line = absl::StrFormat(fmt, args...);
  std::fprintf(stderr, "lnsd[%s]: %s\n", std::string(log_level_name(l)).c_str(), line.c_str());
}

}  // namespace lns

#define LNS_LOG_ERROR(...) ::lns::log(::lns::LogLevel::kError, __VA_ARGS__)
#define LNS_LOG_WARN(...) ::lns::log(::lns::LogLevel::kWarning, __VA_ARGS__)
#define LNS_LOG_INFO(...) ::lns::log(::lns::LogLevel::kInfo, __VA_ARGS__)
#define LNS_LOG_DEBUG(...) ::lns::log(::lns::LogLevel::kDebug, __VA_ARGS__)
