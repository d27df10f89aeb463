#!/usr/bin/env python3
"""End to end on the real lnsd: lns-emulator plays 10 LACs with 100 PPP
subscribers each against lnsd, whose access and core ports are DPDK TAP
interfaces inside a network namespace this test creates. Sessions come up
through L2TP, LCP, PAP or CHAP and IPCP against lnsd's local AAA, pass IPv4
traffic both ways through the data plane (the emulator reflects what leaves
the core port back toward the subscriber), then tear down. Also: a wrong
password is refused with a CDN, an LCP echo timeout removes the session,
pool exhaustion refuses cleanly, and IPv6CP opens with the subscriber's
configured prefix routed downstream. lnsctl checks lnsd's own view."""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

LNSD, EMULATOR, LNSCTL = sys.argv[1], sys.argv[2], sys.argv[3]
NS = f"lnsppp{os.getpid()}"
USERS = 1000

CONFIG = """
eal = {{ args = ["--in-memory", "--file-prefix={ns}", "--log-level=lib.eal:warning"]; }};
dataplane = {{ workers = [1]; mbufs = 16383; mbuf_cache = 128; max_sessions = 4096; tcp_mss_clamp = 1420;
              punt = {{ rate_pps = 200000; burst = 4096; ring_size = 4096; }}; }};
access = {{ device = "net_tap0,iface=lnsacc0"; ipv4 = "192.0.2.1"; }};
core = {{ device = "net_tap1,iface=lnscore0"; next_hop_mac = "02:00:00:00:c0:01"; ipv4 = "198.51.100.1"; }};
l2tp = {{ host_name = "lns"; require_auth = false; hello_interval = 0; }};
ppp = {{ auth = [{auth}]; echo_interval = {echo}; echo_failures = 2; restart_ms = 1000; }};
aaa = {{
  dns = ["192.0.2.53"];
  default_pool = "subs";
  pools = ( {{ name = "subs"; ranges = ["{pool}"]; }} );
  users = ( {users} );
}};
cli = {{ socket = "{d}/lnsd.sock"; }};
"""


def sh(*args, check=True):
    return subprocess.run(list(args), check=check, capture_output=True, text=True)


def in_ns(*args):
    return ["ip", "netns", "exec", NS, *args]


def lnsctl(d, *args):
    r = sh(LNSCTL, "--socket", f"{d}/lnsd.sock", "--json", *args, check=False)
    assert r.returncode == 0, f"lnsctl {' '.join(args)}: {r.stdout}{r.stderr}"
    return json.loads(r.stdout)


def wait_for(predicate, timeout, what):
    end = time.time() + timeout
    while time.time() < end:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


class Lnsd:
    def __init__(self, d, auth="\"pap\", \"chap\"", echo=5, pool="100.64.0.0/20", user_extra=None):
        # user_extra: more settings for some users, by index.
        user_extra = user_extra or {}
        users = ", ".join(f'{{ name = "user{i}"; password = "pw"; {user_extra.get(i, "")} }}'
                          for i in range(1, USERS + 1))
        with open(f"{d}/lns.cfg", "w") as f:
            f.write(CONFIG.format(ns=NS, d=d, auth=auth, echo=echo, pool=pool, users=users))
        self.d = d
        self.log = open(f"{d}/lnsd.log", "a")
        self.proc = subprocess.Popen(in_ns(LNSD, "-c", f"{d}/lns.cfg", "--stats-interval", "0"),
                                     stdout=self.log, stderr=subprocess.STDOUT)
        wait_for(lambda: os.path.exists(f"{d}/lnsd.sock") and
                 sh(*in_ns("ip", "link", "show", "lnscore0"), check=False).returncode == 0, 30, "lnsd")
        sh(*in_ns("ip", "addr", "replace", "192.0.2.2/24", "dev", "lnsacc0"))
        sh(*in_ns("ip", "link", "set", "lnsacc0", "up"))
        sh(*in_ns("ip", "link", "set", "lnscore0", "up"))

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                assert self.proc.wait(timeout=20) == 0, "lnsd exit status"
            finally:
                if self.proc.poll() is None:
                    self.proc.kill()
        self.log.close()


