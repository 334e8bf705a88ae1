"""Budget, thresholds, trend, events and the memory log: the Node core's rules, in Python.

Every line and record here must be what src/core/budget/ writes for the same readings; a test
drives both with one series and compares the files byte for byte.
"""

import os
import threading
import time as _time

from ._format import (
    MB,
    OMIT,
    describe_trend,
    format_duration,
    format_mb,
    format_mb1,
    format_rate,
    iso_time,
    js_number,
    js_round,
    json_line,
    stamp,
    to_fixed,
)

HOUR_MS = 3600000

PRESETS = [
    ("render-free", "Render Free", 512),
    ("render-starter", "Render Starter", 512),
    ("render-standard", "Render Standard", 2048),
    ("render-pro", "Render Pro", 4096),
    ("fly-256", "Fly.io 256 MB", 256),
    ("fly-512", "Fly.io 512 MB", 512),
    ("fly-1g", "Fly.io 1 GB", 1024),
    ("fly-2g", "Fly.io 2 GB", 2048),
    ("heroku-eco", "Heroku Eco", 512),
    ("heroku-basic", "Heroku Basic", 512),
    ("heroku-standard-1x", "Heroku Standard-1X", 512),
    ("heroku-standard-2x", "Heroku Standard-2X", 1024),
]
PRESET_IDS = ["auto", "custom"] + [p[0] for p in PRESETS]
LEVELS = ["ok", "warn", "critical", "over"]


# --- budget ------------------------------------------------------------------------------------


def format_budget_size(n):
    mb = n / MB
    if mb >= 1024 and mb % 1024 == 0:
        return "%s GB" % js_number(mb / 1024)
    return "%d MB" % js_round(mb)


def _clamp_percent(value, fallback):
    return value if value is not None and 0 < value <= 100 else fallback


def resolve_budget(settings, constrained=None):
    budget_mb = settings.get("budgetMB")
    preset = next((p for p in PRESETS if p[0] == settings.get("preset")), None)
    if budget_mb is not None and budget_mb > 0:
        size, name = js_round(budget_mb * MB), "Custom"
    elif preset is not None:
        size, name = preset[2] * MB, preset[1]
    elif constrained is not None and constrained > 0:
        size, name = constrained, "Container limit"
    else:
        size, name = 512 * MB, "Default"
    warn = _clamp_percent(settings.get("warnPercent"), 80)
    critical = max(warn, _clamp_percent(settings.get("criticalPercent"), 94))
    return {
        "bytes": size,
        "label": "%s \u2014 %s" % (name, format_budget_size(size)),
        "warnBytes": js_round(size * warn / 100),
        "criticalBytes": js_round(size * critical / 100),
    }


def severity(level):
    return LEVELS.index(level)


def classify(rss, budget):
    if rss >= budget["bytes"]:
        return "over"
    if rss >= budget["criticalBytes"]:
        return "critical"
    if rss >= budget["warnBytes"]:
        return "warn"
    return "ok"


def _level_floor(level, budget):
    return {"ok": 0, "warn": budget["warnBytes"], "critical": budget["criticalBytes"], "over": budget["bytes"]}[level]


def classify_with_hysteresis(rss, budget, current, hysteresis):
    raw = classify(rss, budget)
    if current is None or severity(raw) >= severity(current):
        return raw
    level = current
    while severity(level) > severity(raw) and rss < _level_floor(level, budget) - hysteresis:
        level = LEVELS[severity(level) - 1]
    return level


# --- trend -------------------------------------------------------------------------------------


