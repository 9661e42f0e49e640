"""Headless protobuf commands for scripts: ``decode``, ``encode`` and ``diff``.

    python -m pelorus.protobuf.cli decode FILE [--type T] [--proto P ...] [-I DIR ...]
        [--descriptor-set F ...] [--format json|text|raw] [--framing auto|single|varint|grpc]
        [--input auto|binary|hex|base64]
    python -m pelorus.protobuf.cli encode --type T [--proto/-I/--descriptor-set] [--from json|text]
        [--framing single|varint|grpc] IN OUT
    python -m pelorus.protobuf.cli diff A B [--type T] [--proto/-I/--descriptor-set] [--json]
        [--bytes] [--ignore-encoding] [--max N] [--framing single|auto|varint|grpc]

Exit codes: 0 success, 1 bad input (unreadable file, bytes or text that do not fit, schema
errors), 2 usage. ``diff`` follows diff(1) instead: 0 equal, 1 different, 2 trouble (usage,
unreadable file, unknown type, damaged input — the differences found are still printed). Errors are one readable
paragraph on stderr — scripts show them to people.
``main(argv)`` never raises SystemExit so the Pelorus entry point can embed it.

``decode --type T`` on damaged bytes (a cut or corrupt record) still prints, as JSON or text, what
decodes before the damage: the whole fields before it, and the whole fields of a submessage the damage
cuts (a clipped string, bytes or packed run is left out). stderr then says where and why
(``error: ... damaged at offset N: reason``) and that the output is partial (``note: the output is
partial: ...``); the exit code is 1. ``--format json`` leaves unknown fields out (JSON has no place
for them) and says so on stderr (``warning: 2 unknown field(s) left out of the JSON (31,
default_spec.25); --format text or raw keeps them``); the exit code stays 0. Text and raw keep them.

Schemaless ``--format raw`` / ``json`` print a large message a batch of fields at a time as they are
rendered (:mod:`pelorus.protobuf.fastrender`); a file of at least :data:`STREAM_FROM` bytes holding a
varint-delimited or gRPC stream is mapped and printed record by record, so output starts at once and
memory stays flat whatever the size of the file.

``diff`` aligns repeated length-delimited items (messages, strings, bytes) and, with
``--framing``, the records of two streams, so an insertion is one ``+`` line; an item whose
indices differ is named ``args[4→3]`` (left → right). ``diff --json`` prints one object per
difference::

    {"kind": "added" | "removed" | "changed", "path": "default_spec.args[2]",
     "left": SIDE | null, "right": SIDE | null,
     "note": "...", "encoding_only": true,          (only when set)
     "left_index": 2, "right_index": null}          (repeated items / records: indices, null = absent)
    SIDE = {"path": [Document index path], "offset": N, "length": N, "value_offset": N,
            "value_length": N, "value": "text", "type": "text", "record": N (streams only)}

then one summary object: ``{"summary", "equal", "truncated", "added", "removed", "changed",
"errors": [{"side", "offset", "reason"}]}``, plus ``"framing"`` and ``"records": [left, right]``
when streams were compared.
"""

from __future__ import annotations

import argparse
import mmap
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from pelorus.protobuf import framing as fr
from pelorus.protobuf.errors import SchemaError
from pelorus.protobuf.render import write_raw_json, write_raw_text
from pelorus.protobuf.schemaless import decode_span
from pelorus.protobuf.wire import Buffer, WireError, encode_varint

if TYPE_CHECKING:
    from google.protobuf.message import Message as PbMessage

    from pelorus.protobuf.schema import SchemaRegistry

# The schema machinery (google.protobuf's runtime, grpc_tools) is imported by the paths that use a schema:
# a schemaless decode starts without it.

EXIT_OK = 0
EXIT_BAD_INPUT = 1
EXIT_USAGE = 2
EXIT_DIFFERENT = 1  # diff only
EXIT_DIFF_TROUBLE = 2  # diff only: like diff(1), trouble is 2 whatever it was


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so main() can return the code."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise _UsageError(f"{self.prog}: {message}")


