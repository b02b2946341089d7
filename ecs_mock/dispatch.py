"""One request path for both doors: decode, check, run on the backend, check, encode."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from . import _schema, clock
from .backend import Backend, lifecycle
from .backend.operations import OPERATIONS
from .controls import Call, Controls
from .errors import EcsError, server_error, shown
from .protocol import Reply, error_reply, new_request_id, operation_of, parse_body, reply

logger = logging.getLogger("ecs_mock")
DEFAULT_ACCOUNT_ID = "123456789012"
DEFAULT_REGION = "us-east-1"


class Dispatcher:
    def __init__(
        self,
        backend: Backend,
        account_id: str = DEFAULT_ACCOUNT_ID,
        access_keys: Mapping[str, str] | None = None,
        controls: Controls | None = None,
        raise_schema_errors: bool = True,
    ) -> None:
        self.backend = backend
        self.account_id = account_id
        self.access_keys = dict(access_keys or {})
        self.controls = controls or Controls()
        self.raise_schema_errors = raise_schema_errors

    def account_for(self, access_key: str | None) -> str:
        if access_key is None:
            return self.account_id
        return self.access_keys.get(access_key, self.account_id)

    def handle(
        self,
        target: str | None,
        body: bytes | str | None,
        region: str | None,
        access_key: str | None,
    ) -> Reply:
        request_id = new_request_id()
        try:
            return self._handle(target, body, region or DEFAULT_REGION, access_key, request_id)
        except EcsError as error:
            return error_reply(error, request_id)

    def _handle(
        self,
        target: str | None,
        body: bytes | str | None,
        region: str,
        access_key: str | None,
        request_id: str,
    ) -> Reply:
        operation = operation_of(target)
        params = parse_body(body)
        account_id = self.account_for(access_key)
        self.controls.record(Call(operation, params, region, account_id))
        injected = self.controls.take_injected(operation)
        if injected is not None:
            raise injected
        handler = OPERATIONS.get(operation)
        # An operation this botocore's model lacks cannot be validated or schema-checked, even
        # if ecs_mock implements it (a request from a newer SDK to the server, say).
        if handler is None or operation not in _schema.known_operations():
            raise unsupported(operation)
        violation = _schema.request_violation(operation, params)
        if violation is not None:
            raise EcsError("InvalidParameterException", violation)
        backend = self.backend
        with backend.lock:
            state = backend.region(account_id, region)
            try:
                lifecycle.tick(state, clock.now())
                result = handler(state, params)
                # Checked and encoded under the lock: a result may share lists with stored
                # state, which another thread could change while it is being read. (The GIL
                # serialises this work anyway, so holding the lock costs no throughput.)
                _schema.check_response(operation, result)
                answer = _encoded(operation, result, request_id)
            except EcsError:
                # Refused: the request changed nothing, but the lifecycle steps due before it
                # did happen, and are kept.
                backend.settle(state, accepted=False)
                raise
            except _schema.ResponseSchemaError as bug:
                backend.abandon()
                if self.raise_schema_errors:
                    raise
                raise server_error(str(bug)) from bug
            except Exception as bug:
                logger.exception("ecs_mock failed on %s", operation)
                backend.abandon()
                raise server_error(
                    f"ecs_mock internal error in {operation}: {shown(repr(bug), 500)}"
                ) from bug
            # Only now is the request accepted: committed (to the state file, on the server)
            # before the answer leaves; a commit that fails answers ServerException instead.
            backend.settle(state)
            return answer


def _encoded(operation: str, result: dict[str, Any], request_id: str) -> Reply:
    try:
        return reply(200, result, request_id)
    except ValueError as bug:  # NaN or infinity: the encoder refuses to emit them
        raise _schema.ResponseSchemaError(
            f"{operation} response is not JSON (a non-finite number): {bug}"
        ) from bug


def unsupported(operation: str) -> EcsError:
    known = _schema.known_operations()
    supported = ", ".join(sorted(set(OPERATIONS) & known))
    if operation in known:
        what = "an ECS operation ecs_mock does not implement"
    elif operation in OPERATIONS:
        import botocore

        what = (
            f"not in the ECS model of the installed botocore {botocore.__version__}; ecs_mock "
            "implements it, but checks every request and answer against that model: upgrade "
            "botocore to use it"
        )
    else:
        what = "not an ECS operation"
    return EcsError(
        "UnsupportedFeatureException",
        f"{shown(operation)} is {what}. Supported operations: {supported}.",
    )
