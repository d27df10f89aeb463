// lns-emulator: LACs and PPP subscribers against a real LNS over UDP (see
// emulator_usage() for the options). One thread, one poll() loop over every
// tunnel's socket and the optional core-side reflector.
#include <poll.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/log.h"
#include "tests/emulator/core_reflector.h"
#include "tests/emulator/emulator.h"
#include "tests/emulator/emulator_options.h"
#include "tests/emulator/report_format.h"
#include "tests/emulator/udp_tunnels.h"

namespace {

volatile std::sig_atomic_t g_interrupted = 0;

void on_signal(int) { g_interrupted = 1; }

constexpr auto kMaxSleep = std::chrono::milliseconds(100);
constexpr auto kProgressInterval = std::chrono::seconds(1);

}  // namespace

int main(int argc, char** argv) {
  using namespace lns;
  using namespace lns::emu;

  std::vector<std::string_view> args(argv + 1, argv + argc);
  absl::StatusOr<EmulatorOptions> options = parse_emulator_options(args);
  if (!options.ok()) {
    std::fprintf(stderr, "lns-emulator: %s\n(--help for usage)\n", std::string(options.status().message()).c_str());
    return 2;
  }
  if (options->help) {
    std::fputs(emulator_usage().c_str(), stdout);
    return 0;
  }
  set_log_level(options->log_level);

  auto sockets = UdpTunnelSockets::open(options->emulator.tunnels, options->lns_address, options->lns_port,
                                        options->local_address, options->local_port);
  if (!sockets.ok()) {
    std::fprintf(stderr, "lns-emulator: %s\n", std::string(sockets.status().message()).c_str());
    return 2;
  }
  std::unique_ptr<CoreReflector> reflector;
  if (!options->reflect_core.empty()) {
    auto r = CoreReflector::open(options->reflect_core);
    if (!r.ok()) {
      std::fprintf(stderr, "lns-emulator: --reflect-core: %s\n", std::string(r.status().message()).c_str());
      return 2;
    }
    reflector = std::move(*r);
  }

  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);

  SteadyClock clock;
  UdpTunnelSockets& net = **sockets;
  Emulator emulator(clock, options->emulator, net);
  const auto deliver = [&emulator](uint32_t tunnel, absl::Span<const uint8_t> datagram) {
    emulator.on_datagram(tunnel, datagram);
  };
  const auto is_probe = [&emulator](absl::Span<const uint8_t> packet) { return emulator.on_core_packet(packet); };

  std::vector<pollfd> fds;
  for (size_t i = 0; i < net.size(); ++i) fds.push_back(pollfd{net.fd(i), POLLIN, 0});
  if (reflector) fds.push_back(pollfd{reflector->fd(), POLLIN, 0});

  emulator.start();
  const TimePoint started = clock.now();
  TimePoint next_progress = started + kProgressInterval;
  bool interrupted = false;
  while (!emulator.done()) {
    if (g_interrupted && !interrupted) {
      interrupted = true;
      LNS_LOG_WARN("interrupted: tearing down");
      emulator.request_teardown();
    }
    const TimePoint now = clock.now();
    Duration wait = kMaxSleep;
    if (const std::optional<TimePoint> d = emulator.next_deadline()) wait = std::clamp<Duration>(*d - now, Duration::zero(), wait);
    const int timeout_ms = static_cast<int>(std::chrono::ceil<std::chrono::milliseconds>(wait).count());
    const int ready = ::poll(fds.data(), fds.size(), timeout_ms);
    if (ready > 0) {
      for (size_t i = 0; i < net.size(); ++i)
        if (fds[i].revents & POLLIN) net.receive(static_cast<uint32_t>(i), deliver);
      if (reflector && (fds.back().revents & POLLIN)) reflector->receive(is_probe);
    }
    emulator.poll();
    if (log_enabled(LogLevel::kDebug) && clock.now() >= next_progress) {
      next_progress = clock.now() + kProgressInterval;
      LNS_LOG_DEBUG("%.1f s: %s: %u of %u sessions up", std::chrono::duration<double>(clock.now() - started).count(),
                    std::string(to_string(emulator.phase())), emulator.sessions_up_now(),
                    static_cast<uint32_t>(emulator.session_count()));
    }
  }

  const EmulatorReport report = emulator.report();
  if (options->json) {
    std::printf("%s\n", format_json(report, options->json_sessions).c_str());
  } else {
    std::fputs(format_summary(report).c_str(), stdout);
    if (reflector) {
      std::printf("reflector: %llu frames seen, %llu reflected, %llu send errors\n",
                  static_cast<unsigned long long>(reflector->stats().frames),
                  static_cast<unsigned long long>(reflector->stats().reflected),
                  static_cast<unsigned long long>(reflector->stats().send_errors));
    }
  }
  if (interrupted) return 3;
  return report.success ? 0 : 1;
}
