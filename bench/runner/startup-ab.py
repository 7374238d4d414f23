#!/usr/bin/env python3
"""Launch -> first answer of several capmesh checkouts (or settings), fresh starts in alternating
rounds, so that a machine whose speed drifts compares them fairly.

    bench/runner/startup-ab.py ROUNDS CONFIG NAME=SPEC [NAME=SPEC ...]

SPEC is "VAR=VALUE,VAR=VALUE|JAVA_OPTS": environment variables for the start (ROOT=/path picks
the checkout, this one by default; CAPMESH_NO_BUILD=1 is always set, so build and record the
startup cache first: ./mvnw -q -B install -DskipTests && bin/runner train-startup-cache), and
after "|" what goes into CAPMESH_JAVA_OPTS. Example, this tree against a worktree of main:

    bench/runner/startup-ab.py 6 samples/hello-world/config.capnp new= base=ROOT=/tmp/base

Each start listens on 127.0.0.1; the script polls it with a raw socket every 5 ms (a curl per
poll would take a core from the runner on a small machine) and stops the runner at its first
200. Prints each start, then per variant the median and mean time and the process's CPU time
(user + system) at that moment. Loopback only.
"""
import os
import signal
import socket
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CHECKOUT = os.path.dirname(os.path.dirname(HERE))
PORT = 18190
HZ = os.sysconf("SC_CLK_TCK")


def variant(arg):
    name, spec = arg.split("=", 1)
    variables, _, java_opts = spec.partition("|")
    env = dict(os.environ, CAPMESH_NO_BUILD="1")
    root = CHECKOUT
    for pair in filter(None, variables.split(",")):
        key, value = pair.split("=", 1)
        if key == "ROOT":
            root = value
        else:
            env[key] = value
    if java_opts:
        env["CAPMESH_JAVA_OPTS"] = java_opts
    return name, root, env


def answered():
    """True once the runner answered GET / with a 200."""
    try:
        with socket.create_connection(("127.0.0.1", PORT), timeout=5) as s:
            s.sendall(b"GET / HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n")
            data = b""
            while chunk := s.recv(65536):
                data += chunk
            return data.startswith(b"HTTP/1.1 200")
    except OSError:
        return False


def cpu_ms(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / HZ * 1000


def await_answer(proc, t0, what, limit=120):
    """Milliseconds from t0 to the first 200 on PORT; exits if proc ends or limit s pass first."""
    while time.monotonic() - t0 < limit:
        if proc.poll() is not None:
            raise SystemExit(f"{what}: exited with {proc.returncode} before answering")
        if answered():
            return (time.monotonic() - t0) * 1000
        time.sleep(0.005)
    raise SystemExit(f"{what}: no answer within {limit} s")


def start(root, env, config):
    t0 = time.monotonic()
    proc = subprocess.Popen([os.path.join(root, "bin", "runner"), "serve", config,
                             "--socket-addr", f"http=127.0.0.1:{PORT}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                            start_new_session=True)
    try:
        ms = await_answer(proc, t0, f"the runner in {root}")
        return ms, cpu_ms(proc.pid)
    finally:
        stop(proc)


def stop(proc):
    """Kills proc's process group (started with start_new_session), if it is still there."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()


def arguments(usage):
    """ROUNDS CONFIG NAME=SPEC...: the rounds, the config's absolute path and the variants."""
    if len(sys.argv) < 4:
        raise SystemExit(usage)
    return int(sys.argv[1]), os.path.abspath(sys.argv[2]), [variant(a) for a in sys.argv[3:]]


def alternating(rounds, variants):
    """(round, name, root, env) for every start, the variants' order reversed every other round."""
    for r in range(rounds):
        for name, root, env in (variants if r % 2 == 0 else variants[::-1]):
            yield r, name, root, env


def main():
    rounds, config, variants = arguments(__doc__)
    results = {name: [] for name, _, _ in variants}
    for r, name, root, env in alternating(rounds, variants):
        ms, cpu = start(root, env, config)
        results[name].append((ms, cpu))
        print(f"round {r} {name}: {ms:.0f} ms, cpu {cpu:.0f} ms", flush=True)
        time.sleep(0.5)
    for name, runs in results.items():
        times = [t for t, _ in runs]
        print(f"{name}: median {statistics.median(times):.0f} ms, mean {statistics.mean(times):.0f} ms, "
              f"cpu median {statistics.median(c for _, c in runs):.0f} ms")


if __name__ == "__main__":
    main()
