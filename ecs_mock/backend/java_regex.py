"""A linear-time matcher for the Java regular expressions of the cluster query language.

ECS evaluates `=~` / `!~` arguments as `java.util.regex.Pattern`s, matched against the whole
value (`attribute:ecs.instance-type =~ t2.*`). Python's `re` backtracks, so a pattern such as
`(a|aa)*c` against a long attribute value could run for hours; the stdlib offers no bound.
This module parses the common subset of Java's syntax and runs it as a Thompson NFA whose
state sets are cached as they are met (a lazy DFA): each match costs at most
O(len(text) x states), whatever the pattern, and the number of states is capped.

Mock decision: the supported subset is literals, `.`, escapes (`\\d \\D \\w \\W \\s \\S`,
`\\t \\n \\r \\f \\a \\e`, `\\xhh`, `\\uhhhh`, an escaped punctuation character, `\\Q...\\E`),
character classes (`[abc]`, `[^a-z0-9]`, escapes inside), groups `(...)` and `(?:...)`,
alternation `|`, the anchors `^` and `$`, and the quantifiers `* + ? {n} {n,} {n,m}` (a lazy
`?` suffix is accepted: it changes nothing for a whole-value match). Java constructs with
other meanings (back references, lookaround, flags such as `(?i)`, possessive quantifiers,
class unions and intersections, `\\p{...}`, boundary matchers) are refused with a PatternError
naming them, rather than matched differently from Java.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_STATES = 10_000  # NFA states one pattern may compile to (repetition counts included)
MAX_REPEAT = 1000  # largest n or m in {n,m}
MAX_DEPTH = 32  # nesting of groups
_LINE_TERMINATORS = frozenset("\n\r\u0085\u2028\u2029")  # what Java's `.` does not match
_CATEGORIES = {
    "d": frozenset("0123456789"),
    "w": frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"),
    "s": frozenset(" \t\n\x0b\f\r"),
}
_CONTROL_ESCAPES = {"t": "\t", "n": "\n", "r": "\r", "f": "\f", "a": "\a", "e": "\x1b"}
_CACHE_LIMIT = 4096  # cached DFA transitions per pattern; past that, steps are recomputed


class PatternError(ValueError):
    """A pattern this module cannot compile; `index` is where in the pattern."""

    def __init__(self, message: str, index: int) -> None:
        super().__init__(message)
        self.message = message
        self.index = index


# -- the parsed pattern -----------------------------------------------------------------------


@dataclass(frozen=True)
class CharSet:
    """A set of characters: explicit ones, ranges and categories, optionally negated."""

    chars: frozenset[str] = frozenset()
    ranges: tuple[tuple[str, str], ...] = ()
    categories: tuple[tuple[str, bool], ...] = ()  # (d|w|s, negated)
    negated: bool = False
    dot: bool = False  # Java's `.`: anything but a line terminator

    def __contains__(self, ch: str) -> bool:
        return self._base(ch) != self.negated

    def _base(self, ch: str) -> bool:
        if self.dot:
            return ch not in _LINE_TERMINATORS
        if ch in self.chars or any(low <= ch <= high for low, high in self.ranges):
            return True
        return any((ch in _CATEGORIES[name]) != negated for name, negated in self.categories)


@dataclass(frozen=True)
class Literal:
    chars: CharSet


@dataclass(frozen=True)
class Anchor:
    kind: str  # "^" or "$"


@dataclass(frozen=True)
class Sequence:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Alternation:
    options: tuple[Node, ...]


@dataclass(frozen=True)
class Repeat:
    item: Node
    least: int
    most: int | None  # None: unbounded


Node = Literal | Anchor | Sequence | Alternation | Repeat


class _Parser:
    def __init__(self, pattern: str) -> None:
        self.text = pattern
        self.pos = 0

    def fail(self, message: str, index: int | None = None) -> PatternError:
        return PatternError(message, self.pos if index is None else index)

    def peek(self) -> str | None:
        return self.text[self.pos] if self.pos < len(self.text) else None

    def parse(self) -> Node:
        node = self.alternation(0)
        if self.pos < len(self.text):  # only an unmatched ')' stops the top level early
            raise self.fail("unmatched ')'")
        return node

    def alternation(self, depth: int) -> Node:
        options = [self.sequence(depth)]
        while self.peek() == "|":
            self.pos += 1
            options.append(self.sequence(depth))
        return options[0] if len(options) == 1 else Alternation(tuple(options))

    def sequence(self, depth: int) -> Node:
        items: list[Node] = []
        while (ch := self.peek()) is not None and ch not in "|)":
            start = self.pos
            if self.text.startswith("\\Q", self.pos):
                # \Q...\E: the characters in between are literals, as if each were escaped,
                # so a quantifier after \E repeats only the last one (as in Java).
                items.extend(self.quoted())
                if items:
                    items[-1] = self.quantified(items[-1], start)
                continue
            items.append(self.quantified(self.atom(depth), start))
        return items[0] if len(items) == 1 else Sequence(tuple(items))

    def atom(self, depth: int) -> Node:
        ch = self.text[self.pos]
        if ch == "(":
            return self.group(depth)
        if ch in "*+?":
            raise self.fail(f"nothing to repeat before '{ch}'")
        if ch == "{":
            raise self.fail("'{' must follow something to repeat (escape a literal one as \\{)")
        self.pos += 1
        if ch == "[":
            return Literal(self.char_class())
        if ch == ".":
            return Literal(CharSet(dot=True))
        if ch in "^$":
            return Anchor(ch)
        if ch == "\\":
            return Literal(self.escaped())
        return Literal(CharSet(frozenset(ch)))

    def group(self, depth: int) -> Node:
        start = self.pos
        if depth >= MAX_DEPTH:
            raise self.fail(f"groups are nested more than {MAX_DEPTH} deep")
        self.pos += 1
        if self.text.startswith("?", self.pos):
            if not self.text.startswith("?:", self.pos):
                raise self.fail("only plain '(...)' and '(?:...)' groups are supported", start)
            self.pos += 2
        inner = self.alternation(depth + 1)
        if self.peek() != ")":
            raise self.fail("unclosed group '('", start)
        self.pos += 1
        return inner

    def quantified(self, atom: Node, start: int) -> Node:
        ch = self.peek()
        if ch is None or ch not in "*+?{":
            return atom
        if isinstance(atom, Anchor):
            raise self.fail(f"'{atom.kind}' cannot be repeated")
        if ch == "{":
            least, most = self.braces()
        else:
            self.pos += 1
            least, most = {"*": (0, None), "+": (1, None), "?": (0, 1)}[ch]
        if self.peek() == "?":
            self.pos += 1  # lazy: the same set of whole-value matches
        elif self.peek() == "+":
            raise self.fail("possessive quantifiers ('*+', '++', ...) are not supported")
        nxt = self.peek()
        if nxt is not None and nxt in "*+?{":
            raise self.fail(f"nothing to repeat before '{nxt}'")
        return Repeat(atom, least, most)

    def braces(self) -> tuple[int, int | None]:
        start = self.pos
        end = self.text.find("}", start)
        body = self.text[start + 1 : end] if end != -1 else ""
        least_text, comma, most_text = body.partition(",")
        if (
            end == -1
            or not least_text.isdigit()
            or not least_text.isascii()
            or (most_text and not (most_text.isdigit() and most_text.isascii()))
        ):
            raise self.fail("a repetition must be {n}, {n,} or {n,m}", start)
        least = int(least_text)
        most = None if comma and not most_text else int(most_text or least_text)
        if least > MAX_REPEAT or (most is not None and most > MAX_REPEAT):
            raise self.fail(f"repetition counts above {MAX_REPEAT} are not supported", start)
        if most is not None and most < least:
            raise self.fail(f"repetition {{{body}}} has its maximum below its minimum", start)
        self.pos = end + 1
        return least, most

    def quoted(self) -> list[Node]:
        """At `\\Q`: the literals up to `\\E` (or to the end of the pattern, as in Java)."""
        end = self.text.find("\\E", self.pos + 2)
        stop = len(self.text) if end == -1 else end
        body = self.text[self.pos + 2 : stop]
        self.pos = stop if end == -1 else end + 2
        return [Literal(CharSet(frozenset(c))) for c in body]

    def escaped(self) -> CharSet:
        """The character set a backslash sequence stands for (inside or outside a class)."""
        start = self.pos - 1
        ch = self.peek()
        if ch is None:
            raise self.fail("the pattern ends with a lone '\\'", start)
        self.pos += 1
        if ch.lower() in _CATEGORIES:
            return CharSet(categories=((ch.lower(), ch.isupper()),))
        if ch in _CONTROL_ESCAPES:
            return CharSet(frozenset(_CONTROL_ESCAPES[ch]))
        if ch in "xu":
            width = 2 if ch == "x" else 4
            digits = self.text[self.pos : self.pos + width]
            if len(digits) != width or any(d not in "0123456789abcdefABCDEF" for d in digits):
                raise self.fail(f"\\{ch} needs {width} hexadecimal digits", start)
            self.pos += width
            return CharSet(frozenset(chr(int(digits, 16))))
        if ch.isalnum() or not ch.isascii():
            raise self.fail(f"the escape '\\{ch}' is not supported", start)
        return CharSet(frozenset(ch))  # an escaped punctuation character is itself

    def char_class(self) -> CharSet:
        start = self.pos - 1
        negated = self.peek() == "^"
        if negated:
            self.pos += 1
        chars: set[str] = set()
        ranges: list[tuple[str, str]] = []
        categories: list[tuple[str, bool]] = []
        first = True
        while True:
            ch = self.peek()
            if ch is None:
                raise self.fail("unclosed character class '['", start)
            if ch == "]":
                if first:
                    raise self.fail("empty character class (escape a literal ']' as \\])")
                self.pos += 1
                return CharSet(frozenset(chars), tuple(ranges), tuple(categories), negated)
            first = False
            if ch == "[" or self.text.startswith("&&", self.pos):
                raise self.fail("nested classes and '&&' in a character class are not supported")
            begin = self.pos
            low = self.class_member()
            if isinstance(low, CharSet):  # \d and friends
                categories.extend(low.categories)
                chars |= low.chars
                continue
            if self.peek() == "-" and self.text[self.pos + 1 : self.pos + 2] not in ("]", ""):
                self.pos += 1
                high = self.class_member()
                if isinstance(high, CharSet):
                    raise self.fail("a range cannot end in a character category", begin)
                if high < low:
                    raise self.fail(f"the range {low}-{high} is out of order", begin)
                ranges.append((low, high))
            else:
                chars.add(low)

    def class_member(self) -> str | CharSet:
        ch = self.text[self.pos]
        self.pos += 1
        if ch != "\\":
            return ch
        escaped = self.escaped()
        if escaped.categories:
            return escaped
        (single,) = escaped.chars
        return single


# -- the automaton ----------------------------------------------------------------------------


@dataclass
class _Automaton:
    edges: list[tuple[CharSet, int] | None] = field(default_factory=list)
    empties: list[list[int]] = field(default_factory=list)  # epsilon moves
    anchors: dict[int, str] = field(default_factory=dict)  # state -> ^ or $ to pass through

    def state(self) -> int:
        if len(self.edges) >= MAX_STATES:
            raise PatternError(f"the pattern is too large (over {MAX_STATES} states)", 0)
        self.edges.append(None)
        self.empties.append([])
        return len(self.edges) - 1

    def build(self, node: Node, start: int) -> int:
        """Add `node` as a path from `start`; returns the state where it ends."""
        if isinstance(node, Literal):
            end = self.state()
            self.edges[start] = (node.chars, end)
            return end
        if isinstance(node, Anchor):
            # A state of its own: an anchor blocks every path through its state.
            gate, end = self.state(), self.state()
            self.empties[start].append(gate)
            self.anchors[gate] = node.kind
            self.empties[gate].append(end)
            return end
        if isinstance(node, Sequence):
            for item in node.items:
                start = self.link(start)
                start = self.build(item, start)
            return start
        if isinstance(node, Alternation):
            end = self.state()
            for option in node.options:
                entry = self.state()
                self.empties[start].append(entry)
                self.empties[self.build(option, entry)].append(end)
            return end
        return self.repeat(node, start)

    def link(self, state: int) -> int:
        """`state`, or a fresh one reached by an empty move if `state` has a character edge."""
        if self.edges[state] is None:
            return state
        fresh = self.state()
        self.empties[state].append(fresh)
        return fresh

    def repeat(self, node: Repeat, start: int) -> int:
        for _ in range(node.least):
            start = self.build(node.item, self.link(start))
        if node.most is None:  # a loop: enter, repeat, or leave
            loop = self.state()
            self.empties[start].append(loop)
            entry = self.state()
            self.empties[loop].append(entry)
            self.empties[self.build(node.item, entry)].append(loop)
            return loop
        end = self.state()
        for _ in range(node.most - node.least):
            self.empties[start].append(end)
            start = self.build(node.item, self.link(start))
        self.empties[start].append(end)
        return end


class Pattern:
    """A compiled pattern; `fullmatch(text)` says whether all of `text` matches."""

    def __init__(self, source: str) -> None:
        self.source = source
        tree = _Parser(source).parse()
        self._nfa = _Automaton()
        self._start = self._nfa.state()
        self._accept = self._nfa.build(tree, self._start)
        self._steps: dict[tuple[frozenset[int], str, bool], frozenset[int]] = {}
        self._first: dict[bool, frozenset[int]] = {}

    def fullmatch(self, text: str) -> bool:
        last = len(text)
        current = self._initial(last == 0)
        for index, ch in enumerate(text, start=1):
            current = self._step(current, ch, index == last)
            if not current:
                return False
        return self._accept in current

    def _initial(self, at_end: bool) -> frozenset[int]:
        if at_end not in self._first:
            self._first[at_end] = self._closure([self._start], True, at_end)
        return self._first[at_end]

    def _step(self, states: frozenset[int], ch: str, at_end: bool) -> frozenset[int]:
        key = (states, ch, at_end)
        cached = self._steps.get(key)
        if cached is not None:
            return cached
        targets = []
        for state in states:
            edge = self._nfa.edges[state]
            if edge is not None and ch in edge[0]:
                targets.append(edge[1])
        result = self._closure(targets, False, at_end)
        if len(self._steps) < _CACHE_LIMIT:
            self._steps[key] = result
        return result

    def _closure(self, states: list[int], at_start: bool, at_end: bool) -> frozenset[int]:
        seen: set[int] = set()
        stack = list(states)
        while stack:
            state = stack.pop()
            if state in seen:
                continue
            anchor = self._nfa.anchors.get(state)
            if (anchor == "^" and not at_start) or (anchor == "$" and not at_end):
                continue  # an anchor that does not hold here blocks this path
            seen.add(state)
            stack.extend(self._nfa.empties[state])
        return frozenset(seen)


def compile_pattern(source: str) -> Pattern:
    """Compile a Java-syntax pattern, or raise PatternError saying what is wrong and where."""
    return Pattern(source)
