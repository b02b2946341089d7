"""The cluster query language's tokens (query.py parses them). Pure.

Mock decision: a bare token is a run of characters other than white space and
`( ) [ ] , ' " ! = < > & |`; a quoted value is taken as it is (no escapes); after `=~` and `!~`
a bare pattern may also hold character classes, commas and backslash escapes (below).
"""

from __future__ import annotations

from dataclasses import dataclass

from .query_conditions import QueryError

_SPECIAL = "()[],'\"!=<>&|"
_SPACE = " \t\r\n"
_PATTERN_OPERATORS = frozenset({"=~", "!~", "matches", "not_matches"})
_NOT_PATTERN = "()'\"!=<>&|"  # what cannot start a bare pattern


@dataclass(frozen=True)
class Token:
    kind: str  # word, string, op, punctuation ("(", ")", "[", "]", ","), "!", "&&", "||", end
    text: str
    start: int
    end: int


def describe(token: Token) -> str:
    if token.kind == "end":
        return "the end of the expression"
    return f"'{token.text}'" if token.kind != "string" else f"the quoted value '{token.text}'"


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    pos, size = 0, len(text)
    while pos < size:
        ch = text[pos]
        if ch in _SPACE:
            pos += 1
        elif ch == "'":
            close = text.find("'", pos + 1)
            if close == -1:
                raise QueryError("the quoted value is not closed with '", pos)
            tokens.append(Token("string", text[pos + 1 : close], pos, close + 1))
            pos = close + 1
        elif ch == '"':
            raise QueryError("quote values with single quotes ('...'), not double quotes", pos)
        elif ch not in _NOT_PATTERN and tokens and tokens[-1].text in _PATTERN_OPERATORS:
            end = _pattern_end(text, pos)
            tokens.append(Token("word", text[pos:end], pos, end))
            pos = end
        elif (pair := text[pos : pos + 2]) in ("==", "!=", ">=", "<=", "=~", "!~", "&&", "||"):
            kind = pair if pair in ("&&", "||") else "op"
            tokens.append(Token(kind, pair, pos, pos + 2))
            pos += 2
        elif ch in "<>":
            tokens.append(Token("op", ch, pos, pos + 1))
            pos += 1
        elif ch in "()[],!":
            tokens.append(Token(ch, ch, pos, pos + 1))
            pos += 1
        elif ch in "=&|":
            raise QueryError(
                f"unexpected '{ch}' (did you mean '{ch * 2}'? A value or pattern that "
                f"contains '{ch}' must be quoted)",
                pos,
            )
        else:
            end = _word_end(text, pos)
            tokens.append(Token("word", text[pos:end], pos, end))
            pos = end
    tokens.append(Token("end", "", size, size))
    return tokens


def _word_end(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] not in _SPECIAL and text[pos] not in _SPACE:
        pos += 1
    return pos


def _pattern_end(text: str, pos: int) -> int:
    """The end of a bare pattern after =~ / !~.

    Mock decision: besides a bare token's characters, a bare pattern may hold character
    classes `[...]` (up to their `]`), commas (`{1,3}`) and backslash escapes (`\\(`), so
    `ec2InstanceId =~ i-[0-9a-f]{8,17}` needs no quotes; `(`, `)`, `|` and spaces still do.
    """
    size = len(text)
    while pos < size and text[pos] not in _SPACE:
        ch = text[pos]
        if ch == "\\" and pos + 1 < size and text[pos + 1] not in _SPACE:
            pos += 2
        elif ch == "[":
            close = pos + 1
            while close < size and text[close] not in _SPACE and text[close] != "]":
                close += 2 if text[close] == "\\" else 1
            if close >= size or text[close] != "]":
                return min(close, size)  # unclosed: the pattern's own check says so
            pos = close + 1
        elif ch in _NOT_PATTERN:
            break
        else:
            pos += 1
    return pos
