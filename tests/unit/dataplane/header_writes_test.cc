#include "dataplane/header_writes.h"

#include <fstream>
#include <string>

#include <gtest/gtest.h>

namespace lns::dp {
namespace {

using config::EncapHeaderWrites;

TEST(HeaderWrites, AutoStreamsOnIntelOnly) {
  EXPECT_TRUE(streams_encap_headers(EncapHeaderWrites::kAuto, false, CpuVendor::kIntel));
  EXPECT_FALSE(streams_encap_headers(EncapHeaderWrites::kAuto, false, CpuVendor::kAmd));
  EXPECT_FALSE(streams_encap_headers(EncapHeaderWrites::kAuto, false, CpuVendor::kOther));
}

TEST(HeaderWrites, AnExplicitSettingHoldsOnEveryCpu) {
  for (CpuVendor v : {CpuVendor::kIntel, CpuVendor::kAmd, CpuVendor::kOther}) {
    EXPECT_TRUE(streams_encap_headers(EncapHeaderWrites::kStream, false, v)) << cpu_vendor_name(v);
    EXPECT_FALSE(streams_encap_headers(EncapHeaderWrites::kStore, false, v)) << cpu_vendor_name(v);
  }
}

TEST(HeaderWrites, NeverStreamedToADriverThatCopiesFramesOut) {
  for (EncapHeaderWrites w : {EncapHeaderWrites::kAuto, EncapHeaderWrites::kStream, EncapHeaderWrites::kStore})
    for (CpuVendor v : {CpuVendor::kIntel, CpuVendor::kAmd, CpuVendor::kOther})
      EXPECT_FALSE(streams_encap_headers(w, true, v));
}

// lnsd logs the reason: an explicit setting must not be blamed on the CPU.
TEST(HeaderWrites, TheReasonNamesWhatDecided) {
  EXPECT_EQ(encap_header_writes_reason(EncapHeaderWrites::kAuto, false, CpuVendor::kAmd), "auto, AMD CPU");
  EXPECT_EQ(encap_header_writes_reason(EncapHeaderWrites::kAuto, false, CpuVendor::kIntel), "auto, Intel CPU");
  EXPECT_EQ(encap_header_writes_reason(EncapHeaderWrites::kStream, false, CpuVendor::kAmd), "set to stream");
  EXPECT_EQ(encap_header_writes_reason(EncapHeaderWrites::kStore, false, CpuVendor::kIntel), "set to store");
  EXPECT_EQ(encap_header_writes_reason(EncapHeaderWrites::kStream, true, CpuVendor::kIntel),
            "the access port's driver copies frames out");
}

// The vendor CPUID reports is the one the kernel reports.
TEST(HeaderWrites, CpuVendorAgreesWithProcCpuinfo) {
  std::ifstream in("/proc/cpuinfo");
  std::string line, vendor;
  while (std::getline(in, line))
    if (line.rfind("vendor_id", 0) == 0) {
      vendor = line.substr(line.find(':') + 2);
      break;
    }
  if (vendor.empty()) GTEST_SKIP() << "no vendor_id in /proc/cpuinfo (not x86)";
  const CpuVendor expected = vendor == "GenuineIntel"                                   ? CpuVendor::kIntel
                             : vendor == "AuthenticAMD" || vendor == "HygonGenuine" ? CpuVendor::kAmd
                                                                                      : CpuVendor::kOther;
  EXPECT_EQ(cpu_vendor(), expected) << vendor;
}

}  // namespace
}  // namespace lns::dp
