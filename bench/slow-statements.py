#!/usr/bin/env python3
"""Summarises the statements a server log names as slow: how many of each and the
slowest time, slowest first. sqlx writes each statement's text over several lines (never
its values), so entries are joined up to the next timestamped line.
Usage: bench/slow-statements.py server.log [top]"""
import re
import sys
from collections import defaultdict

ESCAPES = re.compile(r"\x1b\[[0-9;]*m")
START = re.compile(r"^\S*\d{4}-\d\d-\d\dT")


def entries(path):
    entry = []
    with open(path, encoding="utf-8", errors="replace") as log:
        for line in log:
            line = ESCAPES.sub("", line.rstrip("\n"))
            if START.match(line) and entry:
                yield " ".join(entry)
                entry = []
            entry.append(line)
    if entry:
        yield " ".join(entry)


def main():
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 15
    seen = defaultdict(lambda: [0, 0.0])
    for entry in entries(sys.argv[1]):
        if "slow statement" not in entry:
            continue
        secs = re.search(r"elapsed_secs=([0-9.e-]+)", entry)
        text = re.search(r'db\.statement="?(.*?)"? rows_affected=', entry)
        summary = re.search(r'summary="([^"]*)"', entry)
        key = " ".join((text.group(1) if text and text.group(1).strip() else
                        summary.group(1) if summary else entry).split())
        row = seen[key[:220]]
        row[0] += 1
        row[1] = max(row[1], float(secs.group(1)) if secs else 0.0)
    total = sum(n for n, _ in seen.values())
    print(f"statements slower than 500 ms: {total}")
    for key, (n, worst) in sorted(seen.items(), key=lambda kv: -kv[1][1])[:top]:
        print(f"  {n:5d}x, up to {worst:6.2f} s: {key}")


if __name__ == "__main__":
    main()
