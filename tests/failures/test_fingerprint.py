"""The fingerprint of real tracebacks: each is made by really raising and formatting the
exception with `traceback.format_exception`, as Chancy's executors do.

Code "deployed" at a path runs from source compiled with that path as its file name, so its
frames are printed exactly as those of an app installed there (without source lines, as for an
app shipped without its .py files)."""

from __future__ import annotations

import ast
import asyncio
import json
import textwrap
import traceback
import uuid
from collections.abc import Callable
from concurrent.futures.process import _ExceptionWithTraceback  # type: ignore[attr-defined]
from typing import Any

import pytest
from chancy.executors.base import Executor

from chancy_web.failures.fingerprint import (
    FINGERPRINT_VERSION,
    MESSAGE_MAX,
    NO_TRACEBACK,
    Fingerprint,
    fingerprint,
)

ROOT = "/srv/shop/releases/41"
APP = f"{ROOT}/shop/jobs.py"
LIBRARY = f"{ROOT}/.venv/lib/python3.11/site-packages/payments/client.py"


def raised(function: Callable[..., Any], *args: Any) -> str:
    """What Chancy stores for an attempt of `function(*args)`, which must raise.

    This helper is the frame that catches, as Chancy's executor is in a worker: it is left
    out, so that the tests' own file is not taken for the failing app code."""
    try:
        function(*args)
    except BaseException as exc:  # noqa: BLE001 - any exception is the test's subject
        tb = exc.__traceback__.tb_next if exc.__traceback__ else None
        return "".join(traceback.format_exception(type(exc), exc, tb))
    raise AssertionError(f"{function} did not raise")


def deployed(path: str, source: str, **names: Any) -> dict[str, Any]:
    """The functions of `source`, as if it were the module file at `path`."""
    namespace: dict[str, Any] = {"__name__": "deployed", **names}
    exec(compile(textwrap.dedent(source), path, "exec"), namespace)
    return namespace


SHOP = """
    def find_order(order_id):
        raise LookupError(f"order {order_id} not found")

    def reserve_order(order_id):
        raise LookupError(f"order {order_id} not found")

    def check_order(order_id):
        raise ValueError(f"order {order_id} not found")

    def load_order(order_id):
        find_order(order_id)

    def checkout(order_id):
        charge(order_id)
"""

PAYMENTS = """
    import json

    def charge(order_id):
        return json.loads("{'order': %s}" % order_id)
"""


def shop(app: str = APP, library: str = LIBRARY) -> dict[str, Any]:
    """The shop app deployed at `app`, with its payments library installed at `library`."""
    return deployed(app, SHOP, charge=deployed(library, PAYMENTS)["charge"])


# --- Grouping -----------------------------------------------------------------------------------


def test_messages_differing_only_in_ids_give_one_fingerprint():
    first = fingerprint(raised(shop()["find_order"], 17))
    second = fingerprint(raised(shop()["find_order"], uuid.uuid4()))
    assert first == Fingerprint(
        exception="LookupError",
        message_template="order <num> not found",
        frame=f"{APP}:find_order",
        fingerprint=first.fingerprint,
    )
    assert second.message_template == "order <uuid> not found"
    assert fingerprint(raised(shop()["find_order"], 123456)) == first


def test_different_exception_types_give_two_fingerprints():
    lookup = fingerprint(raised(shop()["find_order"], 17))
    value = fingerprint(raised(shop()["check_order"], 17))
    assert (lookup.exception, value.exception) == ("LookupError", "ValueError")
    assert lookup.message_template == value.message_template
    assert lookup.fingerprint != value.fingerprint


def test_different_failing_frames_give_two_fingerprints():
    find = fingerprint(raised(shop()["find_order"], 17))
    reserve = fingerprint(raised(shop()["reserve_order"], 17))
    assert (find.exception, find.message_template) == (reserve.exception, reserve.message_template)
    assert reserve.frame == f"{APP}:reserve_order"
    assert find.fingerprint != reserve.fingerprint


