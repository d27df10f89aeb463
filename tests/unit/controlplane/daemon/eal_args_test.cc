// How the configuration becomes EAL arguments: devices, lcores and the
// --no-huge fallback for machines without free hugepages.
#include "controlplane/daemon/eal_args.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace lns {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::Not;

constexpr uint64_t kMiB = uint64_t{1} << 20;
constexpr uint64_t kPlentyOfHugepages = uint64_t{64} << 30;

config::Config vdev_config() {
  config::Config cfg;
  cfg.access.device = "net_ring0";
  cfg.core.device = "net_tap0,iface=lnscore";
  cfg.eal.main_lcore = 0;
  cfg.dataplane.worker_lcores = {1};
  return cfg;
}

size_t count(const std::vector<std::string>& args, const std::string& s) {
  return static_cast<size_t>(std::count(args.begin(), args.end(), s));
}

// The value following `flag`, or "" when the flag is absent.
std::string value_after(const std::vector<std::string>& args, const std::string& flag) {
  auto it = std::find(args.begin(), args.end(), flag);
  return it == args.end() || it + 1 == args.end() ? "" : *(it + 1);
}

TEST(LooksLikePciAddress, AcceptsBusDeviceFunctionWithOrWithoutDomain) {
  EXPECT_TRUE(looks_like_pci_address("0000:03:00.0"));
  EXPECT_TRUE(looks_like_pci_address("03:00.1"));
  EXPECT_TRUE(looks_like_pci_address("0000:AF:1f.7"));
}

TEST(LooksLikePciAddress, RejectsVdevStrings) {
  EXPECT_FALSE(looks_like_pci_address("net_ring0"));
  EXPECT_FALSE(looks_like_pci_address("net_tap0,iface=lns0"));
  EXPECT_FALSE(looks_like_pci_address("net_tap0,mac=02:00:00:00:00:01"));
  EXPECT_FALSE(looks_like_pci_address("net_pcap0,rx_pcap=/tmp/in.pcap,tx_pcap=/tmp/out.pcap"));
  EXPECT_FALSE(looks_like_pci_address(""));
}

TEST(LooksLikePciAddress, PciAddressWithDevargsIsStillPci) {
  // config::check_device accepts "0000:03:00.0,rx_queue=..." (PMD devargs,
  // e.g. for mlx5), and EAL takes it after -a; it is not a vdev.
  EXPECT_TRUE(looks_like_pci_address("0000:03:00.0,mprq_en=1"));
  EXPECT_TRUE(looks_like_pci_address("03:00.0,rxq_cqe_comp_en=0"));
}

TEST(PlanEal, VdevsAreAddedWithVdevAndPciScanIsDisabled) {
  const EalPlan plan = plan_eal(vdev_config(), kPlentyOfHugepages, 4);
  EXPECT_THAT(plan.args, Contains("--vdev=net_ring0"));
  EXPECT_THAT(plan.args, Contains("--vdev=net_tap0,iface=lnscore"));
  EXPECT_THAT(plan.args, Not(Contains("-a")));
  EXPECT_EQ(count(plan.args, "--no-pci"), 1u);
}

TEST(PlanEal, PciDevicesAreAllowListedAndPciScanStaysOn) {
  config::Config cfg = vdev_config();
  cfg.access.device = "0000:03:00.0";
  cfg.core.device = "0000:03:00.1";
  const EalPlan plan = plan_eal(cfg, kPlentyOfHugepages, 4);
  std::vector<std::string> allow;
  for (size_t i = 0; i + 1 < plan.args.size(); ++i)
    if (plan.args[i] == "-a") allow.push_back(plan.args[i + 1]);
  EXPECT_THAT(allow, ElementsAre("0000:03:00.0", "0000:03:00.1"));
  EXPECT_THAT(plan.args, Not(Contains("--no-pci")));
  for (const auto& a : plan.args) EXPECT_FALSE(a.starts_with("--vdev")) << a;
}

TEST(PlanEal, OnePciDeviceIsEnoughToKeepPciScanOn) {
  config::Config cfg = vdev_config();
  cfg.access.device = "0000:03:00.0";
  const EalPlan plan = plan_eal(cfg, kPlentyOfHugepages, 4);
  EXPECT_EQ(value_after(plan.args, "-a"), "0000:03:00.0");
  EXPECT_THAT(plan.args, Contains("--vdev=net_tap0,iface=lnscore"));
  EXPECT_THAT(plan.args, Not(Contains("--no-pci")));
}

TEST(PlanEal, PciDeviceWithDevargsIsAllowListed) {
  config::Config cfg = vdev_config();
  cfg.access.device = "0000:03:00.0,mprq_en=1";
  cfg.core.device = "0000:03:00.1";
  const EalPlan plan = plan_eal(cfg, kPlentyOfHugepages, 4);
  EXPECT_EQ(value_after(plan.args, "-a"), "0000:03:00.0,mprq_en=1");
  EXPECT_THAT(plan.args, Not(Contains("--vdev=0000:03:00.0,mprq_en=1")));
  EXPECT_THAT(plan.args, Not(Contains("--no-pci")));
}

TEST(PlanEal, UserGivenNoPciIsNotRepeated) {
  config::Config cfg = vdev_config();
  cfg.eal.args = {"--no-pci"};
  const EalPlan plan = plan_eal(cfg, kPlentyOfHugepages, 4);
  EXPECT_EQ(count(plan.args, "--no-pci"), 1u);
}

TEST(PlanEal, LcoresThatFitAreUsedAsIs) {
  config::Config cfg = vdev_config();
  cfg.eal.main_lcore = 0;
  cfg.dataplane.worker_lcores = {1, 2};
  const EalPlan plan = plan_eal(cfg, kPlentyOfHugepages, 3);
  EXPECT_THAT(plan.args, Contains("--lcores=0,1,2"));
  EXPECT_THAT(plan.args, Contains("--main-lcore=0"));
}

