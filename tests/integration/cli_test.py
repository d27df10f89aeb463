#!/usr/bin/env python3
"""The NOC CLI against a running lnsd (net_pcap ports replaying static-session
traffic): every show command in table and JSON form (JSON parsed and
checked), static sessions added and deleted at run time, clear counters,
errors with usage lines and exit codes, 50 concurrent clients, and a client
sending garbage that is cut off while the others keep being served."""
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

LNSD, LNSCTL, PCAPGEN = sys.argv[1], sys.argv[2], sys.argv[3]

CONFIG = """
eal = {{ args = ["--in-memory", "--file-prefix=lnscli{pid}", "--log-level=lib.eal:warning"]; }};
dataplane = {{ workers = [1]; mbufs = 8191; mbuf_cache = 128; max_sessions = 1024; }};
access = {{ device = "net_pcap0,rx_pcap={d}/upstream.pcap,tx_pcap={d}/access-out.pcap";
           ipv4 = "192.0.2.1"; next_hop_mac = "02:00:00:00:a0:01"; }};
core = {{ device = "net_pcap1,rx_pcap={d}/downstream.pcap,tx_pcap={d}/core-out.pcap";
         ipv4 = "198.51.100.1"; next_hop_mac = "02:00:00:00:c0:01"; }};
aaa = {{ default_pool = "p"; pools = ( {{ name = "p"; ranges = ["100.70.0.0/24"]; }} ); }};
cli = {{ socket = "{d}/lnsd.sock"; }};
static_sessions = (
  {{ lac = "192.0.2.2"; tunnel_id = 1; session_id = 1; peer_tunnel_id = 100; peer_session_id = 500;
     ipv4 = "100.64.0.1"; count = 20; }}
);
"""


def ctl(d, *args, json_out=False, ok=True):
    cmd = [LNSCTL, "--socket", f"{d}/lnsd.sock"] + (["--json"] if json_out else []) + list(args)
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
    if ok:
        assert r.returncode == 0, f"{' '.join(args)} -> {r.returncode}: {r.stdout}{r.stderr}"
    return r


def send_ignoring_cutoff(sock, data):
    try:
        sock.sendall(data)
    except OSError:
        pass  # lnsd closed the connection, as it should


def show(d, *args):
    text = ctl(d, *args).stdout
    data = json.loads(ctl(d, *args, json_out=True).stdout)
    return text, data


