// The CLI server: a Unix-domain stream socket served from the control-plane
// thread. The control-plane loop calls poll_once() every iteration; it never
// blocks (poll(2) with a zero timeout, non-blocking sockets) and does a
// bounded amount of work per client per call, so a slow, stuck or hostile
// client costs the loop nothing more than one more descriptor to poll.
//
// Wire protocol: see cli_protocol.h. Commands: see command_registry.h.
//
// Limits, and what happens when a client crosses them:
//  - more than max_clients connected: the newcomer gets an error frame
//    ("server busy") and is closed;
//  - a request line longer than max_line_bytes: error frame, then closed;
//  - a request that is not UTF-8 text (control characters, invalid bytes):
//    error frame, then closed;
//  - a response larger than max_pending_output_bytes on its own: replaced
//    by an error frame saying so (the connection stays);
//  - unsent output growing past max_pending_output_bytes because the client
//    sends requests but does not read the answers: closed at once;
//  - no byte received or sent for idle_timeout (a client that went quiet,
//    or stopped reading with output pending): closed.
// Every cut-off is logged and counted in stats().
//
// A response is written in the same poll_once() call that ran its command
// whenever the client's socket has room (it nearly always has), so a
// "shutdown" command can set a flag that the loop checks after poll_once()
// and its answer still reaches the operator.
//
// Typical use in the daemon:
//
//   CommandRegistry registry;
//   register_session_commands(registry, sessions);   // feature code
//   CliServer cli(registry, clock, {.socket_path = "/run/lnsd.sock"});
//   if (absl::Status s = cli.start(); !s.ok()) return fail(s);
//   while (running) { control_plane.poll(); cli.poll_once(); }
//
// Not thread-safe: construct, start, poll and destroy on one thread.
// Handlers run inside poll_once() and must not call stop() or destroy the
// server.
#pragma once

#include <poll.h>
#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "common/clock.h"
#include "controlplane/cli/command_registry.h"

namespace lns::cli {

struct CliServerOptions {
  std::string socket_path = "/run/lnsd.sock";
  // Applied to the socket file; connecting needs write permission on it.
  mode_t mode = 0660;
  // Group to give the socket file (e.g. the operators' group), if any.
  std::optional<gid_t> group;
  size_t max_clients = 64;
  // Longest request line, without its "\n".
  size_t max_line_bytes = 4096;
  // Unsent response bytes one client may have queued.
  size_t max_pending_output_bytes = size_t{16} << 20;
  Duration idle_timeout = std::chrono::minutes(5);
  // Work bounds for one poll_once() call.
  size_t max_requests_per_poll = 8;   // per client
  size_t max_accepts_per_poll = 16;
};

struct CliServerStats {
  uint64_t accepted = 0;
  uint64_t rejected_busy = 0;
  uint64_t requests = 0;
  uint64_t command_errors = 0;   // answered with an error frame
  uint64_t oversized_responses = 0;
  uint64_t cut_line_too_long = 0;
  uint64_t cut_bad_text = 0;
  uint64_t cut_output_overflow = 0;
  uint64_t cut_idle = 0;
  uint64_t disconnected = 0;     // closed by the client, or a socket error
};

class CliServer {
 public:
  // registry and clock must outlive the server.
  CliServer(const CommandRegistry& registry, const Clock& clock, CliServerOptions options);
  ~CliServer();
  CliServer(const CliServer&) = delete;
  CliServer& operator=(const CliServer&) = delete;

  // Creates the socket. A socket file left behind by a dead server is
  // replaced; if a live server answers on it, or the path is something
  // other than a socket, start() fails and leaves it alone.
  absl::Status start();

  // One non-blocking pass: accept, read, run complete requests, write,
  // enforce limits and timeouts. Returns the number of requests handled.
  size_t poll_once();

  // Closes all clients and the listening socket and removes the socket file
  // (if it is still the one this server created). Also done by the
  // destructor.
  void stop();

  bool listening() const { return listen_fd_ >= 0; }
  size_t client_count() const { return clients_.size(); }
  const CliServerStats& stats() const { return stats_; }
  const CliServerOptions& options() const { return options_; }

 private:
  struct Client {
    int fd = -1;
    uint64_t id = 0;
    std::string input;
    std::string output;
    size_t output_sent = 0;  // bytes of `output` already written
    TimePoint last_activity;
    bool input_closed = false;       // the client shut down its sending side
    bool close_after_flush = false;  // a protocol violation was answered
    bool dead = false;

    size_t pending_output() const { return output.size() - output_sent; }
  };

  void accept_clients(TimePoint now);
  bool wants_input(const Client& c) const;
  void read_from(Client& c, TimePoint now);
  size_t handle_requests(Client& c);
  void handle_line(Client& c, std::string_view line);
  void queue_response(Client& c, std::string frame);
  void flush(Client& c, TimePoint now);
  void cut_off(Client& c, std::string_view reason);
  void close_client(Client& c);

  const CommandRegistry& registry_;
  const Clock& clock_;
  CliServerOptions options_;
  int listen_fd_ = -1;
  // Identity of the socket file we created, so stop() never removes a file
  // someone else put there since.
  dev_t socket_dev_ = 0;
  ino_t socket_ino_ = 0;
  uint64_t next_client_id_ = 1;
  std::vector<Client> clients_;
  std::vector<pollfd> poll_fds_;
  CliServerStats stats_;
};

}  // namespace lns::cli
