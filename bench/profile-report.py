#!/usr/bin/env python3
"""Where the server's CPU went during a traced load phase.

Reads a speedscope file converted from a dotnet-trace `dotnet-sampled-thread-time` trace and
counts the time threads spent in managed code (the CPU_TIME leaf the converter adds), leaving\nout samples of threads that wait (see WAITING).
Prints the share of CPU time spent in broad parts of the request (each line includes everything
called beneath it, so lines overlap) and the methods with the most time of their own.

usage: profile-report.py TRACE.speedscope.json [TOP]
"""

import json
import re
import sys
from collections import defaultdict

# Samples whose innermost method is one of these are threads waiting, not running: idle thread
# pool workers, threads stopped while the garbage collector runs (its own threads are native and
# not sampled), lock waits. They are counted apart from the CPU time.
WAITING = [
    ("idle thread pool workers", r"LowLevelLifoSemaphore\.Wait|WorkerThreadStart|Thread\.Sleep"),
    ("file watchers waiting for changes", r"FileSystem\.Watcher!Interop\+Sys\.Read"),
    ("stopped for a garbage collection", r"PollGC"),
    ("waiting for a lock", r"Monitor\.Enter_Slowpath|Monitor\.Wait"),
    ("the finalizer thread waiting for work", r"GC\.RunFinalizers$"),
]

# Broad parts of the work, matched against the frames on the stack (the first match from the list
# wins for a given stack, so the more specific parts come first).
PARTS = [
    ("allocation slow paths", r"gc_heap|GCHeap|Alloc.*Slow|JIT_New"),
    ("writer: database commit (EF Core / ADO.NET / SQLite / Npgsql)", r"SignatureIntake\.Commit"),
    ("writer: other", r"SignatureIntake"),
    ("request: preparing the signature (encryption, token, email)", r"ShowModel\.PrepareSignature|SigningEndpoint\.Prepare"),
    ("request: email MIME writing", r"MimeKit"),
    ("request: antiforgery validation", r"Antiforgery"),
    ("request: model binding and form reading", r"ModelBinding|FormReader|FormFeature|FormPipeReader"),
    ("request: Razor Pages / MVC pipeline", r"Mvc\.|RazorPages"),
    ("request: routing, middleware, Kestrel, sockets", r"AspNetCore|System\.Net\.Sockets|System\.IO\.Pipelines"),
    ("thread pool: workers spinning before they sleep", r"LowLevelSpinWaiter"),
    ("thread pool and task machinery", r"ThreadPool|System\.Threading"),
]


def main():
    path = sys.argv[1]
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 25
    with open(path, encoding="utf-8") as f:
        trace = json.load(f)
    frames = [frame["name"] for frame in trace["shared"]["frames"]]
    cpu_frames = {i for i, name in enumerate(frames) if name == "CPU_TIME"}
    compiled = [(label, re.compile(pattern)) for label, pattern in PARTS]
    waits = [(label, re.compile(pattern)) for label, pattern in WAITING]
    waited = defaultdict(float)
    lock_callers = defaultdict(float)

    total = 0.0
    by_part = defaultdict(float)
    own = defaultdict(float)
    for profile in trace["profiles"]:
        stack = []
        opened_at = None
        for event in profile["events"]:
            if event["type"] == "O":
                stack.append(event["frame"])
                if event["frame"] in cpu_frames:
                    opened_at = event["at"]
            else:
                frame = stack.pop()
                if frame in cpu_frames and opened_at is not None:
                    spent = event["at"] - opened_at
                    opened_at = None
                    names = [frames[i] for i in stack]
                    leaf = names[-1] if names else ""
                    leaf = re.sub(r"\(.*", "", leaf)
                    wait = next((label for label, pattern in waits if pattern.search(leaf)), None)
                    if wait:
                        waited[wait] += spent
                        if "lock" in wait:
                            caller = next((n for n in reversed(names) if "countersign!" in n or "Microsoft." in n), "?")
                            lock_callers[re.sub(r"\(.*", "", caller)] += spent
                        continue
                    total += spent
                    text = "\n".join(names)
                    for label, pattern in compiled:
                        if pattern.search(text):
                            by_part[label] += spent
                            break
                    else:
                        by_part["other"] += spent
                    if names:
                        own[names[-1]] += spent

    if total == 0:
        print("profile-report: the trace has no CPU samples", file=sys.stderr)
        sys.exit(1)

    print(f"Running time sampled: {total / 1000:.1f} s of managed threads; waiting apart:")
    for label, spent in sorted(waited.items(), key=lambda item: -item[1]):
        print(f"  {spent / 1000:5.1f} s  {label}")
    for caller, spent in sorted(lock_callers.items(), key=lambda item: -item[1])[:3]:
        print(f"          lock waits under {caller[:120]}: {spent / 1000:.1f} s")
    print("Share of running time by part (each stack counted once, in the first part it matches):")
    for label, _ in PARTS + [("other", None)]:
        if by_part[label]:
            print(f"  {100 * by_part[label] / total:5.1f}%  {label}")
    print(f"Top {top} methods by own running time (?!? is native code the trace could not name: the runtime's own helpers):")
    for name, spent in sorted(own.items(), key=lambda item: -item[1])[:top]:
        short = re.sub(r"\(.*", "", name)
        print(f"  {100 * spent / total:5.1f}%  {short[:150]}")


if __name__ == "__main__":
    main()
