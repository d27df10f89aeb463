// Readers of the service sections (l2tp, ppp, aaa, cli): each checks what
// can be judged from one setting alone (names, types, ranges, syntax) and
// fills its part of the model; relations between settings (duplicates,
// overlaps, references) are section_validators.h's job. An absent group
// leaves the defaults of config.h; list entries (LACs, pools, users) with
// any error are left out.
#pragma once

#include "config/config.h"
#include "config/setting_reader.h"

namespace lns::config {

void read_l2tp_section(SettingReader& reader, const Group& l2tp, L2tpConfig& out);
void read_ppp_section(SettingReader& reader, const Group& ppp, PppConfig& out);
void read_aaa_section(SettingReader& reader, const Group& aaa, AaaConfig& out);
void read_cli_section(SettingReader& reader, const Group& cli, CliConfig& out);

}  // namespace lns::config