class LeastSquares:
    """Running sums for a least-squares line through (hours, bytes) points."""

    def __init__(self):
        self.clear()

    def clear(self):
        self.origin = None
        self.n = 0
        self.sx = self.sy = self.sxx = self.sxy = 0.0

    def add(self, time, value, sign=1):
        if self.origin is None:
            self.origin = time
        x = self._hours(time)
        value = float(value)
        self.n += sign
        self.sx += sign * x
        self.sy += sign * value
        self.sxx += sign * x * x
        self.sxy += sign * x * value

    def fit(self, time):
        denominator = self.n * self.sxx - self.sx * self.sx
        if denominator <= 0:
            return None
        slope = (self.n * self.sxy - self.sx * self.sy) / denominator
        intercept = (self.sy - slope * self.sx) / self.n
        return slope, intercept + slope * self._hours(time)

    def _hours(self, time):
        return (time - (self.origin if self.origin is not None else time)) / HOUR_MS


def ms_to_budget(slope, fitted, budget_bytes):
    if budget_bytes is None or slope <= 0 or fitted >= budget_bytes:
        return None
    return ((budget_bytes - fitted) / slope) * HOUR_MS


class TrendWindow:
    WINDOW_MS, MIN_SAMPLES, MIN_SPAN_MS = 15 * 60000, 5, 4000

    def __init__(self):
        self.points = []
        self.head = 0
        self.sums = LeastSquares()

    def add(self, time, value):
        self.points.append((time, value))
        self.sums.add(time, value)
        oldest = time - self.WINDOW_MS
        while self.head < len(self.points) and self.points[self.head][0] < oldest:
            self.sums.add(*self.points[self.head], sign=-1)
            self.head += 1
        if self.head > 1024 and self.head * 2 > len(self.points):
            del self.points[: self.head]
            self.head = 0

    def clear(self):
        self.points = []
        self.head = 0
        self.sums.clear()

    def current(self, budget_bytes):
        if self.sums.n < self.MIN_SAMPLES:
            return None
        span = self.points[-1][0] - self.points[self.head][0]
        if span < self.MIN_SPAN_MS:
            return None
        fit = self.sums.fit(self.points[-1][0])
        if fit is None:
            return None
        eta = ms_to_budget(fit[0], fit[1], budget_bytes)
        return {"bytesPerHour": fit[0], "msToBudget": eta, "samples": self.sums.n, "spanMs": span}


# --- tracker -----------------------------------------------------------------------------------


class BudgetTracker:
    SPIKE_BYTES = 25 * MB
    GC_MIN_FREED_BYTES = 5 * MB
    LEAK_BYTES_PER_HOUR = 10 * MB
    LEAK_MIN_SPAN_MS = 10 * 60000
    HYSTERESIS_PERCENT = 2

    def __init__(self, budget):
        self.budget = budget
        self.trend = TrendWindow()
        self.previous = None
        self.level = None
        self.leak_reported = False
        self.status = None

    def set_budget(self, budget):
        self.budget = budget
        return self._update(self.previous, False) if self.previous is not None else []

    def add(self, sample):
        return self._update(sample, True)

    def _update(self, sample, is_new):
        events = []
        prev = self.previous if is_new else None
        if is_new:
            self.trend.add(sample["time"], sample["rssBytes"])
        if prev is not None:
            delta = sample["rssBytes"] - prev["rssBytes"]
            if delta >= self.SPIKE_BYTES:
                events.append({"type": "spike", "time": sample["time"], "deltaBytes": delta, "rssBytes": sample["rssBytes"]})
        hysteresis = self.budget["bytes"] * self.HYSTERESIS_PERCENT / 100
        level = classify_with_hysteresis(sample["rssBytes"], self.budget, self.level, hysteresis)
        if (self.level is not None and level != self.level) or (self.level is None and level != "ok"):
            events.append(
                {
                    "type": "level",
                    "time": sample["time"],
                    "from": self.level or "ok",
                    "to": level,
                    "rssBytes": sample["rssBytes"],
                    "budgetBytes": self.budget["bytes"],
                }
            )
        self.level = level
        trend = self.trend.current(self.budget["bytes"])
        if trend is not None:
            sustained = trend["spanMs"] >= self.LEAK_MIN_SPAN_MS
            if not self.leak_reported and sustained and trend["bytesPerHour"] >= self.LEAK_BYTES_PER_HOUR:
                self.leak_reported = True
                eta = trend["msToBudget"]
                events.append(
                    {
                        "type": "leak",
                        "time": sample["time"],
                        "bytesPerHour": trend["bytesPerHour"],
                        "msToBudget": OMIT if eta is None else eta,
                    }
                )
            elif self.leak_reported and trend["bytesPerHour"] < self.LEAK_BYTES_PER_HOUR / 2:
                self.leak_reported = False
        if is_new:
            self.previous = sample
        self.status = {
            "sample": sample,
            "budget": self.budget,
            "level": level,
            "percent": sample["rssBytes"] / self.budget["bytes"] * 100,
            "trend": trend,
        }
        return events


