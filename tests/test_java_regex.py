"""The Java regexes behind the query language's `=~` / `!~`, run by RE2 in linear time."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecs_mock.backend import java_regex
from ecs_mock.backend.java_regex import PatternError, compile_pattern


def _full(pattern: str, text: str) -> bool:
    return compile_pattern(pattern).fullmatch(text)


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        ("t2.*", "t2.micro", True),
        ("t2.*", "t2", True),
        ("t2.*", "m5.t2", False),  # the whole value must match
        ("t2\\.micro", "t2xmicro", False),
        ("t2\\.micro", "t2.micro", True),
        ("g2.*", "g2.2xlarge", True),
        ("[a-c]x", "bx", True),
        ("[^a-c]x", "bx", False),
        ("[^a-c]x", "dx", True),
        ("[-a]+", "-a-", True),
        ("[a-]+", "a-", True),
        ("[\\]]", "]", True),
        ("[\\d.]+", "1.14.5", True),
        ("\\d+", "123", True),
        ("\\d+", "12a", False),
        ("\\D+", "abc", True),
        ("\\w+", "ab_9", True),
        ("\\W", "-", True),
        ("\\s", " ", True),
        ("\\S", " ", False),
        ("a{3}", "aaa", True),
        ("a{3}", "aa", False),
        ("a{2,}", "aaaaa", True),
        ("a{2,3}", "aaaa", False),
        ("a{0}", "", True),
        ("(ab)+", "ababab", True),
        ("(?:ab)?c", "c", True),
        ("a|b|", "", True),
        ("(m5|c5)\\.(x)?large", "c5.large", True),
        ("a.*?b", "axxb", True),  # lazy: same whole-value matches
        ("a+?", "aaa", True),
        ("^abc$", "abc", True),
        ("a^b", "ab", False),
        ("a$b", "ab", False),
        ("b(^a)?", "b", True),
        (".", "\n", False),  # Java's dot: no newline
        (".", "é", True),
        ("\\Qt2.*\\E", "t2.*", True),
        ("\\Qt2.*\\E", "t2.micro", False),
        ("\\Qab\\E*", "abbb", True),  # a quantifier after \E repeats the last character only
        ("\\Qab", "ab", True),
        ("\\x41\\u0042", "AB", True),
        ("\\t", "\t", True),
        ("\\\\", "\\", True),
        ("\\*\\+\\?\\{\\}\\(\\)\\[\\]\\|\\^\\$\\.", "*+?{}()[]|^$.", True),
        ("a}", "a}", True),
        ("a]", "a]", True),
        ("", "", True),
        ("", "a", False),
        ("(a*)*", "", True),
        ("(a|aa)*", "aaaa", True),
        ("(|a)+", "a", True),
    ],
)
def test_matching(pattern: str, text: str, expected: bool) -> None:
    assert _full(pattern, text) is expected


@pytest.mark.parametrize(
    ("pattern", "words"),
    [
        ("(a", "missing )"),
        ("a)", "unexpected )"),
        ("*a", "no argument for repetition operator"),
        ("a**", "bad repetition operator"),
        ("a*+", "bad repetition operator"),  # possessive: not in RE2
        ("a{3,2}", "invalid repetition size"),
        ("a{1001}", "invalid repetition size"),
        ("[abc", "missing ]"),
        ("[z-a]", "invalid character class range"),
        ("[a[b]]", "unions and intersections"),
        ("[a-z&&[^e]]", "unions and intersections"),
        ("(?=a)", "invalid perl operator"),  # lookaround
        ("(a)\\1", "invalid escape sequence"),  # back reference
        ("\\xZZ", "invalid escape sequence"),
        ("abc\\", "trailing \\"),
    ],
)
def test_refusals(pattern: str, words: str) -> None:
    with pytest.raises(PatternError) as raised:
        compile_pattern(pattern)
    assert words in raised.value.message


def test_size_is_bounded() -> None:
    with pytest.raises(PatternError):
        compile_pattern("(a{1000}){1000}")
    with pytest.raises(PatternError):
        compile_pattern("((((a{100}){100}){100}){100})")
    with pytest.raises(PatternError, match="missing \\)"):
        compile_pattern("(" * 2000)
    assert _full("(" * 40 + "a" + ")" * 40, "a")


def test_java_escapes_ride_through() -> None:
    assert _full("\\u0041\\\\u0042", "A\\u0042")  # an escaped backslash is not an escape
    assert _full("\\Qa[b&&\\E", "a[b&&")  # quoted text is never class syntax
    assert _full("[^]a]", "b")


def test_catastrophic_patterns_run_in_linear_time() -> None:
    # Exponential for a backtracking engine; here each is one pass over the text.
    text = "a" * 200
    assert not _full("(a|aa)*c", text)
    assert not _full("(a*)*b", text)
    assert not _full("(a+)+b", text)
    assert not _full("(.*a){30}b", text)
    assert _full("(a|a)*", text)
    assert not _full("(\\w|\\d)*!", "1" * 200)


def test_a_compiled_pattern_is_reusable() -> None:
    pattern = compile_pattern("(t2|t3)\\..*")
    results = [pattern.fullmatch(t) for t in ["t2.micro", "t3.small", "m5.large", "t2.micro"] * 50]
    assert results == [True, True, False, True] * 50


# Differential: on the subset of syntax Java and Python share, the answers are Python's.
ALPHABET = "ab."


@st.composite
def patterns(draw: st.DrawFn, depth: int = 0) -> str:
    parts = []
    # Kept small: Python's backtracking re, the reference here, is slow on nested quantifiers.
    for _ in range(draw(st.integers(1, 3 if depth == 0 else 2))):
        kind = draw(
            st.sampled_from(["char", "dot", "class", "group", "alt"] if depth < 2 else ["char"])
        )
        if kind == "char":
            atom = draw(st.sampled_from(["a", "b", "\\."]))
        elif kind == "dot":
            atom = "."
        elif kind == "class":
            atom = draw(st.sampled_from(["[ab]", "[^a]", "[a-b]", "[.]", "[\\d]", "[^.b]"]))
        elif kind == "group":
            atom = "(" + draw(patterns(depth + 1)) + ")"
        else:
            atom = "(" + draw(patterns(depth + 1)) + "|" + draw(patterns(depth + 1)) + ")"
        quantifier = draw(st.sampled_from(["", "", "*", "+", "?", "{2}", "{0,2}", "{1,}", "*?"]))
        parts.append(atom + quantifier)
    return "".join(parts)


@settings(max_examples=400, deadline=None, derandomize=True, database=None)
@given(patterns(), st.lists(st.text(ALPHABET, max_size=6), min_size=1, max_size=4))
def test_agrees_with_python_on_the_shared_subset(pattern: str, texts: list[str]) -> None:
    compiled = compile_pattern(pattern)
    for text in texts:
        assert compiled.fullmatch(text) is (re.fullmatch(pattern, text) is not None), (
            pattern,
            text,
        )


@settings(max_examples=500, deadline=None, derandomize=True, database=None)
@given(st.text(max_size=60), st.text(max_size=20))
def test_any_pattern_compiles_or_is_refused_with_pattern_error(pattern: str, text: str) -> None:
    outcome = _outcome(pattern)  # anything but a PatternError propagates and fails the test
    if isinstance(outcome, PatternError):
        assert outcome.message
    else:
        assert isinstance(outcome.fullmatch(text), bool)


def _outcome(pattern: str) -> java_regex.Pattern | PatternError:
    try:
        return compile_pattern(pattern)
    except PatternError as error:
        return error