def _parser() -> _Parser:
    p = _Parser(prog="pelorus proto", description="Decode, encode and compare protobuf messages.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def schema_opts(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--proto", action="append", default=[], metavar="P",
                        help=".proto file or directory to compile (repeatable)")
        sp.add_argument("-I", "--proto-path", action="append", default=[], dest="include", metavar="DIR",
                        help="import search path (repeatable)")
        sp.add_argument("--descriptor-set", action="append", default=[], metavar="F",
                        help="FileDescriptorSet file (.desc/.pb/.binpb; repeatable)")

    d = sub.add_parser("decode", help="decode a binary message (or stream) to JSON, text or a raw tree")
    d.add_argument("file", help="input file, or - for stdin")
    d.add_argument("--type", help="message type (full name or unambiguous suffix); omit for schemaless")
    schema_opts(d)
    d.add_argument("--format", choices=("json", "text", "raw"), default=None,
                   help="output format (default: json with --type, raw without)")
    d.add_argument("--framing", choices=("auto", *fr.FRAMINGS), default="auto")
    d.add_argument("--input", choices=("auto", "binary", "hex", "base64"), default="auto",
                   help="input encoding (default: detect hex/base64 text)")

    e = sub.add_parser("encode", help="encode JSON or text format into a binary message")
    e.add_argument("input", help="input file, or - for stdin")
    e.add_argument("output", help="output file, or - for stdout")
    e.add_argument("--type", required=True)
    schema_opts(e)
    e.add_argument("--from", dest="source", choices=("json", "text"), default=None,
                   help="input format (default: by extension, .json → json, else text)")
    e.add_argument("--framing", choices=fr.FRAMINGS, default="single",
                   help="single message, or one record with a varint / gRPC prefix")
    df = sub.add_parser("diff", help="compare two messages field by field (exit 0 equal, 1 different, 2 error)")
    df.add_argument("left", help="left (old) file, or - for stdin")
    df.add_argument("right", help="right (new) file")
    df.add_argument("--type", help="message type (full name or unambiguous suffix); omit for schemaless")
    schema_opts(df)
    df.add_argument("--input", choices=("auto", "binary", "hex", "base64"), default="auto",
                    help="input encoding of both files (default: detect hex/base64 text)")
    df.add_argument("--json", action="store_true", help="one JSON object per difference, then a summary")
    df.add_argument("--bytes", action="store_true", help="also print the byte diff (offset ranges)")
    df.add_argument("--ignore-encoding", action="store_true",
                    help="ignore differences only in encoding (over-long varints, field order, packing)")
    df.add_argument("--max", type=int, default=100_000, metavar="N", help="stop after N differences")
    df.add_argument("--framing", choices=("single", "auto", *fr.FRAMINGS[1:]), default="single",
                    help="single: two messages (default); varint / grpc: two streams compared record by "
                         "record; auto: streams when both files are detected as the same stream framing")
    return p


def _registry(args: argparse.Namespace) -> SchemaRegistry:
    from pelorus.protobuf.schema import SchemaRegistry

    reg = SchemaRegistry()
    for ds in args.descriptor_set:
        reg.load_descriptor_set(ds)
    if args.proto:
        reg.compile_protos(args.proto, args.include)
    return reg


def _read(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(path).read_bytes()
    except OSError as err:
        raise SchemaError(f"cannot read {path}: {err.strerror}") from None


STREAM_FROM = 64 << 20
"""Files at least this large are mapped, not read, and a detected (or named) stream of varint or gRPC
records is printed record by record as it is framed: output starts at once and memory stays flat
(the pages already printed are handed back to the kernel)."""
_RELEASE_EVERY = 32 << 20
_DETECT_HEAD = 8 << 20


def _decode(args: argparse.Namespace, out: TextIO) -> int:
    streamed = _streamed_records(args)
    if streamed is not None:
        data, framing, records = streamed
        return _decode_records(args, out, data, records, multi=True, stream_error=lambda: None)
    raw = _read(args.file)
    data, _enc = fr.decode_text(raw, args.input)
    idx = fr.index(data, args.framing)
    multi = len(idx) > 1 or args.framing not in ("auto", "single") or idx.framing != "single"
    return _decode_records(args, out, data, iter(idx), multi, stream_error=lambda: idx.error)


def _streamed_records(args: argparse.Namespace) -> tuple[Buffer, str, Iterator[fr.Record]] | None:
    """A large binary file that holds a stream: the mapped bytes, the framing and its records, framed
    one at a time; None for everything else (read whole, as before)."""
    if args.file == "-" or args.input not in ("auto", "binary"):
        return None
    try:
        path = Path(args.file)
        if not path.is_file() or path.stat().st_size < STREAM_FROM:
            return None
        with path.open("rb") as fh:
            mm = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):
        return None
    head = bytes(mm[:4096])
    if args.input == "auto" and fr.decode_text(head, "auto")[1] != "binary":
        _close(mm)
        return None  # hex or base64 text: decoded whole
    # judged on a head (the whole map would be read, and kept resident, by the detection's record walk);
    # a head cut inside a record still shows a stream ("whole records, then cut short")
    framing = args.framing if args.framing != "auto" else fr.detect(memoryview(mm)[:_DETECT_HEAD])
    if framing not in ("varint", "grpc"):
        _close(mm)
        return None
    if hasattr(mm, "madvise"):
        mm.madvise(mmap.MADV_DONTNEED)  # hand back what detection touched
    return memoryview(mm), framing, _frame_stream(mm, framing, args)