def test_an_edit_above_the_failing_line_keeps_the_fingerprint():
    before = raised(shop()["find_order"], 17)
    after = raised(deployed(APP, "\n\n\n" + SHOP)["find_order"], 17)
    assert before != after  # the line numbers moved
    assert fingerprint(before) == fingerprint(after)


# --- Frames -------------------------------------------------------------------------------------


def test_library_and_standard_library_frames_are_skipped():
    text = raised(shop()["checkout"], 17)
    assert "json/decoder.py" in text and "site-packages/payments/client.py" in text
    result = fingerprint(text)
    assert result.exception == "json.decoder.JSONDecodeError"
    assert result.frame == f"{APP}:checkout"


def test_with_func_the_same_app_at_two_paths_gives_one_fingerprint():
    # Another release directory, another venv, another Python: the same code.
    other = shop(
        "/opt/shop-2/shop/jobs.py",
        "/opt/shop-2/venv/lib/python3.12/site-packages/payments/client.py",
    )
    here = fingerprint(raised(shop()["checkout"], 17), "shop.jobs.checkout")
    there = fingerprint(raised(other["checkout"], 17), "shop.jobs.checkout")
    assert here.frame == "shop/jobs.py:checkout"
    assert here == there
    # Without func, nothing says where the app's directory starts.
    assert fingerprint(raised(other["checkout"], 17)).frame == "/opt/shop-2/shop/jobs.py:checkout"


def test_an_app_installed_in_site_packages_is_found_by_its_func():
    app = "/srv/shop/.venv/lib/python3.11/site-packages/shop/jobs.py"
    text = raised(shop(app)["checkout"], 17)
    assert fingerprint(text, "shop.jobs.checkout").frame == "shop/jobs.py:checkout"
    # Without func every frame is a library's: the innermost outside the stdlib and Chancy.
    assert fingerprint(text).frame == "payments/client.py:charge"


def test_a_windows_path_is_read_like_a_posix_one():
    app = r"C:\srv\shop\shop\jobs.py"
    library = r"C:\srv\shop\.venv\Lib\site-packages\payments\client.py"
    result = fingerprint(raised(shop(app, library)["checkout"], 17), "shop.jobs.checkout")
    assert result == fingerprint(raised(shop()["checkout"], 17), "shop.jobs.checkout")


def test_chancy_executor_frames_are_skipped():
    text = raised(Executor.run_function, shop()["find_order"], {"order_id": 17})
    assert "chancy/executors/base.py" in text
    assert fingerprint(text).frame == f"{APP}:find_order"


def test_a_failure_inside_chancy_is_placed_in_chancy_before_the_standard_library():
    text = raised(Executor.run_function, json.loads, {"s": "{"})
    assert fingerprint(text).frame == "chancy/executors/base.py:run_function"


def test_a_process_pool_s_remote_traceback_is_placed_in_the_child_s_frames():
    # What the process executor stores: the pool pickles the child's exception with its
    # formatted traceback, and rebuilds it in the worker as a copy without frames whose cause
    # is a _RemoteTraceback holding that text. Here the pool's own pickling does it.
    try:
        shop()["load_order"](17)
    except LookupError as exc:
        rebuild, args = _ExceptionWithTraceback(exc, exc.__traceback__).__reduce__()
        text = "".join(traceback.format_exception(rebuild(*args)))
    assert text.startswith("concurrent.futures.process._RemoteTraceback: \n")
    assert text.endswith(
        '"""\n\nThe above exception was the direct cause of the following exception:\n\nLookupError: order 17 not found\n'
    )  # noqa: E501
    assert fingerprint(text) == fingerprint(raised(shop()["load_order"], 17))


def test_a_traceback_without_frames_has_no_frame():
    cancelled = asyncio.CancelledError("Job was cancelled before it could complete.")
    text = "".join(traceback.format_exception(cancelled))
    assert (
        text == "asyncio.exceptions.CancelledError: Job was cancelled before it could complete.\n"
    )
    assert fingerprint(text) == Fingerprint(
        exception="asyncio.exceptions.CancelledError",
        message_template="Job was cancelled before it could complete.",
        frame="",
        fingerprint=fingerprint(text).fingerprint,
    )


