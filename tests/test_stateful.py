"""A stateful hypothesis test: random sequences of registrations (and re-registrations), task
definitions, StartTask, RunTask (EC2 and Fargate), StopTask, drains, deregistrations, attribute
changes, container exits, forced lifecycle steps and clock moves (forwards and backwards), valid
or not, with the accounting invariants checked after every step:

* no instance is oversubscribed: remaining = registered - what its non-STOPPED tasks hold, for
  CPU, memory, ports (static host ports, as a list, so a port listed twice shows) and GPUs, and
  nothing remaining is negative;
* no host port is held twice: the network bindings of one instance's live tasks are distinct,
  and none is a port the instance reserves;
* running/pending counts of every instance and cluster equal a recomputation from DescribeTasks;
* every task's timestamps are in lifecycle order;
* every answer is a 200 that passed the response schema check (the mock raises otherwise) or a
  4xx error the operation's model lists.

The seed is fresh each run (printed in the pytest header as ``ecs_mock stateful seed``); rerun
with ``ECS_MOCK_STATEFUL_SEED=<seed>`` (and the same ``ECS_MOCK_FUZZ`` budget) to replay it.
A failure found this way is kept as a regular test (see the end of this file, and
``tests/fuzz_corpus/`` for single requests).

Adding an operation is one more ``@rule`` that calls ``self.call`` and passes what it started
to ``self.started`` (as ``run_task`` does); the invariants need no change.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections import Counter
from datetime import datetime, timedelta, timezone
from typing import Any

import time_machine
from budget import budget
from hypothesis import HealthCheck, seed, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    initialize,
    invariant,
    multiple,
    rule,
    run_state_machine_as_test,
)
from test_fuzz_strategies import allowed_error_codes

from ecs_mock import EcsMock, mock_ecs
from ecs_mock.errors import EcsError

SEED = int(os.environ.get("ECS_MOCK_STATEFUL_SEED", "0"))  # set per run in tests/conftest.py
EXAMPLES, STEPS = budget(150, 12), budget(60, 40)
STATEFUL_SETTINGS = settings(
    max_examples=EXAMPLES,
    stateful_step_count=STEPS,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
START = datetime(2024, 6, 1, 12, 0, tzinfo=timezone.utc)
CLUSTERS = ("default", "other")
PENDING_STATES = {"PROVISIONING", "PENDING", "ACTIVATING"}
TIME_ORDER = (
    "createdAt",
    "connectivityAt",
    "pullStartedAt",
    "pullStoppedAt",
    "startedAt",
    "stoppingAt",
    "executionStoppedAt",
    "stoppedAt",
)
STEPS_RUN = {"steps": 0, "requests": 0}  # reported by the test, for the README's figures
OUTCOMES: Counter[tuple[str, str]] = Counter()  # (operation, "200" or error code)
MESSAGES: dict[str, Counter[str]] = {}

# -- what the rules draw: mostly valid, about one value in ten not --------------------------


def mostly(valid: st.SearchStrategy[Any], invalid: st.SearchStrategy[Any], odds: int = 10) -> Any:
    """`invalid` once in `odds` draws, `valid` otherwise (st.one_of would pick each half the
    time, and a request with a few such values would almost never be valid)."""
    return st.sampled_from([False] * (odds - 1) + [True]).flatmap(
        lambda bad: invalid if bad else valid
    )


PORTS = ["22", "8080", "8081", "5353", "49200"]
PORT_LIST = mostly(
    st.lists(st.sampled_from(PORTS), max_size=3, unique=True),
    st.lists(st.sampled_from([*PORTS, "abc", "0", "²", "65536"]), min_size=1, max_size=3),
)
UDP_LIST = mostly(
    st.lists(st.sampled_from(["53", "5353"]), max_size=2, unique=True),
    st.lists(st.sampled_from(["53", "x", "53"]), min_size=2, max_size=2),
)
GPU_IDS = mostly(
    st.lists(st.sampled_from(["gpu-0", "gpu-1", "gpu-2"]), max_size=3, unique=True),
    st.just(["gpu-0", "gpu-0"]),
    odds=20,
)
SIZE = mostly(st.integers(min_value=0, max_value=4096), st.just(-1), odds=20)
# A definition holds up to three containers, each with several of these: rarer still.
GPU_VALUE = mostly(
    st.sampled_from([None, None, None, "1", "2"]), st.sampled_from(["0", "²"]), odds=30
)
TASK_SIZE = mostly(
    st.sampled_from([None, None, None, "256", "1 vCPU"]),
    st.sampled_from(["0", "abc", "9" * 11]),
    odds=20,
)
TASK_MEMORY = mostly(st.sampled_from([None, None, None, "256", "1 GB"]), st.just("0"), odds=20)
HOST_PORT = mostly(st.sampled_from([0, 0, 8080, 8081, 5353, 49200]), st.just(70000), odds=30)
MAPPING = st.fixed_dictionaries(
    {"containerPort": st.sampled_from([80, 443, 53, 8080])},
    optional={"hostPort": HOST_PORT, "protocol": st.sampled_from(["tcp", "udp"])},
)


@st.composite
def containers(draw: st.DrawFn, network: str) -> list[dict[str, Any]]:
    count = draw(st.integers(min_value=1, max_value=3))
    result = []
    for index in range(count):
        container: dict[str, Any] = {
            "name": f"c{index}",
            "image": "busybox",
            "essential": index == 0 or draw(st.booleans()),
            "cpu": draw(mostly(st.integers(min_value=0, max_value=1024), st.just(-64), odds=30)),
        }
        memory = draw(mostly(st.integers(min_value=8, max_value=256), st.just(-8), odds=30))
        reservation = draw(st.one_of(st.none(), st.integers(min_value=1, max_value=256)))
        if reservation is None or draw(st.booleans()):
            container["memory"] = max(memory, reservation or 0) if memory > 0 else memory
        if reservation is not None:
            container["memoryReservation"] = reservation
        mappings = draw(st.lists(MAPPING, max_size=2))
        if network != "bridge" and draw(mostly(st.just(True), st.just(False))):
            for mapping in mappings:  # host and awsvpc: the host port is the container port
                mapping.pop("hostPort", None)
        container["portMappings"] = mappings
        gpu = draw(GPU_VALUE)
        if gpu is not None:
            container["resourceRequirements"] = [{"type": "GPU", "value": gpu}]
        result.append(container)
    return result


@st.composite
def definition_request(draw: st.DrawFn) -> dict[str, Any]:
    network = draw(st.sampled_from(["bridge", "bridge", "host", "awsvpc"]))
    request: dict[str, Any] = {
        "family": draw(st.sampled_from(["a", "b", "c"])),
        "networkMode": network,
        "containerDefinitions": draw(containers(network)),
    }
    for key, size in (("cpu", TASK_SIZE), ("memory", TASK_MEMORY)):
        value = draw(size)
        if value is not None:
            request[key] = value
    return request


# -- the machine ------------------------------------------------------------------------------


class EcsMachine(RuleBasedStateMachine):
    """The mock driven through `call(...)` (the dispatcher both doors use)."""

    mock: EcsMock  # set by the test for the whole run; reset for every example

    instances = Bundle("instances")
    definitions = Bundle("definitions")
    tasks = Bundle("tasks")

    def __init__(self) -> None:
        super().__init__()
        self.mock.reset()
        self.traveller = time_machine.travel(START, tick=False)
        self.clock = self.traveller.start()
        self.now = START
        self.task_cluster: dict[str, str] = {}  # task ARN -> cluster, for every task started
        self.instance_cluster: dict[str, str] = {}
        self.bodies: dict[str, dict[str, Any]] = {}  # task definition ARN -> its body

    def teardown(self) -> None:
        self.traveller.stop()

    # -- calling the mock --------------------------------------------------------------------

    def call(self, operation: str, **params: Any) -> dict[str, Any] | None:
        """The answer, or None for a modeled 4xx error; anything else fails the test."""
        STEPS_RUN["requests"] += 1
        try:
            answer = self.mock.call(operation, **params)
        except EcsError as error:
            refused = error
        else:
            OUTCOMES[(operation, "200")] += 1
            return answer
        OUTCOMES[(operation, refused.code)] += 1
        MESSAGES.setdefault(operation, Counter())[refused.message[:90]] += 1
        assert refused.status == 400, (operation, refused.code, refused.message[:300])
        assert refused.code in allowed_error_codes(operation), (operation, refused.code)
        return None

    def started(self, cluster: str, answer: dict[str, Any] | None) -> list[str]:
        arns = [task["taskArn"] for task in (answer or {}).get("tasks", [])]
        for arn in arns:
            self.task_cluster[arn] = cluster
        return arns

    def describe_instance(self, arn: str) -> dict[str, Any] | None:
        """The instance, or None once it is forgotten (an hour after its deregistration)."""
        answer = self.mock.call(
            "DescribeContainerInstances",
            cluster=self.instance_cluster[arn],
            containerInstances=[arn],
        )
        if not answer["containerInstances"]:
            assert answer["failures"] == [{"arn": arn, "reason": "MISSING"}]
            return None
        found: dict[str, Any] = answer["containerInstances"][0]
        return found

    # -- rules ---------------------------------------------------------------------------------

    @initialize()
    def clusters(self) -> None:
        for name in CLUSTERS:
            self.mock.create_cluster(name)

    @rule(
        target=instances,
        cluster=st.sampled_from(CLUSTERS),
        cpu=SIZE,
        memory=SIZE,
        ports=st.one_of(st.none(), PORT_LIST),
        udp=st.one_of(st.none(), UDP_LIST),
        gpus=GPU_IDS,
    )
    def register(
        self,
        cluster: str,
        cpu: int,
        memory: int,
        ports: list[str] | None,
        udp: list[str] | None,
        gpus: list[str],
    ) -> Any:
        before = self.mock.call("ListContainerInstances", cluster=cluster)
        answer = self.call(
            "RegisterContainerInstance", cluster=cluster, **_totals(cpu, memory, ports, udp, gpus)
        )
        if answer is None:
            after = self.mock.call("ListContainerInstances", cluster=cluster)
            assert after == before  # a refused registration registers nothing
            return multiple()
        arn = answer["containerInstance"]["containerInstanceArn"]
        self.instance_cluster[arn] = cluster
        return arn

    @rule(
        instance=instances,
        cpu=SIZE,
        memory=SIZE,
        ports=st.one_of(st.none(), PORT_LIST),
        gpus=GPU_IDS,
    )
    def reregister(
        self, instance: str, cpu: int, memory: int, ports: list[str] | None, gpus: list[str]
    ) -> None:
        before = self.describe_instance(instance)
        answer = self.call(
            "RegisterContainerInstance",
            cluster=self.instance_cluster[instance],
            containerInstanceArn=instance,
            **_totals(cpu, memory, ports, None, gpus),
        )
        if before is None:  # forgotten: it cannot come back
            assert answer is None
        if answer is None:
            assert self.describe_instance(instance) == before  # refused: nothing changed

    @rule(target=definitions, request=definition_request())
    def register_definition(self, request: dict[str, Any]) -> Any:
        answer = self.call("RegisterTaskDefinition", **request)
        if answer is None:
            return multiple()
        definition = answer["taskDefinition"]
        self.bodies[definition["taskDefinitionArn"]] = definition
        return definition["taskDefinitionArn"]

    @rule(definition=consumes(definitions))
    def deregister_definition(self, definition: str) -> None:
        """Consumed: tasks of deregistered revisions are refused (tested elsewhere), and drawing
        them would leave few rules that start anything."""
        self.call("DeregisterTaskDefinition", taskDefinition=definition)

    START_TASK = {  # noqa: RUF012 - rule arguments, shared by two rules
        "target": tasks,
        "definition": definitions,
        "chosen": st.lists(instances, min_size=1, max_size=3),
        "mixed": mostly(st.just(False), st.just(True)),
        "overrides": st.one_of(
            st.none(),
            st.fixed_dictionaries(
                {"cpu": st.integers(min_value=-8, max_value=2048)},
                optional={"memory": st.integers(min_value=1, max_value=2048)},
            ),
        ),
    }

    @rule(**START_TASK)
    def start_task(
        self, definition: str, chosen: list[str], mixed: bool, overrides: dict[str, Any] | None
    ) -> Any:
        cluster = self.instance_cluster[chosen[0]]
        if not mixed:  # instances of another cluster are refused; mostly, name only this one's
            chosen = [arn for arn in chosen if self.instance_cluster[arn] == cluster]
        params: dict[str, Any] = {}
        if self.bodies[definition]["networkMode"] == "awsvpc":
            params["networkConfiguration"] = {"awsvpcConfiguration": {"subnets": ["subnet-1"]}}
        if overrides is not None:
            first = self.bodies[definition]["containerDefinitions"][0]["name"]
            params["overrides"] = {"containerOverrides": [{"name": first, **overrides}]}
        answer = self.call(
            "StartTask",
            cluster=cluster,
            taskDefinition=definition,
            containerInstances=chosen,
            **params,
        )
        return multiple(*self.started(cluster, answer))

    @rule(**START_TASK)
    def start_more(
        self, definition: str, chosen: list[str], mixed: bool, overrides: dict[str, Any] | None
    ) -> Any:
        """StartTask again: rules are drawn evenly, and tasks are what the invariants are about."""
        return self.start_task(definition, chosen, mixed, overrides)

    @rule(
        target=tasks,
        definition=definitions,
        near=instances,
        count=st.integers(min_value=1, max_value=4),
        fargate=st.booleans(),
        strategy=st.sampled_from(
            [
                [],
                [{"type": "binpack", "field": "memory"}],
                [{"type": "spread", "field": "instanceId"}],
            ]
        ),
        distinct=st.booleans(),
    )
    def run_task(
        self,
        definition: str,
        near: str,
        count: int,
        fargate: bool,
        strategy: list[dict[str, str]],
        distinct: bool,
    ) -> Any:
        cluster = self.instance_cluster[near]  # a cluster with instances, mostly
        params: dict[str, Any] = {}
        body = self.bodies[definition]
        if body["networkMode"] == "awsvpc":
            params["networkConfiguration"] = {"awsvpcConfiguration": {"subnets": ["subnet-1"]}}
        launch_type = "FARGATE" if fargate and "FARGATE" in body["compatibilities"] else "EC2"
        if launch_type == "EC2":
            params["placementStrategy"] = strategy
            if distinct:
                params["placementConstraints"] = [{"type": "distinctInstance"}]
        answer = self.call(
            "RunTask",
            cluster=cluster,
            taskDefinition=definition,
            count=count,
            launchType=launch_type,
            **params,
        )
        return multiple(*self.started(cluster, answer))

    @rule(task=tasks)
    def stop_task(self, task: str) -> None:
        self.call("StopTask", cluster=self.task_cluster[task], task=task)

    @rule(task=tasks, container=st.sampled_from(["c0", "c1", "c2"]), code=st.integers(0, 255))
    def exit_container(self, task: str, container: str, code: int) -> None:
        # ValueError: that task has no such container, or it expired an hour after stopping.
        with contextlib.suppress(ValueError):
            self.mock.exit_container(task, container, exit_code=code)

    @rule(task=tasks, state=st.sampled_from(["RUNNING", "STOPPING", "STOPPED"]))
    def advance(self, task: str, state: str) -> None:
        with contextlib.suppress(ValueError):  # expired an hour after stopping
            self.mock.advance(state, task=task)

    @rule(instance=instances, status=st.sampled_from(["ACTIVE", "DRAINING"]))
    def update_state(self, instance: str, status: str) -> None:
        self.call(
            "UpdateContainerInstancesState",
            cluster=self.instance_cluster[instance],
            containerInstances=[instance],
            status=status,
        )

    @rule(instance=instances, force=mostly(st.just(False), st.just(True), odds=3))
    def deregister_instance(self, instance: str, force: bool) -> None:
        self.call(
            "DeregisterContainerInstance",
            cluster=self.instance_cluster[instance],
            containerInstance=instance,
            force=force,
        )

    @rule(
        instance=instances,
        name=mostly(st.sampled_from(["rack", "zone", "ecs.os-type"]), st.just("bad name")),
        value=st.sampled_from([None, "r1", "r2"]),
    )
    def put_attributes(self, instance: str, name: str, value: str | None) -> None:
        attribute = {"name": name, "targetId": instance}
        if value is not None:
            attribute["value"] = value
        self.call("PutAttributes", cluster=self.instance_cluster[instance], attributes=[attribute])

    @rule(seconds=st.sampled_from([-7200, -60, -1, 0, 1, 2, 5, 30, 3601]))
    def move_clock(self, seconds: int) -> None:
        """Forwards or backwards: a task's timestamps must still never go backwards."""
        self.now += timedelta(seconds=seconds)
        self.clock.move_to(self.now)

    # -- invariants ----------------------------------------------------------------------------

    @invariant()
    def accounting_holds(self) -> None:
        """Checked after every step (and so it also counts the steps)."""
        STEPS_RUN["steps"] += 1
        tasks = self._described_tasks()
        for cluster in CLUSTERS:
            mine = [t for t in tasks if self.task_cluster[t["taskArn"]] == cluster]
            self._check_cluster(cluster, mine)
            known = [a for a, c in self.instance_cluster.items() if c == cluster]
            if not known:
                continue
            described = self.mock.call(
                "DescribeContainerInstances", cluster=cluster, containerInstances=known[:100]
            )
            for instance in described["containerInstances"]:
                self._check_instance(instance, mine)

    def _described_tasks(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for cluster in CLUSTERS:
            arns = [a for a, c in self.task_cluster.items() if c == cluster]
            for at in range(0, len(arns), 100):
                answer = self.mock.call("DescribeTasks", cluster=cluster, tasks=arns[at : at + 100])
                found += answer["tasks"]
                for failure in answer["failures"]:  # expired an hour after stopping
                    assert failure["reason"] == "MISSING"
        for task in found:
            stamps = [task[key] for key in TIME_ORDER if key in task]
            assert stamps == sorted(stamps), {k: task.get(k) for k in TIME_ORDER}
        return found

    def _check_cluster(self, cluster: str, tasks: list[dict[str, Any]]) -> None:
        (wire,) = self.mock.call("DescribeClusters", clusters=[cluster])["clusters"]
        assert wire["runningTasksCount"] == sum(t["lastStatus"] == "RUNNING" for t in tasks)
        assert wire["pendingTasksCount"] == sum(t["lastStatus"] in PENDING_STATES for t in tasks)

    def _check_instance(self, instance: dict[str, Any], tasks: list[dict[str, Any]]) -> None:
        registered = _resources(instance["registeredResources"])
        remaining = _resources(instance["remainingResources"])
        if instance["status"] == "INACTIVE":  # forced off: its tasks are orphaned
            assert remaining == registered
            assert instance["runningTasksCount"] == instance["pendingTasksCount"] == 0
            return
        live = [
            t
            for t in tasks
            if t.get("containerInstanceArn") == instance["containerInstanceArn"]
            and t["lastStatus"] != "STOPPED"
        ]
        cpu = memory = 0
        static: dict[str, list[str]] = {"tcp": [], "udp": []}
        gpus: list[str] = []
        bindings: list[tuple[int, str]] = []
        for task in live:
            task_cpu, task_memory, ports = self._holding(task)
            cpu += task_cpu
            memory += task_memory
            for port, protocol in ports:
                static[protocol].append(str(port))
            for container in task["containers"]:
                gpus += container.get("gpuIds", [])
                bindings += [
                    (b["hostPort"], b["protocol"]) for b in container.get("networkBindings", [])
                ]
        assert remaining["CPU"] == registered["CPU"] - cpu >= 0, instance
        assert remaining["MEMORY"] == registered["MEMORY"] - memory >= 0, instance
        assert sorted(remaining["PORTS"]) == sorted(registered["PORTS"] + static["tcp"])
        assert sorted(remaining["PORTS_UDP"]) == sorted(registered["PORTS_UDP"] + static["udp"])
        assert len(set(remaining["PORTS"])) == len(remaining["PORTS"])
        assert len(set(remaining["PORTS_UDP"])) == len(remaining["PORTS_UDP"])
        assert len(set(gpus)) == len(gpus)
        assert sorted(remaining.get("GPU", []) + gpus) == sorted(registered.get("GPU", []))
        # No host port is held twice, and none is one the instance reserves.
        assert len(set(bindings)) == len(bindings), bindings
        reserved = {(int(p), "tcp") for p in registered["PORTS"]}
        reserved |= {(int(p), "udp") for p in registered["PORTS_UDP"]}
        assert not reserved & set(bindings)
        assert instance["runningTasksCount"] == sum(t["lastStatus"] == "RUNNING" for t in live)
        assert instance["pendingTasksCount"] == sum(t["lastStatus"] in PENDING_STATES for t in live)

    def _holding(self, task: dict[str, Any]) -> tuple[int, int, list[tuple[int, str]]]:
        """What a task holds, recomputed from its description and its definition."""
        containers = task["containers"]
        cpu = int(task["cpu"]) if "cpu" in task else sum(int(c["cpu"]) for c in containers)
        if "memory" in task:
            memory = int(task["memory"])
        else:
            memory = sum(
                int(c.get("memoryReservation") or c.get("memory") or 0) for c in containers
            )
        body = self.bodies[task["taskDefinitionArn"]]
        ports = []
        for container in body["containerDefinitions"]:
            for mapping in container["portMappings"]:
                port = mapping.get("hostPort") or 0
                if body["networkMode"] == "host":
                    port = mapping.get("containerPort") or 0
                if port and body["networkMode"] != "awsvpc":
                    ports.append((port, mapping.get("protocol", "tcp")))
        return cpu, memory, sorted(set(ports))


def _totals(
    cpu: int, memory: int, ports: list[str] | None, udp: list[str] | None, gpus: list[str]
) -> dict[str, Any]:
    resources: list[dict[str, Any]] = [
        {"name": "CPU", "type": "INTEGER", "integerValue": cpu},
        {"name": "MEMORY", "type": "INTEGER", "integerValue": memory},
    ]
    for name, values in (("PORTS", ports), ("PORTS_UDP", udp)):
        if values is not None:
            resources.append({"name": name, "type": "STRINGSET", "stringSetValue": values})
    return {
        "totalResources": resources,
        "platformDevices": [{"id": gpu, "type": "GPU"} for gpu in gpus],
        "instanceIdentityDocument": json.dumps({"instanceType": "c5.large"}),
    }


def _resources(resources: list[dict[str, Any]]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for resource in resources:
        if resource["type"] == "STRINGSET":
            values[resource["name"]] = list(resource["stringSetValue"])
        else:
            values[resource["name"]] = resource["integerValue"]
    return values


def test_accounting_holds_over_random_sequences() -> None:
    machine = seed(SEED)(type("SeededEcsMachine", (EcsMachine,), {}))
    print(f"ecs_mock stateful seed {SEED}: replay with ECS_MOCK_STATEFUL_SEED={SEED}")
    with mock_ecs(
        seed=SEED,
        provisioning_seconds=1,
        pending_seconds=2,
        stopping_seconds=2,
        deprovisioning_seconds=1,
    ) as mock:
        EcsMachine.mock = mock
        run_state_machine_as_test(machine, settings=STATEFUL_SETTINGS)
    print(f"{STEPS_RUN['steps']} steps, {STEPS_RUN['requests']} requests")
    for op, msgs in MESSAGES.items():
        print(op, msgs.most_common(6))
    for (operation, outcome), times in sorted(OUTCOMES.items()):
        print(f"  {operation:32} {outcome:32} {times}")
    assert STEPS_RUN["steps"] > EXAMPLES  # the machine really ran
