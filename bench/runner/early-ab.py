#!/usr/bin/env python3
"""The first seconds under load of several capmesh checkouts (or settings), fresh starts in
alternating rounds: warmup.py's "after 3 s" row, compared between variants on one machine.

    bench/runner/early-ab.py ROUNDS CONFIG NAME=SPEC [NAME=SPEC ...]

SPEC is as for startup-ab.py: "VAR=VALUE,...|JAVA_OPTS" (ROOT=/path picks the checkout; build it
and record its startup cache first). Each start: launch, wait for the first answer, then
wrk -t1 -c32 on / until AT seconds (default 3) after the first answer, then a WINDOW-second
window (default 6) with --latency: requests/s, p99 and the runner's CPU time per request (user +
system, the compiler threads included). Prints each start, then per variant the median and the
spread. Set PATH_=/b to load another path. Loopback only.
"""
import importlib.util
import os
import re
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("startup_ab", os.path.join(HERE, "startup-ab.py"))
startup_ab = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(startup_ab)

PORT = startup_ab.PORT
AT = float(os.environ.get("AT", "3"))
WINDOW = int(os.environ.get("WINDOW", "6"))
LOAD_PATH = os.environ.get("PATH_", "/")
HZ = os.sysconf("SC_CLK_TCK")


def cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def latency_ms(text):
    value, unit = re.match(r"([\d.]+)(us|ms|s)$", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def wrk(seconds, latency=False):
    args = ["wrk", "-t1", "-c32", f"-d{seconds}s"] + (["--latency"] if latency else [])
    return subprocess.run(args + [f"http://127.0.0.1:{PORT}{LOAD_PATH}"], capture_output=True,
                          text=True, check=True).stdout


def one(root, env, config):
    cmd = [os.path.join(root, "bin", "runner"), "serve", config, "--socket-addr", f"http=127.0.0.1:{PORT}"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                            start_new_session=True)
    try:
        startup_ab.await_answer(proc, time.monotonic(), f"the runner in {root}")
        if AT >= 1:
            wrk(round(AT))
        before = cpu_ticks(proc.pid)
        out = wrk(WINDOW, latency=True)
        after = cpu_ticks(proc.pid)
        requests = int(re.search(r"(\d+) requests in", out).group(1))
        return {
            "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "p99": latency_ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1)),
            "cpu_us": (after - before) / HZ * 1e6 / max(requests, 1),
        }
    finally:
        startup_ab.stop(proc)


def main():
    rounds, config, variants = startup_ab.arguments(__doc__)
    results = {name: [] for name, _, _ in variants}
    print(f"machine: {os.cpu_count()} cores; load before: {open('/proc/loadavg').read().split()[:3]}; "
          f"window of {WINDOW} s after {AT:g} s of load on {LOAD_PATH}", flush=True)
    for r, name, root, env in startup_ab.alternating(rounds, variants):
        m = one(root, env, config)
        results[name].append(m)
        print(f"round {r + 1} {name:10s} {m['rps']:8.0f} req/s  p99 {m['p99']:7.2f} ms  "
              f"cpu/req {m['cpu_us']:7.1f} us", flush=True)
        time.sleep(0.5)
    for name, runs in results.items():
        p99 = [m["p99"] for m in runs]
        rps = [m["rps"] for m in runs]
        print(f"{name:10s} median req/s {statistics.median(rps):8.0f}  median p99 {statistics.median(p99):6.2f} ms "
              f"(min {min(p99):.2f}, max {max(p99):.2f})  median cpu/req "
              f"{statistics.median(m['cpu_us'] for m in runs):.1f} us")


if __name__ == "__main__":
    main()