# --- Chains, groups, syntax errors ---------------------------------------------------------------


CHAINS = """
    def lookup(orders, order_id):
        return orders[order_id]

    def charge_from(orders, order_id):
        try:
            lookup(orders, order_id)
        except KeyError as exc:
            raise RuntimeError(f"cannot charge order {order_id}") from exc

    def charge_during(orders, order_id):
        try:
            lookup(orders, order_id)
        except KeyError:
            raise RuntimeError(f"cannot charge order {order_id}")
"""


@pytest.mark.parametrize(
    ("function", "separator"),
    [
        ("charge_from", "The above exception was the direct cause of the following exception:"),
        ("charge_during", "During handling of the above exception, another exception occurred:"),
    ],
)
def test_a_chain_is_fingerprinted_by_its_last_exception(function, separator):
    text = raised(deployed(APP, CHAINS)[function], {}, 17)
    assert separator in text and "KeyError: 17" in text
    result = fingerprint(text)
    assert (result.exception, result.message_template) == (
        "RuntimeError",
        "cannot charge order <num>",
    )
    assert result.frame == f"{APP}:{function}"


GROUPS = """
    def validate(order_ids):
        raise ExceptionGroup(
            f"{len(order_ids)} orders are invalid",
            [ValueError(f"order {order_id} is invalid") for order_id in order_ids],
        )

    def import_orders(order_ids):
        try:
            validate(order_ids)
        except ExceptionGroup as group:
            raise RuntimeError("import failed") from group
"""


def test_an_exception_group_is_fingerprinted_by_the_group():
    one = raised(deployed(APP, GROUPS)["validate"], [1])
    twenty = raised(deployed(APP, GROUPS)["validate"], list(range(20)))
    assert "+-+----" in twenty and "and 5 more exceptions" in twenty  # Python's own elision
    result = fingerprint(twenty)
    assert result.exception == "ExceptionGroup"
    # Without Python's "(20 sub-exceptions)": how many fail together varies run by run.
    assert result.message_template == "<num> orders are invalid"
    assert result.frame == f"{APP}:validate"
    assert fingerprint(one) == result


def test_an_exception_group_in_a_chain_is_one_of_its_causes():
    result = fingerprint(raised(deployed(APP, GROUPS)["import_orders"], [1, 2]))
    assert (result.exception, result.message_template) == ("RuntimeError", "import failed")
    assert result.frame == f"{APP}:import_orders"


def test_a_task_group_failure_is_the_group_raised_where_it_was_awaited():
    async def fetch(n: int) -> None:
        raise ConnectionError(f"host {n} is down")

    async def fetch_all(failing: int) -> None:
        async with asyncio.TaskGroup() as group:
            for n in range(failing):
                group.create_task(fetch(n))

    one = fingerprint(raised(asyncio.run, fetch_all(1)))
    two = fingerprint(raised(asyncio.run, fetch_all(2)))
    assert (one.exception, one.message_template) == (
        "ExceptionGroup",
        "unhandled errors in a TaskGroup",
    )
    assert one.frame.endswith("tests/failures/test_fingerprint.py:fetch_all")
    assert one == two


render_template = deployed(
    APP,
    "def render(source):\n    compile(source, f'{ROOT}/shop/templates.py', 'exec')\n",
    ROOT=ROOT,
)["render"]


def test_a_syntax_error_is_placed_at_its_location():
    render = render_template
    text = raised(render, "total = (\n")
    assert "    total = (\n" in text and "^" in text  # Python's caret line
    result = fingerprint(text, "shop.jobs.render")
    assert result.exception == "SyntaxError"
    assert result.message_template == "<str> was never closed"
    assert result.frame == "shop/templates.py"
    assert fingerprint(raised(render, "\n\nprice = (\n"), "shop.jobs.render") == result


