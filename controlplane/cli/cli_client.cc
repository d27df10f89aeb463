#include "controlplane/cli/cli_client.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "controlplane/cli/string_view_compat.h"

namespace lns::cli {
namespace {

using SteadyTime = std::chrono::steady_clock::time_point;

int remaining_ms(SteadyTime deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  return left.count() <= 0 ? 0 : static_cast<int>(std::min<int64_t>(left.count(), 1 << 30));
}

}  // namespace

absl::StatusOr<CliClient> CliClient::connect(const std::string& socket_path) {
  sockaddr_un address;
  std::memset(&address, 0, sizeof(address));
  address.sun_family = AF_UNIX;
  if (socket_path.empty() || socket_path.size() >= sizeof(address.sun_path))
    return absl::InvalidArgumentError(absl::StrCat("bad socket path '", socket_path, "'"));
  std::memcpy(address.sun_path, socket_path.data(), socket_path.size());
  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return absl::InternalError(absl::StrCat("socket: ", std::strerror(errno)));
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0) {
    const int err = errno;
    close(fd);
    return absl::UnavailableError(
        absl::StrCat("cannot connect to ", socket_path, ": ", std::strerror(err)));
  }
  return CliClient(fd, socket_path);
}

CliClient::CliClient(CliClient&& other) noexcept
    : fd_(other.fd_), path_(std::move(other.path_)), decoder_(std::move(other.decoder_)) {
  other.fd_ = -1;
}

CliClient& CliClient::operator=(CliClient&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) close(fd_);
    fd_ = other.fd_;
    path_ = std::move(other.path_);
    decoder_ = std::move(other.decoder_);
    other.fd_ = -1;
  }
  return *this;
}

CliClient::~CliClient() {
  if (fd_ >= 0) close(fd_);
}

bool CliClient::peer_closed() const {
  if (fd_ < 0) return true;
  pollfd p{fd_, POLLIN, 0};
  if (poll(&p, 1, 0) <= 0) return false;
  if (p.revents & (POLLHUP | POLLERR)) return true;
  char byte;
  const ssize_t n = recv(fd_, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
}

absl::StatusOr<Response> CliClient::call(std::string_view request_line,
                                         std::chrono::milliseconds timeout) {
  if (fd_ < 0) return absl::FailedPreconditionError("not connected");
  if (request_line.find('\n') != std::string_view::npos)
    return absl::InvalidArgumentError("a request is a single line");
  const SteadyTime deadline = std::chrono::steady_clock::now() + timeout;
  const auto timed_out = [&] {
    return absl::DeadlineExceededError(absl::StrCat("no response from ", path_, " within ",
                                                    timeout.count(), " ms"));
  };

  const std::string request = absl::StrCat(av(request_line), "\n");
  for (size_t sent = 0; sent < request.size();) {
    pollfd p{fd_, POLLOUT, 0};
    const int ready = poll(&p, 1, remaining_ms(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) return timed_out();
    const ssize_t n = send(fd_, request.data() + sent, request.size() - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      sent += static_cast<size_t>(n);
    } else if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
      return absl::UnavailableError(absl::StrCat("lost connection to ", path_, ": ", std::strerror(errno)));
    }
  }

  char buffer[64 * 1024];
  while (true) {
    if (std::optional<Response> response = decoder_.next()) return std::move(*response);
    if (!decoder_.status().ok())
      return absl::DataLossError(absl::StrCat("bad response from ", path_, ": ", decoder_.status().message()));
    pollfd p{fd_, POLLIN, 0};
    const int ready = poll(&p, 1, remaining_ms(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) return timed_out();
    const ssize_t n = recv(fd_, buffer, sizeof(buffer), MSG_DONTWAIT);
    if (n > 0) {
      decoder_.feed(std::string_view(buffer, static_cast<size_t>(n)));
    } else if (n == 0) {
      return absl::UnavailableError(absl::StrCat(path_, " closed the connection"));
    } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
      return absl::UnavailableError(absl::StrCat("lost connection to ", path_, ": ", std::strerror(errno)));
    }
  }
}

}  // namespace lns::cli
