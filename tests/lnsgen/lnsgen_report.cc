#include "tests/lnsgen/lnsgen_report.h"

#include "absl/strings/str_format.h"
#include "controlplane/cli/json_writer.h"

namespace lns::gen {
namespace {

std::string_view direction_name(Direction d) {
  switch (d) {
    case Direction::kUp: return "up";
    case Direction::kDown: return "down";
    case Direction::kBoth: return "both";
  }
  return "?";
}

struct Rates {
  double offered_mpps = 0, received_mpps = 0, loss_percent = 0;
  double p50_us = 0, p99_us = 0, p999_us = 0, max_us = 0;
};

Rates rates_of(const DirectionResult& d, const TrafficSummary& t) {
  Rates r;
  const double seconds = t.config.duration_s;
  if (seconds > 0) {
    r.offered_mpps = static_cast<double>(d.sent) / seconds / 1e6;
    r.received_mpps = static_cast<double>(d.received - d.received_after_end) / seconds / 1e6;
  }
  if (d.sent > 0) r.loss_percent = 100.0 * static_cast<double>(d.lost()) / static_cast<double>(d.sent);
  const double us_per_cycle = t.result.tsc_hz ? 1e6 / static_cast<double>(t.result.tsc_hz) : 0;
  r.p50_us = static_cast<double>(d.latency.percentile(0.5)) * us_per_cycle;
  r.p99_us = static_cast<double>(d.latency.percentile(0.99)) * us_per_cycle;
  r.p999_us = static_cast<double>(d.latency.percentile(0.999)) * us_per_cycle;
  r.max_us = static_cast<double>(d.latency.max()) * us_per_cycle;
  return r;
}

void direction_json(cli::JsonWriter& w, const DirectionResult& d, const TrafficSummary& t) {
  const Rates r = rates_of(d, t);
  w.begin_object();
  w.key("sent").number(d.sent);
  w.key("received").number(d.received);
  w.key("lost").number(d.lost());
  w.key("loss_percent").decimal(r.loss_percent, 6);
  w.key("tx_full").number(d.tx_full);
  w.key("no_mbuf").number(d.no_mbuf);
  w.key("behind").number(d.behind);
  w.key("received_after_end").number(d.received_after_end);
  w.key("misdelivered").number(d.misdelivered);
  w.key("offered_mpps").decimal(r.offered_mpps, 4);
  w.key("received_mpps").decimal(r.received_mpps, 4);
  w.key("latency_us").begin_object();
  w.key("p50").decimal(r.p50_us, 2);
  w.key("p99").decimal(r.p99_us, 2);
  w.key("p999").decimal(r.p999_us, 2);
  w.key("max").decimal(r.max_us, 2);
  w.end_object();
  w.end_object();
}

}  // namespace

std::string traffic_json(const TrafficSummary& t) {
  cli::JsonWriter w;
  w.begin_object();
  w.key("ran").boolean(t.ran);
  w.key("direction").string(direction_name(t.config.direction));
  w.key("rate_pps").decimal(t.config.rate_pps, 0);
  w.key("duration_s").decimal(t.config.duration_s, 3);
  w.key("sizes").begin_array();
  for (uint16_t s : t.config.size_pattern) w.number(uint64_t{s});
  w.end_array();
  w.key("sessions").number(uint64_t{t.sessions});
  w.key("foreign_access").number(t.result.foreign_access);
  w.key("foreign_core").number(t.result.foreign_core);
  if (t.result.up.enabled) {
    w.key("up");
    direction_json(w, t.result.up, t);
  }
  if (t.result.down.enabled) {
    w.key("down");
    direction_json(w, t.result.down, t);
  }
  w.end_object();
  return w.str();
}

std::string traffic_text(const TrafficSummary& t) {
  if (!t.ran) return "traffic: not run\n";
  std::string out = absl::StrFormat("traffic: %s, %u sessions, %.3f s, target %s\n", direction_name(t.config.direction),
                                    t.sessions, t.config.duration_s,
                                    t.config.rate_pps > 0 ? absl::StrFormat("%.0f pps per direction", t.config.rate_pps)
                                                          : std::string("max rate"));
  for (const auto* d : {&t.result.up, &t.result.down}) {
    if (!d->enabled) continue;
    const Rates r = rates_of(*d, t);
    out += absl::StrFormat(
        "  %-4s offered %.4f Mpps, received %.4f Mpps, sent %u received %u lost %u (%.4f%%), misdelivered %u, "
        "tx_full %u\n"
        "       latency p50 %.1f us, p99 %.1f us, p99.9 %.1f us, max %.1f us\n",
        d == &t.result.up ? "up" : "down", r.offered_mpps, r.received_mpps, d->sent, d->received, d->lost(),
        r.loss_percent, d->misdelivered, d->tx_full, r.p50_us, r.p99_us, r.p999_us, r.max_us);
  }
  return out;
}

}  // namespace lns::gen
