"""POST a finished job's final state to its callback URL, retrying with backoff."""

from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request

ATTEMPTS = 5
FIRST_DELAY = 1.0
TIMEOUT = 5.0


def _post(url: str, body: bytes) -> int:
    req = urllib.request.Request(url, data=body, method="POST",
                                 headers={"Content-Type": "application/json", "User-Agent": "pelorus-engine"})
    with urllib.request.urlopen(req, timeout=TIMEOUT) as resp:  # noqa: S310 - URL scheme validated at create
        return int(resp.status)


async def deliver(url: str, payload: dict[str, object], attempts: int = ATTEMPTS,
                  first_delay: float = FIRST_DELAY) -> tuple[bool, str]:
    """Returns (delivered, a sentence for the job's event log)."""
    body = json.dumps(payload).encode()
    delay = first_delay
    last = ""
    for attempt in range(1, attempts + 1):
        try:
            code = await asyncio.to_thread(_post, url, body)
            if 200 <= code < 300:
                return True, f"callback POST {url} answered {code} (attempt {attempt})"
            last = f"answered {code}"
        except urllib.error.HTTPError as exc:
            last = f"answered {exc.code}"
        except (urllib.error.URLError, OSError, TimeoutError) as exc:
            last = f"failed: {getattr(exc, 'reason', exc)}"
        if attempt < attempts:
            await asyncio.sleep(delay)
            delay *= 2
    return False, f"callback POST {url} gave up after {attempts} attempts; last {last}"
