// lnsd: the L2TP Network Server daemon. Loads and validates the config,
// starts EAL and the data plane, installs static sessions, then runs the
// control plane on the main lcore until SIGINT/SIGTERM.
#include <getopt.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_lcore.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/log.h"
#include "config/config_loader.h"
#include "config/static_sessions.h"
#include "controlplane/cli/cli_server.h"
#include "controlplane/daemon/commands.h"
#include "controlplane/daemon/control_plane.h"
#include "controlplane/daemon/eal_args.h"
#include "controlplane/daemon/heap_prefault.h"
#include "controlplane/daemon/settings.h"
#include "controlplane/daemon/telemetry.h"
#include "controlplane/daemon/stats_report.h"
#include "dataplane/dataplane.h"
#include "dataplane/header_writes.h"
#include "dataplane/port.h"

namespace {

volatile std::sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }

// How long the control thread sleeps when a pass found nothing to do. Each
// sleep and wake-up costs the thread CPU time (in this VM, finish_task_switch
// after nanosleep was 9 % of the control thread while it set up a million
// sessions), so fewer, longer sleeps let more work collect per pass. The
// punt rings hold what arrives meanwhile: 1 ms at 50,000 set-ups a second
// is about 500 frames, against 2 x 1,024 slots a worker.
constexpr useconds_t kIdleSleepUs = 1000;

// net_tap has the kernel raise a realtime signal on every frame a TAP
// receives (the first free one from SIGRTMIN: F_SETSIG + O_ASYNC), only to
// skip RX bursts that would find nothing. Raising it runs kill_fasync under
// every write to the TAP, and taking it interrupts our threads: measured
// with scripts/bench-setup, it was most of lns-emulator's and the control
// thread's CPU per session setup. With every realtime signal already
// handled the PMD says "No Rx trigger signal available" and reads on each
// burst instead, which the polling workers do anyway. Only for TAP ports
// (tests, demos); a real NIC has no such signal.
void ignore_signal(int) {}
void disable_tap_rx_trigger(const lns::config::Config& cfg) {
  const auto is_tap = [](const std::string& device) { return device.rfind("net_tap", 0) == 0; };
  if (!is_tap(cfg.access.device) && !is_tap(cfg.core.device)) return;
  struct sigaction sa = {};
  sa.sa_handler = ignore_signal;
  sigemptyset(&sa.sa_mask);
  for (int sig = SIGRTMIN; sig <= SIGRTMAX; ++sig) sigaction(sig, &sa, nullptr);
}

struct Options {
  std::string config_path;
  bool check_only = false;
  double duration_s = 0;       // 0: run until signalled
  double stats_interval_s = 10;
  std::string cli_socket;  // overrides the config's cli.socket
};

void usage(FILE* out) {
  std::fprintf(out,
               "usage: lnsd -c CONFIG [--check] [--duration SECONDS] [--stats-interval SECONDS]\n"
               "  -c, --config FILE        libconfig file (see config/examples/)\n"
               "      --check              validate the config and exit\n"
               "      --duration S         stop after S seconds (tests, demos)\n"
               "      --stats-interval S   print counters every S seconds (0: never)\n"
               "      --log-level LEVEL    error|warning|info|debug\n"
               "      --cli-socket PATH    where lnsctl connects (default /run/lnsd.sock)\n");
}

