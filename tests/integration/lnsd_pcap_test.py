#!/usr/bin/env python3
"""End to end on the real lnsd binary: net_pcap ports replay upstream and
downstream captures of static-session traffic (written by lns-pcapgen), lnsd
runs, and the captures it transmitted are checked packet by packet: every
upstream frame leaves the core port decapsulated with TTL - 1, every
downstream frame leaves the access port inside the right L2TP session."""
import ipaddress
import os
import struct
import subprocess
import sys
import tempfile

LNSD, PCAPGEN = sys.argv[1], sys.argv[2]
PACKETS = 3000

CONFIG = """
eal = {{ args = ["--in-memory", "--file-prefix=lnspcap{pid}", "--log-level=lib.eal:warning"]; }};
dataplane = {{ workers = [1]; mbufs = 8191; mbuf_cache = 128; max_sessions = 1024; tcp_mss_clamp = 1400; }};
access = {{ device = "net_pcap0,rx_pcap={d}/upstream.pcap,tx_pcap={d}/access-out.pcap";
           ipv4 = "192.0.2.1"; vlan = 10; next_hop_mac = "02:00:00:00:a0:01"; }};
core = {{ device = "net_pcap1,rx_pcap={d}/downstream.pcap,tx_pcap={d}/core-out.pcap";
         ipv4 = "198.51.100.1"; next_hop_mac = "02:00:00:00:c0:01"; }};
static_sessions = (
  {{ lac = "192.0.2.2"; lac_port = 1701; tunnel_id = 1; session_id = 1; peer_tunnel_id = 100; peer_session_id = 500;
     ipv4 = "100.64.0.1"; count = 200; }},
  {{ lac = "192.0.2.3"; lac_port = 40000; tunnel_id = 9; session_id = 1000; peer_tunnel_id = 7; peer_session_id = 1;
     ipv4 = "100.65.0.1"; count = 55; lac_mac = "02:00:00:00:a0:02"; }}
);
"""


def read_pcap(path):
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack("<I", data[:4])[0]
    assert magic in (0xA1B2C3D4, 0xA1B23C4D), f"{path}: not a little-endian pcap"
    off, out = 24, []
    while off < len(data):
        _, _, incl, _ = struct.unpack("<IIII", data[off:off + 16])
        out.append(data[off + 16:off + 16 + incl])
        off += 16 + incl
    return out


def csum_ok(hdr):
    s = sum(struct.unpack(f"!{len(hdr) // 2}H", hdr))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s == 0xFFFF


def sessions():
    """(ipv4 -> (lac, lac_port, peer_tunnel, peer_session, lac_mac)) as the config's ranges expand."""
    table = {}
    for i in range(200):
        table[int(ipaddress.IPv4Address("100.64.0.1")) + i] = ("192.0.2.2", 1701, 100, 500 + i, "02:00:00:00:a0:01")
    for i in range(55):
        table[int(ipaddress.IPv4Address("100.65.0.1")) + i] = ("192.0.2.3", 40000, 7, 1 + i, "02:00:00:00:a0:02")
    return table


def mac(b):
    return ":".join(f"{x:02x}" for x in b)


def main():
    with tempfile.TemporaryDirectory(prefix="lnsd-pcap-") as d:
        cfg = os.path.join(d, "lns.cfg")
        with open(cfg, "w") as f:
            f.write(CONFIG.format(d=d, pid=os.getpid()))
        subprocess.run([PCAPGEN, "-c", cfg, "-o", d, "-n", str(PACKETS), "--imix", "--shuffle"], check=True)
        run = subprocess.run([LNSD, "-c", cfg, "--duration", "3", "--stats-interval", "0"],
                             capture_output=True, text=True, timeout=120)
        sys.stdout.write(run.stdout)
        assert run.returncode == 0, f"lnsd exited {run.returncode}:\n{run.stderr}"
        assert f"decap {PACKETS} encap {PACKETS}" in run.stdout, "lnsd's final counters"

        up_in, down_in = read_pcap(f"{d}/upstream.pcap"), read_pcap(f"{d}/downstream.pcap")
        core_out, access_out = read_pcap(f"{d}/core-out.pcap"), read_pcap(f"{d}/access-out.pcap")
        assert len(core_out) == PACKETS, f"core port sent {len(core_out)}"
        assert len(access_out) == PACKETS, f"access port sent {len(access_out)}"
        table = sessions()

        # Upstream: Ethernet(VLAN 10)/IPv4/UDP/L2TP(6)/PPP(4)/inner -> Ethernet/inner, TTL - 1.
        for i, (src, out) in enumerate(zip(up_in, core_out)):
            inner = bytearray(src[18 + 20 + 8 + 6 + 4:])
            assert out[:6] == bytes.fromhex("02000000c001"), f"upstream {i}: next-hop MAC"
            assert out[12:14] == b"\x08\x00", f"upstream {i}: ethertype"
            got = out[14:]
            assert got[8] == inner[8] - 1, f"upstream {i}: TTL"
            assert csum_ok(got[:20]), f"upstream {i}: inner checksum"
            assert len(got) == len(inner) and got[:8] == inner[:8] and got[9] == inner[9] \
                and got[12:] == inner[12:], f"upstream {i}: packet changed beyond TTL and checksum"

        # Downstream: Ethernet/inner -> Ethernet(VLAN 10)/IPv4/UDP/L2TP/PPP/inner, TTL - 1.
        for i, (src, out) in enumerate(zip(down_in, access_out)):
            inner = src[14:]
            dst = struct.unpack("!I", inner[16:20])[0]
            lac, lac_port, ptun, psess, lac_mac = table[dst]
            assert mac(out[:6]) == lac_mac, f"downstream {i}: LAC MAC"
            assert out[12:16] == b"\x81\x00\x00\x0a" and out[16:18] == b"\x08\x00", f"downstream {i}: VLAN 10"
            ip = out[18:38]
            assert csum_ok(ip), f"downstream {i}: outer checksum"
            assert ip[12:16] == ipaddress.IPv4Address("192.0.2.1").packed
            assert ip[16:20] == ipaddress.IPv4Address(lac).packed, f"downstream {i}: LAC address"
            assert struct.unpack("!H", ip[2:4])[0] == len(out) - 18, f"downstream {i}: outer length"
            sport, dport, ulen = struct.unpack("!HHH", out[38:44])
            assert (sport, dport, ulen) == (1701, lac_port, len(out) - 38), f"downstream {i}: UDP"
            flags, tun, sess = struct.unpack("!HHH", out[46:52])
            assert (flags, tun, sess) == (0x0002, ptun, psess), f"downstream {i}: L2TP ids"
            assert out[52:56] == b"\xff\x03\x00\x21", f"downstream {i}: PPP"
            got = out[56:]
            assert len(got) == len(inner) and got[8] == inner[8] - 1 and got[12:] == inner[12:], \
                f"downstream {i}: inner packet"
        print(f"lnsd_pcap: {PACKETS} upstream and {PACKETS} downstream packets verified")


if __name__ == "__main__":
    main()
