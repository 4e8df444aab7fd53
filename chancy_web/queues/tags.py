"""Queue tags: regular expressions that every worker matches against its own tags.

Chancy's workers run `re.match(tag, worker_tag)` in their event loop each time they look at
the queues, so one tag that backtracks for a second stalls every worker of the cluster, and
one that does not compile ends the task that watches for queue changes. A tag must compile,
is bounded in length (and a queue in tag count), and is refused when it has the shapes that
make a backtracking engine take exponential or high polynomial time:

- an unbounded repeat inside another repeat: `(a+)+`, `([0-9a-f-]+)+`, `(.*){2,}`;
- inside a repeat, alternatives that can match the same text: `(a|a)+`, `(a|aa)+`,
  `(\\w|\\d)+`;
- unbounded repeats over overlapping characters one after the other (nothing but optional
  items between them): `.*.*`, `\\d+\\d*`, `.*\\w+`, `(a+){3}`.

Ordinary tags (`.*`, `worker_id=abc.*`, `role=(a|b)`, `^gpu-\\d+$`, `.*prod.*`) pass.

The check builds the pattern's position automaton (Glushkov's construction: one position per
character the pattern can consume, and which positions may follow which) from the parse tree
of Python's own regex parser, `re._parser`. It is private, but it is exactly the parser the
workers' `re.match` uses, so the shapes judged are the ones that run. Anything the walk does
not recognise (a new opcode, a changed tuple shape) makes the tag refused, never accepted.
"""

from __future__ import annotations

import functools
import re
import re._constants as sre  # type: ignore[import-not-found]
import re._parser as sre_parse  # type: ignore[import-not-found]
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

MAX_TAGS = 32
MAX_TAG_LENGTH = 200
#: Bounded repeats up to this count are checked copy by copy; larger ones as unbounded.
UNROLL_LIMIT = 32
#: Patterns whose automaton would have more positions than this are refused as too complex.
MAX_POSITIONS = 2_000
#: At most this many ways through the parts outside repeats (see `_Automaton._judge`).
MAX_PATHS = 256
#: Most unbounded repeats one after the other that can take turns at the same text, as the
#: three in `.*a.*a.*` can: each one more multiplies the work by the text's length.
MAX_LOOP_CHAIN = 2

LAST_CODE_POINT = 0x10FFFF
Chars = tuple[tuple[int, int], ...]  # sorted, disjoint, inclusive code point ranges


class UnsafeTag(ValueError):
    pass


def check_tags(tags: Sequence[str]) -> None:
    """Raise ValueError (msgspec reports it as a 400) unless every tag is safe to run."""
    if len(tags) > MAX_TAGS:
        raise ValueError(f"A queue has at most {MAX_TAGS} tags")
    for tag in tags:
        check_tag(tag)


def check_tag(tag: str) -> None:
    shown = repr(tag if len(tag) <= 60 else tag[:60] + "…")
    if len(tag) > MAX_TAG_LENGTH:
        raise ValueError(f"Tag {shown} is longer than {MAX_TAG_LENGTH} characters")
    try:
        with warnings.catch_warnings():  # "possible nested set": the tag still works today
            warnings.simplefilter("ignore", FutureWarning)
            parsed = sre_parse.parse(tag)
            re.compile(tag)
    except (re.error, RecursionError, OverflowError) as exc:
        raise ValueError(f"Tag {shown} is not a regular expression: {exc}") from None
    try:
        _Automaton(parsed.state.flags).check(parsed)
    except UnsafeTag as exc:
        raise ValueError(
            f"Tag {shown} {exc}: every worker matches tags in its event loop, where such a "
            "pattern can take seconds"
        ) from None
    except (AttributeError, TypeError, ValueError, KeyError, IndexError, RecursionError):
        # The parse tree is not shaped as this check expects: refuse rather than guess.
        raise ValueError(f"Tag {shown} cannot be checked for safety") from None


# Character sets, as ranges of code points.


def _normalise(ranges: Iterable[tuple[int, int]]) -> Chars:
    merged: list[tuple[int, int]] = []
    for lo, hi in sorted(ranges):
        if merged and lo <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(hi, merged[-1][1]))
        else:
            merged.append((lo, hi))
    return tuple(merged)


def _complement(chars: Chars) -> Chars:
    gaps, start = [], 0
    for lo, hi in chars:
        if lo > start:
            gaps.append((start, lo - 1))
        start = hi + 1
    if start <= LAST_CODE_POINT:
        gaps.append((start, LAST_CODE_POINT))
    return tuple(gaps)


def overlap(a: Chars, b: Chars) -> bool:
    i = j = 0
    while i < len(a) and j < len(b):
        if a[i][1] < b[j][0]:
            i += 1
        elif b[j][1] < a[i][0]:
            j += 1
        else:
            return True
    return False


