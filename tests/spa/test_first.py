"""The server's copy of each page's first requests (chancy_web.spa.first) against the UI's own:
ui/src/lib/requests.samples.json is what `pageRequests` gives for many URLs (written by
ui/src/lib/requests.samples.test.ts, which fails when it is out of date)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from chancy_web.spa.first import page_requests

SAMPLES = Path(__file__).parents[2] / "ui" / "src" / "lib" / "requests.samples.json"
#: Values the Python side reads as the browser does: printable ASCII; limits of digits.
_READ_AS_THE_UI = re.compile(r"[\x20-\x7e]*")
_USED = ("q", "state", "queue", "func", "cursor", "search", "status", "limit")


def samples() -> list[dict[str, Any]]:
    return json.loads(SAMPLES.read_text())


def in_scope(sample: dict[str, Any]) -> bool:
    """Whether the Python side should answer every request of the sample's page."""
    pairs = parse_qsl(sample["query"], keep_blank_values=True)
    used = [(k, v) for k, v in pairs if k in _USED]
    firsts = {k: v for k, v in reversed(used)}
    limit = firsts.get("limit", "")
    return all(_READ_AS_THE_UI.fullmatch(v) for _, v in used) and (
        not sample["path"].startswith("/jobs") or limit == "" or limit.isdigit()
    )


def test_there_are_many_samples_of_each_page() -> None:
    found = samples()
    assert len(found) > 400
    for section, least in (("/jobs", 300), ("/failures", 50), ("/queues/", 3), ("/workers/", 2)):
        assert sum(s["path"].startswith(section) for s in found) >= least, section
    assert sum(not in_scope(s) for s in found) >= 20  # and some the server leaves to the page


def test_the_server_knows_each_pages_first_requests_as_the_ui_does() -> None:
    for sample in samples():
        requests = page_requests(sample["path"], sample["query"])
        keys = [r.key for r in requests]
        if in_scope(sample):
            assert keys == sample["keys"], sample
            # And in the app's own form, parameters in its order.
            assert [r.url for r in requests] == sample["urls"], sample
        else:
            # Out of its depth, it leaves the page's main data to the page: never a request
            # the page would not make.
            assert set(keys) <= set(sample["keys"]), sample
            assert keys[:1] == sample["keys"][:1], sample
