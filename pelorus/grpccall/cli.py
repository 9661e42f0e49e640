"""``python main.py call``: call any gRPC method from the command line (grpcurl's habits).

    call ADDRESS [list [SERVICE] | describe SYMBOL | SERVICE/METHOD] [options]
    call --engine [--profile NAME] [list ... | describe ... | SERVICE/METHOD] [options]

Without a method it lists the services (``list SERVICE``: that service's methods), from server
reflection (v1, then v1alpha) or from ``--proto`` / ``--descriptor-set``. See ``--help``.

Exit codes (grpcurl's mapping): 0 the call succeeded; 1 a local error (unreadable file, a request
that does not fit its type, a method the schema does not have, a bad certificate); 2 usage;
64 + N when the server (or the channel) ended the call with gRPC status N, e.g. 68
DEADLINE_EXCEEDED, 76 UNIMPLEMENTED, 78 UNAVAILABLE, 80 UNAUTHENTICATED. Errors are one line on
stderr naming the status and its message. ``main(argv)`` never raises SystemExit.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import binascii
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, TextIO

import grpc

from pelorus.errors import ClientError
from pelorus.grpccall import schemas as sch
from pelorus.grpccall.invoke import Outcome, invoke
from pelorus.grpccall.payload import FORMATS, PayloadError, ResponseWriter, parse_requests
from pelorus.grpccall.target import EngineConnection, Target, TargetError, open_channel, parse_header
from pelorus.protobuf.schema import SchemaError

EXIT_OK = 0
EXIT_LOCAL = 1
EXIT_USAGE = 2
EXIT_STATUS_BASE = 64
REFLECTION_TIMEOUT = 10.0
"""Seconds for server reflection when --timeout is not given (the call itself then has no deadline)."""

EngineResolver = Callable[[str | None, Path | None], EngineConnection]


def status_exit(code: grpc.StatusCode) -> int:
    """64 + the status number (grpcurl's mapping); 0 for OK."""
    number = int(code.value[0])
    return EXIT_OK if number == 0 else EXIT_STATUS_BASE + number


class _CallUsageError(Exception):
    pass


class _Fail(Exception):
    """A failure with its exit code; the message is the one stderr line."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise _CallUsageError(f"{self.prog}: {message}")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="main.py call", description="Call any gRPC method, list services or describe a symbol.",
                formatter_class=argparse.RawDescriptionHelpFormatter,
                epilog="exit codes: 0 ok; 1 local error; 2 usage; 64+N the call ended with gRPC status N "
                       "(68 DEADLINE_EXCEEDED, 76 UNIMPLEMENTED, 78 UNAVAILABLE, 80 UNAUTHENTICATED)")
    p.add_argument("words", nargs="*", metavar="ARG",
                   help="ADDRESS (not with --engine), then SERVICE/METHOD, 'list [SERVICE]' or 'describe SYMBOL'")
    p.add_argument("-d", "--data", metavar="DATA",
                   help="the request(s): JSON/text inline, @FILE, or @- for stdin. Several JSON objects "
                        "(NDJSON or an array) for a streaming method. Default: one empty message")
    p.add_argument("--in", dest="in_format", choices=FORMATS, default="json", help="request format (default json)")
    p.add_argument("--out", dest="out_format", choices=FORMATS, default="json", help="response format (default json)")
    p.add_argument("-H", "--header", action="append", default=[], metavar="'NAME: VALUE'",
                   help="request metadata, repeatable (a NAME ending in -bin takes base64)")
    p.add_argument("--timeout", type=float, metavar="SECONDS", help="deadline of the call (and of reflection)")
    p.add_argument("-v", "--verbose", action="store_true", help="status, headers, trailers and timing on stderr")
    tls = p.add_argument_group("connection")
    tls.add_argument("--plaintext", action="store_true", help="no TLS (a unix: address never uses TLS)")
    tls.add_argument("--tls-ca", type=Path, metavar="FILE", help="PEM roots to verify the server (default: system)")
    tls.add_argument("--tls-cert", type=Path, metavar="FILE", help="client certificate (PEM), with --tls-key")
    tls.add_argument("--tls-key", type=Path, metavar="FILE", help="client certificate's private key (PEM)")
    tls.add_argument("--server-name", metavar="NAME", help="TLS name to verify instead of the address's host")
    tls.add_argument("--engine", action="store_true",
                     help="call the console's engine: the embedded one, or --profile NAME (its TLS and token)")
    tls.add_argument("--profile", metavar="NAME", help="with --engine: a saved connection profile")
    tls.add_argument("--data-dir", type=Path, metavar="DIR", help="with --engine: the embedded engine's data dir")
    schema = p.add_argument_group("schema (default: server reflection)")
    schema.add_argument("--proto", action="append", default=[], metavar="FILE", help=".proto file (repeatable)")
    schema.add_argument("-I", "--import-path", action="append", default=[], metavar="DIR",
                        help="import search path for --proto (repeatable)")
    schema.add_argument("--descriptor-set", action="append", default=[], metavar="FILE",
                        help="FileDescriptorSet file (repeatable)")
    return p


@dataclass
class _Streams:
    out: TextIO
    out_bin: BinaryIO
    err: TextIO
    stdin: BinaryIO


def main(argv: list[str] | None = None, engine: EngineResolver | None = None,
         stdout: TextIO | None = None, stderr: TextIO | None = None, stdin: BinaryIO | None = None) -> int:
    out = stdout or sys.stdout
    streams = _Streams(out, getattr(out, "buffer", None) or sys.stdout.buffer, stderr or sys.stderr,
                       stdin or sys.stdin.buffer)
    try:
        args = build_parser().parse_args(sys.argv[1:] if argv is None else argv)
    except _CallUsageError as err:
        print(err, file=streams.err)
        return EXIT_USAGE
    except SystemExit as exc:  # --help
        return int(exc.code or 0)
    try:
        target, words = _target(args, engine)
        return asyncio.run(_run(args, target, words, streams))
    except _CallUsageError as err:
        print(f"main.py call: {err}", file=streams.err)
        return EXIT_USAGE
    except _Fail as err:
        print(f"error: {err}", file=streams.err)
        return err.code
    except (SchemaError, PayloadError, TargetError) as err:
        print(f"error: {_one_line(str(err))}", file=streams.err)
        return EXIT_LOCAL
    except BrokenPipeError:
        return EXIT_LOCAL
    except KeyboardInterrupt:
        print("error: CANCELLED: interrupted", file=streams.err)
        return status_exit(grpc.StatusCode.CANCELLED)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _target(args: argparse.Namespace, engine: EngineResolver | None) -> tuple[Target, list[str]]:
    words = list(args.words)
    headers = []
    for h in args.header:
        name, value = parse_header(h)
        headers.append((name, value))
    if args.profile or args.data_dir:
        if not args.engine:
            raise _CallUsageError("--profile and --data-dir go with --engine")
    if args.engine:
        if engine is None:
            raise _CallUsageError("--engine needs the console package (run it as `python main.py call`)")
        conn = engine(args.profile, args.data_dir)
        token = [("authorization", f"Bearer {conn.token}")] if conn.token else []
        if args.plaintext or args.tls_ca:
            raise _CallUsageError("--engine brings its own connection settings; leave out --plaintext/--tls-ca")
        return Target(conn.address, plaintext=conn.insecure, tls_ca=conn.tls_ca, tls_cert=args.tls_cert,
                      tls_key=args.tls_key, server_name=args.server_name, headers=token + headers), words
    if not words:
        raise _CallUsageError("an ADDRESS (host:port or unix:/path) is needed, or --engine")
    address = words.pop(0)
    return Target(address, plaintext=args.plaintext, tls_ca=args.tls_ca, tls_cert=args.tls_cert,
                  tls_key=args.tls_key, server_name=args.server_name, headers=headers), words


def _metadata(headers: list[tuple[str, str]]) -> list[tuple[str, str | bytes]]:
    md: list[tuple[str, str | bytes]] = []
    for name, value in headers:
        if name.endswith("-bin"):
            try:
                md.append((name, base64.b64decode(value, validate=True)))
            except binascii.Error:
                raise TargetError(f"header {name} ends in -bin, so its value must be base64") from None
        else:
            md.append((name, value))
    return md


async def _run(args: argparse.Namespace, target: Target, words: list[str], streams: _Streams) -> int:
    metadata = _metadata(target.headers)
    if words[:1] == ["list"] and len(words) > 2 or words[:1] == ["describe"] and len(words) != 2:
        raise _CallUsageError("usage: list [SERVICE] | describe SYMBOL")
    if words and words[0] not in ("list", "describe") and len(words) > 1:
        raise _CallUsageError(f"unexpected arguments after the method: {' '.join(words[1:])}")
    calling = bool(words) and words[0] not in ("list", "describe")
    data = _read_data(args, streams) if calling else None  # bad input fails before any connection
    channel = open_channel(target)
    try:
        schemas = await _schemas(args, channel, target, metadata)
        if not words or words[0] == "list":
            for line in sch.listing(schemas, words[1] if len(words) > 1 else None):
                print(line, file=streams.out)
            return EXIT_OK
        if words[0] == "describe":
            print(sch.describe(schemas, words[1]), file=streams.out)
            return EXIT_OK
        return await _call(args, channel, target, schemas, words[0], data, metadata, streams)
    finally:
        await channel.close()


async def _schemas(args: argparse.Namespace, channel: grpc.aio.Channel, target: Target,
                   metadata: list[tuple[str, str | bytes]]) -> sch.Schemas:
    if args.proto or args.descriptor_set:
        return sch.from_files(args.proto, args.import_path, args.descriptor_set)
    if args.import_path:
        raise _CallUsageError("-I goes with --proto")
    try:
        return await sch.from_reflection(channel, target.address, [(k, v) for k, v in metadata if isinstance(v, str)],
                                         args.timeout or REFLECTION_TIMEOUT)
    except ClientError as err:
        unoffered = err.code == grpc.StatusCode.UNIMPLEMENTED
        hint = " (give the schema with --proto or --descriptor-set)" if unoffered else ""
        message = _one_line(err.message).replace("the engine", "the server")  # the client's words are the engine's
        raise _Fail(f"{err.code.name}: server reflection at {target.address}: {message}{hint}",
                    status_exit(err.code)) from None


def _read_data(args: argparse.Namespace, streams: _Streams) -> bytes | None:
    data: str | None = args.data
    if data is None:
        return None
    if data == "@-":
        return streams.stdin.read()
    if data.startswith("@"):
        try:
            return Path(data[1:]).read_bytes()
        except OSError as err:
            raise PayloadError(f"cannot read the request file {data[1:]}: {err.strerror}") from None
    if args.in_format == "binary":
        raise _CallUsageError("--in binary reads bytes from a file: -d @FILE or -d @-")
    return data.encode("utf-8")


async def _call(args: argparse.Namespace, channel: grpc.aio.Channel, target: Target, schemas: sch.Schemas,
                name: str, data: bytes | None, metadata: list[tuple[str, str | bytes]], streams: _Streams) -> int:
    method = sch.find_method(schemas, name)
    kind = sch.kind(method)
    if data is None:
        requests = [b""]  # one empty message, as grpcurl sends without -d
    else:
        requests = parse_requests(schemas.registry, method.input_type, data, args.in_format,
                                  method.client_streaming)
    if not method.client_streaming and len(requests) != 1:
        raise PayloadError(f"{method.full_name} takes one request, and the input holds {len(requests)}")
    path = sch.method_path(method)
    err = streams.err

    def warn(text: str) -> None:
        print(f"warning: {text}", file=err)

    writer = ResponseWriter(schemas.registry, method.output_type, args.out_format, method.server_streaming,
                            streams.out, streams.out_bin, warn)
    if args.verbose:
        print(f"call: {path} ({kind.replace('_', ' ')}) at {target.address}; schema from {schemas.source}",
              file=err)
        for k, v in metadata:
            print(f"request header: {k}: {_show(k, v)}", file=err)
        print(f"requests: {len(requests)}", file=err)
    outcome = await invoke(channel, path, kind, requests, writer, metadata, args.timeout)
    if args.verbose:
        _report(outcome, err)
    if not outcome.ok:
        print(f"error: {outcome.code.name}: {_one_line(outcome.details) or '(no message)'}", file=err)
    return status_exit(outcome.code)


def _show(key: str, value: str | bytes) -> str:
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if key == "authorization" and " " in value:  # name the scheme, not the secret
        return value.split(" ", 1)[0] + " ***"
    return value


def _report(outcome: Outcome, err: TextIO) -> None:
    for k, v in outcome.headers:
        print(f"response header: {k}: {_show(k, v)}", file=err)
    for k, v in outcome.trailers:
        print(f"response trailer: {k}: {_show(k, v)}", file=err)
    first = f"{outcome.first_response * 1000:.2f} ms to the first response, " if outcome.first_response else ""
    print(f"status: {outcome.code.name} ({outcome.code.value[0]}){': ' + outcome.details if outcome.details else ''}",
          file=err)
    print(f"time: {first}{outcome.elapsed * 1000:.2f} ms in all; {outcome.responses} response(s)", file=err)


if __name__ == "__main__":
    raise SystemExit(main())
