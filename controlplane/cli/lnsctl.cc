// lnsctl: the operator's client for the lnsd CLI socket.
//
//   lnsctl [--socket PATH] [--json] [--timeout SECONDS] [command words...]
//
// With command words: runs that one command. Without: an interactive
// prompt when stdin is a terminal (history in ~/.lnsctl_history, Tab
// completes command words), otherwise one command per stdin line (blank
// lines and lines starting with '#' are skipped).
//
// Output goes to stdout, error explanations to stderr. Exit status:
//   0  every command succeeded
//   1  a command failed (unknown command, bad argument, handler error)
//   2  usage error, or the server could not be reached or broke the protocol
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "controlplane/cli/cli_client.h"
#include "controlplane/cli/cli_protocol.h"
#include "controlplane/cli/line_editor.h"
#include "controlplane/cli/string_view_compat.h"

namespace lns::cli {
namespace {

constexpr std::string_view kDefaultSocket = "/run/lnsd.sock";
constexpr std::string_view kPrompt = "lns> ";
constexpr int kExitOk = 0;
constexpr int kExitCommandFailed = 1;
constexpr int kExitTrouble = 2;

struct Options {
  std::string socket_path;
  bool json = false;
  std::chrono::milliseconds timeout{std::chrono::seconds(30)};
  std::vector<std::string> command;
};

void print_usage(std::FILE* to) {
  std::fprintf(to,
               "usage: lnsctl [--socket PATH] [--json] [--timeout SECONDS] [command words...]\n"
               "\n"
               "Runs one command on lnsd, or without a command reads commands from an\n"
               "interactive prompt (stdin a terminal) or from stdin, one per line.\n"
               "'lnsctl help' lists the commands.\n"
               "\n"
               "  --socket PATH      lnsd's CLI socket (default $LNSCTL_SOCKET, else %s)\n"
               "  --json             ask for JSON output\n"
               "  --timeout SECONDS  how long to wait for each answer (default 30)\n",
               std::string(kDefaultSocket).c_str());
}

// Returns the exit status to stop with, or nullopt to go on.
std::optional<int> parse_options(int argc, char** argv, Options* options) {
  if (const char* env = std::getenv("LNSCTL_SOCKET"); env != nullptr && *env != '\0')
    options->socket_path = env;
  else
    options->socket_path = std::string(kDefaultSocket);
  int i = 1;
  for (; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--") {
      ++i;
      break;
    }
    if (!arg.starts_with("-")) break;
    std::string_view value;
    bool has_inline_value = false;
    std::string_view name = arg;
    if (const size_t eq = arg.find('='); eq != std::string_view::npos) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
      has_inline_value = true;
    }
    const auto take_value = [&]() -> bool {
      if (has_inline_value) return true;
      if (i + 1 >= argc) {
        std::fprintf(stderr, "lnsctl: %s needs a value\n", std::string(name).c_str());
        return false;
      }
      value = argv[++i];
      return true;
    };
    if (name == "-h" || name == "--help") {
      print_usage(stdout);
      return kExitOk;
    } else if (name == "--json" && !has_inline_value) {
      options->json = true;
    } else if (name == "--socket" || name == "-s") {
      if (!take_value()) return kExitTrouble;
      options->socket_path = std::string(value);
    } else if (name == "--timeout") {
      if (!take_value()) return kExitTrouble;
      double seconds = 0;
      if (!absl::SimpleAtod(av(value), &seconds) || !(seconds > 0) || seconds > 86400) {
        std::fprintf(stderr, "lnsctl: bad --timeout '%s' (seconds, > 0)\n", std::string(value).c_str());
        return kExitTrouble;
      }
      options->timeout = std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
    } else {
      std::fprintf(stderr, "lnsctl: unknown option '%s'\n", std::string(arg).c_str());
      print_usage(stderr);
      return kExitTrouble;
    }
  }
  for (; i < argc; ++i) options->command.emplace_back(argv[i]);
  return std::nullopt;
}

void write_all(std::FILE* to, std::string_view text) {
  std::fwrite(text.data(), 1, text.size(), to);
  if (!text.empty() && text.back() != '\n') std::fputc('\n', to);
  std::fflush(to);
}

