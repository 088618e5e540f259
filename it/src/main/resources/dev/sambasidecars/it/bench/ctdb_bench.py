#!/usr/bin/python3
# One client of the CTDB side of StoreVsCtdbBenchmark, run inside a node: for SECONDS it runs
# the ctdb tool in a loop and records how long each run took.
#   pstore: one record written in one persistent-database transaction (transaction start,
#           store, commit across the cluster) -- what the benchmark compares;
#   pfetch: the same tool start, connection to ctdbd and database attach with a local read
#           instead of a transaction -- the driving overhead included in every pstore figure.
# Usage: ctdb_bench.py pstore|pfetch DB CLIENT SECONDS VALUE_FILE OUT_FILE
import subprocess
import sys
import time

mode, db, client, seconds, value_file, out = sys.argv[1:7]
value = open(value_file).read().strip()
deadline = time.monotonic() + float(seconds)
latencies = []
errors = 0
i = 0
while time.monotonic() < deadline:
    key = "bench/%s/%d" % (client, i % 40)
    cmd = ["ctdb", "pstore", db, key, value] if mode == "pstore" else ["ctdb", "pfetch", db, key]
    t0 = time.perf_counter()
    r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    dt = time.perf_counter() - t0
    if r.returncode == 0:
        latencies.append(dt)
    else:
        errors += 1
    i += 1
with open(out, "w") as f:
    f.write("errors %d\n" % errors)
    f.write("\n".join("%.6f" % x for x in latencies))
    f.write("\n")
