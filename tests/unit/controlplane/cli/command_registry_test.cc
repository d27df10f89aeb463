// The command parser as an operator meets it: which command runs, what its
// handler receives, and what each kind of mistake is answered with.
#include "controlplane/cli/command_registry.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace lns::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

class CommandRegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    declare("show session <id:uint>", "Show one session");
    declare("show sessions [tunnel <id:uint> | user <name:string> | ip <addr:ipv4>]", "List sessions");
    declare("show tunnels [detail]", "List tunnels");
    declare("show tunnel <id:uint(1-65535)>", "Show one tunnel");
    declare("show tunnel <id:uint(1-65535)> sessions", "List the sessions of a tunnel");
    declare("terminate session <id:uint>", "Terminate a session");
    declare("set log level <level:enum(error,warning,info,debug)>", "Set the log level");
    declare("capture start port <port:enum(access,core)> [session <id:uint>] [count <n:uint>] file <path:string>",
            "Start a packet capture");
  }

  void declare(std::string_view syntax, std::string_view help) {
    const std::string name(syntax);
    ASSERT_TRUE(registry_
                    .add(syntax, help,
                         [this, name](const ParsedArgs& args) -> absl::StatusOr<CommandOutput> {
                           ran_ = name;
                           args_ = args;
                           return CommandOutput::text("ran " + name);
                         })
                    .ok())
        << syntax;
  }

  // Runs a line that must succeed; returns which declaration ran.
  std::string run(std::string_view line) {
    ran_.clear();
    absl::StatusOr<CommandOutput> out = registry_.execute(line);
    EXPECT_TRUE(out.ok()) << line << ": " << out.status();
    return ran_;
  }

  // Runs a line that must fail; returns the message.
  std::string error(std::string_view line) {
    ran_.clear();
    absl::StatusOr<CommandOutput> out = registry_.execute(line);
    EXPECT_FALSE(out.ok()) << line;
    EXPECT_TRUE(ran_.empty()) << line << " ran " << ran_;
    if (out.ok()) return "";
    EXPECT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument);
    return std::string(out.status().message());
  }

  // The "command" column of a help listing.
  std::vector<std::string> help_rows(std::string_view line) {
    absl::StatusOr<CommandOutput> out = registry_.execute(line);
    EXPECT_TRUE(out.ok()) << line << ": " << out.status();
    std::vector<std::string> rows;
    if (!out.ok() || out->table() == nullptr) return rows;
    EXPECT_THAT(out->table()->columns(), ElementsAre("command", "description"));
    for (const auto& row : out->table()->rows()) rows.push_back(row[0].text());
    return rows;
  }

  CommandRegistry registry_;
  std::string ran_;
  ParsedArgs args_;
};

constexpr const char* kShowSessionsUsage =
    "show sessions [tunnel <id:uint> | user <name:string> | ip <addr:ipv4>]";
constexpr const char* kCaptureUsage =
    "capture start port <port:enum(access,core)> [session <id:uint>] [count <n:uint>] file <path:string>";

TEST_F(CommandRegistryTest, RunsTheCommandWhoseWordsMatchAndBindsItsArguments) {
  EXPECT_EQ(run("show session 42"), "show session <id:uint>");
  EXPECT_EQ(args_.uint("id"), 42u);
  EXPECT_EQ(run("terminate   session\t7"), "terminate session <id:uint>");
  EXPECT_EQ(args_.uint("id"), 7u);
}

TEST_F(CommandRegistryTest, HandlerOutputAndErrorsAreReturnedUnchanged) {
  ASSERT_TRUE(registry_
                  .add("clear session <id:uint>", "Clear",
                       [](const ParsedArgs& a) -> absl::StatusOr<CommandOutput> {
                         return absl::NotFoundError("no session " + std::to_string(a.uint("id")));
                       })
                  .ok());
  absl::StatusOr<CommandOutput> out = registry_.execute("clear session 9");
  EXPECT_EQ(out.status(), absl::NotFoundError("no session 9"));
  out = registry_.execute("show session 1");
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->render(OutputFormat::kText), "ran show session <id:uint>\n");
}

