"""An SMTP server that keeps every mail as a file: the scale-out tests count what was sent.

Usage: python -m tests.scaleout.smtpsink PORT DIRECTORY
"""

import pathlib
import sys
import time
import uuid
from typing import Any

from aiosmtpd.controller import Controller


class Keep:
    def __init__(self, directory: pathlib.Path) -> None:
        self.directory = directory

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        name = f"{time.time_ns()}-{uuid.uuid4().hex}.eml"
        (self.directory / name).write_bytes(envelope.original_content or envelope.content)
        return "250 OK"


if __name__ == "__main__":
    directory = pathlib.Path(sys.argv[2])
    directory.mkdir(parents=True, exist_ok=True)
    controller = Controller(Keep(directory), hostname="127.0.0.1", port=int(sys.argv[1]))
    controller.start()
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()