def test_a_syntax_error_from_a_process_pool_is_placed_at_its_location():
    # The rebuilt exception has no frames, but Python still prints its location.
    try:
        render_template("total = (\n")
    except SyntaxError as exc:
        rebuild, args = _ExceptionWithTraceback(exc, exc.__traceback__).__reduce__()
        text = "".join(traceback.format_exception(rebuild(*args)))
    assert text.endswith(
        '\n\n  File "/srv/shop/releases/41/shop/templates.py", line 1\n    total = (\n'
        "            ^\nSyntaxError: '(' was never closed\n"
    )
    assert fingerprint(text, "shop.jobs.render") == fingerprint(
        raised(render_template, "total = (\n"), "shop.jobs.render"
    )


def test_a_syntax_error_in_parsed_text_is_placed_at_the_app_frame_that_parsed_it():
    parse = deployed(APP, "def parse_formula(formula, parse):\n    parse(formula)\n")[
        "parse_formula"
    ]
    result = fingerprint(raised(parse, "1 +* 2", ast.parse), "shop.jobs.parse_formula")
    assert result.exception == "SyntaxError"
    assert result.frame == "shop/jobs.py:parse_formula"  # not <unknown>, ast's pseudo-file


def test_a_timeout_is_placed_where_the_job_was_waiting():
    async def wait_for_payment() -> None:
        async with asyncio.timeout(0):
            await asyncio.sleep(60)

    text = raised(asyncio.run, wait_for_payment())
    result = fingerprint(text)
    assert result.exception == "TimeoutError"
    assert result.message_template == ""
    assert result.frame.endswith("tests/failures/test_fingerprint.py:wait_for_payment")


# --- Messages ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("GET https://api.example.com/v1/orders/42?page=2 failed.", "GET <url> failed."),
        ("no account for alice.smith+shop@example.co.uk", "no account for <email>"),
        (
            "key 'order_42' is missing, and so is \"user-7\"",
            "key <str> is missing, and so is <str>",
        ),
        ("can't decode b'\\x00\\x17'", "can't decode <str>"),
        ("cannot open /var/spool/shop/42.csv: denied", "cannot open <path>: denied"),
        ("cannot open C:\\spool\\42.csv", "cannot open <path>"),
        ("job 8f14e45f-ceea-467f-a0e6-7d2b7e6c3f5e was lost", "job <uuid> was lost"),
        ("<Order object at 0x7f3a2b1c4d50>", "<Order object at <hex>>"),
        ("checksum 3f2a9c1d0e5b7a64 != 9e107d9d372bb682", "checksum <hex> != <hex>"),
        (
            "took 12.5 s after 3 tries on worker-17",
            "took <num> s after <num> tries on worker-<num>",
        ),
        ("deadline   exceeded\n\twhile   waiting", "deadline exceeded while waiting"),
    ],
)
def test_a_message_template_replaces_ids_with_placeholders(message, expected):
    assert fingerprint(raised(_raise, message)).message_template == expected


def _raise(message: str) -> None:
    raise ValueError(message)


def test_a_multi_line_message_and_its_notes_are_one_line():
    error = ValueError(
        'duplicate key value violates unique constraint "orders_pkey"\nDETAIL:  Key (id)=(42) already exists.'
    )  # noqa: E501
    error.add_note("while importing batch 7")

    def fail() -> None:
        raise error

    result = fingerprint(raised(fail))
    assert result.message_template == (
        "duplicate key value violates unique constraint <str> DETAIL: Key (id)=(<num>) already"
        " exists. while importing batch <num>"
    )


def test_frames_quoted_in_a_message_are_not_the_failing_frame():
    child = raised(shop()["checkout"], 17)  # say, the output of a child process

    def supervise() -> None:
        raise RuntimeError(f"child failed:\n{child}")

    result = fingerprint(raised(supervise))
    assert result.exception == "RuntimeError"
    assert result.message_template.startswith("child failed: Traceback (most recent call last):")
    assert result.frame.endswith("tests/failures/test_fingerprint.py:supervise")


