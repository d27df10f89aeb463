#include "tests/emulator/udp_tunnels.h"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "absl/strings/str_cat.h"

namespace lns::emu {
namespace {

// Room for bursts of replies while the emulator is busy sending.
constexpr int kSocketBuffer = 4 << 20;

}  // namespace

absl::StatusOr<std::unique_ptr<UdpTunnelSockets>> UdpTunnelSockets::open(uint32_t count, uint32_t lns_address,
                                                                         uint16_t lns_port,
                                                                         std::optional<uint32_t> local_address,
                                                                         uint16_t local_port) {
  std::unique_ptr<UdpTunnelSockets> s(new UdpTunnelSockets(lns_address));
  s->buffer_.resize(65536);
  for (uint32_t i = 0; i < count; ++i) {
    const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return absl::InternalError(absl::StrCat("socket: ", std::strerror(errno)));
    s->fds_.push_back(fd);
    int size = kSocketBuffer;
    // Best effort: the kernel caps these at net.core.[rw]mem_max.
    (void)::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    (void)::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
    sockaddr_in local{};
    local.sin_family = AF_INET;
    local.sin_addr.s_addr = htonl(local_address.value_or(INADDR_ANY));
    local.sin_port = htons(local_port == 0 ? 0 : static_cast<uint16_t>(local_port + i));
    if (::bind(fd, reinterpret_cast<const sockaddr*>(&local), sizeof local) != 0) {
      return absl::InternalError(absl::StrCat("bind tunnel ", i, " socket: ", std::strerror(errno)));
    }
    socklen_t len = sizeof local;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len);
    s->ports_.push_back(ntohs(local.sin_port));
    s->peer_ports_.push_back(lns_port);
  }
  return s;
}

UdpTunnelSockets::~UdpTunnelSockets() {
  for (int fd : fds_) ::close(fd);
}

bool UdpTunnelSockets::send(uint32_t tunnel_index, absl::Span<const uint8_t> datagram) {
  if (tunnel_index >= fds_.size()) return false;
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_addr.s_addr = htonl(lns_address_);
  to.sin_port = htons(peer_ports_[tunnel_index]);
  const ssize_t n = ::sendto(fds_[tunnel_index], datagram.data(), datagram.size(), 0,
                             reinterpret_cast<const sockaddr*>(&to), sizeof to);
  if (n >= 0) {
    ++stats_.sent;
    return true;
  }
  if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS) {
    ++stats_.send_blocked;
    return false;
  }
  // Anything else (no route yet, ICMP unreachable reported back) is loss
  // as far as the protocols are concerned.
  ++stats_.send_errors;
  return true;
}

void UdpTunnelSockets::receive(uint32_t tunnel_index,
                               const std::function<void(uint32_t, absl::Span<const uint8_t>)>& deliver, int budget) {
  const int fd = fds_[tunnel_index];
  for (; budget > 0; --budget) {
    sockaddr_in from{};
    socklen_t len = sizeof from;
    const ssize_t n =
        ::recvfrom(fd, buffer_.data(), buffer_.size(), 0, reinterpret_cast<sockaddr*>(&from), &len);
    if (n < 0) return;  // EAGAIN, or an ICMP error queued on the socket
    // The LNS may answer from another port than the one we called (RFC
    // 2661 8.1: we then send there), but not from another address.
    if (ntohl(from.sin_addr.s_addr) != lns_address_) {
      ++stats_.foreign;
      continue;
    }
    peer_ports_[tunnel_index] = ntohs(from.sin_port);
    ++stats_.received;
    deliver(tunnel_index, absl::MakeConstSpan(buffer_.data(), static_cast<size_t>(n)));
  }
}

}  // namespace lns::emu
