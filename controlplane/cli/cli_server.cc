#include "controlplane/cli/cli_server.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/log.h"
#include "controlplane/cli/cli_protocol.h"
#include "controlplane/cli/json_writer.h"
#include "controlplane/cli/string_view_compat.h"

namespace lns::cli {
namespace {

constexpr int kListenBacklog = 128;
constexpr size_t kReadChunk = 16 * 1024;

std::string errno_text(int err) { return std::strerror(err); }

absl::Status make_address(const std::string& path, sockaddr_un* address) {
  std::memset(address, 0, sizeof(*address));
  address->sun_family = AF_UNIX;
  if (path.empty()) return absl::InvalidArgumentError("CLI socket path is empty");
  if (path.size() >= sizeof(address->sun_path))
    return absl::InvalidArgumentError(absl::StrFormat(
        "CLI socket path '%s' is longer than the %u bytes a Unix socket address holds", path,
        sizeof(address->sun_path) - 1));
  std::memcpy(address->sun_path, path.data(), path.size());
  return absl::OkStatus();
}

// A socket file exists at the path: is a server still answering on it?
absl::Status check_not_in_use(const std::string& path, const sockaddr_un& address) {
  const int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (probe < 0) return absl::InternalError(absl::StrCat("socket: ", errno_text(errno)));
  const int rc = connect(probe, reinterpret_cast<const sockaddr*>(&address), sizeof(address));
  const int err = errno;
  close(probe);
  // EAGAIN: a listener whose backlog is full is still a live listener.
  if (rc == 0 || err == EAGAIN || err == EINPROGRESS)
    return absl::AlreadyExistsError(
        absl::StrCat("another server is already listening on ", path));
  if (err == ECONNREFUSED) return absl::OkStatus();  // stale: nobody listens
  return absl::FailedPreconditionError(
      absl::StrCat("cannot check whether ", path, " is in use: ", errno_text(err)));
}

std::string error_payload(std::string_view message, bool json) {
  if (!json) return absl::StrCat(av(message), "\n");
  JsonWriter writer;
  writer.begin_object().key("error").string(message).end_object();
  return writer.str() + "\n";
}

}  // namespace

CliServer::CliServer(const CommandRegistry& registry, const Clock& clock, CliServerOptions options)
    : registry_(registry), clock_(clock), options_(std::move(options)) {}

CliServer::~CliServer() { stop(); }

absl::Status CliServer::start() {
  if (listen_fd_ >= 0) return absl::FailedPreconditionError("CLI server already started");
  const std::string& path = options_.socket_path;
  sockaddr_un address;
  if (absl::Status s = make_address(path, &address); !s.ok()) return s;

  struct stat existing;
  if (lstat(path.c_str(), &existing) == 0) {
    if (!S_ISSOCK(existing.st_mode))
      return absl::FailedPreconditionError(
          absl::StrCat(path, " exists and is not a socket; not replacing it"));
    if (absl::Status s = check_not_in_use(path, address); !s.ok()) return s;
    if (unlink(path.c_str()) != 0 && errno != ENOENT)
      return absl::PermissionDeniedError(
          absl::StrCat("cannot remove stale socket ", path, ": ", errno_text(errno)));
    log(LogLevel::kInfo, "cli: removed stale socket %s", path);
  }

  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return absl::InternalError(absl::StrCat("socket: ", errno_text(errno)));
  if (bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0) {
    const int err = errno;
    close(fd);
    return absl::UnavailableError(absl::StrCat("cannot bind ", path, ": ", errno_text(err)));
  }
  // Before listen(), so nobody can connect while the mode is still the
  // umask default.
  struct stat created;
  if (chmod(path.c_str(), options_.mode) != 0 ||
      (options_.group && chown(path.c_str(), static_cast<uid_t>(-1), *options_.group) != 0) ||
      stat(path.c_str(), &created) != 0 || listen(fd, kListenBacklog) != 0) {
    const int err = errno;
    close(fd);
    unlink(path.c_str());
    return absl::UnavailableError(absl::StrCat("cannot set up ", path, ": ", errno_text(err)));
  }
  socket_dev_ = created.st_dev;
  socket_ino_ = created.st_ino;
  listen_fd_ = fd;
  log(LogLevel::kInfo, "cli: listening on %s (mode %04o)", path, static_cast<unsigned>(options_.mode));
  return absl::OkStatus();
}

void CliServer::stop() {
  for (Client& c : clients_) close_client(c);
  clients_.clear();
  if (listen_fd_ < 0) return;
  close(listen_fd_);
  listen_fd_ = -1;
  struct stat current;
  if (lstat(options_.socket_path.c_str(), &current) == 0 && current.st_dev == socket_dev_ &&
      current.st_ino == socket_ino_)
    unlink(options_.socket_path.c_str());
}

bool CliServer::wants_input(const Client& c) const {
  return !c.dead && !c.input_closed && !c.close_after_flush &&
         c.input.size() < options_.max_line_bytes + 2;  // room for a full line and "\r\n"
}

size_t CliServer::poll_once() {
  if (listen_fd_ < 0) return 0;
  const TimePoint now = clock_.now();

  poll_fds_.clear();
  poll_fds_.push_back({listen_fd_, POLLIN, 0});
  for (const Client& c : clients_) {
    short events = 0;
    if (wants_input(c)) events |= POLLIN;
    if (c.pending_output() > 0) events |= POLLOUT;
    poll_fds_.push_back({c.fd, events, 0});
  }
  const int ready = poll(poll_fds_.data(), poll_fds_.size(), 0);
  if (ready < 0) {
    if (errno != EINTR) log(LogLevel::kError, "cli: poll: %s", errno_text(errno));
    return 0;
  }

  // Clients accepted below are appended after the polled ones and handled
  // from the next call on.
  const size_t polled = clients_.size();
  if (poll_fds_[0].revents & POLLIN) accept_clients(now);

  size_t handled = 0;
  for (size_t i = 0; i < polled; ++i) {
    Client& c = clients_[i];
    const short revents = poll_fds_[i + 1].revents;
    if (revents & POLLERR) {
      ++stats_.disconnected;
      c.dead = true;
      continue;
    }
    if ((revents & (POLLIN | POLLHUP)) && wants_input(c)) read_from(c, now);
    if (c.dead) continue;
    handled += handle_requests(c);
    if (!c.dead && c.pending_output() > 0) flush(c, now);
    if (c.dead) continue;

    if (now - c.last_activity >= options_.idle_timeout) {
      ++stats_.cut_idle;
      cut_off(c, c.pending_output() > 0 ? "idle timeout with unread output" : "idle timeout");
      continue;
    }
    const bool finished_input =
        c.close_after_flush || (c.input_closed && c.input.empty());
    if (finished_input && c.pending_output() == 0) c.dead = true;
  }

  size_t kept = 0;
  for (size_t i = 0; i < clients_.size(); ++i) {
    if (clients_[i].dead) {
      close_client(clients_[i]);
      continue;
    }
    if (kept != i) clients_[kept] = std::move(clients_[i]);
    ++kept;
  }
  clients_.resize(kept);
  return handled;
}

void CliServer::accept_clients(TimePoint now) {
  for (size_t n = 0; n < options_.max_accepts_per_poll; ++n) {
    const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK)
        log(LogLevel::kWarning, "cli: accept: %s", errno_text(errno));
      return;
    }
    if (clients_.size() >= options_.max_clients) {
      ++stats_.rejected_busy;
      const std::string frame = encode_response(
          ResponseStatus::kError,
          absl::StrFormat("server busy: %u CLI clients connected, try again later\n", clients_.size()));
      // A fresh socket's buffer takes a short frame; if not, closing says enough.
      [[maybe_unused]] ssize_t ignored = send(fd, frame.data(), frame.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      close(fd);
      continue;
    }
    Client& c = clients_.emplace_back();
    c.fd = fd;
    c.id = next_client_id_++;
    c.last_activity = now;
    ++stats_.accepted;
  }
}

