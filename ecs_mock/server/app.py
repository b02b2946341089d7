"""What the HTTP door serves, without the HTTP: options, state, persistence, ECS and control calls.

ECS requests go through the same `Dispatcher.handle` as the in-process mock, so the two doors
cannot drift apart.
"""

from __future__ import annotations

import copy
import logging
import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import clock, persistence, seed_state
from ..backend import Backend, Timings, lifecycle
from ..backend.service_wire import service_wire
from ..controls import Controls
from ..dispatch import DEFAULT_ACCOUNT_ID, DEFAULT_REGION, Dispatcher
from ..protocol import Reply, header, signer_of
from ..testing import TestControls
from .auth import SignedRequest, verify

logger = logging.getLogger("ecs_mock.server")
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 5150
MAX_BODY = 1024 * 1024
DEFAULT_MAX_CALLS = 10_000
# Operations that only read: no state-file write after them (the lifecycle they tick is
# re-derived from the clock after a restart anyway).
_READ_PREFIXES = ("Describe", "List")


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


class _View(TestControls):
    """The setup shortcuts and steering controls, acting in one account and region."""

    def __init__(self, dispatcher: Dispatcher, account_id: str, region: str) -> None:
        self._dispatcher = dispatcher
        self.account_id = account_id
        self.region = region

    @property
    def dispatcher(self) -> Dispatcher:
        return self._dispatcher


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
        self.dispatcher = Dispatcher(
            self.backend, options.account_id, account_of_key, self.controls
        )
        self._save_lock = threading.Lock()
        self._generation = 0
        self._saved_generation = 0
        loaded = False
        if options.state_file is not None:
            loaded = persistence.load(options.state_file, self.backend)
        if not loaded and not options.empty:
            seed_state.seed(self.view())
            self.controls.clear()
        self.loaded_from_file = loaded
        self.save()

    def view(self, account_id: str | None = None, region: str | None = None) -> TestControls:
        return _View(
            self.dispatcher, account_id or self.options.account_id, region or self.options.region
        )

    # -- ECS --------------------------------------------------------------------------------

    def handle_ecs(self, request: SignedRequest) -> Reply:
        """Check the signature when required, then dispatch exactly as the in-process mock."""
        if self.options.credentials:
            secrets = {key: c.secret for key, c in self.options.credentials.items()}
            verify(request, secrets)
        access_key, region = signer_of(header(request.headers, "Authorization"))
        target = header(request.headers, "X-Amz-Target")
        result = self.dispatcher.handle(
            target, request.body, region or self.options.region, access_key
        )
        operation = (target or "").rpartition(".")[2]
        if result.status == 200 and not operation.startswith(_READ_PREFIXES):
            self.changed()
        return result

    # -- control surface --------------------------------------------------------------------

    def reset(self, empty: bool | None = None) -> None:
        """Forget everything; seed the default state again unless empty."""
        with self.backend.lock:
            fresh = Backend(seed=self.options.seed, timings=self.options.timings)
            vars(self.backend).update({k: v for k, v in vars(fresh).items() if k != "lock"})
            self.controls.clear()
            if not (self.options.empty if empty is None else empty):
                seed_state.seed(self.view())
                self.controls.clear()
        self.changed()

    def advance(
        self,
        state: str = "RUNNING",
        task: str | None = None,
        cluster: str = "default",
        account_id: str | None = None,
        region: str | None = None,
    ) -> None:
        self.view(account_id, region).advance(state, task, cluster)
        self.changed()

    def snapshot(self) -> dict[str, Any]:
        """Every account and region, in the wire shapes the API returns."""
        regions: list[dict[str, Any]] = []
        with self.backend.lock:
            now = clock.now()
            for region in self.backend.regions():
                lifecycle.tick(region, now)
                clusters = []
                for cluster in region.clusters.values():
                    wire = cluster.to_wire()
                    wire["containerInstances"] = [
                        instance.to_wire() for instance in cluster.instances.values()
                    ]
                    wire["tasks"] = [task.to_wire() for task in cluster.tasks.values()]
                    # Copied for the reason given below: encoded after the lock is released.
                    wire["services"] = copy.deepcopy(
                        [service_wire(region, s, True) for s in cluster.services.values()]
                    )
                    clusters.append(wire)
                definitions = [
                    definition.to_wire()
                    for revisions in region.families.values()
                    for definition in revisions
                ]
                # Copied: the snapshot is encoded after the lock is released, and a stored
                # task definition body may be changed by a concurrent deregistration meanwhile.
                definitions = copy.deepcopy(definitions)
                regions.append(
                    {
                        "accountId": region.account_id,
                        "region": region.region,
                        "clusters": clusters,
                        "taskDefinitions": definitions,
                        "capacityProviders": [
                            provider.to_wire() for provider in region.capacity_providers.values()
                        ],
                    }
                )
        return {"regions": regions, "calls": self.controls.received}

    # -- persistence ------------------------------------------------------------------------

    def changed(self) -> None:
        """Note a change and write the state file (when there is one)."""
        if self.options.state_file is None:
            return
        with self.backend.lock:
            self._generation += 1
        self.save()

    def save(self) -> None:
        """Write the state file if anything changed since the last write. A failed write is
        reported, never raised into a client's request."""
        path = self.options.state_file
        if path is None:
            return
        with self._save_lock:
            with self.backend.lock:
                generation = self._generation
                if generation == self._saved_generation and path.exists():
                    return
                data = persistence.dumps(self.backend)
            try:
                persistence.save(path, data)
            except OSError as error:
                print(f"ecs-mock: cannot write state file {path}: {error}", file=sys.stderr)
                return
            self._saved_generation = generation
