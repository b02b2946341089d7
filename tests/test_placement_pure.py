"""The scheduler's pure parts on their own (capacity provider splitting), and a property test of
RunTask placement against a brute-force reference: for random clusters and requests no instance
is ever oversubscribed, every placed task satisfies every constraint, and each binpack / spread
choice is one the reference also finds best."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecs_mock import mock_ecs
from ecs_mock.backend.capacity import split
from ecs_mock.errors import EcsError


def _item(name: str, weight: int = 0, base: int = 0) -> dict[str, Any]:
    return {"capacityProvider": name, "weight": weight, "base": base}


def test_split_fills_the_base_then_follows_the_weights() -> None:
    strategy = [_item("FARGATE", weight=1, base=2), _item("FARGATE_SPOT", weight=3)]
    assert Counter(split(strategy, 10)) == {"FARGATE": 4, "FARGATE_SPOT": 6}
    assert split(strategy, 1) == ["FARGATE"]


def test_split_ratio_one_to_four() -> None:
    strategy = [_item("A", weight=1), _item("B", weight=4)]
    assert Counter(split(strategy, 10)) == {"A": 2, "B": 8}


def test_weight_zero_providers_get_only_their_base() -> None:
    strategy = [_item("A", base=3), _item("B", weight=1)]
    assert split(strategy, 5) == ["A", "A", "A", "B", "B"]


def test_split_interleaves_in_strategy_order() -> None:
    strategy = [_item("A", weight=1), _item("B", weight=1)]
    assert split(strategy, 4) == ["A", "B", "A", "B"]


@given(
    weights=st.lists(st.integers(0, 5), min_size=1, max_size=4),
    base=st.integers(0, 4),
    count=st.integers(1, 10),
)
def test_split_gives_every_task_a_provider_in_proportion(
    weights: list[int], base: int, count: int
) -> None:
    strategy = [_item(f"P{n}", weight=w) for n, w in enumerate(weights)]
    strategy[0]["base"] = base
    chosen = split(strategy, count)
    if not any(weights):
        assert len(chosen) == min(base, count)
        return
    assert len(chosen) == count
    got = Counter(chosen)
    assert got["P0"] >= min(base, count)
    beyond = {
        f"P{n}": got[f"P{n}"] - (min(base, count) if n == 0 else 0) for n in range(len(weights))
    }
    total = sum(weights)
    placed = count - min(base, count)
    for n, weight in enumerate(weights):
        # Less than one task away from the exact share, and nothing for weight 0.
        assert abs(beyond[f"P{n}"] - placed * weight / total) < 1
        if weight == 0:
            assert beyond[f"P{n}"] == 0


# -- placement against a brute-force reference -----------------------------------------------

ZONES = ("us-east-1a", "us-east-1b", "us-east-1c")
STRATEGIES = [
    {"type": "spread", "field": "attribute:ecs.availability-zone"},
    {"type": "spread", "field": "instanceId"},
    {"type": "binpack", "field": "cpu"},
    {"type": "binpack", "field": "memory"},
    {"type": "random"},
]


@dataclass
class Box:
    """The reference's own view of one instance."""

    arn: str
    zone: str
    cpu: int
    memory: int
    groups: Counter[str] = field(default_factory=Counter)


def _reference_best(
    boxes: list[Box],
    strategies: list[dict[str, str]],
    group: str,
    cpu: int,
    memory: int,
    distinct: bool,
) -> list[Box]:
    """Every instance the documented rules allow for the next task, narrowed by each strategy."""
    feasible = [
        b
        for b in boxes
        if b.cpu >= cpu and b.memory >= memory and not (distinct and b.groups[group] > 0)
    ]
    for strategy in strategies:
        if len(feasible) <= 1 or strategy["type"] == "random":
            break
        if strategy["type"] == "binpack":
            key = (lambda b: b.cpu) if strategy["field"] == "cpu" else (lambda b: b.memory)
            best = min(key(b) for b in feasible)
            feasible = [b for b in feasible if key(b) == best]
        elif strategy["field"] == "instanceId":
            best = min(b.groups[group] for b in feasible)
            feasible = [b for b in feasible if b.groups[group] == best]
        else:
            per_zone = Counter()
            for b in boxes:
                per_zone[b.zone] += b.groups[group]
            best = min(per_zone[b.zone] for b in feasible)
            feasible = [b for b in feasible if per_zone[b.zone] == best]
    return feasible


instances_st = st.lists(
    st.tuples(
        st.sampled_from(ZONES),
        st.sampled_from([256, 512, 1024, 2048]),
        st.sampled_from([256, 512, 1024, 4096]),
    ),
    min_size=1,
    max_size=6,
)
calls_st = st.lists(
    st.tuples(
        st.integers(1, 10),
        st.lists(st.sampled_from(range(len(STRATEGIES))), max_size=3, unique=True),
        st.booleans(),
        st.sampled_from(["g1", "g2"]),
    ),
    min_size=1,
    max_size=4,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    instances=instances_st,
    size=st.sampled_from([(128, 128), (256, 256), (512, 384)]),
    calls=calls_st,
    seed=st.integers(0, 1000),
)
def test_placement_matches_the_reference(
    instances: list[tuple[str, int, int]],
    size: tuple[int, int],
    calls: list[tuple[int, list[int], bool, str]],
    seed: int,
) -> None:
    cpu, memory = size
    with mock_ecs(seed=seed) as mock:
        mock.register_task_definition(
            "app", containers=[{"name": "a", "image": "x", "cpu": cpu, "memory": memory}]
        )
        boxes = [
            Box(
                mock.add_container_instance("default", cpu=c, memory=m, availability_zone=z),
                z,
                c,
                m,
            )
            for z, c, m in instances
        ]
        by_arn = {b.arn: b for b in boxes}
        for count, chosen, distinct, group in calls:
            strategies = [STRATEGIES[n] for n in chosen]
            params: dict[str, Any] = {
                "taskDefinition": "app",
                "count": count,
                "group": group,
                "placementStrategy": strategies,
            }
            if distinct:
                params["placementConstraints"] = [{"type": "distinctInstance"}]
            result = mock.call("RunTask", **params)
            for task in result["tasks"]:
                best = _reference_best(boxes, strategies, group, cpu, memory, distinct)
                placed = by_arn[task["containerInstanceArn"]]
                assert placed in best, (task["containerInstanceArn"], strategies)
                placed.cpu -= cpu
                placed.memory -= memory
                placed.groups[group] += 1
            if len(result["tasks"]) < count:
                # Stopped only because the reference finds no room either.
                assert _reference_best(boxes, [], group, cpu, memory, distinct) == []
                assert {f["arn"] for f in result["failures"]} == set(by_arn)
            else:
                assert result["failures"] == []
        described = mock.call("DescribeContainerInstances", containerInstances=list(by_arn))[
            "containerInstances"
        ]
        for instance in described:
            remaining = {
                r["name"]: r["integerValue"]
                for r in instance["remainingResources"]
                if r["type"] == "INTEGER"
            }
            box = by_arn[instance["containerInstanceArn"]]
            assert remaining == {"CPU": box.cpu, "MEMORY": box.memory}
            assert box.cpu >= 0
            assert box.memory >= 0


def test_a_refused_run_task_raises_a_modeled_error() -> None:
    with mock_ecs() as mock, pytest.raises(EcsError) as raised:
        mock.call("RunTask", taskDefinition="app")
    assert raised.value.code == "ClusterNotFoundException"
