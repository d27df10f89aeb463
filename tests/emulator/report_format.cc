#include "tests/emulator/report_format.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "controlplane/cli/json_writer.h"
#include "tests/emulator/subscriber_ipv6.h"

namespace lns::emu {
namespace {

void write_counts(cli::JsonWriter& w, std::string_view name, const std::map<std::string, uint32_t>& counts) {
  w.key(name).begin_object();
  for (const auto& [key, n] : counts) w.key(key).number(uint64_t{n});
  w.end_object();
}

std::string counts_line(const std::map<std::string, uint32_t>& counts) {
  std::string out;
  for (const auto& [key, n] : counts) absl::StrAppend(&out, out.empty() ? "" : ", ", key, " x", n);
  return out;
}

}  // namespace

std::string format_ipv4(uint32_t a) {
  return absl::StrFormat("%d.%d.%d.%d", a >> 24, (a >> 16) & 0xFF, (a >> 8) & 0xFF, a & 0xFF);
}

std::string format_summary(const EmulatorReport& r) {
  std::string out;
  absl::StrAppendFormat(&out, "tunnels:  %u attempted, %u up\n", r.tunnels_attempted, r.tunnels_up);
  if (!r.tunnel_close_reasons.empty())
    absl::StrAppend(&out, "          closed: ", counts_line(r.tunnel_close_reasons), "\n");
  for (const auto& [key, text] : r.tunnel_close_messages)
    absl::StrAppendFormat(&out, "          %s \"%s\"\n", key, text);
  absl::StrAppendFormat(&out, "sessions: %u attempted, %u up, %u failed (%u calls connected)\n",
                        r.sessions_attempted, r.sessions_up, r.sessions_failed, r.calls_connected);
  if (!r.failure_reasons.empty()) absl::StrAppend(&out, "          failures: ", counts_line(r.failure_reasons), "\n");
  if (r.sessions_closed_by_lns > 0)
    absl::StrAppendFormat(&out, "          %u ended by the LNS after coming up: %s\n", r.sessions_closed_by_lns,
                          counts_line(r.close_reasons));
  for (const auto& [key, n] : r.cdn_results) {
    auto msg = r.cdn_messages.find(key);
    absl::StrAppendFormat(&out, "          CDN result %s x%u%s\n", key, n,
                          msg == r.cdn_messages.end() ? "" : absl::StrCat(" \"", msg->second, "\""));
  }
  absl::StrAppendFormat(&out, "setup:    %.3f s, %.1f sessions/s\n", r.setup_seconds, r.setup_rate);
  if (r.traffic_checked) {
    absl::StrAppendFormat(&out, "traffic:  %u sent, %u at core, %u returned, %u lost (%.2f%%)%s\n", r.packets_sent,
                          r.packets_at_core, r.packets_returned, r.packets_lost, r.loss_percent,
                          r.packets_misdelivered ? absl::StrCat(", ", r.packets_misdelivered, " misdelivered") : "");
  }
  if (r.ipv6_traffic_checked) {
    const TrafficCounts& t = r.ipv6_traffic;
    absl::StrAppendFormat(&out, "ipv6:     %u sent, %u at core, %u returned, %u lost (%.2f%%)%s\n", t.sent, t.at_core,
                          t.returned, t.lost, t.loss_percent,
                          t.misdelivered ? absl::StrCat(", ", t.misdelivered, " misdelivered") : "");
  }
  absl::StrAppendFormat(&out, "echo:     %u requests, %u replies; ours: %u sent, %u answered\n", r.echo_requests,
                        r.echo_replies, r.echo_requests_sent, r.echo_replies_received);
  absl::StrAppendFormat(&out, "control:  %u retransmissions, %u dropped on purpose\n", r.control_retransmissions,
                        r.control_dropped);
  absl::StrAppendFormat(&out, "result:   %s (%.3f s)\n", r.success ? "OK" : "FAILED", r.total_seconds);
  return out;
}

std::string format_json(const EmulatorReport& r, bool include_sessions) {
  cli::JsonWriter w;
  w.begin_object();
  w.key("success").boolean(r.success);
  w.key("expect_fail").boolean(r.expect_fail);

  w.key("tunnels").begin_object();
  w.key("attempted").number(uint64_t{r.tunnels_attempted});
  w.key("up").number(uint64_t{r.tunnels_up});
  write_counts(w, "close_reasons", r.tunnel_close_reasons);
  w.key("close_messages").begin_object();
  for (const auto& [key, text] : r.tunnel_close_messages) w.key(key).string(text);
  w.end_object();
  w.end_object();

  w.key("sessions").begin_object();
  w.key("attempted").number(uint64_t{r.sessions_attempted});
  w.key("up").number(uint64_t{r.sessions_up});
  w.key("failed").number(uint64_t{r.sessions_failed});
  w.key("calls_connected").number(uint64_t{r.calls_connected});
  write_counts(w, "failure_reasons", r.failure_reasons);
  w.key("closed_by_lns").number(uint64_t{r.sessions_closed_by_lns});
  write_counts(w, "close_reasons", r.close_reasons);
  w.end_object();

  write_counts(w, "cdn_results", r.cdn_results);
  w.key("cdn_messages").begin_object();
  for (const auto& [key, text] : r.cdn_messages) w.key(key).string(text);
  w.end_object();

  w.key("setup").begin_object();
  w.key("seconds").decimal(r.setup_seconds, 6);
  w.key("rate").decimal(r.setup_rate, 1);
  w.end_object();
  w.key("total_seconds").decimal(r.total_seconds, 6);

  w.key("traffic").begin_object();
  w.key("sent").number(r.packets_sent);
  w.key("at_core").number(r.packets_at_core);
  w.key("returned").number(r.packets_returned);
  w.key("lost").number(r.packets_lost);
  w.key("loss_percent").decimal(r.loss_percent, 3);
  w.key("misdelivered").number(r.packets_misdelivered);
  w.end_object();

  w.key("traffic_ipv6").begin_object();
  w.key("checked").boolean(r.ipv6_traffic_checked);
  w.key("sent").number(r.ipv6_traffic.sent);
  w.key("at_core").number(r.ipv6_traffic.at_core);
  w.key("returned").number(r.ipv6_traffic.returned);
  w.key("lost").number(r.ipv6_traffic.lost);
  w.key("loss_percent").decimal(r.ipv6_traffic.loss_percent, 3);
  w.key("misdelivered").number(r.ipv6_traffic.misdelivered);
  w.end_object();

  w.key("echo").begin_object();
  w.key("requests").number(r.echo_requests);
  w.key("replies").number(r.echo_replies);
  w.key("sent").number(r.echo_requests_sent);
  w.key("answered").number(r.echo_replies_received);
  w.end_object();

  w.key("control").begin_object();
  w.key("retransmissions").number(r.control_retransmissions);
  w.key("dropped").number(r.control_dropped);
  w.end_object();

  if (include_sessions) {
    w.key("session_list").begin_array();
    for (const SessionRecord& s : r.sessions) {
      w.begin_object();
      w.key("index").number(uint64_t{s.index});
      w.key("tunnel").number(uint64_t{s.tunnel_index});
      w.key("session_id").number(uint64_t{s.session_id});
      w.key("lns_tunnel_id").number(uint64_t{s.lns_tunnel_id});
      w.key("lns_session_id").number(uint64_t{s.lns_session_id});
      w.key("user").string(s.user);
      w.key("state").string(to_string(s.state));
      w.key("ipv4");
      if (s.ipv4) {
        w.string(format_ipv4(s.ipv4));
      } else {
        w.null();
      }
      w.key("reason").string(s.reason);
      w.key("cdn");
      if (s.cdn) {
        w.string(s.cdn->error ? absl::StrCat(s.cdn->result, "/", *s.cdn->error) : absl::StrCat(s.cdn->result));
      } else {
        w.null();
      }
      w.key("sent").number(s.sent);
      w.key("at_core").number(s.at_core);
      w.key("returned").number(s.returned);
      w.key("ipv6");
      if (s.ipv6) {
        w.string(format_ipv6_address(*s.ipv6));
      } else {
        w.null();
      }
      w.key("ipv6_sent").number(s.ipv6_sent);
      w.key("ipv6_at_core").number(s.ipv6_at_core);
      w.key("ipv6_returned").number(s.ipv6_returned);
      w.end_object();
    }
    w.end_array();
  }
  w.end_object();
  return w.str();
}

}  // namespace lns::emu
