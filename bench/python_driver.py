#!/usr/bin/env python3
"""CPython imaplib side of the ImapLib benchmark (bench/run.sh starts it; not meant to be run by hand).

Runs one scenario with the standard library's imaplib, as a script would: connect, login, select, then one
untimed warm-up repetition and N timed ones. Prints one JSON object: the times, what was received, and the
process's peak RSS from resource.getrusage. The scenarios mirror bench/ImapLib.Bench/Scenarios.cs.
"""
import argparse
import imaplib
import json
import resource
import ssl
import struct
import sys
import time

# name -> (kind, mailbox, full count, quick count)
SCENARIOS = {
    "fetch-bulk-10k": ("bulk", "bench10k", 2000, 200),
    "fetch-each-10k": ("each", "bench10k", 2000, 200),
    "fetch-bulk-5m": ("bulk", "bench5m", 20, 3),
    "fetch-each-5m": ("each", "bench5m", 20, 3),
    "fetch-envelope": ("envelope", "bench10k", 2000, 200),
    "search-all-20k": ("search", "bench20k", 20000, 20000),
    "append-1000": ("append", "benchappend", 1000, 100),
    # Through the simulated WAN link (bench/ImapLib.Bench/WanLink.cs); the full count is the folder's when they differ.
    "wan-fetch-bulk-2k": ("bulk", "bench10k", 2000, 200),
    "wan-fetch-headers-10k": ("headers", "bench20k", 10000, 1000),
    "wan-fetch-bulk-5m": ("bulk", "bench5m", 5, 1),
    "wan-fetch-envelope": ("envelope", "bench10k", 2000, 200),
    "wan-fetch-each-200": ("each", "bench10k", 200, 20),
    "wan-append-200": ("append", "benchappend", 200, 20),
}
# What SELECT must report for each folder.
FOLDER_COUNTS = {"bench10k": 2000, "bench5m": 20, "bench20k": 20000}


def status_kb(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return -1


def read_messages(path):
    with open(path, "rb") as f:
        data = f.read()
    out, at = [], 0
    while at < len(data):
        (n,) = struct.unpack(">I", data[at:at + 4])
        out.append(data[at + 4:at + 4 + n])
        at += 4 + n
    return out


def connect(a):
    if a.transport == "tls":
        ctx = ssl.create_default_context(cafile=a.ca)
        M = imaplib.IMAP4_SSL(a.host, a.tls_port, ssl_context=ctx)
    else:
        M = imaplib.IMAP4(a.host, a.port)
    typ, _ = M.login(a.user, a.password)
    assert typ == "OK", typ
    return M


def reset_append_box(M, box):
    M.delete(box)  # NO when it does not exist: fine
    typ, _ = M.create(box)
    assert typ == "OK", typ


def run_once(M, kind, box, count, message_set, messages_to_append):
    n = nbytes = 0
    if kind in ("bulk", "headers"):
        typ, data = M.fetch(message_set, "(RFC822)" if kind == "bulk" else "(BODY.PEEK[HEADER])")
        assert typ == "OK", typ
        for item in data:
            if isinstance(item, tuple):
                n += 1
                nbytes += len(item[1])
    elif kind == "each":
        for i in range(1, count + 1):
            typ, data = M.fetch(str(i), "(RFC822)")
            assert typ == "OK", typ
            for item in data:
                if isinstance(item, tuple):
                    n += 1
                    nbytes += len(item[1])
    elif kind == "envelope":
        typ, data = M.fetch(message_set, "(ENVELOPE FLAGS)")
        assert typ == "OK", typ
        for item in data:
            if item is None:
                continue
            head = item[0] if isinstance(item, tuple) else item
            nbytes += len(head) + (len(item[1]) if isinstance(item, tuple) else 0)
            if head[:1].isdigit():
                n += 1
    elif kind == "search":
        typ, data = M.search(None, "ALL")
        assert typ == "OK", typ
        nbytes = len(data[0])
        n = len(data[0].split())
    elif kind == "append":
        for i in range(count):
            msg = messages_to_append[i]
            typ, _ = M.append(box, None, None, msg)
            assert typ == "OK", typ
            n += 1
            nbytes += len(msg)
    else:
        raise ValueError(kind)
    return n, nbytes


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--scenario", required=True)
    p.add_argument("--transport", default="plain", choices=["plain", "tls"])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=14400)
    p.add_argument("--tls-port", type=int, default=19940)
    p.add_argument("--ca")
    p.add_argument("--user", default="bench")
    p.add_argument("--password", default="benchpw")
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--warmup", type=int, default=1)
    p.add_argument("--quick", action="store_true")
    p.add_argument("--append-file")
    a = p.parse_args()

    kind, box, full, quick = SCENARIOS[a.scenario]
    count = quick if a.quick else full
    folder_count = FOLDER_COUNTS.get(box, full)
    message_set = "1:*" if count == folder_count else "1:%d" % count
    to_append = read_messages(a.append_file) if kind == "append" else []

    base_rss = status_kb("VmRSS")
    M = connect(a)
    if kind == "append":
        reset_append_box(M, box)
    else:
        typ, data = M.select(box)
        assert typ == "OK" and int(data[-1]) == folder_count, (typ, data)

    times, cpus, faults, n, nbytes = [], [], [], 0, 0
    for r in range(a.warmup + a.reps):
        f0 = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        c0 = time.process_time()
        t0 = time.perf_counter()
        n, nbytes = run_once(M, kind, box, count, message_set, to_append)
        elapsed = time.perf_counter() - t0
        cpu = time.process_time() - c0
        faulted = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - f0
        if kind == "append":
            reset_append_box(M, box)
        if r >= a.warmup:
            times.append(elapsed)
            cpus.append(cpu)
            faults.append(faulted)
    M.logout()

    json.dump({
        "client": "python",
        "scenario": a.scenario,
        "transport": a.transport,
        "times_s": times,
        "cpu_s": cpus,
        "minor_faults": faults,
        "messages": n,
        "bytes": nbytes,
        # VmHWM is this process image's own peak. getrusage's ru_maxrss is kept across execve on Linux, so
        # when a big parent forks us it reports the parent's size instead: recorded, but not used.
        "peak_rss_kb": status_kb("VmHWM"),
        "ru_maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "base_rss_kb": base_rss,
        "rss_anon_kb": status_kb("RssAnon"),
        "rss_file_kb": status_kb("RssFile"),
        "python": sys.version.split()[0],
    }, sys.stdout)


if __name__ == "__main__":
    main()
