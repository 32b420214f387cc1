#!/usr/bin/env python3
"""Hostile and real clients against incident serve, for test_serve_clients.sh.

hostile_clients.py URL TOKEN --slow N --real M --deadline S
  N slow clients from 127.0.0.2 (another address than the real ones) each
  open a connection and send a request header one byte every 0.5 s, never
  finishing; meanwhile M real alerts (PagerDuty triggers, distinct keys) are
  posted from 127.0.0.1 by 4 threads, and /healthz is asked every 0.2 s.
  Prints one JSON object: the real answers' statuses and slowest latency,
  /healthz's answers and slowest latency, and for the slow clients how many
  were refused at once (503), cut, or still open when they stopped (S + 1.5
  seconds after they connected, however soon the real alerts were done),
  and the longest any was kept open.
"""
import argparse
import http.client
import json
import socket
import threading
import time
import urllib.parse


def slow_client(host, port, out, stop):
    s = socket.socket()
    s.bind(("127.0.0.2", 0))
    start = time.monotonic()
    try:
        s.connect((host, port))
        s.settimeout(0.5)
        header = b"POST /v1/alerts/alertmanager HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n"
        for i in range(len(header)):
            if stop.is_set():
                break
            s.send(header[i:i + 1])
            try:
                got = s.recv(4096)
                if got.startswith(b"HTTP/1.1 503"):
                    out.append(("refused", time.monotonic() - start))
                    return
                if got == b"":
                    out.append(("cut", time.monotonic() - start))
                    return
            except socket.timeout:
                pass
            except OSError:
                out.append(("cut", time.monotonic() - start))
                return
        out.append(("open", time.monotonic() - start))
    except OSError:
        out.append(("cut", time.monotonic() - start))
    finally:
        s.close()


def post(host, port, token, i):
    c = http.client.HTTPConnection(host, port, timeout=30)
    body = json.dumps({"routing_key": "r", "event_action": "trigger", "dedup_key": "real-%d" % i,
                       "payload": {"summary": "real %d" % i, "source": "test", "severity": "critical"}})
    start = time.monotonic()
    c.request("POST", "/v2/enqueue", body, {"Authorization": "Bearer " + token,
                                           "Content-Type": "application/json"})
    status = c.getresponse().status
    c.close()
    return status, time.monotonic() - start


def main():
    p = argparse.ArgumentParser()
    p.add_argument("url")
    p.add_argument("token")
    p.add_argument("--slow", type=int, default=20)
    p.add_argument("--real", type=int, default=100)
    p.add_argument("--deadline", type=float, default=3)
    args = p.parse_args()
    u = urllib.parse.urlparse(args.url)
    host, port = u.hostname, u.port
    stop = threading.Event()
    slow_out, real_out, health_out = [], [], []
    slow = [threading.Thread(target=slow_client, args=(host, port, slow_out, stop)) for _ in range(args.slow)]
    began = time.monotonic()
    for t in slow:
        t.start()
    time.sleep(0.5)  # the slow ones hold their connections first

    def health():
        while not stop.is_set():
            start = time.monotonic()
            try:
                c = http.client.HTTPConnection(host, port, timeout=10)
                c.request("GET", "/healthz")
                health_out.append((c.getresponse().status, time.monotonic() - start))
                c.close()
            except OSError:
                health_out.append(("error", time.monotonic() - start))
            time.sleep(0.2)

    todo = list(range(args.real))
    lock = threading.Lock()

    def real():
        while True:
            with lock:
                if not todo:
                    return
                i = todo.pop()
            try:
                real_out.append(post(host, port, args.token, i))
            except OSError:
                real_out.append(("error", 0))

    h = threading.Thread(target=health)
    h.start()
    workers = [threading.Thread(target=real) for _ in range(4)]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    time.sleep(max(1, began + args.deadline + 1.5 - time.monotonic()))  # past the server's deadline
    stop.set()
    h.join()
    for t in slow:
        t.join()
    print(json.dumps({
        "real": sorted(set(str(s) for s, _ in real_out)), "real_count": len(real_out),
        "real_slowest": max(t for _, t in real_out),
        "health": sorted(set(str(s) for s, _ in health_out)), "health_count": len(health_out),
        "health_slowest": max(t for _, t in health_out),
        "slow_refused": sum(1 for k, _ in slow_out if k == "refused"),
        "slow_cut": sum(1 for k, _ in slow_out if k == "cut"),
        "slow_open": sum(1 for k, _ in slow_out if k == "open"),
        "slow_longest": max(t for _, t in slow_out),
    }))


main()
