#include "tests/emulator/emulator_options.h"

#include <cmath>
#include <functional>
#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "controlplane/cli/string_view_compat.h"
#include "tests/emulator/probe_packet.h"
#include "tests/emulator/subscriber_ipv6.h"

namespace lns::emu {
namespace {

using cli::av;

absl::StatusOr<uint64_t> parse_uint(std::string_view name, std::string_view text, uint64_t min, uint64_t max) {
  uint64_t v = 0;
  if (!absl::SimpleAtoi(av(text), &v) || v < min || v > max) {
    return absl::InvalidArgumentError(absl::StrCat("--", av(name), ": expected an integer in [", min, ", ", max,
                                                   "], got '", av(text), "'"));
  }
  return v;
}

absl::StatusOr<double> parse_number(std::string_view name, std::string_view text, double min, double max) {
  double v = 0;
  if (!absl::SimpleAtod(av(text), &v) || !std::isfinite(v) || v < min || v > max) {
    return absl::InvalidArgumentError(absl::StrCat("--", av(name), ": expected a number in [", min, ", ", max,
                                                   "], got '", av(text), "'"));
  }
  return v;
}

absl::StatusOr<Duration> parse_seconds(std::string_view name, std::string_view text, double max) {
  absl::StatusOr<double> s = parse_number(name, text, 0, max);
  if (!s.ok()) return s.status();
  return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(*s));
}

}  // namespace

absl::StatusOr<uint32_t> parse_ipv4(std::string_view text) {
  std::vector<absl::string_view> parts = absl::StrSplit(av(text), '.');
  uint32_t address = 0;
  bool ok = parts.size() == 4;
  for (size_t i = 0; ok && i < parts.size(); ++i) {
    uint32_t octet = 0;
    ok = !parts[i].empty() && parts[i].size() <= 3 && absl::SimpleAtoi(parts[i], &octet) && octet <= 255;
    address = (address << 8) | octet;
  }
  if (!ok) return absl::InvalidArgumentError(absl::StrCat("'", av(text), "' is not an IPv4 address"));
  return address;
}

std::string emulator_usage() {
  return R"(usage: lns-emulator --lns ADDR [options]

Emulates LACs and PPP subscribers against an LNS over UDP: opens T tunnels
(one UDP socket each) with S sessions in each, runs LCP, PAP or CHAP and
IPCP per session, optionally sends probe traffic through every session,
then tears everything down and prints a summary.

  --lns ADDR              LNS address (required)
  --port N                LNS UDP port (1701)
  --local ADDR            source address of the tunnels' sockets
  --local-port N          tunnel i binds port N+i (default: any)
  --tunnels T             tunnels (1)
  --sessions S            sessions per tunnel (1)
  --window N              sessions being set up at once, at most (256)
  --calls-per-tunnel N    ICRQs awaiting ICRP per tunnel, at most (16)
  --auth pap|chap|none    how subscribers authenticate (pap)
  --user-format FMT       user name; %d is the global session index (user%d)
  --first-index N         index of the first session (1)
  --password PW           PAP password / CHAP secret (password)
  --secret S              L2TP tunnel secret: tunnel authentication
  --hide-avps             hide AVPs (needs --secret)
  --host-name NAME        Host Name AVP (lns-emulator)
  --traffic N             probes per session once all sessions are up (0)
  --size N                probe IP packet size in bytes, IPv4 or IPv6 (128)
  --far ADDR              probe destination (198.18.0.1)
  --rate PPS              probes per second over all sessions, 0: unpaced (10000)
  --drain SECONDS         wait this long for replies after the last probe (3)
  --reflect-core IFACE    answer probes seen on the LNS's core-side interface
  --hold SECONDS          keep the sessions up this long before teardown (0)
  --timeout SECONDS       give up on sessions not up after this (60)
  --settle SECONDS        once all sessions are up or refused, wait this long
                          for the LNS to clear refused calls itself (5)
  --teardown-timeout S    wait this long for teardown acknowledgements (15)
  --fast-teardown         StopCCN per tunnel only, no CDN per session
  --no-echo-reply         stop answering LCP Echo-Requests once a session is up
  --echo-interval S       subscribers send their own LCP Echo-Request every S s
  --expect-fail           succeed only if every session is refused
  --drop PERCENT          drop this share of L2TP control datagrams each way
  --retries N             control message retransmissions before a tunnel
                          is given up (5, as RFC 2661 suggests)
  --ipv6                  also negotiate IPv6CP
  --ipv6-prefix-format FMT  with --ipv6: each session's routed IPv6 prefix as
                          the LNS's AAA assigns it; %x (or %d) is the session
                          index, e.g. 2001:db8:%x::/64. PPP does not carry it
                          (DHCPv6-PD would). Sessions then also send IPv6
                          probes from prefix::<IPv6CP interface id>
  --far-ipv6 ADDR         IPv6 probe destination (2001:2::1)
  --no-dns                do not ask for DNS servers in IPCP
  --l2tp-only             no PPP: a session is up once its call is connected
  --mru N                 ask for this LCP MRU
  --seed N                random seed (1)
  --json                  print the report as one JSON object
  --json-sessions         include every session in the JSON report
  --verbose               log progress to stderr
  --help

Exit status 0 when every session came up (or, with --expect-fail, every
session was refused) and, with --traffic, every probe came back.
)";
}

