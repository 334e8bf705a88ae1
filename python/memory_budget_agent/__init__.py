"""Memory Budget agent for Python: the budget watched from inside the process, standard library only.

    python3 -m memory_budget_agent app.py [args]      # or: -m gunicorn app:app
    import memory_budget_agent; memory_budget_agent.start()
    memory_budget_agent.mark("Session Created", {"sessions": 12})

It reads the same MEMORY_BUDGET_* variables as the Node agent and writes the same
memory_debug.log, memory_debug.jsonl and /metrics. Worker processes (gunicorn's forks,
uvicorn's spawned workers) each get their own files, named by pid.
"""

import atexit
import gc
import os
import signal
import sys
import threading

from ._budget import (
    PRESET_IDS,
    BudgetTracker,
    MemoryLog,
    RunStats,
    metrics_text,
    now_ms,
    agent_sample_record,
    resolve_budget,
    severity,
)
from ._format import stamp
from ._process import container_limit_bytes, process_role, read_previous_run, rss_bytes

__all__ = ["start", "mark", "stop", "Recorder"]

ROOT_PID_ENV = "MEMORY_BUDGET_AGENT_PID"
MAX_COUNTERS = 20
MAX_TEXT = 200


def _warn(message):
    try:
        sys.stderr.write("[memory-budget agent] %s\n" % message)
    except Exception:
        pass


# --- configuration -----------------------------------------------------------------------------


def read_config(env, cwd):
    """The environment, as src/agent/config.ts reads it: a bad value is a warning and its default."""
    warnings = []

    def number(name, fallback, low, high=2**53 - 1):
        raw = (env.get(name) or "").strip()
        if raw == "":
            return fallback
        try:
            n = float(raw)
            if low <= n <= high:
                return int(n) if n.is_integer() else n
        except ValueError:
            pass
        warnings.append("%s=%s is not a number from %s to %s; using %s" % (name, raw, low, high, fallback))
        return fallback

    preset = (env.get("MEMORY_BUDGET_PRESET") or "").strip() or "auto"
    if preset not in PRESET_IDS:
        warnings.append("MEMORY_BUDGET_PRESET=%s is not one of %s; using auto" % (preset, ", ".join(PRESET_IDS)))
        preset = "auto"
    budget_mb = number("MEMORY_BUDGET_MB", 0, 0)
    port = number("MEMORY_BUDGET_METRICS_PORT", -1, 0, 65535) if (env.get("MEMORY_BUDGET_METRICS_PORT") or "").strip() else -1
    config = {
        "disabled": (env.get("MEMORY_BUDGET_DISABLE") or "").strip().lower() in ("1", "true", "yes", "on"),
        "directory": os.path.join(cwd, (env.get("MEMORY_BUDGET_DIR") or "").strip() or ".memory-budget"),
        "intervalMs": number("MEMORY_BUDGET_INTERVAL_MS", 1000, 50),
        "jsonlIntervalMs": number("MEMORY_BUDGET_JSONL_INTERVAL_MS", 10000, 0),
        "periodicMs": number("MEMORY_BUDGET_LOG_INTERVAL_MS", 60000, 0),
        "budget": {
            "preset": preset,
            "budgetMB": budget_mb if budget_mb > 0 else None,
            "warnPercent": number("MEMORY_BUDGET_WARN_PERCENT", 80, 1, 100),
            "criticalPercent": number("MEMORY_BUDGET_CRITICAL_PERCENT", 94, 1, 100),
        },
        "service": (env.get("MEMORY_BUDGET_SERVICE") or "").strip() or None,
        "metricsPort": port if port >= 0 else None,
        "metricsHost": (env.get("MEMORY_BUDGET_METRICS_HOST") or "").strip() or "127.0.0.1",
        "tracemalloc": (env.get("MEMORY_BUDGET_TRACEMALLOC") or "").strip().lower() in ("1", "true", "yes", "on"),
        "tracemallocMinutes": number("MEMORY_BUDGET_TRACEMALLOC_MINUTES", 10, 0.01),
    }
    return config, warnings


# --- the recorder: what src/agent/recorder.ts does -----------------------------------------------