def main():
    with tempfile.TemporaryDirectory(prefix="lns-cli-") as d:
        with open(f"{d}/lns.cfg", "w") as f:
            f.write(CONFIG.format(d=d, pid=os.getpid()))
        subprocess.run([PCAPGEN, "-c", f"{d}/lns.cfg", "-o", d, "-n", "200"], check=True, capture_output=True)
        log = open(f"{d}/lnsd.log", "w")
        lnsd = subprocess.Popen([LNSD, "-c", f"{d}/lns.cfg", "--stats-interval", "0"], stdout=log,
                                stderr=subprocess.STDOUT)
        try:
            end = time.time() + 30
            while not os.path.exists(f"{d}/lnsd.sock") and time.time() < end:
                time.sleep(0.1)
            time.sleep(1)  # let the captures play through

            text, v = show(d, "show", "version")
            assert v["dpdk"].startswith("DPDK 22.11") and "lnsd" in text
            text, ports = show(d, "show", "ports")
            assert [p["port"] for p in ports] == ["access", "core"] and ports[0]["rx_packets"] == 200, ports
            text, workers = show(d, "show", "workers")
            assert workers[0]["decap"] == 200 and workers[0]["encap"] == 200, workers
            text, errors = show(d, "show", "errors")
            assert len(errors) >= 20 and all(e["total"] == 0 for e in errors), errors
            text, sessions = show(d, "show", "sessions")
            assert len(sessions) == 20 and sum(s["up_packets"] for s in sessions) == 200, sessions
            assert text.splitlines()[0].split()[:4] == ["id", "kind", "tunnel", "session"]
            _, one = show(d, "show", "sessions", "ip", "100.64.0.7")
            assert len(one) == 1 and one[0]["session"] == 7
            _, by_tunnel = show(d, "show", "sessions", "tunnel", "1")
            assert len(by_tunnel) == 20
            _, detail = show(d, "show", "session", str(one[0]["id"]))
            assert detail["ipv4"] == "100.64.0.7" and detail["peer_session"] == 506, detail
            _, tunnels = show(d, "show", "tunnels")
            assert tunnels == []
            _, pools = show(d, "show", "pools")
            # A /24 pool keeps back its network and broadcast addresses.
            assert pools[0]["pool"] == "p" and pools[0]["size"] == 254, pools
            text, ppp = show(d, "show", "ppp")
            # Static sessions have no PPP: counted as subscribers, nothing else.
            assert ppp["subscribers"] == 20 and ppp["ipv4_up"] == 0 and ppp["auth_failed"] == 0, ppp
            assert "timer_lag_max_ms" in text
            cfg_text = ctl(d, "show", "config").stdout
            assert "static_sessions" in cfg_text and "net_pcap0" in cfg_text

            # Run-time static sessions.
            ctl(d, "session", "add", "static", "lac", "192.0.2.9", "tunnel", "9", "session", "9",
                "peer-tunnel", "90", "peer-session", "99", "ip", "100.65.0.9")
            _, added = show(d, "show", "sessions", "ip", "100.65.0.9")
            assert len(added) == 1 and added[0]["lac"] == "192.0.2.9"
            r = ctl(d, "session", "add", "static", "lac", "192.0.2.9", "tunnel", "9", "session", "9",
                    "peer-tunnel", "90", "peer-session", "99", "ip", "100.65.0.10", ok=False)
            assert r.returncode == 1 and "exists" in (r.stdout + r.stderr)
            ctl(d, "session", "del", "static", "tunnel", "9", "session", "9")
            assert show(d, "show", "sessions", "ip", "100.65.0.9")[1] == []

            # clear counters
            ctl(d, "clear", "counters")
            _, workers = show(d, "show", "workers")
            assert workers[0]["decap"] == 0, workers
            ctl(d, "set", "log", "level", "debug")
            ctl(d, "reload")

            # Errors: unknown command and bad argument give usage and exit 1.
            r = ctl(d, "show", "bogus", ok=False)
            assert r.returncode == 1 and "unknown command" in (r.stdout + r.stderr)
            r = ctl(d, "show", "tunnel", "notanumber", ok=False)
            assert r.returncode == 1 and "show tunnel <id" in (r.stdout + r.stderr), r.stdout + r.stderr
            r = ctl(d, "terminate", "tunnel", "77", ok=False)
            assert r.returncode == 1
            r = subprocess.run([LNSCTL, "--socket", f"{d}/nope.sock", "show", "version"], capture_output=True, text=True)
            assert r.returncode == 2 and "nope.sock" in (r.stdout + r.stderr)

            # A hostile client (garbage, then an endless line) next to 50 honest ones.
            bad = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            bad.connect(f"{d}/lnsd.sock")
            bad.sendall(b"\xff\xfe\x00garbage\n")
            # A client that asks and asks but never reads its answers: lnsd
            # must cut it off once its unread output passes the limit
            # (16 MiB), without blocking anyone else.
            deaf = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            deaf.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            deaf.connect(f"{d}/lnsd.sock")
            deaf_requests = b"show errors\n" * 12000  # about 30 MB of answers
            deaf_sender = threading.Thread(target=lambda: send_ignoring_cutoff(deaf, deaf_requests))
            deaf_sender.start()
            failures = []

            def honest(i):
                try:
                    for _ in range(5):
                        _, s = show(d, "show", "sessions", "tunnel", "1")
                        if len(s) != 20:
                            failures.append(f"client {i}: {len(s)} sessions")
                except Exception as e:  # noqa: BLE001 - collected and asserted below
                    failures.append(f"client {i}: {e}")

            threads = [threading.Thread(target=honest, args=(i,)) for i in range(50)]
            for t in threads:
                t.start()
            try:
                bad.sendall(b"x" * 1_000_000)
            except OSError:
                pass  # cut off, as it should be
            for t in threads:
                t.join(timeout=120)
            assert not failures, failures[:5]
            bad.settimeout(5)
            try:
                rest = bad.recv(65536)
                while rest:
                    rest = bad.recv(65536)
            except (ConnectionResetError, socket.timeout):
                pass
            bad.close()
            deaf_sender.join(timeout=60)
            # lnsd works through the deaf client's requests a few per loop
            # turn; once its unread answers pass the limit it is cut off.
            # (Reading before that would relieve the pressure.)
            end = time.time() + 120
            while time.time() < end and "cut off: unread output over the limit" not in open(f"{d}/lnsd.log").read():
                time.sleep(0.2)
            deaf.settimeout(10)
            received = 0
            try:
                chunk = deaf.recv(1 << 20)
                while chunk:
                    received += len(chunk)
                    chunk = deaf.recv(1 << 20)
            except ConnectionResetError:
                pass
            except socket.timeout:
                raise AssertionError(f"the deaf client is still connected after {received} bytes; lnsd log:\n"
                                     + open(f"{d}/lnsd.log").read()[-2000:])
            deaf.close()
            assert received < 20 << 20, f"the deaf client got {received} bytes: never cut off"
            _, workers = show(d, "show", "workers")  # still serving
            with open(f"{d}/lnsd.log") as f:
                lnsd_log = f.read()
            assert "cut off: unread output over the limit" in lnsd_log, lnsd_log[-2000:]
            print("cli: every command answered; 50 clients served next to a garbage sender and a deaf client")

            # DPDK telemetry: the standard socket answers /lns/... commands.
            tel = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
            tel.connect(f"/var/run/dpdk/lnscli{os.getpid()}/dpdk_telemetry.v2")
            json.loads(tel.recv(16384))
            for cmd in ("/lns/summary", "/lns/errors", "/lns/workers", "/lns/tunnels"):
                tel.send(cmd.encode())
                reply = json.loads(tel.recv(65536))[cmd]
                if cmd == "/lns/summary":
                    assert reply["sessions"] == 20 and reply["workers"] == 1, reply
                    # lnsd's own IDs and pool addresses all find their
                    # place in the cells' direct area.
                    assert reply["upstream_cells_hashed"] == 0, reply
                    assert reply["downstream_cells_hashed"] == 0, reply
                if cmd == "/lns/errors":
                    assert "spoofed_lac" in reply and all(v == 0 for v in reply.values()), reply
                if cmd == "/lns/workers":
                    assert reply["worker0"]["decapsulated"] == 200 and "rx_pps" in reply["worker0"], reply
            tel.close()

            ctl(d, "shutdown")
            assert lnsd.wait(timeout=20) == 0
            assert not os.path.exists(f"/var/run/dpdk/lnscli{os.getpid()}"), "runtime directory left behind"
        finally:
            if lnsd.poll() is None:
                lnsd.send_signal(signal.SIGKILL)
                lnsd.wait()
            log.close()


if __name__ == "__main__":
    main()