TEST_F(CommandRegistryTest, AnEmptyLineDoesNothing) {
  absl::StatusOr<CommandOutput> out = registry_.execute("   ");
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->render(OutputFormat::kText), "");
}

TEST_F(CommandRegistryTest, OptionalGroupTakesAtMostOneAlternative) {
  EXPECT_EQ(run("show sessions"), kShowSessionsUsage);
  EXPECT_FALSE(args_.has("id"));
  EXPECT_FALSE(args_.has("name"));

  run("show sessions tunnel 3");
  EXPECT_EQ(args_.optional_uint("id"), 3u);
  EXPECT_FALSE(args_.has("name"));

  run("show sessions user alice");
  EXPECT_EQ(args_.string("name"), "alice");
  EXPECT_FALSE(args_.has("id"));

  EXPECT_EQ(error("show sessions tunnel 3 user alice"),
            std::string("bad argument 'user': expected end of line\nusage: ") + kShowSessionsUsage);
}

TEST_F(CommandRegistryTest, OptionalKeywordIsVisibleAsAFlag) {
  run("show tunnels");
  EXPECT_FALSE(args_.has("detail"));
  run("show tunnels detail");
  EXPECT_TRUE(args_.has("detail"));
}

TEST_F(CommandRegistryTest, ConsecutiveOptionalGroupsMayComeInAnyOrder) {
  EXPECT_EQ(run("capture start port core count 10 session 7 file /tmp/x.pcap"), kCaptureUsage);
  EXPECT_EQ(args_.string("port"), "core");
  EXPECT_EQ(args_.uint("n"), 10u);
  EXPECT_EQ(args_.uint("id"), 7u);
  EXPECT_EQ(args_.string("path"), "/tmp/x.pcap");

  run("capture start port access session 7 count 10 file y");
  EXPECT_EQ(args_.uint("n"), 10u);
  EXPECT_EQ(args_.uint("id"), 7u);

  run("capture start port access file z");
  EXPECT_FALSE(args_.has("n"));
  EXPECT_FALSE(args_.has("id"));

  // ... but each at most once.
  EXPECT_EQ(error("capture start port access count 1 count 2 file z"),
            std::string("bad argument 'count': expected session or file\nusage: ") + kCaptureUsage);
}

TEST_F(CommandRegistryTest, EnumArgumentsTakeOnlyTheirWords) {
  run("set log level debug");
  EXPECT_EQ(args_.string("level"), "debug");
  EXPECT_EQ(error("set log level verbose"),
            "bad argument 'verbose' for <level:enum(error,warning,info,debug)>: "
            "expected one of error, warning, info, debug\n"
            "usage: set log level <level:enum(error,warning,info,debug)>");
}

TEST_F(CommandRegistryTest, Ipv4ArgumentsAreStrictDottedQuadsInHostOrder) {
  run("show sessions ip 192.0.2.1");
  EXPECT_EQ(args_.ipv4("addr"), 0xc0000201u);
  run("show sessions ip 0.0.0.0");
  EXPECT_EQ(args_.ipv4("addr"), 0u);
  run("show sessions ip 255.255.255.255");
  EXPECT_EQ(args_.ipv4("addr"), 0xffffffffu);
  for (const char* bad : {"10.0.0.256", "10.0.0", "10.0.0.1.2", "10.0.0.01", "10..0.1", "a.b.c.d", "10.0.0.1 "}) {
    SCOPED_TRACE(bad);
    EXPECT_EQ(error(std::string("show sessions ip \"") + bad + "\""),
              std::string("bad argument '") + bad +
                  "' for <addr:ipv4>: expected an IPv4 address like 192.0.2.1\nusage: " + kShowSessionsUsage);
  }
}

