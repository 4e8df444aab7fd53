"""Queue tags run as regular expressions on every worker: only safe ones are accepted, and
changing them takes the admin role."""

from __future__ import annotations

import re
import signal
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from chancy_web.queues.tags import MAX_TAG_LENGTH, MAX_TAGS, check_tag
from tests.conftest import login
from tests.helpers import unique

#: The issue's reproductions, and the shapes the README names.
DANGEROUS = [
    "worker_id=.{10}([0-9a-f-]+)+!",
    "(a+)+",
    "(a*)*",
    "(.*){2,}",
    "(a|a)+",
    "(a|aa)+",
    r"(\w|.)+",
    ".*.*",
    r"\d+\d*",
    r".*\w+",
    "(a+){3}",
    r"\d+\.?\d+",
    "(a{1,50})+",
    "(a?)*x",
    ".*a.*a.*a",
    "(a.|ab)" * 12,
    r"(?=(a+)+)b",
    "(?i)[a-z]+[A-Z]+",
]
ORDINARY = [
    ".*",
    "worker_id=abc.*",
    "role=(a|b)",
    r"^gpu-\d+$",
    ".*prod.*",
    r"python=3\.11\.[0-9]+",
    r"(\d+\.){3}\d+",
    r"hostname=(web|db)-\d+\.prod",
    "[^=]+=.*",
    "role=test-worker",
]


@contextmanager
def at_most(seconds: float) -> Iterator[None]:
    """Fails the block if it runs longer (`re` checks for signals while it matches)."""

    def expired(*_: object) -> None:
        raise TimeoutError(f"took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_the_issues_pattern_really_backtracks() -> None:
    # What every worker does with it against its own worker_id tag: the reason for the check.
    with pytest.raises(TimeoutError), at_most(0.5):
        re.match(DANGEROUS[0], f"worker_id={uuid.uuid4()}")


@pytest.mark.parametrize("tag", DANGEROUS)
def test_patterns_that_backtrack_catastrophically_are_refused(tag: str) -> None:
    with pytest.raises(ValueError, match="in its event loop"):
        check_tag(tag)


@pytest.mark.parametrize("tag", ORDINARY)
def test_ordinary_patterns_are_accepted(tag: str) -> None:
    check_tag(tag)


def test_a_tag_that_does_not_compile_is_refused() -> None:
    with pytest.raises(ValueError, match="not a regular expression: unterminated character set"):
        check_tag("[")


def test_backreferences_are_refused() -> None:
    with pytest.raises(ValueError, match="backreference"):
        check_tag(r"(a)\1")


async def test_the_api_refuses_unsafe_tags_with_the_reason_and_changes_nothing(client, admin):
    name = unique()
    created = await client.post("/api/v1/queues", json={"name": name}, headers=admin)
    assert created.status_code == 200
    for tags in (["worker_id=.{10}([0-9a-f-]+)+!"], ["["], [".*.*"]):
        response = await client.patch(f"/api/v1/queues/{name}", json={"tags": tags}, headers=admin)
        assert response.status_code == 400, tags
        assert tags[0] in response.json()["detail"]
    assert (await client.get(f"/api/v1/queues/{name}", headers=admin)).json()["tags"] == [".*"]
    refused = await client.post(
        "/api/v1/queues", json={"name": unique(), "tags": ["(a+)+"]}, headers=admin
    )
    assert refused.status_code == 400
    assert "nests unbounded repeats" in refused.json()["detail"]


async def test_tags_are_bounded_in_length_and_count(client, admin):
    name = unique()
    for tags in (["x" * (MAX_TAG_LENGTH + 1)], [f"t{i}" for i in range(MAX_TAGS + 1)]):
        response = await client.post(
            "/api/v1/queues", json={"name": name, "tags": tags}, headers=admin
        )
        assert response.status_code == 400
    tags = [f"t{i}" for i in range(MAX_TAGS - 1)] + ["x" * MAX_TAG_LENGTH]
    accepted = await client.post("/api/v1/queues", json={"name": name, "tags": tags}, headers=admin)
    assert accepted.status_code == 200
    assert sorted(accepted.json()["tags"]) == sorted(tags)


async def test_changing_tags_needs_the_admin_role(client, admin):
    operator = await login(client, "operator")
    name = unique()
    await client.post("/api/v1/queues", json={"name": name, "tags": ["a", "b"]}, headers=admin)
    denied = await client.patch(f"/api/v1/queues/{name}", json={"tags": ["c"]}, headers=operator)
    assert denied.status_code == 403
    assert denied.json()["detail"] == "Changing a queue's tags or executor needs the admin role"
    # The same tags in another order are no change: an operator's edit form may send them.
    same = await client.patch(
        f"/api/v1/queues/{name}", json={"tags": ["b", "a"], "concurrency": 3}, headers=operator
    )
    assert same.status_code == 200 and same.json()["concurrency"] == 3
    changed = await client.patch(f"/api/v1/queues/{name}", json={"tags": ["c"]}, headers=admin)
    assert changed.status_code == 200 and changed.json()["tags"] == ["c"]
