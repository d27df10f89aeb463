-- scripts/pktgen/lns-bench.lua against a stand-in for pktgen's Lua API:
-- port 0 sends 8 Mpps of which port 1 receives 99 % (upstream, 1 % lost),
-- port 1 sends 12 Mpps and port 0 receives all of it (downstream). The
-- script must enable pcap replay on both ports at LNS_RATE, and its BENCH
-- lines must say exactly that. Run: lua5.4 pktgen_lua_test.lua lns-bench.lua
-- with LNS_RATE=50 LNS_SECONDS=2 LNS_WARMUP=1 LNS_QUIT=1.
local script = assert(arg[1], "usage: pktgen_lua_test.lua lns-bench.lua")

local tx_pps = { [0] = 8e6, [1] = 12e6 }
local delivered = { [0] = 1.0, [1] = 0.99 }   -- share of the other port's packets each port receives
local counters = { [0] = { rx = 0, tx = 0 }, [1] = { rx = 0, tx = 0 } }
local state = { running = false, pcap = nil, rate = nil, quit = false, cleared = false }

local function advance(ms)
  if not state.running then return end
  for pid = 0, 1 do
    local sent = tx_pps[pid] * ms / 1000
    counters[pid].tx = counters[pid].tx + sent
    counters[1 - pid].rx = counters[1 - pid].rx + sent * delivered[1 - pid]
  end
end

pktgen = {
  screen = function() end,
  stop = function(ports) assert(ports == "0-1"); state.running = false end,
  clr = function() state.cleared = true end,
  pcap = function(ports, what) assert(ports == "0-1"); state.pcap = what end,
  set = function(ports, what, value) assert(ports == "0-1"); if what == "rate" then state.rate = value end end,
  start = function(ports)
    assert(ports == "0-1" and state.pcap == "enable", "pcap replay enabled before start")
    state.running = true
  end,
  delay = advance,
  -- Older releases put the counters at the top of each port's table,
  -- newer ones under .curr (PKTGEN_STATS_LAYOUT=curr).
  portStats = function(ports, kind)
    assert(ports == "0-1" and kind == "port")
    local t = { n = 2 }
    for pid = 0, 1 do
      local c = { ipackets = counters[pid].rx, opackets = counters[pid].tx, imissed = 0 }
      t[pid] = os.getenv("PKTGEN_STATS_LAYOUT") == "curr" and { curr = c } or c
    end
    return t
  end,
  quit = function() state.quit = true end,
}

local lines = {}
local real_print = print
print = function(s) lines[#lines + 1] = s; real_print(s) end
dofile(script)
print = real_print

assert(state.cleared, "counters cleared")
assert(state.rate == 50, "rate from LNS_RATE: " .. tostring(state.rate))
assert(state.quit, "LNS_QUIT=1 quits")
assert(not state.running, "stopped at the end")
local per_second = 0
for _, l in ipairs(lines) do
  if l:match("^%s*%d+ s  up:") then per_second = per_second + 1 end
end
assert(per_second == 2, "one line per measured second, got " .. per_second)
local want = {
  "BENCH case=pktgen_upstream rate_pct=50 seconds=2 tx_mpps=8.000 rx_mpps=7.920 loss_pct=1.0000",
  "BENCH case=pktgen_downstream rate_pct=50 seconds=2 tx_mpps=12.000 rx_mpps=12.000 loss_pct=0.0000",
}
for i, w in ipairs(want) do
  assert(lines[#lines - 2 + i] == w, "want\n  " .. w .. "\ngot\n  " .. tostring(lines[#lines - 2 + i]))
end
print("pktgen_lua: ok")
