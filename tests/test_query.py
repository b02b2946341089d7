"""The cluster query language (ecs_mock.backend.query) as a pure unit: parsing, precedence,
every operator on every subject, quoting and lists, refusals, and generated expressions
checked against an independent reference evaluator."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecs_mock.backend import query
from ecs_mock.backend.query import QueryError, parse


def _epoch(text: str) -> float:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=datetime.timezone.utc).timestamp()


@dataclass
class Instance:
    """A hand-built QuerySubject. `attrs` maps names to values; None is a valueless one."""

    attrs: dict[str, str | None] = field(default_factory=dict)
    ec2_instance_id: str = "i-abcd1234"
    registered_at: float = _epoch("2018-06-18T22:28:28")
    running_tasks_count: int = 0
    agent_connected: bool = True
    agent_version: str = "1.14.4"
    task_groups: tuple[str, ...] = ()

    def attribute(self, name: str) -> str | None:
        return self.attrs.get(name)

    def has_attribute(self, name: str) -> bool:
        return name in self.attrs


def _type(instance_type: str, zone: str = "us-east-1a", **attrs: str | None) -> Instance:
    return Instance({"ecs.instance-type": instance_type, "ecs.availability-zone": zone, **attrs})


def _matches(expression: str, subject: Instance) -> bool:
    return parse(expression).matches(subject)


# -- the documented examples --------------------------------------------------------------------

DOCUMENTED = [
    # cluster-query-language.html, "Example expressions"
    ("attribute:ecs.instance-type == t2.small", _type("t2.small"), True),
    ("attribute:ecs.instance-type == t2.small", _type("t2.medium"), False),
    (
        "attribute:ecs.availability-zone in [us-east-1a, us-east-1b]",
        _type("m5", "us-east-1b"),
        True,
    ),
    (
        "attribute:ecs.availability-zone in [us-east-1a, us-east-1b]",
        _type("m5", "us-east-1c"),
        False,
    ),
    (
        "attribute:ecs.instance-type =~ g2.* and attribute:ecs.availability-zone != us-east-1d",
        _type("g2.2xlarge", "us-east-1a"),
        True,
    ),
    (
        "attribute:ecs.instance-type =~ g2.* and attribute:ecs.availability-zone != us-east-1d",
        _type("g2.2xlarge", "us-east-1d"),
        False,
    ),
    (
        "attribute:ecs.instance-type =~ g2.* and attribute:ecs.availability-zone != us-east-1d",
        _type("m5.large", "us-east-1a"),
        False,
    ),
    ("task:group == service:production", Instance(task_groups=("service:production",)), True),
    ("task:group == service:production", Instance(task_groups=("service:staging",)), False),
    ("task:group == service:production", Instance(), False),
    ("not(task:group == database)", Instance(), True),
    ("not(task:group == database)", Instance(task_groups=("web",)), True),
    ("not(task:group == database)", Instance(task_groups=("web", "database")), False),
    ("runningTasksCount == 1", Instance(running_tasks_count=1), True),
    ("runningTasksCount == 1", Instance(running_tasks_count=2), False),
    ("runningTasksCount == 1", Instance(running_tasks_count=0), False),
    ("agentVersion < 1.14.5", Instance(agent_version="1.14.4"), True),
    ("agentVersion < 1.14.5", Instance(agent_version="1.9.0"), True),  # numbers, not text
    ("agentVersion < 1.14.5", Instance(agent_version="1.14.5"), False),
    ("agentVersion < 1.14.5", Instance(agent_version="1.20.0"), False),
    ("registeredAt < 2018-02-13", Instance(registered_at=_epoch("2018-02-12T23:59:59")), True),
    ("registeredAt < 2018-02-13", Instance(registered_at=_epoch("2018-02-13T00:00:00")), False),
    ("ec2InstanceId in ['i-abcd1234', 'i-wxyx7890']", Instance(ec2_instance_id="i-wxyx7890"), True),
    ("ec2InstanceId in ['i-abcd1234', 'i-wxyx7890']", Instance(ec2_instance_id="i-0000"), False),
    # task-placement-constraints.html, filtering and constraint examples
    ("attribute:ecs.instance-type == g2.2xlarge", _type("g2.2xlarge"), True),
    ("attribute:stack == prod", Instance({"stack": "prod"}), True),
    ("attribute:stack == prod", Instance({"stack": "dev"}), False),
    ("attribute:stack != prod", Instance({"stack": "dev"}), True),
    ("attribute:stack != prod", Instance({"stack": "prod"}), False),
    ("attribute:ecs.instance-type in [t2.small, t2.medium]", _type("t2.medium"), True),
    ("attribute:ecs.instance-type in [t2.small, t2.medium]", _type("t2.large"), False),
    (
        "attribute:ecs.instance-type =~ t2.* and attribute:ecs.availability-zone == us-east-1a",
        _type("t2.micro", "us-east-1a"),
        True,
    ),
    (
        "attribute:ecs.instance-type =~ t2.* and attribute:ecs.availability-zone == us-east-1a",
        _type("t2.micro", "us-east-1b"),
        False,
    ),
    ("attribute:ecs.instance-type =~ t2.*", _type("m5.t2"), False),  # a whole-value match
    ("task:group == databases", Instance(task_groups=("databases",)), True),
    ("attribute:ecs.os-type == linux", Instance({"ecs.os-type": "linux"}), True),
]


@pytest.mark.parametrize(("expression", "subject", "expected"), DOCUMENTED)
def test_documented_examples(expression: str, subject: Instance, expected: bool) -> None:
    assert _matches(expression, subject) is expected


def test_documented_compound_shape() -> None:
    # "(expression1 or expression2) and expression3"
    text = "(attribute:a exists or attribute:b exists) and attribute:c exists"
    assert _matches(text, Instance({"a": "1", "c": "1"}))
    assert _matches(text, Instance({"b": "1", "c": "1"}))
    assert not _matches(text, Instance({"a": "1", "b": "1"}))
    assert not _matches(text, Instance({"c": "1"}))


# -- precedence and boolean spellings --------------------------------------------------------

COMBINATIONS = [
    {name: "1" for name, bit in zip("abc", bits, strict=True) if bit}
    for bits in [(x, y, z) for x in (0, 1) for y in (0, 1) for z in (0, 1)]
]


@pytest.mark.parametrize("attrs", COMBINATIONS)
def test_and_binds_tighter_than_or(attrs: dict[str, str | None]) -> None:
    a, b, c = ("a" in attrs), ("b" in attrs), ("c" in attrs)
    subject = Instance(attrs)
    assert _matches("attribute:a exists or attribute:b exists and attribute:c exists", subject) == (
        a or (b and c)
    )
    assert _matches("attribute:a exists and attribute:b exists or attribute:c exists", subject) == (
        (a and b) or c
    )
    assert _matches("attribute:a exists || attribute:b exists && attribute:c exists", subject) == (
        a or (b and c)
    )
    assert _matches(
        "(attribute:a exists or attribute:b exists) and attribute:c exists", subject
    ) == ((a or b) and c)


@pytest.mark.parametrize("attrs", COMBINATIONS)
def test_not_binds_tighter_than_and(attrs: dict[str, str | None]) -> None:
    a, b = ("a" in attrs), ("b" in attrs)
    subject = Instance(attrs)
    assert _matches("not attribute:a exists and attribute:b exists", subject) == ((not a) and b)
    assert _matches("!attribute:a exists or attribute:b exists", subject) == ((not a) or b)
    assert _matches("not (attribute:a exists and attribute:b exists)", subject) == (not (a and b))
    assert _matches("not not attribute:a exists", subject) == a
    assert _matches("!!!attribute:a exists", subject) == (not a)
    assert _matches("!(attribute:a exists)", subject) == (not a)


def test_long_chains_and_many_negations_parse() -> None:
    chain = " or ".join(f"attribute:a{n} exists" for n in range(80))
    assert _matches(chain, Instance({"a79": None}))
    assert not _matches(chain, Instance({"b": None}))
    # Negations are counted, not nested: a thousand of them are fine.
    assert _matches("!" * 1000 + "attribute:a exists", Instance({"a": None}))
    assert not _matches("!" * 1001 + "attribute:a exists", Instance({"a": None}))


def test_nesting_limit() -> None:
    depth = query.MAX_DEPTH
    nested = "(" * depth + "attribute:a exists" + ")" * depth
    assert _matches(nested, Instance({"a": "x"}))
    too_deep = "(" * (depth + 1) + "attribute:a exists" + ")" * (depth + 1)
    with pytest.raises(QueryError, match=f"nested more than {depth} deep") as raised:
        parse(too_deep)
    assert raised.value.position == depth
    # Far deeper than Python's recursion limit: still a QueryError, not RecursionError.
    with pytest.raises(QueryError):
        parse("(" * 1999)
    with pytest.raises(QueryError):
        parse("not(" * 400)


# -- every operator on every subject ---------------------------------------------------------

SPELLINGS = {
    "==": ["==", "equals"],
    "!=": ["!=", "not_equals"],
    ">": [">", "greater_than"],
    ">=": [">=", "greater_than_equal"],
    "<": ["<", "less_than"],
    "<=": ["<=", "less_than_equal"],
    "exists": ["exists"],
    "!exists": ["!exists", "not_exists"],
    "in": ["in"],
    "!in": ["!in", "not_in"],
    "=~": ["=~", "matches"],
    "!~": ["!~", "not_matches"],
}
ALLOWED = {
    "attribute:stack": set(SPELLINGS),
    "task:group": set(SPELLINGS),
    "agentConnected": {"==", "!=", "in", "!in", "=~", "!~"},
    "ec2InstanceId": {"==", "!=", "in", "!in", "=~", "!~"},
    "agentVersion": {"==", "!=", ">", ">=", "<", "<="},
    "registeredAt": {"==", "!=", ">", ">=", "<", "<="},
    "runningTasksCount": {"==", "!=", ">", ">=", "<", "<="},
}
SAMPLE_VALUE = {
    "attribute:stack": "prod",
    "task:group": "web",
    "agentConnected": "true",
    "ec2InstanceId": "i-abcd1234",
    "agentVersion": "1.14.5",
    "registeredAt": "2018-06-18",
    "runningTasksCount": "2",
}


def _argument(subject: str, operator: str) -> str:
    value = SAMPLE_VALUE[subject]
    if operator in ("exists", "!exists"):
        return ""
    if operator in ("in", "!in"):
        return f" [{value}]"
    if operator in ("=~", "!~"):
        return " .*"
    return f" {value}"


@pytest.mark.parametrize("subject", sorted(ALLOWED))
@pytest.mark.parametrize("operator", sorted(SPELLINGS))
def test_operator_tables(subject: str, operator: str) -> None:
    for spelling in SPELLINGS[operator]:
        text = f"{subject} {spelling}{_argument(subject, operator)}"
        if operator in ALLOWED[subject]:
            parsed = parse(text)
            assert isinstance(parsed, query.Condition)
            assert parsed.operator == operator
        else:
            with pytest.raises(QueryError, match="cannot be used with") as raised:
                parse(text)
            assert raised.value.position == len(subject) + 1


ATTRIBUTE_CASES = [
    # (expression, attrs, expected): present, absent, valueless (None)
    ("attribute:stack == prod", {"stack": "prod"}, True),
    ("attribute:stack == prod", {}, False),
    ("attribute:stack == prod", {"stack": None}, False),
    ("attribute:stack != prod", {}, True),
    ("attribute:stack != prod", {"stack": None}, True),
    ("attribute:stack exists", {"stack": None}, True),
    ("attribute:stack exists", {}, False),
    ("attribute:stack !exists", {}, True),
    ("attribute:stack not_exists", {"stack": "x"}, False),
    ("attribute:stack in [dev, prod]", {"stack": "prod"}, True),
    ("attribute:stack in [dev, prod]", {}, False),
    ("attribute:stack !in [dev, prod]", {"stack": "test"}, True),
    ("attribute:stack !in [dev, prod]", {"stack": "dev"}, False),
    ("attribute:stack !in [dev, prod]", {}, True),
    ("attribute:stack =~ pr.d", {"stack": "prod"}, True),
    ("attribute:stack =~ pr", {"stack": "prod"}, False),
    ("attribute:stack =~ .*", {}, False),
    ("attribute:stack !~ pr.*", {"stack": "dev"}, True),
    ("attribute:stack !~ pr.*", {"stack": "prod"}, False),
    ("attribute:stack !~ pr.*", {}, True),
    # ordering: numbers as numbers when both sides are numbers, otherwise text
    ("attribute:cores > 4", {"cores": "16"}, True),
    ("attribute:cores > 4", {"cores": "3"}, False),
    ("attribute:cores >= 10", {"cores": "9"}, False),
    ("attribute:cores >= 10", {"cores": "10.0"}, True),
    ("attribute:cores < 2.5", {"cores": "-1"}, True),
    ("attribute:cores <= 4", {"cores": "4"}, True),
    ("attribute:cores < 4", {}, False),
    ("attribute:stack > b", {"stack": "c"}, True),
    ("attribute:stack > b", {"stack": "B"}, False),  # code points: upper case sorts first
    ("attribute:stack >= 10", {"stack": "9a"}, True),  # 9a is text
    ("attribute:stack == Prod", {"stack": "prod"}, False),  # case-sensitive
]


@pytest.mark.parametrize(("expression", "attrs", "expected"), ATTRIBUTE_CASES)
def test_attribute_operators(expression: str, attrs: dict[str, str | None], expected: bool) -> None:
    assert _matches(expression, Instance(attrs)) is expected


GROUP_CASES = [
    # Some non-STOPPED task's group satisfies the comparison; an empty instance satisfies none.
    ("task:group == db", ("web", "db"), True),
    ("task:group == db", (), False),
    ("task:group != db", ("web", "db"), True),
    ("task:group != db", ("db", "db"), False),
    ("task:group != db", (), False),
    ("task:group exists", ("web",), True),
    ("task:group exists", (), False),
    ("task:group !exists", (), True),
    ("task:group !exists", ("web",), False),
    ("task:group in [db, cache]", ("web", "cache"), True),
    ("task:group in [db, cache]", ("web",), False),
    ("task:group !in [db, cache]", ("web", "db"), True),
    ("task:group !in [db, cache]", ("db",), False),
    ("task:group =~ service:.*", ("family:x", "service:api"), True),
    ("task:group =~ service:.*", ("family:x",), False),
    ("task:group !~ service:.*", ("service:api",), False),
    ("task:group !~ service:.*", ("service:api", "family:x"), True),
    ("task:group > m", ("a", "z"), True),
    ("task:group >= z", ("a",), False),
    ("task:group < b", ("a",), True),
    ("task:group <= a", ("b",), False),
    ("not(task:group == db)", (), True),
]


@pytest.mark.parametrize(("expression", "groups", "expected"), GROUP_CASES)
def test_task_group_operators(expression: str, groups: tuple[str, ...], expected: bool) -> None:
    assert _matches(expression, Instance(task_groups=groups)) is expected


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("ec2InstanceId == i-abcd1234", True),
        ("ec2InstanceId == I-ABCD1234", False),
        ("ec2InstanceId != i-abcd1234", False),
        ("ec2InstanceId in [i-1, i-abcd1234]", True),
        ("ec2InstanceId !in [i-1, i-2]", True),
        ("ec2InstanceId =~ 'i-[0-9a-f]{8}'", True),
        ("ec2InstanceId =~ 'i-[0-9]+'", False),
        ("ec2InstanceId !~ i-a.*", False),
    ],
)
def test_ec2_instance_id_operators(expression: str, expected: bool) -> None:
    assert _matches(expression, Instance(ec2_instance_id="i-abcd1234")) is expected


@pytest.mark.parametrize(
    ("expression", "connected", "expected"),
    [
        ("agentConnected == true", True, True),
        ("agentConnected == true", False, False),
        ("agentConnected == false", False, True),
        ("agentConnected != true", False, True),
        ("agentConnected in [true, false]", False, True),
        ("agentConnected !in [true]", True, False),
        ("agentConnected =~ t.*", True, True),
        ("agentConnected !~ t.*", False, True),
    ],
)
def test_agent_connected_operators(expression: str, connected: bool, expected: bool) -> None:
    assert _matches(expression, Instance(agent_connected=connected)) is expected


@pytest.mark.parametrize(
    ("expression", "version", "expected"),
    [
        ("agentVersion == 1.14.5", "1.14.5", True),
        ("agentVersion == 1.14", "1.14.0", True),  # missing parts are zeros
        ("agentVersion != 1.14.5", "1.14.5", False),
        ("agentVersion > 1.9", "1.10.0", True),
        ("agentVersion >= 1.10.0", "1.10", True),
        ("agentVersion < 2", "1.99.99", True),
        ("agentVersion <= 1.2.3", "1.2.4", False),
        ("agentVersion == 1.14.5", "unknown", False),  # not a version: only != holds
        ("agentVersion < 9", "unknown", False),
        ("agentVersion != 1.14.5", "unknown", True),
    ],
)
def test_agent_version_operators(expression: str, version: str, expected: bool) -> None:
    assert _matches(expression, Instance(agent_version=version)) is expected


REGISTERED = _epoch("2018-06-18T22:28:28") + 0.25  # registration times carry fractions


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        # the four documented formats
        ("registeredAt == 2018-06-18T22:28:28+00:00", True),
        ("registeredAt == 2018-06-18T22:28:28Z", True),
        ("registeredAt == 2018-06-18T22:28:28", True),
        ("registeredAt == 2018-06-18", True),  # a date is that whole day
        ("registeredAt == 2018-06-19", False),
        ("registeredAt == 2018-06-19T00:28:28+02:00", True),  # other offsets too
        ("registeredAt == 2018-06-18T17:28:28-05:00", True),
        ("registeredAt != 2018-06-18", False),
        ("registeredAt > 2018-06-18T22:28:27Z", True),
        ("registeredAt > 2018-06-18T22:28:28Z", False),  # within that second
        ("registeredAt >= 2018-06-18T22:28:28Z", True),
        ("registeredAt < 2018-06-18T22:28:28Z", False),
        ("registeredAt <= 2018-06-18T22:28:28Z", True),
        ("registeredAt < 2018-06-19", True),
        ("registeredAt <= 2018-06-18", True),
        ("registeredAt > 2018-06-18", False),
        ("registeredAt >= 2018-06-18", True),
        ("registeredAt < 2018-06-18", False),
        ("registeredAt > 2018-06-17", True),
    ],
)
def test_registered_at_operators(expression: str, expected: bool) -> None:
    assert _matches(expression, Instance(registered_at=REGISTERED)) is expected


@pytest.mark.parametrize(
    ("expression", "count", "expected"),
    [
        ("runningTasksCount == 0", 0, True),
        ("runningTasksCount != 0", 3, True),
        ("runningTasksCount > 2", 3, True),
        ("runningTasksCount > 3", 3, False),
        ("runningTasksCount >= 3", 3, True),
        ("runningTasksCount < 1", 0, True),
        ("runningTasksCount <= 2", 3, False),
        ("runningTasksCount == 10", 10, True),
    ],
)
def test_running_tasks_count_operators(expression: str, count: int, expected: bool) -> None:
    assert _matches(expression, Instance(running_tasks_count=count)) is expected


# -- quoting, lists, spacing -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "value", "expected"),
    [
        ("attribute:team == 'data platform'", "data platform", True),
        ("attribute:team == 'and'", "and", True),  # a quoted keyword is a value
        ("attribute:team == 'a(b)'", "a(b)", True),
        ("attribute:team == 'x,y'", "x,y", True),
        ("attribute:team == ''", "x", False),
        ("attribute:team in ['data platform', web]", "data platform", True),
        ("attribute:team in [web,'data platform']", "web", True),
        ("attribute:team in [ web , api ]", "api", True),
        ("attribute:team in [web]", "webs", False),
        ("attribute:team==web", "web", True),
        ("attribute:team!=web", "web", False),
        ("attribute:team\tequals\nweb", "web", True),
        ("attribute:team =~ 'w(eb|ww)'", "web", True),
        ("attribute:team =~ '[a-c]+ [x-z]+'", "ab yz", True),
        ("attribute:team == a@b/c\\d:e", "a@b/c\\d:e", True),
        ("(attribute:team == web)and(attribute:team exists)", "web", True),
    ],
)
def test_quoting_lists_and_spacing(expression: str, value: str, expected: bool) -> None:
    assert _matches(expression, Instance({"team": value})) is expected


@pytest.mark.parametrize(
    ("expression", "value", "expected"),
    [
        ("attribute:team =~ t[23].*", "t3.large", True),
        ("attribute:team =~ [tm]5.*", "m5.large", True),
        ("attribute:team =~ i-[0-9a-f]{8,17}", "i-0123456789abcdef0", True),
        ("attribute:team =~ i-[0-9a-f]{8,17}", "i-012", False),
        ("attribute:team =~ a\\(b\\)", "a(b)", True),
        ("attribute:team =~ [\\]x]+", "]x]", True),
        ("attribute:team =~ x,y", "x,y", True),
        ("attribute:team matches [a-c]+", "abc", True),
        ("attribute:team !~ [a-c]+", "abc", False),
        ("not(attribute:team =~ w.*)", "web", False),  # a bare pattern ends at ')'
        ("attribute:team =~ w.*&&attribute:team exists", "web", True),
    ],
)
def test_bare_patterns(expression: str, value: str, expected: bool) -> None:
    assert _matches(expression, Instance({"team": value})) is expected


def test_no_space_operators_on_numbers() -> None:
    subject = Instance(running_tasks_count=3, agent_version="1.2.3")
    assert _matches("runningTasksCount>=3&&agentVersion<1.3", subject)
    assert _matches("runningTasksCount<1||!agentVersion>2", subject)


def test_parsed_conditions_record_what_they_compare() -> None:
    parsed = parse("attribute:ecs.instance-type in [t2.small, 't2 x']")
    assert isinstance(parsed, query.Condition)
    assert (parsed.subject, parsed.name, parsed.operator, parsed.values) == (
        "attribute",
        "ecs.instance-type",
        "in",
        ("t2.small", "t2 x"),
    )
    tree = parse("not a:b == 1 or task:group exists".replace("a:b", "attribute:b"))
    assert isinstance(tree, query.AnyOf)
    assert isinstance(tree.parts[0], query.Not)


# -- refusals ---------------------------------------------------------------------------------

MALFORMED = [
    # (expression, words the message must contain, position)
    ("", "empty", 0),
    ("   ", "empty", 0),
    ("foo == 1", "unknown subject 'foo'", 0),
    ("AgentVersion == 1", "unknown subject", 0),
    ("attribute: == 1", "does not name an attribute", 0),
    ("attribute:a*b == 1", "does not name an attribute", 0),
    ("'attribute:a' == 1", "expected a subject", 0),
    ("attribute:a", "expected an operator after 'attribute:a'", 11),
    ("attribute:a EQUALS b", "expected an operator", 12),
    ("attribute:a = b", "did you mean '=='", 12),
    ("attribute:a exists & attribute:b exists", "did you mean '&&'", 19),
    ("attribute:a exists | attribute:b exists", "did you mean '||'", 19),
    ("attribute:a ! in [x]", "expected an operator", 12),
    ("attribute:a ==", "expected a value after '=='", 14),
    ("attribute:a == and attribute:b exists", "quote it", 15),
    ("attribute:a == [x, y]", "single value, not a list", 15),
    ("attribute:a in x", "expects an argument list", 15),
    ("attribute:a in []", "expected a value in the argument list", 16),
    ("attribute:a in [x,]", "expected a value after ','", 18),
    ("attribute:a in [x y]", "expected ',' or ']'", 18),
    ("attribute:a in [x", "expected ',' or ']'", 17),
    ("attribute:a in [[x]]", "expected a value", 16),
    ("attribute:a exists x", "takes no argument", 19),
    ("attribute:a exists [x]", "takes no argument", 19),
    ("attribute:a == 'x", "not closed", 15),
    ('attribute:a == "x"', "single quotes", 15),
    ("attribute:a == x y", "quote a value that contains spaces", 17),
    ("attribute:a == t[23]", "quote a value or pattern that contains ( ) [ ] or ,", 16),
    ("attribute:a =~ [a b]", "missing ]", 15),
    ("not(attribute:a =~ t(2).*)", "quote a value or pattern", 20),
    ("attribute:a =~ t2|t3", "must be quoted", 17),
    ("attribute:a == x)", "found ')'", 16),
    ("(attribute:a == x", "expected ')' to close the '(' at position 0", 17),
    ("()", "expected a subject", 1),
    ("attribute:a exists and", "expected a subject", 22),
    ("attribute:a exists or or attribute:b exists", "expected a subject", 22),
    ("not", "expected a subject", 3),
    ("attribute:a exists attribute:b exists", "expected 'and', 'or'", 19),
    ("attribute:a exists AND attribute:b exists", "expected 'and', 'or'", 19),
    ("agentConnected == yes", "true or false", 18),
    ("agentConnected in [true, TRUE]", "true or false", 25),
    ("agentVersion > v1.2", "version such as 1.14.5", 15),
    ("agentVersion > 1..2", "version", 15),
    ("runningTasksCount > 1.5", "whole number", 20),
    ("runningTasksCount > -1", "whole number", 20),
    ("registeredAt < 2018/02/13", "registeredAt compares with a date", 15),
    ("registeredAt < 2018-02-13T10:00", "registeredAt compares with a date", 15),
    ("registeredAt < 2018-02-13T10:00:00.5Z", "registeredAt compares with a date", 15),
    ("registeredAt < 2018-02-30", "not a valid date", 15),
    ("registeredAt < 2018-02-13T25:00:00", "not a valid date", 15),
    ("registeredAt < 2018-02-13T10:00:00+24:00", "not a valid date", 15),
    ("registeredAt < 2018-02-13T10:00:00+01:60", "not a valid date", 15),
    ("registeredAt < 0000-01-01", "not a valid date", 15),
    ("attribute:a =~ '(x'", "missing )", 15),
    ("attribute:a =~ *x", "no argument for repetition operator", 15),
    ("attribute:a =~ '(?=x)'", "invalid perl operator", 15),
    ("attribute:a =~ x\\1", "invalid escape sequence", 15),
    ("x" * 2001, "longer than 2000 characters", 2000),
]


@pytest.mark.parametrize(("expression", "words", "position"), MALFORMED)
def test_malformed_expressions_are_refused_clearly(
    expression: str, words: str, position: int
) -> None:
    with pytest.raises(QueryError) as raised:
        parse(expression)
    error = raised.value
    assert words in error.message
    assert error.position == position
    assert error.message.startswith(f"Invalid expression at position {position}: ")


def test_exactly_2000_characters_is_accepted() -> None:
    text = "attribute:a == " + "x" * (2000 - len("attribute:a == "))
    assert len(text) == 2000
    assert _matches(text, Instance({"a": "x" * 1985}))


def test_catastrophic_patterns_finish() -> None:
    # Each would take a backtracking engine (Python's re, Java's) astronomically long.
    value = "a" * 128
    subject = Instance({"v": value}, task_groups=(value,))
    assert not _matches("attribute:v =~ '(a|aa)*c'", subject)
    assert not _matches("attribute:v =~ '(a*)*b'", subject)
    assert _matches("attribute:v =~ '(a+)+'", subject)
    assert not _matches("task:group =~ '(.*a){20}b'", subject)
    assert _matches("attribute:v !~ '(a|a)*(b|b)'", subject)


# -- generated input ---------------------------------------------------------------------------

TOKENS = [
    "attribute:a", "attribute:ecs.instance-type", "task:group", "ec2InstanceId", "registeredAt",
    "runningTasksCount", "agentConnected", "agentVersion", "and", "or", "not", "&&", "||", "!",
    "(", ")", "[", "]", ",", "'", "'x'", "==", "!=", ">", ">=", "<", "<=", "exists", "!exists",
    "in", "!in", "=~", "!~", "matches", "1", "1.14.5", "2018-02-13", "true", "t2.*", "(a|aa)*",
    "=", "&", "|", '"', "\\", "{2}", "[a-z]", "*", "",
]  # fmt: skip
SOUP = st.lists(st.sampled_from(TOKENS), max_size=30).map(lambda parts: " ".join(parts)) | st.lists(
    st.sampled_from(TOKENS), max_size=30
).map("".join)
SAMPLE = Instance(
    {"a": "x", "ecs.instance-type": "t2.small"},
    task_groups=("aaaa",),
    running_tasks_count=1,
)


@settings(max_examples=400, deadline=None, derandomize=True, database=None)
@given(st.text(max_size=300) | SOUP)
def test_any_text_parses_or_is_refused_with_query_error(text: str) -> None:
    outcome = _outcome(text)  # anything but a QueryError propagates and fails the test
    if isinstance(outcome, QueryError):
        assert outcome.message.startswith("Invalid expression at position ")
        assert 0 <= outcome.position <= max(len(text), 2000)
    else:
        assert isinstance(outcome.matches(SAMPLE), bool)


def _outcome(text: str) -> query.Expression | QueryError:
    try:
        return parse(text)
    except QueryError as error:
        return error


# A generator of valid expressions paired with a reference meaning written independently of
# ecs_mock's evaluator: plain Python over the same hand-built subjects.
Reference = Callable[[Instance], bool]
POOL = ["prod", "dev", "1", "9", "10", "-2", "us-east-1a", "a b"]
NAMES = ["stack", "cores", "flag"]
GROUPS = ["web", "db", "service:api"]
PATTERNS = [
    "p.*",
    ".*",
    "d[a-z]v",
    "(prod|dev)",
    "1[0-9]*",
    "us-east-1[ab]",
    "a b|web",
    "s.*:.*",
    "[0-9]{1,2}",
]
VERSIONS = ["1.14.5", "1.9", "1.14", "2.0.0", "1.14.5.1", "2", "1.14.0"]
DATES = ["2018-06-18", "2018-06-18T22:28:28Z", "2018-06-18T22:28:28", "2018-06-19T00:28:28+02:00"]


def _quote(value: str, quoted: bool) -> str:
    needs_quotes = any(ch in value for ch in " ()[],|")
    return f"'{value}'" if quoted or needs_quotes else value


def _order(left: str, right: str) -> int:
    def number(text: str) -> int | None:
        return int(text) if text.lstrip("-").isdigit() else None

    a, b = number(left), number(right)
    if a is not None and b is not None:
        return (a > b) - (a < b)
    return (left > right) - (left < right)


def _compare(op: str, order: int) -> bool:
    return {"==": order == 0, "!=": order != 0, ">": order > 0, ">=": order >= 0}.get(
        op, order < 0 if op == "<" else order <= 0
    )


def _string_ref(op: str, argument: str | list[str]) -> Callable[[str], bool]:
    if op == "in":
        return lambda v: v in argument
    if op == "!in":
        return lambda v: v not in argument
    assert isinstance(argument, str)
    if op == "=~":
        return lambda v: re.fullmatch(argument, v) is not None
    if op == "!~":
        return lambda v: re.fullmatch(argument, v) is None
    return lambda v: _compare(op, _order(v, argument))


def _render_argument(op: str, argument: str | list[str], quoted: bool) -> str:
    if op in ("exists", "!exists"):
        return ""
    if isinstance(argument, list):
        return " [" + ", ".join(_quote(v, quoted) for v in argument) + "]"
    if op in ("=~", "!~"):  # a bare pattern may hold [...] and commas, not ( ) | or spaces
        bare_ok = not any(ch in argument for ch in " ()|")
        return " " + (argument if bare_ok and not quoted else f"'{argument}'")
    return " " + _quote(argument, quoted)


@st.composite
def conditions(draw: st.DrawFn) -> tuple[str, Reference]:
    subject = draw(st.sampled_from(["attribute", "task:group", "count", "version", "time", "id"]))
    quoted = draw(st.booleans())
    if subject in ("attribute", "task:group"):
        op = draw(st.sampled_from(sorted(SPELLINGS)))
    elif subject == "id":
        op = draw(st.sampled_from(["==", "!=", "in", "!in", "=~", "!~"]))
    else:
        op = draw(st.sampled_from(["==", "!=", ">", ">=", "<", "<="]))
    spelling = draw(st.sampled_from(SPELLINGS[op]))
    argument: str | list[str]
    if op in ("in", "!in"):
        argument = draw(st.lists(st.sampled_from(POOL + GROUPS), min_size=1, max_size=3))
    elif op in ("=~", "!~"):
        argument = draw(st.sampled_from(PATTERNS))
    elif subject == "count":
        argument = str(draw(st.integers(0, 3)))
    elif subject == "version":
        argument = draw(st.sampled_from(VERSIONS))
    elif subject == "time":
        argument = draw(st.sampled_from(DATES))
    else:
        argument = draw(st.sampled_from(POOL + GROUPS))
    rendered = _render_argument(op, argument, quoted)
    if subject == "attribute":
        name = draw(st.sampled_from(NAMES))
        text = f"attribute:{name} {spelling}{rendered}"
        if op in ("exists", "!exists"):
            return text, lambda s: (name in s.attrs) == (op == "exists")
        positive = {"!=": "==", "!in": "in", "!~": "=~"}.get(op, op)
        check = _string_ref(positive, argument)

        def attribute_ref(s: Instance) -> bool:
            value = s.attrs.get(name)
            held = value is not None and check(value)
            return held if positive == op else not held

        return text, attribute_ref
    if subject == "task:group":
        text = f"task:group {spelling}{rendered}"
        if op in ("exists", "!exists"):
            return text, lambda s: bool(s.task_groups) == (op == "exists")
        group_check = _string_ref(op, argument)
        return text, lambda s: any(group_check(g) for g in s.task_groups)
    if subject == "id":
        id_check = _string_ref(op, argument)
        return f"ec2InstanceId {spelling}{rendered}", lambda s: id_check(s.ec2_instance_id)
    if subject == "count":
        wanted = int(str(argument))
        return f"runningTasksCount {spelling}{rendered}", lambda s: _compare(
            op, (s.running_tasks_count > wanted) - (s.running_tasks_count < wanted)
        )
    if subject == "version":

        def padded(v: str) -> tuple[int, ...]:
            parts = [int(p) for p in v.split(".")]
            return tuple(parts + [0] * (6 - len(parts)))

        want = padded(str(argument))
        return f"agentVersion {spelling}{rendered}", lambda s: _compare(
            op, (padded(s.agent_version) > want) - (padded(s.agent_version) < want)
        )
    moment = datetime.datetime.fromisoformat(str(argument).replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    low = moment.timestamp()
    high = low + (1 if "T" in str(argument) else 86400)

    def time_ref(s: Instance) -> bool:
        t = s.registered_at
        return {
            "==": low <= t < high,
            "!=": not low <= t < high,
            ">": t >= high,
            ">=": t >= low,
            "<": t < low,
            "<=": t < high,
        }[op]

    return f"registeredAt {spelling}{rendered}", time_ref


def _combine(
    children: st.SearchStrategy[tuple[str, Reference]],
) -> st.SearchStrategy[tuple[str, Reference]]:
    @st.composite
    def combined(draw: st.DrawFn) -> tuple[str, Reference]:
        kind = draw(st.sampled_from(["and", "or", "not"]))
        if kind == "not":
            text, ref = draw(children)
            spelling = draw(st.sampled_from(["not ", "!", "not"]))
            return f"{spelling}({text})", lambda s: not ref(s)
        parts = draw(st.lists(children, min_size=2, max_size=3))
        word = draw(st.sampled_from([kind, "&&" if kind == "and" else "||"]))
        # Parenthesise every operand: the mixing of and/or without parentheses is what the
        # precedence tests above cover; here the point is the meaning of every condition.
        text = f" {word} ".join(f"({t})" for t, _ in parts)
        refs = [r for _, r in parts]
        if kind == "and":
            return text, lambda s: all(r(s) for r in refs)
        return text, lambda s: any(r(s) for r in refs)

    return combined()


EXPRESSIONS = st.recursive(conditions(), _combine, max_leaves=8)
SUBJECTS = st.builds(
    Instance,
    attrs=st.dictionaries(st.sampled_from(NAMES), st.none() | st.sampled_from(POOL), max_size=3),
    ec2_instance_id=st.sampled_from(["i-abcd1234", "prod", "us-east-1a"]),
    registered_at=st.sampled_from(
        [REGISTERED, _epoch("2018-06-18T00:00:00"), _epoch("2018-06-19T00:00:00") - 0.5, 0.0]
    ),
    running_tasks_count=st.integers(0, 3),
    agent_connected=st.booleans(),
    agent_version=st.sampled_from([*VERSIONS, "1.14.4", "10.0"]),
    task_groups=st.lists(st.sampled_from(GROUPS + POOL), max_size=3).map(tuple),
)


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(EXPRESSIONS, st.lists(SUBJECTS, min_size=1, max_size=4))
def test_generated_expressions_mean_what_the_reference_says(
    generated: tuple[str, Reference], subjects: list[Instance]
) -> None:
    text, reference = generated
    parsed = parse(text)
    for subject in subjects:
        assert parsed.matches(subject) is reference(subject), (text, subject)
