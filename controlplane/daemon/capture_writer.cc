#include "controlplane/daemon/capture_writer.h"

#include <pcap/pcap.h>
#include <sys/time.h>

#include <rte_mbuf.h>

#include "absl/strings/str_cat.h"
#include "common/byte_order.h"
#include "common/ip_forward.h"
#include "common/l2tp_header.h"

namespace lns {

CaptureWriter::~CaptureWriter() { stop(); }

absl::Status CaptureWriter::start(dp::Side side, const std::string& path, uint64_t count, CaptureFilter filter) {
  if (running()) return absl::FailedPreconditionError("a capture is already running (capture stop first)");
  pcap_ = pcap_open_dead(DLT_EN10MB, 65535);
  if (pcap_ == nullptr) return absl::InternalError("pcap_open_dead failed");
  dumper_ = pcap_dump_open(pcap_, path.c_str());
  if (dumper_ == nullptr) {
    const std::string err = pcap_geterr(pcap_);
    pcap_close(pcap_);
    pcap_ = nullptr;
    return absl::InvalidArgumentError(absl::StrCat("cannot write ", path, ": ", err));
  }
  side_ = side;
  limit_ = count;
  written_ = 0;
  filter_ = filter;
  // Copies still queued from an earlier capture are not ours.
  rte_mbuf* stale[64];
  while (unsigned n = dp_.receive_captured(stale, 64))
    for (unsigned i = 0; i < n; ++i) rte_pktmbuf_free(stale[i]);
  dp_.capture_on(side);
  return absl::OkStatus();
}

uint64_t CaptureWriter::stop() {
  if (!running()) return written_;
  dp_.capture_off();
  drain();  // what the workers copied before they saw the flag
  pcap_dump_close(dumper_);
  pcap_close(pcap_);
  dumper_ = nullptr;
  pcap_ = nullptr;
  return written_;
}

bool CaptureWriter::matches(const uint8_t* p, uint32_t len) const {
  if (!filter_.l2tp_session && !filter_.subscriber_ipv4) return true;
  uint32_t off = 12;
  if (len < 14) return false;
  if (load_be16(p + 12) == kEtherVlan) off = 16;
  if (len < off + 2 + 20 || load_be16(p + off) != kEtherIpv4) return false;
  const uint8_t* ip = p + off + 2;
  if (filter_.subscriber_ipv4)
    return load_be32(ip + 12) == *filter_.subscriber_ipv4 || load_be32(ip + 16) == *filter_.subscriber_ipv4;
  const uint32_t ihl = (ip[0] & 0x0f) * 4u;
  const uint32_t l2tp_off = off + 2 + ihl + 8;
  if (ip[9] != kIpProtoUdp || len <= l2tp_off) return false;
  L2tpHeader h;
  if (parse_l2tp_header(p + l2tp_off, len - l2tp_off, &h) != L2tpHeaderStatus::kOk) return false;
  return !h.is_control() && h.tunnel_id == filter_.l2tp_session->first && h.session_id == filter_.l2tp_session->second;
}

void CaptureWriter::poll() {
  drain();
  if (dumper_ != nullptr && limit_ != 0 && written_ >= limit_) stop();
}

void CaptureWriter::drain() {
  rte_mbuf* pkts[64];
  unsigned n;
  while ((n = dp_.receive_captured(pkts, 64)) != 0) {
    for (unsigned i = 0; i < n; ++i) {
      rte_mbuf* m = pkts[i];
      if (dumper_ != nullptr && (limit_ == 0 || written_ < limit_)) {
        const uint8_t* data = rte_pktmbuf_mtod(m, const uint8_t*);
        const uint32_t caplen = rte_pktmbuf_data_len(m);
        if (matches(data, caplen)) {
          pcap_pkthdr h{};
          gettimeofday(&h.ts, nullptr);
          h.caplen = caplen;
          h.len = static_cast<bpf_u_int32>(m->hash.usr);
          pcap_dump(reinterpret_cast<u_char*>(dumper_), &h, data);
          ++written_;
        }
      }
      rte_pktmbuf_free(m);
    }
  }
}

}  // namespace lns
