// Checks the automaton against the state transition table of RFC 1661
// section 4.1, one (state, event) cell per test. The table below is typed in
// from the RFC in its own notation ("actions/new-state", '-' for illegal) and
// parsed here; it is deliberately not shared with the implementation.
//
// Each test drives a fresh FSM into the state through real events, sets the
// Restart counter to a probe value, fires the event, then compares the new
// state, the actions observed (packets on the sink, layer callbacks on the
// handler) and the counter (which reveals irc and zrc).
#include <algorithm>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "common/clock.h"
#include "controlplane/ppp/fsm.h"
#include "gtest/gtest.h"
#include "tests/unit/controlplane/ppp/fsm_test_support.h"

namespace lns::ppp {
namespace {

using testing::packet_bytes;
using testing::RecordingSink;
using testing::ScriptedHandler;

constexpr const char* kRfc1661Table = R"(
      |    0         1         2         3         4         5         6         7         8           9
Events| Initial   Starting  Closed    Stopped   Closing   Stopping  Req-Sent  Ack-Rcvd  Ack-Sent    Opened
 Up   |    2     irc,scr/6     -         -         -         -         -         -         -           -
 Down |    -         -         0       tls/1       0         1         1         1         1         tld/1
 Open |  tls/1       1     irc,scr/6     3r        5r        5r        6         7         8           9r
 Close|    0       tlf/0       2         2         4         4     irc,str/4 irc,str/4 irc,str/4 tld,irc,str/4
  TO+ |    -         -         -         -       str/4     str/5     scr/6     scr/6     scr/8         -
  TO- |    -         -         -         -       tlf/2     tlf/3     tlf/3p    tlf/3p    tlf/3p        -
 RCR+ |    -         -       sta/2 irc,scr,sca/8   4         5       sca/8   sca,tlu/9   sca/8   tld,scr,sca/8
 RCR- |    -         -       sta/2 irc,scr,scn/6   4         5       scn/6     scn/7     scn/6   tld,scr,scn/6
 RCA  |    -         -       sta/2     sta/3       4         5       irc/7     scr/6x  irc,tlu/9   tld,scr/6x
 RCN  |    -         -       sta/2     sta/3       4         5     irc,scr/6   scr/6x  irc,scr/8   tld,scr/6x
 RTR  |    -         -       sta/2     sta/3     sta/4     sta/5     sta/6     sta/6     sta/6   tld,zrc,sta/5
 RTA  |    -         -         2         3       tlf/2     tlf/3       6         6         8       tld,scr/6
 RUC  |    -         -       scj/2     scj/3     scj/4     scj/5     scj/6     scj/7     scj/8       scj/9
 RXJ+ |    -         -         2         3         4         5         6         6         8           9
 RXJ- |    -         -       tlf/2     tlf/3     tlf/2     tlf/3     tlf/3     tlf/3     tlf/3   tld,irc,str/5
 RXR  |    -         -         2         3         4         5         6         7         8         ser/9
)";

struct Cell {
  bool legal = false;
  int next = 0;
  std::vector<std::string> actions;
};

// Event names in the order of the FsmEvent enum.
const std::vector<std::string> kEventNames = {"Up",  "Down", "Open", "Close", "TO+", "TO-",
                                              "RCR+", "RCR-", "RCA", "RCN",   "RTR", "RTA",
                                              "RUC", "RXJ+", "RXJ-", "RXR"};

std::map<std::string, std::vector<Cell>> parse_table() {
  std::map<std::string, std::vector<Cell>> rows;
  for (absl::string_view line : absl::StrSplit(kRfc1661Table, '\n')) {
    const size_t bar = line.find('|');
    if (bar == absl::string_view::npos) continue;
    std::string event(absl::StripAsciiWhitespace(line.substr(0, bar)));
    if (std::find(kEventNames.begin(), kEventNames.end(), event) == kEventNames.end()) continue;
    std::vector<Cell> cells;
    for (absl::string_view token :
         absl::StrSplit(line.substr(bar + 1), ' ', absl::SkipEmpty())) {
      Cell cell;
      if (token != "-") {
        cell.legal = true;
        absl::string_view state = token;
        const size_t slash = token.find('/');
        if (slash != absl::string_view::npos) {
          for (absl::string_view a : absl::StrSplit(token.substr(0, slash), ','))
            cell.actions.emplace_back(a);
          state = token.substr(slash + 1);
        }
        cell.next = state[0] - '0';  // footnote letters (p, r, x) follow the digit
      }
      cells.push_back(cell);
    }
    rows[event] = cells;
  }
  return rows;
}

constexpr int kMaxConfigure = 10;
constexpr int kMaxTerminate = 3;
constexpr int kProbeCounter = 5;

class StateTableTest : public ::testing::TestWithParam<std::tuple<int, int>> {
 protected:
  StateTableTest() : fsm_(kProtocolLcp, config(), clock_, sink_, handler_) {}

