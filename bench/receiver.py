"""The write benchmark's webhook receiver: answers every POST with 204 and logs when it came.

    python -m bench.receiver --port 8765 --log /tmp/receiver.log

Runs as its own process (a ThreadingHTTPServer on 127.0.0.1), so that receiving does not share
an interpreter with the benchmark. Each line of the log: the arrival time (time.time()), the
delivery id and the event id from the KI-Register headers.
"""

import argparse
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# The header names of registry.webhooks.signing (not imported: this process runs without Django).
DELIVERY_HEADER = "X-KI-Register-Delivery"
EVENT_ID_HEADER = "X-KI-Register-Event-Id"


class _Handler(BaseHTTPRequestHandler):
    log: "_Log"

    def do_POST(self) -> None:
        arrived = time.time()
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self.log.write(
            f"{arrived:.6f} {self.headers.get(DELIVERY_HEADER, '-')} "
            f"{self.headers.get(EVENT_ID_HEADER, '-')}\n"
        )
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, format: str, *args: object) -> None:
        return


class _Log:
    def __init__(self, path: str) -> None:
        self.lock = threading.Lock()
        self.file = open(path, "a", encoding="utf-8")  # noqa: SIM115 - open for the whole run

    def write(self, line: str) -> None:
        with self.lock:
            self.file.write(line)
            self.file.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--log", required=True)
    args = parser.parse_args()
    _Handler.log = _Log(args.log)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), _Handler)
    server.daemon_threads = True
    server.serve_forever()


if __name__ == "__main__":
    main()