class RunStats:
    """Peak, growth over the whole run and time at or above warn, in O(1) memory."""

    def __init__(self):
        self.sums = LeastSquares()
        self.first = self.last = self.last_level = None
        self.peak = 0
        self.peak_time = 0
        self.over_warn_ms = 0

    def add(self, time, rss, level):
        if self.last is not None and time < self.last:
            return
        if self.first is None:
            self.first = time
        if self.last is not None and self.last_level is not None and severity(self.last_level) >= 1:
            self.over_warn_ms += time - self.last
        self.last = time
        self.last_level = level
        if rss > self.peak:
            self.peak, self.peak_time = rss, time
        self.sums.add(time, rss)

    def summary(self, budget_bytes, restarts, now):
        span = (self.last or 0) - (self.first or 0)
        enough = self.sums.n >= TrendWindow.MIN_SAMPLES and span >= TrendWindow.MIN_SPAN_MS
        fit = self.sums.fit(self.last if self.last is not None else now) if enough else None
        return {
            "uptimeMs": max(0, now - (self.first if self.first is not None else now)),
            "peakRssBytes": self.peak,
            "peakTime": self.peak_time,
            "budgetBytes": budget_bytes,
            "growthBytesPerHour": OMIT if fit is None else js_round(fit[0]),
            "overWarnMs": self.over_warn_ms,
            "restarts": restarts,
        }


# --- events as text ----------------------------------------------------------------------------


def level_word(level):
    return {"ok": "ok", "warn": "high", "critical": "critical", "over": "over budget"}[level]


def describe_counters(counters):
    return " | ".join("%s: %s" % (k, js_number(v)) for k, v in counters.items())


def describe_run(run):
    growth = run.get("growthBytesPerHour", OMIT)
    growth_text = "growth unknown" if growth is OMIT else format_rate(growth)
    restarts = run["restarts"]
    return "peak %s, %s, %s over warn, %d restart%s seen" % (
        format_mb1(run["peakRssBytes"]),
        growth_text,
        format_duration(run["overWarnMs"]),
        restarts,
        "" if restarts == 1 else "s",
    )


def _pid_text(pid):
    return "?" if pid is None else str(pid)


def describe_event(e):
    kind = e["type"]
    if kind == "level":
        budget = "%s / %s" % (format_mb1(e["rssBytes"]), format_mb(e["budgetBytes"]))
        if e["to"] == "ok":
            return "back to normal: " + budget
        drop = severity(e["to"]) < severity(e["from"])
        return "%s: %s%s" % (level_word(e["to"]), budget, " (down from %s)" % level_word(e["from"]) if drop else "")
    if kind == "spike":
        return "spike: +%s \u2192 %s" % (format_mb1(e["deltaBytes"]), format_mb1(e["rssBytes"]))
    if kind == "leak":
        return "possible leak: " + describe_trend(_trend_of(e))
    if kind == "restart":
        return "target restarted: pid %s \u2192 %s" % (_pid_text(e.get("previousPid")), _pid_text(e.get("pid")))
    if kind == "note":
        return e["text"]
    if kind == "mark":
        counters = e.get("counters")
        return "%s - %s%s" % (e["name"], format_mb1(e["rssBytes"]), " - " + describe_counters(counters) if counters else "")
    if kind == "shutdown":
        return "shutdown (%s) after %s: %s" % (e["reason"], format_duration(e["uptimeMs"]), describe_run(e))
    if kind == "allocations":
        top = e["sites"][0] if e["sites"] else None
        return "top allocation: %s:%d %s" % (top["file"], top["line"], format_mb1(top["sizeBytes"])) if top else "no allocations traced"
    return kind