  static FsmConfig config() {
    FsmConfig c;
    c.max_configure = kMaxConfigure;
    c.max_terminate = kMaxTerminate;
    c.restart_interval = std::chrono::seconds(3);
    return c;
  }

  uint8_t last_request_id() const {
    auto crs = sink_.with_code(Code::kConfigureRequest);
    return crs.empty() ? 0 : crs.back().identifier;
  }

  void receive(Code code, uint8_t id, std::vector<uint8_t> data = {}) {
    (void)fsm_.receive(packet_bytes(code, id, std::move(data)));
  }
  void receive_good_request() { receive(Code::kConfigureRequest, 0x40, {0x05, 0x06, 1, 2, 3, 4}); }
  void receive_ack() { receive(Code::kConfigureAck, last_request_id(), handler_.request); }

  void drive_to(FsmState target) {
    switch (target) {
      case FsmState::kInitial:
        break;
      case FsmState::kStarting:
        fsm_.open();
        break;
      case FsmState::kClosed:
        fsm_.up();
        break;
      case FsmState::kStopped:
        drive_to(FsmState::kReqSent);
        receive(Code::kCodeReject, 0x41, {0x01, 0x01, 0x00, 0x04});  // RXJ-
        break;
      case FsmState::kClosing:
        drive_to(FsmState::kReqSent);
        fsm_.close();
        break;
      case FsmState::kStopping:
        drive_to(FsmState::kOpened);
        receive(Code::kTerminateRequest, 0x42);
        break;
      case FsmState::kReqSent:
        fsm_.up();
        fsm_.open();
        break;
      case FsmState::kAckRcvd:
        drive_to(FsmState::kReqSent);
        receive_ack();
        break;
      case FsmState::kAckSent:
        drive_to(FsmState::kReqSent);
        receive_good_request();
        break;
      case FsmState::kOpened:
        drive_to(FsmState::kAckSent);
        receive_ack();
        break;
    }
  }

  void fire_timer(int counter) {
    fsm_.set_restart_counter_for_testing(counter);
    clock_.advance(std::chrono::seconds(4));
    fsm_.poll();
  }

  void fire(FsmEvent event) {
    switch (event) {
      case FsmEvent::kUp: fsm_.up(); break;
      case FsmEvent::kDown: fsm_.down(); break;
      case FsmEvent::kOpen: fsm_.open(); break;
      case FsmEvent::kClose: fsm_.close(); break;
      case FsmEvent::kTimeoutPlus: fire_timer(kProbeCounter); break;
      case FsmEvent::kTimeoutMinus: fire_timer(0); break;
      case FsmEvent::kRcrGood: receive_good_request(); break;
      case FsmEvent::kRcrBad: receive(Code::kConfigureRequest, 0x43, {0xEE, 0x03, 0x07}); break;
      case FsmEvent::kRca: receive_ack(); break;
      case FsmEvent::kRcn: receive(Code::kConfigureNak, last_request_id(), {0x01, 0x04, 0x05, 0xd4}); break;
      case FsmEvent::kRtr: receive(Code::kTerminateRequest, 0x44); break;
      case FsmEvent::kRta: receive(Code::kTerminateAck, 0x45); break;
      case FsmEvent::kRuc: receive(static_cast<Code>(0x42), 0x46, {0xab}); break;
      case FsmEvent::kRxjGood: receive(Code::kCodeReject, 0x47, {0x09, 0x01, 0x00, 0x08, 0, 0, 0, 0}); break;
      case FsmEvent::kRxjBad: receive(Code::kCodeReject, 0x48, {0x02, 0x01, 0x00, 0x04}); break;
      case FsmEvent::kRxr: receive(Code::kEchoRequest, 0x49, {0x11, 0x22, 0x33, 0x44}); break;
    }
  }

