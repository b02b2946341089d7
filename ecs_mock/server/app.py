"""What the HTTP door serves, without the HTTP: options, state, persistence, ECS and control calls.

ECS requests go through the same `Dispatcher.handle` as the in-process mock, so the two doors
cannot drift apart.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import clock, seed_state
from ..arns import Ids
from ..backend import Backend, Region, Timings, lifecycle
from ..backend.models import Cluster
from ..backend.service_wire import service_wire
from ..controls import Controls
from ..dispatch import DEFAULT_ACCOUNT_ID, DEFAULT_REGION, Dispatcher
from ..errors import server_error
from ..persistence import StateFile
from ..protocol import Reply
from ..testing import TestControls
from .auth import ECS_SIGNED_HEADERS, SignedRequest, Signer, signer, verify

logger = logging.getLogger("ecs_mock.server")
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 5150
MAX_BODY = 1024 * 1024
DEFAULT_MAX_CALLS = 10_000


@dataclass(frozen=True)
class Credential:
    secret: str
    account_id: str | None = None


@dataclass
class ServerOptions:
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    region: str = DEFAULT_REGION
    account_id: str = DEFAULT_ACCOUNT_ID
    seed: int | None = None
    empty: bool = False
    state_file: Path | None = None
    # access key id -> secret (and account); when any is set, every request must be signed.
    credentials: Mapping[str, Credential] = field(default_factory=dict)
    timings: Timings = field(default_factory=Timings)
    request_timeout: float | None = 10.0
    max_body: int = MAX_BODY
    max_calls: int = DEFAULT_MAX_CALLS  # requests kept for /_ecs_mock/calls; 0 keeps all
    verbose: bool = False
    # Host header names served besides loopback and `host` (the DNS-rebinding guard).
    allowed_hosts: tuple[str, ...] = ()


class _View(TestControls):
    """The setup shortcuts and steering controls, acting in one account and region."""

    def __init__(self, dispatcher: Dispatcher, account_id: str, region: str) -> None:
        self._dispatcher = dispatcher
        self.account_id = account_id
        self.region = region

    @property
    def dispatcher(self) -> Dispatcher:
        return self._dispatcher


class _Stopped:
    """The journal once the state file is closed: nothing more can be kept."""

    def commit(self, backend: Backend) -> None:
        self.restore(backend)
        raise server_error("ecs-mock is stopping; the request was not kept.")

    def restore(self, backend: Backend) -> None:
        backend.changes.clear()
        backend.cleared = False


def cluster_wire(
    region: Region, cluster: Cluster, include_tags: bool = True, newest: int | None = None
) -> dict[str, Any]:
    """A cluster in its wire shape with its container instances, tasks (every one, or the
    `newest` few, with `tasksNotShown` counting the rest) and services."""
    wire = cluster.to_wire(include_tags)
    wire["containerInstances"] = [
        instance.to_wire(include_tags) for instance in cluster.instances.values()
    ]
    if newest is None:
        wire["tasks"] = [task.to_wire() for task in cluster.tasks.values()]
    else:
        tasks = sorted(cluster.tasks.values(), key=lambda t: t.created_at, reverse=True)
        wire["tasks"] = [task.to_wire() for task in tasks[:newest]]
        wire["tasksNotShown"] = max(0, len(tasks) - newest)
    # Copied: the answer is encoded after the lock is released.
    wire["services"] = copy.deepcopy(
        [service_wire(region, s, include_tags) for s in cluster.services.values()]
    )
    return wire


class ServerApp:
    def __init__(self, options: ServerOptions) -> None:
        self.options = options
        self.backend = Backend(seed=options.seed, timings=options.timings)
        self.controls = Controls(max_calls=options.max_calls or None)
        account_of_key = {
            key: credential.account_id
            for key, credential in options.credentials.items()
            if credential.account_id is not None
        }
        self.secrets = {key: credential.secret for key, credential in options.credentials.items()}
        self.dispatcher = Dispatcher(
            self.backend, options.account_id, account_of_key, self.controls
        )
        self.state_file: StateFile | None = None
        self.loaded_from_file = False
        if options.state_file is not None:
            self.state_file = StateFile(options.state_file)
            try:
                self._start_from_file(self.state_file)
            except BaseException:
                self.state_file.close()
                raise
        elif not options.empty:
            self._seed()

    def _start_from_file(self, state_file: StateFile) -> None:
        if not state_file.is_new:
            state_file.load(self.backend)
            self.loaded_from_file = True
        self.backend.journal = state_file
        if state_file.is_new:
            with self.backend.batch():
                self.backend.cleared = True  # the first commit writes the whole state
                if not self.options.empty:
                    self._seed()

    def _seed(self) -> None:
        seed_state.seed(self.view())
        self.controls.clear()

    def view(self, account_id: str | None = None, region: str | None = None) -> TestControls:
        return _View(
            self.dispatcher, account_id or self.options.account_id, region or self.options.region
        )

    def close(self) -> None:
        """Release the state file (every accepted change is already in it). A request still
        running after this is answered ServerException rather than acknowledged unsaved."""
        with self.backend.lock:
            if self.state_file is not None:
                self.backend.journal = _Stopped()
                self.state_file.close()
                self.state_file = None

    # -- ECS --------------------------------------------------------------------------------

    def handle_ecs(self, request: SignedRequest) -> Reply:
        """Check the signature when required, then dispatch exactly as the in-process mock.

        The access key and region come from the one parse of the Authorization header that was
        checked (verified, when keys are configured), never from a second, looser reading."""
        signed: Signer | None = (
            verify(request, self.secrets, ECS_SIGNED_HEADERS) if self.secrets else signer(request)
        )
        target = request.headers_get("X-Amz-Target")
        key = signed.key if signed else None
        region = signed.region if signed else self.options.region
        return self.dispatcher.handle(target, request.body, region, key)

    # -- control surface --------------------------------------------------------------------

    def reset(self, empty: bool | None = None) -> None:
        """Forget everything; seed the default state again unless empty. One commit: on a
        failure to write the state file, nothing is forgotten."""
        with self.backend.batch():
            self.backend.replace(Ids(self.options.seed), [])
            if not (self.options.empty if empty is None else empty):
                seed_state.seed(self.view())
        self.controls.clear()

    def advance(
        self,
        state: str = "RUNNING",
        task: str | None = None,
        cluster: str = "default",
        account_id: str | None = None,
        region: str | None = None,
    ) -> None:
        self.view(account_id, region).advance(state, task, cluster)

    def ticked_regions(self) -> list[Region]:
        """Every account's regions, after the lifecycle steps due now; those steps are kept
        (written to the state file), as an API call's are. Hold `backend.lock` to read them."""
        with self.backend.lock:
            now = clock.now()
            regions = self.backend.regions()
            for region in regions:
                lifecycle.tick(region, now)
            self.backend.commit()
            return regions

    def read_regions(self, view: Callable[[Region], dict[str, Any]]) -> list[dict[str, Any]]:
        """`view` of every account and region (see `ticked_regions`), under the lock."""
        with self.backend.lock:
            return [view(region) for region in self.ticked_regions()]

    def snapshot(self) -> dict[str, Any]:
        """Every account and region, in the wire shapes the API returns."""

        def view(region: Region) -> dict[str, Any]:
            clusters = [cluster_wire(region, cluster) for cluster in region.clusters.values()]
            definitions = [
                definition.to_wire()
                for revisions in region.families.values()
                for definition in revisions
            ]
            return {
                "accountId": region.account_id,
                "region": region.region,
                "clusters": clusters,
                # Copied: the snapshot is encoded after the lock is released, and a stored task
                # definition body may be changed by a concurrent deregistration meanwhile.
                "taskDefinitions": copy.deepcopy(definitions),
                "capacityProviders": [
                    provider.to_wire() for provider in region.capacity_providers.values()
                ],
            }

        return {"regions": self.read_regions(view), "calls": self.controls.received}
