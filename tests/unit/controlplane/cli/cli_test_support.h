// Helpers for the CLI server and lnsctl tests: a temporary directory, a raw
// socket client that can misbehave on purpose, pumping a server driven by
// the test thread, and a server polled by a thread of its own.
#pragma once

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "controlplane/cli/cli_protocol.h"
#include "controlplane/cli/cli_server.h"
#include "controlplane/cli/command_registry.h"
#include "gtest/gtest.h"

namespace lns::cli::testing {

constexpr size_t kBigOutputBytes = 200 * 1024;

// A few commands standing in for the daemon's.
inline void register_fake_commands(CommandRegistry& registry) {
  auto ok = [&](std::string_view syntax, CommandHandler handler) {
    ASSERT_TRUE(registry.add(syntax, "test command", std::move(handler)).ok()) << syntax;
  };
  ok("show greeting", [](const ParsedArgs&) -> absl::StatusOr<CommandOutput> {
    return CommandOutput::text("hello\n");
  });
  ok("echo <n:uint>", [](const ParsedArgs& a) -> absl::StatusOr<CommandOutput> {
    return CommandOutput::text(std::to_string(a.uint("n")) + "\n");
  });
  ok("say <text:string>", [](const ParsedArgs& a) -> absl::StatusOr<CommandOutput> {
    return CommandOutput::text(a.string("text"));
  });
  ok("show table", [](const ParsedArgs&) -> absl::StatusOr<CommandOutput> {
    Table t({"id", "user"});
    t.add_row({1u, "alice"});
    t.add_row({22u, "bob"});
    return CommandOutput(std::move(t));
  });
  ok("show big", [](const ParsedArgs&) -> absl::StatusOr<CommandOutput> {
    return CommandOutput::text(std::string(kBigOutputBytes - 1, 'x') + "\n");
  });
  ok("fail", [](const ParsedArgs&) -> absl::StatusOr<CommandOutput> {
    return absl::FailedPreconditionError("it \"failed\"");
  });
}


class TempDir {
 public:
  TempDir() {
    char name[] = "/tmp/lns-cli-XXXXXX";
    if (mkdtemp(name) == nullptr) std::abort();
    path_ = name;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }
  std::string file(std::string_view name) const { return path_ + "/" + std::string(name); }

 private:
  std::string path_;
};

// A non-blocking connection used from the thread that pumps the server.
class RawClient {
 public:
  explicit RawClient(const std::string& socket_path) {
    fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, socket_path.c_str(), sizeof(address.sun_path) - 1);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  }
  ~RawClient() {
    if (fd_ >= 0) close(fd_);
  }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  bool connected() const { return connected_; }
  int fd() const { return fd_; }

  // Writes what the socket takes right now; returns the number of bytes.
  size_t send_some(std::string_view bytes) {
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    return n > 0 ? static_cast<size_t>(n) : 0;
  }

  // Reads what has arrived; returns a complete frame if there is one.
  std::optional<Response> try_read() {
    if (std::optional<Response> r = decoder_.next()) return r;
    fill();
    return decoder_.next();
  }

  // The server closed the connection (EOF or reset). Frames that arrived
  // before stay available to try_read().
  bool closed() {
    fill();
    return closed_;
  }
  const absl::Status& framing() const { return decoder_.status(); }

 private:
  void fill() {
    char buffer[65536];
    while (!closed_) {
      const ssize_t n = recv(fd_, buffer, sizeof(buffer), MSG_DONTWAIT);
      if (n > 0) {
        decoder_.feed(std::string_view(buffer, static_cast<size_t>(n)));
        continue;
      }
      if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) closed_ = true;
      break;
    }
  }

  int fd_ = -1;
  bool connected_ = false;
  bool closed_ = false;
  ResponseDecoder decoder_;
};

// Calls poll_once until pred() holds; false after `limit` without it.
template <typename Pred>
bool pump_until(CliServer& server, Pred pred,
                std::chrono::milliseconds limit = std::chrono::milliseconds(3000)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    server.poll_once();
    std::this_thread::sleep_for(std::chrono::microseconds(100));
  }
  return true;
}

inline std::optional<Response> pump_for_response(CliServer& server, RawClient& client) {
  std::optional<Response> response;
  pump_until(server, [&] { return (response = client.try_read()).has_value() || client.closed(); });
  return response;
}

// Polls a started server from its own thread until destroyed. The server
// must not be touched by anyone else meanwhile.
class ServerThread {
 public:
  explicit ServerThread(CliServer& server)
      : thread_([this, &server] {
          while (!stop_.load()) {
            server.poll_once();
            std::this_thread::sleep_for(std::chrono::microseconds(200));
          }
        }) {}
  ~ServerThread() {
    stop_.store(true);
    thread_.join();
  }

 private:
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace lns::cli::testing
