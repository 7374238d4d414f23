#!/usr/bin/env python3
"""Warm-up benchmark of capmesh against workerd: every row of issue 9 in one run.

Run through bench/runner/warmup.sh, which installs wrk and workerd and builds capmesh. Loopback
only. Each system runs alone, started fresh for each measurement; the other one is stopped.

Rows:
  startup        launch -> first answered request, hello and a 50-worker config (median of N);
                 also a worker using dates, Intl and Unicode regular expressions (typical.capnp),
                 reported without a target: what a start costs beyond hello world
  after 3 s      requests/s, p99 and server CPU per request in a 6 s window that starts after
  after 30 s     3 s / 30 s / PEAK_AT s of continuous load (wrk -t1 -c32) from a fresh start
  peak
  rss            resident memory after RSS_AT s of hello load
  reload         capmesh only: a --watch reload that edits one of two workers; the other
                 worker's speed right after (a 6 s window), and how long the edited one takes
                 to reach half of its warm speed (1 s windows); then a second edit, after which
                 the other worker is followed in 1 s windows until it is back at 0.8x warm
"""
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
WORKERD = os.environ["WORKERD"]
PORT = 18180
WINDOW = float(os.environ.get("WINDOW", "6"))
PEAK_AT = float(os.environ.get("PEAK_AT", "120"))
RSS_AT = float(os.environ.get("RSS_AT", "300"))
STARTUPS = int(os.environ.get("STARTUPS", "3"))
HZ = os.sysconf("SC_CLK_TCK")


def log(*a):
    print(*a, flush=True)


def start(system, config, extra=()):
    """Starts a server; returns (process, ms until it answered its first request)."""
    t0 = time.monotonic()
    if system == "workerd":
        cmd = [WORKERD, "serve", config, "--socket-addr", f"http=127.0.0.1:{PORT}", *extra]
    else:
        cmd = [os.path.join(ROOT, "bin", "runner"), "serve", config,
               "--socket-addr", f"http=127.0.0.1:{PORT}", *extra]
    env = dict(os.environ, CAPMESH_NO_BUILD="1")
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                            start_new_session=True)
    deadline = t0 + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{system} exited with {proc.returncode} before answering")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/", timeout=5) as r:
                r.read()
                return proc, (time.monotonic() - t0) * 1000
        except OSError:
            time.sleep(0.005)
    stop(proc)
    raise SystemExit(f"{system} did not answer within 120 s")


def stop(proc):
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()


def server_pid(proc):
    """The process doing the work (bin/runner execs java, so it is the same pid)."""
    return proc.pid


def cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def ms(text):
    # wrk prints a latency as a number and one of us, ms, s, m, h.
    m = re.match(r"([\d.]+)(us|ms|s|m|h)$", text)
    if not m:
        print(f"  (wrk printed a latency this script does not read: {text!r}; counted as unbounded)",
              file=sys.stderr)
        return float("inf")
    v, u = m.groups()
    return float(v) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000}[u]


def wrk(seconds, path="/", latency=False):
    args = ["wrk", "-t1", "-c32", f"-d{max(1, round(seconds))}s"]
    if latency:
        args.append("--latency")
    out = subprocess.run(args + [f"http://127.0.0.1:{PORT}{path}"], capture_output=True,
                         text=True, check=True).stdout
    return out


def measure(pid, seconds=WINDOW, path="/"):
    before = cpu_ticks(pid)
    out = wrk(seconds, path, latency=True)
    after = cpu_ticks(pid)
    reqs = int(re.search(r"(\d+) requests in", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: (.*)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        # No answered request at all: the latency is unbounded, not 0.
        # The latency distribution's line: "     99%    2.61ms" (a +/- column such as "87.99%"
        # ends with 99% too).
        "p99_ms": ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1)) if reqs else float("inf"),
        "cpu_us": (after - before) / HZ * 1e6 / max(reqs, 1),
        "errors": (int(errors.group(1)) if errors else 0),
        "socket_errors": sock.group(1) if sock else "",
    }


def load_until(t0, at):
    """Keeps the load on until `at` seconds after t0."""
    left = at - (time.monotonic() - t0)
    if left >= 1:
        wrk(left)


def timeline(system, config, with_rss):
    """Fresh start, continuous load; measurements after 3 s, 30 s and PEAK_AT s."""
    proc, up = start(system, config)
    pid = server_pid(proc)
    try:
        t0 = time.monotonic()
        rows = {}
        for label, at in (("after 3 s", 3), ("after 30 s", 30), ("peak", PEAK_AT)):
            load_until(t0, at)
            rows[label] = measure(pid)
            r = rows[label]
            log(f"  {system:8s} {label:10s} {r['rps']:9.0f} req/s  p99 {r['p99_ms']:8.2f} ms  "
                f"cpu/req {r['cpu_us']:7.1f} us  t={time.monotonic() - t0:.0f}s")
        if with_rss:
            load_until(t0, RSS_AT)
            rows["rss_kib"] = rss_kib(pid)
            log(f"  {system:8s} rss after {RSS_AT:.0f} s of load: {rows['rss_kib'] / 1024:.0f} MiB")
        return rows
    finally:
        stop(proc)


