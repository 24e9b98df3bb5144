#!/usr/bin/env python3
"""Summarises the statements a server log names as slow (`--slow-statement-ms`): how
many of each and the slowest time, slowest first. The server logs the start of each
statement's SQL, never its values.
Usage: bench/slow-statements.py server.log [top]"""
import re
import sys
from collections import defaultdict

ESCAPES = re.compile(r"\x1b\[[0-9;]*m")
SLOW = re.compile(r"slow statement: (.*?) elapsed_ms=(\d+)")


def main():
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 15
    seen = defaultdict(lambda: [0, 0])
    with open(sys.argv[1], encoding="utf-8", errors="replace") as log:
        for line in log:
            found = SLOW.search(ESCAPES.sub("", line))
            if found:
                row = seen[found.group(1)[:200]]
                row[0] += 1
                row[1] = max(row[1], int(found.group(2)))
    print(f"statements slower than the threshold: {sum(n for n, _ in seen.values())}")
    for sql, (n, worst) in sorted(seen.items(), key=lambda kv: -kv[1][1])[:top]:
        print(f"  {n:5d}x, up to {worst:6d} ms: {sql}")


if __name__ == "__main__":
    main()
