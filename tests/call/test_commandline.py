""""Copy as main.py call" / "Copy as grpcurl" and the Call panel's history (no Qt needed)."""

from __future__ import annotations

import json
import shlex

from callhelp import Tides, call

from console.models.call_history import MAX_ENTRIES, CallHistory, HistoryEntry
from pelorus.grpccall.commandline import CallSpec, as_call_command, as_grpcurl


def test_copied_call_command_runs_as_composed(tides: Tides) -> None:
    spec = CallSpec(tides.address, "acme.tides.v2.Tides/Upload", '{"height_m": 2}\n{"station_code": "it\'s $HOME"}',
                    [("authorization", f"Bearer {tides.token}")], timeout=5, tls_ca=str(tides.ca))
    words = shlex.split(as_call_command(spec))
    assert words[:3] == ["python", "main.py", "call"]
    res = call(*words[3:])
    assert res.code == 0, res
    assert json.loads(res.text) == {"count": 2, "max_height_m": 2.0}


def test_engine_command_leaves_the_token_to_the_connection() -> None:
    spec = CallSpec("unix:/run/e.sock", "pelorus.v1.JobService/GetJob", '{"job_id": "a b"}',
                    [("authorization", "Bearer s3cret"), ("x-trace", "1")], engine=True)
    text = as_call_command(spec)
    assert text == ("python main.py call --engine pelorus.v1.JobService/GetJob -d '{\"job_id\": \"a b\"}' "
                    "-H 'x-trace: 1'")
    grpcurl = as_grpcurl(spec)
    assert grpcurl.startswith("grpcurl -unix -plaintext -H 'authorization: Bearer s3cret'")
    assert grpcurl.endswith("/run/e.sock pelorus.v1.JobService/GetJob")


def test_history_is_newest_first_bounded_without_secrets_and_survives_bad_text() -> None:
    h = CallHistory()
    for i in range(MAX_ENTRIES + 5):
        h.add(HistoryEntry(CallSpec("a:1", f"s.S/M{i}", headers=[("authorization", "Bearer t"), ("x", "y")])))
    h.add(HistoryEntry(CallSpec("a:1", "s.S/M50", headers=[("x", "y")]), status="OK"))  # repeated: moves up
    assert len(h.entries) == MAX_ENTRIES
    assert h.entries[0].spec.method == "s.S/M50" and h.entries[0].status == "OK"
    assert [e.spec.method for e in h.entries].count("s.S/M50") == 1
    text = h.to_json()
    assert "Bearer" not in text
    again = CallHistory.from_json(text)
    assert [e.spec for e in again.entries] == [e.spec for e in h.entries]
    assert CallHistory.from_json("not json").entries == []
    assert len(CallHistory.from_json('[{"spec": {"nope": 1}}, ' + text[1:]).entries) == MAX_ENTRIES
