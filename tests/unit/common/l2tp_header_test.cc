// RFC 2661 section 3.1 header parsing as the data plane relies on it: every
// optional-field combination, and every way a hostile datagram can lie.
#include "common/l2tp_header.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/unit/common/packet_test_support.h"

namespace lns {
namespace {

using testing::Bytes;
using testing::ExactBuffer;

// First two octets: T L x x S x O P | x x x x Ver.
constexpr uint8_t kVer2 = 0x02;
const std::vector<uint8_t> kPayload = {0xff, 0x03, 0x00, 0x21, 0x45, 0x00, 0x00, 0x14};

L2tpHeaderStatus parse(const std::vector<uint8_t>& bytes, L2tpHeader* h) {
  ExactBuffer buf(bytes);  // no slack: an overread is an ASan report
  return parse_l2tp_header(buf.data(), buf.size(), h);
}

TEST(L2tpHeader, DataMessageWithNoOptionalFieldsHasPayloadAfterSixOctets) {
  const auto msg = Bytes().u8(0x00).u8(kVer2).u16(0x1234).u16(0x5678).raw(kPayload).take();
  L2tpHeader h;
  ASSERT_EQ(parse(msg, &h), L2tpHeaderStatus::kOk);
  EXPECT_FALSE(h.is_control());
  EXPECT_EQ(h.flags, 0x00);
  EXPECT_EQ(h.tunnel_id, 0x1234);
  EXPECT_EQ(h.session_id, 0x5678);
  EXPECT_EQ(h.ns, 0);
  EXPECT_EQ(h.nr, 0);
  EXPECT_EQ(h.payload_offset, 6);
  EXPECT_EQ(h.payload_length, kPayload.size());
}

TEST(L2tpHeader, LengthFieldMovesIdsBackTwoOctetsAndBoundsThePayload) {
  const uint16_t length = static_cast<uint16_t>(8 + kPayload.size());
  const auto msg = Bytes().u8(kL2tpFlagLength).u8(kVer2).u16(length).u16(7).u16(9).raw(kPayload).take();
  L2tpHeader h;
  ASSERT_EQ(parse(msg, &h), L2tpHeaderStatus::kOk);
  EXPECT_EQ(h.tunnel_id, 7);
  EXPECT_EQ(h.session_id, 9);
  EXPECT_EQ(h.payload_offset, 8);
  EXPECT_EQ(h.payload_length, kPayload.size());
}

TEST(L2tpHeader, SequenceBitCarriesNsAndNr) {
  const auto msg =
      Bytes().u8(kL2tpFlagSeq).u8(kVer2).u16(1).u16(2).u16(0xbeef).u16(0x0102).raw(kPayload).take();
  L2tpHeader h;
  ASSERT_EQ(parse(msg, &h), L2tpHeaderStatus::kOk);
  EXPECT_EQ(h.tunnel_id, 1);
  EXPECT_EQ(h.session_id, 2);
  EXPECT_EQ(h.ns, 0xbeef);
  EXPECT_EQ(h.nr, 0x0102);
  EXPECT_EQ(h.payload_offset, 10);
  EXPECT_EQ(h.payload_length, kPayload.size());
}

TEST(L2tpHeader, OffsetSizeZeroPutsPayloadRightAfterTheOffsetField) {
  const auto msg = Bytes().u8(kL2tpFlagOffset).u8(kVer2).u16(3).u16(4).u16(0).raw(kPayload).take();
  L2tpHeader h;
  ASSERT_EQ(parse(msg, &h), L2tpHeaderStatus::kOk);
  EXPECT_EQ(h.tunnel_id, 3);
  EXPECT_EQ(h.session_id, 4);
  EXPECT_EQ(h.payload_offset, 8);
  EXPECT_EQ(h.payload_length, kPayload.size());
}

TEST(L2tpHeader, OffsetPaddingIsSkipped) {
  const auto msg =
      Bytes().u8(kL2tpFlagOffset).u8(kVer2).u16(3).u16(4).u16(5).fill(5, 0xee).raw(kPayload).take();
  L2tpHeader h;
  ASSERT_EQ(parse(msg, &h), L2tpHeaderStatus::kOk);
  EXPECT_EQ(h.payload_offset, 13);
  EXPECT_EQ(h.payload_length, kPayload.size());
  EXPECT_EQ(msg[h.payload_offset], kPayload[0]);
}

TEST(L2tpHeader, PriorityBitIsKeptAndAddsNoField) {
  const auto msg = Bytes().u8(kL2tpFlagPriority).u8(kVer2).u16(5).u16(6).raw(kPayload).take();
  L2tpHeader h;
  ASSERT_EQ(parse(msg, &h), L2tpHeaderStatus::kOk);
  EXPECT_TRUE(h.flags & kL2tpFlagPriority);
  EXPECT_EQ(h.tunnel_id, 5);
  EXPECT_EQ(h.session_id, 6);
  EXPECT_EQ(h.payload_offset, 6);
}

TEST(L2tpHeader, AllOptionalFieldsTogether) {
  const uint8_t flags = kL2tpFlagLength | kL2tpFlagSeq | kL2tpFlagOffset | kL2tpFlagPriority;
  const uint16_t header = 2 + 2 + 4 + 4 + 2 + 3;
  const auto msg = Bytes()
                       .u8(flags)
                       .u8(kVer2)
                       .u16(static_cast<uint16_t>(header + kPayload.size()))
                       .u16(0xaaaa)
                       .u16(0xbbbb)
                       .u16(11)
                       .u16(22)
                       .u16(3)
                       .fill(3, 0)
                       .raw(kPayload)
                       .take();
  L2tpHeader h;
  ASSERT_EQ(parse(msg, &h), L2tpHeaderStatus::kOk);
  EXPECT_EQ(h.flags, flags);
  EXPECT_FALSE(h.is_control());
  EXPECT_EQ(h.tunnel_id, 0xaaaa);
  EXPECT_EQ(h.session_id, 0xbbbb);
  EXPECT_EQ(h.ns, 11);
  EXPECT_EQ(h.nr, 22);
  EXPECT_EQ(h.payload_offset, header);
  EXPECT_EQ(h.payload_length, kPayload.size());
}

TEST(L2tpHeader, ReservedBitsAreIgnoredOnReceipt) {
  // RFC 2661 3.1: x bits MUST be 0 on send and are ignored on receipt.
  const uint8_t flags = 0x20 | 0x10 | 0x04;
  const auto msg = Bytes().u8(flags).u8(0xf0 | kVer2).u16(1).u16(2).raw(kPayload).take();
  L2tpHeader h;
  ASSERT_EQ(parse(msg, &h), L2tpHeaderStatus::kOk);
  EXPECT_EQ(h.tunnel_id, 1);
  EXPECT_EQ(h.session_id, 2);
  EXPECT_EQ(h.payload_offset, 6);
}

TEST(L2tpHeader, ControlMessageIsRecognisedByTheTypeBit) {
  // SCCRQ-like: T, L and S set; a Message Type AVP follows.
  const auto avp = Bytes().u16(0x8008).u16(0).u16(0).u16(1).take();
  const auto msg = Bytes()
                       .u8(kL2tpFlagType | kL2tpFlagLength | kL2tpFlagSeq)
                       .u8(kVer2)
                       .u16(static_cast<uint16_t>(12 + avp.size()))
                       .u16(0)
                       .u16(0)
                       .u16(0)
                       .u16(0)
                       .raw(avp)
                       .take();
  L2tpHeader h;
  ASSERT_EQ(parse(msg, &h), L2tpHeaderStatus::kOk);
  EXPECT_TRUE(h.is_control());
  EXPECT_EQ(h.payload_offset, 12);
  EXPECT_EQ(h.payload_length, avp.size());
}

TEST(L2tpHeader, ZeroLengthBodyAcknowledgementParses) {
  const auto msg = Bytes()
                       .u8(kL2tpFlagType | kL2tpFlagLength | kL2tpFlagSeq)
                       .u8(kVer2)
                       .u16(12)
                       .u16(40)
                       .u16(0)
                       .u16(5)
                       .u16(6)
                       .take();
  L2tpHeader h;
  ASSERT_EQ(parse(msg, &h), L2tpHeaderStatus::kOk);
  EXPECT_TRUE(h.is_control());
  EXPECT_EQ(h.tunnel_id, 40);
  EXPECT_EQ(h.ns, 5);
  EXPECT_EQ(h.nr, 6);
  EXPECT_EQ(h.payload_length, 0);
}

TEST(L2tpHeader, ReusedStructDoesNotKeepSequenceNumbersFromTheLastPacket) {
  L2tpHeader h;
  const auto with_seq = Bytes().u8(kL2tpFlagSeq).u8(kVer2).u16(1).u16(2).u16(3).u16(4).take();
  ASSERT_EQ(parse(with_seq, &h), L2tpHeaderStatus::kOk);
  const auto without = Bytes().u8(0).u8(kVer2).u16(1).u16(2).take();
  ASSERT_EQ(parse(without, &h), L2tpHeaderStatus::kOk);
  EXPECT_EQ(h.ns, 0);
  EXPECT_EQ(h.nr, 0);
}

TEST(L2tpHeader, TrailingBytesAfterLengthAreNotPayload) {
  const auto msg = Bytes()
                       .u8(kL2tpFlagLength)
                       .u8(kVer2)
                       .u16(static_cast<uint16_t>(8 + kPayload.size()))
                       .u16(1)
                       .u16(2)
                       .raw(kPayload)
                       .fill(17, 0x00)  // e.g. padding a LAC appended
                       .take();
  L2tpHeader h;
  ASSERT_EQ(parse(msg, &h), L2tpHeaderStatus::kOk);
  EXPECT_EQ(h.payload_offset, 8);
  EXPECT_EQ(h.payload_length, kPayload.size());
}

TEST(L2tpHeader, OtherVersionsAreRejected) {
  for (uint8_t ver : {0, 1, 3, 0x0f}) {
    const auto msg = Bytes().u8(0).u8(ver).u16(1).u16(2).raw(kPayload).take();
    L2tpHeader h;
    EXPECT_EQ(parse(msg, &h), L2tpHeaderStatus::kBadVersion) << "version " << int{ver};
  }
}

TEST(L2tpHeader, LengthLongerThanTheDatagramIsRejected) {
  const auto msg = Bytes()
                       .u8(kL2tpFlagLength)
                       .u8(kVer2)
                       .u16(static_cast<uint16_t>(8 + kPayload.size() + 1))
                       .u16(1)
                       .u16(2)
                       .raw(kPayload)
                       .take();
  L2tpHeader h;
  EXPECT_EQ(parse(msg, &h), L2tpHeaderStatus::kBadLength);
}

TEST(L2tpHeader, LengthShorterThanTheHeaderItDescribesIsRejected) {
  struct Case {
    uint8_t flags;
    uint16_t length;
    const char* what;
  };
  const Case cases[] = {
      {kL2tpFlagLength, 0, "zero"},
      {kL2tpFlagLength, 7, "one short of L header"},
      {kL2tpFlagLength | kL2tpFlagSeq, 11, "one short of L+S header"},
      {kL2tpFlagLength | kL2tpFlagSeq | kL2tpFlagOffset, 13, "one short of L+S+O header"},
      {kL2tpFlagLength | kL2tpFlagType | kL2tpFlagSeq, 8, "control without room for Ns/Nr"},
  };
  for (const Case& c : cases) {
    // Plenty of real bytes behind the header: only the Length field lies.
    const auto msg = Bytes().u8(c.flags).u8(kVer2).u16(c.length).fill(32, 0).take();
    L2tpHeader h;
    EXPECT_EQ(parse(msg, &h), L2tpHeaderStatus::kBadLength) << c.what;
  }
}

TEST(L2tpHeader, LengthExactlyCoveringTheHeaderMeansEmptyPayload) {
  const auto msg = Bytes().u8(kL2tpFlagLength | kL2tpFlagSeq).u8(kVer2).u16(12).u16(1).u16(2).u16(3).u16(4).take();
  L2tpHeader h;
  ASSERT_EQ(parse(msg, &h), L2tpHeaderStatus::kOk);
  EXPECT_EQ(h.payload_offset, 12);
  EXPECT_EQ(h.payload_length, 0);
}

TEST(L2tpHeader, OffsetSizePastTheEndOfTheDatagramIsRejected) {
  const auto msg = Bytes()
                       .u8(kL2tpFlagOffset)
                       .u8(kVer2)
                       .u16(1)
                       .u16(2)
                       .u16(static_cast<uint16_t>(kPayload.size() + 1))
                       .raw(kPayload)
                       .take();
  L2tpHeader h;
  EXPECT_EQ(parse(msg, &h), L2tpHeaderStatus::kBadOffset);
}

TEST(L2tpHeader, OffsetSizeReachingExactlyTheEndLeavesAnEmptyPayload) {
  const auto msg = Bytes()
                       .u8(kL2tpFlagOffset)
                       .u8(kVer2)
                       .u16(1)
                       .u16(2)
                       .u16(static_cast<uint16_t>(kPayload.size()))
                       .raw(kPayload)
                       .take();
  L2tpHeader h;
  ASSERT_EQ(parse(msg, &h), L2tpHeaderStatus::kOk);
  EXPECT_EQ(h.payload_offset, msg.size());
  EXPECT_EQ(h.payload_length, 0);
}

TEST(L2tpHeader, OffsetSizeIsBoundedByTheLengthFieldNotByTrailingBytes) {
  const auto msg = Bytes()
                       .u8(kL2tpFlagLength | kL2tpFlagOffset)
                       .u8(kVer2)
                       .u16(10 + 4)
                       .u16(1)
                       .u16(2)
                       .u16(6)  // past Length (4 octets after the field) ...
                       .fill(4, 0)
                       .fill(8, 0)  // ... though not past the datagram
                       .take();
  L2tpHeader h;
  EXPECT_EQ(parse(msg, &h), L2tpHeaderStatus::kBadOffset);
}

TEST(L2tpHeader, MaximalOffsetSizeDoesNotWrap) {
  const auto msg = Bytes().u8(kL2tpFlagOffset).u8(kVer2).u16(1).u16(2).u16(0xffff).raw(kPayload).take();
  L2tpHeader h;
  EXPECT_EQ(parse(msg, &h), L2tpHeaderStatus::kBadOffset);
}

// Header-only images of every variant, with where the fixed fields end (up to
// and including Offset Size) and where the header ends (after padding).
struct Variant {
  std::string name;
  std::vector<uint8_t> bytes;
  size_t fixed_end;
  bool has_length;
};

std::vector<Variant> header_variants() {
  auto image = [](uint8_t flags, uint16_t pad) {
    const bool l = flags & kL2tpFlagLength, s = flags & kL2tpFlagSeq, o = flags & kL2tpFlagOffset;
    const size_t fixed = 2 + (l ? 2 : 0) + 4 + (s ? 4 : 0) + (o ? 2 : 0);
    const size_t total = fixed + (o ? pad : 0);
    Bytes b;
    b.u8(flags).u8(kVer2);
    if (l) b.u16(static_cast<uint16_t>(total));
    b.u16(0x0101).u16(0x0202);
    if (s) b.u16(0x0303).u16(0x0404);
    if (o) b.u16(pad).fill(pad, 0);
    return Variant{"flags " + std::to_string(flags) + " pad " + std::to_string(pad), b.take(), fixed, l};
  };
  std::vector<Variant> v;
  for (uint8_t t : {uint8_t{0}, kL2tpFlagType})
    for (uint8_t l : {uint8_t{0}, kL2tpFlagLength})
      for (uint8_t s : {uint8_t{0}, kL2tpFlagSeq})
        for (uint8_t o : {uint8_t{0}, kL2tpFlagOffset})
          for (uint16_t pad : {uint16_t{0}, uint16_t{3}}) {
            if (!o && pad) continue;
            v.push_back(image(static_cast<uint8_t>(t | l | s | o), pad));
          }
  return v;
}

TEST(L2tpHeader, EveryVariantParsesWhole) {
  for (const Variant& v : header_variants()) {
    L2tpHeader h;
    ASSERT_EQ(parse(v.bytes, &h), L2tpHeaderStatus::kOk) << v.name;
    EXPECT_EQ(h.payload_offset, v.bytes.size()) << v.name;
    EXPECT_EQ(h.payload_length, 0) << v.name;
    EXPECT_EQ(h.tunnel_id, 0x0101) << v.name;
    EXPECT_EQ(h.session_id, 0x0202) << v.name;
  }
}

TEST(L2tpHeader, EveryVariantTruncatedAtEveryOctetIsRejected) {
  for (const Variant& v : header_variants()) {
    for (size_t n = 0; n < v.bytes.size(); ++n) {
      ExactBuffer cut(v.bytes, n);
      L2tpHeader h;
      const L2tpHeaderStatus got = parse_l2tp_header(cut.data(), cut.size(), &h);
      // Once the Length field is readable it claims more than is there; else
      // the fixed fields are cut (truncated) or the padding is (bad offset).
      L2tpHeaderStatus want;
      if (n < 6 || (v.has_length && n < 8))
        want = L2tpHeaderStatus::kTruncated;
      else if (v.has_length)
        want = L2tpHeaderStatus::kBadLength;
      else if (n < v.fixed_end)
        want = L2tpHeaderStatus::kTruncated;
      else
        want = L2tpHeaderStatus::kBadOffset;
      EXPECT_EQ(got, want) << v.name << " cut to " << n;
    }
  }
}

}  // namespace
}  // namespace lns
