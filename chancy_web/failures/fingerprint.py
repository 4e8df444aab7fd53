"""The failure fingerprint: which failed attempts are the same problem.

A pure function of the text Chancy stores for an attempt (`errors[-1]["traceback"]`, the joined
`traceback.format_exception` of what the job raised) and, optionally, the job's `func`. It is
defined in docs/failures.md; `FINGERPRINT_VERSION` changes whenever that definition does, so
stored groups can tell that they were folded under another one.

The text is read from its end, where the last exception is, and the work per text is bounded:
at most `MESSAGE_WINDOW` characters of a message and `FRAMES_EXAMINED` frames are looked at.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from enum import IntEnum
from functools import lru_cache
from itertools import chain

import msgspec

FINGERPRINT_VERSION = 1
#: Lengths of the fields, in characters; a longer value is cut and ends with "…".
EXCEPTION_MAX = 200
MESSAGE_MAX = 200
FRAME_MAX = 300
#: How much of a message is normalised: enough for MESSAGE_MAX, bounded for 1 MB messages.
MESSAGE_WINDOW = 500
FRAMES_EXAMINED = 200


class Fingerprint(msgspec.Struct, frozen=True):
    #: The last exception's type as printed (`ValueError`, `psycopg.errors.UniqueViolation`);
    #: "" when the text is not a Python traceback.
    exception: str
    #: Its message with ids replaced by placeholders (`user <num> not found`).
    message_template: str
    #: `file:function` of the frame that failed, `file` for a SyntaxError's location, or "".
    frame: str
    #: 16 hex digits of blake2b over the version and the three fields above.
    fingerprint: str


def fingerprint(traceback: str | None, func: str | None = None) -> Fingerprint:
    """The fingerprint of a job's latest traceback. With `func` (the job's `func`, such as
    `myapp.jobs.send`), frames in its package are shown from the package on, so that they do
    not depend on where the app is installed, and count as the app's even in site-packages."""
    text = (traceback or "").rstrip()
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = "\n" + text.lstrip("\n")  # every line, the first too, starts after a "\n"
    if text == "\n":
        return NO_TRACEBACK
    parts = _parts_from_last(text)
    start, end = next(parts)
    exception, message, frames_end = _last_exception(text, start, end)
    frames = _frames_innermost_first(text, chain([(start, frames_end)], parts))
    package = (func or "").rpartition(".")[0].partition(".")[0]  # "myapp" of myapp.jobs.send
    return _make(exception, template(message), _failing_frame(frames, package))


def _make(exception: str, message: str, frame: str) -> Fingerprint:
    exception = _cut(exception, EXCEPTION_MAX)
    frame = _cut(frame, FRAME_MAX, keep_end=True)
    key = "\n".join((str(FINGERPRINT_VERSION), exception, message, frame))
    digest = hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()
    return Fingerprint(exception, message, frame, digest)


def _cut(value: str, limit: int, *, keep_end: bool = False) -> str:
    if len(value) <= limit:
        return value
    return "…" + value[1 - limit :] if keep_end else value[: limit - 1] + "…"


# --- The chain: the last exception is after the last separator -------------------------------

_CAUSE = "\n\nThe above exception was the direct cause of the following exception:\n\n"
_CONTEXT = "\n\nDuring handling of the above exception, another exception occurred:\n\n"