  std::vector<std::string> observed_actions(size_t sent_before, size_t logged_before) const {
    std::vector<std::string> actions(handler_.log.begin() + logged_before, handler_.log.end());
    for (size_t i = sent_before; i < sink_.sent.size(); ++i) {
      switch (static_cast<Code>(sink_.sent[i].code)) {
        case Code::kConfigureRequest: actions.push_back("scr"); break;
        case Code::kConfigureAck: actions.push_back("sca"); break;
        case Code::kConfigureNak:
        case Code::kConfigureReject: actions.push_back("scn"); break;
        case Code::kTerminateRequest: actions.push_back("str"); break;
        case Code::kTerminateAck: actions.push_back("sta"); break;
        case Code::kCodeReject: actions.push_back("scj"); break;
        default: actions.push_back("unexpected code " + std::to_string(sink_.sent[i].code));
      }
    }
    std::sort(actions.begin(), actions.end());
    return actions;
  }

  FakeClock clock_;
  RecordingSink sink_;
  ScriptedHandler handler_;
  Fsm fsm_;
};

TEST_P(StateTableTest, MatchesRfc1661) {
  static const auto table = parse_table();
  const auto [state_index, event_index] = GetParam();
  const auto state = static_cast<FsmState>(state_index);
  const auto event = static_cast<FsmEvent>(event_index);
  const auto& row = table.at(kEventNames[event_index]);
  ASSERT_EQ(row.size(), 10u) << "table row " << kEventNames[event_index];
  const Cell& cell = row[state_index];

  drive_to(state);
  ASSERT_EQ(fsm_.state(), state) << "could not reach " << to_string(state);
  if (event != FsmEvent::kTimeoutMinus) fsm_.set_restart_counter_for_testing(kProbeCounter);
  const size_t sent_before = sink_.sent.size();
  const size_t logged_before = handler_.log.size();
  const int counter_before =
      event == FsmEvent::kTimeoutMinus ? 0 : kProbeCounter;

  fire(event);

  // Non-actions ("irc", "zrc") show in the counter, not on the wire.
  std::vector<std::string> wire_actions;
  bool irc = false, zrc = false;
  int sends = 0;
  for (const auto& a : cell.actions) {
    if (a == "irc") { irc = true; continue; }
    if (a == "zrc") { zrc = true; continue; }
    if (a == "scr" || a == "str") ++sends;
    wire_actions.push_back(a);
  }
  std::sort(wire_actions.begin(), wire_actions.end());
  const bool terminating = std::count(cell.actions.begin(), cell.actions.end(), "str") > 0;

  if (!cell.legal) {
    EXPECT_EQ(fsm_.state(), state) << "illegal event must not move the automaton";
    EXPECT_TRUE(observed_actions(sent_before, logged_before).empty());
    EXPECT_EQ(fsm_.restart_counter(), counter_before);
    return;
  }
  EXPECT_EQ(static_cast<int>(fsm_.state()), cell.next)
      << to_string(state) << " + " << to_string(event) << " went to " << to_string(fsm_.state());
  EXPECT_EQ(observed_actions(sent_before, logged_before), wire_actions);

  int expected_counter = counter_before - sends;
  if (irc) expected_counter = (terminating ? kMaxTerminate : kMaxConfigure) - sends;
  if (zrc) expected_counter = 0;
  EXPECT_EQ(fsm_.restart_counter(), expected_counter);

  // RFC 1661 4.2: the Restart timer runs exactly in these states.
  const FsmState now = fsm_.state();
  const bool timer_expected = now == FsmState::kClosing || now == FsmState::kStopping ||
                              now == FsmState::kReqSent || now == FsmState::kAckRcvd ||
                              now == FsmState::kAckSent;
  EXPECT_EQ(fsm_.next_deadline().has_value(), timer_expected);
}

std::string cell_name(const ::testing::TestParamInfo<std::tuple<int, int>>& info) {
  std::string state(to_string(static_cast<FsmState>(std::get<0>(info.param))));
  std::string event(to_string(static_cast<FsmEvent>(std::get<1>(info.param))));
  state.erase(std::remove(state.begin(), state.end(), '-'), state.end());
  if (!event.empty() && event.back() == '+') event = event.substr(0, event.size() - 1) + "Plus";
  if (!event.empty() && event.back() == '-') event = event.substr(0, event.size() - 1) + "Minus";
  return state + "_" + event;
}

INSTANTIATE_TEST_SUITE_P(AllCells, StateTableTest,
                         ::testing::Combine(::testing::Range(0, kFsmStateCount),
                                            ::testing::Range(0, kFsmEventCount)),
                         cell_name);

}  // namespace
}  // namespace lns::ppp
