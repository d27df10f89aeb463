// The declaration language: what a command author may write, the canonical
// usage line it produces, and the typed arguments' own parsing.
#include "controlplane/cli/command_syntax.h"

#include <gtest/gtest.h>

#include <string>

namespace lns::cli {
namespace {

std::string syntax_error(std::string_view text) {
  absl::StatusOr<CommandSyntax> s = parse_command_syntax(text);
  EXPECT_FALSE(s.ok()) << text;
  return s.ok() ? "" : std::string(s.status().message());
}

TEST(CommandSyntaxTest, CanonicalUsageNormalisesSpacingAndKeepsStructure) {
  absl::StatusOr<CommandSyntax> s =
      parse_command_syntax("  show   sessions [tunnel <id:uint>|user < name : string >| ip <addr:ipv4>]  ");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->usage, "show sessions [tunnel <id:uint> | user <name:string> | ip <addr:ipv4>]");
  EXPECT_EQ(s->shape, "show sessions [tunnel <uint> | user <string> | ip <ipv4>]");
  EXPECT_EQ(s->name_length, 2u);
  ASSERT_EQ(s->elements.size(), 3u);
  EXPECT_EQ(s->elements[2].kind, Element::Kind::kOptional);
  EXPECT_EQ(s->elements[2].choices.size(), 3u);
}

TEST(CommandSyntaxTest, ArgumentTypes) {
  absl::StatusOr<CommandSyntax> s = parse_command_syntax(
      "set x <a:uint> <b:uint(1-65535)> <c:string> <d:ipv4> <e:enum(error, warning)>");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->usage, "set x <a:uint> <b:uint(1-65535)> <c:string> <d:ipv4> <e:enum(error,warning)>");
  EXPECT_EQ(s->name_length, 2u);
  const ArgSpec& b = s->elements[3].argument;
  EXPECT_EQ(b.type, ArgType::kUint);
  EXPECT_EQ(b.min, 1u);
  EXPECT_EQ(b.max, 65535u);
  const ArgSpec& e = s->elements[6].argument;
  EXPECT_EQ(e.type, ArgType::kEnum);
  EXPECT_EQ(e.choices, (std::vector<std::string>{"error", "warning"}));
}

TEST(CommandSyntaxTest, NestedOptionalGroups) {
  absl::StatusOr<CommandSyntax> s = parse_command_syntax("show x [a <n:uint> [b]]");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->usage, "show x [a <n:uint> [b]]");
}

TEST(CommandSyntaxTest, MalformedDeclarationsSayWhatIsWrong) {
  EXPECT_EQ(syntax_error(""), "a command starts with a keyword");
  EXPECT_EQ(syntax_error("<id:uint> show"), "a command starts with a keyword");
  EXPECT_EQ(syntax_error("[a] show"), "a command starts with a keyword");
  EXPECT_EQ(syntax_error("show <id:uint"), "unclosed '<' at column 6");
  EXPECT_EQ(syntax_error("show <id>"), "argument <id> needs a type: <name:type>");
  EXPECT_EQ(syntax_error("show <1d:uint>"), "bad argument name in <1d:uint>");
  EXPECT_EQ(syntax_error("show <id:int>"),
            "unknown argument type 'int' in <id:int> (expected uint, string, ipv4 or enum(...))");
  EXPECT_EQ(syntax_error("show <id:uint(5-1)>"), "bad uint range in <id:uint(5-1)>");
  EXPECT_EQ(syntax_error("show <id:uint(5)>"), "uint range must be (min-max) in <id:uint(5)>");
  EXPECT_EQ(syntax_error("show <id:uint(1-5>"), "unclosed '(' in <id:uint(1-5>");
  EXPECT_EQ(syntax_error("show <s:string(3)>"), "string takes no parameters in <s:string(3)>");
  EXPECT_EQ(syntax_error("show <e:enum(a,,b)>"), "bad enum word '' in <e:enum(a,,b)>");
  EXPECT_EQ(syntax_error("show <e:enum(a,b,a)>"), "enum word 'a' repeated in <e:enum(a,b,a)>");
  EXPECT_EQ(syntax_error("show <id:uint> <id:string>"), "argument name 'id' used twice");
  EXPECT_EQ(syntax_error("show [a | ]"), "empty alternative in '[...]'");
  EXPECT_EQ(syntax_error("show [a"), "unclosed '['");
  EXPECT_EQ(syntax_error("show a]"), "unexpected ']'");
  EXPECT_EQ(syntax_error("show a | b"), "unexpected '|'");
  EXPECT_EQ(syntax_error("show --json"), "bad keyword '--json'");
  EXPECT_EQ(syntax_error("show a>b"), "stray '>'");
  EXPECT_EQ(syntax_error("show wh?t"), "bad keyword 'wh?t'");
}

TEST(ArgSpecTest, ParsesWordsByType) {
  ArgSpec uint_arg{.name = "n", .type = ArgType::kUint};
  EXPECT_EQ(uint_arg.parse("0").value(), ArgValue(uint64_t{0}));
  EXPECT_EQ(uint_arg.parse("007").value(), ArgValue(uint64_t{7}));
  EXPECT_FALSE(uint_arg.parse("").ok());
  EXPECT_FALSE(uint_arg.parse("+1").ok());
  EXPECT_FALSE(uint_arg.parse("1e3").ok());

  ArgSpec ip{.name = "a", .type = ArgType::kIpv4};
  EXPECT_EQ(ip.parse("10.1.2.3").value(), ArgValue(Ipv4Arg{0x0a010203}));

  ArgSpec text{.name = "s", .type = ArgType::kString};
  EXPECT_EQ(text.parse("any thing").value(), ArgValue(std::string("any thing")));
}

TEST(Ipv4AddressTest, FormatsWhatItParses) {
  for (const char* text : {"0.0.0.0", "192.0.2.1", "255.255.255.255", "10.20.30.40"}) {
    absl::StatusOr<uint32_t> a = parse_ipv4_address(text);
    ASSERT_TRUE(a.ok()) << text;
    EXPECT_EQ(format_ipv4_address(*a), text);
  }
  EXPECT_FALSE(parse_ipv4_address("1.2.3.4.").ok());
  EXPECT_FALSE(parse_ipv4_address("1.2.3.1000").ok());
  EXPECT_FALSE(parse_ipv4_address("").ok());
}

}  // namespace
}  // namespace lns::cli
