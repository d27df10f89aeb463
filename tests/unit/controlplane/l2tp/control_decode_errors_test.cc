// Malformed control messages: every wire rule of RFC 2661 sections 3.1 and
// 4.1-4.4 that decode_control() enforces, and the failure it reports.
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controlplane/l2tp/avp_hiding.h"
#include "controlplane/l2tp/message.h"

namespace lns::l2tp {
namespace {

// ---- A hand-rolled builder, independent of the encoder under test ---------

Bytes avp(uint16_t type, Bytes value, bool mandatory = true, bool hidden = false, uint16_t vendor = 0,
          uint16_t extra_bits = 0) {
  const uint16_t first = static_cast<uint16_t>((mandatory ? 0x8000 : 0) | (hidden ? 0x4000 : 0) | extra_bits |
                                               (6 + value.size()));
  Bytes b(6 + value.size());
  b[0] = static_cast<uint8_t>(first >> 8);
  b[1] = static_cast<uint8_t>(first);
  b[2] = static_cast<uint8_t>(vendor >> 8);
  b[3] = static_cast<uint8_t>(vendor);
  b[4] = static_cast<uint8_t>(type >> 8);
  b[5] = static_cast<uint8_t>(type);
  std::copy(value.begin(), value.end(), b.begin() + 6);
  return b;
}
Bytes u16(uint16_t v) { return {static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v)}; }
Bytes u32(uint32_t v) { return {static_cast<uint8_t>(v >> 24), static_cast<uint8_t>(v >> 16),
                                static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v)}; }
Bytes text(std::string_view s) { return Bytes(s.begin(), s.end()); }
Bytes message_type(uint16_t t, bool mandatory = true) { return avp(0, u16(t), mandatory); }

// Header: flags, Length (computed), tunnel 0x0A0B, session 0x0C0D, Ns 5, Nr 6.
Bytes message(const std::vector<Bytes>& avps, uint16_t flags = 0xC802) {
  Bytes b = {static_cast<uint8_t>(flags >> 8), static_cast<uint8_t>(flags), 0, 0, 0x0A, 0x0B, 0x0C, 0x0D,
             0x00, 0x05, 0x00, 0x06};
  for (const Bytes& a : avps) b.insert(b.end(), a.begin(), a.end());
  b[2] = static_cast<uint8_t>(b.size() >> 8);
  b[3] = static_cast<uint8_t>(b.size());
  return b;
}
Bytes hello(std::vector<Bytes> extra = {}) {
  extra.insert(extra.begin(), message_type(6));
  return message(extra);
}

const Bytes kRv = {0xA0, 0xA1, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7,
                   0xA8, 0xA9, 0xAA, 0xAB, 0xAC, 0xAD, 0xAE, 0xAF};
constexpr std::string_view kSecret = "tunnel secret";

DecodeFailure expect_failure(const Bytes& wire, DecodeError expected, const DecodeOptions& options = {}) {
  absl::StatusOr<ControlMessage> m = decode_control(wire, options);
  EXPECT_FALSE(m.ok()) << "decoded although " << decode_error_name(expected) << " was expected";
  if (m.ok()) return {};
  EXPECT_EQ(m.status().code(), absl::StatusCode::kInvalidArgument);
  std::optional<DecodeFailure> f = decode_failure(m.status());
  EXPECT_TRUE(f.has_value()) << m.status();
  if (!f) return {};
  EXPECT_EQ(f->error, expected) << "got " << decode_error_name(f->error) << ": " << m.status();
  return *f;
}

ControlMessage expect_ok(const Bytes& wire, const DecodeOptions& options = {}) {
  absl::StatusOr<ControlMessage> m = decode_control(wire, options);
  EXPECT_TRUE(m.ok()) << m.status();
  return m.ok() ? *m : ControlMessage{};
}

TEST(DecodeBuilder, BaselineHelloDecodes) {
  const ControlMessage m = expect_ok(hello());
  EXPECT_EQ(m.type, MessageType::kHello);
  EXPECT_EQ(m.header, (ControlHeader{0x0A0B, 0x0C0D, 5, 6}));
}

// ---- Header ---------------------------------------------------------------

