"""Who is calling: the name of the bearer token behind the request being served.

The auth interceptor sets it for the duration of each call (auth.py); the engine reads it when it
records a change people later ask "who did this?" about (a job's spec versions: ListJobVersions).
It is a ContextVar, so it follows the request's own task and never leaks into another request or
into what the engine does on its own (a rollback, a scheduled run): there it is empty.
"""

from __future__ import annotations

from contextvars import ContextVar

CALLER: ContextVar[str] = ContextVar("pelorus_caller", default="")


def current() -> str:
    """The calling token's name; empty without tokens, for a token without a name, or off a request."""
    return CALLER.get()
