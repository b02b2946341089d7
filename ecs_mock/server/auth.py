"""SigV4 checking for `--access-key`: botocore recomputes the signature; the clock is not read.

Clients under freezegun or time-machine sign with frozen dates, so the request's own
`X-Amz-Date` is taken as the signing time and never compared with ours.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest, HTTPHeaders
from botocore.credentials import Credentials

from ..errors import EcsError
from ..protocol import header

_AUTHORIZATION = re.compile(
    r"^AWS4-HMAC-SHA256\s+Credential=(?P<key>[^/,\s]+)/(?P<date>\d{8})/(?P<region>[^/,\s]+)/"
    r"(?P<service>[^/,\s]+)/aws4_request\s*,\s*SignedHeaders=(?P<headers>[^,\s]+)\s*,\s*"
    r"Signature=(?P<signature>[0-9a-f]{64})\s*$"
)
# Mock decision: a valid region is a region name as AWS forms them (us-east-1, eu-central-2,
# us-gov-west-1, cn-north-1, us-isob-east-1), lower case only: it is part of every ARN the
# request can create. AWS refuses others ("Credential should be scoped to a valid region").
_REGION = re.compile(r"[a-z]{2}(?:-[a-z]+)+-\d{1,2}\Z")
SERVICE = "ecs"  # ECS's signing name
# What an ECS request must sign. Host: as AWS requires. Mock decision: X-Amz-Target too; it
# names the operation, so a signature that does not cover it could be replayed as another one.
ECS_SIGNED_HEADERS = ("host", "x-amz-target")
CONTROL_SIGNED_HEADERS = ("host",)
_SIGNATURE_MISMATCH = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your AWS Secret Access Key and signing method. "
    "Consult the service documentation for details."
)
_MUST_SIGN = {
    "host": "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
    "x-amz-target": "'X-Amz-Target' must be a 'SignedHeader' in the AWS Authorization.",
}


@dataclass(frozen=True)
class SignedRequest:
    method: str
    host: str
    path: str
    headers: Mapping[str, str]
    body: bytes
    client: str = ""  # the peer's address, for the log

    def headers_get(self, name: str) -> str | None:
        return header(self.headers, name)


@dataclass(frozen=True)
class Signer:
    """Who signed a request and for what, from one parse of its Authorization header."""

    key: str
    region: str
    service: str
    signed_headers: tuple[str, ...]


def missing_token() -> EcsError:
    return EcsError("MissingAuthenticationTokenException", "Missing Authentication Token")


def unrecognized_client() -> EcsError:
    return EcsError(
        "UnrecognizedClientException", "The security token included in the request is invalid."
    )


def invalid_signature(message: str = _SIGNATURE_MISMATCH) -> EcsError:
    return EcsError("InvalidSignatureException", message, status=403)


def _parse(authorization: str) -> re.Match[str] | None:
    return _AUTHORIZATION.match(authorization.strip())


def _check_scope(match: re.Match[str], required: tuple[str, ...]) -> Signer:
    """The credential scope must be ECS's, in a real region's name, and cover `required`."""
    if match["service"] != SERVICE:
        # Observed AWS wording (403 InvalidSignatureException).
        raise invalid_signature(f"Credential should be scoped to correct service: '{SERVICE}'. ")
    if not _REGION.match(match["region"]):
        raise invalid_signature(
            f"Credential should be scoped to a valid region, not '{match['region']}'. "
        )
    signed = tuple(name.lower() for name in match["headers"].split(";"))
    for name in required:
        if name not in signed:
            raise EcsError("IncompleteSignatureException", _MUST_SIGN[name])
    return Signer(match["key"], match["region"], match["service"], signed)


def signer(request: SignedRequest) -> Signer | None:
    """Without `--access-key`: who a SigV4-signed request says signed it (nothing is verified,
    but the scope must still be ECS's and name a real region); None when it is not signed."""
    authorization = request.headers_get("Authorization")
    match = _parse(authorization) if authorization else None
    return _check_scope(match, ()) if match is not None else None


def verify(request: SignedRequest, secrets: Mapping[str, str], required: tuple[str, ...]) -> Signer:
    """Raise the error AWS would send unless `request` is signed by a key in `secrets`; return
    the signer as verified."""
    authorization = request.headers_get("Authorization")
    if not authorization:
        raise missing_token()
    match = _parse(authorization)
    if match is None:
        raise EcsError(
            "IncompleteSignatureException",
            f"Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' "
            f"parameters of AWS4-HMAC-SHA256. Authorization={authorization}",
        )
    found = _check_scope(match, required)
    secret = secrets.get(found.key)
    if secret is None:
        raise unrecognized_client()
    amz_date = request.headers_get("X-Amz-Date")
    if not amz_date:
        raise EcsError(
            "IncompleteSignatureException", "Authorization header requires existence of a date."
        )
    content_hash = request.headers_get("X-Amz-Content-SHA256")
    # Mock decision: AWS JSON services hash the payload themselves, so a signature made over
    # UNSIGNED-PAYLOAD cannot match and a body swapped under it is caught: InvalidSignature.
    if content_hash is not None and not hmac.compare_digest(
        content_hash, hashlib.sha256(request.body).hexdigest()
    ):
        raise invalid_signature()
    expected = _signature(request, match, secret, amz_date)
    if not hmac.compare_digest(expected, match["signature"]):
        raise invalid_signature()
    return found


def _signature(request: SignedRequest, match: re.Match[str], secret: str, amz_date: str) -> str:
    signed = match["headers"].split(";")
    headers = {name: header(request.headers, name) or "" for name in signed}
    aws_request = AWSRequest(
        method=request.method,
        url=f"http://{request.host}{request.path}",
        headers=headers,
        data=request.body,
    )
    aws_request.context["timestamp"] = amz_date
    signer = _Recompute(Credentials(match["key"], secret), match["service"], match["region"])
    signer.signed = signed
    canonical = signer.canonical_request(aws_request)
    string_to_sign = signer.string_to_sign(aws_request, canonical)
    return str(signer.signature(string_to_sign, aws_request))


class _Recompute(SigV4Auth):
    """Signs exactly the headers the client listed, even ones botocore would leave out."""

    signed: list[str]

    def headers_to_sign(self, request: AWSRequest) -> HTTPHeaders:
        chosen = HTTPHeaders()
        for name in self.signed:
            chosen[name] = request.headers.get(name, "")
        return chosen
