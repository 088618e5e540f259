#!/usr/bin/env python3
"""Flush latency of a disk driven the way three Raft replicas drive it, without the replicas.

Three writers append RECORD-byte records at RATE/s each, an fdatasync after every record, into
segments written ahead with zeros in 4 MiB steps (as Ratis preallocates), closed at SEGMENT bytes
(the unused tail truncated) and deleted two segments later (as a purge after a snapshot does).
A fourth writer is the benchmarks' probe: a 4 KiB overwrite and fdatasync every 10 ms. Prints
each writer group's flush percentiles for three layouts (preallocated with and without deletes,
appended). With --hogs N, N busy-looping processes share the CPUs meanwhile: how much of a flush
tail is waiting for a CPU after the disk has answered.

Usage: scripts/log-flush-model.py DIR [SECONDS [RATE [RECORD [SEGMENT]]]] [--hogs N]
e.g.   scripts/log-flush-model.py /var/lib/docker/flushtest 25 1000 4000 16777216 --hogs 3
"""
import argparse
import multiprocessing as mp
import os
import sys
import time

PREALLOC = 4 << 20


def writer(d, name, prealloc, segment, rate, secs, record, delete, q):
    zeros = b'\0' * (1 << 20)
    data = os.urandom(record)
    lat = []
    i, pos, end = 0, 0, 0
    fd = os.open(f"{d}/{name}.{i}", os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
    stop = time.time() + secs
    due = time.perf_counter()
    while time.time() < stop:
        if prealloc and pos + record > end:
            left = min(prealloc, segment - end)
            while left > 0:
                k = min(left, len(zeros))
                os.pwrite(fd, zeros[:k], end)
                end += k
                left -= k
        os.pwrite(fd, data, pos)
        pos += record
        t = time.perf_counter()
        os.fdatasync(fd)
        lat.append(time.perf_counter() - t)
        if pos + record > segment:
            os.ftruncate(fd, pos)
            os.close(fd)
            if delete and i >= 2:
                os.unlink(f"{d}/{name}.{i - 2}")
            i, pos, end = i + 1, 0, 0
            fd = os.open(f"{d}/{name}.{i}", os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
        due += 1.0 / rate
        pause = due - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
    os.close(fd)
    q.put((name, lat))


def hog():
    while True:
        pass


def pct(values, p):
    v = sorted(values)
    return v[min(len(v) - 1, int(p / 100 * len(v)))] * 1000


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir", help="where the segments go (on the disk to measure)")
    ap.add_argument("seconds", nargs="?", type=int, default=25, help="per layout (25)")
    ap.add_argument("rate", nargs="?", type=int, default=1000, help="records per second per writer (1000)")
    ap.add_argument("record", nargs="?", type=int, default=4000, help="bytes per record (4000)")
    ap.add_argument("segment", nargs="?", type=int, default=16 << 20, help="segment bytes (16 MiB)")
    ap.add_argument("--hogs", type=int, default=0, help="busy-looping processes beside the writers (0)")
    a = ap.parse_args()
    d, secs, rate, record, segment, hogs = a.dir, a.seconds, a.rate, a.record, a.segment, a.hogs
    os.makedirs(d, exist_ok=True)
    spinning = [mp.Process(target=hog, daemon=True) for _ in range(hogs)]
    for p in spinning:
        p.start()
    try:
        for prealloc, delete in [(PREALLOC, True), (PREALLOC, False), (0, True)]:
            for f in os.listdir(d):
                os.unlink(os.path.join(d, f))
            q = mp.Queue()
            procs = [mp.Process(target=writer, args=(d, f"w{i}", prealloc, segment, rate, secs, record, delete, q))
                     for i in range(3)]
            procs.append(mp.Process(target=writer, args=(d, "probe", PREALLOC, 1 << 40, 100, secs, 4096, False, q)))
            for p in procs:
                p.start()
            res = dict(q.get() for _ in procs)
            for p in procs:
                p.join()
            w = [x for k, v in res.items() if k != "probe" for x in v]
            pr = res["probe"]
            print(f"{'preallocated' if prealloc else 'appended'}{', deleted' if delete else ''}, {hogs} hogs: "
                  f"writers p50 {pct(w, 50):.2f} p99 {pct(w, 99):.2f} p99.9 {pct(w, 99.9):.2f} ms | "
                  f"probe p50 {pct(pr, 50):.2f} p99 {pct(pr, 99):.2f} ms", flush=True)
    finally:
        for p in spinning:
            p.terminate()
        for f in os.listdir(d):
            os.unlink(os.path.join(d, f))


if __name__ == "__main__":
    main()
