#include "tests/lnsgen/lnsgen_options.h"

#include <cmath>
#include <functional>
#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "controlplane/cli/string_view_compat.h"

namespace lns::gen {
namespace {

using cli::av;

absl::StatusOr<double> number_in(std::string_view name, std::string_view text, double min, double max) {
  double v = 0;
  if (!absl::SimpleAtod(av(text), &v) || !std::isfinite(v) || v < min || v > max)
    return absl::InvalidArgumentError(
        absl::StrCat("--", av(name), ": expected a number in [", min, ", ", max, "], got '", av(text), "'"));
  return v;
}

}  // namespace

absl::StatusOr<MacBytes> parse_mac(std::string_view text) {
  std::vector<absl::string_view> parts = absl::StrSplit(av(text), ':');
  MacBytes mac{};
  bool ok = parts.size() == 6;
  for (size_t i = 0; ok && i < 6; ++i) {
    uint32_t byte = 0;
    ok = parts[i].size() == 2 && absl::SimpleHexAtoi(parts[i], &byte);
    mac[i] = static_cast<uint8_t>(byte);
  }
  if (!ok) return absl::InvalidArgumentError(absl::StrCat("'", av(text), "' is not a MAC address"));
  return mac;
}

std::string lnsgen_usage() {
  return R"(usage: lnsgen [EAL options] -- --lns ADDR [options]

A DPDK traffic generator for an LNS with two ports: on the access port it
plays T LACs x S PPP subscribers (L2TP, LCP, PAP/CHAP, IPCP: the
lns-emulator's state machines), on the core port it plays the Internet.
Once every session is up it sends stamped packets through all sessions at a
target rate, receives them on the other port, reports offered and received
rates, loss and latency percentiles, then tears the sessions down.

Ports and addresses:
  --access-port NAME      ethdev name of the LAC side (default: port 0)
  --core-port NAME        ethdev name of the Internet side (default: port 1)
  --lns ADDR              lnsd's access address (required)
  --lns-core ADDR         lnsd's core address, resolved by ARP (for downstream)
  --lns-mac MAC           lnsd's access MAC (default: ARP for --lns)
  --lns-core-mac MAC      lnsd's core MAC (default: ARP for --lns-core)
  --local ADDR            the LACs' address (192.0.2.2)
  --local-port N          tunnel i uses UDP source port N+i (10000)
  --far ADDR              the Internet host of the traffic (198.18.0.1)
  --arp-timeout SECONDS   give up resolving lnsd's MACs after this (5)

Sessions (any lns-emulator option works, see lns-emulator --help):
  --tunnels T --sessions S --auth pap|chap|none --password PW
  --user-format FMT --secret S --timeout SECONDS --window N ...
  --no-control            no L2TP or PPP: T x S synthetic sessions (tunnel
                          IDs from 1, session IDs from 1, subscribers from
                          100.64.0.1), e.g. to drive dpdk-testpmd io
                          forwarding or lnsd's static sessions

Traffic:
  --direction up|down|both  upstream is access -> core (up)
  --rate PPS              packets per second per direction; 0: as fast as
                          the ports take them (0)
  --duration SECONDS      how long to send (5)
  --size N                inner IPv4 packet size, 52..1500 (128)
  --imix                  7:4:1 of 64/576/1400-octet packets instead
  --burst N               packets per tx_burst, 1..64 (32)
  --drain SECONDS         wait at most this long for the last packets (0.5)
  --hold SECONDS          then keep the sessions (and the ports) up this long
                          before teardown; "lnsgen: holding" on stderr says
                          when it starts (0)
  --await-peer-close SECONDS
                          after the report, stop polling the ports and wait
                          this long at most for the peer to close them
                          first; "lnsgen: report written" on stderr says
                          when (0: close at once). DPDK 22.11's memif PMD
                          unmaps a link's shared memory under a thread
                          still polling it when the peer goes away, which
                          can crash that peer: with this, the peer (lnsd,
                          testpmd) closes while lnsgen polls nothing
  --json                  print the report as one JSON object
  --help

Exit status 0 when every session came up (loss is reported, not judged),
1 when some did not, 2 on a usage or setup error.
)";
}

absl::StatusOr<LnsgenOptions> parse_lnsgen_options(const std::vector<std::string_view>& args) {
  LnsgenOptions o;
  TrafficConfig& t = o.traffic;
  t.duration_s = 5;
  using Setter = std::function<absl::Status(std::string_view)>;
  auto set_number = [](double& field, std::string_view name, std::string_view v, double min, double max) {
    absl::StatusOr<double> n = number_in(name, v, min, max);
    if (!n.ok()) return n.status();
    field = *n;
    return absl::OkStatus();
  };
  auto set_mac = [](std::optional<MacBytes>& field, std::string_view v) {
    absl::StatusOr<MacBytes> m = parse_mac(v);
    if (!m.ok()) return m.status();
    field = *m;
    return absl::OkStatus();
  };
  const std::map<std::string_view, Setter> with_value = {
      {"access-port", [&](std::string_view v) { o.access_port = std::string(v); return absl::OkStatus(); }},
      {"core-port", [&](std::string_view v) { o.core_port = std::string(v); return absl::OkStatus(); }},
      {"lns-core",
       [&](std::string_view v) {
         absl::StatusOr<uint32_t> a = emu::parse_ipv4(v);
         if (!a.ok()) return a.status();
         o.lns_core_address = *a;
         return absl::OkStatus();
       }},
      {"lns-mac", [&](std::string_view v) { return set_mac(o.lns_mac, v); }},
      {"lns-core-mac", [&](std::string_view v) { return set_mac(o.lns_core_mac, v); }},
      {"arp-timeout", [&](std::string_view v) { return set_number(o.arp_timeout_s, "arp-timeout", v, 0.1, 600); }},
      {"rate", [&](std::string_view v) { return set_number(t.rate_pps, "rate", v, 0, 1e9); }},
      {"duration", [&](std::string_view v) { return set_number(t.duration_s, "duration", v, 0, 86400); }},
      {"hold", [&](std::string_view v) { return set_number(o.hold_s, "hold", v, 0, 86400); }},
      {"drain", [&](std::string_view v) { return set_number(t.drain_s, "drain", v, 0, 600); }},
      {"await-peer-close",
       [&](std::string_view v) { return set_number(o.await_peer_close_s, "await-peer-close", v, 0, 3600); }},
      {"size",
       [&](std::string_view v) {
         double size = 0;
         if (absl::Status s = set_number(size, "size", v, kMinPacketSize, kMaxPacketSize); !s.ok()) return s;
         t.size_pattern = {static_cast<uint16_t>(size)};
         return absl::OkStatus();
       }},
      {"burst",
       [&](std::string_view v) {
         double b = 0;
         if (absl::Status s = set_number(b, "burst", v, 1, 64); !s.ok()) return s;
         t.burst = static_cast<uint16_t>(b);
         return absl::OkStatus();
       }},
      {"direction",
       [&](std::string_view v) {
         if (v == "up") t.direction = Direction::kUp;
         else if (v == "down") t.direction = Direction::kDown;
         else if (v == "both") t.direction = Direction::kBoth;
         else return absl::InvalidArgumentError(absl::StrCat("--direction: expected up, down or both, got '", av(v), "'"));
         return absl::OkStatus();
       }},
  };
  const std::map<std::string_view, std::function<void()>> flags = {
      {"imix", [&] { t.size_pattern = imix_pattern(); }},
      {"no-control", [&] { o.no_control = true; }},
      {"json", [&] { o.json = true; }},
      {"help", [&] { o.help = true; }},
  };

  std::vector<std::string_view> rest;
  bool have_lns = false, have_local = false, have_local_port = false;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (arg.substr(0, 2) != "--") {
      rest.push_back(arg);
      continue;
    }
    std::string_view name = arg.substr(2);
    std::optional<std::string_view> value;
    if (const size_t eq = name.find('='); eq != std::string_view::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    if (auto f = flags.find(name); f != flags.end()) {
      if (value) return absl::InvalidArgumentError(absl::StrCat("--", av(name), " takes no value"));
      f->second();
      continue;
    }
    if (auto s = with_value.find(name); s != with_value.end()) {
      if (!value) {
        if (i + 1 >= args.size()) return absl::InvalidArgumentError(absl::StrCat("--", av(name), " needs a value"));
        value = args[++i];
      }
      if (absl::Status st = s->second(*value); !st.ok()) return st;
      continue;
    }
    have_lns |= name == "lns";
    have_local |= name == "local";
    have_local_port |= name == "local-port";
    for (std::string_view refused : {"traffic", "reflect-core", "json-sessions", "drop"})
      if (name == refused)
        return absl::InvalidArgumentError(absl::StrCat("--", av(name), " is an lns-emulator option lnsgen does not take"));
    rest.push_back(arg);
  }
  if (o.help) return o;
  if (o.no_control && !have_lns) rest.push_back("--lns=192.0.2.1");
  absl::StatusOr<emu::EmulatorOptions> e = emu::parse_emulator_options(rest);
  if (!e.ok()) return e.status();
  o.emulator = *std::move(e);
  if (!have_local) o.emulator.local_address = kDefaultLacAddress;
  if (!have_local_port) o.emulator.local_port = kDefaultLacPort;
  if (uint32_t{o.emulator.local_port} + o.emulator.emulator.tunnels - 1 > 65535)
    return absl::InvalidArgumentError("--local-port + --tunnels runs past port 65535");
  if (t.direction != Direction::kUp && o.lns_core_address == 0 && !o.lns_core_mac && !o.no_control)
    return absl::InvalidArgumentError("downstream traffic needs --lns-core ADDR or --lns-core-mac MAC");
  return o;
}

}  // namespace lns::gen
