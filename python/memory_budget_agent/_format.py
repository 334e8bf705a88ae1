"""Numbers and times written exactly as the Node side writes them (JavaScript's rounding rules)."""

import json
import math
import time
from decimal import ROUND_HALF_UP, Decimal

MB = 1024 * 1024


def js_round(x):
    """Math.round: halves go towards +infinity."""
    return int(math.floor(x + 0.5))


def to_fixed(x, digits):
    """Number.prototype.toFixed: the exact binary value, halves away from zero."""
    q = Decimal(1).scaleb(-digits)
    text = str(Decimal(x).quantize(q, rounding=ROUND_HALF_UP))
    return "0" if digits == 0 and text == "-0" else text


def _locale_fixed(x, digits):
    """toLocaleString('en-US') with fixed fraction digits: ICU rounds the shortest decimal form."""
    q = Decimal(1).scaleb(-digits)
    value = Decimal(repr(float(x))).quantize(q, rounding=ROUND_HALF_UP)
    return "{:,.{}f}".format(value, digits)


def js_number(x):
    """String(n) for the numbers we write: integers without '.0', others in shortest form."""
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, float) and x.is_integer() and abs(x) < 1e21:
        return str(int(x))
    return repr(x) if isinstance(x, float) else str(x)


def format_mb(n):
    mb = n / MB
    return (to_fixed(mb, 1) if mb < 10 else "{:,}".format(js_round(mb))) + " MB"


def format_mb1(n):
    return to_fixed(n / MB, 1) + " MB"


def format_rate(bytes_per_hour):
    mb = bytes_per_hour / MB
    return ("+" if mb >= 0 else "\u2212") + _locale_fixed(abs(mb), 1) + " MB/h"


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
