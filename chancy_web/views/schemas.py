from __future__ import annotations

from typing import Annotated

import msgspec

from chancy_web.query.language import MAX_LENGTH
from chancy_web.validation import NO_NUL

MAX_NAME_LENGTH = 200


class SavedView(msgspec.Struct, kw_only=True):
    """A named search (`q`, as on `GET /api/v1/jobs?q=`): the owner's own, or shared with
    everyone when `shared`."""

    id: int
    name: str
    q: str
    shared: bool
    owner: str


class SavedViewList(msgspec.Struct, kw_only=True):
    """The caller's own views and every shared one, shared first, then by name."""

    items: list[SavedView]


class NewSavedView(msgspec.Struct, kw_only=True):
    """A view to save. Its `q` must parse (a 400 says where it does not); `shared` needs the
    operator role."""

    name: Annotated[
        str, msgspec.Meta(min_length=1, max_length=MAX_NAME_LENGTH, pattern=r"^[^\x00]*\S[^\x00]*$")
    ]
    q: Annotated[str, msgspec.Meta(max_length=MAX_LENGTH, pattern=NO_NUL)]
    shared: bool = False
