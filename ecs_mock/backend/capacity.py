"""Where RunTask's tasks go: a launch type, or a capacity provider strategy split over count.

Resolution (developer guide, cluster-capacity-providers): an explicit strategy wins; else an
explicit launch type (even on a cluster with a default strategy); else the cluster's default
strategy; else EC2. A strategy's providers must be associated with the cluster.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from ..errors import invalid_parameter, shown
from .models import Cluster

FARGATE_PROVIDERS = ("FARGATE", "FARGATE_SPOT")
MAX_STRATEGY_ITEMS = 20
BOTH_GIVEN = (
    "Specifying both a launch type and capacity provider strategy is not supported. "
    "Remove one and try again."
)
NOT_ASSOCIATED = (
    "The specified capacity provider strategy cannot contain a capacity provider that is not "
    "associated with the cluster. Associate the capacity provider with the cluster or specify "
    "a valid capacity provider and try again."
)
MIXED = (
    "A capacity provider strategy cannot contain a mix of capacity providers using Auto "
    "Scaling groups and Fargate providers. Specify one or the other and try again."
)


class Target(NamedTuple):
    """Where one task goes: a launch type, and the provider that chose it (if any). A named
    tuple: RunTask hashes and compares these per task, and a tuple does both in C."""

    launch_type: str  # EC2 | FARGATE | EXTERNAL
    provider: str | None = None


def check_target_request(params: dict[str, Any]) -> None:
    """What needs no state: launchType and strategy exclusive, the strategy's own shape."""
    strategy = params.get("capacityProviderStrategy")
    launch_type = params.get("launchType")
    if strategy and launch_type is not None:
        raise invalid_parameter(BOTH_GIVEN)
    if launch_type == "MANAGED_INSTANCES":
        # Mock decision: Managed Instances capacity is not modelled; ECS documents that such
        # tasks are reached through a capacity provider strategy only.
        raise invalid_parameter(
            "ecs_mock does not model the MANAGED_INSTANCES launch type; use EC2, FARGATE or "
            "EXTERNAL, or a capacity provider strategy of FARGATE, FARGATE_SPOT or Auto "
            "Scaling group providers."
        )
    if strategy:
        check_strategy_shape(strategy)


def check_strategy_shape(strategy: Sequence[dict[str, Any]]) -> None:
    """The documented limits; ECS's messages for them are unknown (Mock decision: each names
    the rule that was broken)."""
    if len(strategy) > MAX_STRATEGY_ITEMS:
        raise invalid_parameter(
            f"capacityProviderStrategy can have at most {MAX_STRATEGY_ITEMS} items."
        )
    names = [item["capacityProvider"] for item in strategy]
    duplicate = next((name for name in names if names.count(name) > 1), None)
    if duplicate is not None:
        raise invalid_parameter(
            f"Capacity provider {shown(duplicate)} appears more than once in the strategy."
        )
    if sum(1 for item in strategy if item.get("base", 0) > 0) > 1:
        raise invalid_parameter(
            "Only one capacity provider in a strategy can have a base value greater than zero."
        )


def resolve(cluster: Cluster, params: dict[str, Any], count: int) -> list[Target]:
    """One Target per task, in placement order."""
    strategy: list[dict[str, Any]] = params.get("capacityProviderStrategy") or []
    launch_type = params.get("launchType")
    if not strategy and launch_type is not None:
        return [Target(launch_type)] * count
    from_default = not strategy
    if from_default:
        strategy = cluster.default_strategy
    if not strategy:
        return [Target("EC2")] * count
    check_against_cluster(cluster, strategy, from_default)
    return [
        Target("FARGATE" if name in FARGATE_PROVIDERS else "EC2", name)
        for name in split(strategy, count)
    ]


def check_against_cluster(
    cluster: Cluster, strategy: Sequence[dict[str, Any]], from_default: bool
) -> None:
    names = [item["capacityProvider"] for item in strategy]
    if any(name not in cluster.capacity_providers for name in names):
        raise invalid_parameter(NOT_ASSOCIATED)
    fargate = [name in FARGATE_PROVIDERS for name in names]
    if any(fargate) and not all(fargate):
        raise invalid_parameter(MIXED)
    if all(item.get("weight", 0) == 0 for item in strategy):
        where = (
            "default capacity provider strategy" if from_default else "capacity provider strategy"
        )
        fix = (
            "Update the cluster's default capacity provider strategy or specify a valid "
            "capacity provider strategy and try again."
            if from_default
            # Mock decision: the observed text is for the default strategy; this is its twin.
            else "Specify a capacity provider strategy with a non-zero weight and try again."
        )
        raise invalid_parameter(
            f"There are no capacity providers with a weight value greater than zero defined in "
            f"the {where}. At least one capacity provider must have a weight value greater "
            f"than zero specified. {fix}"
        )


def split(strategy: Sequence[dict[str, Any]], count: int) -> list[str]:
    """The provider of each of `count` tasks: the base first, then by weight.

    Mock decision (ECS documents the ratio, not the rounding): the base provider gets up to
    `base` tasks; the rest are shared in proportion to the weights by largest remainder (each
    provider gets its exact share rounded down, the tasks left over go to the largest
    fractions, ties to the provider listed first), so no provider is more than one task away
    from its share. They are placed round-robin in strategy order. Weight-0 providers get only
    their base.
    """
    chosen: list[str] = []
    for item in strategy:
        take = min(item.get("base", 0), count - len(chosen))
        chosen += [item["capacityProvider"]] * take
    weighted = [item for item in strategy if item.get("weight", 0) > 0]
    rest = count - len(chosen)
    if not weighted or rest <= 0:
        return chosen
    total = sum(item["weight"] for item in weighted)
    shares = [divmod(rest * item["weight"], total) for item in weighted]
    targets = [whole for whole, _ in shares]
    by_remainder = sorted(range(len(weighted)), key=lambda n: -shares[n][1])
    for n in by_remainder[: rest - sum(targets)]:
        targets[n] += 1
    while len(chosen) < count:
        for n, item in enumerate(weighted):
            if targets[n] > 0:
                targets[n] -= 1
                chosen.append(item["capacityProvider"])
    return chosen
