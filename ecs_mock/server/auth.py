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
_UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
_SIGNATURE_MISMATCH = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your AWS Secret Access Key and signing method. "
    "Consult the service documentation for details."
)


@dataclass(frozen=True)
class SignedRequest:
    method: str
    host: str
    path: str
    headers: Mapping[str, str]
    body: bytes


def missing_token() -> EcsError:
    return EcsError("MissingAuthenticationTokenException", "Missing Authentication Token")


def unrecognized_client() -> EcsError:
    return EcsError(
        "UnrecognizedClientException", "The security token included in the request is invalid."
    )


def invalid_signature() -> EcsError:
    return EcsError("InvalidSignatureException", _SIGNATURE_MISMATCH, status=403)


def verify(request: SignedRequest, secrets: Mapping[str, str]) -> None:
    """Raise the error AWS would send unless `request` is signed by a key in `secrets`."""
    authorization = header(request.headers, "Authorization")
    if not authorization:
        raise missing_token()
    match = _AUTHORIZATION.match(authorization.strip())
    if match is None:
        raise EcsError(
            "IncompleteSignatureException",
            f"Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' "
            f"parameters of AWS4-HMAC-SHA256. Authorization={authorization}",
        )
    secret = secrets.get(match["key"])
    if secret is None:
        raise unrecognized_client()
    amz_date = header(request.headers, "X-Amz-Date")
    if not amz_date:
        raise EcsError(
            "IncompleteSignatureException", "Authorization header requires existence of a date."
        )
    content_hash = header(request.headers, "X-Amz-Content-SHA256")
    if content_hash not in (None, _UNSIGNED_PAYLOAD) and not hmac.compare_digest(
        content_hash, hashlib.sha256(request.body).hexdigest()
    ):
        raise invalid_signature()
    expected = _signature(request, match, secret, amz_date)
    if not hmac.compare_digest(expected, match["signature"]):
        raise invalid_signature()


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
