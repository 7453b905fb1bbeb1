#!/usr/bin/env python3
"""Opens many TCP connections to one address and holds them idle, sending nothing.

bench/compare.sh uses it to read a proxy's memory per idle connection:

    python3 bench/idle_clients.py --port 26010 --count 5000 --hold 120

It connects one socket at a time (a blocking connect, so the proxy's accept queue never
overflows) and prints "open N" on stdout once all are open, or after 20 failed connects. It then
holds them until --hold seconds have passed or it gets SIGTERM/SIGINT, and reports on stderr any
the other side closes meanwhile. Exits 1 if none opened. The caller raises `ulimit -n` above
--count.
"""

import argparse
import selectors
import signal
import socket
import sys
import time


def main():
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--host", default="127.0.0.1")
    args.add_argument("--port", type=int, required=True)
    args.add_argument("--count", type=int, default=5000)
    args.add_argument("--hold", type=float, default=120, help="seconds to hold the connections, at most")
    opts = args.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))

    deadline = time.monotonic() + opts.hold
    sockets = []
    failures = 0
    while len(sockets) < opts.count and time.monotonic() < deadline:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(5)
        try:
            s.connect((opts.host, opts.port))
        except OSError as e:
            s.close()
            failures += 1
            print(f"idle_clients: connect {len(sockets) + 1} failed: {e}", file=sys.stderr)
            if failures >= 20:
                break
            continue
        sockets.append(s)
    print(f"open {len(sockets)}", flush=True)
    if not sockets:
        return 1

    # Any readable socket means the far side closed it (or sent something, which no backend here does).
    watch = selectors.DefaultSelector()
    for s in sockets:
        s.setblocking(False)
        watch.register(s, selectors.EVENT_READ)
    closed = 0
    while time.monotonic() < deadline:
        ready = watch.select(timeout=max(0.0, min(1.0, deadline - time.monotonic())))
        for key, _ in ready:
            watch.unregister(key.fileobj)
            key.fileobj.close()
        if ready:
            closed += len(ready)
            print(f"idle_clients: {closed} connection(s) closed by the other side", file=sys.stderr)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(0)
