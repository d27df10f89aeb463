// Whole-configuration checks of the service sections, run by
// validate_config (config_validator.h) once every setting is individually
// valid. Each reports to `diagnostics`, pointing at lines from `where` and,
// for list entries, from their own `line`.
#pragma once

#include "config/config.h"
#include "config/diagnostics.h"
#include "config/source_map.h"

namespace lns::config {

// Retransmission timers that fit together, LAC policies that can match and
// authenticate (an address or host name; a secret wherever authentication
// or hiding needs one), no two policies for the same LAC, and at least one
// policy when unknown LACs are refused.
void validate_l2tp_section(const Config& config, const SourceMap& where,
                           Diagnostics& diagnostics);

// Unique pool and user names; pools, framed routes, static sessions' and
// lnsd's own addresses never sharing an IPv4 address (a user's fixed
// address may lie in a pool: the pool then skips it); fixed addresses and
// delegated IPv6 prefixes given to one subscriber only; pool references
// that resolve, and a default pool whenever there are pools.
void validate_aaa_section(const Config& config, const SourceMap& where, Diagnostics& diagnostics);

}  // namespace lns::config
