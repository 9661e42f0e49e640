"""Bearer tokens with roles, checked by a server interceptor.

viewer reads and watches; operator also acts (create, replace, start, stop, restart,
pause, resume, abort, pod actions); admin also deletes. Health checks need no token.
Every refusal is logged with the method and the role (never the token).
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any, cast

import grpc
import yaml

from pelorus.engine import caller

log = logging.getLogger("pelorus.auth")

ROLES = ("viewer", "operator", "admin")
_RANK = {role: i for i, role in enumerate(ROLES)}
OPERATOR_METHODS = frozenset({
    "CreateJob", "ReplaceJob", "PatchJob", "RestartJob", "StartJob", "StopJob", "PauseJobWorkflow",
    "ResumeJobWorkflow", "AbortJobWorkflow", "StartPod", "StopPod", "RestartPod", "RefreshJob",
})
ADMIN_METHODS = frozenset({"DeleteJob"})
OPEN_PREFIXES = ("/grpc.health.v1.",)


def required_role(method: str) -> str:
    name = method.rsplit("/", 1)[-1]
    if name in ADMIN_METHODS:
        return "admin"
    if name in OPERATOR_METHODS:
        return "operator"
    return "viewer"


def load_tokens(path: Path) -> dict[str, str]:
    """A YAML file: `tokens: [{token: ..., role: viewer|operator|admin, name: ...}]` -> token: role."""
    return load_token_file(path)[0]


def load_token_file(path: Path) -> tuple[dict[str, str], dict[str, str]]:
    """The tokens file as (token: role, token: name); `name` is optional (who a change is
    attributed to, e.g. in a job's version history) and never needed to authenticate."""
    try:
        data = yaml.safe_load(path.read_text())
    except OSError as exc:
        raise SystemExit(f"cannot read tokens file {path}: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise SystemExit(f"tokens file {path} is not valid YAML: {exc}") from None
    entries = (data or {}).get("tokens") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries:
        raise SystemExit(f"tokens file {path} must contain `tokens:` with at least one entry")
    tokens: dict[str, str] = {}
    names: dict[str, str] = {}
    for i, entry in enumerate(entries):
        token, role = str(entry.get("token", "")), str(entry.get("role", ""))
        if len(token) < 16:
            raise SystemExit(f"tokens file {path}: entry {i} has a token shorter than 16 characters")
        if role not in _RANK:
            raise SystemExit(f"tokens file {path}: entry {i} has role {role!r}; use one of {', '.join(ROLES)}")
        tokens[token] = role
        if entry.get("name"):
            names[token] = str(entry["name"])[:256]
    return tokens, names


def bearer_token(header: str | bytes) -> str | None:
    """The token of an `authorization: Bearer <token>` header. The scheme name is
    case-insensitive (RFC 9110 section 11.1), so `bearer` and `BEARER` work too."""
    text = header.decode(errors="replace") if isinstance(header, bytes) else header
    scheme, _, rest = text.strip().partition(" ")
    token = rest.strip()
    return token if scheme.lower() == "bearer" and token else None


def _refusal(handler: grpc.RpcMethodHandler[Any, Any], code: grpc.StatusCode,
             message: str) -> grpc.RpcMethodHandler[Any, Any]:
    """A handler of the same shape as the real one that only aborts."""

    async def unary(request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
        await context.abort(code, message)

    async def stream(request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
        await context.abort(code, message)
        yield  # pragma: no cover - abort raises

    async def after_first_request(requests: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
        # Aborting a client-streaming call before reading anything races the client's first
        # write and sometimes reaches it as INTERNAL; take one request (or the end), then refuse.
        with contextlib.suppress(Exception):
            await asyncio.wait_for(anext(aiter(requests), None), timeout=1.0)
        await context.abort(code, message)
        yield  # pragma: no cover - abort raises

    async def after_first_request_unary(requests: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
        async for _ in after_first_request(requests, context):
            pass  # pragma: no cover - abort raises

    kw = {"request_deserializer": handler.request_deserializer, "response_serializer": handler.response_serializer}
    if handler.unary_unary:
        return grpc.unary_unary_rpc_method_handler(unary, **kw)
    if handler.unary_stream:
        return grpc.unary_stream_rpc_method_handler(stream, **kw)
    if handler.stream_unary:
        return grpc.stream_unary_rpc_method_handler(after_first_request_unary, **kw)
    return grpc.stream_stream_rpc_method_handler(after_first_request, **kw)


class TokenAuthInterceptor(grpc.aio.ServerInterceptor):
    """`tokens`: token -> role; `names`: token -> the name a call is attributed to (caller.py)."""

    def __init__(self, tokens: dict[str, str], names: dict[str, str] | None = None) -> None:
        self._tokens = tokens
        self._names = names or {}

    def _identify(self, header: str) -> tuple[str, str] | None:
        """(role, name) of the header's token; None for a missing or unknown token."""
        token = bearer_token(header)
        if token is None:
            return None
        given = token.encode()
        for token, role in self._tokens.items():
            if hmac.compare_digest(given, token.encode()):
                return role, self._names.get(token, "")
        return None

    def _role(self, header: str) -> str | None:
        found = self._identify(header)
        return None if found is None else found[0]

    async def intercept_service(
        self, continuation: Callable[[grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler[Any, Any] | None]],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler[Any, Any] | None:
        method = handler_call_details.method
        handler = await continuation(handler_call_details)
        if handler is None or method.startswith(OPEN_PREFIXES):
            return handler
        metadata = dict(handler_call_details.invocation_metadata or ())
        header = metadata.get("authorization", "")
        found = self._identify(header if isinstance(header, str) else header.decode())
        if found is None:
            log.warning("refused %s: %s bearer token", method, "missing" if not header else "unknown")
            return _refusal(handler, grpc.StatusCode.UNAUTHENTICATED,
                            "a valid bearer token is required (authorization: Bearer <token>)")
        role, name = found
        need = required_role(method)
        if _RANK[role] < _RANK[need]:
            log.warning("refused %s: role %s, needs %s", method, role, need)
            return _refusal(handler, grpc.StatusCode.PERMISSION_DENIED,
                            f"{method.rsplit('/', 1)[-1]} needs the {need} role; this token has {role}")
        return _announcing_role(handler, role, name)


ROLE_HEADER = "x-pelorus-role"


def _announcing_role(handler: grpc.RpcMethodHandler[Any, Any], role: str,
                     name: str = "") -> grpc.RpcMethodHandler[Any, Any]:
    """Send the caller's role as initial metadata, so a console can grey out what it may not do,
    and serve the call with the token's name as the caller (caller.py)."""
    header = ((ROLE_HEADER, role),)
    kw = {"request_deserializer": handler.request_deserializer, "response_serializer": handler.response_serializer}
    # Under grpc.aio the behaviours are coroutine / async-generator functions; types-grpcio types
    # RpcMethodHandler for the sync server only.
    if handler.unary_unary:
        behavior = cast("Callable[[Any, grpc.aio.ServicerContext[Any, Any]], Awaitable[Any]]", handler.unary_unary)

        async def unary(request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
            caller.CALLER.set(name)  # this call's own context: gone when it ends
            await context.send_initial_metadata(header)
            return await behavior(request, context)

        return grpc.unary_unary_rpc_method_handler(unary, **kw)
    if handler.unary_stream:
        stream_behavior = cast("Callable[[Any, grpc.aio.ServicerContext[Any, Any]], AsyncIterator[Any]]",
                               handler.unary_stream)

        async def stream(request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
            caller.CALLER.set(name)
            await context.send_initial_metadata(header)
            async for item in stream_behavior(request, context):
                yield item

        return grpc.unary_stream_rpc_method_handler(stream, **kw)
    return handler  # client-streaming calls (reflection) go through unchanged