class Recorder:
    """Readings in, memory log out: the tracker, marks, the restart line and the shutdown summary.

    Reads nothing itself, so a test can drive it and the Node AgentRecorder with the same series.
    """

    def __init__(self, service, log, settings, constrained, on_write_error=None):
        self.service = service
        self.log = log
        self.settings = settings
        self.tracker = BudgetTracker(resolve_budget(settings, constrained))
        self.stats = RunStats()
        self.restarts = 0
        self.done = False
        self.on_write_error = on_write_error or (lambda err: None)

    @property
    def status(self):
        return self.tracker.status

    def restarted(self, time, previous_pid, pid, previous_restarts, clean_exit):
        self.restarts = previous_restarts + 1
        self._record(
            {"type": "restart", "time": time, "previousPid": previous_pid, "pid": pid, "restarts": self.restarts, "cleanExit": clean_exit}
        )

    def container_limit_changed(self, limit):
        for event in self.tracker.set_budget(resolve_budget(self.settings, limit)):
            self._record(event)

    def observe(self, sample, logged=True):
        events = self.tracker.add(sample)
        status = self.tracker.status
        self.stats.add(sample["time"], sample["rssBytes"], status["level"])
        if logged and self.log is not None:
            self._write(lambda: self.log.sample(self.service, status))
        for event in events:
            self._record(event)
        return events

    def mark(self, time, name, rss, counters):
        if self.done:
            return
        event = {"type": "mark", "time": time, "name": name, "rssBytes": rss}
        if counters:
            event["counters"] = counters
        self._record(event)

    def note(self, time, text):
        self._record({"type": "note", "time": time, "text": text})

    def record(self, event):
        self._record(event)

    def shutdown(self, time, reason):
        if self.done:
            return
        self.done = True
        event = {"type": "shutdown", "time": time, "reason": reason}
        event.update(self.stats.summary(self.tracker.budget["bytes"], self.restarts, time))
        self._record(event)
        if self.log is not None:
            self._write(self.log.close)

    def _record(self, event):
        if self.log is not None:
            self._write(lambda: self.log.event(self.service, event))

    def _write(self, action):
        try:
            action()
        except Exception as err:
            self.on_write_error(err)


# --- the agent ---------------------------------------------------------------------------------


