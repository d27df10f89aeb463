// Internet checksum (RFC 1071) against published vectors, and the RFC 1624
// incremental updates against full recomputation.
#include "common/checksum.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "tests/unit/common/packet_test_support.h"

namespace lns {
namespace {

using testing::get16;
using testing::reference_checksum;
using testing::set16;

TEST(Checksum, Rfc1071NumericalExample) {
  // RFC 1071 section 3: the one's-complement sum of these octets is ddf2.
  const std::vector<uint8_t> b = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
  EXPECT_EQ(checksum_fold(checksum_partial(b.data(), b.size())), static_cast<uint16_t>(~0xddf2));
  EXPECT_EQ(internet_checksum(b.data(), b.size()), 0x220d);
}

TEST(Checksum, RealIpv4Headers) {
  struct Vector {
    std::vector<uint8_t> header;  // as captured, checksum in octets 10-11
  };
  const Vector vectors[] = {
      {{0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0,
        0xa8, 0x00, 0xc7}},
      {{0x45, 0x00, 0x00, 0x3c, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x06, 0xb1, 0xe6, 0xac, 0x10, 0x0a, 0x63, 0xac,
        0x10, 0x0a, 0x0c}},
  };
  for (const Vector& v : vectors) {
    std::vector<uint8_t> zeroed = v.header;
    set16(zeroed, 10, 0);
    EXPECT_EQ(internet_checksum(zeroed.data(), zeroed.size()), get16(v.header, 10));
    // A receiver sums the header with its checksum and gets the negative zero.
    EXPECT_EQ(internet_checksum(v.header.data(), v.header.size()), 0);
  }
}

TEST(Checksum, UdpChecksumCoversThePseudoHeaderAndSendsZeroAsOnes) {
  // 192.0.2.1 -> 192.0.2.2, UDP 1701 -> 1701, payload "ab".
  std::vector<uint8_t> addresses = {192, 0, 2, 1, 192, 0, 2, 2};
  std::vector<uint8_t> udp = {0x06, 0xa5, 0x06, 0xa5, 0x00, 0x0a, 0x00, 0x00, 'a', 'b'};
  const uint16_t c = udp_checksum(addresses.data(), addresses.size(), udp.data(), udp.size());
  // Verifies: pseudo-header + datagram with the checksum in place sums to all ones.
  udp[6] = static_cast<uint8_t>(c >> 8);
  udp[7] = static_cast<uint8_t>(c);
  uint32_t sum = checksum_partial(addresses.data(), addresses.size()) + 17 + static_cast<uint32_t>(udp.size());
  EXPECT_EQ(checksum_fold(checksum_partial(udp.data(), udp.size(), sum)), 0);
  // Adding the checksum into a payload word (one's-complement addition)
  // makes the sum all ones, whose checksum is zero: that is sent as 0xffff.
  udp[6] = udp[7] = 0;
  uint32_t word = (uint32_t{udp[8]} << 8 | udp[9]) + c;
  word = (word & 0xffff) + (word >> 16);
  udp[8] = static_cast<uint8_t>(word >> 8);
  udp[9] = static_cast<uint8_t>(word);
  EXPECT_EQ(udp_checksum(addresses.data(), addresses.size(), udp.data(), udp.size()), 0xffff);
}

TEST(Checksum, OddLengthPadsTheLastOctetOnTheRight) {
  const std::vector<uint8_t> b = {0x12, 0x34, 0x56};
  // 0x1234 + 0x5600 = 0x6834
  EXPECT_EQ(internet_checksum(b.data(), b.size()), static_cast<uint16_t>(~0x6834));
}

TEST(Checksum, CarriesWrapAround) {
  const std::vector<uint8_t> b = {0xff, 0xff, 0xff, 0xff, 0x00, 0x02};
  // ffff + ffff + 0002 = 0x20000 -> 0x0002 after folding both carries.
  EXPECT_EQ(internet_checksum(b.data(), b.size()), static_cast<uint16_t>(~0x0002));
}

TEST(Checksum, PartialSumsChainOverEvenSplits) {
  std::mt19937 rng(7);
  std::vector<uint8_t> b(301);
  for (auto& x : b) x = static_cast<uint8_t>(rng());
  for (size_t split = 0; split <= b.size(); split += 2) {
    const uint32_t first = checksum_partial(b.data(), split);
    EXPECT_EQ(checksum_fold(checksum_partial(b.data() + split, b.size() - split, first)),
              internet_checksum(b.data(), b.size()))
        << "split at " << split;
  }
}

TEST(Checksum, AgreesWithAnIndependentReferenceOnRandomBuffers) {
  std::mt19937 rng(1071);
  for (int iter = 0; iter < 2000; ++iter) {
    std::vector<uint8_t> b(rng() % 1500);
    for (auto& x : b) x = static_cast<uint8_t>(rng());
    ASSERT_EQ(internet_checksum(b.data(), b.size()), reference_checksum(b)) << "length " << b.size();
  }
}

TEST(Checksum, Header20CheckAgreesWithTheFullSum) {
  std::mt19937 rng(791);
  for (int iter = 0; iter < 20000; ++iter) {
    std::vector<uint8_t> h(20);
    for (auto& x : h) x = static_cast<uint8_t>(rng());
    if (iter % 2) {  // half of them with a correct checksum
      store_be16(h.data() + 10, 0);
      store_be16(h.data() + 10, internet_checksum(h.data(), 20));
    }
    ASSERT_EQ(checksum20_ok(h.data()), internet_checksum(h.data(), 20) == 0) << "iteration " << iter;
  }
  // Sums that need every carry folded back: all ones is right, all zeros is not.
  std::vector<uint8_t> ones(20, 0xff), zeros(20, 0);
  EXPECT_TRUE(checksum20_ok(ones.data()));
  EXPECT_FALSE(checksum20_ok(zeros.data()));
  // Words that sum to other multiples of 0xffff (or miss one by a carry):
  // a single non-zero 16-bit word anywhere, the rest zero, is right only
  // when it is 0xffff.
  for (size_t at = 0; at < 20; at += 2)
    for (uint32_t v : {0x0001u, 0x00ffu, 0xff00u, 0xfffeu, 0xffffu}) {
      std::vector<uint8_t> h(20, 0);
      store_be16(h.data() + at, static_cast<uint16_t>(v));
      ASSERT_EQ(checksum20_ok(h.data()), v == 0xffff) << "word " << at << " = " << v;
    }
}

TEST(ChecksumUpdate, Rfc1624Example) {
  // RFC 1624 section 4: eqn. 3 must give 0x0000 here where eqn. 2 gave 0xffff.
  EXPECT_EQ(checksum_update16(0xdd2f, 0x5555, 0x3285), 0x0000);
}

TEST(ChecksumUpdate, UpdateToSumOfNegativeZeroMatchesRecomputation) {
  // Sum goes from fffe to ffff: the recomputed checksum is 0x0000.
  std::vector<uint8_t> b = {0x00, 0x00, 0xff, 0x00, 0x00, 0xfe};
  set16(b, 0, internet_checksum(b.data(), b.size()));
  const uint16_t updated = checksum_update16(get16(b, 0), 0x00fe, 0x00ff);
  set16(b, 4, 0x00ff);
  set16(b, 0, 0);
  EXPECT_EQ(updated, internet_checksum(b.data(), b.size()));
  EXPECT_EQ(updated, 0x0000);
}

// A random "header" with a checksum field at an even offset, as every IP,
// TCP and UDP checksum field is. Its first word is a fixed non-zero value the
// tests never change: covered data that is entirely zero is the one case
// where RFC 1624 eqn. 3 (0x0000) and recomputation (0xffff) pick different
// zeros, and no IP or TCP header is all zeros.
struct Packet {
  std::vector<uint8_t> bytes;
  size_t csum_at;
};

constexpr size_t kFixedWord = 0;

Packet random_packet(std::mt19937& rng) {
  Packet p;
  p.bytes.resize(20 + rng() % 120);
  for (auto& x : p.bytes) x = static_cast<uint8_t>(rng());
  set16(p.bytes, kFixedWord, 0x4500);
  p.csum_at = 2 + 2 * (rng() % (p.bytes.size() / 2 - 1));
  set16(p.bytes, p.csum_at, 0);
  set16(p.bytes, p.csum_at, internet_checksum(p.bytes.data(), p.bytes.size()));
  return p;
}

uint16_t recompute(Packet p) {
  set16(p.bytes, p.csum_at, 0);
  return internet_checksum(p.bytes.data(), p.bytes.size());
}

TEST(ChecksumUpdate, WordUpdateMatchesFullRecomputation) {
  std::mt19937 rng(1624);
  for (int iter = 0; iter < 5000; ++iter) {
    Packet p = random_packet(rng);
    size_t at;
    do {
      at = 2 * (rng() % (p.bytes.size() / 2));
    } while (at == p.csum_at || at == kFixedWord);
    const uint16_t old_word = get16(p.bytes, at);
    // Bias toward the extremes, where one's-complement corner cases live.
    const uint16_t choices[] = {0x0000, 0xffff, old_word, static_cast<uint16_t>(~old_word)};
    const uint16_t new_word = iter % 3 == 0 ? choices[rng() % 4] : static_cast<uint16_t>(rng());
    const uint16_t updated = checksum_update16(get16(p.bytes, p.csum_at), old_word, new_word);
    set16(p.bytes, at, new_word);
    ASSERT_EQ(updated, recompute(p)) << "iteration " << iter;
  }
}

TEST(ChecksumUpdate, ByteUpdateMatchesFullRecomputationAtOddAndEvenOffsets) {
  std::mt19937 rng(16241);
  int odd = 0, even = 0, last_of_odd_length = 0;
  for (int iter = 0; iter < 5000; ++iter) {
    Packet p = random_packet(rng);
    size_t at;
    do {
      at = rng() % p.bytes.size();
    } while (at / 2 == p.csum_at / 2 || at / 2 == kFixedWord / 2);
    const uint8_t old_byte = p.bytes[at];
    const uint8_t new_byte = iter % 4 == 0 ? static_cast<uint8_t>(~old_byte) : static_cast<uint8_t>(rng());
    const uint16_t updated =
        checksum_update_byte(get16(p.bytes, p.csum_at), static_cast<uint32_t>(at), old_byte, new_byte);
    p.bytes[at] = new_byte;
    ASSERT_EQ(updated, recompute(p)) << "iteration " << iter << " offset " << at;
    (at % 2 ? odd : even)++;
    if (p.bytes.size() % 2 == 1 && at == p.bytes.size() - 1) ++last_of_odd_length;
  }
  // The generator must have exercised both weights and the unpaired last octet.
  EXPECT_GT(odd, 1000);
  EXPECT_GT(even, 1000);
  EXPECT_GT(last_of_odd_length, 10);
}

TEST(ChecksumUpdate, TwoByteUpdatesEqualOneWordUpdate) {
  std::mt19937 rng(99);
  for (int iter = 0; iter < 2000; ++iter) {
    const uint16_t csum = static_cast<uint16_t>(rng()), old_word = static_cast<uint16_t>(rng()),
                   new_word = static_cast<uint16_t>(rng());
    uint16_t by_bytes = checksum_update_byte(csum, 10, static_cast<uint8_t>(old_word >> 8),
                                             static_cast<uint8_t>(new_word >> 8));
    by_bytes = checksum_update_byte(by_bytes, 11, static_cast<uint8_t>(old_word), static_cast<uint8_t>(new_word));
    // Both are valid one's-complement results; they may differ only in the
    // representation of zero, which no real checksum field takes here.
    const uint16_t by_word = checksum_update16(csum, old_word, new_word);
    if (by_word != 0 && by_word != 0xffff) {
      ASSERT_EQ(by_bytes, by_word) << "iteration " << iter;
    }
  }
}

}  // namespace
}  // namespace lns
