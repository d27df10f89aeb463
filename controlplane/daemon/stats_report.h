// The human-readable counter dump lnsd prints periodically and at exit (the
// CLI's `show errors`/`show workers` will reuse the same sums).
#pragma once

#include <string>

#include "controlplane/daemon/control_plane.h"
#include "dataplane/dataplane.h"

namespace lns {

std::string format_stats_report(dp::Dataplane& dp, ControlPlane& cp);

}  // namespace lns
