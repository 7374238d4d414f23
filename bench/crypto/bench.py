#!/usr/bin/env python3
"""bench/crypto/hmac.sh's driver: HMAC-SHA256 of 1 KiB through crypto.subtle, capmesh against Node.

Both sides serve hmac.js's handler over loopback HTTP; every figure is signs per second inside
the handler (signs / the handler's own Date.now() elapsed), so HTTP costs are not in it.
Settings come from the environment (see hmac.sh)."""
import hashlib
import hmac
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
HERE = os.path.join(ROOT, 'bench', 'crypto')
NODE = os.environ.get('NODE', shutil.which('node') or '/usr/bin/node')
COLD_RUNS = int(os.environ.get('COLD_RUNS', '2'))
COLD_N = int(os.environ.get('COLD_N', '100'))
WARMUP = float(os.environ.get('WARMUP', '30'))
ROUNDS = int(os.environ.get('ROUNDS', '5'))
ROUND_SECS = float(os.environ.get('ROUND_SECS', '2'))
WARM_N = int(os.environ.get('WARM_N', '1000'))
REQ_MS = float(os.environ.get('REQ_MS', '200'))
INFLIGHT = int(os.environ.get('INFLIGHT', '64'))
AUDIT = os.environ.get('AUDIT', '0') == '1'
VARIANTS = [('imported key, awaited one by one', 'imported', 1),
            ('cryptoKey binding, awaited one by one', 'binding', 1),
            (f'imported key, {INFLIGHT} in flight (Promise.all)', 'imported', INFLIGHT)]

work = tempfile.mkdtemp(prefix='capmesh-hmac-')
procs = []


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def get(port, path, timeout=120):
    c = http.client.HTTPConnection('127.0.0.1', port, timeout=timeout)
    try:
        c.request('GET', path)
        r = c.getresponse()
        body = r.read()
        if r.status != 200:
            raise RuntimeError(f'GET {path} on port {port}: {r.status} {body[:300]!r}')
        return json.loads(body)
    finally:
        c.close()


class Side:
    def __init__(self, name, port, proc):
        self.name, self.port, self.proc = name, port, proc
        self.sizes = {}
        self.binding_signs = 0

    def cpu(self):
        """The process's CPU time so far (user + system, all threads), in seconds."""
        with open(f'/proc/{self.proc.pid}/stat') as f:
            fields = f.read().rsplit(')', 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def start(name, tag):
    port = free_port()
    log = open(os.path.join(work, f'{name}-{tag}.log'), 'w')
    if name == 'capmesh':
        d = os.path.join(work, f'cfg-{tag}')
        os.makedirs(d)
        for f in ('worker.js', 'hmac.js'):
            shutil.copy(os.path.join(HERE, f), d)
        with open(os.path.join(HERE, 'hmac.capnp')) as f:
            cfg = f.read().replace('127.0.0.1:PORT', f'127.0.0.1:{port}')
        with open(os.path.join(d, 'hmac.capnp'), 'w') as f:
            f.write(cfg)
        cmd = [os.path.join(ROOT, 'bin', 'runner'), 'serve', os.path.join(d, 'hmac.capnp'),
               '--cpu-limit', '60s', '--cold-start-cpu', '60s']
        if AUDIT:
            cmd += ['--audit-log', os.path.join(work, f'audit-{tag}.log')]
        env = dict(os.environ, CAPMESH_NO_BUILD='1')
    else:
        cmd = [NODE, os.path.join(HERE, 'node-server.mjs'), str(port)]
        env = os.environ
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env)
    procs.append(p)
    side = Side(name, port, p)
    while True:
        if p.poll() is not None:
            raise RuntimeError(f'{name} exited; see {log.name}:\n' + open(log.name).read()[-2000:])
        try:
            get(port, '/ping', timeout=5)
            break
        except (OSError, http.client.HTTPException):
            time.sleep(0.05)
    side.started = time.monotonic() - t0
    return side


def sign(side, key, n, inflight):
    r = get(side.port, f'/sign?n={n}&inflight={inflight}&key={key}')
    if key == 'binding':
        side.binding_signs += r['count']
    return r


def cold(name, tag):
    """A fresh process: signs/s over the first 1 s and first 5 s of signing (wall clock)."""
    side = start(name, tag)
    try:
        cpu0 = side.cpu()
        t0 = time.monotonic()
        done = []  # (end time since t0, count, handler ms)
        while time.monotonic() - t0 < 5:
            r = sign(side, 'imported', COLD_N, 1)
            done.append((time.monotonic() - t0, r['count'], r['ms']))
        out = {'startup': side.started, 'startup_cpu': cpu0, 'first': done[0][2] / done[0][1] * 1000,
               'cpu_per_sign': (side.cpu() - cpu0) * 1e6 / sum(c for _, c, _ in done)}
        for window in (1, 5):
            rows = [d for d in done if d[0] <= window] or done[:1]
            out[window] = sum(c for _, c, _ in rows) / max(sum(ms for _, _, ms in rows), 1) * 1000
        return out
    finally:
        side.stop()


def measure(side, key, inflight, secs):
    """signs/s over requests for secs; each request is sized to take about REQ_MS in the handler,
    so Date.now()'s millisecond steps stay small against it."""
    n = side.sizes.get((key, inflight), WARM_N)
    count = ms = 0
    t0 = time.monotonic()
    while time.monotonic() - t0 < secs:
        r = sign(side, key, n, inflight)
        count += r['count']
        ms += r['ms']
        n = max(inflight, min(WARM_N * 1000, int(r['count'] * REQ_MS / max(r['ms'], 1))))
    side.sizes[(key, inflight)] = n
    return count / max(ms, 1) * 1000


