"""`pelorus.v1.Executor` in the health service, read through EngineClient.executor_health():
the status for anyone (health needs no token), the executor's details only for a caller
with a valid token on an engine that has tokens (they name hosts, paths, addresses)."""

from __future__ import annotations

from pathlib import Path

from enginehelp import EngineProcess, arun
from tlshelp import TOKENS, make_cert, tcp_address, write_tokens

from pelorus.client import ConnectionConfig, EngineClient


def test_executor_details_need_a_token_on_an_engine_with_tokens(engine_factory: type[EngineProcess],
                                                                 tmp_path: Path) -> None:
    cert, key = make_cert(tmp_path)
    tokens = write_tokens(tmp_path / "tokens.yaml")
    engine = engine_factory(tmp_path / "e", "--listen", "127.0.0.1:0", "--tls-cert", str(cert), "--tls-key",
                            str(key), "--tokens-file", str(tokens)).start()

    async def health(token: str | None):
        async with EngineClient(ConnectionConfig(tcp_address(engine), tls_ca=cert, token=token,
                                                 server_name="localhost")) as c:
            return await c.executor_health()

    async def body() -> None:
        for token in (None, "not-a-token"):
            anonymous = await health(token)
            assert anonymous.serving and anonymous.executor == "" and anonymous.details == {}, anonymous
        viewer = await health(TOKENS["viewer"])
        assert viewer.serving and viewer.executor == "local", viewer
        assert viewer.details["executor"] == "local" and viewer.details["host"], viewer.details

    arun(body(), 60)


def test_executor_details_on_an_engine_without_tokens(engine: EngineProcess) -> None:
    async def body() -> None:
        async with EngineClient(ConnectionConfig(engine.address)) as c:
            h = await c.executor_health()
            assert (h.status, h.executor) == ("SERVING", "local") and "spool_dir" in h.details, h

    arun(body(), 30)
