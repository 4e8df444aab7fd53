"""The search language's parser: the tree of each form, and each error's position and what it
expected there."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from psycopg import sql

from chancy_web.query import QueryError, compile_query, parse
from chancy_web.query.language import (
    MAX_DEPTH,
    MAX_LENGTH,
    MAX_TERMS,
    And,
    Empty,
    Not,
    Or,
    Term,
    Value,
    terms,
)
from chancy_web.settings import Settings

NOW = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)


def _compile(q: str, **settings: object):
    return compile_query(
        q, table=sql.Identifier("chancy_jobs"), now=NOW, settings=Settings(**settings)
    )  # type: ignore[arg-type]


def _error(q: str, compile_: bool = False) -> QueryError:
    with pytest.raises(QueryError) as info:
        _compile(q) if compile_ else parse(q)
    return info.value


def test_blank_query_is_empty():
    assert parse("") == Empty()
    assert parse("   \t ") == Empty()


def test_qualifier_term_keeps_name_value_and_positions():
    assert parse("  state:failed") == Term(
        name="state", value=Value(text="failed", position=8, end=14), position=2
    )


def test_operator_before_value():
    term = parse("priority:>=5")
    assert isinstance(term, Term)
    assert term.value == Value(text="5", position=11, end=12, op=">=")
    assert parse("func:~report").value.op == "~"  # type: ignore[union-attr]


def test_quoted_value_with_escapes():
    term = parse(r'error:"say \"hi\" \\ now"')
    assert isinstance(term, Term)
    assert term.value.text == r'say "hi" \ now'
    assert term.value.quoted and term.value.position == 6


def test_quoted_value_after_operator():
    term = parse('kwargs.name:~"a b"')
    assert isinstance(term, Term)
    assert (term.value.op, term.value.text, term.value.quoted) == ("~", "a b", True)


def test_path_names_keep_their_dots():
    term = parse("kwargs.user.email:x")
    assert isinstance(term, Term) and term.name == "kwargs.user.email"


def test_terms_side_by_side_are_anded():
    tree = parse("state:failed queue:emails")
    assert isinstance(tree, And) and [t.name for t in terms(tree)] == ["state", "queue"]


def test_or_binds_looser_than_and():
    tree = parse("a b OR c")
    assert isinstance(tree, Or)
    assert isinstance(tree.children[0], And) and isinstance(tree.children[1], Term)


def test_parentheses_group():
    tree = parse("a (b OR c)")
    assert isinstance(tree, And) and isinstance(tree.children[1], Or)


def test_minus_and_not_negate():
    for q in ("-state:failed", "NOT state:failed"):
        tree = parse(q)
        assert isinstance(tree, Not) and isinstance(tree.child, Term), q
    tree = parse("-(a OR b)")
    assert isinstance(tree, Not) and isinstance(tree.child, Or)
    assert isinstance(parse("NOT NOT a"), Not)


def test_lowercase_or_and_not_are_words():
    tree = parse("a or b")
    assert isinstance(tree, And) and [t.value.text for t in terms(tree)] == ["a", "or", "b"]
    assert isinstance(parse("not"), Term)


def test_words_that_start_with_or_are_words():
    assert parse("ORDER").value.text == "ORDER"  # type: ignore[union-attr]
    assert parse("NOTE").value.text == "NOTE"  # type: ignore[union-attr]


def test_relative_times_are_values_not_negations():
    term = parse("created:-15m")
    assert isinstance(term, Term) and term.value.text == "-15m"


def test_bare_words_and_strings():
    assert parse("report") == Term(name=None, value=Value("report", 0, 6), position=0)
    quoted = parse('"send email"')
    assert isinstance(quoted, Term) and quoted.name is None and quoted.value.text == "send email"


def test_a_lone_dash_is_a_word():
    assert parse("a - b").children[1].value.text == "-"  # type: ignore[union-attr]


def test_value_stops_at_a_parenthesis():
    tree = parse("(state:failed)")
    assert isinstance(tree, Term) and tree.value.text == "failed"


@pytest.mark.parametrize(
    ("q", "position", "expected"),
    [
        ('error:"boom', 6, ['"']),
        ('"open', 0, ['"']),
        ("state:", 6, ["a value"]),
        ("state: failed", 6, ["a value"]),
        ("state:~", 7, ["a value"]),
        ("(state:failed", 13, [")", "OR", "a term"]),
        ("((a)", 4, [")", "OR", "a term"]),
        ("a)", 1, ["a term", "OR", "end of query"]),
        (")", 0, ["a term"]),
        ("()", 1, ["a term"]),
        ("OR a", 0, ["a term"]),
        ("a OR", 4, ["a term"]),
        ("a OR OR b", 5, ["a term"]),
        ("a NOT", 5, ["a term"]),
        ("NOT", 3, ["a term"]),
        ('error:"x"y', 9, ["white space", ")", "end of query"]),
        ('a"b', 1, ["white space", ")", "end of query"]),
    ],
)
def test_syntax_errors_say_where_and_what_was_expected(q, position, expected):
    error = _error(q)
    assert (error.position, error.expected) == (position, expected), error.message


def test_too_long_query():
    error = _error("a" * (MAX_LENGTH + 1))
    assert error.position == MAX_LENGTH


def test_too_deep_nesting():
    error = _error("(" * (MAX_DEPTH + 1) + "a" + ")" * (MAX_DEPTH + 1))
    assert error.position == MAX_DEPTH
    error = _error("-" * (MAX_DEPTH + 1) + "a")
    assert error.position == MAX_DEPTH


def test_too_many_terms():
    error = _error(" ".join(["a"] * (MAX_TERMS + 1)))
    assert error.position == MAX_TERMS * 2


def test_nul_character():
    assert _error("a\x00b").position == 1


# Errors found while compiling: each qualifier checks its value.


@pytest.mark.parametrize(
    ("q", "position", "expected"),
    [
        ("nope:1", 0, None),
        ("state:done", 6, ["pending", "running", "failed", "retrying", "succeeded"]),
        ("state:failed,done", 13, ["pending", "running", "failed", "retrying", "succeeded"]),
        ("state:failed,", 13, ["a value"]),
        ("state:~fail", 6, ["a value without an operator"]),
        ("queue:>a", 6, ["a value without an operator", "~"]),
        ("priority:high", 9, ["an integer"]),
        ("priority:>x", 10, ["an integer"]),
        ('priority:"5"', 9, ["an integer"]),
        ("priority:~5", 9, ["a value without an operator", ">", "<", ">=", "<="]),
        ("priority:99999999999", 9, ["an integer of 32 bits"]),
        ("attempts:1..x", 12, ["an integer"]),
        ("attempts:..", 9, ["an integer"]),
        ("created:yesterday", 8, None),
        ("created:>-15y", 9, None),
        ("created:-1h..soon", 13, None),
        ("created:..", 8, None),
        ("created:~-1h", 8, None),
        ("created:99999-01-01", 8, None),
        ("id:xyz", 3, ["a job id or its start"]),
        ("id:>0199", 3, ["a value without an operator"]),
        ("kwargs:1", 6, ["kwargs.<path>"]),
        ("kwargs..a:1", 7, ["a key"]),
        ("kwargs.a.:1", 9, ["a key"]),
        ("meta.a:>big", 8, ["a number"]),
        ("meta.a:>true", 8, ["a number"]),
        ("error:>x", 6, ["a value without an operator", "~"]),
        ("exception:~Value", 10, ["a value without an operator"]),
        ("state.x:failed", 0, None),
        ("duration:5s", 9, [">", "<", ">=", "<=", "a range (1s..5s)"]),
        ("duration:>5", 10, ["a duration (250ms, 2s, 1.5m, 1h)"]),
        ("duration:>5d", 10, ["a duration (250ms, 2s, 1.5m, 1h)"]),
        ("duration:>-5s", 10, ["a duration (250ms, 2s, 1.5m, 1h)"]),
        ("duration:>1.5.0s", 10, ["a duration (250ms, 2s, 1.5m, 1h)"]),
        ('duration:>"5s"', 10, ["a duration (250ms, 2s, 1.5m, 1h)"]),
        ("duration:~5s", 9, ["a value without an operator", ">", "<", ">=", "<="]),
        ("duration:1s..soon", 13, ["a duration (250ms, 2s, 1.5m, 1h)"]),
        ("duration:..", 9, ["a duration (250ms, 2s, 1.5m, 1h)"]),
        ("duration:>9999999999h", 10, ["a duration (250ms, 2s, 1.5m, 1h)"]),
    ],
)
def test_value_errors_say_where_and_what_was_expected(q, position, expected):
    error = _error(q, compile_=True)
    assert error.position == position, error.message
    if expected is not None:
        assert error.expected == expected
    else:
        assert error.expected  # something is always offered


def test_unknown_qualifier_lists_the_known_ones():
    error = _error("colour:red", compile_=True)
    assert "state" in error.expected and "kwargs.<path>" in error.expected
    assert error.message == "Unknown qualifier: colour"


def test_errors_inside_groups_point_into_the_query():
    error = _error("queue:a (func:x OR priority:p)", compile_=True)
    assert error.position == 28


def test_qualifier_names_are_case_insensitive():
    assert _compile("State:failed").params == ["failed"]


def test_unindexed_terms_bound_the_search():
    assert not _compile("state:failed created:>-1h").bounded
    assert _compile("error:boom").bounded
    assert _compile("-exception:ValueError").bounded
    assert _compile("queue:a OR kwargs.a:*").bounded
    assert _compile("kwargs.a:1").bounded
    assert not _compile("kwargs.a:1", search_indexes=True).bounded
    assert _compile("kwargs.a:~x", search_indexes=True).bounded
    assert _compile("state:succeeded duration:>2s").bounded


def test_unbounded_lifts_the_window():
    sel = compile_query(
        "error:boom", table=sql.Identifier("j"), now=NOW, settings=Settings(), unbounded=True
    )
    assert not sel.bounded and sel.params == ["%boom%"]


def test_compiled_sql_only_has_placeholders_for_values():
    sel = _compile('func:"x\'; DROP TABLE jobs; --" kwargs.a\'b:"c\'d"')
    text = sel.where.as_string(None)
    assert "DROP" not in text and "c'd" not in text
    assert text.count("%s") == len(sel.params)


def test_empty_query_compiles_to_true():
    sel = _compile("")
    assert sel.where.as_string(None) == "TRUE" and sel.params == [] and not sel.bounded
