// Blocking client side of the CLI protocol (cli_protocol.h), used by lnsctl
// and by tests. One connection, one request at a time.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "controlplane/cli/cli_protocol.h"

namespace lns::cli {

class CliClient {
 public:
  // Fails with a message naming the socket path, e.g.
  // "cannot connect to /run/lnsd.sock: No such file or directory".
  static absl::StatusOr<CliClient> connect(const std::string& socket_path);

  CliClient(CliClient&& other) noexcept;
  CliClient& operator=(CliClient&& other) noexcept;
  ~CliClient();

  // Sends one request line (no newline in it) and waits up to `timeout` for
  // the response frame. A transport failure (server gone, timeout, broken
  // framing) is an error status; a command that failed is an ok status
  // holding a Response with status kError.
  absl::StatusOr<Response> call(std::string_view request_line, std::chrono::milliseconds timeout);

  // True when the server has closed the connection (for example after its
  // idle timeout) and nothing is left to read; checked without blocking, so
  // an interactive client can reconnect before sending instead of losing a
  // command.
  bool peer_closed() const;

  const std::string& socket_path() const { return path_; }

 private:
  CliClient(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}

  int fd_ = -1;
  std::string path_;
  ResponseDecoder decoder_;
};

}  // namespace lns::cli
