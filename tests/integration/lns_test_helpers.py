"""Helpers the Python integration tests share: polling for a condition and
asking a running lnsd for JSON through lnsctl."""
import json
import os
import signal
import subprocess
import time


def wait_for(predicate, timeout, what):
    """Polls predicate() every 0.1 s; fails the test after timeout seconds."""
    end = time.time() + timeout
    while time.time() < end:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def lnsctl_json(lnsctl, socket_path, *args):
    """Runs `lnsctl --json ARGS` against socket_path and returns the parsed answer."""
    r = subprocess.run([lnsctl, "--socket", socket_path, "--json", *args], capture_output=True, text=True)
    assert r.returncode == 0, f"lnsctl {' '.join(args)}: {r.stdout}{r.stderr}"
    return json.loads(r.stdout)


def _process_snapshot(pid):
    """Where a process is (state, kernel wait channel and stack) for a report
    when it overruns: tells a hang in the kernel from a busy loop."""
    out = []
    for name in ("status", "wchan", "stack"):
        try:
            text = open(f"/proc/{pid}/{name}").read()
        except OSError as e:
            text = f"({e.strerror})"
        if name == "status":
            text = "".join(l for l in text.splitlines(True) if l.startswith(("State", "voluntary", "nonvoluntary")))
        out.append(f"{name}: {text.strip()}")
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            stat = open(f"/proc/{pid}/task/{tid}/stat").read().rsplit(")", 1)[1].split()
            out.append(f"task {tid}: state {stat[0]} utime {stat[11]} stime {stat[12]} (ticks)")
    except OSError:
        pass
    return "\n".join(out)


def run_bounded(cmd, timeout, grace=20):
    """Runs cmd, capturing its output. A run past `timeout` seconds is
    snapshotted (/proc state of every process it started), sent SIGINT so it
    can print what it has, killed `grace` seconds later, and reported with its
    output instead of a bare TimeoutExpired."""
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, err = p.communicate(timeout=timeout)
        return p.returncode, out, err
    except subprocess.TimeoutExpired:
        pass
    snapshots = []
    for pid in [p.pid] + _descendants(p.pid):
        snapshots.append(f"pid {pid} ({_comm(pid)}):\n{_process_snapshot(pid)}")
    os.killpg(p.pid, signal.SIGINT)
    try:
        out, err = p.communicate(timeout=grace)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        out, err = p.communicate()
    raise AssertionError(f"{' '.join(cmd)} still running after {timeout} s; then:\n" + "\n".join(snapshots) +
                         f"\n--- its stdout:\n{out[-4000:]}\n--- its stderr:\n{err[-8000:]}")


def _comm(pid):
    try:
        return open(f"/proc/{pid}/comm").read().strip()
    except OSError:
        return "?"


def _descendants(pid):
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        try:
            children = open(f"/proc/{parent}/task/{parent}/children").read().split()
        except OSError:
            continue
        for c in children:
            found.append(int(c))
            frontier.append(int(c))
    return found