def _trend_of(e):
    eta = e.get("msToBudget", OMIT)
    return {"bytesPerHour": e["bytesPerHour"], "msToBudget": None if eta is OMIT else eta}


# --- the memory log ----------------------------------------------------------------------------

RULE = "-" * 80
HEAVY_RULE = "=" * 80


class MemoryLog:
    """memory_debug.log and its JSONL twin, appended line by line (O_APPEND), critical ones synced."""

    def __init__(self, directory, title, sample_record, periodic_ms=60000, jsonl_sample_ms=10000, file_base="memory_debug"):
        os.makedirs(directory, exist_ok=True)
        self.directory = directory
        self.title = title
        self.sample_record = sample_record
        self.periodic_ms = periodic_ms
        self.jsonl_sample_ms = jsonl_sample_ms
        self.recent_count = 5
        self.max_bytes = 20 * 1024 * 1024
        self.log_path = os.path.join(directory, file_base + ".log")
        self.jsonl_path = os.path.join(directory, file_base + ".jsonl")
        self.log_fd = _open_append(self.log_path)
        self.jsonl_fd = _open_append(self.jsonl_path)
        self.log_bytes = os.fstat(self.log_fd).st_size
        self.last_periodic = None
        self.last_jsonl_sample = None
        self.recent = []
        self.counters = {}
        self.lock = threading.RLock()
        self._header()

    def sample(self, target, status):
        with self.lock:
            s, budget = status["sample"], status["budget"]
            if self.last_jsonl_sample is None or s["time"] - self.last_jsonl_sample >= self.jsonl_sample_ms:
                self.last_jsonl_sample = s["time"]
                self._jsonl(self.sample_record(target, status))
            if self.last_periodic is not None and s["time"] - self.last_periodic < self.periodic_ms:
                return
            self.last_periodic = s["time"]
            line = "%s / %s (%s%%)" % (format_mb1(s["rssBytes"]), format_mb(budget["bytes"]), to_fixed(status["percent"], 0))
            pid = " pid %d" % s["pid"] if s.get("pid") else ""
            self._write(
                "[%s] \U0001f4ca Periodic Snapshot: %s\n   %s%s | %s\n\n"
                % (stamp(s["time"]), line, target, pid, describe_trend(status["trend"]))
            )
            self._remember(s["time"], "Periodic check - " + format_mb1(s["rssBytes"]))

    def event(self, target, event):
        with self.lock:
            record = {"kind": "event", "target": target}
            record.update(event)
            record["isoTime"] = iso_time(event["time"])
            self._jsonl(record)
            at = "[%s]" % stamp(event["time"])
            text = describe_event(event)
            self._write_event(at, target, event, text)
            self._remember(event["time"], text)

    def write_block(self, text, sync=False):
        with self.lock:
            self._write(text, sync)

    def close(self):
        with self.lock:
            self.forget()

    def forget(self):
        """Closes the files without the lock: for a forked child, whose copy of it may be held."""
        for fd in (self.log_fd, self.jsonl_fd):
            try:
                os.close(fd)
            except OSError:
                pass

    def _write_event(self, at, target, e, text):
        kind = e["type"]
        if kind == "level":
            budget = "%s / %s" % (format_mb1(e["rssBytes"]), format_mb(e["budgetBytes"]))
            if e["to"] in ("critical", "over"):
                word = "OVER BUDGET - OOM KILL LIKELY" if e["to"] == "over" else "CRITICAL MEMORY - CRASH IMMINENT"
                listed = "\n".join("  %d. %s" % (i + 1, r) for i, r in enumerate(self.recent))
                self._write(
                    "%s %s\n%s \U0001f6a8 %s: %s\nTarget: %s\n%sLast %d operations before this:\n%s\n%s\n\n"
                    % (at, "\U0001f6a8" * 40, at, word, budget, target, self._counters_line(), len(self.recent), listed, RULE),
                    True,
                )
            elif e["to"] == "warn" and e["from"] == "ok":
                self._write("%s \u26a0\ufe0f HIGH MEMORY: %s\n   %s\n%s\n\n" % (at, budget, target, RULE))
            else:
                self._write("%s \u2705 %s\n\n" % (at, text))
        elif kind == "spike":
            self._write(
                "%s \u26a0\ufe0f MEMORY SPIKE: +%s \u2192 %s\n   %s\n%s\n\n"
                % (at, format_mb1(e["deltaBytes"]), format_mb1(e["rssBytes"]), target, RULE)
            )
        elif kind == "restart":
            crashed = "Previous run ended without a shutdown summary: crash or OOM kill likely\n" if e.get("cleanExit") is False else ""
            self._write(
                "%s \U0001f504 TARGET RESTARTED: pid %s \u2192 %s (%s)\n%s%s\n\n"
                % (at, _pid_text(e.get("previousPid")), _pid_text(e.get("pid")), target, crashed, RULE),
                True,
            )
        elif kind == "mark":
            self.counters.update(e.get("counters") or {})
        elif kind == "shutdown":
            growth = e.get("growthBytesPerHour", OMIT)
            self._write(
                "%s \U0001f3c1 SHUTDOWN SUMMARY (%s) - ran %s\n" % (at, e["reason"], format_duration(e["uptimeMs"]))
                + "   Peak: %s / %s (%s%%) at %s\n"
                % (
                    format_mb1(e["peakRssBytes"]),
                    format_mb(e["budgetBytes"]),
                    to_fixed(e["peakRssBytes"] / e["budgetBytes"] * 100, 0),
                    stamp(e["peakTime"]),
                )
                + "   Growth: %s\n" % ("not enough samples" if growth is OMIT else format_rate(growth) + " over the run")
                + "   Time over warn: %s\n" % format_duration(e["overWarnMs"])
                + "   Restarts seen: %d\n%s\n\n" % (e["restarts"], RULE),
                True,
            )
        elif kind == "leak":
            self._write("%s \U0001f4c8 POSSIBLE LEAK: %s\n\n" % (at, describe_trend(_trend_of(e))))
        elif kind == "allocations":
            self._write(allocations_block(at, e), e.get("reason") != "periodic")
        else:
            self._write("%s \u2139\ufe0f %s\n\n" % (at, text))

    def _counters_line(self):
        return "Latest counters: %s\n" % describe_counters(self.counters) if self.counters else ""

    def _header(self):
        self._write(
            "%s\nMEMORY DEBUG LOG - %s\nStarted: %s\n%s\n\n" % (HEAVY_RULE, self.title, stamp(now_ms()), HEAVY_RULE)
            + "This file captures memory events to help debug out-of-memory crashes.\n"
            + "It is appended as events happen, so it survives a crash of the target.\n\n%s\n\n" % RULE
        )

    def _remember(self, time, text):
        self.recent.append("[%s] %s" % (stamp(time)[11:], text))
        if len(self.recent) > self.recent_count:
            self.recent.pop(0)

    def _write(self, text, sync=False):
        if self.log_bytes > self.max_bytes:
            self._rotate()
        data = text.encode("utf-8")
        os.write(self.log_fd, data)
        self.log_bytes += len(data)
        if sync:
            os.fdatasync(self.log_fd)

    def _jsonl(self, record):
        os.write(self.jsonl_fd, json_line(record).encode("utf-8"))

    def _rotate(self):
        os.close(self.log_fd)
        os.replace(self.log_path, self.log_path + ".1")
        self.log_fd = _open_append(self.log_path)
        self.log_bytes = 0
        self._header()


