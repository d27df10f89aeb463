// The control-plane half of `capture start`: drains the workers' capture
// ring, keeps the packets of the selected session (if any), and writes them
// to a pcap file with libpcap, stopping after `count` packets.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "dataplane/dataplane.h"

typedef struct pcap pcap_t;
typedef struct pcap_dumper pcap_dumper_t;

namespace lns {

struct CaptureFilter {
  // Access side: L2TP data messages of this session (our IDs).
  std::optional<std::pair<uint16_t, uint16_t>> l2tp_session;
  // Core side: IP packets to or from this subscriber address (host order).
  std::optional<uint32_t> subscriber_ipv4;
};

class CaptureWriter {
 public:
  explicit CaptureWriter(dp::Dataplane& dp) : dp_(dp) {}
  ~CaptureWriter();

  absl::Status start(dp::Side side, const std::string& path, uint64_t count, CaptureFilter filter);
  // Returns the number of packets written.
  uint64_t stop();
  // Drains the ring; call every control-plane loop iteration.
  void poll();
  bool running() const { return dumper_ != nullptr; }
  uint64_t written() const { return written_; }

 private:
  bool matches(const uint8_t* frame, uint32_t len) const;
  void drain();

  dp::Dataplane& dp_;
  pcap_t* pcap_ = nullptr;
  pcap_dumper_t* dumper_ = nullptr;
  dp::Side side_ = dp::Side::kAccess;
  uint64_t limit_ = 0;
  uint64_t written_ = 0;
  CaptureFilter filter_;
};

}  // namespace lns
