"""Selecting jobs, shared by every resource that lists, counts or acts on jobs: the search
language (`q=`) and the list filters (`filters.py`)."""

from chancy_web.query.compile import Selection, compile_query, search_window
from chancy_web.query.language import QueryError, parse
from chancy_web.query.qualifiers import QUALIFIERS, Qualifier, register

__all__ = [
    "QUALIFIERS",
    "QueryError",
    "Qualifier",
    "Selection",
    "compile_query",
    "parse",
    "register",
    "search_window",
]