def emulate(*args, timeout=240):
    cmd = in_ns(EMULATOR, "--lns", "192.0.2.1", "--json", "--user-format", "user%d", *args)
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    try:
        report = json.loads(r.stdout)
    except json.JSONDecodeError:
        raise AssertionError(f"emulator output is not JSON (exit {r.returncode}):\n{r.stdout}\n{r.stderr}")
    return r.returncode, report


def check_capture(path, expected):
    """The capture file holds `expected` L2TP frames (libpcap format; tshark
    decodes them when it is installed)."""
    import struct
    data = open(path, "rb").read()
    assert struct.unpack("<I", data[:4])[0] == 0xA1B2C3D4, "pcap magic"
    off, frames = 24, []
    while off < len(data):
        incl = struct.unpack("<IIII", data[off:off + 16])[2]
        frames.append(data[off + 16:off + 16 + incl])
        off += 16 + incl
    assert len(frames) == expected, f"{len(frames)} frames captured"
    for f in frames:
        if f[12:14] == b"\x08\x06":
            continue  # ARP for our address is received on the access port too
        assert f[12:14] == b"\x08\x00" and f[23] == 17 and f[36:38] == b"\x06\xa5", "UDP to port 1701"
    if os.path.exists("/usr/bin/tshark"):
        r = subprocess.run(["tshark", "-r", path, "-Y", "l2tp"], capture_output=True, text=True)
        assert r.returncode == 0 and len(r.stdout.splitlines()) >= expected - 5, r.stderr[-500:]


def sessions_of(d):
    return lnsctl(d, "show", "sessions")


def case_bulk(d, auth):
    print(f"--- 10 tunnels x 100 sessions, {auth}, traffic both ways")
    lns = Lnsd(d)
    try:
        # Capture the first 200 frames the access port receives.
        cap = f"{d}/access-{auth}.pcap"
        r = sh(LNSCTL, "--socket", f"{d}/lnsd.sock", "capture", "start", "port", "access", "count", "200",
               "file", cap)
        assert "capturing" in r.stdout, r.stdout
        rc, rep = emulate("--tunnels", "10", "--sessions", "100", "--auth", auth, "--password", "pw",
                          "--traffic", "3", "--reflect-core", "lnscore0", "--hold", "1", "--timeout", "180")
        print(json.dumps({k: rep[k] for k in ("sessions", "setup", "traffic")}))
        assert rc == 0, f"emulator exit {rc}"
        assert rep["sessions"]["up"] == 1000
        t = rep["traffic"]
        assert t["sent"] == 3000 and t["returned"] == 3000 and t["misdelivered"] == 0
        # After teardown lnsd holds nothing, and its counters match.
        wait_for(lambda: len(sessions_of(d)) == 0, 30, "lnsd to clear every session")
        workers = lnsctl(d, "show", "workers")
        assert workers[0]["decap"] >= 3000 and workers[0]["encap"] >= 3000, workers
        errors = {e["counter"]: e["total"] for e in lnsctl(d, "show", "errors")}
        assert errors["spoofed_source"] == 0 and errors["no_route"] == 0, errors
        r = sh(LNSCTL, "--socket", f"{d}/lnsd.sock", "capture", "stop")
        print(r.stdout.strip())
        check_capture(cap, 200)
    finally:
        lns.stop()


def case_wrong_password(d):
    print("--- wrong password is refused with a CDN")
    lns = Lnsd(d)
    try:
        rc, rep = emulate("--tunnels", "1", "--sessions", "5", "--auth", "chap", "--password", "wrong",
                          "--expect-fail", "--timeout", "60")
        print(json.dumps({k: rep[k] for k in ("sessions", "cdn_results", "cdn_messages")}))
        assert rc == 0, "every session refused"
        assert rep["cdn_results"].get("2/6") == 5, rep["cdn_results"]
        assert "authentication failed" in rep["cdn_messages"]["2/6"]
        wait_for(lambda: len(sessions_of(d)) == 0, 20, "refused sessions to be gone from lnsd")
    finally:
        lns.stop()