def fmt(x):
    return f'{x:,.0f}'


def main():
    print(f'# {time.strftime("%Y-%m-%d %H:%M:%S %Z")}; machine: {os.cpu_count()} CPUs, {cpu_model()}')
    print(f'# load: {subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()}')
    print(f'# node {subprocess.run([NODE, "--version"], capture_output=True, text=True).stdout.strip()}, '
          f'capmesh at {subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()}')
    print(f'# settings: COLD_RUNS={COLD_RUNS} COLD_N={COLD_N} WARMUP={WARMUP:g} ROUNDS={ROUNDS} '
          f'ROUND_SECS={ROUND_SECS:g} WARM_N={WARM_N} REQ_MS={REQ_MS:g} INFLIGHT={INFLIGHT} AUDIT={int(AUDIT)}')
    print('# signs/s are counted inside the request handler (Date.now() around the loop of signs);')
    print('# process CPU is user + system time of the whole process (compiler threads included), from /proc.')
    print()

    # Cold: fresh processes, alternating which side goes first.
    colds = {'capmesh': [], 'node': []}
    for i in range(COLD_RUNS):
        order = ('capmesh', 'node') if i % 2 == 0 else ('node', 'capmesh')
        for name in order:
            colds[name].append(cold(name, f'cold{i}'))
    if COLD_RUNS == 0:
        print('COLD: skipped (COLD_RUNS=0)')
    else:
        print(f'COLD: a fresh process, imported key, {COLD_N} signs per request awaited one by one '
              f'(median of {COLD_RUNS} fresh starts each)')
        print(f'  {"":38} {"capmesh":>12} {"node":>12} {"capmesh/node":>13}')
    for label, k in () if COLD_RUNS == 0 else (
            ('launch -> first answer (s)', 'startup'), ('  process CPU until then (s)', 'startup_cpu'),
            ('first request (us per sign)', 'first'), ('signs/s, first 1 s of signing', 1),
            ('signs/s, first 5 s of signing', 5), ('  process CPU per sign then (us)', 'cpu_per_sign')):
        c = statistics.median(r[k] for r in colds['capmesh'])
        n = statistics.median(r[k] for r in colds['node'])
        cs, ns = (f'{c:.2f}', f'{n:.2f}') if k in ('startup', 'startup_cpu') else (fmt(c), fmt(n))
        print(f'  {label:38} {cs:>12} {ns:>12} {c / n:>12.2f}x')
    print()

    # Warm: one process each, warmed up side by side, then alternating rounds.
    sides = {'capmesh': start('capmesh', 'warm'), 'node': start('node', 'warm')}
    try:
        want = hmac.new(bytes(range(32)), bytes((i * 131 + 7) & 255 for i in range(1024)), hashlib.sha256).hexdigest()
        sigs = {(name, key): sign(s, key, 1, 1)['sig'] for name, s in sides.items() for key in ('imported', 'binding')}
        sigs.update({(name, 'inflight'): sign(s, 'imported', INFLIGHT, INFLIGHT)['sig'] for name, s in sides.items()})
        same = all(v == want for v in sigs.values())
        print(f'CORRECTNESS: HMAC-SHA256(key 00..1f, 1 KiB) = {want} (Python hmac); capmesh and Node, '
              f'imported key, binding and in flight: {"all equal" if same else "DIFFERENT: " + repr(sigs)}')
        if not same:
            sys.exit(1)

        def warm(side):
            t0 = time.monotonic()
            while time.monotonic() - t0 < WARMUP:
                for _, key, inflight in VARIANTS:
                    sign(side, key, WARM_N // 4, inflight)
        threads = [threading.Thread(target=warm, args=(s,)) for s in sides.values()]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        rates = {(name, v): [] for name in sides for v in range(len(VARIANTS))}
        for r in range(ROUNDS):
            for v, (_, key, inflight) in enumerate(VARIANTS):
                order = ('capmesh', 'node') if (r + v) % 2 == 0 else ('node', 'capmesh')
                for name in order:
                    rates[(name, v)].append(measure(sides[name], key, inflight, ROUND_SECS))
        print()
        print(f'WARM: after {WARMUP:g} s of warm-up (both sides at once), {ROUNDS} alternating rounds of '
              f'{ROUND_SECS:g} s per variant, requests of about {REQ_MS:g} ms; median (min-max) signs/s')
        print(f'  {"":42} {"capmesh":>26} {"node":>26} {"capmesh/node":>13}')
        for v, (label, _, _) in enumerate(VARIANTS):
            c, n = rates[('capmesh', v)], rates[('node', v)]
            cm, nm = statistics.median(c), statistics.median(n)
            print(f'  {label:42} {fmt(cm):>9} ({fmt(min(c))}-{fmt(max(c))}) {fmt(nm):>9} ({fmt(min(n))}-{fmt(max(n))})'
                  f' {cm / nm:>12.2f}x')
        if AUDIT:
            path = os.path.join(work, 'audit-warm.log')
            time.sleep(1)
            with open(path) as f:
                lines = sum(1 for _ in f)
            print(f'  audit log of the warm capmesh process: {lines} lines for '
                  f'{sides["capmesh"].binding_signs} signs with the binding')
    finally:
        for s in sides.values():
            s.stop()
    print(f'# end: {time.strftime("%H:%M:%S")}; load: {subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()}')


def cpu_model():
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                if line.startswith('model name'):
                    return line.split(':', 1)[1].strip()
    except OSError:
        pass
    return 'unknown CPU'


if __name__ == '__main__':
    try:
        main()
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
        shutil.rmtree(work, ignore_errors=True)