TEST_F(CommandRegistryTest, UnsignedArgumentsAreDecimalAndBounded) {
  run("show session 18446744073709551615");
  EXPECT_EQ(args_.uint("id"), 18446744073709551615u);
  EXPECT_EQ(error("show session 18446744073709551616"),
            "bad argument '18446744073709551616' for <id:uint>: expected an unsigned integer below 2^64\n"
            "usage: show session <id:uint>");
  EXPECT_EQ(error("show session -1"),
            "bad argument '-1' for <id:uint>: expected an unsigned integer\nusage: show session <id:uint>");
  EXPECT_EQ(error("show session 0x10"),
            "bad argument '0x10' for <id:uint>: expected an unsigned integer\nusage: show session <id:uint>");
  run("show tunnel 65535");
  EXPECT_EQ(args_.uint("id"), 65535u);
  EXPECT_EQ(error("show tunnel 0"),
            "bad argument '0' for <id:uint(1-65535)>: expected an unsigned integer from 1 to 65535\n"
            "usage: show tunnel <id:uint(1-65535)>\n"
            "       show tunnel <id:uint(1-65535)> sessions");
}

TEST_F(CommandRegistryTest, TheLongerCommandWinsWhenBothCouldMatch) {
  EXPECT_EQ(run("show tunnel 5"), "show tunnel <id:uint(1-65535)>");
  EXPECT_EQ(run("show tunnel 5 sessions"), "show tunnel <id:uint(1-65535)> sessions");

  // A catch-all "show <topic>" must not swallow the more specific commands.
  ASSERT_TRUE(registry_
                  .add("show <topic:string>", "Show anything",
                       [this](const ParsedArgs& a) -> absl::StatusOr<CommandOutput> {
                         ran_ = "show <topic:string>";
                         args_ = a;
                         return CommandOutput();
                       })
                  .ok());
  EXPECT_EQ(run("show tunnels"), "show tunnels [detail]");
  EXPECT_EQ(run("show version"), "show <topic:string>");
  EXPECT_EQ(args_.string("topic"), "version");
}

TEST_F(CommandRegistryTest, UnknownFirstWordSuggestsCloseCommands) {
  EXPECT_EQ(error("shwo sessions"), "unknown command 'shwo'\ndid you mean: show");
  EXPECT_EQ(error("frobnicate"), "unknown command 'frobnicate' (type 'help' for the list of commands)");
}

TEST_F(CommandRegistryTest, UnknownLaterWordSuggestsCloseContinuations) {
  EXPECT_EQ(error("show sesions"), "unknown command 'show sesions'\ndid you mean: show sessions, show session");
  EXPECT_EQ(error("show sessionz tunnel 4"), "unknown command 'show sessionz'\ndid you mean: show session, show sessions");
  EXPECT_EQ(error("set level"), "unknown command 'set level'\n'set' can be followed by: log");
}

TEST_F(CommandRegistryTest, IncompleteCommandListsWhatItCouldBe) {
  EXPECT_EQ(error("show"),
            "incomplete command 'show'; it can be:\n"
            "  show session <id:uint>\n"
            "  show sessions [tunnel <id:uint> | user <name:string> | ip <addr:ipv4>]\n"
            "  show tunnel <id:uint(1-65535)>\n"
            "  show tunnel <id:uint(1-65535)> sessions\n"
            "  show tunnels [detail]");
  EXPECT_EQ(error("set log"), "incomplete command 'set log'; it can be:\n"
                              "  set log level <level:enum(error,warning,info,debug)>");
}

TEST_F(CommandRegistryTest, MissingArgumentNamesWhatIsNeededWithTheUsage) {
  EXPECT_EQ(error("show session"), "missing argument: expected <id:uint>\nusage: show session <id:uint>");
  EXPECT_EQ(error("show sessions tunnel"),
            std::string("missing argument: expected <id:uint>\nusage: ") + kShowSessionsUsage);
  EXPECT_EQ(error("capture start port access session 5"),
            std::string("missing argument: expected file <path:string>\nusage: ") + kCaptureUsage);
  EXPECT_EQ(error("capture start port"),
            std::string("missing argument: expected <port:enum(access,core)>\nusage: ") + kCaptureUsage);
}

