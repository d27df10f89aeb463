#include "controlplane/ppp/ppp_packet.h"

#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace lns::ppp {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(ControlPacket, ParsesHeaderAndData) {
  const std::vector<uint8_t> bytes = {0x01, 0x2a, 0x00, 0x08, 0x05, 0x06, 0x11, 0x22};
  auto packet = parse_control_packet(bytes);
  ASSERT_TRUE(packet.ok()) << packet.status();
  EXPECT_EQ(packet->code, 1);
  EXPECT_EQ(packet->identifier, 0x2a);
  EXPECT_THAT(packet->data, ElementsAre(0x05, 0x06, 0x11, 0x22));
}

TEST(ControlPacket, BytesAfterLengthArePaddingAndIgnored) {
  const std::vector<uint8_t> bytes = {0x05, 0x01, 0x00, 0x05, 0xaa, 0xbb, 0xcc};
  auto packet = parse_control_packet(bytes);
  ASSERT_TRUE(packet.ok());
  EXPECT_THAT(packet->data, ElementsAre(0xaa));
}

TEST(ControlPacket, HeaderOnlyPacketHasEmptyData) {
  const std::vector<uint8_t> bytes = {0x06, 0x07, 0x00, 0x04};
  auto packet = parse_control_packet(bytes);
  ASSERT_TRUE(packet.ok());
  EXPECT_TRUE(packet->data.empty());
}

TEST(ControlPacket, RejectsTruncatedHeader) {
  const std::vector<uint8_t> bytes = {0x01, 0x01, 0x00};
  auto packet = parse_control_packet(bytes);
  ASSERT_FALSE(packet.ok());
  EXPECT_THAT(packet.status().message(), HasSubstr("truncated"));
}

TEST(ControlPacket, RejectsLengthLongerThanReceived) {
  const std::vector<uint8_t> bytes = {0x01, 0x01, 0x00, 0x09, 0x01, 0x04, 0x05, 0xdc};
  auto packet = parse_control_packet(bytes);
  ASSERT_FALSE(packet.ok());
  EXPECT_THAT(packet.status().message(), HasSubstr("exceeds"));
}

TEST(ControlPacket, RejectsLengthShorterThanHeader) {
  const std::vector<uint8_t> bytes = {0x01, 0x01, 0x00, 0x03, 0x00};
  auto packet = parse_control_packet(bytes);
  ASSERT_FALSE(packet.ok());
  EXPECT_THAT(packet.status().message(), HasSubstr("below"));
}

TEST(ControlPacket, EncodeWritesLengthAndRoundTrips) {
  const std::vector<uint8_t> data = {0x01, 0x04, 0x05, 0xdc};
  const auto bytes = encode_control_packet(Code::kConfigureRequest, 9, data);
  EXPECT_THAT(bytes, ElementsAre(0x01, 0x09, 0x00, 0x08, 0x01, 0x04, 0x05, 0xdc));
  auto packet = parse_control_packet(bytes);
  ASSERT_TRUE(packet.ok());
  EXPECT_EQ(packet->identifier, 9);
  EXPECT_THAT(packet->data, ElementsAre(0x01, 0x04, 0x05, 0xdc));
}

TEST(ControlPacket, EncodeCutsDataThatASixteenBitLengthCannotDescribe) {
  const std::vector<uint8_t> data(70000, 0x55);
  const auto bytes = encode_control_packet(Code::kCodeReject, 1, data);
  EXPECT_EQ(bytes.size(), kMaxControlPacketSize);
  auto packet = parse_control_packet(bytes);
  ASSERT_TRUE(packet.ok());
  EXPECT_EQ(packet->data.size(), kMaxControlPacketSize - kControlHeaderSize);
}

TEST(Options, ParsesSequenceOfOptions) {
  // MRU 1492, Magic-Number 0x01020304, PFC (empty).
  const std::vector<uint8_t> bytes = {0x01, 0x04, 0x05, 0xd4, 0x05, 0x06, 0x01,
                                      0x02, 0x03, 0x04, 0x07, 0x02};
  auto options = parse_options(bytes);
  ASSERT_TRUE(options.ok()) << options.status();
  ASSERT_EQ(options->size(), 3u);
  EXPECT_EQ((*options)[0].type, 1);
  EXPECT_THAT((*options)[0].data, ElementsAre(0x05, 0xd4));
  EXPECT_EQ((*options)[1].type, 5);
  EXPECT_THAT((*options)[1].data, ElementsAre(1, 2, 3, 4));
  EXPECT_EQ((*options)[2].type, 7);
  EXPECT_TRUE((*options)[2].data.empty());
}

TEST(Options, EmptyListIsValid) {
  auto options = parse_options({});
  ASSERT_TRUE(options.ok());
  EXPECT_TRUE(options->empty());
}

TEST(Options, RejectsOptionLengthBelowTwo) {
  const std::vector<uint8_t> zero = {0x01, 0x00, 0x05, 0xdc};
  const std::vector<uint8_t> one = {0x07, 0x01};
  auto a = parse_options(zero);
  auto b = parse_options(one);
  ASSERT_FALSE(a.ok());
  ASSERT_FALSE(b.ok());
  EXPECT_THAT(a.status().message(), HasSubstr("below the minimum"));
  EXPECT_THAT(b.status().message(), HasSubstr("below the minimum"));
}

TEST(Options, RejectsOptionRunningPastTheEnd) {
  const std::vector<uint8_t> bytes = {0x07, 0x02, 0x05, 0x06, 0x01, 0x02};
  auto options = parse_options(bytes);
  ASSERT_FALSE(options.ok());
  EXPECT_THAT(options.status().message(), HasSubstr("past the end"));
}

TEST(Options, RejectsLoneTypeOctet) {
  const std::vector<uint8_t> bytes = {0x07, 0x02, 0x08};
  auto options = parse_options(bytes);
  ASSERT_FALSE(options.ok());
  EXPECT_THAT(options.status().message(), HasSubstr("truncated"));
}

TEST(Options, WriterBuildsWireFormat) {
  OptionWriter w;
  w.add_u16(1, 1500).add_u32(5, 0xdeadbeef).add_empty(8);
  EXPECT_THAT(w.bytes(), ElementsAre(0x01, 0x04, 0x05, 0xdc, 0x05, 0x06, 0xde, 0xad, 0xbe,
                                     0xef, 0x08, 0x02));
  auto parsed = parse_options(w.bytes());
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->size(), 3u);
}

TEST(Options, AppendOptionReproducesOriginalBytes) {
  const std::vector<uint8_t> bytes = {0x03, 0x05, 0xc2, 0x23, 0x05};
  auto options = parse_options(bytes);
  ASSERT_TRUE(options.ok());
  std::vector<uint8_t> out;
  append_option(out, (*options)[0]);
  EXPECT_EQ(out, bytes);
}

}  // namespace
}  // namespace lns::ppp
