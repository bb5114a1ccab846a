#!/usr/bin/python3
"""A stand-in for systemd's notification socket (sd_notify(3)), for tests.

    notify_listener.py SOCKET LOG

Binds an AF_UNIX datagram socket at SOCKET and appends one line per
notification to LOG: the CLOCK_MONOTONIC time in seconds, a tab, and the
datagram with its newlines shown as '|' ("READY=1|STATUS=3 queued...").
Runs until SIGTERM or SIGINT.  Standard library only.
"""
import os
import signal
import socket
import sys
import time


def main():
    if len(sys.argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    path, log = sys.argv[1], sys.argv[2]
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with open(log, "a", buffering=1) as out:
        while True:
            data = sock.recv(65536)
            t = time.clock_gettime(time.CLOCK_MONOTONIC)
            text = data.decode("utf-8", "replace").rstrip("\n").replace("\n", "|")
            out.write("%.3f\t%s\n" % (t, text))


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(0)