def case_echo_timeout(d):
    print("--- LCP echo timeout removes the session")
    lns = Lnsd(d, echo=1)
    try:
        rc, rep = emulate("--tunnels", "1", "--sessions", "3", "--auth", "pap", "--password", "pw",
                          "--no-echo-reply", "--hold", "30", "--timeout", "60")
        print(json.dumps({k: rep[k] for k in ("sessions", "cdn_results", "cdn_messages")}))
        assert rep["sessions"]["up"] == 3 and rep["sessions"]["closed_by_lns"] == 3, rep["sessions"]
        assert rep["cdn_results"].get("1/0", 0) + rep["cdn_results"].get("1", 0) == 3, rep["cdn_results"]
        assert len(sessions_of(d)) == 0
    finally:
        lns.stop()


def case_terminate(d):
    print("--- lnsctl terminate tears sessions and tunnels down")
    lns = Lnsd(d)
    try:
        cmd = in_ns(EMULATOR, "--lns", "192.0.2.1", "--json", "--user-format", "user%d", "--tunnels", "2",
                    "--sessions", "3", "--auth", "pap", "--password", "pw", "--hold", "20", "--timeout", "60")
        emu = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        wait_for(lambda: len(sessions_of(d)) == 6 and all(s["user"] for s in sessions_of(d)), 30,
                 "six sessions with users")
        sessions = sessions_of(d)
        tunnels = lnsctl(d, "show", "tunnels")
        assert len(tunnels) == 2 and all(t["state"] == "established" for t in tunnels), tunnels
        first, second = sessions[0], sessions[1]
        sh(LNSCTL, "--socket", f"{d}/lnsd.sock", "terminate", "session", str(first["id"]))
        sh(LNSCTL, "--socket", f"{d}/lnsd.sock", "terminate", "user", second["user"])
        other_tunnel = next(t["tunnel"] for t in tunnels if t["tunnel"] not in (first["tunnel"], second["tunnel"])) \
            if first["tunnel"] == second["tunnel"] else None
        wait_for(lambda: len(sessions_of(d)) == 4, 10, "two sessions terminated")
        if other_tunnel is not None:
            sh(LNSCTL, "--socket", f"{d}/lnsd.sock", "terminate", "tunnel", str(other_tunnel))
            wait_for(lambda: len(sessions_of(d)) == 1, 10, "the other tunnel's sessions gone")
        out, _ = emu.communicate(timeout=60)
        rep = json.loads(out)
        print(json.dumps({k: rep[k] for k in ("tunnels", "sessions", "cdn_results")}))
        assert rep["cdn_results"].get("3/0", 0) + rep["cdn_results"].get("3", 0) == 2, rep["cdn_results"]
        if other_tunnel is not None:
            assert sum(rep["tunnels"]["close_reasons"].values()) >= 1, rep["tunnels"]
    finally:
        lns.stop()


def case_pool_exhaustion(d):
    print("--- pool exhaustion refuses cleanly")
    lns = Lnsd(d, pool="100.64.0.1-100.64.0.4")
    try:
        rc, rep = emulate("--tunnels", "1", "--sessions", "6", "--auth", "pap", "--password", "pw",
                          "--hold", "1", "--timeout", "60")
        print(json.dumps({k: rep[k] for k in ("sessions", "cdn_results", "cdn_messages")}))
        assert rep["sessions"]["up"] == 4, rep["sessions"]
        assert rep["cdn_results"].get("4/0", 0) + rep["cdn_results"].get("4", 0) == 2, rep["cdn_results"]
        pools = {p["pool"]: p for p in lnsctl(d, "show", "pools")}
        assert pools["subs"]["size"] == 4 and pools["subs"]["exhausted"] >= 2, pools
    finally:
        lns.stop()


# An Ethernet / IPv6 / UDP frame from the core network's router to `dst`,
# written onto lnsd's core TAP from inside the namespace.
SEND_IPV6 = r"""
import socket, struct, sys
def csum(b):
    if len(b) % 2: b += b"\0"
    s = sum(struct.unpack(f"!{len(b) // 2}H", b))
    while s >> 16: s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF
src = socket.inet_pton(socket.AF_INET6, "2001:db8:ffff::1")
dst = socket.inet_pton(socket.AF_INET6, sys.argv[2])
payload = b"lns-e2e-ipv6" * 4
udp = struct.pack("!HHHH", 40000, 9, 8 + len(payload), 0) + payload
pseudo = src + dst + struct.pack("!IxxxB", len(udp), 17)
udp = udp[:6] + struct.pack("!H", csum(pseudo + udp) or 0xFFFF) + udp[8:]
ip6 = struct.pack("!IHBB", 6 << 28, len(udp), 17, 64) + src + dst
eth = bytes.fromhex("020000000002") + bytes.fromhex("02000000c001") + b"\x86\xdd"
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((sys.argv[1], 0))
for _ in range(int(sys.argv[3])):
    s.send(eth + ip6 + udp)
"""


