// The data plane as the control plane sees it: ports, pools, the session
// tables with their RCU, one Worker per worker lcore, the punt rings it reads
// control traffic from and the inject rings it transmits through.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "config/config.h"
#include "dataplane/port.h"
#include "dataplane/session_handoff.h"
#include "dataplane/session_table.h"
#include "dataplane/worker.h"

struct rte_mbuf;
struct rte_mempool;
struct rte_ring;
struct rte_rcu_qsbr;

namespace lns::dp {

enum class Side : uint8_t { kAccess, kCore };

struct SessionTotals {
  uint64_t up_packets = 0, up_bytes = 0, down_packets = 0, down_bytes = 0;
  uint64_t drops = 0;  // packets of this session dropped after its lookup
};

class Dataplane {
 public:
  // EAL must be initialised. Starts the ports; workers run after launch().
  static absl::StatusOr<std::unique_ptr<Dataplane>> create(const config::Config& cfg);
  ~Dataplane();

  // Runs every worker on its configured lcore.
  absl::Status launch();
  // Stops the workers (if launched) and waits for them.
  void stop_workers();
  // Stops and closes both ports, so e.g. a net_pcap tx file is complete.
  void close_ports();

  SessionTable& sessions() { return *sessions_; }
  size_t worker_count() const { return workers_.size(); }
  // How encap writes its header line (dataplane/header_writes.h).
  bool streams_encap_headers() const { return streams_encap_headers_; }
  Worker& worker(size_t i) { return *workers_[i]; }
  const std::vector<unsigned>& worker_lcores() const { return cfg_.dataplane.worker_lcores; }
  const PortInfo& port(Side s) const { return s == Side::kAccess ? access_ : core_; }
  // The pool the core port receives into.
  rte_mempool* pool() const { return pool_; }
  // The pool a port receives into, and the control plane's frames for it
  // come from.
  rte_mempool* rx_pool(Side s) const { return s == Side::kAccess ? access_pool_ : pool_; }
  SessionTotals session_totals(uint32_t slot) const;

  // ---- control-plane I/O ----
  // Dequeues up to n punted packets from all workers' rings: tunnel
  // signalling first, then PPP control (see PuntClass).
  uint16_t receive_punted(rte_mbuf** pkts, uint16_t n);
  // Queues a packet for transmission (worker 0 sends it); takes ownership.
  // Packets are staged and reach the inject ring in bursts, when
  // kInjectBatch are staged or at flush_injected(): one ring enqueue a
  // burst instead of one a packet (each enqueue touches lines the worker
  // last wrote). Returns false, having freed the packet, when the ring
  // has no room for it.
  bool transmit(Side side, rte_mbuf* m);
  // Hands every staged packet to the inject rings; the control plane calls
  // it at the end of each pass. Returns how many the rings refused (and
  // were freed) since the last call: none while the control plane is the
  // only producer.
  unsigned flush_injected();
  // How many more packets transmit() can take now (ring room less what is staged).
  unsigned inject_room(Side side);
  static constexpr unsigned kInjectBatch = 32;

  // Capture: workers copy what they receive on `side` until stopped.
  void capture_on(Side side) { capture_.port.store(port(side).port_id, std::memory_order_relaxed); }
  void capture_off() { capture_.port.store(-1, std::memory_order_relaxed); }
  // Dequeues captured copies (the caller frees them).
  unsigned receive_captured(rte_mbuf** pkts, unsigned n);
  const CaptureControl& capture() const { return capture_; }

 private:
  Dataplane() = default;
  static void on_slot_recycled(void* ctx, uint32_t slot);

  config::Config cfg_;
  rte_mempool* pool_ = nullptr;         // core port RX and lnsd's frames to it
  rte_mempool* access_pool_ = nullptr;  // access port RX and lnsd's frames to it
  rte_mempool* indirect_pool_ = nullptr;
  PortInfo access_;
  PortInfo core_;
  bool ports_open_ = false;
  bool streams_encap_headers_ = false;
  rte_rcu_qsbr* qsbr_ = nullptr;
  std::unique_ptr<SessionTable> sessions_;
  std::vector<rte_ring*> signalling_rings_;  // PuntClass::kSignalling, per worker
  std::vector<rte_ring*> punt_rings_;       // PuntClass::kPpp, per worker
  rte_ring* inject_access_ = nullptr;
  rte_ring* inject_core_ = nullptr;
  // Packets transmit() took that are not in the ring yet, per Side.
  struct InjectStage {
    rte_ring* ring = nullptr;
    unsigned n = 0;
    // Free ring slots at the last look, less what was enqueued since: a
    // lower bound, as the worker only ever frees more.
    unsigned room = 0;
    rte_mbuf* pkts[kInjectBatch];
  };
  InjectStage& stage(Side side) { return side == Side::kAccess ? stage_access_ : stage_core_; }
  void flush_stage(InjectStage& s);
  unsigned inject_refused_ = 0;  // since the last flush_injected()
  InjectStage stage_access_;
  InjectStage stage_core_;
  std::vector<SessionCounters> counters_;
  std::vector<uint64_t*> session_drops_;
  HandoffRings handoff_rings_;  // session distribution with several workers
  std::vector<std::unique_ptr<SessionHandoff>> handoffs_;
  std::vector<std::unique_ptr<Worker>> workers_;
  size_t next_punt_ring_ = 0;
  CaptureControl capture_;
  volatile bool stop_ = false;
  std::vector<std::pair<Worker*, const volatile bool*>> launch_contexts_;
  bool launched_ = false;
};

// Converts one resolved static session of the config to a table entry.
SessionSpec session_spec_from_static(const config::StaticSession& s, const config::DataplaneConfig& dp);

}  // namespace lns::dp