TEST(PlanEal, MoreLcoresThanCpusAreMappedOntoCpusWithAt) {
  config::Config cfg = vdev_config();
  cfg.eal.main_lcore = 0;
  cfg.dataplane.worker_lcores = {1, 2, 3};
  const EalPlan plan = plan_eal(cfg, kPlentyOfHugepages, 2);
  EXPECT_THAT(plan.args, Contains("--lcores=0@0,1@1,2@0,3@1"));
  EXPECT_THAT(plan.args, Contains("--main-lcore=0"));
}

TEST(PlanEal, MainLcoreBeyondTheCpusIsMappedToo) {
  config::Config cfg = vdev_config();
  cfg.eal.main_lcore = 5;
  cfg.dataplane.worker_lcores = {1};
  const EalPlan plan = plan_eal(cfg, kPlentyOfHugepages, 4);
  EXPECT_THAT(plan.args, Contains("--lcores=5@1,1@1"));
  EXPECT_THAT(plan.args, Contains("--main-lcore=5"));
}

TEST(PlanEal, EnoughFreeHugepagesMeansNoFallback) {
  const config::Config cfg = vdev_config();
  const uint64_t need = estimate_memory_mb(cfg);
  const EalPlan plan = plan_eal(cfg, need * kMiB, 4);
  EXPECT_FALSE(plan.no_huge_fallback);
  EXPECT_EQ(plan.memory_mb, 0u);
  EXPECT_THAT(plan.args, Not(Contains("--no-huge")));
  EXPECT_THAT(plan.args, Not(Contains("-m")));
}

TEST(PlanEal, TooFewFreeHugepagesFallsBackToNoHugeWithTheEstimatedMemory) {
  const config::Config cfg = vdev_config();
  const uint64_t need = estimate_memory_mb(cfg);
  for (uint64_t free_bytes : {uint64_t{0}, need * kMiB - 1}) {
    const EalPlan plan = plan_eal(cfg, free_bytes, 4);
    EXPECT_TRUE(plan.no_huge_fallback) << free_bytes;
    EXPECT_EQ(plan.memory_mb, need);
    EXPECT_EQ(count(plan.args, "--no-huge"), 1u);
    EXPECT_EQ(value_after(plan.args, "-m"), std::to_string(need));
  }
}

TEST(PlanEal, UserNoHugeIsRespectedAndGetsAMemorySize) {
  config::Config cfg = vdev_config();
  cfg.eal.args = {"--no-huge"};
  const EalPlan plan = plan_eal(cfg, 0, 4);
  EXPECT_FALSE(plan.no_huge_fallback) << "the user asked for it; nothing to warn about";
  EXPECT_EQ(count(plan.args, "--no-huge"), 1u);
  EXPECT_EQ(value_after(plan.args, "-m"), std::to_string(estimate_memory_mb(cfg)));
}

TEST(PlanEal, UserNoHugeWithMemorySizeIsPassedThroughUntouched) {
  config::Config cfg = vdev_config();
  cfg.eal.args = {"--no-huge", "-m", "512"};
  const EalPlan plan = plan_eal(cfg, 0, 4);
  EXPECT_FALSE(plan.no_huge_fallback);
  EXPECT_EQ(plan.memory_mb, 0u);
  EXPECT_EQ(count(plan.args, "--no-huge"), 1u);
  EXPECT_EQ(count(plan.args, "-m"), 1u);
  EXPECT_EQ(value_after(plan.args, "-m"), "512");
}

TEST(PlanEal, UserMemorySizeIsKeptWhenFallingBack) {
  for (const std::vector<std::string>& user : {std::vector<std::string>{"-m", "768"},
                                               std::vector<std::string>{"-m768"},
                                               std::vector<std::string>{"--socket-mem=768"}}) {
    config::Config cfg = vdev_config();
    cfg.eal.args = user;
    const EalPlan plan = plan_eal(cfg, 0, 4);
    EXPECT_TRUE(plan.no_huge_fallback) << user[0];
    EXPECT_EQ(count(plan.args, "--no-huge"), 1u) << user[0];
    EXPECT_EQ(count(plan.args, "-m"), user[0] == "-m" ? 1u : 0u) << user[0];
    EXPECT_THAT(plan.args, Contains(user[0]));
  }
}

TEST(PlanEal, UserArgumentsComeLastInTheirOwnOrder) {
  config::Config cfg = vdev_config();
  cfg.eal.args = {"--in-memory", "--file-prefix=lns1", "--log-level=lib.eal:debug"};
  const EalPlan plan = plan_eal(cfg, kPlentyOfHugepages, 4);
  ASSERT_GE(plan.args.size(), 3u);
  EXPECT_THAT(std::vector<std::string>(plan.args.end() - 3, plan.args.end()),
              ElementsAre("--in-memory", "--file-prefix=lns1", "--log-level=lib.eal:debug"));
}

TEST(EstimateMemory, GrowsWithSessionsMbufsAndWorkers) {
  const config::Config base = vdev_config();
  config::Config more_sessions = base, more_mbufs = base, more_workers = base;
  more_sessions.dataplane.max_sessions *= 4;
  more_mbufs.dataplane.mbufs *= 4;
  more_workers.dataplane.worker_lcores = {1, 2, 3, 4};
  EXPECT_GT(estimate_memory_mb(more_sessions), estimate_memory_mb(base));
  EXPECT_GT(estimate_memory_mb(more_mbufs), estimate_memory_mb(base));
  EXPECT_GT(estimate_memory_mb(more_workers), estimate_memory_mb(base));
}

}  // namespace
}  // namespace lns