TEST_F(CommandRegistryTest, BadArgumentNamesTheWordAndWhatWasExpected) {
  EXPECT_EQ(error("show session abc"),
            "bad argument 'abc' for <id:uint>: expected an unsigned integer\nusage: show session <id:uint>");
  EXPECT_EQ(error("show session 5 extra"),
            "bad argument 'extra': expected end of line\nusage: show session <id:uint>");
  EXPECT_EQ(error("show sessions bogus"),
            std::string("bad argument 'bogus': expected tunnel, user, ip or end of line\nusage: ") +
                kShowSessionsUsage);
  EXPECT_EQ(error("show sessions tunnel x"),
            std::string("bad argument 'x' for <id:uint>: expected an unsigned integer\nusage: ") +
                kShowSessionsUsage);
}

TEST_F(CommandRegistryTest, QuotedWordsKeepBlanksAndQuestionMarks) {
  run("show sessions user \"alice smith\"");
  EXPECT_EQ(args_.string("name"), "alice smith");
  run("show sessions user \"who?\"");
  EXPECT_EQ(args_.string("name"), "who?");
  run("show sessions user \"say \\\"hi\\\"\"");
  EXPECT_EQ(args_.string("name"), "say \"hi\"");
  absl::StatusOr<CommandOutput> out = registry_.execute("show sessions user \"alice");
  EXPECT_EQ(out.status(), absl::InvalidArgumentError("unterminated quote starting at column 20"));
}

TEST_F(CommandRegistryTest, HelpListsEveryCommandAndTheBuiltIns) {
  EXPECT_THAT(help_rows("help"),
              ElementsAre(kCaptureUsage, "complete <partial line>", "help [<words>]",
                          "set log level <level:enum(error,warning,info,debug)>", "show session <id:uint>",
                          kShowSessionsUsage, "show tunnel <id:uint(1-65535)>",
                          "show tunnel <id:uint(1-65535)> sessions", "show tunnels [detail]",
                          "terminate session <id:uint>"));
  EXPECT_EQ(help_rows("?"), help_rows("help"));
  absl::StatusOr<CommandOutput> out = registry_.execute("help");
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->table()->rows()[0][1].text(), "Start a packet capture");
}

TEST_F(CommandRegistryTest, HelpFiltersByTheWordsTyped) {
  EXPECT_THAT(help_rows("show ?"),
              ElementsAre("show session <id:uint>", kShowSessionsUsage, "show tunnel <id:uint(1-65535)>",
                          "show tunnel <id:uint(1-65535)> sessions", "show tunnels [detail]"));
  EXPECT_EQ(help_rows("help show"), help_rows("show ?"));
  EXPECT_THAT(help_rows("show sessions ?"), ElementsAre(kShowSessionsUsage));
  EXPECT_THAT(help_rows("show tunnel 5 ?"),
              ElementsAre("show tunnel <id:uint(1-65535)>", "show tunnel <id:uint(1-65535)> sessions"));
  EXPECT_THAT(help_rows("set log ?"), ElementsAre("set log level <level:enum(error,warning,info,debug)>"));
  // "word?" (no blank) lists commands whose next word starts with "word".
  EXPECT_THAT(help_rows("te?"), ElementsAre("terminate session <id:uint>"));
  EXPECT_THAT(help_rows("show tunnel?"),
              ElementsAre("show tunnel <id:uint(1-65535)>", "show tunnel <id:uint(1-65535)> sessions",
                          "show tunnels [detail]"));
  EXPECT_THAT(help_rows("he?"), ElementsAre("help [<words>]"));
  EXPECT_EQ(error("foo ?"), "no command matches 'foo' (type 'help' for the list of commands)");
}

TEST_F(CommandRegistryTest, CompletionOffersTheNextWords) {
  EXPECT_THAT(registry_.complete(""), ElementsAre("capture", "help", "set", "show", "terminate"));
  EXPECT_THAT(registry_.complete("sh"), ElementsAre("show"));
  EXPECT_THAT(registry_.complete("show"), ElementsAre("show"));
  EXPECT_THAT(registry_.complete("show "), ElementsAre("session", "sessions", "tunnel", "tunnels"));
  EXPECT_THAT(registry_.complete("show sess"), ElementsAre("session", "sessions"));
  EXPECT_THAT(registry_.complete("show sessions "), ElementsAre("ip", "tunnel", "user"));
  EXPECT_THAT(registry_.complete("show tunnels "), ElementsAre("detail"));
  EXPECT_THAT(registry_.complete("help sh"), ElementsAre("show"));
  EXPECT_THAT(registry_.complete("bogus "), IsEmpty());
  EXPECT_THAT(registry_.complete("show \"ses"), IsEmpty());
}

