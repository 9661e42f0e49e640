"""Float32 values in their shortest round-trip form, and the reading menu's value previews."""

from __future__ import annotations

import math
import struct

from hypothesis import given
from hypothesis import strategies as st

from pelorus.protobuf.readings import readings
from pelorus.protobuf.schemaless import decode
from pelorus.protobuf.tree import FieldSpan
from pelorus.protobuf.valuetext import PREVIEW_CHARS, float32_text, reading_preview
from pelorus.protobuf.wire import FIXED32, SGROUP, VARINT


def as_f32(x: float) -> float:
    return float(struct.unpack("<f", struct.pack("<f", x))[0])


def test_float32_values_print_as_written() -> None:
    assert float32_text(as_f32(3.14)) == "3.14"
    assert float32_text(as_f32(0.1)) == "0.1"
    assert float32_text(1.0) == "1.0"
    assert float32_text(100.0) == "100.0"
    assert float32_text(-0.0) == "-0.0"
    assert float32_text(as_f32(1e-7)) == "1e-07"
    assert float32_text(as_f32(3.4028234663852886e38)) == "3.4028235e+38"
    assert float32_text(math.inf) == "inf" and float32_text(-math.inf) == "-inf"
    assert float32_text(math.nan) == "nan"


@given(st.floats(width=32, allow_nan=False, allow_infinity=False))
def test_float32_text_reads_back_to_the_same_bits_and_is_shortest(x: float) -> None:
    text = float32_text(x)
    assert struct.pack("<f", float(text)) == struct.pack("<f", x)
    digits = len(text.lstrip("-").split("e")[0].replace(".", "").lstrip("0").rstrip("0")) or 1
    if digits > 1:  # one digit fewer does not read back
        shorter = f"{x:.{digits - 1}g}"
        assert struct.pack("<f", float(shorter)) != struct.pack("<f", x)


def test_reading_preview_shows_what_each_reading_gives() -> None:
    msg = decode(b"\x08\x96\x01" + b"\x15" + struct.pack("<f", 3.14))
    by_kind = {r.kind: reading_preview(r) for r in readings(msg[0])}
    assert by_kind["uint64"] == "150" and by_kind["sint64"] == "75"
    floats = {r.kind: reading_preview(r) for r in readings(msg[1])}
    assert floats["float"] == "3.14" and floats["fixed32"] == str(struct.unpack("<I", struct.pack("<f", 3.14))[0])
    long_text = decode(b"\x0a\x64" + b"a" * 100)
    previews = [reading_preview(r) for r in readings(long_text[0])]
    assert all(len(p) <= PREVIEW_CHARS for p in previews) and any(p.endswith("…") for p in previews)


def test_a_span_names_its_own_parts_by_wire_type() -> None:
    assert FieldSpan(0, 1, 1, 3, 3, VARINT).describe(2) == "Field 2 · bytes 0…2 (3 bytes: tag 1, varint 2)"
    assert FieldSpan(0, 1, 1, 5, 5, FIXED32).describe(1) == "Field 1 · bytes 0…4 (5 bytes: tag 1, fixed32 4)"
    assert (FieldSpan(0, 1, 1, 4, 5, SGROUP).describe(3)
            == "Field 3 · bytes 0…4 (5 bytes: tag 1, fields 3, end tag 1)")
