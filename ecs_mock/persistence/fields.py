"""The generic parts of a row kind (kinds.py): how a field is kept, and helpers the kinds share."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..arns import parse_arn
from ..backend.models import Cluster, Task
from ..backend.state import Region
from .codec import CodecError, field_type, from_json

REQUIRED: Any = object()


@dataclass(frozen=True)
class Api:
    member: str
    default: Any = REQUIRED


@dataclass(frozen=True)
class Internal:
    pass


@dataclass(frozen=True)
class Derived:
    how: str


Spec = Api | Internal | Derived
Fields = Mapping[str, Spec]
Json = dict[str, Any]


@dataclass(frozen=True)
class Kind:
    """How one resource kind is written to and read from its rows."""

    name: str  # the rows' `kind`
    model: type
    fields: Fields
    key: Callable[[Any], str]  # the row's key of an object (kinds touched by Ref: of its key)
    find: Callable[[Region, str], Any]  # the live object a key names, None once it is gone
    every: Callable[[Region], Iterable[tuple[str, Any]]]  # (key, object) of every live one
    body: Callable[[Region, Any], Json]  # the API shape
    extra: Callable[[Region, Any], Json]  # internal values beyond the Internal() fields
    derive: Callable[[Region, str, Json, Json], dict[str, Any]]  # the Derived fields' values
    link: Callable[[Loading, Any, Json, Json], None]  # put it into the region (body, internal)
    # (operation, body -> that operation's response) to check a body against the ECS model;
    # None for what has no API shape of its own
    schema: tuple[str, Callable[[Json, Json], Json]] | None
    nested: Mapping[str, Fields] = field(default_factory=dict)  # fields of nested models


# -- generic field handling ---------------------------------------------------------------


def api_body(fields: Fields, obj: Any) -> Json:
    """The body members an object's Api fields hold; unset optional members are left out.
    Values are the model's own (sets, tuples, dataclasses): json.dumps writes them (codec)."""
    body: Json = {}
    for name, spec in fields.items():
        if isinstance(spec, Api):
            value = getattr(obj, name)
            if value is None and spec.default is None:
                continue
            body[spec.member] = value
    return body


def internal_values(fields: Fields, obj: Any) -> Json:
    return {name: getattr(obj, name) for name, spec in fields.items() if isinstance(spec, Internal)}


def field_values(model: type, fields: Fields, body: Json, internal: Json, where: str) -> Json:
    """The Api and Internal fields' values, each checked against the model's declared type."""
    values: Json = {}
    for name, spec in fields.items():
        if isinstance(spec, Api):
            raw = body.get(spec.member, spec.default)
            if raw is REQUIRED:
                raise CodecError(f"{where}: the body has no {spec.member!r}")
            values[name] = from_json(field_type(model, name), raw, f"{where}.{spec.member}")
        elif isinstance(spec, Internal):
            if name not in internal:
                raise CodecError(f"{where}: the internal column has no {name!r}")
            values[name] = from_json(field_type(model, name), internal[name], f"{where}.{name}")
    return values


def require(condition: bool, message: str) -> None:
    if not condition:
        raise CodecError(message)


def ident(value: Any, kind: str, region: Region, where: str) -> list[str]:
    """The `/`-separated parts after `<kind>/` of an ARN of this account and region."""
    parsed = parse_arn(value) if isinstance(value, str) else None
    require(
        parsed is not None and parsed.kind == kind and parsed.prefix == region.arns.prefix,
        f"{where}: {value!r} is not a {kind} ARN of {region.account_id} in {region.region}",
    )
    assert parsed is not None
    return parsed.rest.split("/")


def no_extra(region: Region, obj: Any) -> Json:
    return {}


@dataclass
class Loading:
    """One region being read from a file, and what its rows leave for `finish`."""

    region: Region
    task_numbers: dict[str, list[tuple[int, Task]]] = field(default_factory=dict)
    last_numbers: dict[str, int] = field(default_factory=dict)
    key: str = ""  # the row being read
    waiting: Any = None  # the regions row's waiting queues, restored by `finish`


def cluster_live(region: Region, cluster: Cluster) -> bool:
    """Whether a reference to a cluster object names the region's current cluster of that name
    (daemons, gateway associations and Express services keep the object: a cluster deleted and
    re-created is another)."""
    return region.clusters.get(cluster.name) is cluster


def cluster_ref(region: Region, arn: Any, live: Any, where: str) -> Cluster:
    """The cluster object a row refers to: the loaded one of that name when the reference was
    live, otherwise a detached INACTIVE cluster of that name and ARN (the one it referred to was
    deleted; nothing but its name and ARN is read from such a reference)."""
    (name,) = ident(arn, "cluster", region, where)
    if from_json(bool, live, f"{where}.cluster_live"):
        cluster = region.clusters.get(name)
        require(cluster is not None, f"{where}: its cluster {name} is missing")
        assert cluster is not None
        return cluster
    return Cluster(name=name, arn=arn, status="INACTIVE")
