"""One request path for both doors: decode, check, run on the backend, check, encode."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from . import _schema, clock
from .backend import Backend, account_settings, lifecycle
from .backend.operations import OPERATIONS
from .controls import Call, Controls, Source
from .errors import EcsError, server_error, shown
from .options import DEFAULT_ACCOUNT_ID as DEFAULT_ACCOUNT_ID
from .options import DEFAULT_REGION as DEFAULT_REGION
from .protocol import Reply, error_reply, new_request_id, operation_of, parse_body, reply

logger = logging.getLogger("ecs_mock")
# The backend reads no botocore: it asks the model (lazily) what account settings it knows.
account_settings.model_facts = _schema.setting_facts


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
        *,
        source: Source = "client",
        account_id: str | None = None,
    ) -> Reply:
        """Answer one request. `account_id` (the setup shortcuts') overrides the account the
        access key maps to; `source` is what the call log records."""
        request_id = new_request_id()
        region = region or DEFAULT_REGION
        arrived = clock.now()
        try:
            operation = operation_of(target)
            params = parse_body(body)
        except EcsError as undecoded:  # nothing to log: no operation or no parameters
            return error_reply(undecoded, request_id)
        account = account_id or self.account_for(access_key)
        error: EcsError | None = None
        try:
            result = self._handle(operation, params, region, account, request_id)
        except EcsError as refused:
            error = refused
            result = error_reply(refused, request_id)
        except BaseException as bug:  # ResponseSchemaError, raised into the test: logged too
            error = EcsError(type(bug).__name__, str(bug), 500)
            result = error_reply(error, request_id)
            raise
        finally:
            self.controls.record(
                Call.received(
                    operation=operation,
                    params=params,
                    body=body,
                    region=region,
                    account_id=account,
                    source=source,
                    time=arrived,
                    status=result.status,
                    error=error,
                    response=result.body,
                )
            )
        return result

    def _handle(
        self,
        operation: str,
        params: dict[str, Any],
        region: str,
        account_id: str,
        request_id: str,
    ) -> Reply:
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