TEST(DecodeHeader, TruncatedHeaderIsRejected) {
  const Bytes full = hello();
  expect_failure({}, DecodeError::kTruncatedHeader);
  expect_failure(Bytes(full.begin(), full.begin() + 1), DecodeError::kTruncatedHeader);
  for (size_t n = 2; n < kControlHeaderLength; ++n) {
    SCOPED_TRACE(n);
    const DecodeFailure f = expect_failure(Bytes(full.begin(), full.begin() + n), DecodeError::kTruncatedHeader);
    EXPECT_FALSE(f.header.has_value());
  }
}

TEST(DecodeHeader, LengthLongerThanDatagramIsRejected) {
  Bytes wire = hello();
  wire[3] += 1;
  const DecodeFailure f = expect_failure(wire, DecodeError::kLengthExceedsBuffer);
  ASSERT_TRUE(f.header.has_value());
  EXPECT_EQ(f.header->tunnel_id, 0x0A0B);
  // The same datagram cut short by the network.
  Bytes cut = hello();
  cut.pop_back();
  expect_failure(cut, DecodeError::kLengthExceedsBuffer);
}

TEST(DecodeHeader, LengthShorterThanDatagramIsStrictlyRejectedButPermissivelyIgnored) {
  Bytes wire = hello();
  wire.push_back(0x00);  // e.g. a sender padding the datagram
  expect_failure(wire, DecodeError::kTrailingOctets);
  EXPECT_EQ(expect_ok(wire, {.permissive = true}).type, MessageType::kHello);
}

TEST(DecodeHeader, LengthCuttingIntoAnAvpIsAnOverrun) {
  Bytes wire = hello({avp(9, u16(7))});
  wire[3] -= 1;  // Length now ends one octet inside the last AVP
  expect_failure(wire, DecodeError::kAvpOverrunsMessage, {.permissive = true});
}

TEST(DecodeHeader, LengthBelowHeaderSizeIsRejected) {
  for (uint8_t len : {0, 1, 11}) {
    Bytes wire = hello();
    wire[2] = 0;
    wire[3] = len;
    expect_failure(wire, DecodeError::kLengthTooShort);
  }
}

TEST(DecodeHeader, VersionThreeIsReportedSeparatelyForSilentDrop) {
  Bytes wire = hello();
  wire[1] = (wire[1] & 0xF0) | 3;
  const DecodeFailure f = expect_failure(wire, DecodeError::kL2tpv3);
  EXPECT_EQ(rfc_response(f).action, FailureAction::kDiscard);
  // Even a 2-octet L2TPv3 fragment is classified before anything else.
  expect_failure(Bytes{0xC8, 0x03}, DecodeError::kL2tpv3);
}

TEST(DecodeHeader, OtherVersionsAreUnsupported) {
  for (uint8_t v : {0, 1, 4, 15}) {
    Bytes wire = hello();
    wire[1] = (wire[1] & 0xF0) | v;
    expect_failure(wire, DecodeError::kUnsupportedVersion);
  }
}

TEST(DecodeHeader, ControlBitsMustBeSetAsTheRfcSays) {
  expect_failure(message({message_type(6)}, 0x4802), DecodeError::kNotControlMessage);   // T clear
  expect_failure(message({message_type(6)}, 0x8802), DecodeError::kLengthBitMissing);    // L clear
  expect_failure(message({message_type(6)}, 0xC002), DecodeError::kSequenceBitMissing);  // S clear
  // An Offset Size field would shift everything: not even permissive mode guesses.
  expect_failure(message({message_type(6)}, 0xCA02), DecodeError::kOffsetBitSet, {.permissive = true});
  expect_failure(message({message_type(6)}, 0xC902), DecodeError::kPriorityBitSet);
  EXPECT_EQ(expect_ok(message({message_type(6)}, 0xC902), {.permissive = true}).type, MessageType::kHello);
}

TEST(DecodeHeader, ReservedHeaderBitsAreIgnored) {
  // RFC 2661 3.1: x bits MUST be 0 on send and are ignored on receipt.
  EXPECT_EQ(expect_ok(message({message_type(6)}, 0xC802 | 0x3000 | 0x0400 | 0x00F0)).type, MessageType::kHello);
}

// ---- AVP framing ------------------------------------------------------------

TEST(DecodeAvpFraming, AvpLengthBelowSixIsRejected) {
  for (uint8_t len : {0, 1, 5}) {
    Bytes bad_avp = avp(9, u16(7));
    bad_avp[1] = len;
    Bytes wire = hello({bad_avp});
    expect_failure(wire, DecodeError::kAvpTooShort);
  }
}

