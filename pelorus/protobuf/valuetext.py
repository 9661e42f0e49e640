"""Short display texts for the editor: float32 values in their shortest round-trip form and a
one-line preview of what each schemaless reading would show.

A float32 widened to a Python float prints as ``3.140000104904175``: true to the double, but not
what anyone wrote. protoc and protobuf's text_format print the shortest decimal that reads back to
the same 32-bit value (``3.14``), and so does the editor.
"""

from __future__ import annotations

import json
import math
import struct
from typing import Final

from pelorus.protobuf.readings import Reading
from pelorus.protobuf.schemaless import Message

_F32: Final = struct.Struct("<f")
FLOAT32_KINDS: Final = frozenset(("float", "packed_float"))
PREVIEW_CHARS: Final = 40
"""Characters of a reading's value shown in the reading menu before an ellipsis."""


def float32_text(x: float) -> str:
    """The shortest decimal text that reads back to the same float32 as ``x``."""
    if not math.isfinite(x):
        return "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")
    want = _F32.pack(x)
    for digits in range(1, 10):  # 9 significant digits always round-trip a float32
        text = f"{x:.{digits}g}"
        try:
            same = _F32.pack(float(text)) == want
        except OverflowError:  # rounded past the largest float32 (3.4e38 for 3.4025e38)
            continue
        if same:
            return _plain(text)
    return repr(x)


def _plain(text: str) -> str:
    """``1e+02`` → ``100.0``; other forms as Python's repr would write them (``1e-07``, ``0.5``)."""
    value = float(text)
    if "e" in text and 1e-4 <= abs(value) < 1e16:
        return repr(value)
    if "e" not in text and "." not in text:
        return text + ".0"
    return text


def show_reading(r: Reading) -> str:
    """A reading's value as the tree's value column shows it (float32 kinds shortest)."""
    value = r.value
    if r.kind == "float" and isinstance(value, float):
        return float32_text(value)
    if r.kind == "packed_float" and isinstance(value, list):
        shown = ", ".join(float32_text(float(v)) for v in value[:32])
        return f"[{shown}, … ({len(value)} values)]" if len(value) > 32 else f"[{shown}]"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bytes):
        return "0x" + value.hex() if len(value) <= 64 else f"0x{value[:64].hex()}… ({len(value)} bytes)"
    if isinstance(value, list) and len(value) > 32:
        return f"[{', '.join(map(str, value[:32]))}, … ({len(value)} values)]"
    return str(value)


def reading_preview(r: Reading) -> str:
    """What choosing reading ``r`` would show, cut to PREVIEW_CHARS: the reading menu's value."""
    if r.kind in ("message", "group"):
        n = len(r.value) if isinstance(r.value, Message) else 0
        return f"{{{n} field{'s' if n != 1 else ''}}}"
    text = show_reading(r)
    return text if len(text) <= PREVIEW_CHARS else text[: PREVIEW_CHARS - 1] + "…"
