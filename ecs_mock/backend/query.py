"""Placeholder until the cluster query language lands (replaced by the cql branch)."""

from __future__ import annotations

from typing import Any


class QueryError(Exception):
    pass


class Expression:
    def matches(self, subject: Any) -> bool:
        raise NotImplementedError


def parse(expression: str) -> Expression:
    raise QueryError("the cluster query language is not available yet")