TEST(DecodeAvpFraming, AvpRunningPastTheEndIsRejected) {
  Bytes last = avp(9, u16(7));
  last[1] += 1;
  expect_failure(hello({last}), DecodeError::kAvpOverrunsMessage);
  // Fewer than six octets left over cannot even hold an AVP header.
  for (size_t stray = 1; stray < 6; ++stray) expect_failure(hello({Bytes(stray, 0)}), DecodeError::kAvpOverrunsMessage);
}

TEST(DecodeAvpFraming, MessageTypeMustBeFirst) {
  expect_failure(message({avp(9, u16(7)), message_type(4)}), DecodeError::kMessageTypeNotFirst);
  expect_failure(message({avp(1, u16(1), true, false, kBroadbandForumVendorId), message_type(6)}),
                 DecodeError::kMessageTypeNotFirst);
  // A Message Type AVP with a reserved bit set is not a Message Type AVP.
  expect_failure(message({avp(0, u16(6), true, false, 0, 0x0400)}), DecodeError::kMessageTypeNotFirst);
  expect_failure(hello({message_type(6)}), DecodeError::kDuplicateAvp);
}

TEST(DecodeAvpFraming, MessageTypeValueLengthIsExact) {
  expect_failure(message({avp(0, {0x00, 0x06, 0x00})}), DecodeError::kBadAvpLength);
  expect_failure(message({avp(0, {0x06})}), DecodeError::kBadAvpLength);
}

// ---- Per-AVP value lengths --------------------------------------------------

TEST(DecodeAvpValues, EveryFixedLengthAvpRejectsOtherLengths) {
  for (uint16_t type = 1; type <= kMaxKnownIetfAvpType; ++type) {
    const AvpRule* rule = ietf_avp_rule(type);
    if (rule == nullptr || rule->min_value_length != rule->max_value_length) continue;
    SCOPED_TRACE(rule->name);
    const size_t exact = rule->min_value_length;
    // HELLO makes no AVP required, so only the length is at stake.
    EXPECT_TRUE(decode_control(hello({avp(type, Bytes(exact, 1))}), {}).ok());
    const DecodeFailure longer = expect_failure(hello({avp(type, Bytes(exact + 1, 1))}), DecodeError::kBadAvpLength);
    EXPECT_EQ(longer.avp_type, type);
    if (exact > 0) expect_failure(hello({avp(type, Bytes(exact - 1, 1))}), DecodeError::kBadAvpLength);
  }
}

TEST(DecodeAvpValues, VariableLengthAvpsEnforceTheirMinimum) {
  expect_failure(hello({avp(1, {0x00, 0x01, 0x00})}), DecodeError::kBadAvpLength);  // Result Code: 2 or >= 4
  expect_failure(hello({avp(1, {0x00})}), DecodeError::kBadAvpLength);
  expect_failure(hello({avp(7, {})}), DecodeError::kBadAvpLength);                  // Host Name >= 1
  expect_failure(hello({avp(11, {})}), DecodeError::kBadAvpLength);                 // Challenge >= 1
  expect_failure(hello({avp(12, {0x00, 0x10})}), DecodeError::kBadAvpLength);       // Q.931 >= 3
  expect_failure(hello({avp(36, {})}), DecodeError::kBadAvpLength);                 // Random Vector >= 1
  const ControlMessage m = expect_ok(hello({avp(1, {0x00, 0x02, 0x00, 0x08, 'x'}), avp(21, {})}));
  EXPECT_EQ(m.result_code, (ResultCode{2, 8, "x"}));
  EXPECT_EQ(m.called_number, "");
}

// ---- Unknown AVPs and reserved bits ----------------------------------------

TEST(DecodeUnknownAvps, UnknownMandatoryAvpInTunnelMessageClearsTheTunnel) {
  const DecodeFailure f = expect_failure(hello({avp(200, u16(1), /*mandatory=*/true)}),
                                         DecodeError::kUnknownMandatoryAvp);
  EXPECT_EQ(f.avp_type, 200);
  EXPECT_EQ(f.avp_vendor_id, 0);
  EXPECT_FALSE(f.session_scope);
  EXPECT_EQ(f.message_type, 6);
  const FailureResponse r = rfc_response(f);
  EXPECT_EQ(r.action, FailureAction::kClearTunnel);
  EXPECT_EQ(r.result, (ResultCode{2, 8, ""}));  // StopCCN: general error, unknown mandatory AVP
}

