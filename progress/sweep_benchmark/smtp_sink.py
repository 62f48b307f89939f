"""A local SMTP server for ``benchmark_sweep``: it accepts every message and
writes one line per message to a file, the time it was accepted and its
Message-ID, so the benchmark can tell when the last one arrived and that none
came twice. Nothing is delivered anywhere.

    python -m progress.sweep_benchmark.smtp_sink --port 8025 --record accepted.txt
"""

import argparse
import re
import signal
import threading
import time

from aiosmtpd.controller import Controller

MESSAGE_ID = re.compile(rb"^Message-ID:\s*(\S+)", re.IGNORECASE | re.MULTILINE)


class Recorder:
    def __init__(self, path):
        self.file = open(path, "a", buffering=1)  # noqa: SIM115  # open for the server's life

    async def handle_DATA(self, server, session, envelope):  # noqa: N802  # aiosmtpd's name
        found = MESSAGE_ID.search(envelope.content)
        message_id = found[1].decode() if found else "-"
        self.file.write(f"{time.time()!r} {message_id}\n")
        return "250 Message accepted for delivery"


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--record", required=True)
    args = parser.parse_args()
    controller = Controller(Recorder(args.record), hostname="127.0.0.1", port=args.port)
    controller.start()
    print("ready", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
