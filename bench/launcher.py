"""A small process that starts the benchmark's child processes and reaps them with ``os.wait4``.

Why: on Linux a process's ``ru_maxrss`` starts from the resident size of the process that forked it
(the kernel carries the pre-``exec`` peak over), so a child started by the benchmark itself, which holds
vnplan, PyMuPDF and the documents in memory, would report at least the benchmark's size.  This launcher is
started before any of that is loaded and stays small, so the ``ru_maxrss`` it gets from ``os.wait4`` is
the child's own (or that of a child the child reaped, whichever is larger).

Protocol, one JSON object per line: the request ``{"command", "cwd", "env", "log"}`` on stdin; the reply
``{"pid"}`` as soon as the child runs, then ``{"exit_code", "wall_s", "maxrss_kb"}`` when it has ended.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time


def serve() -> None:
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        with open(request["log"], "wb") as sink:
            started = time.perf_counter()
            child = subprocess.Popen(
                request["command"], cwd=request["cwd"], env=request["env"], stdout=sink, stderr=subprocess.STDOUT
            )
            print(json.dumps({"pid": child.pid}), flush=True)
            _, status, usage = os.wait4(child.pid, 0)
            wall = time.perf_counter() - started
            child.returncode = os.waitstatus_to_exitcode(status)  # reaped here: tell Popen
        print(json.dumps({"exit_code": child.returncode, "wall_s": wall, "maxrss_kb": usage.ru_maxrss}), flush=True)


if __name__ == "__main__":
    serve()