TEST(DecodeUnknownAvps, UnknownMandatoryAvpInSessionMessageClearsTheSession) {
  const Bytes wire = message({message_type(11), avp(14, u16(9)), avp(777, {1}, true, false, 9999)});
  const DecodeFailure f = expect_failure(wire, DecodeError::kUnknownMandatoryAvp);
  EXPECT_EQ(f.avp_vendor_id, 9999);
  EXPECT_EQ(f.avp_type, 777);
  EXPECT_TRUE(f.session_scope);
  ASSERT_TRUE(f.header.has_value());
  EXPECT_EQ(f.header->session_id, 0x0C0D);
  const FailureResponse r = rfc_response(f);
  EXPECT_EQ(r.action, FailureAction::kClearSession);
  EXPECT_EQ(r.result, (ResultCode{2, 8, ""}));  // CDN: general error, unknown mandatory AVP
}

TEST(DecodeUnknownAvps, UnknownOptionalAvpsAreKeptRaw) {
  const ControlMessage m =
      expect_ok(hello({avp(200, {1, 2}, false), avp(5, {3}, false, false, 9999), avp(6, u16(0x0102), false)}));
  ASSERT_EQ(m.other_avps.size(), 2u);
  EXPECT_EQ(m.other_avps[0], (RawAvp{0, 200, false, false, {1, 2}}));
  EXPECT_EQ(m.other_avps[1], (RawAvp{9999, 5, false, false, {3}}));
  EXPECT_EQ(m.firmware_revision, 0x0102);
}

TEST(DecodeUnknownAvps, BroadbandForumAvpsAreKnownEvenWhenMandatory) {
  const ControlMessage m = expect_ok(message({message_type(10), avp(14, u16(1)), avp(15, u32(1)),
                                              avp(1, text("circuit"), true, false, kBroadbandForumVendorId),
                                              avp(2, text("remote"), false, false, kBroadbandForumVendorId)}));
  EXPECT_EQ(m.agent_circuit_id(), "circuit");
  EXPECT_EQ(m.agent_remote_id(), "remote");
  // Other BBF attribute numbers are not known to us.
  expect_failure(message({message_type(10), avp(14, u16(1)), avp(15, u32(1)),
                          avp(0x90, {1}, true, false, kBroadbandForumVendorId)}),
                 DecodeError::kUnknownMandatoryAvp);
}

TEST(DecodeUnknownAvps, ReservedBitsMakeAKnownAvpUnrecognised) {
  // Mandatory: as if unknown, so the tunnel is cleared.
  const DecodeFailure f = expect_failure(hello({avp(9, u16(7), true, false, 0, 0x2000)}),
                                         DecodeError::kUnknownMandatoryAvp);
  EXPECT_EQ(f.avp_type, 9);
  // Optional: ignored, and its value not trusted.
  for (uint16_t bit : {0x0400, 0x0800, 0x1000, 0x2000}) {
    const ControlMessage m = expect_ok(hello({avp(6, u16(0x0102), false, false, 0, bit)}));
    EXPECT_FALSE(m.firmware_revision.has_value());
    EXPECT_TRUE(m.other_avps.empty());
  }
}

TEST(DecodeUnknownAvps, UnknownMessageTypeHonoursTheMessageTypeMBit) {
  const DecodeFailure mandatory = expect_failure(message({message_type(13, true)}), DecodeError::kUnknownMessageType);
  EXPECT_EQ(mandatory.message_type, 13);
  EXPECT_EQ(rfc_response(mandatory).action, FailureAction::kClearTunnel);
  const DecodeFailure optional =
      expect_failure(message({message_type(99, false)}), DecodeError::kIgnorableUnknownMessageType);
  EXPECT_EQ(rfc_response(optional).action, FailureAction::kDiscard);
  // Ns/Nr stay available so the reliable layer can still acknowledge it.
  ASSERT_TRUE(optional.header.has_value());
  EXPECT_EQ(optional.header->ns, 5);
}

// ---- Hidden AVPs --------------------------------------------------------------

Bytes hidden_avp(uint16_t type, const Bytes& value, std::string_view secret = kSecret, const Bytes& rv = kRv) {
  return avp(type, hide_avp_value(type, secret, rv, value), true, /*hidden=*/true);
}

