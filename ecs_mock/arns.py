"""ARNs and ids exactly as ECS forms them (long ARN format, 32-hex ids)."""

from __future__ import annotations

import random
import re
import string
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Final

_CHINA_REGIONS = ("cn-",)
_GOV_REGIONS = ("us-gov-",)
_ISO_PARTITIONS = {"us-iso-": "aws-iso", "us-isob-": "aws-iso-b"}

_ALPHANUMERIC = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

_ARN = re.compile(
    r"^arn:(?P<partition>aws[a-z-]*):ecs:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):"
    r"(?P<kind>[a-z-]+)/(?P<rest>.+)\Z"
)


def partition_for(region: str) -> str:
    for prefix, partition in _ISO_PARTITIONS.items():
        if region.startswith(prefix):
            return partition
    if region.startswith(_CHINA_REGIONS):
        return "aws-cn"
    if region.startswith(_GOV_REGIONS):
        return "aws-us-gov"
    return "aws"


_LOW_128 = (1 << 128) - 1


@dataclass(frozen=True)
class ArnFactory:
    """Builds ARNs for one account and region."""

    account_id: str
    region: str

    @cached_property  # compared against every ARN a request names
    def prefix(self) -> str:
        return f"arn:{partition_for(self.region)}:ecs:{self.region}:{self.account_id}"

    def cluster(self, name: str) -> str:
        return f"{self.prefix}:cluster/{name}"

    def task_definition(self, family: str, revision: int) -> str:
        return f"{self.prefix}:task-definition/{family}:{revision}"

    def container_instance(self, cluster: str, instance_id: str) -> str:
        return f"{self.prefix}:container-instance/{cluster}/{instance_id}"

    def task(self, cluster: str, task_id: str) -> str:
        return f"{self.prefix}:task/{cluster}/{task_id}"

    def container(self, cluster: str, task_id: str, container_id: str) -> str:
        return f"{self.prefix}:container/{cluster}/{task_id}/{container_id}"

    # The forms below are the service authorization reference's ARN templates (documented),
    # except gateway, whose form no published source gives (see gateway_models).
    def daemon(self, cluster: str, name: str) -> str:
        return f"{self.prefix}:daemon/{cluster}/{name}"

    def daemon_task_definition(self, family: str, revision: int) -> str:
        return f"{self.prefix}:daemon-task-definition/{family}:{revision}"

    def daemon_deployment(self, cluster: str, daemon: str, deployment_id: str) -> str:
        return f"{self.prefix}:daemon-deployment/{cluster}/{daemon}/{deployment_id}"

    def daemon_revision(self, cluster: str, daemon: str, revision_id: str) -> str:
        return f"{self.prefix}:daemon-revision/{cluster}/{daemon}/{revision_id}"

    def service(self, cluster: str, name: str) -> str:
        return f"{self.prefix}:service/{cluster}/{name}"

    def service_revision(self, cluster: str, service: str, revision_id: str) -> str:
        return f"{self.prefix}:service-revision/{cluster}/{service}/{revision_id}"

    def service_deployment(self, cluster: str, service: str, deployment_id: str) -> str:
        return f"{self.prefix}:service-deployment/{cluster}/{service}/{deployment_id}"

    def gateway(self, name: str) -> str:
        return f"{self.prefix}:gateway/{name}"

    def capacity_provider(self, name: str) -> str:
        return f"{self.prefix}:capacity-provider/{name}"

    def namespace(self, namespace_id: str) -> str:
        """A Cloud Map namespace's ARN (Service Connect defaults name one)."""
        return (
            f"arn:{partition_for(self.region)}:servicediscovery:{self.region}:"
            f"{self.account_id}:namespace/{namespace_id}"
        )

    def task_set(self, cluster: str, service: str, task_set_id: str) -> str:
        """`task_set_id` is the set's `ecs-svc/<digits>` id, slash included (observed)."""
        return f"{self.prefix}:task-set/{cluster}/{service}/{task_set_id}"


@dataclass(frozen=True)
class ParsedArn:
    partition: str
    region: str
    account_id: str
    kind: str
    rest: str

    @property
    def prefix(self) -> str:
        """``arn:<partition>:ecs:<region>:<account>``: equal to ``Arns.prefix`` for local ARNs."""
        return f"arn:{self.partition}:ecs:{self.region}:{self.account_id}"