def startups(config):
    out = {}
    for system in ("workerd", "capmesh"):
        times = []
        for _ in range(STARTUPS):
            proc, up = start(system, config)
            stop(proc)
            times.append(up)
        out[system] = statistics.median(times)
        log(f"  {system:8s} first answer after {out[system]:.0f} ms (runs: "
            + ", ".join(f"{t:.0f}" for t in times) + ")")
    return out


RELOAD_CONFIG = """using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "router", worker = (modules = [(name = "r.js", esModule =
      "export default {{ async fetch(req, env) {{ return new URL(req.url).pathname === '/b' ? env.B.fetch(req) : env.A.fetch(req); }} }};")],
      compatibilityDate = "2024-09-01", bindings = [(name = "A", service = "a"), (name = "B", service = "b")])),
    (name = "a", worker = (modules = [(name = "a.js", esModule =
      "export default {{ async fetch(req) {{ return new Response('a\\\\n'); }} }};")], compatibilityDate = "2024-09-01")),
    (name = "b", worker = (modules = [(name = "b.js", esModule =
      "export default {{ async fetch(req) {{ return new Response('{b}\\\\n'); }} }};")], compatibilityDate = "2024-09-01")),
  ],
  sockets = [(name = "http", address = "127.0.0.1:8080", http = (), service = "router")]);
"""


def body(path):
    with urllib.request.urlopen(f"http://127.0.0.1:{PORT}{path}", timeout=5) as r:
        return r.read().decode()


def edit_reload_config(config, b):
    """Rewrites the reload config with worker b answering `b`; returns once it does (ms taken)."""
    with open(config, "w") as f:
        f.write(RELOAD_CONFIG.format(b=b))
    t_edit = time.monotonic()
    while body("/b").strip() != b:
        if time.monotonic() - t_edit > 60:
            raise SystemExit(f"the reload to {b} did not happen within 60 s")
        time.sleep(0.01)
    return (time.monotonic() - t_edit) * 1000


def windows_until(pid, path, bar):
    """1 s windows on path for 10 s: their req/s, and the seconds until one reached bar (or None)."""
    windows = []
    reached = None
    t0 = time.monotonic()
    while time.monotonic() - t0 < 10:
        r = measure(pid, seconds=1, path=path)["rps"]
        windows.append(r)
        if reached is None and r >= bar:
            reached = time.monotonic() - t0
    return windows, reached


def reload_recovery():
    with tempfile.TemporaryDirectory() as d:
        config = os.path.join(d, "reload.capnp")
        with open(config, "w") as f:
            f.write(RELOAD_CONFIG.format(b="b1"))
        proc, _ = start("capmesh", config, ["--watch"])
        pid = server_pid(proc)
        try:
            t0 = time.monotonic()
            while time.monotonic() - t0 < PEAK_AT:  # warm both paths
                wrk(10, "/a")
                wrk(10, "/b")
            warm_a = measure(pid, path="/a")["rps"]
            warm_b = measure(pid, path="/b")["rps"]
            swap_ms = edit_reload_config(config, "b2")
            after_a = measure(pid, path="/a")["rps"]
            windows, recovered = windows_until(pid, "/b", 0.5 * warm_b)
            # A second edit of b, with the other worker followed in 1 s windows: a restarted
            # warm-up takes as long as a fresh start's (the 30 s rows), a dip only seconds.
            edit_reload_config(config, "b3")
            a_windows, a_back = windows_until(pid, "/a", 0.8 * warm_a)
            return {"warm_a": warm_a, "warm_b": warm_b, "swap_ms": swap_ms, "after_a": after_a,
                    "b_windows": windows, "recovered_s": recovered, "a_windows": a_windows, "a_back_s": a_back}
        finally:
            stop(proc)


