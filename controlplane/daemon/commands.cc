#include "controlplane/daemon/commands.h"

#include <rte_cycles.h>
#include <rte_version.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/log.h"
#include "config/addresses.h"
#include "config/config_loader.h"
#include "config/config_text.h"
#include "controlplane/daemon/settings.h"

namespace lns {
namespace {

using cli::Cell;
using cli::CommandOutput;
using cli::Detail;
using cli::ParsedArgs;
using cli::Table;

std::string ipv4_text(uint32_t host_order) {
  if (host_order == 0) return "-";
  return absl::StrFormat("%u.%u.%u.%u", host_order >> 24, (host_order >> 16) & 0xff, (host_order >> 8) & 0xff,
                         host_order & 0xff);
}

std::string ipv6_prefix_text(const std::array<uint8_t, 8>& p, uint8_t len) {
  if (len == 0) return "-";
  config::Ipv6Prefix prefix;
  std::copy(p.begin(), p.end(), prefix.address.begin());
  prefix.length = len;
  return config::format_ipv6_prefix(prefix);
}

double milliseconds(Duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

// "-" until the channel has an RTT sample.
Cell rtt_cell(const l2tp::RttEstimate& rtt, Duration l2tp::RttEstimate::*field) {
  if (rtt.samples == 0) return Cell();
  return Cell::decimal(milliseconds(rtt.*field), 1);
}

double seconds_since(const Clock& clock, TimePoint t) {
  return std::chrono::duration<double>(clock.now() - t).count();
}

dp::WorkerStats worker_view(DaemonContext& ctx, size_t i) {
  dp::WorkerStats now = ctx.dataplane->worker(i).stats();
  if (i < ctx.baseline.workers.size()) now -= ctx.baseline.workers[i];
  return now;
}

dp::PortCounters port_view(DaemonContext& ctx, dp::Side side) {
  dp::PortCounters c = dp::read_port_counters(ctx.dataplane->port(side).port_id);
  const dp::PortCounters& b = ctx.baseline.ports[side == dp::Side::kCore];
  c.rx_packets -= b.rx_packets;
  c.tx_packets -= b.tx_packets;
  c.rx_bytes -= b.rx_bytes;
  c.tx_bytes -= b.tx_bytes;
  c.rx_errors -= b.rx_errors;
  c.tx_errors -= b.tx_errors;
  c.rx_missed -= b.rx_missed;
  c.rx_nombuf -= b.rx_nombuf;
  return c;
}

std::string kind_name(SubscriberKind k) { return k == SubscriberKind::kStatic ? "static" : "l2tp"; }

void add_session_row(Table& t, DaemonContext& ctx, const Subscriber& s) {
  const auto* spec = ctx.dataplane->sessions().spec(s.slot);
  const auto totals = ctx.dataplane->session_totals(s.slot);
  t.add_row({s.id, kind_name(s.kind), s.key.tunnel_id, s.key.session_id,
             spec ? Cell(absl::StrFormat("%u/%u", spec->peer_tunnel_id, spec->peer_session_id)) : Cell(),
             spec ? Cell(ipv4_text(spec->lac_ipv4)) : Cell(), s.user.empty() ? Cell() : Cell(s.user),
             spec ? Cell(ipv4_text(spec->subscriber_ipv4)) : Cell(),
             spec ? Cell(ipv6_prefix_text(spec->ipv6_prefix, spec->ipv6_prefix_len)) : Cell(),
             Cell::decimal(seconds_since(*ctx.clock, s.since), 0), totals.up_packets, totals.down_packets});
}

Table session_table() {
  return Table({"id", "kind", "tunnel", "session", "peer", "lac", "user", "ipv4", "ipv6", "uptime_s", "up_packets",
                "down_packets"});
}

absl::StatusOr<const Subscriber*> subscriber_by_id(DaemonContext& ctx, uint64_t id) {
  const Subscriber* s = ctx.control->subscribers().find_id(id);
  if (s == nullptr) return absl::NotFoundError(absl::StrFormat("no session with id %u", id));
  return s;
}

}  // namespace

absl::Status register_commands(cli::CommandRegistry& r, DaemonContext& ctx) {
  std::vector<absl::Status> results;
  auto add = [&](std::string_view syntax, std::string_view help, cli::CommandHandler h) {
    results.push_back(r.add(syntax, help, std::move(h)));
  };

  add("show version", "software and DPDK versions", [&ctx](const ParsedArgs&) -> absl::StatusOr<CommandOutput> {
    Detail d;
    d.add("lnsd", "0.1.0");
    d.add("dpdk", rte_version());
    d.add("uptime_s", Cell::decimal(seconds_since(*ctx.clock, ctx.started), 0));
    d.add("workers", ctx.dataplane->worker_count());
    return d;
  });

  add("show config", "the running configuration (secrets hidden)", [&ctx](const ParsedArgs&) -> absl::StatusOr<CommandOutput> {
    return CommandOutput::text(config::format_config(*ctx.config, config::SecretDisplay::kHide));
  });

  add("show ports", "link state and counters of the access and core ports",
      [&ctx](const ParsedArgs&) -> absl::StatusOr<CommandOutput> {
        Table t({"port", "id", "driver", "link", "speed_mbps", "rx_packets", "rx_bytes", "tx_packets", "tx_bytes",
                 "rx_errors", "tx_errors", "rx_missed", "rx_nombuf"});
        for (auto side : {dp::Side::kAccess, dp::Side::kCore}) {
          const auto& info = ctx.dataplane->port(side);
          const auto c = port_view(ctx, side);
          t.add_row({side == dp::Side::kAccess ? "access" : "core", info.port_id, info.driver,
                     c.link_up ? "up" : "down", c.link_speed_mbps, c.rx_packets, c.rx_bytes, c.tx_packets,
                     c.tx_bytes, c.rx_errors, c.tx_errors, c.rx_missed, c.rx_nombuf});
        }
        return t;
      });

  add("show workers", "per worker: Mpps now, packets, busy share, cycles per packet",
      [&ctx](const ParsedArgs&) -> absl::StatusOr<CommandOutput> {
        // rx_mpps and cycles_now cover the last second; the other columns
        // count since start or `clear counters`. handed_off / handed_in:
        // packets passed to / taken from the worker owning their session
        // (session distribution).
        Table t({"worker", "lcore", "rx_mpps", "cycles_now", "rx_access", "rx_core", "decap", "encap", "punted",
                 "drops", "busy_pct", "cycles_per_packet", "handed_off", "handed_in"});
        for (size_t i = 0; i < ctx.dataplane->worker_count(); ++i) {
          const dp::WorkerStats w = worker_view(ctx, i);
          const double busy = w.polls ? 100.0 * double(w.busy_polls) / double(w.polls) : 0.0;
          const double cpp = w.busy_packets ? double(w.busy_cycles) / double(w.busy_packets) : 0.0;
          t.add_row({i, ctx.config->dataplane.worker_lcores[i], Cell::decimal(ctx.worker_rates.rx_mpps(i), 3),
                     Cell::decimal(ctx.worker_rates.interval_cycles_per_packet(i), 1), w.rx_access, w.rx_core,
                     w.decapsulated, w.encapsulated, w.punted, w.total_drops(), Cell::decimal(busy, 1),
                     Cell::decimal(cpp, 1), w.handed_off, w.handed_in});
        }
        return t;
      });

  add("show errors", "every named drop counter, per worker and summed",
      [&ctx](const ParsedArgs&) -> absl::StatusOr<CommandOutput> {
        std::vector<std::string> cols{"counter"};
        for (size_t i = 0; i < ctx.dataplane->worker_count(); ++i) cols.push_back(absl::StrFormat("worker%u", i));
        cols.push_back("total");
        cols.push_back("meaning");
        Table t(cols);
        std::vector<dp::WorkerStats> views;
        for (size_t i = 0; i < ctx.dataplane->worker_count(); ++i) views.push_back(worker_view(ctx, i));
        for (size_t r = 0; r < dp::kDropReasonCount; ++r) {
          std::vector<Cell> row{std::string(dp::kDropReasonNames[r])};
          uint64_t total = 0;
          for (const auto& w : views) {
            row.emplace_back(w.drops[r]);
            total += w.drops[r];
          }
          row.emplace_back(total);
          row.emplace_back(std::string(dp::kDropReasonHelp[r]));
          t.add_row(std::move(row));
        }
        return t;
      });

  add("show tunnels", "L2TP tunnels", [&ctx](const ParsedArgs&) -> absl::StatusOr<CommandOutput> {
    Table t({"tunnel", "peer_tunnel", "peer", "host", "state", "sessions", "auth", "retransmits", "cwnd",
             "peer_window", "srtt_ms", "uptime_s"});
    for (const auto& info : ctx.control->l2tp().tunnels())
      t.add_row({info.tunnel_id, info.peer_tunnel_id, l2tp::to_string(info.peer), info.lac_host_name,
                 std::string(l2tp::tunnel_state_name(info.state)), info.sessions, Cell::boolean(info.authenticated),
                 info.channel.stats.retransmitted, info.channel.congestion_window, info.channel.peer_receive_window,
                 rtt_cell(info.channel.rtt, &l2tp::RttEstimate::smoothed), Cell::decimal(seconds_since(*ctx.clock, info.created_at), 0)});
    return t;
  });

  add("show tunnel <id:uint(1-65535)>", "one L2TP tunnel in detail",
      [&ctx](const ParsedArgs& a) -> absl::StatusOr<CommandOutput> {
        auto info = ctx.control->l2tp().tunnel(static_cast<uint16_t>(a.uint("id")));
        if (!info) return absl::NotFoundError(absl::StrFormat("no tunnel %u", a.uint("id")));
        const auto& ch = info->channel;
        Detail d;
        d.add("tunnel", info->tunnel_id).add("peer_tunnel", info->peer_tunnel_id);
        d.add("peer", l2tp::to_string(info->peer)).add("host", info->lac_host_name);
        d.add("vendor", info->lac_vendor_name).add("state", std::string(l2tp::tunnel_state_name(info->state)));
        d.add("policy", info->policy_name.empty() ? Cell() : Cell(info->policy_name));
        d.add("authenticated", Cell::boolean(info->authenticated)).add("hidden_avps", Cell::boolean(info->hiding_avps));
        d.add("draining", Cell::boolean(info->draining)).add("sessions", info->sessions);
        d.add("uptime_s", Cell::decimal(seconds_since(*ctx.clock, info->created_at), 0));
        d.add("next_ns", ch.next_ns).add("next_nr", ch.next_nr).add("outstanding", ch.outstanding);
        d.add("cwnd", ch.congestion_window).add("ssthresh", ch.slow_start_threshold);
        d.add("peer_window", ch.peer_receive_window).add("sent", ch.stats.sent);
        d.add("retransmits", ch.stats.retransmitted).add("zlb_sent", ch.stats.zlb_sent);
        d.add("received", ch.stats.received).add("duplicates", ch.stats.duplicates);
        d.add("out_of_window", ch.stats.out_of_window).add("timeouts", ch.stats.timeouts);
        d.add("rtt_samples", ch.rtt.samples).add("rtt_last_ms", rtt_cell(ch.rtt, &l2tp::RttEstimate::last));
        d.add("srtt_ms", rtt_cell(ch.rtt, &l2tp::RttEstimate::smoothed));
        d.add("rtt_min_ms", rtt_cell(ch.rtt, &l2tp::RttEstimate::min));
        d.add("rtt_max_ms", rtt_cell(ch.rtt, &l2tp::RttEstimate::max));
        return d;
      });

  add("show sessions [tunnel <tunnel:uint(1-65535)> | user <user:string> | ip <ip:ipv4>]",
      "sessions, optionally filtered", [&ctx](const ParsedArgs& a) -> absl::StatusOr<CommandOutput> {
        Table t = session_table();
        const auto tunnel = a.optional_uint("tunnel");
        const auto user = a.optional_string("user");
        const auto ip = a.optional_ipv4("ip");
        for (const Subscriber* s : ctx.control->subscribers().all()) {
          if (tunnel && s->key.tunnel_id != *tunnel) continue;
          if (user && s->user != *user) continue;
          if (ip) {
            const auto* spec = ctx.dataplane->sessions().spec(s->slot);
            if (spec == nullptr || spec->subscriber_ipv4 != *ip) continue;
          }
          add_session_row(t, ctx, *s);
        }
        return t;
      });

  add("show session <id:uint>", "one session in detail", [&ctx](const ParsedArgs& a) -> absl::StatusOr<CommandOutput> {
    auto s = subscriber_by_id(ctx, a.uint("id"));
    if (!s.ok()) return s.status();
    const Subscriber& sub = **s;
    const auto* spec = ctx.dataplane->sessions().spec(sub.slot);
    const auto totals = ctx.dataplane->session_totals(sub.slot);
    Detail d;
    d.add("id", sub.id).add("kind", kind_name(sub.kind));
    d.add("tunnel", sub.key.tunnel_id).add("session", sub.key.session_id);
    if (spec) {
      d.add("peer_tunnel", spec->peer_tunnel_id).add("peer_session", spec->peer_session_id);
      d.add("lac", absl::StrFormat("%s:%u", ipv4_text(spec->lac_ipv4), spec->lac_port));
      d.add("ipv4", ipv4_text(spec->subscriber_ipv4));
      d.add("ipv6", ipv6_prefix_text(spec->ipv6_prefix, spec->ipv6_prefix_len));
      d.add("mtu", spec->mtu);
      d.add("ipv4_forwarding", Cell::boolean(spec->flags & dp::kForwardIpv4));
      d.add("ipv6_forwarding", Cell::boolean(spec->flags & dp::kForwardIpv6));
    }
    d.add("user", sub.user.empty() ? Cell() : Cell(sub.user));
    d.add("uptime_s", Cell::decimal(seconds_since(*ctx.clock, sub.since), 0));
    if (sub.ppp) {
      d.add("ppp_phase", std::string(ppp::to_string(sub.ppp->phase())));
      d.add("lcp_state", std::string(ppp::to_string(sub.ppp->lcp().fsm().state())));
      d.add("ipcp_state", std::string(ppp::to_string(sub.ppp->ipcp().fsm().state())));
      d.add("ipv6cp_state", std::string(ppp::to_string(sub.ppp->ipv6cp().fsm().state())));
      d.add("proxy_lcp", Cell::boolean(sub.ppp->used_proxy_lcp()));
    }
    if (sub.kind == SubscriberKind::kL2tp) {
      const std::optional<l2tp::SessionInfo> info = ctx.control->l2tp().session(sub.key);
      const l2tp::SessionInfo none;
      const l2tp::SessionInfo& l = info ? *info : none;
      d.add("lac_host", l.lac_host_name);
      d.add("calling_number", l.calling_number).add("called_number", l.called_number);
      d.add("agent_circuit_id", l.agent_circuit_id ? Cell(*l.agent_circuit_id) : Cell());
      d.add("agent_remote_id", l.agent_remote_id ? Cell(*l.agent_remote_id) : Cell());
    }
    d.add("up_packets", totals.up_packets).add("up_bytes", totals.up_bytes);
    d.add("down_packets", totals.down_packets).add("down_bytes", totals.down_bytes);
    d.add("drops", totals.drops);
    return d;
  });

  add("show ppp", "PPP outcomes (sessions up, authentication failures, echo timeouts) and how late its timers run",
      [&ctx](const ParsedArgs&) -> absl::StatusOr<CommandOutput> {
        const SubscriberManager& m = ctx.control->subscribers();
        const SubscriberStats& s = m.stats();
        Detail d;
        d.add("subscribers", m.size()).add("published", s.published).add("removed", s.removed);
        d.add("publish_failed", s.publish_failed).add("ipv4_up", s.ipv4_up).add("ipv6_up", s.ipv6_up);
        d.add("ppp_down", s.ppp_down).add("auth_failed", s.auth_failed).add("echo_timeouts", s.echo_timeouts);
        d.add("no_address", s.no_address).add("ppp_frames", s.ppp_frames).add("ppp_bad_frames", s.ppp_bad_frames);
        d.add("ppp_unknown_session", s.ppp_unknown_session);
        uint64_t echo_answered = 0;  // by the workers, never seen here
        for (size_t i = 0; i < ctx.dataplane->worker_count(); ++i)
          echo_answered += ctx.dataplane->worker(i).stats().lcp_echo_answered;
        d.add("echo_answered_by_workers", echo_answered);
        d.add("timers_run", s.timers_run).add("timers_late", s.timers_late).add("timer_lag_max_ms", s.timer_lag_max_ms);
        return d;
      });

  add("show pools", "address pools: size, used, high-water mark, exhaustion",
      [&ctx](const ParsedArgs&) -> absl::StatusOr<CommandOutput> {
        Table t({"pool", "ranges", "size", "used", "free", "high_water", "exhausted"});
        for (const auto& p : ctx.control->aaa().stats().pools) {
          std::string ranges;
          for (const auto& r : p.ranges) absl::StrAppend(&ranges, ranges.empty() ? "" : " ", aaa::format_range(r));
          t.add_row({p.name, ranges, p.size, p.used, p.size - p.used, p.high_water, p.exhausted});
        }
        return t;
      });

  add("reload", "re-read users and pools from the config file; sessions stay up",
      [&ctx](const ParsedArgs&) -> absl::StatusOr<CommandOutput> {
        auto fresh = config::load_config_file(ctx.config_path);
        if (!fresh.ok()) return fresh.status();
        auto report = ctx.control->aaa().reload(aaa_config_from(*fresh));
        if (!report.ok()) return report.status();
        return CommandOutput::text(absl::StrFormat("reloaded %s: %u session(s) kept their addresses, %u stranded, %u user(s) removed\n",
                                                   ctx.config_path, report->sessions_kept, report->stranded.size(),
                                                   report->removed_users.size()));
      });

  add("clear counters", "reset port, worker and drop counters as seen by show commands",
      [&ctx](const ParsedArgs&) -> absl::StatusOr<CommandOutput> {
        ctx.baseline.workers.clear();
        for (size_t i = 0; i < ctx.dataplane->worker_count(); ++i)
          ctx.baseline.workers.push_back(ctx.dataplane->worker(i).stats());
        ctx.baseline.ports[0] = dp::read_port_counters(ctx.dataplane->port(dp::Side::kAccess).port_id);
        ctx.baseline.ports[1] = dp::read_port_counters(ctx.dataplane->port(dp::Side::kCore).port_id);
        return CommandOutput::text("counters cleared\n");
      });

  add("session add static lac <lac:ipv4> [port <port:uint(1-65535)>] tunnel <tunnel:uint(1-65535)> "
      "session <session:uint(1-65535)> peer-tunnel <ptunnel:uint(1-65535)> peer-session <psession:uint(1-65535)> "
      "ip <ip:ipv4> [mtu <mtu:uint(576-9000)>]",
      "add a session without signalling (replayed captures, benchmarks)",
      [&ctx](const ParsedArgs& a) -> absl::StatusOr<CommandOutput> {
        dp::SessionSpec s;
        s.lac_ipv4 = a.ipv4("lac");
        s.lac_port = static_cast<uint16_t>(a.optional_uint("port").value_or(1701));
        s.tunnel_id = static_cast<uint16_t>(a.uint("tunnel"));
        s.session_id = static_cast<uint16_t>(a.uint("session"));
        s.peer_tunnel_id = static_cast<uint16_t>(a.uint("ptunnel"));
        s.peer_session_id = static_cast<uint16_t>(a.uint("psession"));
        s.subscriber_ipv4 = a.ipv4("ip");
        s.mtu = static_cast<uint16_t>(a.optional_uint("mtu").value_or(ctx.config->dataplane.session_mtu));
        s.flags = dp::kForwardIpv4;
        auto id = ctx.control->subscribers().add_static(s);
        if (!id.ok()) return id.status();
        return CommandOutput::text(absl::StrFormat("session %u added\n", *id));
      });

  add("session del static tunnel <tunnel:uint(1-65535)> session <session:uint(1-65535)>",
      "remove a static session", [&ctx](const ParsedArgs& a) -> absl::StatusOr<CommandOutput> {
        auto st = ctx.control->subscribers().remove_static(
            {static_cast<uint16_t>(a.uint("tunnel")), static_cast<uint16_t>(a.uint("session"))});
        if (!st.ok()) return st;
        return CommandOutput::text("session removed\n");
      });

  add("tunnel drain <id:uint(1-65535)>", "accept no new sessions on a tunnel (existing ones stay)",
      [&ctx](const ParsedArgs& a) -> absl::StatusOr<CommandOutput> {
        auto st = ctx.control->l2tp().drain_tunnel(static_cast<uint16_t>(a.uint("id")));
        if (!st.ok()) return st;
        return CommandOutput::text("tunnel draining\n");
      });

  add("terminate tunnel <id:uint(1-65535)>", "StopCCN (administrative) to the LAC; clears its sessions",
      [&ctx](const ParsedArgs& a) -> absl::StatusOr<CommandOutput> {
        auto st = ctx.control->l2tp().terminate_tunnel(static_cast<uint16_t>(a.uint("id")));
        if (!st.ok()) return st;
        return CommandOutput::text("StopCCN sent\n");
      });

  add("terminate session <id:uint>", "CDN (administrative) for one session",
      [&ctx](const ParsedArgs& a) -> absl::StatusOr<CommandOutput> {
        auto s = subscriber_by_id(ctx, a.uint("id"));
        if (!s.ok()) return s.status();
        if ((*s)->kind == SubscriberKind::kStatic)
          return absl::FailedPreconditionError("a static session has no signalling: use session del static");
        auto st = ctx.control->l2tp().terminate_session((*s)->key);
        if (!st.ok()) return st;
        return CommandOutput::text("CDN sent\n");
      });

  add("terminate user <user:string>", "CDN for every session of a user",
      [&ctx](const ParsedArgs& a) -> absl::StatusOr<CommandOutput> {
        std::vector<l2tp::SessionKey> keys;
        for (const Subscriber* s : ctx.control->subscribers().all())
          if (s->kind == SubscriberKind::kL2tp && s->user == a.string("user")) keys.push_back(s->key);
        if (keys.empty()) return absl::NotFoundError("no session for that user");
        for (auto k : keys) (void)ctx.control->l2tp().terminate_session(k);
        return CommandOutput::text(absl::StrFormat("CDN sent for %u session(s)\n", keys.size()));
      });

  add("terminate ip <ip:ipv4>", "CDN for the session holding an address",
      [&ctx](const ParsedArgs& a) -> absl::StatusOr<CommandOutput> {
        for (const Subscriber* s : ctx.control->subscribers().all()) {
          const auto* spec = ctx.dataplane->sessions().spec(s->slot);
          if (s->kind == SubscriberKind::kL2tp && spec && spec->subscriber_ipv4 == a.ipv4("ip")) {
            auto st = ctx.control->l2tp().terminate_session(s->key);
            if (!st.ok()) return st;
            return CommandOutput::text("CDN sent\n");
          }
        }
        return absl::NotFoundError("no L2TP session holds that address");
      });

  add("call outgoing tunnel <id:uint(1-65535)> [number <number:string>]",
      "LNS-initiated call (OCRQ) on a tunnel", [&ctx](const ParsedArgs& a) -> absl::StatusOr<CommandOutput> {
        l2tp::OutgoingCall call;
        if (auto n = a.optional_string("number")) call.called_number = *n;
        auto key = ctx.control->l2tp().call_outgoing(static_cast<uint16_t>(a.uint("id")), call);
        if (!key.ok()) return key.status();
        return CommandOutput::text(absl::StrFormat("OCRQ sent: session %u/%u\n", key->tunnel_id, key->session_id));
      });

  add("capture start port <port:enum(access,core)> [session <session:uint>] [count <count:uint>] file <path:string>",
      "copy packets received on a port (optionally of one session) into a pcap file",
      [&ctx](const ParsedArgs& a) -> absl::StatusOr<CommandOutput> {
        const bool access = a.string("port") == "access";
        CaptureFilter filter;
        if (auto id = a.optional_uint("session")) {
          auto s = subscriber_by_id(ctx, *id);
          if (!s.ok()) return s.status();
          if (access) {
            filter.l2tp_session = std::make_pair((*s)->key.tunnel_id, (*s)->key.session_id);
          } else {
            const auto* spec = ctx.dataplane->sessions().spec((*s)->slot);
            if (spec == nullptr || spec->subscriber_ipv4 == 0)
              return absl::FailedPreconditionError("that session has no IPv4 address yet");
            filter.subscriber_ipv4 = spec->subscriber_ipv4;
          }
        }
        auto st = ctx.capture->start(access ? dp::Side::kAccess : dp::Side::kCore, a.string("path"),
                                     a.optional_uint("count").value_or(0), filter);
        if (!st.ok()) return st;
        return CommandOutput::text(absl::StrFormat("capturing on %s into %s\n", a.string("port"), a.string("path")));
      });

  add("capture stop", "stop the capture and close its file", [&ctx](const ParsedArgs&) -> absl::StatusOr<CommandOutput> {
    const bool was_running = ctx.capture->running();
    const uint64_t n = ctx.capture->stop();
    const auto& c = ctx.dataplane->capture();
    return CommandOutput::text(absl::StrFormat("%s: %u packet(s) written, %u copy(ies) dropped by workers\n",
                                               was_running ? "capture stopped" : "no capture running (last one)", n,
                                               c.dropped.load()));
  });

  add("set log level <level:enum(error,warning,info,debug)>", "how much lnsd logs",
      [](const ParsedArgs& a) -> absl::StatusOr<CommandOutput> {
        LogLevel l = LogLevel::kInfo;
        parse_log_level(a.string("level"), &l);
        set_log_level(l);
        return CommandOutput::text(absl::StrFormat("log level %s\n", a.string("level")));
      });

  add("shutdown", "graceful stop: StopCCN to every tunnel, then exit",
      [&ctx](const ParsedArgs&) -> absl::StatusOr<CommandOutput> {
        ctx.shutdown_requested = true;
        return CommandOutput::text("shutting down\n");
      });

  for (const auto& st : results)
    if (!st.ok()) return st;
  return absl::OkStatus();
}

}  // namespace lns
