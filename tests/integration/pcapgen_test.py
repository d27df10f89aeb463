#!/usr/bin/env python3
"""lns-pcapgen writes what lnsd expects for the static sessions of a config.

For the shipped benchmark config (config/examples/bench.cfg, read here with
a regular expression, not with our loader) and for a config with VLANs, two
ranges, a tunnel-ID wrap, a LAC port and MAC of its own, every frame of
upstream.pcap and downstream.pcap is decoded here from the bytes and checked:
Ethernet / (802.1Q) / IPv4 (header checksum) / UDP 1701 (length, checksum) /
L2TPv2 data / PPP FF 03 00 21 / inner IPv4 / UDP, tunnel and session IDs,
LAC address and port, subscriber address, MACs, the size mix, every session
equally often, and packet i of both files for the same subscriber. When
tshark is installed it must decode the same fields and find nothing
malformed. Also: --sessions beyond what the config declares is refused, and
scripts/pktgen/prepare's config (N sessions over K LACs) and pcaps agree."""
import collections
import ipaddress
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

PCAPGEN, BENCH_CFG = sys.argv[1], sys.argv[2]
# Optional: scripts/pktgen/prepare and the build directory lns-pcapgen is in.
PREPARE, BUILD_ROOT = (sys.argv[3], sys.argv[4]) if len(sys.argv) > 4 else (None, None)
FAR_END = "198.18.0.1"
BROADCAST = "ff:ff:ff:ff:ff:ff"


def ip(s):
    return int(ipaddress.IPv4Address(s))


def mac(b):
    return ":".join(f"{x:02x}" for x in b)


