"""What the operating system says about this process: RSS, the container's limit, its relatives."""

import json
import os

NO_LIMIT_ABOVE = 2**50
_PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def rss_bytes():
    """Resident set size from /proc/self/statm; elsewhere the peak from resource (the best there is)."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * _PAGE_SIZE
    except (OSError, ValueError, IndexError):
        import resource
        import sys

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak if sys.platform == "darwin" else peak * 1024


def _read(path):
    try:
        with open(path, "r", encoding="utf-8") as f:
            return f.read()
    except OSError:
        return None


def container_limit_bytes(root="/sys/fs/cgroup", self_cgroup="/proc/self/cgroup"):
    """cgroup v2 memory.max, else v1 memory.limit_in_bytes; None when there is no limit."""
    own = _read(self_cgroup) or ""
    v2 = v1 = None
    for line in own.splitlines():
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        if parts[0] == "0" and parts[1] == "":
            v2 = parts[2].strip()
        elif "memory" in parts[1].split(","):
            v1 = parts[2].strip()
    candidates = []
    if v2:
        candidates.append("%s%s/memory.max" % (root, "" if v2 == "/" else v2))
    candidates.append(root + "/memory.max")
    if v1:
        candidates.append("%s/memory%s/memory.limit_in_bytes" % (root, "" if v1 == "/" else v1))
    candidates.append(root + "/memory/memory.limit_in_bytes")
    for path in candidates:
        text = _read(path)
        if text is None:
            continue
        text = text.strip()
        if text == "max":
            return None
        try:
            n = int(text)
        except ValueError:
            continue
        if n > 0:
            return n if n < NO_LIMIT_ABOVE else None
    return None


def _command_line(pid):
    text = _read("/proc/%d/cmdline" % pid) or ""
    return text.replace("\0", " ")


def process_role(root_pid_text):
    """A worker (gunicorn fork, uvicorn spawn, any child of an agent's process) writes its own files."""
    pid, ppid = os.getpid(), os.getppid()
    try:
        root_pid = int(root_pid_text or 0)
    except ValueError:
        root_pid = 0
    if root_pid <= 0 or root_pid == pid:
        return {"worker": False, "description": "pid %d" % pid}
    family = _command_line(ppid) + " " + _command_line(pid)
    kind = "gunicorn worker" if "gunicorn" in family else "uvicorn worker" if "uvicorn" in family else "child process"
    parent = "master" if kind == "gunicorn worker" else "parent"
    return {"worker": True, "description": "%s pid %d, %s pid %d" % (kind, pid, parent, ppid)}


def read_previous_run(jsonl_path, tail_bytes=64 * 1024):
    """What the end of an existing memory_debug.jsonl says about the run before this one."""
    try:
        with open(jsonl_path, "rb") as f:
            f.seek(0, os.SEEK_END)
            size = f.tell()
            f.seek(max(0, size - tail_bytes))
            text = f.read().decode("utf-8", "replace")
    except OSError:
        return None
    records = []
    for line in text.split("\n"):
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict):
            records.append(record)
    with_pid = [r for r in records if isinstance(r.get("pid"), int) and not isinstance(r.get("pid"), bool)]
    if not records or not with_pid:
        return None
    counted = [r for r in records if isinstance(r.get("restarts"), int)]
    return {
        "pid": with_pid[-1]["pid"],
        "cleanExit": records[-1].get("type") == "shutdown",
        "restarts": counted[-1]["restarts"] if counted else 0,
    }
