#!/usr/bin/env python3
"""lnsd and lnsgen, two DPDK processes on one machine, connected by two
net_memif pairs (lnsd's ports in server role, lnsgen's in client role; copy
mode, so no hugepages are needed). lnsgen brings up 4 tunnels x 50 sessions
with full PPP (L2TP, LCP, PAP, IPCP) against lnsd's local AAA, sends
stamped traffic both ways through every session at a modest rate, holds the
sessions so lnsctl can look, then tears down. Checked: every session up,
zero loss each way, every packet on its own session, and lnsd's own counters (per-session packets, worker
decap/encap, drop counters) agree with what lnsgen sent and received.

memif needs EAL's multi-process channel, which --in-memory and
--no-shconf switch off, so both processes run with --no-huge and a
--file-prefix unique to this run; the test removes their runtime
directories afterwards."""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from lns_test_helpers import lnsctl_json, wait_for

LNSD, LNSGEN, LNSCTL = sys.argv[1], sys.argv[2], sys.argv[3]
TUNNELS, SESSIONS = 4, 50
RATE, DURATION = 20000, 3
PID = os.getpid()
PREFIXES = [f"lnsgenL{PID}", f"lnsgenG{PID}"]
ACCESS_MAC, CORE_MAC = "02:00:00:00:a0:01", "02:00:00:00:c0:01"

CONFIG = """
eal = {{ args = ["--no-huge", "--file-prefix={prefix}", "--log-level=lib.eal:warning"]; }};
dataplane = {{ workers = [1]; mbufs = 16383; mbuf_cache = 128; max_sessions = 4096; tcp_mss_clamp = 0;
              punt = {{ rate_pps = 200000; burst = 4096; ring_size = 4096; }}; }};
access = {{ device = "net_memif0,role=server,socket={d}/access.sock,socket-abstract=no,rsize=14";
           ipv4 = "192.0.2.1"; next_hop_mac = "{access_mac}"; }};
core = {{ device = "net_memif1,role=server,socket={d}/core.sock,socket-abstract=no,rsize=14";
         ipv4 = "198.51.100.1"; next_hop_mac = "{core_mac}"; }};
l2tp = {{ host_name = "lns"; require_auth = false; hello_interval = 0; }};
ppp = {{ auth = ["pap"]; echo_interval = 0; }};
aaa = {{ default_pool = "subs"; pools = ( {{ name = "subs"; ranges = ["100.64.0.0/20"]; }} ); users = ( {users} ); }};
cli = {{ socket = "{d}/lnsd.sock"; }};
"""


def dpdk_runtime_dir(prefix):
    base = "/var/run/dpdk" if os.geteuid() == 0 else os.path.join(os.environ.get("XDG_RUNTIME_DIR", "/tmp"), "dpdk")
    return os.path.join(base, prefix)


def lnsctl(d, *args):
    return lnsctl_json(LNSCTL, f"{d}/lnsd.sock", *args)


def stop(proc, timeout=20):
    if proc is not None and proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def lnsgen_command(d):
    eal = ["-l", "0", "--no-huge", "-m", "256", f"--file-prefix={PREFIXES[1]}", "--no-pci",
           "--log-level=lib.eal:warning",
           f"--vdev=net_memif0,role=client,socket={d}/access.sock,socket-abstract=no,rsize=14,mac={ACCESS_MAC}",
           f"--vdev=net_memif1,role=client,socket={d}/core.sock,socket-abstract=no,rsize=14,mac={CORE_MAC}"]
    app = ["--lns", "192.0.2.1", "--lns-core", "198.51.100.1", "--tunnels", str(TUNNELS), "--sessions",
           str(SESSIONS), "--auth", "pap", "--user-format", "user%d", "--password", "pw", "--direction", "both",
           "--rate", str(RATE), "--duration", str(DURATION), "--imix", "--hold", "2", "--drain", "1", "--json",
           "--await-peer-close", "30"]
    return [LNSGEN, *eal, "--", *app]