// Keeps a connection, reconnecting when the server closed the previous one
// (e.g. its idle timeout) before a command is sent, never after: a command
// that may have run is not repeated.
class Session {
 public:
  explicit Session(const Options& options) : options_(options) {}

  absl::Status connect() {
    auto client = CliClient::connect(options_.socket_path);
    if (!client.ok()) return client.status();
    client_.emplace(std::move(*client));
    return absl::OkStatus();
  }

  absl::StatusOr<Response> call(std::string_view line) {
    if (!client_ || client_->peer_closed()) {
      if (absl::Status s = connect(); !s.ok()) return s;
    }
    absl::StatusOr<Response> response = client_->call(line, options_.timeout);
    if (!response.ok()) client_.reset();
    return response;
  }

  // Runs one command line and prints its outcome; returns the exit status
  // it deserves.
  int run(std::string_view command_line) {
    const std::string line =
        options_.json ? absl::StrCat(av(kJsonPrefix), " ", av(command_line)) : std::string(command_line);
    absl::StatusOr<Response> response = call(line);
    if (!response.ok()) {
      std::fprintf(stderr, "lnsctl: %s\n", std::string(response.status().message()).c_str());
      return kExitTrouble;
    }
    if (response->ok()) {
      write_all(stdout, response->payload);
      return kExitOk;
    }
    write_all(stderr, response->payload);
    return kExitCommandFailed;
  }

  std::vector<std::string> complete(std::string_view before_cursor) {
    absl::StatusOr<Response> response = call(absl::StrCat("complete ", av(before_cursor)));
    if (!response.ok() || !response->ok()) return {};
    return absl::StrSplit(response->payload, '\n', absl::SkipEmpty());
  }

 private:
  const Options& options_;
  std::optional<CliClient> client_;
};

int run_one_shot(const Options& options) {
  Session session(options);
  if (absl::Status s = session.connect(); !s.ok()) {
    std::fprintf(stderr, "lnsctl: %s\n", std::string(s.message()).c_str());
    return kExitTrouble;
  }
  return session.run(encode_request(options.command, /*json=*/false));
}

int run_batch(const Options& options) {
  Session session(options);
  if (absl::Status s = session.connect(); !s.ok()) {
    std::fprintf(stderr, "lnsctl: %s\n", std::string(s.message()).c_str());
    return kExitTrouble;
  }
  int status = kExitOk;
  for (std::string line; std::getline(std::cin, line);) {
    const std::string_view command = sv(absl::StripAsciiWhitespace(line));
    if (command.empty() || command.starts_with('#')) continue;
    const int result = session.run(command);
    if (result == kExitTrouble) return kExitTrouble;
    if (result != kExitOk) status = result;
  }
  return status;
}

int run_interactive(const Options& options) {
  Session session(options);
  if (absl::Status s = session.connect(); !s.ok()) {
    std::fprintf(stderr, "lnsctl: %s\n", std::string(s.message()).c_str());
    return kExitTrouble;
  }
  History history;
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0')
    history.load(absl::StrCat(home, "/.lnsctl_history"));
  TerminalLineEditor editor(STDIN_FILENO, STDOUT_FILENO, history,
                            [&](std::string_view before_cursor) { return session.complete(before_cursor); });
  while (std::optional<std::string> line = editor.read_line(kPrompt)) {
    const std::string_view command = sv(absl::StripAsciiWhitespace(*line));
    if (command.empty()) continue;
    if (command == "quit" || command == "exit") break;
    history.add(command);
    session.run(command);  // errors are printed; the prompt goes on
  }
  return kExitOk;
}

}  // namespace
}  // namespace lns::cli

int main(int argc, char** argv) {
  using namespace lns::cli;
  Options options;
  if (std::optional<int> exit_status = parse_options(argc, argv, &options)) return *exit_status;
  if (!options.command.empty()) return run_one_shot(options);
  if (isatty(STDIN_FILENO)) return run_interactive(options);
  return run_batch(options);
}
