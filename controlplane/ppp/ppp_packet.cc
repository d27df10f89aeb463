#include "controlplane/ppp/ppp_packet.h"

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "common/byte_order.h"

namespace lns::ppp {

absl::StatusOr<ControlPacket> parse_control_packet(absl::Span<const uint8_t> bytes) {
  if (bytes.size() < kControlHeaderSize) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "PPP control packet truncated: %d bytes, header needs %d", bytes.size(),
        kControlHeaderSize));
  }
  const size_t length = load_be16(bytes.data() + 2);
  if (length < kControlHeaderSize) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "PPP control packet Length %d is below the %d-byte header", length, kControlHeaderSize));
  }
  if (length > bytes.size()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "PPP control packet Length %d exceeds the %d bytes received", length, bytes.size()));
  }
  ControlPacket packet;
  packet.code = bytes[0];
  packet.identifier = bytes[1];
  packet.data = bytes.subspan(kControlHeaderSize, length - kControlHeaderSize);
  return packet;
}

std::vector<uint8_t> encode_control_packet(uint8_t code, uint8_t identifier,
                                           absl::Span<const uint8_t> data) {
  const size_t data_len = std::min(data.size(), kMaxControlPacketSize - kControlHeaderSize);
  std::vector<uint8_t> out(kControlHeaderSize + data_len);
  out[0] = code;
  out[1] = identifier;
  store_be16(out.data() + 2, static_cast<uint16_t>(out.size()));
  std::copy_n(data.begin(), data_len, out.begin() + kControlHeaderSize);
  return out;
}

absl::StatusOr<std::vector<OptionView>> parse_options(absl::Span<const uint8_t> bytes) {
  std::vector<OptionView> options;
  size_t offset = 0;
  while (offset < bytes.size()) {
    const size_t left = bytes.size() - offset;
    if (left < kOptionHeaderSize) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "PPP option at offset %d truncated: %d byte(s) left, header needs %d", offset, left,
          kOptionHeaderSize));
    }
    const uint8_t type = bytes[offset];
    const size_t length = bytes[offset + 1];
    if (length < kOptionHeaderSize) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "PPP option type %d at offset %d has Length %d, below the minimum of %d", type, offset,
          length, kOptionHeaderSize));
    }
    if (length > left) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "PPP option type %d at offset %d has Length %d, past the end (%d bytes left)", type,
          offset, length, left));
    }
    options.push_back(
        OptionView{type, bytes.subspan(offset + kOptionHeaderSize, length - kOptionHeaderSize)});
    offset += length;
  }
  return options;
}

OptionWriter& OptionWriter::add(uint8_t type, absl::Span<const uint8_t> data) {
  const size_t data_len = std::min(data.size(), kMaxOptionDataSize);
  bytes_.push_back(type);
  bytes_.push_back(static_cast<uint8_t>(kOptionHeaderSize + data_len));
  bytes_.insert(bytes_.end(), data.begin(), data.begin() + data_len);
  return *this;
}

OptionWriter& OptionWriter::add_u16(uint8_t type, uint16_t value) {
  uint8_t buf[2];
  store_be16(buf, value);
  return add(type, buf);
}

OptionWriter& OptionWriter::add_u32(uint8_t type, uint32_t value) {
  uint8_t buf[4];
  store_be32(buf, value);
  return add(type, buf);
}

void append_option(std::vector<uint8_t>& out, const OptionView& option) {
  OptionWriter w;
  w.add(option);
  out.insert(out.end(), w.bytes().begin(), w.bytes().end());
}

}  // namespace lns::ppp
