"""Cron expressions in plain language: `0 9 * * 1-5` -> "at 09:00, Monday through Friday".

Covers the forms people actually write (numbers, lists, ranges, `*/n` steps, names, macros).
Anything else (seconds fields, `L`, `#`, steps over ranges...) is returned as the expression
itself: a raw expression is better than a wrong sentence.
"""

from __future__ import annotations

import re

DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
MACROS = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}
#: Most distinct times of day spelled out ("at 09:00, 12:00 and 17:00") before giving up.
MAX_TIMES = 6
_STEP = re.compile(r"^\*/(\d+)$")
_RANGE = re.compile(r"^(\w+)-(\w+)$")


class _Unsupported(Exception):
    pass


def _number(text: str, names: list[str] | None = None, offset: int = 0) -> int:
    if text.isdigit():
        return int(text)
    if names is not None:
        for index, name in enumerate(names):
            if name[:3].casefold() == text.casefold():
                return index + offset
    raise _Unsupported(text)


def _values(
    field: str, high: int, names: list[str] | None = None, offset: int = 0
) -> list[int] | None:
    """The numbers (up to `high`) of a field of numbers, names and plain ranges; None for `*`."""
    if field == "*":
        return None
    values: list[int] = []
    for part in field.split(","):
        if match := _RANGE.match(part):
            low, high = (_number(g, names, offset) for g in match.groups())
            if high < low:
                raise _Unsupported(part)
            values.extend(range(low, high + 1))
        else:
            values.append(_number(part, names, offset))
    if max(values) > high:
        raise _Unsupported(field)
    return sorted(set(values))


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _span(values: list[int], names: list[str], first: int = 0) -> str:
    """A contiguous run of 3+ reads as "Monday through Friday", anything else as a list."""
    words = [names[v - first] for v in values]
    if len(values) >= 3 and values == list(range(values[0], values[-1] + 1)):
        return f"{words[0]} through {words[-1]}"
    return _join(words)


def _plural(n: int, unit: str) -> str:
    return f"every {unit}" if n == 1 else f"every {n} {unit}s"


def _time(minute: str, hour: str) -> tuple[str, bool]:
    """The time-of-day phrase, and whether it is a repeating interval ("every 5 minutes")."""
    minute_step, hour_step = _STEP.match(minute), _STEP.match(hour)
    hours = None if hour_step else _values(hour, 23)
    if minute == "*" or minute_step:
        phrase = _plural(int(minute_step[1]) if minute_step else 1, "minute")
        if hour_step:
            raise _Unsupported(hour)
        if hours is None:
            return phrase, True
        if hours == list(range(hours[0], hours[-1] + 1)):
            return f"{phrase}, from {hours[0]:02}:00 to {hours[-1]:02}:59", True
        return f"{phrase}, during hours {_join([f'{h:02}:00' for h in hours])}", True
    minutes = _values(minute, 59)
    assert minutes is not None
    if hour == "*" or hour_step:
        every = _plural(int(hour_step[1]) if hour_step else 1, "hour")
        if minutes == [0]:
            return every, True
        return f"{every}, at {_join([str(m) for m in minutes])} minutes past", True
    assert hours is not None
    times = [f"{h:02}:{m:02}" for h in hours for m in minutes]
    if len(times) > MAX_TIMES:
        raise _Unsupported(minute)
    return f"at {_join(times)}", False


def _days(dom: str, month: str, dow: str) -> list[str]:
    parts = []
    if dom != "*":
        if step := _STEP.match(dom):
            parts.append(f"every {step[1]} days")
        else:
            days = _values(dom, 31)
            assert days is not None
            label = "day" if len(days) == 1 else "days"
            parts.append(f"on {label} {_span(days, [str(d) for d in range(32)])} of the month")
    if dow != "*":
        # 0 and 7 are both Sunday; weeks read Monday first, so "sat,sun" is a weekend.
        weekdays = sorted({d % 7 or 7 for d in _values(dow, 7, DAYS) or []})
        text = _span(weekdays, [*DAYS, DAYS[0]])
        joined = " through " in text
        # Standard cron: when both day fields are restricted, either one matching is enough.
        parts.append(("or " if parts else "") + (text if joined else f"on {text}"))
    if month != "*":
        if step := _STEP.match(month):
            parts.append(f"every {step[1]} months")
        else:
            months = _values(month, 12, MONTHS, offset=1)
            assert months is not None
            parts.append(f"in {_span(months, MONTHS, first=1)}")
    return parts


def describe(expression: str) -> str:
    """A plain-language reading of a 5-field cron expression, or the expression unchanged."""
    fields = MACROS.get(expression.strip().casefold(), expression).split()
    if len(fields) != 5:
        return expression
    minute, hour, dom, month, dow = fields
    try:
        time, repeating = _time(minute, hour)
        days = _days(dom, month, dow)
    except (_Unsupported, IndexError, ValueError):
        return expression
    if not days:
        return time if repeating else f"{time}, every day"
    if not repeating and days[0].startswith("in "):
        days[0] = f"every day {days[0]}"
    return ", ".join([time, *days]).replace(", or ", " or ")
