// The lnsctl binary against a CLI server running in this test process: what
// an operator or a script sees on stdout and stderr, and the exit status.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

#include "controlplane/cli/cli_server.h"
#include "tests/unit/controlplane/cli/cli_test_support.h"

extern char** environ;

namespace lns::cli {
namespace {

using testing::register_fake_commands;
using testing::ServerThread;
using testing::TempDir;

struct ProcessResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs a program with the given stdin, collecting stdout and stderr. The
// environment is ours minus LNSCTL_SOCKET, plus `extra_env`.
ProcessResult run(const std::vector<std::string>& argv, std::string_view input,
                  const std::vector<std::string>& extra_env = {}) {
  int in[2], out[2], err[2];
  if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) std::abort();
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err[1], 2);

  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e)
    if (!std::string_view(*e).starts_with("LNSCTL_SOCKET=")) env.emplace_back(*e);
  env.insert(env.end(), extra_env.begin(), extra_env.end());
  std::vector<char*> envp, args;
  for (std::string& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_copy = argv;
  for (std::string& a : argv_copy) args.push_back(a.data());
  args.push_back(nullptr);

  pid_t pid;
  const int spawned = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  close(in[0]);
  close(out[1]);
  close(err[1]);
  ProcessResult result;
  if (spawned != 0) {
    ADD_FAILURE() << "cannot run " << argv[0] << ": " << std::strerror(spawned);
    close(in[1]);
    close(out[0]);
    close(err[0]);
    return result;
  }
  fcntl(in[1], F_SETFL, O_NONBLOCK);
  signal(SIGPIPE, SIG_IGN);

  size_t written = 0;
  if (input.empty()) {
    close(in[1]);
    in[1] = -1;
  }
  bool out_open = true, err_open = true;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while ((out_open || err_open) && std::chrono::steady_clock::now() < deadline) {
    pollfd fds[3] = {{out_open ? out[0] : -1, POLLIN, 0},
                     {err_open ? err[0] : -1, POLLIN, 0},
                     {in[1], POLLOUT, 0}};
    poll(fds, 3, 100);
    char buffer[4096];
    for (int i = 0; i < 2; ++i) {
      if (!(fds[i].revents & (POLLIN | POLLHUP))) continue;
      const ssize_t n = read(fds[i].fd, buffer, sizeof(buffer));
      if (n > 0) {
        (i == 0 ? result.out : result.err).append(buffer, static_cast<size_t>(n));
      } else {
        (i == 0 ? out_open : err_open) = false;
      }
    }
    if (in[1] >= 0 && (fds[2].revents & (POLLOUT | POLLERR | POLLHUP))) {
      const ssize_t n = write(in[1], input.data() + written, input.size() - written);
      if (n > 0) written += static_cast<size_t>(n);
      if (n < 0 || written == input.size()) {
        close(in[1]);
        in[1] = -1;
      }
    }
  }
  if (in[1] >= 0) close(in[1]);
  close(out[0]);
  close(err[0]);
  if (out_open || err_open) {
    kill(pid, SIGKILL);
    ADD_FAILURE() << argv[0] << " did not finish in time";
  }
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

class LnsctlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* binary = std::getenv("LNSCTL_BINARY");
    ASSERT_NE(binary, nullptr) << "LNSCTL_BINARY must name the lnsctl executable";
    binary_ = binary;
    register_fake_commands(registry_);
    CliServerOptions options;
    options.socket_path = socket_path();
    server_ = std::make_unique<CliServer>(registry_, clock_, options);
    ASSERT_TRUE(server_->start().ok());
    polling_ = std::make_unique<ServerThread>(*server_);
  }
  void TearDown() override {
    polling_.reset();
    server_.reset();
  }

  std::string socket_path() const { return dir_.file("lnsd.sock"); }

  ProcessResult lnsctl(std::vector<std::string> args, std::string_view input = "") {
    args.insert(args.begin(), {binary_, "--socket", socket_path()});
    return run(args, input);
  }

  TempDir dir_;
  FakeClock clock_;
  CommandRegistry registry_;
  std::unique_ptr<CliServer> server_;
  std::unique_ptr<ServerThread> polling_;
  std::string binary_;
};