TEST(DecodeHiddenAvps, HiddenAvpDecodesWithTheRightSecret) {
  const Bytes wire = message({message_type(11), avp(36, kRv), hidden_avp(14, u16(0x4321))});
  const ControlMessage m = expect_ok(wire, {.secret = kSecret});
  EXPECT_EQ(m.assigned_session_id, 0x4321);
}

TEST(DecodeHiddenAvps, HiddenAvpWithoutSecretIsRejected) {
  const Bytes wire = message({message_type(11), avp(36, kRv), hidden_avp(14, u16(1))});
  const DecodeFailure f = expect_failure(wire, DecodeError::kHiddenAvpWithoutSecret);
  EXPECT_EQ(f.avp_type, 14);
}

TEST(DecodeHiddenAvps, HiddenAvpBeforeAnyRandomVectorIsRejected) {
  expect_failure(message({message_type(11), hidden_avp(14, u16(1)), avp(36, kRv)}),
                 DecodeError::kHiddenAvpWithoutRandomVector, {.secret = kSecret});
}

TEST(DecodeHiddenAvps, EachHiddenAvpUsesTheLatestRandomVector) {
  Bytes rv2 = kRv;
  rv2[0] = 0x55;
  const Bytes wire = message({message_type(12), avp(36, kRv), hidden_avp(24, u32(1000)), avp(36, rv2),
                              hidden_avp(19, u32(kFramingSync), kSecret, rv2)});
  const ControlMessage m = expect_ok(wire, {.secret = kSecret});
  EXPECT_EQ(m.tx_connect_speed, 1000u);
  EXPECT_EQ(m.framing_type, kFramingSync);
  EXPECT_EQ(m.random_vector, rv2);
}

TEST(DecodeHiddenAvps, WrongSecretGivesAnErrorOrAValueThatFailsValidation) {
  // 22-octet Proxy Authen Name: the wrong key stream almost always yields an
  // impossible Original Length; when it does not, the garbage must differ.
  const Bytes name = text("subscriber@isp.example");
  int rejected = 0;
  for (int i = 0; i < 64; ++i) {
    const Bytes wire = message({message_type(6), avp(36, kRv), hidden_avp(30, name)});
    absl::StatusOr<ControlMessage> m = decode_control(wire, {.secret = "wrong " + std::to_string(i)});
    if (!m.ok()) {
      EXPECT_EQ(decode_failure(m.status())->error, DecodeError::kHiddenAvpBadLength);
      ++rejected;
    } else {
      EXPECT_NE(m->proxy_authen_name, std::string(name.begin(), name.end()));
    }
  }
  EXPECT_GT(rejected, 50);
  // A fixed-length AVP: the garbage Original Length is checked against the
  // 2 octets Assigned Session ID allows, or the exact value length rule.
  for (int i = 0; i < 64; ++i) {
    const Bytes wire = message({message_type(11), avp(36, kRv), hidden_avp(14, u16(0x4321))});
    absl::StatusOr<ControlMessage> m = decode_control(wire, {.secret = "wrong " + std::to_string(i)});
    if (m.ok()) {
      EXPECT_NE(m->assigned_session_id, 0x4321);
    } else {
      const DecodeError e = decode_failure(m.status())->error;
      EXPECT_TRUE(e == DecodeError::kHiddenAvpBadLength || e == DecodeError::kBadAvpLength) << decode_error_name(e);
    }
  }
}

TEST(DecodeHiddenAvps, BadOriginalLengthIsRejected) {
  // Original Length 40 with only 2 octets of value after it.
  const Bytes lying = hiding_encrypt(14, kSecret, kRv, {0x00, 0x28, 0x12, 0x34});
  expect_failure(message({message_type(11), avp(36, kRv), avp(14, lying, true, true)}),
                 DecodeError::kHiddenAvpBadLength, {.secret = kSecret});
  // Too short to hold the Original Length at all.
  expect_failure(message({message_type(11), avp(36, kRv), avp(14, {0x01}, true, true)}),
                 DecodeError::kHiddenAvpBadLength, {.secret = kSecret});
  // Original Length that fits but is wrong for the attribute (3 octets for a 2-octet ID).
  const Bytes three = hiding_encrypt(14, kSecret, kRv, {0x00, 0x03, 0x12, 0x34, 0x56});
  expect_failure(message({message_type(11), avp(36, kRv), avp(14, three, true, true)}), DecodeError::kBadAvpLength,
                 {.secret = kSecret});
}

