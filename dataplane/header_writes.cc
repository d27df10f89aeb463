#include "dataplane/header_writes.h"

#include <cstring>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

namespace lns::dp {

CpuVendor cpu_vendor() {
#if defined(__x86_64__) || defined(__i386__)
  unsigned max_leaf = 0, ebx = 0, ecx = 0, edx = 0;
  if (__get_cpuid(0, &max_leaf, &ebx, &ecx, &edx) == 0) return CpuVendor::kOther;
  char vendor[13];
  std::memcpy(vendor, &ebx, 4);
  std::memcpy(vendor + 4, &edx, 4);
  std::memcpy(vendor + 8, &ecx, 4);
  vendor[12] = '\0';
  if (std::strcmp(vendor, "GenuineIntel") == 0) return CpuVendor::kIntel;
  if (std::strcmp(vendor, "AuthenticAMD") == 0 || std::strcmp(vendor, "HygonGenuine") == 0) return CpuVendor::kAmd;
#endif
  return CpuVendor::kOther;
}

const char* cpu_vendor_name(CpuVendor v) {
  switch (v) {
    case CpuVendor::kIntel:
      return "Intel";
    case CpuVendor::kAmd:
      return "AMD";
    case CpuVendor::kOther:
      break;
  }
  return "other";
}

bool streams_encap_headers(config::EncapHeaderWrites setting, bool tx_copies_frames, CpuVendor vendor) {
  if (tx_copies_frames) return false;
  switch (setting) {
    case config::EncapHeaderWrites::kStream:
      return true;
    case config::EncapHeaderWrites::kStore:
      return false;
    case config::EncapHeaderWrites::kAuto:
      break;
  }
  return vendor == CpuVendor::kIntel;
}

std::string encap_header_writes_reason(config::EncapHeaderWrites setting, bool tx_copies_frames, CpuVendor vendor) {
  if (tx_copies_frames) return "the access port's driver copies frames out";
  switch (setting) {
    case config::EncapHeaderWrites::kStream:
      return "set to stream";
    case config::EncapHeaderWrites::kStore:
      return "set to store";
    case config::EncapHeaderWrites::kAuto:
      break;
  }
  return std::string("auto, ") + cpu_vendor_name(vendor) + " CPU";
}

}  // namespace lns::dp
