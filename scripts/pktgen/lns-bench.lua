-- lns-bench.lua: a two-port pktgen-dpdk run against lnsd (scripts/pktgen/README.md).
--
-- pktgen port 0 is cabled to lnsd's access port and replays upstream.pcap
-- (L2TP from the LACs); it receives what lnsd encapsulates downstream.
-- pktgen port 1 is cabled to lnsd's core port and replays downstream.pcap
-- (plain IP to the subscribers); it receives what lnsd decapsulates.
-- Start pktgen with -s 0:upstream.pcap -s 1:downstream.pcap -P -f lns-bench.lua
-- (scripts/pktgen/prepare writes run-pktgen.sh with exactly that).
--
-- Environment:
--   LNS_RATE     percent of line rate on both ports (default 100)
--   LNS_SECONDS  measured seconds (default 30), after LNS_WARMUP (default 3)
--   LNS_QUIT     1: quit pktgen at the end (default: stay at the prompt)
--
-- Prints one line per second and, at the end, one summary line per
-- direction in the form scripts/bench's results use:
--   BENCH case=pktgen_upstream tx_mpps=... rx_mpps=... loss_pct=...

local rate = tonumber(os.getenv("LNS_RATE") or "100")
local seconds = tonumber(os.getenv("LNS_SECONDS") or "30")
local warmup = tonumber(os.getenv("LNS_WARMUP") or "3")
local ports = "0-1"

-- rx and tx packet counters of one port; pktgen's Lua API has returned them
-- at the top of each port's table or (newer releases) under .curr.
local function counters(all, pid)
  local e = all[pid]
  local c = e.curr or e
  return c.ipackets or 0, c.opackets or 0, c.imissed or 0
end

local function snapshot()
  local all = pktgen.portStats(ports, "port")
  local s = {}
  for pid = 0, 1 do
    local rx, tx, missed = counters(all, pid)
    s[pid] = { rx = rx, tx = tx, missed = missed }
  end
  return s
end

local function mpps(packets, ms)
  return packets / (ms * 1000.0)
end

if pktgen.screen then pktgen.screen("off") end
pktgen.stop(ports)
pktgen.clr()
pktgen.pcap(ports, "enable")
pktgen.set(ports, "rate", rate)
print(string.format("lns-bench: both ports replay their pcap at %g%% of line rate; %g s warm-up, %g s measured",
                    rate, warmup, seconds))
pktgen.start(ports)
pktgen.delay(warmup * 1000)

local first = snapshot()
local prev = first
for second = 1, seconds do
  pktgen.delay(1000)
  local now = snapshot()
  print(string.format(
    "%3d s  up: tx %7.3f Mpps (port 0) rx %7.3f Mpps (port 1) | down: tx %7.3f Mpps (port 1) rx %7.3f Mpps (port 0) | rx missed %.0f/%.0f",
    second,
    mpps(now[0].tx - prev[0].tx, 1000), mpps(now[1].rx - prev[1].rx, 1000),
    mpps(now[1].tx - prev[1].tx, 1000), mpps(now[0].rx - prev[0].rx, 1000),
    now[0].missed - prev[0].missed, now[1].missed - prev[1].missed))
  prev = now
end
pktgen.stop(ports)
-- Let what is still in lnsd's queues arrive before the last count.
pktgen.delay(500)
local last = snapshot()

local function summary(name, tx_port, rx_port)
  local tx = last[tx_port].tx - first[tx_port].tx
  local rx = last[rx_port].rx - first[rx_port].rx
  local loss = 0
  if tx > 0 then loss = 100.0 * (tx - rx) / tx end
  print(string.format("BENCH case=%s rate_pct=%g seconds=%g tx_mpps=%.3f rx_mpps=%.3f loss_pct=%.4f",
                      name, rate, seconds, mpps(tx, seconds * 1000), mpps(rx, seconds * 1000), loss))
end
summary("pktgen_upstream", 0, 1)
summary("pktgen_downstream", 1, 0)

if os.getenv("LNS_QUIT") == "1" then pktgen.quit() end