absl::StatusOr<EmulatorOptions> parse_emulator_options(const std::vector<std::string_view>& args) {
  EmulatorOptions o;
  EmulatorConfig& c = o.emulator;
  bool have_lns = false;

  using Setter = std::function<absl::Status(std::string_view)>;
  auto assign = [](auto& field, auto parsed) -> absl::Status {
    if (!parsed.ok()) return parsed.status();
    field = static_cast<std::remove_reference_t<decltype(field)>>(*parsed);
    return absl::OkStatus();
  };
  const std::map<std::string_view, Setter> with_value = {
      {"lns",
       [&](std::string_view v) {
         have_lns = true;
         return assign(o.lns_address, parse_ipv4(v));
       }},
      {"port", [&](std::string_view v) { return assign(o.lns_port, parse_uint("port", v, 1, 65535)); }},
      {"local",
       [&](std::string_view v) {
         absl::StatusOr<uint32_t> a = parse_ipv4(v);
         if (!a.ok()) return a.status();
         o.local_address = *a;
         return absl::OkStatus();
       }},
      {"local-port", [&](std::string_view v) { return assign(o.local_port, parse_uint("local-port", v, 1, 65535)); }},
      {"tunnels", [&](std::string_view v) { return assign(c.tunnels, parse_uint("tunnels", v, 1, 65535)); }},
      {"sessions",
       [&](std::string_view v) { return assign(c.sessions_per_tunnel, parse_uint("sessions", v, 1, 65535)); }},
      {"window",
       [&](std::string_view v) { return assign(c.max_setup_in_flight, parse_uint("window", v, 1, 1000000)); }},
      {"retries",
       [&](std::string_view v) {
         return assign(c.channel.max_retransmissions, parse_uint("retries", v, 1, 100));
       }},
      {"calls-per-tunnel",
       [&](std::string_view v) {
         return assign(c.max_calling_per_tunnel, parse_uint("calls-per-tunnel", v, 1, 65535));
       }},
      {"auth",
       [&](std::string_view v) {
         if (v == "pap") {
           c.auth = ppp::AuthProtocol::kPap;
         } else if (v == "chap") {
           c.auth = ppp::AuthProtocol::kChapMd5;
         } else if (v == "none") {
           c.auth = ppp::AuthProtocol::kNone;
         } else {
           return absl::InvalidArgumentError(absl::StrCat("--auth: expected pap, chap or none, got '", av(v), "'"));
         }
         return absl::OkStatus();
       }},
      {"user-format",
       [&](std::string_view v) {
         if (v.empty()) return absl::InvalidArgumentError("--user-format: must not be empty");
         c.user_format = std::string(v);
         return absl::OkStatus();
       }},
      {"first-index",
       [&](std::string_view v) { return assign(c.first_index, parse_uint("first-index", v, 0, 4000000000u)); }},
      {"password",
       [&](std::string_view v) {
         c.password = std::string(v);
         return absl::OkStatus();
       }},
      {"secret",
       [&](std::string_view v) {
         c.secret = std::string(v);
         return absl::OkStatus();
       }},
      {"host-name",
       [&](std::string_view v) {
         if (v.empty()) return absl::InvalidArgumentError("--host-name: must not be empty");
         c.host_name = std::string(v);
         return absl::OkStatus();
       }},
      {"traffic",
       [&](std::string_view v) { return assign(c.traffic_packets, parse_uint("traffic", v, 0, 100000000)); }},
      {"size",
       [&](std::string_view v) {
         return assign(c.packet_size, parse_uint("size", v, kProbeMinSize, kProbeMaxSize));
       }},
      {"far", [&](std::string_view v) { return assign(c.far_address, parse_ipv4(v)); }},
      {"ipv6-prefix-format",
       [&](std::string_view v) {
         if (v.empty()) return absl::InvalidArgumentError("--ipv6-prefix-format: must not be empty");
         c.ipv6_prefix_format = std::string(v);
         return absl::OkStatus();
       }},
      {"far-ipv6",
       [&](std::string_view v) {
         absl::StatusOr<Ipv6Address> a = parse_ipv6_address(v);
         if (!a.ok()) return absl::InvalidArgumentError(absl::StrCat("--far-ipv6: ", a.status().message()));
         c.far_ipv6 = *a;
         return absl::OkStatus();
       }},
      {"rate", [&](std::string_view v) { return assign(c.traffic_rate, parse_number("rate", v, 0, 1e9)); }},
      {"drain", [&](std::string_view v) { return assign(c.drain_time, parse_seconds("drain", v, 3600)); }},
      {"reflect-core",
       [&](std::string_view v) {
         if (v.empty()) return absl::InvalidArgumentError("--reflect-core: needs an interface name");
         o.reflect_core = std::string(v);
         return absl::OkStatus();
       }},
      {"hold", [&](std::string_view v) { return assign(c.hold, parse_seconds("hold", v, 86400)); }},
      {"timeout", [&](std::string_view v) { return assign(c.setup_timeout, parse_seconds("timeout", v, 86400)); }},
      {"settle", [&](std::string_view v) { return assign(c.settle_time, parse_seconds("settle", v, 3600)); }},
      {"teardown-timeout",
       [&](std::string_view v) { return assign(c.teardown_timeout, parse_seconds("teardown-timeout", v, 3600)); }},
      {"drop", [&](std::string_view v) { return assign(c.control_drop_percent, parse_number("drop", v, 0, 90)); }},
      {"echo-interval",
       [&](std::string_view v) { return assign(c.echo_interval, parse_seconds("echo-interval", v, 3600)); }},
      {"mru",
       [&](std::string_view v) {
         absl::StatusOr<uint64_t> m = parse_uint("mru", v, 64, 65535);
         if (!m.ok()) return m.status();
         c.mru = static_cast<uint16_t>(*m);
         return absl::OkStatus();
       }},
      {"seed", [&](std::string_view v) { return assign(c.seed, parse_uint("seed", v, 0, UINT64_MAX)); }},
  };
  const std::map<std::string_view, std::function<void()>> flags = {
      {"hide-avps", [&] { c.hide_avps = true; }},
      {"fast-teardown", [&] { c.fast_teardown = true; }},
      {"no-echo-reply", [&] { c.answer_echo = false; }},
      {"expect-fail", [&] { c.expect_fail = true; }},
      {"ipv6", [&] { c.ipv6 = true; }},
      {"no-dns", [&] { c.request_dns = false; }},
      {"l2tp-only", [&] { c.run_ppp = false; }},
      {"json", [&] { o.json = true; }},
      {"json-sessions", [&] { o.json = o.json_sessions = true; }},
      {"verbose", [&] { o.log_level = LogLevel::kDebug; }},
      {"help", [&] { o.help = true; }},
  };

  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (arg.substr(0, 2) != "--") return absl::InvalidArgumentError(absl::StrCat("unexpected argument '", av(arg), "'"));
    arg.remove_prefix(2);
    std::optional<std::string_view> value;
    if (const size_t eq = arg.find('='); eq != std::string_view::npos) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
    }
    if (auto f = flags.find(arg); f != flags.end()) {
      if (value) return absl::InvalidArgumentError(absl::StrCat("--", av(arg), " takes no value"));
      f->second();
      continue;
    }
    auto s = with_value.find(arg);
    if (s == with_value.end()) return absl::InvalidArgumentError(absl::StrCat("unknown option --", av(arg)));
    if (!value) {
      if (i + 1 >= args.size()) return absl::InvalidArgumentError(absl::StrCat("--", av(arg), " needs a value"));
      value = args[++i];
    }
    if (absl::Status st = s->second(*value); !st.ok()) return st;
  }
  if (o.help) return o;
  if (!have_lns) return absl::InvalidArgumentError("--lns ADDR is required");
  if (c.hide_avps && c.secret.empty()) return absl::InvalidArgumentError("--hide-avps needs --secret");
  if (uint64_t{c.tunnels} * c.sessions_per_tunnel > 1000000)
    return absl::InvalidArgumentError("--tunnels x --sessions must not exceed 1000000");
  if (o.local_port != 0 && uint32_t{o.local_port} + c.tunnels - 1 > 65535)
    return absl::InvalidArgumentError("--local-port + --tunnels runs past port 65535");
  if (!c.run_ppp && c.traffic_packets > 0)
    return absl::InvalidArgumentError("--traffic needs PPP (drop --l2tp-only)");
  if (c.expect_fail && c.traffic_packets > 0)
    return absl::InvalidArgumentError("--expect-fail and --traffic do not go together");
  if (!c.ipv6_prefix_format.empty()) {
    if (!c.ipv6) return absl::InvalidArgumentError("--ipv6-prefix-format needs --ipv6");
    // The first and the last session name the extremes of the format.
    const uint64_t last = uint64_t{c.first_index} + uint64_t{c.tunnels} * c.sessions_per_tunnel - 1;
    for (uint64_t index : {uint64_t{c.first_index}, last}) {
      absl::StatusOr<Ipv6Prefix> p = session_ipv6_prefix(c.ipv6_prefix_format, static_cast<uint32_t>(index));
      if (!p.ok()) return absl::InvalidArgumentError(absl::StrCat("--ipv6-prefix-format: ", p.status().message()));
    }
  }
  return o;
}

}  // namespace lns::emu