def parse_arn(value: str) -> ParsedArn | None:
    """Split an ECS ARN; None when `value` is not one."""
    match = _ARN.match(value)
    if match is None:
        return None
    return ParsedArn(
        partition=match["partition"],
        region=match["region"],
        account_id=match["account"],
        kind=match["kind"],
        rest=match["rest"],
    )


# The bits uuid.UUID(int=..., version=4) sets: variant RFC 4122 and version 4.
_UUID4_CLEAR: Final = ~((0xC000 << 48) | (0xF000 << 64))
_UUID4_SET: Final = (0x8000 << 48) | (4 << 76)


def format_uuid4(bits: int) -> str:
    """`str(uuid.UUID(int=bits, version=4))` without building the UUID object (~3x cheaper)."""
    text = f"{(bits & _UUID4_CLEAR) | _UUID4_SET:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


class Ids:
    """Seedable source of ids, so the same seed gives the same ARNs (snapshot tests)."""

    def __init__(self, seed: int | None = None) -> None:
        self._random = random.Random(seed)

    def state(self) -> list[Any]:
        """The generator's position as plain JSON-able data (the server's state file)."""
        version, words, gauss = self._random.getstate()
        return [version, list(words), gauss]

    @classmethod
    def restored(cls, state: Any) -> Ids:
        """An Ids that continues where `state()` was taken; ValueError on anything malformed."""
        if not (isinstance(state, list) and len(state) == 3 and isinstance(state[1], list)):
            raise ValueError("the id generator's state is not [version, words, gauss]")
        version, words, gauss = state
        if not all(type(word) is int and 0 <= word < 2**32 for word in words):
            raise ValueError("the id generator's state words are not 32-bit integers")
        if gauss is not None and type(gauss) is not float:
            raise ValueError("the id generator's state is malformed")
        ids = cls()
        try:
            ids._random.setstate((version, tuple(words), gauss))
        except (TypeError, ValueError) as error:
            raise ValueError(f"the id generator's state is malformed: {error}") from None
        return ids

    @property
    def random(self) -> random.Random:
        """The seeded generator itself, for choices other than ids (random placement)."""
        return self._random

    def hex32(self) -> str:
        return f"{self._random.getrandbits(128):032x}"

    def hex64(self) -> str:
        """What two `hex32()` calls in a row make, from one draw of the same random bits."""
        bits = self._random.getrandbits(256)
        return f"{bits & _LOW_128:032x}{bits >> 128:032x}"

    def fargate_runtime_id(self, task_id: str) -> str:
        """`<taskId>-<digits>`, a Fargate container's runtimeId (AWS CLI describe-tasks ex.2:
        `74de0355a10a4f979ac495c14EXAMPLE-265927825`): one draw of a 9-10 digit number."""
        return f"{task_id}-{self._random.randint(10**8, 2**32 - 1)}"

    def uuid(self) -> str:
        return format_uuid4(self._random.getrandbits(128))

    def request_id(self) -> str:
        return self.uuid()

    def digits(self, count: int) -> str:
        return "".join(self._random.choice("0123456789") for _ in range(count))

    def hex(self, count: int) -> str:
        return "".join(self._random.choice("0123456789abcdef") for _ in range(count))

    def alphanumeric(self, count: int) -> str:
        """Mixed-case letters and digits, as deployment ids are (aB1cD2eF3gH4iJ5k)."""
        return "".join(self._random.choice(_ALPHANUMERIC) for _ in range(count))

    def port(self, low: int, high: int) -> int:
        return self._random.randint(low, high)

    def deployment_id(self) -> str:
        """`ecs-svc/` and 19 digits, as modern deployment and task set ids look (observed)."""
        return f"ecs-svc/{self._random.randint(10**18, 2**63 - 1)}"

    def token(self, count: int) -> str:
        """`count` characters of [A-Za-z0-9_-]: the id of a service deployment (observed)."""
        alphabet = string.ascii_letters + string.digits + "_-"
        return "".join(self._random.choice(alphabet) for _ in range(count))