class Agent:
    def __init__(self, config, role, service=None):
        self.config = config
        self.role = role
        self.pid = os.getpid()
        self.service = config["service"] or service or _default_service_name()
        self.constrained = container_limit_bytes()
        self.limits_read_at = now_ms()
        self.warned = set()
        self.stopping = threading.Event()
        self.thread = None
        self.metrics = None
        self.last_tracemalloc = now_ms()
        previous = None if role["worker"] else read_previous_run(os.path.join(config["directory"], "memory_debug.jsonl"))
        self.log = self._open_log()
        self.recorder = Recorder(
            self.service,
            self.log,
            config["budget"],
            self.constrained,
            lambda err: self._warn_once("write", "could not write to %s: %s" % (config["directory"], err)),
        )
        if previous is not None and previous["pid"] != self.pid:
            self.recorder.restarted(now_ms(), previous["pid"], self.pid, previous["restarts"], previous["cleanExit"])

    # lifecycle

    def start(self):
        if not os.environ.get(ROOT_PID_ENV):
            os.environ[ROOT_PID_ENV] = str(self.pid)
        if not os.environ.get("MEMORY_BUDGET_SERVICE"):
            # Spawned workers run another command line: they keep the service's name.
            os.environ["MEMORY_BUDGET_SERVICE"] = self.service
        if self.config["tracemalloc"]:
            import tracemalloc

            if not tracemalloc.is_tracing():
                tracemalloc.start()
        self._sample()
        self.thread = threading.Thread(target=self._run, name="memory-budget-agent", daemon=True)
        self.thread.start()
        atexit.register(self._at_exit)
        self._hook_sigterm()
        if self.config["metricsPort"] is not None and not self.role["worker"]:
            self._serve_metrics()

    def mark(self, name, counters=None):
        if not isinstance(name, str) or not name.strip():
            return
        self.recorder.mark(now_ms(), name.strip()[:MAX_TEXT], rss_bytes(), _clean_counters(counters))

    def stop(self, reason="agent stopped"):
        self._shutdown(reason)

    def _run(self):
        while not self.stopping.wait(self.config["intervalMs"] / 1000):
            self._sample()

    def _at_exit(self):
        # atexit handlers are inherited by forks: only the process that registered it summarises.
        if os.getpid() == self.pid:
            self._shutdown("exit")

    def _hook_sigterm(self):
        if threading.current_thread() is not threading.main_thread():
            return
        try:
            previous = signal.getsignal(signal.SIGTERM)
        except (ValueError, OSError):
            return

        def on_sigterm(signum, frame):
            self._shutdown("SIGTERM")
            if callable(previous):
                return previous(signum, frame)
            if previous == signal.SIG_IGN:
                return None
            # Python's default for SIGTERM is to die of it: do that, after the summary.
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            os.kill(os.getpid(), signal.SIGTERM)
            return None

        try:
            signal.signal(signal.SIGTERM, on_sigterm)
        except (ValueError, OSError):
            pass

    def _shutdown(self, reason):
        if self.recorder.done or os.getpid() != self.pid:
            return
        self.stopping.set()
        self._sample(logged=False)
        self.recorder.shutdown(now_ms(), reason)
        if self.metrics is not None:
            self.metrics.close()

    # sampling

    def _sample(self, logged=True):
        try:
            if now_ms() - self.limits_read_at >= 60000:  # cgroup files rarely change: once a minute
                self.limits_read_at = now_ms()
                limit = container_limit_bytes()
                if limit != self.constrained:
                    self.constrained = limit
                    self.recorder.container_limit_changed(limit)
            sample = {"time": now_ms(), "pid": self.pid, "rssBytes": rss_bytes()}
            events = self.recorder.observe(sample, logged)
            if self.config["tracemalloc"]:
                self._maybe_trace_allocations(events)
        except Exception as err:
            self._warn_once("sample", "sampling failed: %s" % err)

    def _maybe_trace_allocations(self, events):
        critical = any(e["type"] == "level" and e["to"] in ("critical", "over") and severity(e["to"]) > severity(e["from"]) for e in events)
        due = now_ms() - self.last_tracemalloc >= self.config["tracemallocMinutes"] * 60000
        if critical or due:
            self.last_tracemalloc = now_ms()
            self.recorder.record({"type": "allocations", "time": now_ms(), "reason": "critical" if critical else "periodic", "sites": _top_allocations(10)})

    def sample_record(self, target, status):
        record = agent_sample_record(target, status, {"heapLimitBytes": None, "constrainedMemoryBytes": self.constrained})
        # Python's own figure, after the shared fields: collections per generation so far.
        record["gcCollections"] = [g["collections"] for g in gc.get_stats()]
        return record

    # files and metrics

    def _open_log(self):
        directory = self.config["directory"]
        budget = resolve_budget(self.config["budget"], self.constrained)
        version = "%d.%d.%d" % sys.version_info[:3]
        title = "%s (%s, python %s) \u2014 budget %s \u2014 Memory Budget agent" % (self.service, self.role["description"], version, budget["label"])
        base = "memory_debug-%d" % self.pid if self.role["worker"] else "memory_debug"
        try:
            log = MemoryLog(
                directory,
                title,
                self.sample_record,
                periodic_ms=self.config["periodicMs"],
                jsonl_sample_ms=self.config["jsonlIntervalMs"],
                file_base=base,
            )
        except OSError as err:
            _warn("cannot write the memory log in %s: %s; sampling without it" % (directory, err))
            return None
        if self.role["worker"]:
            _announce_worker(directory, self.role["description"], base + ".log")
        return log

    def _serve_metrics(self):
        def snapshot():
            status = self.recorder.status
            if status is None:
                return metrics_text([])
            trend = status["trend"]
            return metrics_text(
                [
                    {
                        "service": self.service,
                        "pid": self.pid,
                        "rssBytes": status["sample"]["rssBytes"],
                        "budgetBytes": status["budget"]["bytes"],
                        "growthBytesPerHour": trend["bytesPerHour"] if trend is not None else None,
                        "state": severity(status["level"]),
                        "restarts": self.recorder.restarts,
                    }
                ]
            )

        from ._metrics import serve_metrics  # http.server costs the app RSS: only when asked for

        try:
            self.metrics = serve_metrics(snapshot, self.config["metricsHost"], self.config["metricsPort"])
        except OSError as err:
            _warn("cannot serve /metrics on %s:%s: %s" % (self.config["metricsHost"], self.config["metricsPort"], err))
            return
        host = "[%s]" % self.metrics.host if ":" in self.metrics.host else self.metrics.host
        self.recorder.note(now_ms(), "metrics on http://%s:%d/metrics" % (host, self.metrics.port))

    def _warn_once(self, key, message):
        if key not in self.warned:
            self.warned.add(key)
            _warn(message)