def main():
    d = tempfile.mkdtemp(prefix="lnsgen-memif-")
    lnsd = gen = None
    try:
        users = ", ".join(f'{{ name = "user{i}"; password = "pw"; }}' for i in range(1, TUNNELS * SESSIONS + 1))
        with open(f"{d}/lns.cfg", "w") as f:
            f.write(CONFIG.format(prefix=PREFIXES[0], d=d, users=users, access_mac=ACCESS_MAC, core_mac=CORE_MAC))
        lnsd_log = open(f"{d}/lnsd.log", "w")
        lnsd = subprocess.Popen([LNSD, "-c", f"{d}/lns.cfg", "--stats-interval", "0"], stdout=lnsd_log,
                                stderr=subprocess.STDOUT)
        wait_for(lambda: all(os.path.exists(f"{d}/{s}") for s in ("lnsd.sock", "access.sock", "core.sock")), 60,
                 "lnsd's CLI and memif sockets")

        gen_err = open(f"{d}/lnsgen.err", "w+")
        gen = subprocess.Popen(lnsgen_command(d), stdout=subprocess.PIPE, stderr=gen_err, text=True)
        wait_for(lambda: "lnsgen: holding" in open(f"{d}/lnsgen.err").read() or gen.poll() is not None, 60,
                 "lnsgen's traffic phase to end")
        assert gen.poll() is None, f"lnsgen exited early:\n{open(f'{d}/lnsgen.err').read()[-2000:]}"
        held = lnsctl(d, "show", "sessions")
        # lnsd closes the memif links first, while lnsgen polls nothing (see
        # --await-peer-close): DPDK 22.11's memif PMD can fault in a thread
        # polling a link whose peer goes away.
        wait_for(lambda: "lnsgen: report written" in open(f"{d}/lnsgen.err").read() or gen.poll() is not None, 40,
                 "lnsgen's report")
        out = gen.stdout.readline()
        errors = open(f"{d}/lnsgen.err").read()
        assert gen.poll() is None and out, f"lnsgen exited early ({gen.returncode}):\n{out}\n{errors[-2000:]}"
        report = json.loads(out)

        total = TUNNELS * SESSIONS
        emu, traffic = report["emulator"], report["traffic"]
        assert report["success"], report
        assert emu["tunnels"]["up"] == TUNNELS, emu["tunnels"]
        assert emu["sessions"]["up"] == total and emu["sessions"]["failed"] == 0, emu["sessions"]
        assert traffic["ran"] and traffic["sessions"] == total, traffic
        up, down = traffic["up"], traffic["down"]
        for name, t in (("up", up), ("down", down)):
            # On a loaded machine the generator may lose schedule slots
            # ("behind"); what it did send must all arrive.
            assert t["sent"] >= 0.5 * RATE * DURATION, f"{name}: only {t['sent']} sent"
            assert t["lost"] == 0 and t["received"] == t["sent"], f"{name}: {t}"
            assert t["misdelivered"] == 0, f"{name}: {t}"
            assert t["latency_us"]["max"] > 0, t

        # lnsd's view while the sessions were held.
        assert len(held) == total, f"lnsd showed {len(held)} sessions"
        assert all(s["ipv4"] != "-" and s["user"] for s in held), held[:3]
        assert sum(s["up_packets"] for s in held) == up["sent"], (sum(s["up_packets"] for s in held), up)
        assert sum(s["down_packets"] for s in held) == down["sent"], (sum(s["down_packets"] for s in held), down)
        assert all(s["up_packets"] > 0 and s["down_packets"] > 0 for s in held), "a session without traffic"
        workers = lnsctl(d, "show", "workers")
        assert sum(w["decap"] for w in workers) == up["sent"], workers
        assert sum(w["encap"] for w in workers) == down["sent"], workers
        drops = {e["counter"]: e["total"] for e in lnsctl(d, "show", "errors") if e["total"]}
        assert not drops, f"lnsd dropped: {drops}"
        wait_for(lambda: lnsctl(d, "show", "sessions") == [], 10, "lnsd to clear the sessions after teardown")
        stop(lnsd)
        assert lnsd.returncode == 0, f"lnsd exit {lnsd.returncode}:\n{open(f'{d}/lnsd.log').read()[-2000:]}"
        gen.wait(timeout=30)
        assert gen.returncode == 0, f"lnsgen exit {gen.returncode}:\n{open(f'{d}/lnsgen.err').read()[-2000:]}"
        assert "closing ours first" not in open(f"{d}/lnsgen.err").read(), "lnsgen closed before lnsd"
        print(f"ok: {total} sessions up at {emu['setup']['rate']:.0f}/s; "
              f"up {up['sent']} sent / {up['received']} received (p99 {up['latency_us']['p99']} us), "
              f"down {down['sent']} / {down['received']} (p99 {down['latency_us']['p99']} us)")
    finally:
        stop(gen)
        stop(lnsd)
        for p in PREFIXES:
            shutil.rmtree(dpdk_runtime_dir(p), ignore_errors=True)
        if os.environ.get("KEEP_TMP"):
            print(f"kept {d}")
        else:
            shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    main()
