"""The ECS cluster query language: `parse(text)` gives an Expression; `.matches(subject)` says
whether a container instance belongs to the group it describes.

Used by ListContainerInstances `filter` and by `memberOf` placement constraints. Pure: it knows
container instances only through the small QuerySubject protocol below.

    expression := term { ("or" | "||") term }
    term       := factor { ("and" | "&&") factor }
    factor     := { "not" | "!" } ( "(" expression ")" | condition )
    condition  := subject operator [argument]
    argument   := value | "[" value { "," value } "]"
    value      := bare-token | "'" any characters but "'" "'"

Precedence: not > and > or (inferred: the documentation only shows parentheses). Mock
decision: subjects, operators and the keywords `and`/`or`/`not` are case-sensitive, spelled
as documented. Mock decision: a bare token is a run of characters other than white space and
`( ) [ ] , ' " ! = < > & |`; a value containing one of them (or a space) must be quoted, and
a quoted value is taken as it is (there is no escape; it cannot contain a `'`). Bare `and`,
`or` and `not` are refused as values (quote them), so a missing value is not silently read
as one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .query_conditions import QueryError, QuerySubject, Test, Value, condition_test
from .query_tokens import Token, describe, tokenize

__all__ = ["MAX_DEPTH", "MAX_LENGTH", "Expression", "QueryError", "QuerySubject", "parse"]

MAX_LENGTH = 2000  # the documented limit of a placement constraint expression
# Mock decision: ECS documents no nesting limit; 32 levels of parentheses is far beyond any
# real expression and keeps parsing and evaluation well inside Python's recursion limit.
MAX_DEPTH = 32

SUBJECTS = (
    "attribute:<name>",
    "ec2InstanceId",
    "registeredAt",
    "runningTasksCount",
    "agentConnected",
    "agentVersion",
    "task:group",
)
# Every spelling -> the canonical (symbol) operator.
OPERATORS = {
    "==": "==",
    "equals": "==",
    "!=": "!=",
    "not_equals": "!=",
    ">": ">",
    "greater_than": ">",
    ">=": ">=",
    "greater_than_equal": ">=",
    "<": "<",
    "less_than": "<",
    "<=": "<=",
    "less_than_equal": "<=",
    "exists": "exists",
    "!exists": "!exists",
    "not_exists": "!exists",
    "in": "in",
    "!in": "!in",
    "not_in": "!in",
    "=~": "=~",
    "matches": "=~",
    "!~": "!~",
    "not_matches": "!~",
}
_ALL = frozenset(OPERATORS.values())
_ORDERED = frozenset({"==", "!=", ">", ">=", "<", "<="})
_SETS = frozenset({"==", "!=", "in", "!in", "=~", "!~"})
# The documented valid operators of each subject; attribute:* and task:group take them all.
ALLOWED = {
    "attribute": _ALL,
    "task:group": _ALL,
    "agentConnected": _SETS,
    "ec2InstanceId": _SETS,
    "agentVersion": _ORDERED,
    "registeredAt": _ORDERED,
    "runningTasksCount": _ORDERED,
}
_KEYWORDS = frozenset({"and", "or", "not"})
_ATTRIBUTE_NAME = re.compile(r"[A-Za-z0-9_./\\-]{1,128}")  # the model's Attribute.name rule


class Expression:
    """A parsed expression: `matches(subject)` evaluates it for one container instance."""

    def matches(self, subject: QuerySubject) -> bool:
        raise NotImplementedError


@dataclass(frozen=True)
class AnyOf(Expression):
    parts: tuple[Expression, ...]

    def matches(self, subject: QuerySubject) -> bool:
        return any(part.matches(subject) for part in self.parts)


@dataclass(frozen=True)
class AllOf(Expression):
    parts: tuple[Expression, ...]

    def matches(self, subject: QuerySubject) -> bool:
        return all(part.matches(subject) for part in self.parts)


@dataclass(frozen=True)
class Not(Expression):
    part: Expression

    def matches(self, subject: QuerySubject) -> bool:
        return not self.part.matches(subject)


@dataclass(frozen=True)
class Condition(Expression):
    """`subject operator [argument]`; `operator` is canonical (`==`, `!in`, `=~`, ...)."""

    subject: str  # "attribute" (see `name`) or one of the other subjects as spelled
    name: str | None
    operator: str
    values: tuple[str, ...]
    test: Test = field(compare=False, repr=False)

    def matches(self, subject: QuerySubject) -> bool:
        return self.test(subject)


# -- parsing ----------------------------------------------------------------------------------


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = tokenize(text)
        self.index = 0

    @property
    def token(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.tokens[self.index]
        if token.kind != "end":
            self.index += 1
        return token

    def hint(self) -> str:
        """Why a value may have ended early, for the message about what follows it."""
        token, before = self.token, self.tokens[self.index - 1] if self.index else None
        if before is None or before.kind not in ("word", "string"):
            return ""
        if token.kind in ("[", "(", ",", "]") and token.start == before.end:
            return " (quote a value or pattern that contains ( ) [ ] or ,)"
        if token.kind in ("word", "string"):
            return " (quote a value that contains spaces)"
        return ""

    def is_word(self, *words: str) -> bool:
        return self.token.kind == "word" and self.token.text in words

    def expression(self, depth: int) -> Expression:
        parts = [self.term(depth)]
        while self.token.kind == "||" or self.is_word("or"):
            self.advance()
            parts.append(self.term(depth))
        return parts[0] if len(parts) == 1 else AnyOf(tuple(parts))

    def term(self, depth: int) -> Expression:
        parts = [self.factor(depth)]
        while self.token.kind == "&&" or self.is_word("and"):
            self.advance()
            parts.append(self.factor(depth))
        return parts[0] if len(parts) == 1 else AllOf(tuple(parts))

    def factor(self, depth: int) -> Expression:
        negated = False
        while self.token.kind == "!" or self.is_word("not"):  # a loop, not recursion
            self.advance()
            negated = not negated
        if self.token.kind == "(":
            opening = self.advance()
            if depth >= MAX_DEPTH:
                raise QueryError(
                    f"parentheses are nested more than {MAX_DEPTH} deep", opening.start
                )
            inner = self.expression(depth + 1)
            if self.token.kind != ")":
                raise QueryError(
                    f"expected ')' to close the '(' at position {opening.start}, found "
                    + describe(self.token)
                    + self.hint(),
                    self.token.start,
                )
            self.advance()
        else:
            inner = self.condition()
        return Not(inner) if negated else inner

    def condition(self) -> Condition:
        token = self.advance()
        if token.kind != "word" or token.text in _KEYWORDS:
            raise QueryError(
                f"expected a subject ({', '.join(SUBJECTS)}), found {describe(token)}",
                token.start,
            )
        subject, name = _subject(token)
        operator, at = self.operator(token)
        if operator not in ALLOWED[subject]:
            spelled = "attribute:<name>" if subject == "attribute" else subject
            allowed = " ".join(o for o in OPERATORS if OPERATORS[o] == o and o in ALLOWED[subject])
            raise QueryError(
                f"the operator '{at.text}' cannot be used with {spelled} (it takes {allowed})",
                at.start,
            )
        values = self.argument(operator, at)
        test = condition_test(subject, name, operator, values)
        return Condition(subject, name, operator, tuple(text for text, _ in values), test)

    def operator(self, subject: Token) -> tuple[str, Token]:
        token = self.advance()
        if token.kind == "!":  # !in, !exists: the word must follow at once
            nxt = self.token
            if nxt.kind == "word" and nxt.start == token.end and nxt.text in ("in", "exists"):
                self.advance()
                return OPERATORS["!" + nxt.text], Token("op", "!" + nxt.text, token.start, nxt.end)
        elif token.kind in ("op", "word") and token.text in OPERATORS:
            return OPERATORS[token.text], token
        raise QueryError(
            f"expected an operator after '{subject.text}', found {describe(token)}", token.start
        )

    def argument(self, operator: str, at: Token) -> list[Value]:
        if operator in ("exists", "!exists"):
            token = self.token
            if token.kind in ("string", "[") or (
                token.kind == "word" and token.text not in _KEYWORDS
            ):
                raise QueryError(
                    f"expected 'and', 'or', ')' or the end of the expression after "
                    f"'{at.text}' (which takes no argument), found {describe(token)}",
                    token.start,
                )
            return []
        if operator in ("in", "!in"):
            if self.token.kind != "[":
                raise QueryError(
                    f"'{at.text}' expects an argument list such as [a, b], found "
                    + describe(self.token),
                    self.token.start,
                )
            return self.value_list()
        if self.token.kind == "[":
            raise QueryError(f"'{at.text}' takes a single value, not a list", self.token.start)
        return [self.value(f"after '{at.text}'")]

    def value_list(self) -> list[Value]:
        opening = self.advance()
        values = [self.value("in the argument list")]
        while self.token.kind == ",":
            self.advance()
            values.append(self.value("after ','"))
        if self.token.kind != "]":
            raise QueryError(
                f"expected ',' or ']' to close the list opened at position {opening.start}, "
                f"found {describe(self.token)}",
                self.token.start,
            )
        self.advance()
        return values

    def value(self, where: str) -> Value:
        token = self.token
        if token.kind == "string" or (token.kind == "word" and token.text not in _KEYWORDS):
            self.advance()
            return token.text, token.start
        hint = " (quote it to use it as a value)" if token.kind == "word" else ""
        raise QueryError(f"expected a value {where}, found {describe(token)}{hint}", token.start)


def _subject(token: Token) -> tuple[str, str | None]:
    text = token.text
    if text.startswith("attribute:"):
        name = text[len("attribute:") :]
        if not _ATTRIBUTE_NAME.fullmatch(name):
            raise QueryError(
                f"'{text}' does not name an attribute (1 to 128 letters, numbers, hyphens, "
                "underscores, periods, forward slashes or back slashes)",
                token.start,
            )
        return "attribute", name
    if text in ALLOWED:
        return text, None
    raise QueryError(f"unknown subject '{text}' (expected {', '.join(SUBJECTS)})", token.start)


def parse(expression: str) -> Expression:
    """Parse a cluster query language expression, or raise QueryError."""
    if len(expression) > MAX_LENGTH:
        raise QueryError(f"the expression is longer than {MAX_LENGTH} characters", MAX_LENGTH)
    parser = _Parser(expression)
    if parser.token.kind == "end":
        raise QueryError("the expression is empty", 0)
    parsed = parser.expression(0)
    if parser.token.kind != "end":
        token = parser.token
        raise QueryError(
            f"expected 'and', 'or', ')' or the end of the expression, found "
            f"{describe(token)}{parser.hint()}",
            token.start,
        )
    return parsed