def _parts_from_last(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each exception of the chain, the last one first."""
    end = len(text)
    while True:
        cause, context = text.rfind(_CAUSE, 0, end), text.rfind(_CONTEXT, 0, end)
        if cause < 0 and context < 0:
            yield 0, end
            return
        cut, length = (cause, len(_CAUSE)) if cause > context else (context, len(_CONTEXT))
        yield cut + length - 1, end  # keep the "\n" that starts the part's first line
        end = cut


# --- The last exception: its type line follows its frames ------------------------------------

_HEADER = "\nTraceback (most recent call last):\n"
_GROUP_HEADER = "\n  + Exception Group Traceback (most recent call last):\n"
_GROUP_MARGIN = re.compile(r"\n  [|+] ?")
_GROUP_COUNT = re.compile(r" \(\d+ sub-exceptions?\)")
_UNINDENTED = re.compile(r"\n(?=[^ \n])")
_TYPE = re.compile(r"\n([^\W\d][\w.<>]*)(?::|\n|\Z)")
_CANCEL_NOTE = re.compile(r"\nCancelled by .* from chancy-web")  # chancy_web.jobs.actions


def _last_exception(text: str, start: int, end: int) -> tuple[str, str, int]:
    """(type, message, end of its frames) of the exception in text[start:end]; the message
    is at most MESSAGE_WINDOW characters long."""
    if text.startswith(_GROUP_HEADER, start) or text.startswith("\n  | ", start):
        return _last_group(text, start, end)
    return _last_ungrouped(text, start, end)


def _last_ungrouped(text: str, start: int, end: int) -> tuple[str, str, int]:
    """The same for an exception drawn without a margin (or with its margin removed)."""
    header = text.find(_HEADER, start, end)
    if header >= 0:
        frames_start = header + len(_HEADER) - 1
    else:  # no traceback of its own, or one cut at its start: its type follows any frame
        frames_start = max(start, text.rfind('\n  File "', start, end))
    line = _UNINDENTED.search(text, frames_start, end)
    if line is None and header >= 0:
        return "", "<truncated>", end
    type_ = _TYPE.match(text, line.start(), end) if line else None
    if not type_:  # not a Python traceback
        if _CANCEL_NOTE.fullmatch(text, start, end):
            return "", "Cancelled by <user> from chancy-web", start
        return "", text[start : min(end, start + MESSAGE_WINDOW)], start
    message = text[type_.end() : min(end, type_.end() + MESSAGE_WINDOW)]
    return type_.group(1), message, type_.start()


def _last_group(text: str, start: int, end: int) -> tuple[str, str, int]:
    """An exception group: its own lines, drawn in a margin, down to its first sub-exception.

    The group is what the job raised, so its type is the exception; its sub-exceptions vary
    in number and order from run to run, so neither they nor their count are part of it."""
    drawing = text.find("\n  +-", start, end)
    own_end = end if drawing < 0 else drawing
    own = _GROUP_MARGIN.sub("\n", text[start:own_end].replace(_GROUP_HEADER, _HEADER, 1))
    exception, message, _ = _last_ungrouped(own, 0, len(own))
    # Its frames are read from the text as drawn: _FRAME allows their margin.
    return exception, _GROUP_COUNT.sub("", message, count=1), own_end


# --- The message template ---------------------------------------------------------------------

# 0x and hex digits, or 8 or more hex digits of which at least one is a letter and one a digit
# (so neither a word nor a decimal number), not inside a longer word.
_HEX = (
    r"(?<![0-9A-Za-z])(?:0[xX][0-9a-fA-F]+"
    r"|(?=[0-9a-fA-F]{8})(?=[0-9]*[A-Fa-f])(?=[A-Fa-f]*[0-9])[0-9A-Fa-f]+)(?![0-9A-Za-z])"
)
# Applied in this order, each to what the previous left; each only if the text holds its
# first string, which is cheaper to look for than its pattern (docs/failures.md).
_PLACEHOLDERS = (
    ("://", re.compile(r"[A-Za-z][\w+.\-]*://[^\s'\"<>]*[^\s'\"<>.,;:!?)\]}]"), "<url>"),
    ("@", re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+"), "<email>"),
    ("'", re.compile(r"(?<!\w)[bBrRuUfF]{0,2}'(?:[^'\\\n]|\\.)*(?:'|\Z)"), "<str>"),
    ('"', re.compile(r'(?<!\w)[bBrRuUfF]{0,2}"(?:[^"\\\n]|\\.)*(?:"|\Z)'), "<str>"),
    ("/", re.compile(r"(?<![\w<>])(?:[A-Za-z]:[\\/]|~?/|\.\.?/)[^\s'\"<>:,;()\[\]{}]+"), "<path>"),
    ("\\", re.compile(r"(?<![\w<>])[A-Za-z]:\\[^\s'\"<>:,;()\[\]{}]+"), "<path>"),
    ("-", re.compile(r"\b[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}\b"), "<uuid>"),
    ("", re.compile(_HEX), "<hex>"),
    ("", re.compile(r"\d+(?:\.\d+)*"), "<num>"),
)


def template(message: str) -> str:
    """`message` with its variable parts replaced, whitespace collapsed, at most MESSAGE_MAX."""
    if len(message) >= MESSAGE_WINDOW:  # cut between words, so that no id is cut in two
        space = message.rfind(" ", MESSAGE_WINDOW // 2, MESSAGE_WINDOW)
        message = message[: space if space > 0 else MESSAGE_WINDOW]
    for needle, pattern, placeholder in _PLACEHOLDERS:
        if needle in message:
            message = pattern.sub(placeholder, message)
    return _cut(" ".join(message.split()), MESSAGE_MAX)


# --- The failing frame ------------------------------------------------------------------------

_FRAME = re.compile(r'\n(?:  [|+] )?  File "(.*)", line [^,\n]*(?:, in ([^\n]*))?')


class Kind(IntEnum):
    """Where a frame's file is, in order of preference for the failing frame."""

    APP = 0
    THIRD_PARTY = 1
    CHANCY = 2
    STDLIB = 3  # and pseudo-files such as <frozen importlib._bootstrap> or <string>


def _failing_frame(frames: Iterable[tuple[str, str | None]], package: str) -> str:
    """The innermost frame of the most preferred kind."""
    found: dict[Kind, str] = {}
    for path, function in frames:
        kind, shown = _place(path, package)
        if kind not in found:
            found[kind] = shown if function is None else f"{shown}:{function}"
            if kind is Kind.APP:
                break
    return found[min(found)] if found else ""


def _frames_innermost_first(
    text: str, parts: Iterable[tuple[int, int]]
) -> Iterator[tuple[str, str | None]]:
    """(path, function) of the frames of the last exception, innermost first, then of its
    cause or context (where a process pool's remote traceback is), and so on."""
    examined = 0
    for start, end in parts:
        while examined < FRAMES_EXAMINED:
            at = text.rfind('  File "', start, end)
            if at < 0:
                break
            line_start = text.rfind("\n", start, at)
            end = max(line_start, start)
            if line_start < 0 or text[line_start + 1 : at] not in ("", "  | "):
                continue  # `  File "` inside a source line or a message
            line_end = text.find("\n", at)
            frame = _FRAME.fullmatch(text, line_start, line_end if line_end >= 0 else len(text))
            if frame is not None:
                examined += 1
                yield frame.group(1), frame.group(2)


_SITE_PACKAGES = re.compile(r".*(?:^|/)(?:site|dist)-packages/")
_STDLIB = re.compile(
    r"(?:^|/)(?:lib(?:64)?/(?:python|pypy)\d(?:\.\d+)?t?|Lib|lib-python/[\d.]+|python\d+\.zip)/"
)
_CHANCY_SOURCE = re.compile(
    r"(?:^|/)chancy/(?:(?:executors|plugins|contrib|cli)/.*"
    r"|(?:__init__|app|errors|hub|job|migrate|plugin|queue|retry|rule|utils|worker)\.py)$"
)


@lru_cache(maxsize=4096)
def _place(path: str, package: str) -> tuple[Kind, str]:
    """The kind of a frame's file and the path shown for it: from the job's package on for
    the app's own files, wherever the app is installed."""
    path = path.replace("\\", "/")
    if path.startswith("<"):
        return Kind.STDLIB, path
    if site := _SITE_PACKAGES.match(path):
        shown = path[site.end() :]
        if shown.startswith("chancy/"):
            return Kind.CHANCY, shown
        if package and (shown.startswith(f"{package}/") or shown == f"{package}.py"):
            return Kind.APP, shown
        return Kind.THIRD_PARTY, shown
    if stdlib := _STDLIB.search(path):
        return Kind.STDLIB, path[stdlib.end() :]
    if chancy := _CHANCY_SOURCE.search(path):
        return Kind.CHANCY, path[chancy.start() :].lstrip("/")
    if package:
        inside = path.rfind(f"/{package}/")
        if inside < 0 and path.endswith(f"/{package}.py"):
            inside = len(path) - len(package) - 4
        if inside >= 0:
            return Kind.APP, path[inside + 1 :]
    return Kind.APP, path


NO_TRACEBACK = _make("", "", "")