void CliServer::read_from(Client& c, TimePoint now) {
  const size_t capacity = options_.max_line_bytes + 2;
  const size_t old_size = c.input.size();
  const size_t want = std::min(capacity - old_size, kReadChunk);
  c.input.resize(old_size + want);
  const ssize_t n = recv(c.fd, c.input.data() + old_size, want, 0);
  c.input.resize(old_size + (n > 0 ? static_cast<size_t>(n) : 0));
  if (n > 0) {
    c.last_activity = now;
  } else if (n == 0) {
    c.input_closed = true;
  } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
    ++stats_.disconnected;
    c.dead = true;
  }
}

size_t CliServer::handle_requests(Client& c) {
  size_t handled = 0;
  while (handled < options_.max_requests_per_poll && !c.dead && !c.close_after_flush) {
    const size_t newline = c.input.find('\n');
    std::string line;
    if (newline != std::string::npos) {
      line = c.input.substr(0, newline);
      c.input.erase(0, newline + 1);
    } else if (c.input.size() >= options_.max_line_bytes + 2) {
      line = std::move(c.input);  // too long; reported below
      c.input.clear();
    } else if (c.input_closed && !c.input.empty()) {
      line = std::move(c.input);  // last request without its newline
      c.input.clear();
    } else {
      break;
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    ++handled;
    ++stats_.requests;
    if (line.size() > options_.max_line_bytes) {
      ++stats_.cut_line_too_long;
      queue_response(c, encode_response(ResponseStatus::kError,
                                        absl::StrFormat("request line too long (limit %u bytes)\n",
                                                        options_.max_line_bytes)));
      c.input.clear();
      c.close_after_flush = true;
      log(LogLevel::kWarning, "cli: client %u sent a request line over %u bytes; closing", c.id,
          options_.max_line_bytes);
      break;
    }
    handle_line(c, line);
  }
  return handled;
}

void CliServer::handle_line(Client& c, std::string_view line) {
  if (absl::Status text = validate_request_text(line); !text.ok()) {
    ++stats_.cut_bad_text;
    queue_response(c, encode_response(ResponseStatus::kError, absl::StrCat(text.message(), "\n")));
    c.input.clear();
    c.close_after_flush = true;
    log(LogLevel::kWarning, "cli: client %u: %s; closing", c.id, text.message());
    return;
  }
  const Request request = parse_request_line(line);
  absl::StatusOr<CommandOutput> result = registry_.execute(request.command);
  if (!result.ok()) {
    ++stats_.command_errors;
    queue_response(c, encode_response(ResponseStatus::kError,
                                      error_payload(sv(result.status().message()), request.json)));
    return;
  }
  std::string payload = result->render(request.json ? OutputFormat::kJson : OutputFormat::kText);
  if (payload.size() + 32 > options_.max_pending_output_bytes) {
    ++stats_.oversized_responses;
    ++stats_.command_errors;
    const std::string message = absl::StrFormat(
        "output of %u bytes exceeds the CLI limit of %u bytes; narrow the command down",
        payload.size(), options_.max_pending_output_bytes);
    queue_response(c, encode_response(ResponseStatus::kError, error_payload(message, request.json)));
    return;
  }
  queue_response(c, encode_response(ResponseStatus::kOk, payload));
}

void CliServer::queue_response(Client& c, std::string frame) {
  if (c.pending_output() + frame.size() > options_.max_pending_output_bytes) {
    ++stats_.cut_output_overflow;
    cut_off(c, "unread output over the limit (client not reading)");
    return;
  }
  if (c.output_sent == c.output.size()) {
    c.output = std::move(frame);
    c.output_sent = 0;
  } else {
    c.output.append(frame);
  }
}

void CliServer::flush(Client& c, TimePoint now) {
  while (c.pending_output() > 0) {
    const ssize_t n = send(c.fd, c.output.data() + c.output_sent, c.pending_output(),
                           MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      c.output_sent += static_cast<size_t>(n);
      c.last_activity = now;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    ++stats_.disconnected;
    c.dead = true;
    return;
  }
  if (c.output_sent == c.output.size()) {
    c.output.clear();
    c.output_sent = 0;
  } else if (c.output_sent > kReadChunk && c.output_sent > c.output.size() / 2) {
    c.output.erase(0, c.output_sent);
    c.output_sent = 0;
  }
}

void CliServer::cut_off(Client& c, std::string_view reason) {
  log(LogLevel::kWarning, "cli: client %u cut off: %s", c.id, reason);
  c.dead = true;
}

void CliServer::close_client(Client& c) {
  if (c.fd >= 0) close(c.fd);
  c.fd = -1;
}

}  // namespace lns::cli
