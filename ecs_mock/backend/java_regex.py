"""The Java regular expressions of the cluster query language's `=~` / `!~`, run by RE2.

ECS evaluates `=~` arguments as `java.util.regex.Pattern`s matched against the whole value
(`attribute:ecs.instance-type =~ t2.*`). Python's `re` backtracks, so a pattern such as
`(a|aa)*c` could hold the backend lock for hours; RE2 (Google's linear-time engine, the
`google-re2` package) matches in time linear in the value whatever the pattern, and its syntax
is Java's for everything the query language is used for: literals, `.`, classes, escapes such
as `\\d`, `\\Q...\\E`, groups, alternation, anchors and the quantifiers.

Mock decision: constructs RE2 does not have (back references, lookaround, possessive
quantifiers) are refused with RE2's own words, as are Java's class unions and intersections
(`[a[b]]`, `[a-z&&[^e]]`), which RE2 would read differently; Java's `\\uhhhh` escapes are
passed to RE2 as `\\x{hhhh}`.
"""

from __future__ import annotations

from typing import Any

import re2  # type: ignore[import-untyped]  # google-re2 ships no type information

MAX_REPEAT = 1000  # RE2's own limit on {n,m}; Java's is higher, but no filter needs more
_MAX_MEMORY = 1 << 22  # bytes RE2 may use for one compiled pattern (its default is 8 MiB)


class PatternError(ValueError):
    """A pattern that cannot be used, and why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _options() -> Any:
    options = re2.Options()
    options.log_errors = False  # RE2 would print every refused pattern to stderr
    options.max_mem = _MAX_MEMORY
    return options


_OPTIONS = _options()


def _for_re2(source: str) -> str:
    """`source` in RE2's spelling, refusing the Java class syntax RE2 would misread."""
    out: list[str] = []
    in_class = False
    index = 0
    while index < len(source):
        character = source[index]
        if character == "\\":
            escape = source[index : index + 2]
            hex_digits = source[index + 2 : index + 6]
            if (
                escape == "\\u"
                and len(hex_digits) == 4
                and all(c in "0123456789abcdefABCDEF" for c in hex_digits)
            ):
                out.append("\\x{" + hex_digits + "}")
                index += 6
                continue
            if escape == "\\Q":  # quoted to \E: copied as it is, nothing inside is syntax
                end = source.find("\\E", index)
                end = len(source) if end < 0 else end + 2
                out.append(source[index:end])
                index = end
                continue
            out.append(escape)
            index += 2
            continue
        if in_class:
            if character == "[" or source.startswith("&&", index):
                raise PatternError("character class unions and intersections are not supported")
            if character == "]":
                in_class = False
        elif character == "[":
            in_class = True
            # A ']' (after an optional '^') right after '[' is a literal in both syntaxes.
            following = source[index + 1 : index + 3]
            skip = 2 if following.startswith("^]") else 1 if following.startswith("]") else 0
            out.append(source[index : index + 1 + skip])
            index += 1 + skip
            continue
        out.append(character)
        index += 1
    return "".join(out)


class Pattern:
    def __init__(self, source: str) -> None:
        translated = _for_re2(source)
        try:
            self._compiled = re2.compile(translated, _OPTIONS)
        except re2.error as error:
            text = error.args[0] if error.args else str(error)
            reason = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
            raise PatternError(reason) from None

    def fullmatch(self, text: str) -> bool:
        """Does the whole of `text` match (Java's `Pattern.matches`)?"""
        return self._compiled.fullmatch(text) is not None


def compile_pattern(source: str) -> Pattern:
    """Compile a Java-syntax pattern, or raise PatternError saying what is wrong."""
    return Pattern(source)