@functools.cache
def _every_character() -> str:
    """All code points in order, built as UTF-32 (a Python loop over them takes a second)."""
    count = LAST_CODE_POINT + 1
    utf32 = bytearray(4 * count)
    utf32[0::4] = bytes(range(256)) * (count // 256)
    utf32[1::4] = b"".join(bytes([b]) * 256 for b in range(256)) * (count // 65536)
    utf32[2::4] = b"".join(bytes([b]) * 65536 for b in range(count // 65536))
    return utf32.decode("utf-32-le", "surrogatepass")


@functools.cache
def _category(name: str, ascii_only: bool) -> Chars:
    """The code points of a class escape (`\\d`, `\\W`, ...), found by asking `re` itself."""
    escape = {"CATEGORY_DIGIT": r"\d", "CATEGORY_SPACE": r"\s", "CATEGORY_WORD": r"\w"}
    negated = name.startswith("CATEGORY_NOT_")
    text = _every_character()[:128] if ascii_only else _every_character()
    runs = re.finditer(
        escape[name.replace("_NOT_", "_")] + "+", text, re.ASCII if ascii_only else 0
    )
    chars = tuple((m.start(), m.end() - 1) for m in runs)
    return _complement(chars) if negated else chars


def _case_variants(ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """The ranges with the other case of their characters (wide ranges hold both already)."""
    out = list(ranges)
    for lo, hi in list(out):
        if hi - lo > 4096:
            continue
        for code in range(lo, hi + 1):
            for variant in {chr(code).lower(), chr(code).upper(), chr(code).casefold()}:
                if len(variant) == 1:
                    out.append((ord(variant), ord(variant)))
    return out


# The position automaton.


@dataclass
class _Position:
    chars: Chars
    #: The unbounded repeat this position is inside, if any (repeats never nest here).
    loop: int | None


@dataclass
class _Part:
    """What a piece of pattern contributes: whether it can match nothing, the positions
    that can begin and end its matches, and whether it holds an unbounded repeat."""

    nullable: bool
    first: frozenset[int] = frozenset()
    last: frozenset[int] = frozenset()
    unbounded: bool = False


EMPTY = _Part(nullable=True)


@dataclass
class _Automaton:
    flags: int
    positions: list[_Position] = field(default_factory=list)
    follow: dict[int, set[int]] = field(default_factory=dict)
    loops: int = 0

    def check(self, parsed: Any) -> None:
        self._judge(self._sequence(parsed, self.flags, None))

    # building

    def _position(self, chars: Chars, loop: int | None) -> _Part:
        if len(self.positions) >= MAX_POSITIONS:
            raise UnsafeTag("is too complex to check")
        self.positions.append(_Position(chars, loop))
        index = len(self.positions) - 1
        self.follow[index] = set()
        only = frozenset({index})
        return _Part(nullable=False, first=only, last=only)

    def _then(self, a: _Part, b: _Part) -> _Part:
        for p in a.last:
            self.follow[p] |= b.first
        return _Part(
            nullable=a.nullable and b.nullable,
            first=a.first | b.first if a.nullable else a.first,
            last=b.last | a.last if b.nullable else b.last,
            unbounded=a.unbounded or b.unbounded,
        )

    def _sequence(self, items: Any, flags: int, loop: int | None) -> _Part:
        part = EMPTY
        for op, av in items:
            part = self._then(part, self._node(op, av, flags, loop))
        return part

    def _node(self, op: Any, av: Any, flags: int, loop: int | None) -> _Part:
        if op in (sre.LITERAL, sre.NOT_LITERAL, sre.ANY, sre.IN):
            return self._position(self._chars(op, av, flags), loop)
        if op is sre.AT:
            return EMPTY
        if op is sre.SUBPATTERN:
            _group, add, remove, pattern = av
            return self._sequence(pattern, (flags | add) & ~remove, loop)
        if op is sre.ATOMIC_GROUP:
            return self._sequence(av, flags, loop)
        if op is sre.BRANCH:
            _, branches = av
            parts = [self._sequence(branch, flags, loop) for branch in branches]
            if sum(p.nullable for p in parts) > 1:
                raise UnsafeTag("has alternatives that match the same text, as in (a|a)")
            return _Part(
                nullable=any(p.nullable for p in parts),
                first=frozenset().union(*(p.first for p in parts)),
                last=frozenset().union(*(p.last for p in parts)),
                unbounded=any(p.unbounded for p in parts),
            )
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
            low, high, pattern = av
            return self._repeat(low, high, pattern, flags, loop)
        if op in (sre.ASSERT, sre.ASSERT_NOT):
            # Zero-width here, but what it looks for runs all the same: check it on its own.
            _direction, pattern = av
            _Automaton(flags).check(pattern)
            return EMPTY
        if op in (sre.GROUPREF, sre.GROUPREF_EXISTS, sre.GROUPREF_IGNORE):
            raise UnsafeTag("uses a backreference or a conditional, which tags may not")
        raise UnsafeTag(f"uses {op}, which this check does not know")

    def _repeat(self, low: int, high: int, pattern: Any, flags: int, loop: int | None) -> _Part:
        if high == sre.MAXREPEAT or high > UNROLL_LIMIT:
            self.loops += 1
            body = self._sequence(pattern, flags, self.loops)
            if body.unbounded:
                raise UnsafeTag("nests unbounded repeats, as in (a+)+")
            if body.nullable:
                raise UnsafeTag("repeats without bound what can match nothing, as in (a?)*")
            for p in body.last:
                self.follow[p] |= body.first
            return _Part(
                nullable=low == 0 or body.nullable,
                first=body.first,
                last=body.last,
                unbounded=True,
            )
        # Bounded: the copies it must match, then the optional ones, each only after the
        # one before it (as the engine counts them).
        required = EMPTY
        for _ in range(low):
            required = self._then(required, self._sequence(pattern, flags, loop))
        optional = EMPTY
        for _ in range(high - low):
            inner = self._then(self._sequence(pattern, flags, loop), optional)
            optional = _Part(True, inner.first, inner.last, inner.unbounded)
        return self._then(required, optional)

    def _chars(self, op: Any, av: Any, flags: int) -> Chars:
        ascii_only = bool(flags & re.ASCII)
        if op is sre.ANY:
            newline = ((10, 10),)
            return ((0, LAST_CODE_POINT),) if flags & re.DOTALL else _complement(newline)
        if op in (sre.LITERAL, sre.NOT_LITERAL):
            ranges: list[tuple[int, int]] = [(av, av)]
            negate = op is sre.NOT_LITERAL
        else:
            ranges, negate = [], False
            for item_op, item in av:
                if item_op is sre.NEGATE:
                    negate = True
                elif item_op is sre.LITERAL:
                    ranges.append((item, item))
                elif item_op is sre.RANGE:
                    ranges.append((item[0], item[1]))
                elif item_op is sre.CATEGORY:
                    ranges.extend(_category(str(item), ascii_only))
                else:
                    raise UnsafeTag(f"uses {item_op} in a class, which this check does not know")
        if flags & re.IGNORECASE:
            ranges = _case_variants(ranges)
        chars = _normalise(ranges)
        return _complement(chars) if negate else chars

    # judging

    def _overlapping(self, targets: Iterable[int]) -> int:
        """The most of `targets` that one character could lead to (at least 1)."""
        targets = list(targets)
        return max(
            (
                sum(overlap(self.positions[q].chars, self.positions[r].chars) for r in targets)
                for q in targets
            ),
            default=1,
        )

    def _judge(self, whole: _Part) -> None:
        paths = self._overlapping(whole.first)
        for p, position in enumerate(self.positions):
            loop, targets = position.loop, self.follow[p]
            stay = [q for q in targets if loop is not None and self.positions[q].loop == loop]
            leave = [q for q in targets if q not in stay]
            if self._overlapping(stay) > 1:
                raise UnsafeTag("repeats alternatives that can match the same text, as in (a|aa)+")
            for q in leave:
                entered = self.positions[q].loop
                if entered is not None and any(
                    overlap(self.positions[q].chars, self.positions[r].chars) for r in stay
                ):
                    raise UnsafeTag(
                        "puts unbounded repeats of overlapping characters next to each other, "
                        "as in .*.*"
                    )
            paths *= self._overlapping(leave)
        if self._longest_loop_chain() > MAX_LOOP_CHAIN:
            raise UnsafeTag(
                f"has more than {MAX_LOOP_CHAIN} unbounded repeats in a row that can match the "
                "same text, as in .*a.*a.*"
            )
        # Choices between overlapping ways on, one after the other, multiply the paths the
        # engine may try: (a.|ab)(a.|ab)... doubles them with each group.
        if paths > MAX_PATHS:
            raise UnsafeTag("chains too many alternatives that can match the same text")

    def _loop_chars(self) -> dict[int, Chars]:
        chars: dict[int, list[tuple[int, int]]] = {}
        for position in self.positions:
            if position.loop is not None:
                chars.setdefault(position.loop, []).extend(position.chars)
        return {loop: _normalise(ranges) for loop, ranges in chars.items()}

    def _next_loops(self, loop: int, chars: Chars) -> set[int]:
        """The loops after `loop` that text it can match could also lead into: reached over
        positions that each overlap `chars`, the characters `loop` repeats."""
        seen: set[int] = set()
        todo = [
            q for p, pos in enumerate(self.positions) if pos.loop == loop for q in self.follow[p]
        ]
        found = set()
        while todo:
            q = todo.pop()
            position = self.positions[q]
            if q in seen or position.loop == loop or not overlap(position.chars, chars):
                continue
            seen.add(q)
            if position.loop is not None:
                found.add(position.loop)
            else:
                todo.extend(self.follow[q])
        return found

    def _longest_loop_chain(self) -> int:
        loop_chars = self._loop_chars()
        after = {loop: self._next_loops(loop, chars) for loop, chars in loop_chars.items()}

        @functools.cache
        def chain(loop: int) -> int:
            return 1 + max((chain(next_loop) for next_loop in after[loop]), default=0)

        return max((chain(loop) for loop in after), default=0)
