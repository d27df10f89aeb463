#include "controlplane/l2tp/md5.h"

#include <string>

#include <gtest/gtest.h>

namespace lns {
namespace {

std::string hex(const Md5Digest& d) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s;
  for (uint8_t b : d) {
    s += kDigits[b >> 4];
    s += kDigits[b & 0xF];
  }
  return s;
}

// The test suite of RFC 1321 appendix A.5.
TEST(Md5, MatchesRfc1321TestSuite) {
  EXPECT_EQ(hex(md5("")), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(hex(md5("a")), "0cc175b9c0f1b6a831c399e269772661");
  EXPECT_EQ(hex(md5("abc")), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(hex(md5("message digest")), "f96b697d7cb7938d525a2f31aaf161d0");
  EXPECT_EQ(hex(md5("abcdefghijklmnopqrstuvwxyz")), "c3fcd3d76192e4007dfb496cca67e13b");
  EXPECT_EQ(hex(md5("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")),
            "d174ab98d277d9f5a5611c2c9f419d9f");
  EXPECT_EQ(hex(md5("12345678901234567890123456789012345678901234567890123456789012345678901234567890")),
            "57edf4a22be3c955ac49da2e2107b67a");
}

// Padding has three regimes: room for the length in the last block (55
// octets), exactly none (56) and a whole extra block (64).
TEST(Md5, PaddingBoundariesMatchKnownDigests) {
  EXPECT_EQ(hex(md5(std::string(55, 'a'))), "ef1772b6dff9a122358552954ad0df65");
  EXPECT_EQ(hex(md5(std::string(56, 'a'))), "3b0c8ac703f828b04c6c197006d17218");
  EXPECT_EQ(hex(md5(std::string(64, 'a'))), "014842d480b571495a4a0363793f7367");
}

TEST(Md5, IncrementalUpdatesEqualOneShot) {
  std::string data;
  for (int i = 0; i < 300; ++i) data += static_cast<char>(i * 7 + 3);
  const Md5Digest one_shot = md5(data);
  for (size_t chunk : {1u, 3u, 15u, 63u, 64u, 65u, 200u}) {
    Md5 h;
    for (size_t off = 0; off < data.size(); off += chunk) h.update(std::string_view(data).substr(off, chunk));
    EXPECT_EQ(h.finish(), one_shot) << "chunk size " << chunk;
  }
}

TEST(Md5, ResetStartsAFreshDigest) {
  Md5 h;
  h.update("garbage");
  h.finish();
  h.reset();
  h.update("abc");
  EXPECT_EQ(hex(h.finish()), "900150983cd24fb0d6963f7d28e17f72");
}

}  // namespace
}  // namespace lns
