"""Numbers and times written exactly as the Node side writes them (JavaScript's rounding rules)."""

import json
import math
import time

MB = 1024 * 1024


def js_round(x):
    """Math.round: halves go towards +infinity."""
    return int(math.floor(x + 0.5))


def to_fixed(x, digits):
    """Number.prototype.toFixed: the exact binary value, halves away from zero (exact integers, no decimal)."""
    numerator, denominator = float(x).as_integer_ratio()
    units, rest = divmod(abs(numerator) * 10**digits, denominator)
    if 2 * rest >= denominator:
        units += 1
    text = str(units).rjust(digits + 1, "0")
    body = text[:-digits] + "." + text[-digits:] if digits else text
    return ("-" if numerator < 0 else "") + body


def group_thousands(fixed):
    """groupThousands in display.ts: "12345.6" -> "12,345.6"."""
    whole, _, fraction = fixed.partition(".")
    sign = "-" if whole.startswith("-") else ""
    grouped = "{:,}".format(int(whole.lstrip("-"))) if whole.lstrip("-") else whole
    return sign + grouped + ("." + fraction if fraction else "")


def js_number(x):
    """String(n) for the numbers we write: integers without '.0', others in shortest form."""
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, float) and x.is_integer() and abs(x) < 1e21:
        return str(int(x))
    return repr(x) if isinstance(x, float) else str(x)


def format_mb(n):
    mb = n / MB
    return (to_fixed(mb, 1) if mb < 10 else group_thousands(str(js_round(mb)))) + " MB"


def format_mb1(n):
    return to_fixed(n / MB, 1) + " MB"


def format_rate(bytes_per_hour):
    mb = bytes_per_hour / MB
    return ("+" if mb >= 0 else "\u2212") + group_thousands(to_fixed(abs(mb), 1)) + " MB/h"


def format_duration(ms):
    s = max(0, js_round(ms / 1000))
    if s < 60:
        return "%d s" % s
    m = s // 60
    if m < 60:
        return "%d m" % m
    h = m // 60
    if h < 48:
        return "%d h %d m" % (h, m % 60)
    return "%d d %d h" % (h // 24, h % 24)


def describe_trend(trend):
    if trend is None:
        return "trend: collecting samples"
    rate = trend["bytesPerHour"]
    if abs(rate) < 0.5 * MB:
        return "steady (%s)" % format_rate(rate)
    if rate < 0:
        return "shrinking " + format_rate(rate)
    eta = trend.get("msToBudget")
    return "growing " + format_rate(rate) + (" \u2014 budget in \u2248 " + format_duration(eta) if eta is not None else "")


def stamp(ms):
    """Local time as the memory log writes it: 2025-10-27 14:35:22."""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(ms // 1000))


def iso_time(ms):
    """Date.prototype.toISOString."""
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms // 1000)) + ".%03dZ" % (ms % 1000)


def _plain(value):
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return int(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if v is not _OMIT}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


class _Omit:
    """A field JavaScript would leave out (undefined)."""


_OMIT = _Omit()
OMIT = _OMIT


def json_line(record):
    """JSON.stringify: no spaces, non-ASCII as is, integral numbers without '.0', undefined left out."""
    return json.dumps(_plain(record), separators=(",", ":"), ensure_ascii=False) + "\n"
