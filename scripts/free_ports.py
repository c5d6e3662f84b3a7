#!/usr/bin/env python3
"""Print N loopback ports that were free a moment ago, all different.

    scripts/free_ports.py [N]    (default 1)

The kernel's picks for N sockets bound to port 0 at the same time, so no
two are the same; each is free again once the sockets close. Used by the
scripts that run servers of their own (scripts/load.sh, scripts/bench_e2e.sh).
"""

import socket
import sys


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    socks = [socket.socket() for _ in range(n)]
    for s in socks:
        s.bind(("127.0.0.1", 0))
    print(*[s.getsockname()[1] for s in socks])
    for s in socks:
        s.close()


if __name__ == "__main__":
    main()