def allocations_block(at, e):
    lines = [
        "  %d. %s:%d - %s in %s blocks" % (i + 1, site["file"], site["line"], format_mb1(site["sizeBytes"]), "{:,}".format(site["count"]))
        for i, site in enumerate(e["sites"])
    ]
    return "%s \U0001f52c TOP ALLOCATIONS (tracemalloc, %s):\n%s\n%s\n\n" % (at, e["reason"], "\n".join(lines) or "  (none traced)", RULE)


def _open_append(path):
    return os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)


def now_ms():
    return int(_time.time() * 1000)


def sample_record(target, status, facts):
    """The `watch --json` record (src/core/budget/sampleRecord.ts), field for field."""
    s = status["sample"]
    trend = status["trend"]
    return {
        "time": iso_time(s["time"]),
        "target": target,
        "pid": s.get("pid"),
        "rssBytes": s["rssBytes"],
        "heapUsedBytes": s.get("heapUsedBytes"),
        "heapTotalBytes": s.get("heapTotalBytes"),
        "externalBytes": s.get("externalBytes"),
        "arrayBuffersBytes": s.get("arrayBuffersBytes"),
        "heapLimitBytes": facts.get("heapLimitBytes"),
        "constrainedMemoryBytes": facts.get("constrainedMemoryBytes"),
        "budgetBytes": status["budget"]["bytes"],
        "percent": js_round(status["percent"] * 100) / 100,
        "state": status["level"],
        "growthBytesPerHour": js_round(trend["bytesPerHour"]) if trend is not None else None,
    }


