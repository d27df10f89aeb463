#include "tests/bench/session_layout.h"

#include <algorithm>
#include <numeric>
#include <random>

namespace lns::bench {

std::vector<BenchSession> make_layout(const LayoutParams& p) {
  const uint32_t per_tunnel = std::clamp<uint32_t>(p.sessions_per_tunnel, 1, 65535);
  const uint32_t tunnels = (p.sessions + per_tunnel - 1) / per_tunnel;
  std::mt19937_64 rng(p.seed);

  // Tunnel IDs: 1..T with dense session IDs, as lnsd hands both out (the
  // lowest free); with scattered session IDs, distinct and scattered over
  // 1..65535 too.
  std::vector<uint16_t> ids(65535);
  std::iota(ids.begin(), ids.end(), uint16_t{1});
  if (p.scattered_ids) std::shuffle(ids.begin(), ids.end(), rng);
  const std::vector<uint16_t> tunnel_ids(ids.begin(), ids.begin() + tunnels);

  std::vector<BenchSession> out;
  out.reserve(p.sessions);
  for (uint32_t t = 0; t < tunnels; ++t) {
    const uint32_t n = std::min(per_tunnel, p.sessions - t * per_tunnel);
    std::iota(ids.begin(), ids.end(), uint16_t{1});
    // A partial Fisher-Yates shuffle picks n distinct IDs without touching
    // the rest of the array.
    if (p.scattered_ids) {
      for (uint32_t i = 0; i < n; ++i) {
        std::uniform_int_distribution<uint32_t> pick(i, 65534);
        std::swap(ids[i], ids[pick(rng)]);
      }
    }
    for (uint32_t i = 0; i < n; ++i) {
      BenchSession s;
      s.lac_ipv4 = kLacBase + t + 1;
      s.tunnel_id = tunnel_ids[t];
      s.session_id = ids[i];
      s.subscriber_ipv4 = kSubscriberBase + static_cast<uint32_t>(out.size()) + 1;
      out.push_back(s);
    }
  }
  return out;
}

dp::SessionSpec spec_for(const BenchSession& s, uint16_t mtu) {
  dp::SessionSpec spec;
  spec.lac_ipv4 = s.lac_ipv4;
  spec.lac_port = 1701;
  spec.tunnel_id = s.tunnel_id;
  spec.session_id = s.session_id;
  // The LAC's IDs are its own business; reusing ours keeps them non-zero.
  spec.peer_tunnel_id = s.tunnel_id;
  spec.peer_session_id = s.session_id;
  spec.subscriber_ipv4 = s.subscriber_ipv4;
  spec.mtu = mtu;
  spec.flags = dp::kForwardIpv4;
  return spec;
}

}  // namespace lns::bench