def _top_allocations(limit):
    import tracemalloc

    if not tracemalloc.is_tracing():
        return []
    here = os.path.dirname(os.path.abspath(__file__))
    snapshot = tracemalloc.take_snapshot().filter_traces(
        (tracemalloc.Filter(False, tracemalloc.__file__), tracemalloc.Filter(False, os.path.join(here, "*")))
    )
    return [
        {"file": stat.traceback[0].filename, "line": stat.traceback[0].lineno, "sizeBytes": stat.size, "count": stat.count}
        for stat in snapshot.statistics("lineno")[:limit]
    ]


def _clean_counters(raw):
    if not isinstance(raw, dict):
        return None
    counters = {}
    for key, value in list(raw.items())[:MAX_COUNTERS]:
        key = str(key)[:MAX_TEXT]
        if isinstance(value, bool) or (isinstance(value, (int, float)) and value == value and abs(value) != float("inf")):
            counters[key] = value
        elif isinstance(value, str):
            counters[key] = value[:MAX_TEXT]
    return counters or None


def _default_service_name():
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None) or (sys.argv[0] if sys.argv and sys.argv[0] not in ("", "-c") else "")
    return os.path.basename(path) if path else "python"


def _announce_worker(directory, description, file_name):
    try:
        with open(os.path.join(directory, "memory_debug.log"), "a", encoding="utf-8") as main_log:
            main_log.write("[%s] \U0001f477 WORKER STARTED: %s \u2192 %s\n\n" % (stamp(now_ms()), description, file_name))
    except OSError:
        pass


# --- module-level API --------------------------------------------------------------------------

_agent = None
_lock = threading.Lock()


def start(service=None):
    """Starts the agent in this process (once); returns it, or None when disabled.

    The service's name is MEMORY_BUDGET_SERVICE, else `service`, else the main script's name.
    """
    global _agent
    with _lock:
        if _agent is not None and _agent.pid == os.getpid():
            return _agent
        try:
            config, warnings = read_config(os.environ, os.getcwd())
            for w in warnings:
                _warn(w)
            if config["disabled"]:
                return None
            agent = Agent(config, process_role(os.environ.get(ROOT_PID_ENV)), service)
            agent.start()
            _agent = agent
        except Exception as err:
            _warn("not started: %s" % err)
            _agent = None
    return _agent


def mark(name, counters=None):
    """Records an operation of the app with its counters: mark("Session Created", {"sessions": 12})."""
    try:
        if _agent is not None and _agent.pid == os.getpid():
            _agent.mark(name, counters)
    except Exception:
        pass


def stop():
    """Writes the shutdown summary and stops sampling (also done by itself on exit and SIGTERM)."""
    try:
        if _agent is not None and _agent.pid == os.getpid():
            _agent.stop()
    except Exception:
        pass


def _after_fork_in_child():
    """A fork (gunicorn's workers) has no sampling thread: it starts its own agent, as a worker."""
    global _agent, _lock
    parent = _agent
    if parent is None or parent.pid == os.getpid():
        return
    # Locks held by the parent's other threads at the fork stay held here forever: start afresh.
    _lock = threading.Lock()
    _agent = None
    if parent.log is not None:
        # The parent's descriptors: this process must not write into the parent's files.
        parent.log.forget()
    start()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
