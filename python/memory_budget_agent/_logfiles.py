"""Who writes which memory log files in a directory: src/core/budget/logFiles.ts's rules, in Python.

- memory_debug.log / .jsonl belong to the process named in memory_debug.lock (pid and start time;
  a lock whose process is gone is taken over);
- any other process writes memory_debug-<pid>.log / .jsonl and says so in the main log;
- each file rotates on its own size to <file>.1 ... <file>.<keep>.

One writer per file: a file shared by several lost lines at rotation.
"""

import atexit
import errno
import os
import re
import time as _time

LOG_BASE = "memory_debug"
LOCK_FILE = LOG_BASE + ".lock"

_APPEND = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
_CONTROL = re.compile("[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]")


def escape_control_chars(text):
    """escapeControlChars of src/core/text/controlChars.ts: each control character as its \\uXXXX escape."""
    return _CONTROL.sub(lambda m: "\\u%04x" % ord(m.group(0)), text)


def open_append(path):
    """O_APPEND, created if missing, never through a symbolic link."""
    return os.open(path, _APPEND, 0o644)


def append_to_main_log(directory, text):
    """One line in the directory's main log from a writer that is not its owner."""
    try:
        fd = open_append(os.path.join(directory, LOG_BASE + ".log"))
        try:
            os.write(fd, escape_control_chars(text).encode("utf-8"))
        finally:
            os.close(fd)
    except OSError:
        pass


class LogFiles:
    """This process's two files in a directory, each rotating on its own size."""

    def __init__(self, directory, max_bytes, keep_rotated=1, file_base=None):
        os.makedirs(directory, exist_ok=True)
        self.directory = directory
        self.max_bytes = max_bytes
        self.keep_rotated = keep_rotated
        self.owns_directory = file_base is None and claim_directory(directory)
        self.base = file_base or (LOG_BASE if self.owns_directory else "%s-%d" % (LOG_BASE, os.getpid()))
        self.pid = os.getpid()
        self.files = {kind: self._open(kind) for kind in ("log", "jsonl")}

    def path(self, kind):
        return self.files[kind]["path"]

    def append(self, kind, text, sync=False, header=None):
        f = self.files[kind]
        # Another process may append a line here: the size on disk decides; the count says when to look.
        if f["bytes"] > self.max_bytes:
            f["bytes"] = os.fstat(f["fd"]).st_size
            if f["bytes"] > self.max_bytes:
                self._rotate(kind)
                if header is not None:
                    self.append(kind, header())
                f = self.files[kind]
        data = text.encode("utf-8")
        os.write(f["fd"], data)
        f["bytes"] += len(data)
        if sync:
            os.fdatasync(f["fd"])

    def close(self):
        self.forget()
        if self.owns_directory and self.pid == os.getpid():
            release_directory(self.directory)

    def forget(self):
        """Closes the descriptors only: a forked child must neither write into nor release its parent's files."""
        for f in self.files.values():
            try:
                os.close(f["fd"])
            except OSError:
                pass

    def _open(self, kind):
        path = os.path.join(self.directory, "%s.%s" % (self.base, kind))
        fd = open_append(path)
        return {"path": path, "fd": fd, "bytes": os.fstat(fd).st_size}

    def _rotate(self, kind):
        path = self.files[kind]["path"]
        try:
            os.close(self.files[kind]["fd"])
        except OSError:
            pass
        for n in range(self.keep_rotated - 1, 0, -1):
            _rename_if_there("%s.%d" % (path, n), "%s.%d" % (path, n + 1))
        _rename_if_there(path, path + ".1")
        self.files[kind] = self._open(kind)


def _rename_if_there(source, target):
    try:
        os.replace(source, target)
    except FileNotFoundError:
        pass


def claim_directory(directory):
    """Takes memory_debug.lock when it is free or its process is gone; False when a live process holds it."""
    lock = os.path.join(directory, LOCK_FILE)
    me = _holder_text(os.getpid(), _start_time(os.getpid()))
    for _ in range(5):
        try:
            fd = os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
        except FileExistsError:
            pass
        else:
            try:
                os.write(fd, me.encode("ascii"))
            finally:
                os.close(fd)
            _release_at_exit(directory)
            return True
        holder = _read_holder(lock)
        if holder == "unreadable" or (holder is not None and _is_alive(holder)):
            return False
        # A lock left by a process that is gone: moving it aside is atomic, only one taker moves it.
        aside = "%s.%d.stale" % (lock, os.getpid())
        try:
            os.rename(lock, aside)
        except FileNotFoundError:
            continue
        moved = _read_holder(aside)
        try:
            os.unlink(aside)
        except OSError:
            pass
        if moved not in (None, "unreadable") and _is_alive(moved):
            _restore_lock(lock, moved)
            return False
    return False


def release_directory(directory):
    """Removes the lock when it names this process."""
    lock = os.path.join(directory, LOCK_FILE)
    holder = _read_holder(lock)
    if holder not in (None, "unreadable") and holder[0] == os.getpid():
        try:
            os.unlink(lock)
        except OSError:
            pass


def _restore_lock(lock, holder):
    try:
        fd = os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except OSError:
        return
    try:
        os.write(fd, _holder_text(*holder).encode("ascii"))
    finally:
        os.close(fd)


def _release_at_exit(directory):
    pid = os.getpid()
    atexit.register(lambda: os.getpid() == pid and release_directory(directory))


def _holder_text(pid, start):
    return "%d%s\n" % (pid, " " + start if start else "")


def _read_holder(lock):
    try:
        with open(lock, "r", encoding="ascii", errors="replace") as f:
            text = f.read()
    except FileNotFoundError:
        return None
    except OSError:
        return "unreadable"
    m = re.match(r"^(\d+)(?: (\d+))?\n$", text)
    if not m:
        try:
            age = _time.time() - os.stat(lock).st_mtime
        except OSError:
            age = 0
        return (0, None) if age > 10 else "unreadable"
    return (int(m.group(1)), m.group(2))


def _is_alive(holder):
    pid, start = holder
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except OSError as err:
        if err.errno != errno.EPERM:
            return False
    now = _start_time(pid)
    return start is None or now is None or now == start


def _start_time(pid):
    try:
        with open("/proc/%d/stat" % pid, "r", encoding="utf-8", errors="replace") as f:
            stat = f.read()
        return stat[stat.rindex(")") + 2 :].split(" ")[19]
    except (OSError, ValueError, IndexError):
        return None