def case_ipv6(d):
    print("--- IPv6CP opens and the subscriber's configured prefix is routed downstream")
    lns = Lnsd(d, user_extra={1: 'ipv6_prefix = "2001:db8:100::/56";', 2: 'ipv6_prefix = "2001:db8:200::/56";'})
    try:
        cmd = in_ns(EMULATOR, "--lns", "192.0.2.1", "--json", "--user-format", "user%d", "--tunnels", "1",
                    "--sessions", "2", "--auth", "pap", "--password", "pw", "--ipv6", "--hold", "8",
                    "--timeout", "60")
        emu = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        wait_for(lambda: len(sessions_of(d)) == 2 and all(s["user"] for s in sessions_of(d)), 30,
                 "two sessions with users")
        by_user = {s["user"]: s for s in sessions_of(d)}

        def detail(user):
            return lnsctl(d, "show", "session", str(by_user[user]["id"]))
        wait_for(lambda: detail("user1")["ipv6_forwarding"], 15, "IPv6CP to open for user1")
        one, two = detail("user1"), detail("user2")
        print(json.dumps({k: one[k] for k in ("user", "ipv4", "ipv6", "ipv6_forwarding")}))
        assert one["ipv6"] == "2001:db8:100::/56" and two["ipv6"] == "2001:db8:200::/56", (one, two)
        before = one["down_packets"]
        errors0 = {e["counter"]: e["total"] for e in lnsctl(d, "show", "errors")}
        # Into the prefix: user1's session carries them. Outside every
        # prefix: counted as no_route.
        sh(*in_ns("python3", "-c", SEND_IPV6, "lnscore0", "2001:db8:100:42::7", "5"))
        sh(*in_ns("python3", "-c", SEND_IPV6, "lnscore0", "2001:db8:300::7", "3"))
        wait_for(lambda: detail("user1")["down_packets"] >= before + 5, 10, "IPv6 packets down user1's session")
        errors = {e["counter"]: e["total"] for e in lnsctl(d, "show", "errors")}
        assert errors["no_route"] - errors0["no_route"] == 3, (errors0, errors)
        assert detail("user2")["down_packets"] == two["down_packets"], "nothing of user1's for user2"
        out, err = emu.communicate(timeout=60)
        rep = json.loads(out)
        assert emu.returncode == 0 and rep["sessions"]["up"] == 2, (rep["sessions"], err[-500:])
    finally:
        lns.stop()


def main():
    sh("ip", "netns", "add", NS)
    try:
        sh(*in_ns("ip", "link", "set", "lo", "up"))
        # The kernel's own IPv6 chatter (router solicitations) on the TAP
        # interfaces would show up in lnsd's no_route counter.
        sh(*in_ns("sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1"))
        sh(*in_ns("sysctl", "-q", "-w", "net.ipv6.conf.default.disable_ipv6=1"))
        with tempfile.TemporaryDirectory(prefix="ppp-e2e-") as d:
            try:
                case_bulk(d, "pap")
                case_bulk(d, "chap")
                case_wrong_password(d)
                case_echo_timeout(d)
                case_terminate(d)
                case_pool_exhaustion(d)
                case_ipv6(d)
            except BaseException:
                sys.stdout.write(open(f"{d}/lnsd.log").read()[-4000:])
                raise
    finally:
        for pid in sh("ip", "netns", "pids", NS, check=False).stdout.split():
            try:
                os.kill(int(pid), signal.SIGKILL)
            except ProcessLookupError:
                pass
        sh("ip", "netns", "del", NS, check=False)
    print("ppp e2e: OK")


if __name__ == "__main__":
    main()
