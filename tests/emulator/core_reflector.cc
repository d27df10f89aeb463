#include "tests/emulator/core_reflector.h"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "common/byte_order.h"
#include "common/log.h"
#include "tests/emulator/probe_packet.h"

namespace lns::emu {
namespace {

absl::Status bring_up(int fd, const std::string& interface) {
  ifreq ifr{};
  std::strncpy(ifr.ifr_name, interface.c_str(), IFNAMSIZ - 1);
  if (::ioctl(fd, SIOCGIFFLAGS, &ifr) != 0)
    return absl::InternalError(absl::StrCat(interface, ": SIOCGIFFLAGS: ", std::strerror(errno)));
  if (ifr.ifr_flags & IFF_UP) return absl::OkStatus();
  ifr.ifr_flags = static_cast<short>(ifr.ifr_flags | IFF_UP);
  if (::ioctl(fd, SIOCSIFFLAGS, &ifr) != 0)
    return absl::InternalError(absl::StrCat(interface, " is down and cannot be brought up: ", std::strerror(errno)));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<CoreReflector>> CoreReflector::open(const std::string& interface) {
  const unsigned ifindex = ::if_nametoindex(interface.c_str());
  if (ifindex == 0) return absl::NotFoundError(absl::StrCat("no interface ", interface, ": ", std::strerror(errno)));
  const int fd = ::socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_ALL));
  if (fd < 0) return absl::PermissionDeniedError(absl::StrCat("AF_PACKET socket: ", std::strerror(errno)));
  std::unique_ptr<CoreReflector> r(new CoreReflector(fd));
  if (absl::Status s = bring_up(fd, interface); !s.ok()) return s;
  sockaddr_ll sll{};
  sll.sll_family = AF_PACKET;
  sll.sll_protocol = htons(ETH_P_ALL);
  sll.sll_ifindex = static_cast<int>(ifindex);
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&sll), sizeof sll) != 0)
    return absl::InternalError(absl::StrCat("bind to ", interface, ": ", std::strerror(errno)));
  packet_mreq mreq{};
  mreq.mr_ifindex = static_cast<int>(ifindex);
  mreq.mr_type = PACKET_MR_PROMISC;
  if (::setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mreq, sizeof mreq) != 0)
    LNS_LOG_WARN("%s: cannot enter promiscuous mode: %s", interface, std::strerror(errno));
  int size = 4 << 20;
  (void)::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  return r;
}

CoreReflector::~CoreReflector() { ::close(fd_); }

void CoreReflector::receive(const std::function<bool(absl::Span<const uint8_t>)>& is_probe, int budget) {
  for (; budget > 0; --budget) {
    sockaddr_ll from{};
    socklen_t len = sizeof from;
    const ssize_t n = ::recvfrom(fd_, buffer_.data(), buffer_.size(), 0, reinterpret_cast<sockaddr*>(&from), &len);
    if (n < 0) return;
    // Our own replies come back to us as outgoing frames.
    if (from.sll_pkttype == PACKET_OUTGOING) continue;
    ++stats_.frames;
    auto frame = absl::MakeSpan(buffer_.data(), static_cast<size_t>(n));
    size_t ip = 14;
    if (frame.size() < ip) continue;
    uint16_t ethertype = load_be16(frame.data() + 12);
    if (ethertype == 0x8100 && frame.size() >= 18) {
      ethertype = load_be16(frame.data() + 16);
      ip = 18;
    }
    if ((ethertype != 0x0800 && ethertype != 0x86DD) || !is_probe(frame.subspan(ip))) continue;
    if (!reflect_probe_frame(frame)) continue;
    if (::send(fd_, frame.data(), frame.size(), 0) < 0) {
      ++stats_.send_errors;
    } else {
      ++stats_.reflected;
    }
  }
}

}  // namespace lns::emu
