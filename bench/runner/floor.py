#!/usr/bin/env python3
"""The floor under a capmesh start, against workerd's whole start, on this machine.

    bench/runner/floor.py [ROUNDS]      (default 5; build and record the startup cache first)

Runs, in alternating order each round, fresh processes that stop at each stage of what a runner
must do before its first answer, started with the runner's own JVM, flags and startup cache (the
launcher's CAPMESH_PRINT_COMMAND=1 gives them; Floor.java is compiled once, with the JDK the
launcher finds):
  jvm          the JVM up to main()
  engine       ... and a GraalJS engine
  context      ... and a first context that evaluated `1`
  web-parse    ... and the runner's web-platform sources parsed (not run)
and, for reference, capmesh's and workerd's hello world: launch to the first answered request
(polled every 5 ms on 127.0.0.1). Prints the median of each and its ratio to workerd's hello.
Needs workerd: WORKERD=/path, or the one bench/runner/warmup.sh installs. Loopback only.
"""
import importlib.util
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
_spec = importlib.util.spec_from_file_location("startup_ab", os.path.join(HERE, "startup-ab.py"))
startup_ab = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(startup_ab)
WORKERD = os.environ.get("WORKERD", os.path.expanduser("~/.cache/capmesh-bench/node_modules/.bin/workerd"))
HELLO = os.path.join(HERE, "hello.capnp")
WEB = os.path.join(ROOT, "runner", "src", "main", "resources", "dev", "capmesh", "runner", "js")
WEB_SOURCES = ["web-core.js", "web-url.js", "web-crypto.js", "web-streams.js", "web-form.js", "web-fetch.js"]
STAGES = ["jvm", "engine", "context", "web-parse"]


def runner_command():
    """The java command bin/runner serve would run: java, its arguments up to the main class."""
    env = dict(os.environ, CAPMESH_NO_BUILD="1", CAPMESH_PRINT_COMMAND="1")
    out = subprocess.run([os.path.join(ROOT, "bin", "runner"), "serve", HELLO], env=env,
                         capture_output=True, text=True, check=True).stdout.splitlines()
    main = out.index("dev.capmesh.runner.cli.RunnerMain")
    command = out[:main]
    if not any(a.startswith("-XX:AOTCache=") for a in command):
        sys.exit("floor: the launcher would start without its startup cache; record it first "
                 "(CAPMESH_NO_BUILD=1 bin/runner train-startup-cache)")
    return command


def compile_floor(classes):
    jdk = subprocess.run(["bash", "-c", f'. "{ROOT}/bin/lib/jdk.sh"; capmesh_find_jdk >&2 && echo "$CAPMESH_JAVA_HOME"'],
                         capture_output=True, text=True, check=True).stdout.strip()
    command = runner_command()
    cp = command[command.index("-cp") + 1]
    subprocess.run([os.path.join(jdk, "bin", "javac"), "-nowarn", "-cp", cp, "-d", classes,
                    os.path.join(HERE, "Floor.java")], check=True)
    command[command.index("-cp") + 1] = cp + ":" + classes
    return command


def stage_ms(command, stage):
    args = {"jvm": ["main"], "engine": ["engine"], "context": ["context"],
            "web-parse": ["parse", *(os.path.join(WEB, s) for s in WEB_SOURCES)]}[stage]
    t0 = time.monotonic()
    subprocess.run([*command, "Floor", *args], check=True)
    return (time.monotonic() - t0) * 1000


def workerd_ms():
    t0 = time.monotonic()
    proc = subprocess.Popen([WORKERD, "serve", HELLO, "--socket-addr", f"http=127.0.0.1:{startup_ab.PORT}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        return startup_ab.await_answer(proc, t0, "floor: workerd", limit=30)
    finally:
        proc.kill()
        proc.wait()


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    if not os.access(WORKERD, os.X_OK):
        sys.exit(f"floor: no workerd at {WORKERD} (set WORKERD, or run bench/runner/warmup.sh once)")
    classes = tempfile.mkdtemp(prefix="capmesh-floor-")
    try:
        command = compile_floor(classes)
        env = dict(os.environ, CAPMESH_NO_BUILD="1")
        runs = {name: [] for name in ["workerd hello", *STAGES, "capmesh hello"]}
        order = list(runs)
        for r in range(rounds):
            for name in (order if r % 2 == 0 else order[::-1]):
                if name == "workerd hello":
                    ms = workerd_ms()
                elif name == "capmesh hello":
                    ms = startup_ab.start(ROOT, env, HELLO)[0]
                else:
                    ms = stage_ms(command, name)
                runs[name].append(ms)
                print(f"round {r} {name}: {ms:.0f} ms", flush=True)
                time.sleep(0.3)
    finally:
        shutil.rmtree(classes, ignore_errors=True)
    base = statistics.median(runs["workerd hello"])
    print(f"\n{'stage':16s} {'median':>8s} {'x workerd hello':>16s}   runs")
    for name, times in runs.items():
        m = statistics.median(times)
        print(f"{name:16s} {m:6.0f} ms {m / base:15.1f}x   " + " ".join(f"{t:.0f}" for t in times))


if __name__ == "__main__":
    main()