def test_windows_line_ends_are_read_as_newlines():
    text = raised(deployed(APP, CHAINS)["charge_from"], {}, 17)
    assert fingerprint(text.replace("\n", "\r\n")) == fingerprint(text)


def test_a_huge_message_is_bounded():
    first = fingerprint(raised(_raise, "order 17 rejected: " + "bad item; " * 100_000))
    second = fingerprint(raised(_raise, "order 18 rejected: " + "bad item; " * 100_000))
    assert len(first.message_template) <= MESSAGE_MAX
    assert first.message_template.startswith("order <num> rejected: bad item; bad item;")
    assert first.message_template.endswith("…")
    assert first == second


# --- Texts that are not whole Python tracebacks ----------------------------------------------------


def test_python_s_own_elision_of_a_recursion_keeps_the_frame():
    recurse = deployed(APP, "def recurse(n):\n    return recurse(n + 1)\n")["recurse"]
    text = raised(recurse, 0)
    assert "more times]" in text  # "[Previous line repeated 996 more times]"
    result = fingerprint(text)
    assert (result.exception, result.frame) == ("RecursionError", f"{APP}:recurse")


def test_a_traceback_cut_before_its_exception_keeps_its_frame():
    text = raised(shop()["checkout"], 17)
    head = text[: text.index("json.decoder.JSONDecodeError")]
    assert fingerprint(head) == Fingerprint(
        exception="",
        message_template="<truncated>",
        frame=f"{APP}:checkout",
        fingerprint=fingerprint(head).fingerprint,
    )


def test_a_traceback_cut_at_its_start_keeps_its_exception():
    text = raised(Executor.run_function, shop()["load_order"], {"order_id": 17})
    tail = text[text.index(f'  File "{APP}"') + 5 :]  # the header and a line and a half gone
    result = fingerprint(tail)
    assert (result.exception, result.frame) == ("LookupError", f"{APP}:find_order")
    assert result == fingerprint(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Worker lost: connection reset by 10.0.0.7:5432",
            "Worker lost: connection reset by <num>:<num>",
        ),  # noqa: E501
        ("  indented\n  output of job 42", "indented output of job <num>"),
    ],
)
def test_a_text_that_is_not_a_traceback_is_fingerprinted_by_its_words(text, expected):
    result = fingerprint(text)
    assert (result.exception, result.message_template, result.frame) == ("", expected, "")


def test_chancy_web_cancellations_are_one_group_whoever_cancelled():
    # What chancy_web.jobs.actions.cancel_job writes (the worker tests cancel for real).
    alice = fingerprint("Cancelled by alice from chancy-web")
    bob = fingerprint("Cancelled by bob.smith@example.com from chancy-web")
    assert alice.message_template == "Cancelled by <user> from chancy-web"
    assert alice == bob


@pytest.mark.parametrize("empty", [None, "", " \n\t\n"])
def test_no_traceback_has_a_fingerprint_of_its_own(empty):
    assert fingerprint(empty) == NO_TRACEBACK
    assert (NO_TRACEBACK.exception, NO_TRACEBACK.message_template, NO_TRACEBACK.frame) == (
        "",
        "",
        "",
    )
    assert NO_TRACEBACK.fingerprint != fingerprint("Cancelled by alice from chancy-web").fingerprint


def test_the_digest_is_fixed_by_the_definition():
    # Stored groups depend on these values: a change here is a new FINGERPRINT_VERSION.
    text = (
        "Traceback (most recent call last):\n"
        f'  File "{APP}", line 3, in find_order\n'
        "LookupError: order 17 not found\n"
    )
    assert FINGERPRINT_VERSION == 1
    assert fingerprint(text, "shop.jobs.find_order") == Fingerprint(
        exception="LookupError",
        message_template="order <num> not found",
        frame="shop/jobs.py:find_order",
        fingerprint="9d9883a77e6c7a0f",
    )
    assert NO_TRACEBACK.fingerprint == "34b76e70168d3426"