bool parse_options(int argc, char** argv, Options* o) {
  static const option longopts[] = {{"config", required_argument, nullptr, 'c'},
                                    {"check", no_argument, nullptr, 'k'},
                                    {"duration", required_argument, nullptr, 'd'},
                                    {"stats-interval", required_argument, nullptr, 's'},
                                    {"log-level", required_argument, nullptr, 'l'},
                                    {"cli-socket", required_argument, nullptr, 'S'},
                                    {"help", no_argument, nullptr, 'h'},
                                    {nullptr, 0, nullptr, 0}};
  int c;
  while ((c = getopt_long(argc, argv, "c:h", longopts, nullptr)) != -1) {
    switch (c) {
      case 'c': o->config_path = optarg; break;
      case 'k': o->check_only = true; break;
      case 'd': o->duration_s = std::atof(optarg); break;
      case 's': o->stats_interval_s = std::atof(optarg); break;
      case 'S': o->cli_socket = optarg; break;
      case 'l': {
        lns::LogLevel l;
        if (!lns::parse_log_level(optarg, &l)) {
          std::fprintf(stderr, "lnsd: unknown log level '%s'\n", optarg);
          return false;
        }
        lns::set_log_level(l);
        break;
      }
      case 'h': usage(stdout); std::exit(0);
      default: usage(stderr); return false;
    }
  }
  if (o->config_path.empty()) {
    usage(stderr);
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  if (!parse_options(argc, argv, &opt)) return 2;
  auto cfg = lns::config::load_config_file(opt.config_path);
  if (!cfg.ok()) {
    std::fprintf(stderr, "lnsd: %s\n", std::string(cfg.status().message()).c_str());
    return 1;
  }
  const uint64_t total_static = lns::config::total_static_sessions(*cfg);
  if (opt.check_only) {
    std::printf("%s: OK (%llu static sessions)\n", opt.config_path.c_str(),
                static_cast<unsigned long long>(total_static));
    return 0;
  }

  lns::EalPlan plan = lns::plan_eal(*cfg, lns::free_hugepage_bytes(),
                                    static_cast<unsigned>(sysconf(_SC_NPROCESSORS_ONLN)));
  if (plan.no_huge_fallback)
    LNS_LOG_WARN("no free hugepages for the %llu MiB this config needs: running with --no-huge -m %llu. "
                 "Packet buffers in 4 KiB pages are slower and unsuitable for production; "
                 "reserve hugepages (scripts/setup does) for real use.",
                 static_cast<unsigned long long>(plan.memory_mb),
                 static_cast<unsigned long long>(plan.memory_mb));
  std::vector<std::string> eal_strings{argv[0]};
  eal_strings.insert(eal_strings.end(), plan.args.begin(), plan.args.end());
  std::vector<char*> eal_argv;
  for (auto& s : eal_strings) eal_argv.push_back(s.data());
  LNS_LOG_INFO("EAL arguments: %s", absl::StrJoin(plan.args, " "));
  disable_tap_rx_trigger(*cfg);
  if (rte_eal_init(static_cast<int>(eal_argv.size()), eal_argv.data()) < 0) {
    LNS_LOG_ERROR("EAL initialisation failed (arguments: %s)", absl::StrJoin(plan.args, " "));
    return 1;
  }

  int rc = 0;
  {
    auto dpr = lns::dp::Dataplane::create(*cfg);
    if (!dpr.ok()) {
      LNS_LOG_ERROR("data plane: %s", std::string(dpr.status().message()));
      rte_eal_cleanup();
      return 1;
    }
    lns::dp::Dataplane& dp = **dpr;

    const auto& acc = dp.port(lns::dp::Side::kAccess);
    const auto& core = dp.port(lns::dp::Side::kCore);
    LNS_LOG_INFO("access port %u (%s, %s) core port %u (%s, %s), %zu worker(s)", acc.port_id,
                 cfg->access.device, acc.driver, core.port_id, cfg->core.device, core.driver, dp.worker_count());
    if (acc.driver == "net_memif" || core.driver == "net_memif")
      LNS_LOG_WARN("memif ports: stop lnsd before its memif peers. When a peer leaves, DPDK 22.11's memif driver "
                   "unmaps the link's memory without waiting for a worker polling it, which can crash lnsd");
    LNS_LOG_INFO("encap header writes: %s (dataplane.encap_header_writes; %s)",
                 dp.streams_encap_headers() ? "streamed" : "ordinary stores",
                 lns::dp::encap_header_writes_reason(cfg->dataplane.encap_header_writes,
                                                     lns::dp::tx_copies_frames(acc.driver), lns::dp::cpu_vendor()));
    // scripts/bench-scale reads this line: these tables are resident before
    // the first session, so lnsd's RSS growth alone leaves them out.
    const auto& table = dp.sessions();
    LNS_LOG_INFO("session tables: %zu bytes for %u sessions (%zu B a session), resident from start",
                 table.memory_bytes(), table.capacity(), table.memory_bytes() / table.capacity());

    if (cfg->eal.heap_prefault_mb > 0) {
      auto took = lns::prefault_heap(cfg->eal.heap_prefault_mb);
      if (took.ok())
        LNS_LOG_INFO("prefaulted %u MiB of heap in %.2f s", cfg->eal.heap_prefault_mb, *took);
      else
        LNS_LOG_WARN("heap not prefaulted: %s", std::string(took.status().message()));
    }

    lns::ControlPlaneConfig cpc;
    cpc.access_arp = {acc.mac, cfg->access.ipv4.value_or(0), cfg->access.vlan.value_or(0xffff)};
    cpc.core_arp = {core.mac, cfg->core.ipv4.value_or(0), cfg->core.vlan.value_or(0xffff)};
    cpc.access.mac = acc.mac;
    cpc.access.ipv4 = cfg->access.ipv4.value_or(0);
    cpc.access.vlan = cfg->access.vlan;
    if (cfg->access.next_hop_mac) cpc.access.next_hop_mac = cfg->access.next_hop_mac->bytes;
    cpc.session_mtu = cfg->dataplane.session_mtu;
    cpc.l2tp = lns::l2tp_config_from(*cfg);
    cpc.ppp = lns::ppp_settings_from(*cfg);
    cpc.aaa = lns::aaa_config_from(*cfg);
    lns::SteadyClock clock;
    auto cpr = lns::ControlPlane::create(dp, cpc, clock);
    if (!cpr.ok()) {
      LNS_LOG_ERROR("control plane: %s", std::string(cpr.status().message()));
      return 1;
    }
    lns::ControlPlane& cp = **cpr;
    uint64_t installed = 0;
    absl::Status install = absl::OkStatus();
    lns::config::for_each_static_session(*cfg, [&](const lns::config::StaticSession& s) {
      if (!install.ok()) return;
      auto id = cp.subscribers().add_static(lns::dp::session_spec_from_static(s, cfg->dataplane));
      if (!id.ok())
        install = absl::Status(id.status().code(),
                               absl::StrFormat("%s:%d: static session %u/%u: %s", cfg->source, s.line,
                                               s.tunnel_id, s.session_id, id.status().message()));
      else
        ++installed;
    });
    if (!install.ok()) {
      LNS_LOG_ERROR("%s", std::string(install.message()));
      rc = 1;
      g_stop = 1;
    }
    LNS_LOG_INFO("%llu static session(s) installed", static_cast<unsigned long long>(installed));

    lns::DaemonContext ctx;
    ctx.config = &*cfg;
    ctx.config_path = opt.config_path;
    ctx.dataplane = &dp;
    ctx.control = &cp;
    ctx.clock = &clock;
    lns::CaptureWriter capture(dp);
    ctx.capture = &capture;
    ctx.started = clock.now();
    lns::cli::CommandRegistry registry;
    if (auto st = lns::register_commands(registry, ctx); !st.ok()) {
      LNS_LOG_ERROR("CLI commands: %s", std::string(st.message()));
      return 1;
    }
    lns::cli::CliServerOptions cli_opts;
    cli_opts.socket_path = opt.cli_socket.empty() ? lns::cli_socket_path(*cfg) : opt.cli_socket;
    cli_opts.mode = lns::cli_socket_mode(*cfg);
    lns::cli::CliServer cli(registry, clock, cli_opts);
    if (auto st = cli.start(); !st.ok()) {
      LNS_LOG_ERROR("CLI socket %s: %s", cli_opts.socket_path, std::string(st.message()));
      rc = 1;
      g_stop = 1;
    } else {
      LNS_LOG_INFO("CLI on %s (lnsctl --socket %s)", cli_opts.socket_path, cli_opts.socket_path);
    }

    lns::Telemetry telemetry;
    auto read_worker_stats = [&] {
      std::vector<lns::dp::WorkerStats> stats;
      for (size_t i = 0; i < dp.worker_count(); ++i) stats.push_back(dp.worker(i).stats());
      return stats;
    };
    auto publish_telemetry = [&](std::vector<lns::dp::WorkerStats> worker_stats) {
      lns::TelemetrySnapshot snap;
      snap.sessions = cp.subscribers().size();
      snap.tunnels = cp.l2tp().active_tunnel_count();
      snap.uptime_s = static_cast<uint64_t>(std::chrono::duration<double>(clock.now() - ctx.started).count());
      snap.upstream_cells_hashed = dp.sessions().upstream_cells().hashed_keys();
      snap.downstream_cells_hashed = dp.sessions().downstream_cells().hashed_keys();
      for (size_t i = 0; i < worker_stats.size(); ++i)
        snap.worker_rx_pps.push_back(static_cast<uint64_t>(ctx.worker_rates.rx_mpps(i) * 1e6));
      snap.workers = std::move(worker_stats);
      for (const auto& t : cp.l2tp().tunnels())
        snap.tunnel_list.push_back({t.tunnel_id, lns::l2tp::to_string(t.peer), t.lac_host_name,
                                    std::string(lns::l2tp::tunnel_state_name(t.state)), t.sessions});
      telemetry.publish(std::move(snap));
    };
    publish_telemetry(read_worker_stats());

    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    if (g_stop) {
      // static session installation failed; nothing to launch
    } else if (auto st = dp.launch(); !st.ok()) {
      LNS_LOG_ERROR("%s", std::string(st.message()));
      rc = 1;
      g_stop = 1;
    } else {
      LNS_LOG_INFO("forwarding; stop with SIGINT or SIGTERM");
    }

    const uint64_t hz = rte_get_tsc_hz();
    const uint64_t start = rte_rdtsc();
    uint64_t next_stats = start + static_cast<uint64_t>(opt.stats_interval_s * hz);
    uint64_t next_telemetry = start + hz;
    // Graceful stop: StopCCN to every tunnel, then wait (bounded) for the
    // LACs to acknowledge before the ports close.
    uint64_t stopping_since = 0;
    while (true) {
      const uint64_t now = rte_rdtsc();
      const bool want_stop = g_stop || ctx.shutdown_requested ||
                             (opt.duration_s > 0 && now - start > static_cast<uint64_t>(opt.duration_s * hz));
      if (want_stop && stopping_since == 0) {
        stopping_since = now;
        cp.l2tp().shutdown();
      }
      if (stopping_since != 0 && (cp.l2tp().idle() || now - stopping_since > 3 * hz)) break;
      const uint32_t handled = cp.poll();
      cli.poll_once();
      capture.poll();
      if (handled == 0) usleep(kIdleSleepUs);
      if (now >= next_telemetry) {
        std::vector<lns::dp::WorkerStats> worker_stats = read_worker_stats();
        ctx.worker_rates.sample(clock.now(), worker_stats);
        publish_telemetry(std::move(worker_stats));
        next_telemetry = now + hz;
      }
      if (opt.stats_interval_s > 0 && now >= next_stats) {
        std::fputs(lns::format_stats_report(dp, cp).c_str(), stdout);
        std::fflush(stdout);
        next_stats = now + static_cast<uint64_t>(opt.stats_interval_s * hz);
      }
    }
    LNS_LOG_INFO("stopping: draining workers and closing ports");
    capture.stop();
    dp.stop_workers();
    // Anything the control plane still had queued goes out with a last pass.
    cp.poll();
    std::fputs(lns::format_stats_report(dp, cp).c_str(), stdout);
    std::fflush(stdout);
    dp.close_ports();
  }
  // EAL leaves its runtime directory (telemetry socket, config) behind;
  // nothing needs it once we are gone.
  const std::string runtime_dir = rte_eal_get_runtime_dir();
  rte_eal_cleanup();
  std::error_code ec;
  if (!runtime_dir.empty()) std::filesystem::remove_all(runtime_dir, ec);
  return rc;
}
