#!/usr/bin/env python3
"""A small HTTP client for the end-to-end suites (no curl on a fresh machine).

webhook_client.py METHOD URL [--token T] [--data FILE|-] [--content-type TYPE]
                  [--parallel N --count M --keys K]
  One request: prints the status on the first line, then the body; exits 0
  whatever the status (2 when the server cannot be reached).
  With --parallel: M PagerDuty-style trigger events with K distinct dedup
  keys, sent by N threads at once; prints one status per line, in any order
  ("error" for a request that got no answer).
"""
import argparse
import json
import sys
import threading
import urllib.error
import urllib.request


def request(method, url, token, body, content_type="application/json"):
    headers = {"Content-Type": content_type}
    if token is not None:
        headers["Authorization"] = "Bearer " + token
    req = urllib.request.Request(url, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def burst(args):
    statuses = []
    lock = threading.Lock()
    todo = list(range(args.count))

    def worker():
        while True:
            with lock:
                if not todo:
                    return
                i = todo.pop()
            body = json.dumps({"routing_key": "r", "event_action": "trigger", "dedup_key": "key-%d" % (i % args.keys),
                               "payload": {"summary": "alert %d" % (i % args.keys), "source": "burst",
                                           "severity": "critical"}}).encode()
            try:
                status, _ = request("POST", args.url, args.token, body)
            except OSError:
                status = "error"
            with lock:
                statuses.append(str(status))

    threads = [threading.Thread(target=worker) for _ in range(args.parallel)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print("\n".join(statuses))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("method")
    p.add_argument("url")
    p.add_argument("--token")
    p.add_argument("--data")
    p.add_argument("--content-type", default="application/json")
    p.add_argument("--parallel", type=int)
    p.add_argument("--count", type=int, default=1)
    p.add_argument("--keys", type=int, default=1)
    args = p.parse_args()
    if args.parallel:
        return burst(args)
    body = None
    if args.data == "-":
        body = sys.stdin.buffer.read()
    elif args.data:
        with open(args.data, "rb") as f:
            body = f.read()
    try:
        status, text = request(args.method, args.url, args.token, body, args.content_type)
    except OSError as e:
        print("error\n%s" % e)
        sys.exit(2)
    print(status)
    print(text, end="")


main()