TEST(DecodeHiddenAvps, AvpsThatMustNotBeHiddenAreRejectedUnlessPermissive) {
  const Bytes wire = message({message_type(6), avp(36, kRv), hidden_avp(7, text("host"))});
  expect_failure(wire, DecodeError::kAvpMustNotBeHidden, {.secret = kSecret});
  EXPECT_EQ(expect_ok(wire, {.secret = kSecret, .permissive = true}).host_name, "host");
  // A hidden Random Vector or Message Type can never be unhidden.
  expect_failure(message({message_type(6), avp(36, kRv), avp(36, kRv, true, true)}), DecodeError::kAvpMustNotBeHidden,
                 {.secret = kSecret, .permissive = true});
  expect_failure(message({avp(0, u16(6), true, true)}), DecodeError::kAvpMustNotBeHidden, {.secret = kSecret});
}

// ---- Duplicates and required AVPs -------------------------------------------

TEST(DecodeStructure, DuplicateAvpIsRejectedUnlessPermissive) {
  const Bytes wire = hello({avp(6, u16(1), false), avp(6, u16(2), false)});
  const DecodeFailure f = expect_failure(wire, DecodeError::kDuplicateAvp);
  EXPECT_EQ(f.avp_type, 6);
  EXPECT_EQ(expect_ok(wire, {.permissive = true}).firmware_revision, 2);
}

TEST(DecodeStructure, EachRequiredAvpIsEnforced) {
  // SCCRQ with all four required AVPs decodes; dropping any one names it.
  const std::vector<Bytes> required = {avp(2, {1, 0}), avp(3, u32(1)), avp(7, text("h")), avp(9, u16(1))};
  const uint16_t required_types[] = {2, 3, 7, 9};
  EXPECT_THAT(required_avps(MessageType::kSccrq),
              ::testing::UnorderedElementsAre(AvpType::kProtocolVersion, AvpType::kFramingCapabilities,
                                              AvpType::kHostName, AvpType::kAssignedTunnelId));
  std::vector<Bytes> all = {message_type(1)};
  all.insert(all.end(), required.begin(), required.end());
  expect_ok(message(all));
  for (size_t skip = 0; skip < required.size(); ++skip) {
    std::vector<Bytes> avps = {message_type(1)};
    for (size_t i = 0; i < required.size(); ++i)
      if (i != skip) avps.push_back(required[i]);
    const Bytes wire = message(avps);
    const DecodeFailure f = expect_failure(wire, DecodeError::kMissingRequiredAvp);
    EXPECT_EQ(f.avp_type, required_types[skip]);
    EXPECT_EQ(rfc_response(f).action, FailureAction::kClearTunnel);
    expect_ok(wire, {.permissive = true});
  }
}

TEST(DecodeStructure, RequiredAvpsOfSessionMessagesAnswerWithCdn) {
  const DecodeFailure f = expect_failure(message({message_type(14), avp(14, u16(3))}),
                                         DecodeError::kMissingRequiredAvp);
  EXPECT_EQ(f.avp_type, 1);  // Result Code
  EXPECT_TRUE(f.session_scope);
  EXPECT_EQ(rfc_response(f).action, FailureAction::kClearSession);
}

// ---- The failure payload ------------------------------------------------------

TEST(DecodeFailurePayload, OnlyDecodeStatusesCarryOne) {
  EXPECT_FALSE(decode_failure(absl::OkStatus()).has_value());
  EXPECT_FALSE(decode_failure(absl::InvalidArgumentError("elsewhere")).has_value());
}

TEST(DecodeFailurePayload, RoundTripsEveryField) {
  Bytes wire = message({message_type(12), avp(300, {}, true, false, 4242)});
  wire[4] = 0xFE;  // tunnel 0xFE0B
  const DecodeFailure f = expect_failure(wire, DecodeError::kUnknownMandatoryAvp);
  EXPECT_EQ(f, (DecodeFailure{.error = DecodeError::kUnknownMandatoryAvp,
                              .header = ControlHeader{0xFE0B, 0x0C0D, 5, 6},
                              .message_type = 12,
                              .avp_vendor_id = 4242,
                              .avp_type = 300,
                              .session_scope = true}));
}

}  // namespace
}  // namespace lns::l2tp