TEST_F(CommandRegistryTest, CompletionOffersEnumValuesAndHintsForOtherArguments) {
  EXPECT_THAT(registry_.complete("set log level "), ElementsAre("debug", "error", "info", "warning"));
  EXPECT_THAT(registry_.complete("set log level in"), ElementsAre("info"));
  EXPECT_THAT(registry_.complete("show session "), ElementsAre("<id:uint>"));
  EXPECT_THAT(registry_.complete("show session 1"), IsEmpty());
  EXPECT_THAT(registry_.complete("capture start port access "), ElementsAre("count", "file", "session"));
  EXPECT_THAT(registry_.complete("capture start port access session 3 "), ElementsAre("count", "file"));
}

TEST_F(CommandRegistryTest, CompleteIsAlsoACommandAnsweringOneCandidatePerLine) {
  absl::StatusOr<CommandOutput> out = registry_.execute("complete show sess");
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->render(OutputFormat::kText), "session\nsessions\n");
  // The blank after the partial line is significant.
  out = registry_.execute("complete show ");
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->render(OutputFormat::kText), "session\nsessions\ntunnel\ntunnels\n");
  out = registry_.execute("complete");
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->render(OutputFormat::kText), "capture\nhelp\nset\nshow\nterminate\n");
}

TEST_F(CommandRegistryTest, ArbitraryLinesGetAnAnswerNeverACrash) {
  const std::vector<std::string> pool = {"show", "session", "sessions", "tunnel", "user", "ip", "5", "-1",
                                         "10.0.0.1", "capture", "start", "port", "access", "file", "count",
                                         "?", "help", "complete", "\"", "\"a b\"", "", "\\", "set", "log",
                                         "level", "debug", "[", "<id:uint>", "x?"};
  std::mt19937 random(1234);
  for (int i = 0; i < 3000; ++i) {
    std::string line;
    const int words = static_cast<int>(random() % 8);
    for (int w = 0; w < words; ++w) {
      if (random() % 10 == 0) {
        line.push_back(static_cast<char>(random() % 256));
      } else {
        line += pool[random() % pool.size()];
      }
      if (random() % 4 != 0) line.push_back(' ');
    }
    absl::StatusOr<CommandOutput> out = registry_.execute(line);
    if (!out.ok()) {
      EXPECT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument) << line;
      EXPECT_FALSE(out.status().message().empty()) << line;
    } else {
      out->render(OutputFormat::kText);
      out->render(OutputFormat::kJson);
    }
    registry_.complete(line);
  }
}

TEST(CommandRegistryDeclarationTest, RejectsCommandsThatCannotBeToldApartOrClashWithBuiltIns) {
  CommandRegistry registry;
  const auto nothing = [](const ParsedArgs&) -> absl::StatusOr<CommandOutput> { return CommandOutput(); };
  ASSERT_TRUE(registry.add("show session <id:uint>", "x", nothing).ok());
  EXPECT_EQ(registry.add("show session <other:uint>", "y", nothing),
            absl::AlreadyExistsError(
                "command 'show session <other:uint>' cannot be told apart from 'show session <id:uint>'"));
  EXPECT_TRUE(registry.add("show session <name:string> detail", "z", nothing).ok());
  EXPECT_EQ(registry.add("help me", "h", nothing), absl::InvalidArgumentError("'help' is a built-in command"));
  EXPECT_EQ(registry.add("complete", "c", nothing),
            absl::InvalidArgumentError("'complete' is a built-in command"));
  EXPECT_EQ(registry.add("show x", "no handler", nullptr),
            absl::InvalidArgumentError("command 'show x' has no handler"));
  EXPECT_EQ(registry.add("show [", "bad", nothing),
            absl::InvalidArgumentError("bad command syntax 'show [': empty alternative in '[...]'"));
  EXPECT_THAT(registry.usages(), ElementsAre("show session <id:uint>", "show session <name:string> detail"));
}

}  // namespace
}  // namespace lns::cli