def _close(mm: mmap.mmap) -> None:
    """Unmap now, or (should a view of it still be alive) when the last view goes."""
    try:
        mm.close()
    except BufferError:
        pass


def _frame_stream(mm: mmap.mmap, framing: str, args: argparse.Namespace) -> Iterator[fr.Record]:
    """The records of a mapped stream, framed as they are needed; a damaged frame ends the stream with
    the same error a full index gives (kept on ``args.stream_error``)."""
    pos = count = released = 0
    n = len(mm)
    view = memoryview(mm)
    args.stream_error = None
    while pos < n:
        got = fr._frame_one(view, framing, pos, count)
        if isinstance(got, WireError):
            args.stream_error = got
            return
        prefix, offset, length, flag = got
        yield fr.Record(count, prefix, offset, length, bool(flag))
        count += 1
        pos = offset + length
        if pos - released >= _RELEASE_EVERY and hasattr(mm, "madvise"):
            upto = (pos // mmap.PAGESIZE) * mmap.PAGESIZE
            mm.madvise(mmap.MADV_DONTNEED, released, upto - released)
            released = upto


def _decode_records(args: argparse.Namespace, out: TextIO, data: Buffer, records: Iterator[fr.Record], multi: bool,
                    stream_error: Callable[[], WireError | None]) -> int:
    fmt = args.format or ("json" if args.type else "raw")
    reg = _registry(args) if (args.type or args.proto or args.descriptor_set) else None
    status = EXIT_OK
    for rec in records:
        if multi and fmt != "json":
            out.write(f"# record {rec.index} at offset {rec.prefix_offset} ({rec.length} bytes)\n")
        if args.type and fmt != "raw":
            assert reg is not None
            if rec.compressed:
                raise SchemaError(f"record {rec.index} is compressed (gRPC flag 1); decompress it first")
            where = f"record {rec.index}: " if multi else ""
            try:
                payload = memoryview(data)[rec.offset : rec.end]  # parsed in place: no copy of a large file
                try:
                    msg = reg.parse(args.type, payload)
                finally:
                    payload.release()
                damage = None
            except SchemaError as bad:
                msg, damage = _partial(bad, reg, args.type, data, rec, where)
            if fmt == "json":
                reg.write_json(msg, out.write, indent=None if multi else 2, size=rec.length)
                out.write("\n")
                _warn_unknowns(msg, reg, where)
            else:
                reg.write_text(msg, out.write, size=rec.length)
            if damage is not None:
                sys.stderr.write(damage)
                status = EXIT_BAD_INPUT
        else:
            tree = decode_span(data, rec.offset, rec.end)
            if fmt == "json":
                write_raw_json(tree, out.write, indent=None if multi else 2)
                out.write("\n")
            else:
                write_raw_text(tree, out.write)
            if tree.error is not None:
                err = tree.error_chain()[0]  # the real damage; deeper ones are guesses at a clipped value
                sys.stderr.write(
                    f"error: record {rec.index}: damaged at offset {err.offset}: {err.reason}\n"
                )
                status = EXIT_BAD_INPUT
    error = stream_error() or getattr(args, "stream_error", None)
    if error is not None:
        sys.stderr.write(f"error: stream damaged at offset {error.offset}: {error.reason}\n")
        status = EXIT_BAD_INPUT
    return status


def _partial(bad: SchemaError, reg: SchemaRegistry, type_name: str, data: Buffer, rec: fr.Record,
             where: str) -> tuple[PbMessage, str]:
    """The message parsed from the valid prefix of a record the type refuses, and the stderr lines
    saying that the output is partial and where and why the bytes are damaged.

    The runtime says only "Wire format was corrupt"; the offset and the reason come from the wire
    scan. Well-formed wire data the type rejects (e.g. bad UTF-8 in a string) is still one error.
    """
    full = reg.find(type_name).full_name
    from pelorus.protobuf.partial import explain_refusal, parse_prefix

    pre = parse_prefix(reg, type_name, data, rec.offset, rec.end)
    if pre.damage is None and pre.message is not None:  # whole on the wire; the type refuses a field
        refusal = explain_refusal(reg, type_name, data, rec.offset, rec.end, _runtime_reason(bad))
        if refusal is not None:
            kept = (f"the {pre.fields} whole top-level field(s) before it" if pre.message.ByteSize()
                    else "nothing before it decodes")
            return pre.message, (
                f"error: {where}bytes do not parse as {full}: field {refusal.path} at offset {refusal.offset}: "
                f"{refusal.reason}\n"
                f"note: {where}the output is partial: {kept}; decode without --type to see every field's offset\n")
    if pre.damage is None or pre.message is None:
        raise SchemaError(f"{where}{bad}")
    if not pre.message.ByteSize():
        what = "nothing before the damage decodes"
    else:
        what = (f"the {pre.fields} whole top-level field(s) before the damage"
                + (" and the whole fields of the submessage it cuts" if pre.into_cut else ""))
    if pre.refused_at is not None:
        what += f"; the field at offset {pre.refused_at} does not fit the type (e.g. a string that is not UTF-8)"
    return pre.message, (
        f"error: {where}bytes do not parse as {full}: damaged at offset {pre.damage.offset}: "
        f"{pre.damage.reason}\n"
        f"note: {where}the output is partial: {what}; decode without --type to see every field's offset\n")


def _runtime_reason(bad: SchemaError) -> str:
    """The runtime's own words (e.g. "String field had bad UTF-8"), without the type's name."""
    text = str(bad)
    return text.rsplit(": ", 1)[-1] if ": " in text else text


def _warn_unknowns(msg: PbMessage, reg: SchemaRegistry, where: str) -> None:
    """JSON has no place for unknown fields: say how many were left out, where, and what keeps them."""
    from pelorus.protobuf.textedit import unknown_paths

    paths = unknown_paths(msg, reg.pool)
    if paths:
        shown = ", ".join(paths[:5]) + (", …" if len(paths) > 5 else "")
        sys.stderr.write(f"warning: {where}{len(paths)} unknown field(s) left out of the JSON ({shown}); "
                         "--format text or raw keeps them\n")


def _encode(args: argparse.Namespace) -> int:
    reg = _registry(args)
    raw = _read(args.input)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        name = "standard input" if args.input == "-" else args.input
        raise SchemaError(f"{name} is not UTF-8 text (byte 0x{raw[err.start]:02x} at offset {err.start}); "
                          "encode reads JSON or text format, decode reads binary") from None
    source = args.source or ("json" if args.input.endswith(".json") else "text")
    msg = reg.from_json(args.type, text) if source == "json" else reg.from_text(args.type, text)
    body = msg.SerializeToString()
    if args.framing == "varint":
        body = encode_varint(len(body)) + body
    elif args.framing == "grpc":
        body = b"\x00" + len(body).to_bytes(4, "big") + body
    if args.output == "-":
        sys.stdout.buffer.write(body)
    else:
        try:
            Path(args.output).write_bytes(body)
        except OSError as err:
            raise SchemaError(f"cannot write {args.output}: {err.strerror or err}") from None
    return EXIT_OK


def _diff(args: argparse.Namespace, out: TextIO) -> int:
    from pelorus.protobuf.compare import compare, to_json_lines

    left, _e1 = fr.decode_text(_read(args.left), args.input)
    right, _e2 = fr.decode_text(_read(args.right), args.input)
    reg = _registry(args) if (args.type or args.proto or args.descriptor_set) else None
    result = compare(left, right, reg, args.type, framing=args.framing, max_differences=max(1, args.max))
    if args.ignore_encoding:
        result.differences = [d for d in result.differences if not d.encoding_only]
    if args.json:
        out.write(to_json_lines(result))
    else:
        for d in result.differences:
            out.write(d.describe() + "\n")
        if args.bytes:
            for op in result.byte_ops():
                out.write(f"  bytes {op.tag}: left [{op.a0}, {op.a1}) → right [{op.b0}, {op.b1})\n")
        out.write(f"# {result.summary()}\n")
    for side, err in result.errors:
        sys.stderr.write(f"error: {side} input ({getattr(args, side)}) is damaged at offset {err.offset}: "
                         f"{err.reason}\n")
    if result.errors:
        return EXIT_DIFF_TROUBLE
    return EXIT_OK if result.equal else EXIT_DIFFERENT


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return the exit code (never raises SystemExit)."""
    try:
        args = _parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    except _UsageError as err:
        sys.stderr.write(f"{err}\n")
        return EXIT_USAGE
    except SystemExit as exc:  # --help
        return int(exc.code or 0)
    try:
        if args.command == "decode":
            return _decode(args, sys.stdout)
        if args.command == "diff":
            return _diff(args, sys.stdout)
        return _encode(args)
    except (SchemaError, ValueError, UnicodeDecodeError) as err:
        sys.stderr.write(f"error: {err}\n")
        return EXIT_DIFF_TROUBLE if args.command == "diff" else EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