def agent_sample_record(target, status, facts):
    """An agent's JSONL sample record (src/agent/recorder.ts agentSampleRecord)."""
    record = sample_record(target, status, facts)
    record["source"] = "agent"
    return record


# --- /metrics ----------------------------------------------------------------------------------

SERIES = [
    ("memory_budget_rss_bytes", "gauge", "Resident set size of the process.", "rssBytes"),
    ("memory_budget_heap_used_bytes", "gauge", "V8 heap used.", "heapUsedBytes"),
    ("memory_budget_heap_total_bytes", "gauge", "V8 heap reserved.", "heapTotalBytes"),
    ("memory_budget_external_bytes", "gauge", "Memory of C++ objects bound to JavaScript objects.", "externalBytes"),
    ("memory_budget_heap_limit_bytes", "gauge", "V8 heap size limit.", "heapLimitBytes"),
    ("memory_budget_budget_bytes", "gauge", "The memory budget.", "budgetBytes"),
    ("memory_budget_growth_bytes_per_hour", "gauge", "Least-squares RSS growth over the recent window.", "growthBytesPerHour"),
    ("memory_budget_state", "gauge", "Budget state: 0 ok, 1 warn, 2 critical, 3 over.", "state"),
    ("memory_budget_restarts_total", "counter", "Restarts seen.", "restarts"),
]


def metrics_text(snapshots):
    """Prometheus text format 0.0.4, as src/core/metrics/prometheusText.ts writes it."""
    lines = []
    for name, kind, help_text, key in SERIES:
        lines.append("# HELP %s %s" % (name, help_text))
        lines.append("# TYPE %s %s" % (name, kind))
        for s in snapshots:
            value = s.get(key)
            if value is None:
                continue
            labels = 'service="%s"' % s["service"].replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
            if s.get("pid") is not None:
                labels += ',pid="%d"' % s["pid"]
            lines.append("%s{%s} %d" % (name, labels, js_round(value)))
    return "\n".join(lines) + "\n"
