#!/usr/bin/env python3
"""Interop with a LAC nobody here wrote: xl2tpd (Debian's package) runs as a
LAC inside a network namespace this test creates, next to lnsd whose access
port is a DPDK TAP interface in the same namespace. xl2tpd opens a tunnel and
a session (ICRQ/ICRP/ICCN); its pppd cannot run without /dev/ppp, so xl2tpd
clears the call (CDN) -- expected. Then the test asks xl2tpd to drop the
tunnel (StopCCN) and checks both sides' view. Run with and without tunnel
authentication, and with a wrong secret (refused)."""
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

from lns_test_helpers import wait_for

LNSD = sys.argv[1]
NS = f"lnsit{os.getpid()}"

LNS_CFG = """
eal = {{ args = ["--in-memory", "--file-prefix={ns}", "--log-level=lib.eal:warning"]; }};
dataplane = {{ workers = [1]; mbufs = 8191; mbuf_cache = 128; max_sessions = 1024; }};
access = {{ device = "net_tap0,iface=lnsacc0"; ipv4 = "192.0.2.1"; }};
core = {{ device = "net_null0,no-rx=1"; next_hop_mac = "02:00:00:00:c0:01"; }};
l2tp = {{ host_name = "lns-under-test"; require_auth = {auth}; {secret} hello_interval = 0; }};
cli = {{ socket = "{d}/lnsd.sock"; }};
"""

XL2TPD_CFG = """
[global]
port = 1701
access control = no
debug tunnel = yes
debug state = yes

[lac lns1]
lns = 192.0.2.1
autodial = yes
redial = no
hostname = lac1
challenge = {challenge}
length bit = yes
pppoptfile = {d}/options
"""


def sh(*args, check=True):
    return subprocess.run(list(args), check=check, capture_output=True, text=True)


def in_ns(*args):
    return ["ip", "netns", "exec", NS, *args]


def run_case(d, name, lns_auth, lns_secret, lac_challenge, lac_secret, expect_tunnel):
    print(f"--- {name}")
    with open(f"{d}/lns.cfg", "w") as f:
        f.write(LNS_CFG.format(ns=NS, d=d, auth="true" if lns_auth else "false",
                               secret=f'secret = "{lns_secret}";' if lns_secret else ""))
    with open(f"{d}/xl2tpd.conf", "w") as f:
        f.write(XL2TPD_CFG.format(challenge="yes" if lac_challenge else "no", d=d))
    with open(f"{d}/options", "w") as f:
        f.write("noauth\n")
    with open(f"{d}/l2tp-secrets", "w") as f:
        f.write(f"* * {lac_secret}\n")
    os.chmod(f"{d}/l2tp-secrets", 0o600)
    lnsd_log = open(f"{d}/lnsd-{name}.log", "w")
    lnsd = subprocess.Popen(in_ns(LNSD, "-c", f"{d}/lns.cfg", "--stats-interval", "0"),
                            stdout=lnsd_log, stderr=subprocess.STDOUT)
    xl2tpd = None
    try:
        wait_for(lambda: sh(*in_ns("ip", "link", "show", "lnsacc0"), check=False).returncode == 0, 30,
                 "lnsd's TAP interface")
        sh(*in_ns("ip", "addr", "add", "192.0.2.2/24", "dev", "lnsacc0"))
        sh(*in_ns("ip", "link", "set", "lnsacc0", "up"))
        xl_log_path = f"{d}/xl2tpd-{name}.log"
        xl_log = open(xl_log_path, "w")
        control = f"{d}/l2tp-control"
        xl2tpd = subprocess.Popen(in_ns("xl2tpd", "-D", "-c", f"{d}/xl2tpd.conf", "-s", f"{d}/l2tp-secrets",
                                        "-p", f"{d}/xl2tpd.pid", "-C", control),
                                  stdout=xl_log, stderr=subprocess.STDOUT)
        xl = lambda: open(xl_log_path).read()
        if expect_tunnel:
            wait_for(lambda: "Call established" in xl(), 20, "xl2tpd's call")
            wait_for(lambda: "disconnected" in xl(), 20, "xl2tpd clearing the call after pppd failed")
            assert re.search(r"Connection established to 192\.0\.2\.1, 1701\.\s+Local: \d+, Remote: 1", xl())
            with open(control, "w") as c:  # drop the tunnel: StopCCN
                c.write("d lns1\n")
            time.sleep(3)
        else:
            time.sleep(6)
            assert "Call established" not in xl(), "the call must not be set up"
        xl2tpd.send_signal(signal.SIGTERM)
        xl2tpd.wait(timeout=10)
        xl2tpd = None
        lnsd.send_signal(signal.SIGTERM)
        assert lnsd.wait(timeout=20) == 0, "lnsd exit status"
    finally:
        for p in (xl2tpd, lnsd):
            if p and p.poll() is None:
                p.kill()
                p.wait()
        lnsd_log.close()
    out = open(f"{d}/lnsd-{name}.log").read()
    final = out[out.rfind("worker 0:"):]
    m = re.search(r"l2tp: tunnels (\d+) sessions (\d+) \| established tunnels (\d+) sessions (\d+) \| "
                  r"refused auth (\d+) .* stopccn sent (\d+) received (\d+), cdn sent (\d+) received (\d+)", final)
    assert m, f"lnsd's final counters:\n{final}"
    tunnels, sessions, est_t, est_s, refused_auth, _stop_sent, stop_recv, _cdn_sent, cdn_recv = map(int, m.groups())
    print(final)
    if expect_tunnel:
        assert (est_t, est_s) == (1, 1), "one tunnel and one session established"
        assert cdn_recv >= 1 and stop_recv == 1, "xl2tpd's CDN and StopCCN reached the engine"
        assert (tunnels, sessions) == (0, 0), "nothing left after teardown"
    else:
        # Either side may notice first: xl2tpd checks our Challenge Response
        # in SCCRP (and sends StopCCN), we check its response in SCCCN.
        xl = open(f"{d}/xl2tpd-{name}.log").read()
        print("xl2tpd:", "".join(l + "\n" for l in xl.splitlines() if "uthentica" in l or "StopCCN" in l))
        assert est_t == 0 and (refused_auth >= 1 or stop_recv >= 1), "tunnel refused for authentication"
        assert "Connection established" not in xl


def main():
    sh("ip", "netns", "add", NS)
    try:
        sh(*in_ns("ip", "link", "set", "lo", "up"))
        with tempfile.TemporaryDirectory(prefix="xl2tpd-interop-") as d:
            os.makedirs("/var/run/xl2tpd", exist_ok=True)
            run_case(d, "no-auth", False, "", False, "unused", True)
            run_case(d, "auth", True, "s3cret-shared", True, "s3cret-shared", True)
            run_case(d, "wrong-secret", True, "s3cret-shared", True, "not-the-secret", False)
    finally:
        subprocess.run(["ip", "netns", "pids", NS], capture_output=True)
        for pid in sh("ip", "netns", "pids", NS, check=False).stdout.split():
            try:
                os.kill(int(pid), signal.SIGKILL)
            except ProcessLookupError:
                pass
        sh("ip", "netns", "del", NS, check=False)
    print("xl2tpd interop: OK")


if __name__ == "__main__":
    main()