def main():
    results = {"machine": f"{os.cpu_count()} cores", "date": time.strftime("%Y-%m-%d %H:%M %Z")}
    log(f"machine: {os.cpu_count()} cores; load before: {open('/proc/loadavg').read().split()[:3]}")
    hello = os.path.join(HERE, "hello.capnp")
    chain = os.path.join(HERE, "two-hop.capnp")
    with tempfile.TemporaryDirectory() as d:
        many = os.path.join(d, "many50.capnp")
        with open(many, "w") as f:
            subprocess.run([sys.executable, os.path.join(HERE, "gen-many.py"), "50"], stdout=f, check=True)
        log("== startup: launch -> first answered request")
        log(" hello world")
        results["startup_hello"] = startups(hello)
        log(" 50 workers")
        results["startup_50"] = startups(many)
        log(" typical worker (dates, Intl, Unicode regular expressions; no target)")
        results["startup_typical"] = startups(os.path.join(HERE, "typical.capnp"))
    log(f"== throughput under load from a fresh start (wrk -t1 -c32, {WINDOW:.0f} s windows)")
    for name, config, with_rss in (("hello", hello, True), ("chain", chain, False)):
        log(f" {name}")
        for system in ("workerd", "capmesh"):
            results[f"{name}_{system}"] = timeline(system, config, with_rss)
    log("== reload recovery (capmesh --watch, one of two workers edited)")
    results["reload"] = reload_recovery()

    # The table: every row as a ratio against workerd.
    def ratio(a, b):
        return a / b if b else float("nan")
    rows = []
    sh, s50 = results["startup_hello"], results["startup_50"]
    rows.append(("startup hello: first answer", f"{sh['capmesh']:.0f} ms vs {sh['workerd']:.0f} ms",
                 f"{ratio(sh['capmesh'], sh['workerd']):.1f}x", "<= 1000 ms", sh["capmesh"] <= 1000))
    rows.append(("startup 50 workers", f"{s50['capmesh']:.0f} ms vs {s50['workerd']:.0f} ms",
                 f"{ratio(s50['capmesh'], s50['workerd']):.1f}x", "<= 2000 ms", s50["capmesh"] <= 2000))
    st = results["startup_typical"]
    rows.append(("startup typical worker", f"{st['capmesh']:.0f} ms vs {st['workerd']:.0f} ms",
                 f"{ratio(st['capmesh'], st['workerd']):.1f}x", "(none)", None))
    for name in ("hello", "chain"):
        w, c = results[f"{name}_workerd"], results[f"{name}_capmesh"]
        for label, target in (("after 3 s", 0.5), ("after 30 s", 1.0), ("peak", 1.5)):
            rr = ratio(c[label]["rps"], w[label]["rps"])
            rows.append((f"{name} req/s {label}", f"{c[label]['rps']:.0f} vs {w[label]['rps']:.0f}",
                         f"{rr:.2f}x", f">= {target}x", rr >= target))
            rows.append((f"{name} p99 {label}", f"{c[label]['p99_ms']:.2f} ms vs {w[label]['p99_ms']:.2f} ms",
                         f"{ratio(c[label]['p99_ms'], w[label]['p99_ms']):.2f}x", "< 1x",
                         c[label]["p99_ms"] < w[label]["p99_ms"]))
        rows.append((f"{name} cpu/request at peak", f"{c['peak']['cpu_us']:.1f} us vs {w['peak']['cpu_us']:.1f} us",
                     f"{ratio(c['peak']['cpu_us'], w['peak']['cpu_us']):.2f}x", "<= 1x",
                     c["peak"]["cpu_us"] <= w["peak"]["cpu_us"]))
    w, c = results["hello_workerd"], results["hello_capmesh"]
    rr = ratio(c["rss_kib"], w["rss_kib"])
    rows.append((f"rss after {RSS_AT:.0f} s hello load", f"{c['rss_kib'] / 1024:.0f} MiB vs {w['rss_kib'] / 1024:.0f} MiB",
                 f"{rr:.2f}x", "<= 2x", rr <= 2))
    rl = results["reload"]
    rows.append(("reload: other worker right after", f"{rl['after_a']:.0f} vs {rl['warm_a']:.0f} warm",
                 f"{ratio(rl['after_a'], rl['warm_a']):.2f}x of warm", "not restarted", rl["after_a"] >= 0.8 * rl["warm_a"]))
    back = rl["a_back_s"]
    rows.append(("reload: other worker >= 0.8x warm", "after " + (f"{back:.1f} s" if back is not None else "> 10 s"),
                 "1 s windows: " + " ".join(f"{x:.0f}" for x in rl["a_windows"][:6]), "<= 5 s",
                 back is not None and back <= 5))
    rec = rl["recovered_s"]
    rows.append(("reload: edited worker >= 0.5x warm", "after " + (f"{rec:.1f} s" if rec is not None else "> 10 s"),
                 "1 s windows: " + " ".join(f"{x:.0f}" for x in rl["b_windows"][:6]), "<= 5 s",
                 rec is not None and rec <= 5))
    log("")
    log(f"{'row':38s} {'capmesh vs workerd':32s} {'ratio':22s} {'target':12s} met")
    for row in rows:
        log(f"{row[0]:38s} {row[1]:32s} {row[2]:22s} {row[3]:12s} {'-' if row[4] is None else 'yes' if row[4] else 'NO'}")
    out = os.environ.get("RESULTS")
    if out:
        with open(out, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