TEST_F(LnsctlTest, OneShotPrintsTheOutputAndSucceeds) {
  ProcessResult r = lnsctl({"show", "greeting"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "hello\n");
  EXPECT_EQ(r.err, "");

  r = lnsctl({"show", "table"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "id  user\n 1  alice\n22  bob\n");
}

TEST_F(LnsctlTest, JsonFlagAsksForJson) {
  ProcessResult r = run({binary_, "--json", "--socket", socket_path(), "show", "table"}, "");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "[{\"id\":1,\"user\":\"alice\"},{\"id\":22,\"user\":\"bob\"}]\n");
}

TEST_F(LnsctlTest, ArgumentsWithBlanksArriveAsOneWord) {
  ProcessResult r = lnsctl({"say", "two  words \"quoted\""});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "two  words \"quoted\"\n");
}

TEST_F(LnsctlTest, SocketPathCanComeFromTheEnvironment) {
  ProcessResult r = run({binary_, "show", "greeting"}, "", {"LNSCTL_SOCKET=" + socket_path()});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "hello\n");
}

TEST_F(LnsctlTest, FailedCommandsExitOneWithTheExplanationOnStderr) {
  ProcessResult r = lnsctl({"show", "greetings"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "unknown command 'show greetings'\ndid you mean: show greeting\n");

  r = lnsctl({"echo", "abc"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "bad argument 'abc' for <n:uint>: expected an unsigned integer\nusage: echo <n:uint>\n");

  r = lnsctl({"echo"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "missing argument: expected <n:uint>\nusage: echo <n:uint>\n");

  r = run({binary_, "--json", "--socket", socket_path(), "fail"}, "");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "{\"error\":\"it \\\"failed\\\"\"}\n");
}

TEST_F(LnsctlTest, WithoutACommandItRunsEachStdinLine) {
  ProcessResult r = lnsctl({}, "show greeting\n# a comment\n\n  echo 5  \necho 6\n");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "hello\n5\n6\n");
  EXPECT_EQ(r.err, "");

  // A failure is reported, the rest still runs, and the status says so.
  r = lnsctl({}, "echo 1\nbogus\necho 2");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "1\n2\n");
  EXPECT_EQ(r.err, "unknown command 'bogus' (type 'help' for the list of commands)\n");
}

TEST_F(LnsctlTest, HelpComesFromTheServer) {
  ProcessResult r = lnsctl({"show", "?"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out,
            "command        description\n"
            "show big       test command\n"
            "show greeting  test command\n"
            "show table     test command\n");
}

TEST_F(LnsctlTest, AnUnreachableServerExitsTwoNamingTheSocket) {
  const std::string nowhere = dir_.file("nothing.sock");
  ProcessResult r = run({binary_, "--socket", nowhere, "show", "greeting"}, "");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "lnsctl: cannot connect to " + nowhere + ": No such file or directory\n");

  r = run({binary_, "--socket", nowhere}, "show greeting\n");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "lnsctl: cannot connect to " + nowhere + ": No such file or directory\n");
}

TEST_F(LnsctlTest, UsageErrorsExitTwoAndHelpExitsZero) {
  ProcessResult r = run({binary_, "--frobnicate"}, "");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(r.err.starts_with("lnsctl: unknown option '--frobnicate'\nusage: lnsctl")) << r.err;

  r = run({binary_, "--socket"}, "");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "lnsctl: --socket needs a value\n");

  r = run({binary_, "--timeout", "soon", "show", "greeting"}, "");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "lnsctl: bad --timeout 'soon' (seconds, > 0)\n");

  r = run({binary_, "--help"}, "");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_TRUE(r.out.starts_with("usage: lnsctl [--socket PATH]")) << r.out;
}

}  // namespace
}  // namespace lns::cli
