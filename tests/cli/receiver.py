"""A webhook receiver owned by the test suite: listens on 127.0.0.1 (an
ephemeral port, written to PORTFILE), logs every request as one JSON line
to LOGFILE, and answers from SCRIPT: one response per line, consumed in
order ("200", "500", "400", "429:SECONDS" with Retry-After, "hang" = no
answer for 20 s), then 200. It stops by itself after 120 s."""
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port_file, log_file, script_file = sys.argv[1:4]
lock = threading.Lock()
served = [0]


def next_action():
    with lock:
        try:
            lines = [l.strip() for l in open(script_file) if l.strip()]
        except FileNotFoundError:
            lines = []
        n = served[0]
        served[0] += 1
        return lines[n] if n < len(lines) else "200"


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        action = next_action()
        entry = {"time": time.time(), "method": "POST", "path": self.path,
                 "headers": {k.lower(): v for k, v in self.headers.items()},
                 "body": body.decode("utf-8"), "answer": action}
        with lock, open(log_file, "a") as f:
            f.write(json.dumps(entry) + "\n")
        if action == "hang":
            time.sleep(20)
            return
        status, _, retry = action.partition(":")
        self.send_response(int(status))
        if retry:
            self.send_header("Retry-After", retry)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
with open(port_file + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
import os
os.replace(port_file + ".tmp", port_file)
threading.Timer(120, server.shutdown).start()
server.serve_forever()
