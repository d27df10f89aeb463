// Encoding and decoding of well-formed control messages: byte-exact wire
// images built by hand from RFC 2661, and round trips of every message type
// with every AVP it may carry.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controlplane/l2tp/message.h"

namespace lns::l2tp {
namespace {

using ::testing::ElementsAreArray;

const Bytes kRandomVector = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
                             0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f};

Bytes encode_ok(const ControlMessage& m, const EncodeOptions& options = {}) {
  absl::StatusOr<Bytes> bytes = encode_control(m, options);
  EXPECT_TRUE(bytes.ok()) << bytes.status();
  return bytes.ok() ? *bytes : Bytes{};
}

ControlMessage decode_ok(const Bytes& wire, const DecodeOptions& options = {}) {
  absl::StatusOr<ControlMessage> m = decode_control(wire, options);
  EXPECT_TRUE(m.ok()) << m.status();
  return m.ok() ? *m : ControlMessage{};
}

// ---- Byte-exact wire images ---------------------------------------------
// Each expected array is written out by hand: header flags 0xC802 are
// T=1 L=1 S=1 O=0 P=0 Ver=2; an AVP header is |M|H|rsvd|Length(10)|, vendor,
// type. The encoder emits Message Type first, then AVPs by attribute type.

TEST(ControlWire, SccrqMatchesHandBuiltBytes) {
  ControlMessage m;
  m.type = MessageType::kSccrq;
  m.header = {.tunnel_id = 0, .session_id = 0, .ns = 0, .nr = 0};
  m.protocol_version = ProtocolVersion{1, 0};
  m.framing_capabilities = kFramingSync | kFramingAsync;
  m.bearer_capabilities = kBearerDigital | kBearerAnalog;
  m.tie_breaker = 0x0102030405060708;
  m.firmware_revision = 0x0100;
  m.host_name = "lac1";
  m.vendor_name = "acme";
  m.assigned_tunnel_id = 0x0042;
  m.receive_window_size = 8;
  m.challenge = Bytes{0xde, 0xad, 0xbe, 0xef};

  const Bytes expected = {
      0xC8, 0x02, 0x00, 0x74,              // flags, Length 116
      0x00, 0x00, 0x00, 0x00,              // tunnel 0 (none assigned yet), session 0
      0x00, 0x00, 0x00, 0x00,              // Ns 0, Nr 0
      0x80, 0x08, 0x00, 0x00, 0x00, 0x00,  // M, len 8, IETF, Message Type
      0x00, 0x01,                          //   SCCRQ
      0x80, 0x08, 0x00, 0x00, 0x00, 0x02,  // M, len 8, Protocol Version
      0x01, 0x00,                          //   1.0
      0x80, 0x0A, 0x00, 0x00, 0x00, 0x03,  // M, len 10, Framing Capabilities
      0x00, 0x00, 0x00, 0x03,              //   sync | async
      0x80, 0x0A, 0x00, 0x00, 0x00, 0x04,  // M, len 10, Bearer Capabilities
      0x00, 0x00, 0x00, 0x03,              //   digital | analog
      0x00, 0x0E, 0x00, 0x00, 0x00, 0x05,  // M=0, len 14, Tie Breaker
      0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
      0x00, 0x08, 0x00, 0x00, 0x00, 0x06,  // M=0, len 8, Firmware Revision
      0x01, 0x00,
      0x80, 0x0A, 0x00, 0x00, 0x00, 0x07,  // M, len 10, Host Name
      'l', 'a', 'c', '1',
      0x00, 0x0A, 0x00, 0x00, 0x00, 0x08,  // M=0, len 10, Vendor Name
      'a', 'c', 'm', 'e',
      0x80, 0x08, 0x00, 0x00, 0x00, 0x09,  // M, len 8, Assigned Tunnel ID
      0x00, 0x42,
      0x80, 0x08, 0x00, 0x00, 0x00, 0x0A,  // M, len 8, Receive Window Size
      0x00, 0x08,
      0x80, 0x0A, 0x00, 0x00, 0x00, 0x0B,  // M, len 10, Challenge
      0xDE, 0xAD, 0xBE, 0xEF,
  };
  EXPECT_THAT(encode_ok(m), ElementsAreArray(expected));
  EXPECT_EQ(decode_ok(expected), m);
}

TEST(ControlWire, SccrpMatchesHandBuiltBytes) {
  ControlMessage m;
  m.type = MessageType::kSccrp;
  m.header = {.tunnel_id = 0x0042, .session_id = 0, .ns = 0, .nr = 1};
  m.protocol_version = ProtocolVersion{1, 0};
  m.framing_capabilities = kFramingSync;
  m.host_name = "lns";
  m.assigned_tunnel_id = 0x0007;
  m.receive_window_size = 16;
  m.challenge_response = std::array<uint8_t, 16>{0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
                                                 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f};

  const Bytes expected = {
      0xC8, 0x02, 0x00, 0x55,              // flags, Length 85
      0x00, 0x42, 0x00, 0x00,              // the LAC's tunnel 0x42, session 0
      0x00, 0x00, 0x00, 0x01,              // Ns 0, Nr 1 (acks the SCCRQ)
      0x80, 0x08, 0x00, 0x00, 0x00, 0x00,  // Message Type
      0x00, 0x02,                          //   SCCRP
      0x80, 0x08, 0x00, 0x00, 0x00, 0x02,  // Protocol Version
      0x01, 0x00,
      0x80, 0x0A, 0x00, 0x00, 0x00, 0x03,  // Framing Capabilities
      0x00, 0x00, 0x00, 0x01,              //   sync
      0x80, 0x09, 0x00, 0x00, 0x00, 0x07,  // M, len 9, Host Name
      'l', 'n', 's',
      0x80, 0x08, 0x00, 0x00, 0x00, 0x09,  // Assigned Tunnel ID
      0x00, 0x07,
      0x80, 0x08, 0x00, 0x00, 0x00, 0x0A,  // Receive Window Size
      0x00, 0x10,
      0x80, 0x16, 0x00, 0x00, 0x00, 0x0D,  // M, len 22, Challenge Response
      0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
      0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
  };
  EXPECT_THAT(encode_ok(m), ElementsAreArray(expected));
  EXPECT_EQ(decode_ok(expected), m);
}

TEST(ControlWire, IcrqWithBroadbandForumCircuitIdMatchesHandBuiltBytes) {
  ControlMessage m;
  m.type = MessageType::kIcrq;
  m.header = {.tunnel_id = 0x0007, .session_id = 0, .ns = 1, .nr = 1};
  m.assigned_session_id = 0x0101;
  m.call_serial_number = 1;
  m.bearer_type = kBearerDigital;
  m.calling_number = "5551234";
  m.set_agent_circuit_id("eth 1/1/1:100");

  const Bytes expected = {
      0xC8, 0x02, 0x00, 0x50,              // flags, Length 80
      0x00, 0x07, 0x00, 0x00,              // tunnel 7, session 0 (not yet assigned)
      0x00, 0x01, 0x00, 0x01,              // Ns 1, Nr 1
      0x80, 0x08, 0x00, 0x00, 0x00, 0x00,  // Message Type
      0x00, 0x0A,                          //   ICRQ
      0x80, 0x08, 0x00, 0x00, 0x00, 0x0E,  // Assigned Session ID
      0x01, 0x01,
      0x80, 0x0A, 0x00, 0x00, 0x00, 0x0F,  // Call Serial Number
      0x00, 0x00, 0x00, 0x01,
      0x80, 0x0A, 0x00, 0x00, 0x00, 0x12,  // Bearer Type
      0x00, 0x00, 0x00, 0x01,              //   digital
      0x80, 0x0D, 0x00, 0x00, 0x00, 0x16,  // M, len 13, Calling Number
      '5', '5', '5', '1', '2', '3', '4',
      0x00, 0x13, 0x0D, 0xE9, 0x00, 0x01,  // M=0, len 19, vendor 3561 (BBF), Agent-Circuit-Id
      'e', 't', 'h', ' ', '1', '/', '1', '/', '1', ':', '1', '0', '0',
  };
  EXPECT_THAT(encode_ok(m), ElementsAreArray(expected));
  const ControlMessage decoded = decode_ok(expected);
  EXPECT_EQ(decoded, m);
  EXPECT_EQ(decoded.agent_circuit_id(), "eth 1/1/1:100");
  EXPECT_EQ(decoded.agent_remote_id(), std::nullopt);
}

TEST(ControlWire, IccnWithProxyAuthenticationMatchesHandBuiltBytes) {
  ControlMessage m;
  m.type = MessageType::kIccn;
  m.header = {.tunnel_id = 0x0007, .session_id = 0x0202, .ns = 2, .nr = 2};
  m.framing_type = kFramingSync;
  m.tx_connect_speed = 100000000;
  m.initial_received_lcp_confreq = Bytes{0x01, 0x04, 0x05, 0xD4};
  m.proxy_authen_type = static_cast<uint16_t>(ProxyAuthenType::kChap);
  m.proxy_authen_name = "user";
  m.proxy_authen_challenge = Bytes{0xAA, 0xBB};
  m.proxy_authen_id = 5;
  m.proxy_authen_response = Bytes{0x01, 0x02, 0x03, 0x04};
  m.rx_connect_speed = 50000000;
  m.sequencing_required = true;

  const Bytes expected = {
      0xC8, 0x02, 0x00, 0x6E,              // flags, Length 110
      0x00, 0x07, 0x02, 0x02,              // tunnel 7, session 0x0202
      0x00, 0x02, 0x00, 0x02,              // Ns 2, Nr 2
      0x80, 0x08, 0x00, 0x00, 0x00, 0x00,  // Message Type
      0x00, 0x0C,                          //   ICCN
      0x80, 0x0A, 0x00, 0x00, 0x00, 0x13,  // Framing Type
      0x00, 0x00, 0x00, 0x01,
      0x80, 0x0A, 0x00, 0x00, 0x00, 0x18,  // (Tx) Connect Speed
      0x05, 0xF5, 0xE1, 0x00,              //   100 000 000
      0x00, 0x0A, 0x00, 0x00, 0x00, 0x1A,  // M=0, Initial Received LCP CONFREQ
      0x01, 0x04, 0x05, 0xD4,              //   MRU 1492
      0x00, 0x08, 0x00, 0x00, 0x00, 0x1D,  // M=0, Proxy Authen Type
      0x00, 0x02,                          //   CHAP
      0x00, 0x0A, 0x00, 0x00, 0x00, 0x1E,  // M=0, Proxy Authen Name
      'u', 's', 'e', 'r',
      0x00, 0x08, 0x00, 0x00, 0x00, 0x1F,  // M=0, Proxy Authen Challenge
      0xAA, 0xBB,
      0x00, 0x08, 0x00, 0x00, 0x00, 0x20,  // M=0, Proxy Authen ID
      0x00, 0x05,                          //   reserved, ID 5
      0x00, 0x0A, 0x00, 0x00, 0x00, 0x21,  // M=0, Proxy Authen Response
      0x01, 0x02, 0x03, 0x04,
      0x00, 0x0A, 0x00, 0x00, 0x00, 0x26,  // M=0, Rx Connect Speed
      0x02, 0xFA, 0xF0, 0x80,              //   50 000 000
      0x80, 0x06, 0x00, 0x00, 0x00, 0x27,  // M, len 6, Sequencing Required (no value)
  };
  EXPECT_THAT(encode_ok(m), ElementsAreArray(expected));
  EXPECT_EQ(decode_ok(expected), m);
}

TEST(ControlWire, CdnMatchesHandBuiltBytes) {
  ControlMessage m;
  m.type = MessageType::kCdn;
  m.header = {.tunnel_id = 0x0007, .session_id = 0x0101, .ns = 3, .nr = 3};
  m.result_code = ResultCode{static_cast<uint16_t>(CdnResult::kAdministrative), 0, "bye"};
  m.q931_cause = Q931Cause{16, 0x80, ""};
  m.assigned_session_id = 0x0202;

  const Bytes expected = {
      0xC8, 0x02, 0x00, 0x32,              // flags, Length 50
      0x00, 0x07, 0x01, 0x01,              // tunnel 7, session 0x0101
      0x00, 0x03, 0x00, 0x03,              // Ns 3, Nr 3
      0x80, 0x08, 0x00, 0x00, 0x00, 0x00,  // Message Type
      0x00, 0x0E,                          //   CDN
      0x80, 0x0D, 0x00, 0x00, 0x00, 0x01,  // M, len 13, Result Code
      0x00, 0x03, 0x00, 0x00,              //   result 3 (administrative), error 0
      'b', 'y', 'e',                       //   error message
      0x80, 0x09, 0x00, 0x00, 0x00, 0x0C,  // M, len 9, Q.931 Cause Code
      0x00, 0x10, 0x80,                    //   cause 16, message 0x80, no advisory
      0x80, 0x08, 0x00, 0x00, 0x00, 0x0E,  // Assigned Session ID
      0x02, 0x02,
  };
  EXPECT_THAT(encode_ok(m), ElementsAreArray(expected));
  EXPECT_EQ(decode_ok(expected), m);
}

TEST(ControlWire, StopCcnMatchesHandBuiltBytes) {
  ControlMessage m;
  m.type = MessageType::kStopCcn;
  m.header = {.tunnel_id = 0x0042, .session_id = 0, .ns = 4, .nr = 5};
  m.result_code = ResultCode{static_cast<uint16_t>(StopCcnResult::kGeneralClearRequest), std::nullopt, ""};
  m.assigned_tunnel_id = 0x0007;

  const Bytes expected = {
      0xC8, 0x02, 0x00, 0x24,              // flags, Length 36
      0x00, 0x42, 0x00, 0x00,              // tunnel 0x42, session 0
      0x00, 0x04, 0x00, 0x05,              // Ns 4, Nr 5
      0x80, 0x08, 0x00, 0x00, 0x00, 0x00,  // Message Type
      0x00, 0x04,                          //   StopCCN
      0x80, 0x08, 0x00, 0x00, 0x00, 0x01,  // M, len 8, Result Code without error code
      0x00, 0x01,                          //   general request to clear
      0x80, 0x08, 0x00, 0x00, 0x00, 0x09,  // Assigned Tunnel ID
      0x00, 0x07,
  };
  EXPECT_THAT(encode_ok(m), ElementsAreArray(expected));
  EXPECT_EQ(decode_ok(expected), m);
}

TEST(ControlWire, HelloMatchesHandBuiltBytes) {
  ControlMessage m;
  m.type = MessageType::kHello;
  m.header = {.tunnel_id = 0x0042, .session_id = 0, .ns = 9, .nr = 7};
  const Bytes expected = {
      0xC8, 0x02, 0x00, 0x14,              // flags, Length 20
      0x00, 0x42, 0x00, 0x00,              // tunnel 0x42, session 0
      0x00, 0x09, 0x00, 0x07,              // Ns 9, Nr 7
      0x80, 0x08, 0x00, 0x00, 0x00, 0x00,  // Message Type
      0x00, 0x06,                          //   HELLO
  };
  EXPECT_THAT(encode_ok(m), ElementsAreArray(expected));
  EXPECT_EQ(decode_ok(expected), m);
}

TEST(ControlWire, ZlbIsTheBareHeader) {
  ControlMessage m;
  m.header = {.tunnel_id = 0x0042, .session_id = 0, .ns = 10, .nr = 8};
  const Bytes expected = {
      0xC8, 0x02, 0x00, 0x0C,  // flags, Length 12: nothing after the header
      0x00, 0x42, 0x00, 0x00,  // tunnel 0x42, session 0
      0x00, 0x0A, 0x00, 0x08,  // Ns 10 (not consumed by a ZLB), Nr 8
  };
  EXPECT_THAT(encode_ok(m), ElementsAreArray(expected));
  const ControlMessage decoded = decode_ok(expected);
  EXPECT_TRUE(decoded.is_zlb());
  EXPECT_EQ(decoded, m);
}

TEST(ControlWire, HiddenAvpMatchesIndependentlyComputedBytes) {
  ControlMessage m;
  m.type = MessageType::kIcrp;
  m.header = {.tunnel_id = 0x0007, .session_id = 0x0101, .ns = 1, .nr = 2};
  m.assigned_session_id = 0x1234;
  EncodeOptions options{.secret = "s3cret", .hide = true, .random_vector_source = [] { return kRandomVector; }};

  const Bytes expected = {
      0xC8, 0x02, 0x00, 0x34,              // flags, Length 52
      0x00, 0x07, 0x01, 0x01,              // tunnel 7, session 0x0101
      0x00, 0x01, 0x00, 0x02,              // Ns 1, Nr 2
      0x80, 0x08, 0x00, 0x00, 0x00, 0x00,  // Message Type
      0x00, 0x0B,                          //   ICRP
      0x80, 0x16, 0x00, 0x00, 0x00, 0x24,  // M, len 22, Random Vector (precedes hidden AVPs)
      0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
      0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
      0xC0, 0x0A, 0x00, 0x00, 0x00, 0x0E,  // M, H, len 10, Assigned Session ID
      // MD5(0x000E + "s3cret" + RV) XOR (Original Length 2, 0x12 0x34),
      // computed with Python's hashlib.
      0xa3, 0x69, 0xf6, 0xc9,
  };
  EXPECT_THAT(encode_ok(m, options), ElementsAreArray(expected));

  ControlMessage decoded = decode_ok(expected, DecodeOptions{.secret = "s3cret"});
  EXPECT_EQ(decoded.assigned_session_id, 0x1234);
  EXPECT_EQ(decoded.random_vector, kRandomVector);
}

// ---- Round trips of every message type ----------------------------------

ControlMessage with_header(MessageType type, bool session) {
  ControlMessage m;
  m.type = type;
  m.header = {.tunnel_id = 0x1111, .session_id = static_cast<uint16_t>(session ? 0x2222 : 0), .ns = 0xFFFE,
              .nr = 0x8001};
  return m;
}

// Every message type, carrying every AVP RFC 2661 section 6 lists for it.
std::vector<ControlMessage> every_message_with_all_its_avps() {
  std::vector<ControlMessage> all;

  ControlMessage sccrq = with_header(MessageType::kSccrq, false);
  sccrq.protocol_version = ProtocolVersion{1, 0};
  sccrq.host_name = "lac.example.net";
  sccrq.framing_capabilities = kFramingSync | kFramingAsync;
  sccrq.assigned_tunnel_id = 0x0102;
  sccrq.bearer_capabilities = kBearerAnalog;
  sccrq.receive_window_size = 4;
  sccrq.challenge = Bytes(16, 0x5A);
  sccrq.tie_breaker = 0xFFEEDDCCBBAA9988;
  sccrq.firmware_revision = 0x0A0B;
  sccrq.vendor_name = "Example LAC";
  all.push_back(sccrq);

  ControlMessage sccrp = with_header(MessageType::kSccrp, false);
  sccrp.protocol_version = ProtocolVersion{1, 0};
  sccrp.framing_capabilities = kFramingSync;
  sccrp.bearer_capabilities = kBearerDigital;
  sccrp.firmware_revision = 1;
  sccrp.host_name = "lns";
  sccrp.vendor_name = "lns project";
  sccrp.assigned_tunnel_id = 0xFFFF;
  sccrp.receive_window_size = 64;
  sccrp.challenge = Bytes{1, 2, 3};
  sccrp.challenge_response = std::array<uint8_t, 16>{9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2, 3, 4, 5, 6};
  all.push_back(sccrp);

  ControlMessage scccn = with_header(MessageType::kScccn, false);
  scccn.challenge_response = std::array<uint8_t, 16>{};
  all.push_back(scccn);

  ControlMessage stopccn = with_header(MessageType::kStopCcn, false);
  stopccn.assigned_tunnel_id = 9;
  stopccn.result_code = ResultCode{2, 8, "unknown mandatory AVP"};
  all.push_back(stopccn);

  all.push_back(with_header(MessageType::kHello, false));

  ControlMessage ocrq = with_header(MessageType::kOcrq, true);
  ocrq.assigned_session_id = 3;
  ocrq.call_serial_number = 0xDEADBEEF;
  ocrq.minimum_bps = 9600;
  ocrq.maximum_bps = 1000000000;
  ocrq.bearer_type = kBearerAnalog;
  ocrq.framing_type = kFramingAsync;
  ocrq.called_number = "0123456789";
  ocrq.sub_address = "42";
  all.push_back(ocrq);

  ControlMessage ocrp = with_header(MessageType::kOcrp, true);
  ocrp.assigned_session_id = 4;
  ocrp.physical_channel_id = 0x01020304;
  all.push_back(ocrp);

  ControlMessage occn = with_header(MessageType::kOccn, true);
  occn.tx_connect_speed = 64000;
  occn.framing_type = kFramingSync;
  occn.rx_connect_speed = 32000;
  occn.sequencing_required = true;
  all.push_back(occn);

  ControlMessage icrq = with_header(MessageType::kIcrq, false);
  icrq.assigned_session_id = 5;
  icrq.call_serial_number = 77;
  icrq.bearer_type = kBearerDigital;
  icrq.physical_channel_id = 12;
  icrq.calling_number = "calling";
  icrq.called_number = "";
  icrq.sub_address = "sub";
  icrq.set_agent_circuit_id("olt1 pon 0/1/2:3");
  icrq.set_agent_remote_id("subscriber-0001");
  icrq.other_avps.push_back(RawAvp{9, 1234, false, false, Bytes{1, 2, 3}});  // some other vendor
  all.push_back(icrq);

  ControlMessage icrp = with_header(MessageType::kIcrp, true);
  icrp.assigned_session_id = 6;
  all.push_back(icrp);

  ControlMessage iccn = with_header(MessageType::kIccn, true);
  iccn.tx_connect_speed = 1000000;
  iccn.framing_type = kFramingSync;
  iccn.initial_received_lcp_confreq = Bytes{0x01, 0x04, 0x05, 0xD4, 0x05, 0x06, 0x11, 0x22, 0x33, 0x44};
  iccn.last_sent_lcp_confreq = Bytes{0x03, 0x05, 0xC2, 0x23, 0x05};
  iccn.last_received_lcp_confreq = Bytes{0x01, 0x04, 0x05, 0xD4};
  iccn.proxy_authen_type = static_cast<uint16_t>(ProxyAuthenType::kPap);
  iccn.proxy_authen_name = "user@realm";
  iccn.proxy_authen_challenge = Bytes(16, 0x33);
  iccn.proxy_authen_id = 200;
  iccn.proxy_authen_response = Bytes{'p', 'a', 's', 's'};
  iccn.private_group_id = "group-7";
  iccn.rx_connect_speed = 2000000;
  iccn.sequencing_required = true;
  all.push_back(iccn);

  ControlMessage cdn = with_header(MessageType::kCdn, true);
  cdn.result_code = ResultCode{3, std::nullopt, ""};
  cdn.assigned_session_id = 7;
  cdn.q931_cause = Q931Cause{0x0010, 0x5A, "normal clearing"};
  all.push_back(cdn);

  ControlMessage wen = with_header(MessageType::kWen, true);
  wen.call_errors = CallErrors{1, 2, 3, 4, 5, 0xFFFFFFFF};
  all.push_back(wen);

  ControlMessage sli = with_header(MessageType::kSli, true);
  sli.accm = Accm{0xFFFFFFFF, 0x000A0000};
  all.push_back(sli);

  return all;
}

TEST(ControlRoundTrip, EveryMessageTypeSurvivesEncodeDecode) {
  const std::vector<ControlMessage> all = every_message_with_all_its_avps();
  ASSERT_EQ(all.size(), 14u);
  for (const ControlMessage& m : all) {
    SCOPED_TRACE(message_type_name(m.type));
    const Bytes wire = encode_ok(m);
    EXPECT_EQ(wire.size(), static_cast<size_t>((wire[2] << 8) | wire[3])) << "Length field covers the message";
    EXPECT_EQ(decode_ok(wire), m);
  }
}

TEST(ControlRoundTrip, EveryMessageTypeSurvivesHiding) {
  for (const ControlMessage& m : every_message_with_all_its_avps()) {
    SCOPED_TRACE(message_type_name(m.type));
    EncodeOptions options{.secret = "tunnel secret", .hide = true, .random_vector_source = [] { return kRandomVector; }};
    const Bytes wire = encode_ok(m, options);
    ControlMessage decoded = decode_ok(wire, DecodeOptions{.secret = "tunnel secret"});
    // The Random Vector shows up only where something was hidden.
    if (decoded.random_vector.has_value()) {
      EXPECT_EQ(decoded.random_vector, kRandomVector);
      EXPECT_NE(wire, encode_ok(m)) << "hiding changed the bytes";
      decoded.random_vector.reset();
    }
    EXPECT_EQ(decoded, m);
  }
}

TEST(ControlRoundTrip, HidingUsesTheHBitOnlyWhereTheRfcAllowsIt) {
  ControlMessage m = every_message_with_all_its_avps()[0];  // SCCRQ
  const Bytes wire = encode_ok(m, EncodeOptions{.secret = "k", .hide = true});
  for (size_t off = kControlHeaderLength; off < wire.size();) {
    const uint16_t bits = static_cast<uint16_t>((wire[off] << 8) | wire[off + 1]);
    const uint16_t type = static_cast<uint16_t>((wire[off + 4] << 8) | wire[off + 5]);
    const AvpRule* rule = ietf_avp_rule(type);
    ASSERT_NE(rule, nullptr);
    EXPECT_EQ((bits & kAvpHiddenBit) != 0, rule->hideable) << rule->name;
    EXPECT_EQ((bits & kAvpMandatoryBit) != 0, rule->mandatory) << rule->name;
    off += bits & kAvpLengthMask;
  }
}

TEST(ControlRoundTrip, DefaultRandomVectorsDifferBetweenMessages) {
  ControlMessage m = every_message_with_all_its_avps()[9];  // ICRP
  const EncodeOptions options{.secret = "k", .hide = true};
  const Bytes a = encode_ok(m, options);
  const Bytes b = encode_ok(m, options);
  EXPECT_NE(a, b);
  EXPECT_EQ(decode_ok(a, {.secret = "k"}).assigned_session_id, m.assigned_session_id);
  EXPECT_EQ(decode_ok(b, {.secret = "k"}).assigned_session_id, m.assigned_session_id);
}

TEST(ControlRoundTrip, HiddenVendorAvpIsUnhiddenAndFlagged) {
  ControlMessage m = with_header(MessageType::kIcrp, true);
  m.assigned_session_id = 1;
  m.other_avps.push_back(RawAvp{kBroadbandForumVendorId, kBbfAgentRemoteId, false, true, Bytes{'r', 'i', 'd'}});
  const Bytes wire = encode_ok(m, {.secret = "k", .hide = true, .random_vector_source = [] { return kRandomVector; }});
  ControlMessage decoded = decode_ok(wire, {.secret = "k"});
  EXPECT_EQ(decoded.agent_remote_id(), "rid");
  ASSERT_EQ(decoded.other_avps.size(), 1u);
  EXPECT_TRUE(decoded.other_avps[0].hidden);
}

// ---- Encoder refusals ---------------------------------------------------

TEST(ControlEncode, RefusesWhatCannotBeSentFaithfully) {
  ControlMessage zlb_with_avp;
  zlb_with_avp.assigned_tunnel_id = 1;
  EXPECT_FALSE(encode_control(zlb_with_avp).ok()) << "a ZLB has no AVPs";

  ControlMessage long_name = with_header(MessageType::kHello, false);
  long_name.vendor_name = std::string(kAvpMaxValueLength + 1, 'x');
  EXPECT_FALSE(encode_control(long_name).ok()) << "value exceeds the 10-bit AVP length";
  long_name.vendor_name = std::string(kAvpMaxValueLength, 'x');
  EXPECT_TRUE(encode_control(long_name).ok()) << "largest value that fits";

  ControlMessage empty_host = with_header(MessageType::kSccrq, false);
  empty_host.host_name = "";
  EXPECT_FALSE(encode_control(empty_host).ok()) << "Host Name needs at least one octet";

  ControlMessage hidden_without_secret = with_header(MessageType::kIcrp, true);
  hidden_without_secret.assigned_session_id = 1;
  EXPECT_EQ(encode_control(hidden_without_secret, {.hide = true}).status().code(),
            absl::StatusCode::kFailedPrecondition);

  ControlMessage unknown_type = with_header(static_cast<MessageType>(13), false);
  EXPECT_FALSE(encode_control(unknown_type).ok());
}

TEST(ControlEncode, ResultCodeWithMessageButNoErrorSendsErrorZero) {
  ControlMessage m = with_header(MessageType::kStopCcn, false);
  m.assigned_tunnel_id = 1;
  m.result_code = ResultCode{1, std::nullopt, "why"};
  const ControlMessage decoded = decode_ok(encode_ok(m));
  ASSERT_TRUE(decoded.result_code.has_value());
  EXPECT_EQ(decoded.result_code->error, 0);
  EXPECT_EQ(decoded.result_code->message, "why");
}

// ---- Message catalogue --------------------------------------------------

TEST(MessageCatalogue, ScopeDecidesBetweenCdnAndStopCcn) {
  for (MessageType t : {MessageType::kSccrq, MessageType::kSccrp, MessageType::kScccn, MessageType::kStopCcn,
                        MessageType::kHello})
    EXPECT_FALSE(is_session_message(t)) << message_type_name(t);
  for (MessageType t : {MessageType::kOcrq, MessageType::kOcrp, MessageType::kOccn, MessageType::kIcrq,
                        MessageType::kIcrp, MessageType::kIccn, MessageType::kCdn, MessageType::kWen,
                        MessageType::kSli})
    EXPECT_TRUE(is_session_message(t)) << message_type_name(t);
}

TEST(MessageCatalogue, ReservedAndUnassignedTypesAreUnknown) {
  for (uint16_t v : {0, 5, 13, 17, 0xFFFF}) EXPECT_FALSE(is_known_message_type(v)) << v;
  for (uint16_t v : {1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 14, 15, 16}) EXPECT_TRUE(is_known_message_type(v)) << v;
}

}  // namespace
}  // namespace lns::l2tp
