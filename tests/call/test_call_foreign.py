"""`call` against a server the project has never seen (tides_server.py): reflection (v1alpha only,
so the v1 -> v1alpha fallback runs), TLS, a token on every method, the four call kinds, failures
and byte-exact binary."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from callhelp import Tides, call

from pelorus.protobuf import framing
from pelorus.protobuf.schema import SchemaRegistry
from pelorus.protobuf.wire import encode_tag, encode_varint

ROOT = Path(__file__).resolve().parents[2]
SVC = "acme.tides.v2.Tides"


def test_lists_services_and_methods_and_describes_through_reflection(tides: Tides) -> None:
    res = call(*tides.args())
    assert res.code == 0, res
    assert res.text.splitlines() == [SVC, "grpc.reflection.v1alpha.ServerReflection"]
    res = call(*tides.args("list", "Tides"))
    assert res.code == 0, res
    assert f"{SVC}.Echo" in res.text.splitlines() and len(res.text.splitlines()) == 6
    res = call(*tides.args("describe", "acme.tides.v2.ForecastRequest"))
    assert res.code == 0, res
    assert "map<string, string> labels = 3;" in res.text
    assert "repeated .acme.tides.v2.Station alternates = 4;" in res.text
    res = call(*tides.args("describe", f"{SVC}.Sleep"))
    assert res.text.startswith(f"{SVC}.Sleep is a method:\nrpc Sleep ( .acme.tides.v2.SleepRequest )"), res
    res = call(*tides.args("describe", SVC))
    assert "rpc Echo ( stream .acme.tides.v2.Note ) returns ( stream .acme.tides.v2.Note );" in res.text, res


def test_unary_json_in_and_out(tides: Tides) -> None:
    res = call(*tides.args(f"{SVC}/GetForecast", "-d", '{"station": {"code": "BRS"}, "days": 2}'))
    assert res.code == 0, res
    out = json.loads(res.text)
    assert out["station_code"] == "BRS"
    assert [t["kind"] for t in out["tides"]] == ["HIGH", "LOW"]
    assert out["tides"][0]["at"] == "2023-11-14T22:13:20Z"  # Timestamp as JSON, from the reflected import
    # the server adds unknown field 1000: JSON cannot carry it, so stderr says so; text keeps it
    assert res.err.strip() == ("warning: response 1: 1 unknown field(s) left out of the JSON (1000); "
                               "--out text or binary keeps them")
    res = call(*tides.args(f"{SVC}/GetForecast", "-d", '{"days": 1}', "--out", "text"))
    assert res.code == 0 and res.err == "" and "1000: 7" in res.text, res


def test_server_streaming_prints_one_object_per_line_and_verbose_reports(tides: Tides) -> None:
    res = call(*tides.args("Tides/StreamReadings", "-d", '{"station": {"code": "AVO"}, "days": 3}', "-v"))
    assert res.code == 0, res
    lines = res.text.splitlines()
    assert [json.loads(line).get("seq", "0") for line in lines] == ["0", "-1", "-2"]
    assert "response header: x-tides-region: north" in res.err
    assert "response trailer: x-tides-served: readings" in res.err
    assert "status: OK (0)" in res.err and "3 response(s)" in res.err and " ms in all" in res.err
    assert "authorization: Bearer ***" in res.err and tides.token not in res.err


def test_client_streaming_takes_ndjson_or_an_array(tides: Tides) -> None:
    ndjson = '{"height_m": 1}\n{"height_m": 3.5}\n{"station_code": "x"}\n'
    res = call(*tides.args("Tides/Upload", "-d", ndjson))
    assert res.code == 0, res
    assert json.loads(res.text) == {"count": 3, "max_height_m": 3.5}
    res = call(*tides.args("Tides/Upload", "-d", '[{"height_m": 2}, {"height_m": 0.5}]'))
    assert json.loads(res.text) == {"count": 2, "max_height_m": 2.0}, res


def test_bidi_streaming_from_stdin(tides: Tides) -> None:
    res = call(*tides.args("Tides/Echo", "-d", "@-"), stdin=b'{"text": "ebb", "seq": 1}\n{"text": "flow"}\n')
    assert res.code == 0, res
    assert [json.loads(line) for line in res.text.splitlines()] == [{"text": "EBB", "seq": 101},
                                                                  {"text": "FLOW", "seq": 100}]


def test_deadline_exceeded_is_one_line_and_exit_68(tides: Tides) -> None:
    res = call(*tides.args("Tides/Sleep", "-d", '{"seconds": 5}', "--timeout", "0.3"))
    assert res.code == 64 + 4, res
    assert res.err.strip().splitlines() == ["error: DEADLINE_EXCEEDED: Deadline Exceeded"]
    assert res.out == b""


def test_missing_token_is_unauthenticated_for_reflection_and_for_the_call(tides: Tides) -> None:
    res = call(*tides.args("Tides/GetForecast", token=False))
    assert res.code == 64 + 16, res
    assert res.err.startswith("error: UNAUTHENTICATED: server reflection at") and "bearer token" in res.err
    res = call(*tides.args("Tides/GetForecast", "--proto", str(tides.proto), token=False))  # no reflection
    assert res.code == 64 + 16, res
    assert res.err.strip() == "error: UNAUTHENTICATED: missing or wrong bearer token"


def test_unknown_method_local_and_on_the_server(tides: Tides) -> None:
    res = call(*tides.args("Tides/Nope"))
    assert res.code == 1, res
    assert "acme.tides.v2.Tides has no method 'Nope'" in res.err and "GetForecast" in res.err
    res = call(*tides.args("acme.tides.v1.Tides/GetForecast"))
    assert res.code == 1 and "service 'acme.tides.v1.Tides' is not in server reflection" in res.err, res
    res = call(*tides.args("Tides/Retired"))  # in the schema, not served
    assert res.code == 64 + 12, res
    assert res.err.startswith("error: UNIMPLEMENTED:")


def test_request_json_that_does_not_fit_names_field_line_and_column(tides: Tides) -> None:
    body = '{\n  "station": {\n    "code": "BRS",\n    "lat": "north"\n  },\n  "days": 1\n}'
    res = call(*tides.args("Tides/GetForecast", "-d", body))
    assert res.code == 1, res
    assert "field station.lat (line 4, column 5)" in res.err, res
    assert res.err.count("\n") == 1
    res = call(*tides.args("Tides/Upload", "-d", '{"height_m": 1}\n{"height_m": 2, "colour": "red"}'))
    assert res.code == 1, res
    assert "request 2 does not fit acme.tides.v2.Reading: field colour (line 2, column 17)" in res.err
    res = call(*tides.args("Tides/GetForecast", "-d", '{"alternates": [{"code": "A"}, {"lon": []}]}'))
    assert "field alternates[1].lon (line 1, column 33)" in res.err, res
    res = call(*tides.args("Tides/GetForecast", "-d", '{"days": 1,}'))
    assert res.code == 1 and "not valid JSON" in res.err and "line 1, column 12" in res.err, res


def _tides_registry(tides: Tides) -> SchemaRegistry:
    reg = SchemaRegistry()
    reg.compile_protos([tides.proto])
    return reg


def test_binary_in_and_out_are_byte_exact(tides: Tides, tmp_path: Path) -> None:
    # days=0 written out and fields out of order plus an unknown field 50: valid, not what a
    # parse + serialize would send, so the server's echo proves the bytes passed untouched
    station = encode_tag(1, 2) + encode_varint(3) + b"BRS"
    request = (encode_tag(2, 0) + encode_varint(0) + encode_tag(1, 2) + encode_varint(len(station)) + station
               + encode_tag(50, 0) + encode_varint(9))
    reg = _tides_registry(tides)
    assert reg.parse("acme.tides.v2.ForecastRequest", request).SerializeToString() != request
    (tmp_path / "req.bin").write_bytes(request)
    res = call(*tides.args("Tides/GetForecast", "--in", "binary", "-d", f"@{tmp_path / 'req.bin'}", "--out", "binary"))
    assert res.code == 0, res
    expected = (encode_tag(3, 2) + encode_varint(len(request)) + request
                + encode_tag(1, 2) + encode_varint(3) + b"BRS" + encode_tag(1000, 0) + encode_varint(7))
    assert res.out == expected
    assert reg.parse("acme.tides.v2.Forecast", expected).SerializeToString() != expected


def test_binary_streams_are_varint_delimited_both_ways(tides: Tides) -> None:
    res = call(*tides.args("Tides/StreamReadings", "-d", '{"station": {"code": "AVO"}, "days": 3}', "--out", "binary"))
    assert res.code == 0, res
    idx = framing.index(res.out, "varint")
    assert idx.error is None and len(idx.offsets) == 3
    reg = _tides_registry(tides)
    spans = zip(idx.offsets, idx.lengths, strict=True)
    readings = [reg.parse("acme.tides.v2.Reading", res.out[o:o + n]) for o, n in spans]
    assert [r.seq for r in readings] == [0, -1, -2]  # type: ignore[attr-defined]
    # the same stream sent back to the client-streaming method
    res = call(*tides.args("Tides/Upload", "--in", "binary", "-d", "@-"), stdin=res.out)
    assert res.code == 0, res
    assert json.loads(res.text) == {"count": 3, "max_height_m": 1.0}


def test_text_format_and_proto_files_instead_of_reflection(tides: Tides) -> None:
    res = call(*tides.args("Tides/Echo", "--proto", str(tides.proto), "--in", "text", "--out", "text",
                           "-d", 'text: "a"\n---\ntext: "b" seq: 5\n'))
    assert res.code == 0, res
    assert res.text == 'text: "A"\nseq: 100\n---\ntext: "B"\nseq: 105\n'


@pytest.mark.slow  # two whole processes, ~1 s
def test_main_py_call_runs_without_qt(tides: Tides) -> None:
    """The whole process: `python main.py call` with PySide6 made unimportable."""
    code = ("import sys, runpy; sys.modules['PySide6'] = None; sys.argv = ['main.py', *sys.argv[1:]]; "
            "runpy.run_path('main.py', run_name='__main__')")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-c", code, "call", *tides.args("Tides/Upload", "-d", '{"height_m": 4}')],
                          cwd=ROOT, capture_output=True, timeout=60, env=env)
    assert proc.returncode == 0, proc.stderr.decode()
    assert json.loads(proc.stdout) == {"count": 1, "max_height_m": 4.0}
    proc = subprocess.run([sys.executable, "-c", code, "call", *tides.args("Tides/Sleep", "-d", '{"seconds": 3}',
                                                                           "--timeout", "0.2")],
                          cwd=ROOT, capture_output=True, timeout=60, env=env)
    assert proc.returncode == 68
    assert proc.stderr.decode().strip() == "error: DEADLINE_EXCEEDED: Deadline Exceeded"


def test_v1alpha_fallback_survives_the_server_answering_before_the_first_write(tides: Tides) -> None:
    """Regression: a v1alpha-only server answers the v1 attempt UNIMPLEMENTED at once; when that beat
    the client's first write, grpc.aio reported INTERNAL "Internal error from Core" and
    reflect_files failed (about one load in ten here) instead of falling back to v1alpha."""
    import asyncio

    from pelorus.grpccall import schemas as sch
    from pelorus.grpccall.target import Target, open_channel

    async def load_many(n: int) -> list[str]:
        protocols = []
        for _ in range(n):
            channel = open_channel(Target(tides.address, tls_ca=tides.ca))
            try:
                got = await sch.from_reflection(channel, tides.address,
                                                [("authorization", f"Bearer {tides.token}")], 10)
                protocols.append(got.source)
            finally:
                await channel.close()
        return protocols

    sources = asyncio.run(asyncio.wait_for(load_many(60), 60))
    assert len(sources) == 60 and all("v1alpha" in s for s in sources)
