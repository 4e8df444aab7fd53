"""Cron expressions in plain language, and the raw expression when a sentence would mislead."""

from __future__ import annotations

import pytest

from chancy_web.crons.describe import describe


@pytest.mark.parametrize(
    ("expression", "text"),
    [
        ("* * * * *", "every minute"),
        ("*/5 * * * *", "every 5 minutes"),
        ("0 * * * *", "every hour"),
        ("15 * * * *", "every hour, at 15 minutes past"),
        ("0 */2 * * *", "every 2 hours"),
        ("0 9 * * *", "at 09:00, every day"),
        ("5 4 * * *", "at 04:05, every day"),
        ("0 9,17 * * *", "at 09:00 and 17:00, every day"),
        ("0 9 * * 1-5", "at 09:00, Monday through Friday"),
        ("30 8 * * mon,wed,fri", "at 08:30, on Monday, Wednesday and Friday"),
        ("0 12 * * sat,sun", "at 12:00, on Saturday and Sunday"),
        ("0 0 * * 0", "at 00:00, on Sunday"),
        ("0 0 * * 7", "at 00:00, on Sunday"),
        ("*/15 9-17 * * 1-5", "every 15 minutes, from 09:00 to 17:59, Monday through Friday"),
        ("0 0 1 * *", "at 00:00, on day 1 of the month"),
        ("0 0 1-7 * *", "at 00:00, on days 1 through 7 of the month"),
        ("0 0 1 1 *", "at 00:00, on day 1 of the month, in January"),
        ("0 0 * 1-3 *", "at 00:00, every day in January through March"),
        ("0 0 1 */3 *", "at 00:00, on day 1 of the month, every 3 months"),
        ("0 0 1 * 1", "at 00:00, on day 1 of the month or on Monday"),
        ("@daily", "at 00:00, every day"),
        ("@hourly", "every hour"),
        ("@weekly", "at 00:00, on Sunday"),
    ],
)
def test_common_forms_read_as_sentences(expression, text):
    assert describe(expression) == text


@pytest.mark.parametrize(
    "expression",
    [
        "0 0 L * *",  # last day of the month
        "0 0 * * 1#1",  # first Monday
        "0-59/5 * * * *",  # step over a range
        "*/10 * * * * 30",  # a seconds field
        "0 25 * * *",  # out of range
        "0,5,10 8,9,10 * * *",  # too many times to list
        "not a cron",
        "",
    ],
)
def test_anything_else_is_returned_unchanged(expression):
    assert describe(expression) == expression
