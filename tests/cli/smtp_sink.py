"""An SMTP server owned by the test suite (Debian's python3-aiosmtpd).

usage: smtp_sink.py DIR PORT [FAIL_CODE FAIL_COUNT]

Listens on 127.0.0.1:PORT (0: any free port) and prints the port on the
first line of stdout. Each message received is written as DIR/N.eml (the
bytes as they came, N counting from 1) with DIR/N.json beside it:
{"mail_from": ..., "rcpt_tos": [...]}. With FAIL_CODE and FAIL_COUNT the
first FAIL_COUNT messages are refused at the end of DATA with that SMTP
code (451: try again later; 550: never). Stops on SIGTERM or SIGINT, or by
itself after 300 s."""
import asyncio
import json
import os
import signal
import sys

from aiosmtpd.smtp import SMTP


class Sink:
    def __init__(self, directory, fail_code, fail_count):
        self.directory = directory
        self.fail_code = fail_code
        self.fail_count = fail_count
        self.seen = 0
        self.saved = 0

    async def handle_DATA(self, server, session, envelope):
        self.seen += 1
        if self.seen <= self.fail_count:
            return f"{self.fail_code} refused by the test sink ({self.seen} of {self.fail_count})"
        self.saved += 1
        base = os.path.join(self.directory, str(self.saved))
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        with open(base + ".eml.tmp", "wb") as f:
            f.write(raw)
        with open(base + ".json", "w") as f:
            json.dump({"mail_from": envelope.mail_from, "rcpt_tos": list(envelope.rcpt_tos)}, f)
        # The .eml last, complete: a test that sees it sees its sidecar too.
        os.replace(base + ".eml.tmp", base + ".eml")
        return "250 OK"


async def main():
    directory, port = sys.argv[1], int(sys.argv[2])
    fail_code = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    fail_count = int(sys.argv[4]) if len(sys.argv) > 4 else 0
    os.makedirs(directory, exist_ok=True)
    handler = Sink(directory, fail_code, fail_count)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(handler, hostname="sink.test"), "127.0.0.1", port)
    print(server.sockets[0].getsockname()[1], flush=True)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        await asyncio.wait_for(stop.wait(), timeout=300)
    except asyncio.TimeoutError:
        pass
    server.close()


asyncio.run(main())
