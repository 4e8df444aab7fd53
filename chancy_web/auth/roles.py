"""Roles, from least to most powerful. Each role can do everything the ones below it can."""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    #: Reads everything.
    VIEWER = "viewer"
    #: Acts on jobs and pauses or edits queues.
    OPERATOR = "operator"
    #: Creates and deletes queues and changes executors, which runs code on every worker.
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return _RANKS[self]

    def allows(self, needed: Role) -> bool:
        return self.rank >= needed.rank


_RANKS = {Role.VIEWER: 0, Role.OPERATOR: 1, Role.ADMIN: 2}
