"""Golden tests: what `proto decode` prints (raw, JSON, typed text and JSON) and the ranked readings
of every field stay exactly as captured before the decoder was made fast (tests/protobuf/golden_cases.py)."""

from __future__ import annotations

import difflib
from typing import Any

import golden_cases as g
import pytest

from pelorus.protobuf import fastrender, render

GOLDEN = g.load()
CASES = g.cases()


def _text(kept: Any) -> str:
    if isinstance(kept, dict) and "head" in kept:
        return str(kept["head"])
    return kept if isinstance(kept, str) else g.json.dumps(kept, ensure_ascii=False, indent=0, sort_keys=True)


def _same(name: str, key: str, want: Any, got: Any) -> None:
    """``want`` and ``got`` in the golden file's form (:func:`golden_cases.kept`)."""
    if got == want:
        return
    diff = "\n".join(list(difflib.unified_diff(_text(want).splitlines(), _text(got).splitlines(), "golden", "now",
                                               lineterm=""))[:40])
    pytest.fail(f"{name}: {key} differs from the golden capture\n{diff or '(beyond the head: the digest differs)'}")


def test_the_corpus_is_the_captured_one() -> None:
    assert sorted(GOLDEN) == sorted(CASES)
    for name, (data, _typed) in CASES.items():
        assert g.hashlib.sha256(data).hexdigest() == GOLDEN[name]["sha256"], f"{name}: the generator changed"


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["default", "pure", "batched", "reference"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_decode_output_and_readings_are_unchanged(name: str, mode: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each case as the CLI decodes it by default (the C raw-text renderer when it is built), in pure Python
    (PELORUS_PROTOBUF_PURE=1), with the batch renderer on every level in batches of a few hundred bytes,
    and with the reference renderer alone (the fallback) — all four as captured."""
    if mode != "default":
        monkeypatch.setenv(render.PURE_ENV, "1")
    if mode == "batched":
        monkeypatch.setattr(fastrender, "FAST_FROM_FIELDS", 0)
        monkeypatch.setattr(fastrender, "BATCH_BYTES", 300)
    elif mode == "reference":
        monkeypatch.setattr(fastrender, "FAST_FROM_FIELDS", 1 << 62)
    data, typed = CASES[name]
    got = g.outputs(name, data, typed)
    want = GOLDEN[name]
    assert sorted(got) == sorted(want)
    _same(name, "readings", want["readings"], got["readings"])
    for key in sorted(k for k in want if k not in ("sha256", "readings")):
        assert got[key]["rc"] == want[key]["rc"], f"{name} {key}: exit code"
        assert got[key]["stderr"] == want[key]["stderr"], f"{name} {key}: stderr"
        _same(name, key, want[key]["stdout"], got[key]["stdout"])
