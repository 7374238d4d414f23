#!/usr/bin/env python3
"""Redis's own CPU time per KV operation, for each way RedisKv has written it.

    bench/kv/redis-cost.py [OPS]      # default 50,000 operations per window, 5 windows each

Starts a redis-server on a free loopback port, sends each variant's commands 32 operations per
write (as the runner's pipelined KV calls arrive) and reads Redis's `used_cpu_user + used_cpu_sys`
before and after each window: the server's whole cost per operation, parsing and I/O included.
Windows of all variants alternate; the summary is the median (and every window) in microseconds.

Variants: `set` (a plain SET, what raw Lettuce's put is), `put-script` (the Lua script a put ran
until 2026-11-30: DEL, HSET, PEXPIRE, ZADD), `put` (a put now: SET of the entry, then ZADD),
`get-hash` (HMGET of the earlier hash form), `get` (GET of the entry now), `delete-script` and
`delete` (ZREM then DEL).
"""
import socket
import statistics
import subprocess
import sys
import tempfile
import time

OPS = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
PER_WRITE = 32
WINDOWS = 5
VALUE = b"a value of some length, like a session record"

PUT_SCRIPT = b"""redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'v', ARGV[1], 'e', ARGV[4])
if ARGV[2] == '1' then redis.call('HSET', KEYS[1], 'm', ARGV[3]) end
if ARGV[5] ~= '0' then redis.call('PEXPIRE', KEYS[1], ARGV[5]) end
redis.call('ZADD', KEYS[2], 0, ARGV[6])
return 1"""
DELETE_SCRIPT = b"""redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return 1"""


def command(*args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


class Redis:
    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.file = self.sock.makefile("rb")

    def reply(self):
        line = self.file.readline()
        kind = line[:1]
        if kind == b"-":
            raise RuntimeError(line.decode().strip())
        if kind == b"$":
            n = int(line[1:])
            return self.file.read(n + 2)[:-2] if n >= 0 else None
        if kind == b"*":
            return [self.reply() for _ in range(max(0, int(line[1:])))]
        return line[1:].strip()

    def call(self, *args):
        self.sock.sendall(command(*args))
        return self.reply()

    def cpu_seconds(self):
        info = self.call("INFO", "cpu").decode()
        fields = dict(l.split(":", 1) for l in info.split("\r\n") if ":" in l)
        return float(fields["used_cpu_user"]) + float(fields["used_cpu_sys"])


def entry_bytes(value):
    # RedisKv's entry: format 1, expiration (8 bytes), metadata length (-1: none), value.
    return b"\x01" + (0).to_bytes(8, "big") + (-1).to_bytes(4, "big", signed=True) + value


def main():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    workdir = tempfile.mkdtemp(prefix="redis-cost-")
    server = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                               "--appendonly", "no", "--dir", workdir], stdout=subprocess.DEVNULL)
    try:
        deadline = time.time() + 10
        while True:
            try:
                r = Redis(port)
                r.call("PING")
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.05)
        put_sha = r.call("SCRIPT", "LOAD", PUT_SCRIPT)
        delete_sha = r.call("SCRIPT", "LOAD", DELETE_SCRIPT)
        k, hk, i = b"{p}k:key", b"{p}h:key", b"{p}i"
        r.call("HSET", hk, "v", VALUE, "e", "0")
        variants = {
            "set": [command("SET", b"{p}s:key", VALUE)],
            "put-script": [command("EVALSHA", put_sha, 2, hk, i, VALUE, "0", "", "0", "0", "key")],
            "put": [command("SET", k, entry_bytes(VALUE)), command("ZADD", i, 0, "key")],
            "get-hash": [command("HMGET", hk, "v", "m", "e")],
            "get": [command("GET", k)],
            "delete-script": [command("EVALSHA", delete_sha, 2, b"{p}d:key", i, "gone")],
            "delete": [command("ZREM", i, "gone"), command("DEL", b"{p}d:key")],
        }
        results = {name: [] for name in variants}
        for _ in range(WINDOWS):
            for name, commands in variants.items():
                batch = b"".join(commands) * PER_WRITE
                replies = len(commands) * PER_WRITE
                before = r.cpu_seconds()
                for _ in range(OPS // PER_WRITE):
                    r.sock.sendall(batch)
                    for _ in range(replies):
                        r.reply()
                results[name].append(1e6 * (r.cpu_seconds() - before) / (OPS // PER_WRITE * PER_WRITE))
        print(f"Redis CPU per operation, {PER_WRITE} operations per write, {OPS} per window, "
              f"median of {WINDOWS} (every window)")
        for name, xs in results.items():
            print(f"{name:14} {statistics.median(xs):6.2f} us   ({' '.join(f'{x:.2f}' for x in xs)})")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