def csum16(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


def read_pcap(path):
    with open(path, "rb") as f:
        data = f.read()
    magic, _, _, _, _, _, linktype = struct.unpack("<IHHiIII", data[:24])
    assert magic == 0xA1B2C3D4, f"{path}: magic {magic:#x}"
    assert linktype == 1, f"{path}: link type {linktype}, want Ethernet"
    off, out = 24, []
    while off < len(data):
        _, _, incl, orig = struct.unpack("<IIII", data[off:off + 16])
        assert incl == orig, f"{path}: frame {len(out)} truncated in the file"
        out.append(data[off + 16:off + 16 + incl])
        off += 16 + incl
    return out


def expand(ranges, defaults):
    """The sessions a config's ranges stand for (config/static_sessions.h rules)."""
    out = []
    for r in ranges:
        t, s = r["tunnel_id"], r["session_id"]
        for i in range(r["count"]):
            if i:
                t, s = (t + 1, 1) if s == 65535 else (t, s + 1)
            out.append({"lac": r["lac"], "lac_port": r.get("lac_port", 1701), "tunnel": t, "session": s,
                        "ipv4": ip(r["ipv4"]) + i, "lac_mac": r.get("lac_mac", defaults["lac_mac"])})
    return out


def parse_ipv4(b, what):
    assert b[0] == 0x45, f"{what}: IPv4 version/IHL {b[0]:#x}"
    assert csum16(b[:20]) == 0xFFFF, f"{what}: IPv4 header checksum"
    total = struct.unpack("!H", b[2:4])[0]
    assert total == len(b), f"{what}: IPv4 total length {total} for {len(b)} bytes"
    proto, src, dst = b[9], struct.unpack("!I", b[12:16])[0], struct.unpack("!I", b[16:20])[0]
    return proto, src, dst, b[20:]


def parse_udp(b, src, dst, what):
    sport, dport, length, cs = struct.unpack("!HHHH", b[:8])
    assert length == len(b), f"{what}: UDP length {length} for {len(b)} bytes"
    if cs:
        pseudo = struct.pack("!IIBBH", src, dst, 0, 17, length)
        assert csum16(pseudo + b) == 0xFFFF, f"{what}: UDP checksum"
    return sport, dport, b[8:]


def strip_ethernet(f, vlan, what):
    dst, src, etype = f[0:6], f[6:12], struct.unpack("!H", f[12:14])[0]
    rest = f[14:]
    if vlan is not None:
        assert etype == 0x8100, f"{what}: no 802.1Q tag"
        tci, etype = struct.unpack("!HH", rest[:4])
        assert tci & 0xFFF == vlan, f"{what}: VLAN {tci & 0xFFF}, want {vlan}"
        rest = rest[4:]
    assert etype == 0x0800, f"{what}: ethertype {etype:#x}"
    return mac(dst), mac(src), rest


def check(cfg, sessions, lns_ip, core_mac_src, vlans, args, want_sizes):
    """Runs lns-pcapgen and checks both files; returns the directory."""
    d = tempfile.mkdtemp(prefix="pcapgen-")
    run = subprocess.run([PCAPGEN, "-c", cfg, "-o", d] + args, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, f"lns-pcapgen {args}: {run.stderr}"
    up, down = read_pcap(f"{d}/upstream.pcap"), read_pcap(f"{d}/downstream.pcap")
    assert len(up) == len(down), "both files have the same number of packets"
    by_ip = {s["ipv4"]: s for s in sessions}
    seen = collections.Counter()
    sizes = collections.Counter()
    for i, (fu, fd) in enumerate(zip(up, down)):
        what = f"upstream frame {i}"
        dst, src, rest = strip_ethernet(fu, vlans[0], what)
        proto, osrc, odst, rest = parse_ipv4(rest, what)
        assert proto == 17 and odst == lns_ip, f"{what}: outer proto {proto} to {odst:#x}"
        sport, dport, l2tp = parse_udp(rest, osrc, odst, what)
        flags, ver, tunnel, session = l2tp[0], l2tp[1], *struct.unpack("!HH", l2tp[2:6])
        assert flags & 0x80 == 0 and ver & 0x0F == 2, f"{what}: L2TP flags {flags:#x} version {ver}"
        off = 6 + (2 if flags & 0x40 else 0)
        ppp = l2tp[off:]
        assert ppp[:4] == b"\xff\x03\x00\x21", f"{what}: PPP header {ppp[:4].hex()}"
        iproto, isrc, idst, ipay = parse_ipv4(ppp[4:], what + " (inner)")
        s = by_ip.get(isrc)
        assert s is not None, f"{what}: inner source {ipaddress.IPv4Address(isrc)} is no session's subscriber"
        assert (tunnel, session) == (s["tunnel"], s["session"]), \
            f"{what}: L2TP {tunnel}/{session}, the session of {ipaddress.IPv4Address(isrc)} is {s['tunnel']}/{s['session']}"
        assert osrc == ip(s["lac"]) and sport == s["lac_port"] and dport == 1701, f"{what}: from {osrc:#x}:{sport}"
        assert src == s["lac_mac"] and dst == BROADCAST, f"{what}: MACs {src} -> {dst}"
        assert idst == ip(FAR_END) and iproto == 17, f"{what}: inner destination"
        parse_udp(ipay, isrc, idst, what + " (inner)")
        inner_len = len(ppp) - 4
        assert len(fu) == inner_len + 52 + (4 if vlans[0] is not None else 0), f"{what}: {len(fu)} bytes"

        what = f"downstream frame {i}"
        dst, src, rest = strip_ethernet(fd, vlans[1], what)
        assert src == core_mac_src and dst == BROADCAST, f"{what}: MACs {src} -> {dst}"
        dproto, dsrc, ddst, dpay = parse_ipv4(rest, what)
        assert dproto == 17 and dsrc == ip(FAR_END) and ddst == isrc, f"{what}: not to the subscriber of upstream {i}"
        assert len(rest) == inner_len, f"{what}: inner size {len(rest)}, upstream {inner_len}"
        parse_udp(dpay, dsrc, ddst, what)
        seen[isrc] += 1
        sizes[inner_len] += 1
    counts = set(seen.values())
    assert len(seen) == len(sessions) and len(counts) == 1, \
        f"{len(seen)} of {len(sessions)} sessions got traffic, {sorted(counts)} packets each"
    total = sum(want_sizes.values())
    for size, weight in want_sizes.items():
        assert sizes[size] * total == weight * len(up), f"size {size}: {sizes[size]} of {len(up)}, want {weight}/{total}"
    assert set(sizes) == set(want_sizes), f"sizes {dict(sizes)}"
    if shutil.which("tshark"):
        tshark_agrees(f"{d}/upstream.pcap", up, sessions)
    print(f"ok: {args}: {len(up)} packets per file over {len(sessions)} sessions, sizes {dict(sorted(sizes.items()))}")
    return d


def tshark_agrees(path, frames, sessions):
    env = dict(os.environ, HOME=tempfile.gettempdir())
    # Last occurrence: ip.src is the inner (subscriber) address.
    out = subprocess.run(["tshark", "-n", "-r", path, "-T", "fields", "-E", "occurrence=l",
                          "-e", "l2tp.tunnel", "-e", "l2tp.session", "-e", "ppp.protocol", "-e", "ip.src",
                          "-e", "_ws.malformed"], capture_output=True, text=True, timeout=60, env=env)
    assert out.returncode == 0, out.stderr
    rows = out.stdout.splitlines()
    assert len(rows) == len(frames), f"tshark decoded {len(rows)} frames of {len(frames)}"
    by_ip = {str(ipaddress.IPv4Address(s["ipv4"])): s for s in sessions}
    for i, row in enumerate(rows):
        t, s, proto, inner, malformed = (row.split("\t") + [""] * 5)[:5]
        assert not malformed, f"tshark: frame {i} malformed"
        assert int(proto, 0) == 0x21, f"tshark: frame {i} PPP protocol {proto!r}"
        ses = by_ip[inner]
        assert (int(t), int(s)) == (ses["tunnel"], ses["session"]), f"tshark: frame {i} {t}/{s} from {inner}"
    print(f"ok: tshark decodes {path} the same way")


def cfg_sessions(path):
    """A bench.cfg-like config's static sessions, read with a regular expression."""
    text = re.sub(r"#.*", "", open(path).read())
    block = text[text.index("static_sessions"):]
    ranges = []
    for m in re.finditer(r"\{([^{}]*)\}", block):
        r = {}
        for k, v in re.findall(r"(\w+)\s*=\s*\"?([^\";]+)\"?\s*;", m.group(1)):
            r[k] = int(v) if v.isdigit() else v
        ranges.append(r)
    lns_ip = re.search(r"access\s*=\s*\{[^}]*ipv4\s*=\s*\"([^\"]+)\"", text).group(1)
    access_nh = re.search(r"access\s*=\s*\{[^}]*next_hop_mac\s*=\s*\"([^\"]+)\"", text).group(1)
    core_nh = re.search(r"core\s*=\s*\{[^}]*next_hop_mac\s*=\s*\"([^\"]+)\"", text).group(1)
    return ranges, ip(lns_ip), access_nh, core_nh


def main():
    ranges, lns_ip, access_nh, core_nh = cfg_sessions(BENCH_CFG)
    assert ranges and sum(r["count"] for r in ranges) == 65536, "bench.cfg: 65,536 static sessions"
    everything = expand(ranges, {"lac_mac": access_nh})
    # The first 300 of them, IMIX (1518 capped at bench.cfg's session MTU 1460).
    shutil.rmtree(check(BENCH_CFG, everything[:300], lns_ip, core_nh, (None, None),
                        ["--sessions", "300", "-n", "1200", "--imix", "--shuffle"], {64: 7, 594: 4, 1460: 1}))
    # All 65,536 of them, one 64-byte packet each, in order.
    shutil.rmtree(check(BENCH_CFG, everything, lns_ip, core_nh, (None, None), [], {64: 1}))

    # VLANs, two ranges, a wrap from session 65535 to the next tunnel, a
    # LAC port and MAC of its own, a custom mix.
    with tempfile.TemporaryDirectory(prefix="pcapgen-cfg-") as tmp:
        cfg = os.path.join(tmp, "lns.cfg")
        with open(cfg, "w") as f:
            f.write("""
dataplane = { workers = [1]; max_sessions = 1024; session_mtu = 1500; };
access = { device = "net_null0"; ipv4 = "203.0.113.1"; vlan = 10; next_hop_mac = "02:00:00:00:a0:01"; };
core = { device = "net_null1"; ipv4 = "198.51.100.1"; vlan = 20; next_hop_mac = "02:00:00:00:c0:01"; };
static_sessions = (
  { lac = "203.0.113.2"; tunnel_id = 3; session_id = 65530; peer_tunnel_id = 9; peer_session_id = 100;
    ipv4 = "100.64.0.1"; count = 12; },
  { lac = "203.0.113.3"; lac_port = 40000; lac_mac = "02:00:00:00:a0:02"; tunnel_id = 100; session_id = 1;
    peer_tunnel_id = 7; peer_session_id = 1; ipv4 = "100.65.0.1"; count = 8; }
);
""")
        sessions = expand([
            {"lac": "203.0.113.2", "tunnel_id": 3, "session_id": 65530, "ipv4": "100.64.0.1", "count": 12},
            {"lac": "203.0.113.3", "lac_port": 40000, "lac_mac": "02:00:00:00:a0:02", "tunnel_id": 100,
             "session_id": 1, "ipv4": "100.65.0.1", "count": 8}], {"lac_mac": "02:00:00:00:a0:01"})
        assert (sessions[6]["tunnel"], sessions[6]["session"]) == (4, 1), "the range wraps into tunnel 4"
        shutil.rmtree(check(cfg, sessions, ip("203.0.113.1"), "02:00:00:00:c0:01", (10, 20),
                            ["-n", "400", "--mix", "100:3,1000:1", "--shuffle"], {100: 3, 1000: 1}))
        bad = subprocess.run([PCAPGEN, "-c", cfg, "-o", tmp, "--sessions", "21"], capture_output=True, text=True)
        assert bad.returncode == 1 and "declares 20 static sessions" in bad.stderr, bad.stderr
        bad = subprocess.run([PCAPGEN, "-c", cfg, "-o", tmp, "--mix", "64:x"], capture_output=True, text=True)
        assert bad.returncode == 2, "a malformed --mix is a usage error"
    if PREPARE:
        with tempfile.TemporaryDirectory(prefix="pcapgen-prepare-") as tmp:
            subprocess.run([sys.executable, PREPARE, "--sessions", "1200", "--lacs", "4", "--imix",
                            "--build-dir", BUILD_ROOT, "--out", tmp], check=True, capture_output=True, timeout=60)
            ranges, lns_ip, access_nh, core_nh = cfg_sessions(os.path.join(tmp, "lnsd.cfg"))
            assert [r["lac"] for r in ranges] == [f"192.0.2.{k}" for k in range(2, 6)], ranges
            assert [r["tunnel_id"] for r in ranges] == [1, 2, 3, 4], "a tunnel of its own per LAC"
            assert "max_sessions = 2048;" in open(os.path.join(tmp, "lnsd.cfg")).read()
            sessions = expand(ranges, {"lac_mac": access_nh})
            assert len(sessions) == 1200 and len({s["ipv4"] for s in sessions}) == 1200
            # prepare's files are the ones lns-pcapgen writes for its config:
            # regenerate them here with the same arguments and compare.
            d = check(os.path.join(tmp, "lnsd.cfg"), sessions, lns_ip, core_nh, (None, None),
                      ["--shuffle", "--imix"], {64: 7, 594: 4, 1460: 1})
            for name in ("upstream.pcap", "downstream.pcap"):
                with open(os.path.join(d, name), "rb") as a, open(os.path.join(tmp, name), "rb") as b:
                    assert a.read() == b.read(), f"prepare's {name} differs"
            shutil.rmtree(d)
            assert os.access(os.path.join(tmp, "run-pktgen.sh"), os.X_OK)
            run = open(os.path.join(tmp, "run-pktgen.sh")).read()
            assert f"-s 0:{tmp}/upstream.pcap -s 1:{tmp}/downstream.pcap" in run and "lns-bench.lua" in run, run
    print("pcapgen: all checks passed")


if __name__ == "__main__":
    main()
