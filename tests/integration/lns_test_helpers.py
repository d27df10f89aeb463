"""Helpers the Python integration tests share: polling for a condition and
asking a running lnsd for JSON through lnsctl."""
import json
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
