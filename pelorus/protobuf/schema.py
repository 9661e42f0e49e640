"""Schemas: the built-in Pelorus API and well-known types, run-time .proto compilation, descriptor
sets, type guessing, and schema-aware JSON / text conversion.

Everything lives in one private :class:`~google.protobuf.descriptor_pool.DescriptorPool` per
registry — the built-in files are copied into it — so that user files that import
``google/protobuf/any.proto`` or ``pelorus/v1/job.proto`` resolve against the same descriptors, and
``Any`` values can be unpacked whichever source their type came from. User protos are compiled by
grpcio-tools' bundled protoc in a subprocess (its errors go to the process's stderr, which we
capture and turn into "import X not found; searched A, B" sentences — the most requested fix in
peer tools).
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, cast

import grpc_tools
from google.protobuf import (
    any_pb2,
    descriptor_pb2,
    descriptor_pool,
    duration_pb2,
    empty_pb2,
    field_mask_pb2,
    json_format,
    message_factory,
    struct_pb2,
    text_format,
    timestamp_pb2,
    wrappers_pb2,
)
from google.protobuf.descriptor import Descriptor, FieldDescriptor, FileDescriptor
from google.protobuf.message import DecodeError
from google.protobuf.message import Message as PbMessage
from google.protobuf.unknown_fields import UnknownFieldSet

from pelorus.protobuf.errors import SchemaError as SchemaError
from pelorus.protobuf.schemaless import decode as schemaless_decode
from pelorus.shipped import MissingResources, proto_dir
from pelorus.text import QT_TRANSLATE_NOOP

BUNDLED_INCLUDE: Final = Path(grpc_tools.__file__).resolve().parent / "_proto"
GUESS_SAMPLE_BYTES: Final = 64 * 1024

_IMPORT_RE: Final = re.compile(r'Import "([^"]+)" was not found')
_NOT_FOUND_RE: Final = re.compile(r"^([^:\s]+\.proto): File not found\.", re.MULTILINE)
_UNDEFINED_RE: Final = re.compile(r'"([^"]+)" is not defined')


class ProtoCompileError(SchemaError):
    """protoc rejected the files; ``unresolved`` names missing imports/types, ``searched`` the paths."""

    def __init__(self, message: str, unresolved: list[str], searched: list[str], output: str) -> None:
        super().__init__(message)
        self.unresolved = unresolved
        self.searched = searched
        self.output = output


@dataclass(frozen=True)
class TypeGuess:
    """A message type that parsed the bytes: fewer unknown fields and more known ones rank higher."""

    full_name: str
    known_fields: int
    unknown_fields: int


def _builtin_files() -> list[FileDescriptor]:
    """Descriptors that ship with Pelorus: its API and the well-known types."""
    import pelorus.api as api

    modules = [getattr(api, name) for name in api.__all__ if name.endswith("_pb2")]
    modules += [any_pb2, duration_pb2, empty_pb2, field_mask_pb2, struct_pb2, timestamp_pb2, wrappers_pb2]
    return [m.DESCRIPTOR for m in modules]


def _rpc_status_file() -> descriptor_pb2.FileDescriptorProto:
    """google/rpc/status.proto, built in code so error details decode without googleapis-common-protos."""
    fdp = descriptor_pb2.FileDescriptorProto(
        name="google/rpc/status.proto",
        package="google.rpc",
        dependency=["google/protobuf/any.proto"],
        syntax="proto3",
    )
    msg = fdp.message_type.add(name="Status")
    F = descriptor_pb2.FieldDescriptorProto
    msg.field.add(name="code", number=1, type=F.TYPE_INT32, label=F.LABEL_OPTIONAL, json_name="code")
    msg.field.add(name="message", number=2, type=F.TYPE_STRING, label=F.LABEL_OPTIONAL, json_name="message")
    msg.field.add(name="details", number=3, type=F.TYPE_MESSAGE, label=F.LABEL_REPEATED,
                  type_name=".google.protobuf.Any", json_name="details")
    return fdp


class SchemaRegistry:
    """All schemas known to one editor session, in one private descriptor pool."""

    def __init__(self, builtin: bool = True) -> None:
        self.pool = descriptor_pool.DescriptorPool()
        self._files: list[str] = []
        if builtin:
            for fd in _builtin_files():
                self._add_file_descriptor(fd)
            self.add_file_proto(_rpc_status_file())

    # -- loading -------------------------------------------------------------------------------

    def _add_file_descriptor(self, fd: FileDescriptor) -> None:
        for dep in fd.dependencies:
            self._add_file_descriptor(dep)
        fdp = descriptor_pb2.FileDescriptorProto()
        fd.CopyToProto(fdp)
        self.add_file_proto(fdp)

    def add_file_proto(self, fdp: descriptor_pb2.FileDescriptorProto) -> bool:
        """Add one file; an identical file already loaded is skipped, a different one is an error."""
        try:
            existing = self.pool.FindFileByName(fdp.name)
        except KeyError:
            existing = None
        if existing is not None:
            old = descriptor_pb2.FileDescriptorProto()
            existing.CopyToProto(old)
            if _normalised(old) != _normalised(fdp):
                raise SchemaError(
                    QT_TRANSLATE_NOOP(
                    "SchemaError", "{name} is already loaded with different contents; "
                    "start a new schema set to replace it").format(
                    name=fdp.name)
                )
            return False
        try:
            self.pool.Add(fdp)
        except (TypeError, KeyError, ValueError) as err:
            raise SchemaError(QT_TRANSLATE_NOOP(
                "SchemaError", "cannot load {name}: {err}").format(name=fdp.name, err=err)) from None
        self._files.append(fdp.name)
        return True

    def add_file_descriptor_set(self, fds: descriptor_pb2.FileDescriptorSet) -> list[str]:
        """Add every file of a set (dependencies first, as protoc --include_imports writes them)."""
        by_name = {f.name: f for f in fds.file}
        added: list[str] = []
        done: set[str] = set()

        def add(name: str, chain: tuple[str, ...]) -> None:
            if name in done:
                return
            fdp = by_name.get(name)
            if fdp is None:
                try:
                    self.pool.FindFileByName(name)
                    return
                except KeyError:
                    raise SchemaError(
                        QT_TRANSLATE_NOOP(
                        "SchemaError", "{importer} imports {name}, which is neither in the "
                        "descriptor set nor loaded").format(
                        importer=chain[-1], name=name)
                    ) from None
            for dep in fdp.dependency:
                add(dep, (*chain, name))
            if self.add_file_proto(fdp):
                added.append(name)
            done.add(name)

        for f in fds.file:
            add(f.name, (f.name,))
        return added

    def add_file_protos(self, files: Iterable[descriptor_pb2.FileDescriptorProto], origin: str) -> list[str]:
        """Add files from elsewhere (server reflection), naming every import that resolves nowhere.

        ``origin`` starts the error sentence ("server reflection at HOST:PORT"). Nothing is added
        when an import is missing, so a failed load leaves the registry as it was.
        """
        fds = descriptor_pb2.FileDescriptorSet(file=list(files))
        names = {f.name for f in fds.file}
        missing: dict[str, list[str]] = {}
        for f in fds.file:
            for dep in f.dependency:
                if dep in names:
                    continue
                try:
                    self.pool.FindFileByName(dep)
                except KeyError:
                    missing.setdefault(dep, []).append(f.name)
        if missing:
            listed = "; ".join(f"{dep} (imported by {', '.join(by)})" for dep, by in sorted(missing.items()))
            raise SchemaError(QT_TRANSLATE_NOOP(
                "SchemaError", "{origin}: {n} import(s) could not be resolved: {listed}").format(
                origin=origin, n=len(missing), listed=listed))
        return self.add_file_descriptor_set(fds)

    def load_descriptor_set(self, path: str | os.PathLike[str]) -> list[str]:
        """Load a FileDescriptorSet file (.desc / .pb / .binpb)."""
        p = Path(path)
        try:
            data = p.read_bytes()
        except OSError as err:
            raise SchemaError(QT_TRANSLATE_NOOP(
                "SchemaError", "cannot read descriptor set {path}: {strerror}").format(
                path=p, strerror=err.strerror)) from None
        fds = descriptor_pb2.FileDescriptorSet()
        try:
            fds.ParseFromString(data)
        except DecodeError as err:
            raise SchemaError(QT_TRANSLATE_NOOP(
                "SchemaError", "{path} is not a FileDescriptorSet: {err}").format(path=p, err=err)) from None
        if not fds.file:
            raise SchemaError(QT_TRANSLATE_NOOP(
                "SchemaError", "{path} contains no files; is it a FileDescriptorSet?").format(path=p))
        return self.add_file_descriptor_set(fds)

    def compile_protos(
        self, files: Sequence[str | os.PathLike[str]], include_paths: Iterable[str | os.PathLike[str]] = ()
    ) -> list[str]:
        """Compile .proto files (or directories of them) with grpcio-tools' protoc and load them.

        Import resolution follows protoc: the given include paths in order, then each file's own
        directory (so a lone file works without -I), the project's proto/ directory, and the
        bundled well-known types.
        """
        fds = compile_to_descriptor_set(files, include_paths)
        return self.add_file_descriptor_set(fds)

    # -- lookup ----------------------------------------------------------------------------------

    @property
    def files(self) -> list[str]:
        return list(self._files)

    def message_types(self) -> list[str]:
        """Full names of every message type loaded (map-entry helper types left out), sorted."""
        names: list[str] = []

        def walk(desc: Descriptor) -> None:
            if desc.GetOptions().map_entry:
                return
            names.append(desc.full_name)
            for nested in desc.nested_types:
                walk(nested)

        for fname in self._files:
            for desc in self.pool.FindFileByName(fname).message_types_by_name.values():
                walk(desc)
        return sorted(names)

    def find(self, name: str) -> Descriptor:
        """A message descriptor by full name, or by an unambiguous suffix ("JobSpec", "v1.JobSpec")."""
        name = name.lstrip(".")
        if name.startswith("type.googleapis.com/"):
            name = name.split("/", 1)[1]
        try:
            return self.pool.FindMessageTypeByName(name)
        except KeyError:
            pass
        matches = [n for n in self.message_types() if n == name or n.endswith("." + name)]
        if len(matches) == 1:
            return self.pool.FindMessageTypeByName(matches[0])
        if matches:
            raise SchemaError(QT_TRANSLATE_NOOP(
                "SchemaError", "type {name!r} is ambiguous: {names}").format(name=name, names=', '.join(matches[:10])))
        raise SchemaError(QT_TRANSLATE_NOOP(
            "SchemaError", "message type {name!r} is not loaded (load a .proto or "
            "descriptor set that defines it)").format(
            name=name))

    def message_class(self, name: str) -> type[PbMessage]:
        return message_factory.GetMessageClass(self.find(name))

    def new(self, name: str) -> PbMessage:
        return self.message_class(name)()

    def parse(self, name: str, data: bytes | memoryview) -> PbMessage:
        """Parse bytes as ``name``; raises SchemaError with the runtime's reason if they do not fit."""
        msg = self.new(name)
        try:
            msg.ParseFromString(cast(bytes, data) if isinstance(data, memoryview) else bytes(data))  # a view: in place
        except DecodeError as err:
            raise SchemaError(QT_TRANSLATE_NOOP(
                "SchemaError", "bytes do not parse as {full_name}: {err}").format(
                full_name=msg.DESCRIPTOR.full_name, err=err)) from None
        return msg

    # -- guessing --------------------------------------------------------------------------------

    def guess_types(self, data: bytes, limit: int = 10) -> list[TypeGuess]:
        """Try every loaded type on (a whole-field prefix of) the bytes; best guesses first.

        Ranking: fewest unknown fields (anywhere in the tree), then most known fields. Types that
        recognise nothing are left out. Large inputs are cut at a field boundary near 64 KB so a
        guess over hundreds of types stays interactive.
        """
        sample = _whole_field_prefix(bytes(data), GUESS_SAMPLE_BYTES)
        guesses: list[TypeGuess] = []
        for name in self.message_types():
            cls = message_factory.GetMessageClass(self.pool.FindMessageTypeByName(name))
            try:
                msg = cls.FromString(sample)
            except (DecodeError, RecursionError):
                continue
            known, unknown = _census(msg)
            if known:
                guesses.append(TypeGuess(name, known, unknown))
        guesses.sort(key=lambda g: (g.unknown_fields, -g.known_fields, g.full_name))
        return guesses[:limit]

    # -- conversion ------------------------------------------------------------------------------

    def to_json(self, msg: PbMessage, indent: int | None = 2) -> str:
        """Canonical proto3 JSON with Any unpacked; an Any of an unknown type is a clear error."""
        try:
            return json_format.MessageToJson(
                msg, descriptor_pool=self.pool, preserving_proto_field_name=True, indent=indent
            )
        except (TypeError, KeyError) as err:
            raise SchemaError(
                QT_TRANSLATE_NOOP(
                "SchemaError", "cannot write JSON: {err} (load the schema of the "
                "packed type, or use text format)").format(
                err=err)
            ) from None
        except DecodeError as err:  # JSON must expand every Any; this one packs damaged bytes
            raise SchemaError(QT_TRANSLATE_NOOP(
                "SchemaError", "cannot write JSON: a google.protobuf.Any packs bytes that do not parse ({err}); text "
                "format or raw shows them").format(err=err)) from None
        except json_format.SerializeToJsonError as err:  # a Duration / Timestamp out of JSON's range
            raise SchemaError(QT_TRANSLATE_NOOP(
                "SchemaError", "cannot write JSON: {err} (JSON has no form for it; text format or raw shows the value "
                "as it is)").format(err=err)) from None

    def write_json(self, msg: PbMessage, write: Callable[[str], object], indent: int | None = 2,
                   size: int | None = None) -> None:
        """``write(self.to_json(msg, indent))`` in pieces, byte-identical, without the whole-message dict.

        json_format turns the whole message into Python objects before it writes (40-65x the wire
        size in memory). When the bulk of a large message is in top-level repeated message fields,
        this writes the top object field by field and those fields' elements one at a time, each
        through json_format and re-indented to its depth. Anything whose printing it cannot match
        exactly (small messages, well-known types, maps, extensions, types that hold an Any, no
        indent) goes the whole-message way. A Duration / Timestamp out of JSON's range still raises
        SchemaError, but what came before it has been written. ``size`` is the message's wire size
        when the caller knows it (upb's ByteSize serialises the whole message to count it)."""
        if not self._streamable_json(msg, indent, size):
            write(self.to_json(msg, indent))
            return
        assert indent is not None
        try:
            _write_json_fields(msg, write, indent, self.pool)
        except json_format.SerializeToJsonError as err:
            raise SchemaError(QT_TRANSLATE_NOOP(
                "SchemaError", "cannot write JSON: {err} (JSON has no form for it; text format or raw shows the value "
                "as it is)").format(err=err)) from None

    def write_text(self, msg: PbMessage, write: Callable[[str], object], size: int | None = None) -> None:
        """``write(self.to_text(msg))`` in pieces (text_format's printer writing straight out), for
        types that hold no Any: only an Any can make the printer start over."""
        if (_STREAM_MIN_BYTES > (msg.ByteSize() if size is None else size) or _holds_any(msg.DESCRIPTOR)
                or msg.DESCRIPTOR.full_name == "google.protobuf.Any" or len(UnknownFieldSet(msg))):
            write(self.to_text(msg))
            return
        buf = io.StringIO()
        for field, value in msg.ListFields():  # text_format's PrintMessage, field by field
            if field.is_repeated and field.message_type is not None and not _is_map(field):
                for elem in value:
                    text_format.PrintField(field, elem, buf, print_unknown_fields=True)  # no Any: no pool
                    if buf.tell() >= _CHUNK:
                        write(buf.getvalue())
                        buf.seek(0)
                        buf.truncate()
            else:
                buf.write(text_format.MessageToString(_only(msg, field, value), descriptor_pool=self.pool,
                                                      print_unknown_fields=True))
        write(buf.getvalue())

    def _streamable_json(self, msg: PbMessage, indent: int | None, size: int | None) -> bool:
        desc = msg.DESCRIPTOR
        if indent is None or indent <= 0 or desc.full_name in _WELL_KNOWN:
            return False
        if _holds_any(desc) or (msg.ByteSize() if size is None else size) < _STREAM_MIN_BYTES:
            return False
        return not any(f.is_extension or _is_map(f) for f, _ in msg.ListFields())

    def to_text(self, msg: PbMessage) -> str:
        """Text format with Any expanded where the type is known and unknown fields printed.

        An Any that packs bytes its type does not parse makes the printer raise; then no Any is
        expanded (each shows its type_url and value bytes) and a leading comment says why."""
        try:
            return text_format.MessageToString(msg, descriptor_pool=self.pool, print_unknown_fields=True)
        except DecodeError as err:
            plain = text_format.MessageToString(msg, descriptor_pool=descriptor_pool.DescriptorPool(),
                                                print_unknown_fields=True)
            return f"# Any values are shown as bytes: one packs bytes that do not parse ({err})\n{plain}"

    def from_json(self, name: str, text: str) -> PbMessage:
        msg = self.new(name)
        first = text.lstrip()[:1]
        special = msg.DESCRIPTOR.full_name.startswith("google.protobuf.")  # wrappers, Timestamp, Value: not objects
        if first and first != "{" and not special:  # protobuf's own message is a bare TypeError/AttributeError
            raise SchemaError(QT_TRANSLATE_NOOP(
                "SchemaError", "JSON for {full_name} must be a JSON object {{...}}; "
                "this document starts with {first!r}").format(
                full_name=msg.DESCRIPTOR.full_name, first=first))
        try:
            json_format.Parse(text, msg, descriptor_pool=self.pool)
        except json_format.ParseError as err:
            raise SchemaError(QT_TRANSLATE_NOOP(
                "SchemaError", "JSON does not fit {full_name}: {err}").format(
                full_name=msg.DESCRIPTOR.full_name, err=err)) from None
        return msg

    def from_text(self, name: str, text: str) -> PbMessage:
        msg = self.new(name)
        try:
            text_format.Parse(text, msg, descriptor_pool=self.pool)
        except text_format.ParseError as err:
            raise SchemaError(QT_TRANSLATE_NOOP(
                "SchemaError", "text does not fit {full_name}: {err}").format(
                full_name=msg.DESCRIPTOR.full_name, err=err)) from None
        return msg

    def unpack_any(self, any_msg: PbMessage) -> PbMessage | None:
        """The message inside a google.protobuf.Any, or None when its type is not loaded."""
        type_url: str = getattr(any_msg, "type_url")
        value: bytes = getattr(any_msg, "value")
        try:
            desc = self.pool.FindMessageTypeByName(type_url.rsplit("/", 1)[-1])
        except KeyError:
            return None
        inner = message_factory.GetMessageClass(desc)()
        inner.ParseFromString(value)
        return inner


def _normalised(fdp: descriptor_pb2.FileDescriptorProto) -> bytes:
    """Serialised file without the parts that differ between protoc output and CopyToProto."""
    copy = descriptor_pb2.FileDescriptorProto()
    copy.CopyFrom(fdp)
    copy.ClearField("source_code_info")

    def strip(msgs: Iterable[descriptor_pb2.DescriptorProto]) -> None:
        for m in msgs:
            for f in m.field:
                f.ClearField("json_name")
            for f in m.extension:
                f.ClearField("json_name")
            strip(m.nested_type)

    strip(copy.message_type)
    for f in copy.extension:
        f.ClearField("json_name")
    return copy.SerializeToString(deterministic=True)


def _whole_field_prefix(data: bytes, limit: int) -> bytes:
    if len(data) <= limit:
        return data
    top = schemaless_decode(data)
    end = 0
    for i in range(len(top)):
        e = top.span_at(i)[3]
        if e > limit and end:
            break
        end = e
    return data[:end]


def _census(msg: PbMessage) -> tuple[int, int]:
    """(known fields set, unknown fields) over the whole message tree."""
    unknown = len(UnknownFieldSet(msg))
    known = 0
    for fd, value in msg.ListFields():
        if fd.type == FieldDescriptor.TYPE_MESSAGE or fd.type == FieldDescriptor.TYPE_GROUP:
            mtype = cast(Descriptor, fd.message_type)  # set on every message and group field
            if mtype.GetOptions().map_entry:
                known += len(value)
                vfield = mtype.fields_by_name["value"]
                if vfield.type == FieldDescriptor.TYPE_MESSAGE:
                    for v in value.values():
                        k, u = _census(v)
                        known += k
                        unknown += u
                continue
            items = value if fd.is_repeated else [value]
            for v in items:
                k, u = _census(v)
                known += k + 1
                unknown += u
        else:
            known += len(value) if fd.is_repeated else 1
    return known, unknown


def compile_to_descriptor_set(
    files: Sequence[str | os.PathLike[str]], include_paths: Iterable[str | os.PathLike[str]] = ()
) -> descriptor_pb2.FileDescriptorSet:
    """Run grpcio-tools' protoc on ``files`` and return the FileDescriptorSet (with imports)."""
    includes = [Path(p).resolve() for p in include_paths]
    protos: list[Path] = []
    for f in files:
        p = Path(f).resolve()
        if p.is_dir():
            found = sorted(p.rglob("*.proto"))
            if not found:
                raise SchemaError(QT_TRANSLATE_NOOP(
                    "SchemaError", "no .proto files under {path}").format(path=p))
            protos += found
            if not any(_is_under(p, inc) for inc in includes):
                includes.append(p)
        elif not p.is_file():
            raise SchemaError(QT_TRANSLATE_NOOP(
                "SchemaError", "proto file {path} does not exist").format(path=f))
        else:
            protos.append(p)
            if not any(_is_under(p, inc) for inc in includes):
                includes.append(p.parent)
    for extra in (_project_proto_dir(), BUNDLED_INCLUDE):
        if extra is not None and extra.is_dir() and extra not in includes:
            includes.append(extra)
    with tempfile.TemporaryDirectory(prefix="pelorus-protoc-") as tmp:
        out = Path(tmp) / "set.binpb"
        args = [sys.executable, "-m", "grpc_tools.protoc", f"--descriptor_set_out={out}", "--include_imports"]
        args += [f"-I{inc}" for inc in includes]
        args += [str(p) for p in protos]
        proc = subprocess.run(args, capture_output=True, text=True, check=False)
        output = (proc.stderr + proc.stdout).strip()
        if proc.returncode != 0 or not out.exists():
            raise _compile_error(output, [str(i) for i in includes], [str(p) for p in protos])
        fds = descriptor_pb2.FileDescriptorSet()
        fds.ParseFromString(out.read_bytes())
        return fds


def _project_proto_dir() -> Path | None:
    """Pelorus's own .proto files (so a user's file can import pelorus/v1/...), when installed."""
    try:
        return proto_dir()
    except MissingResources:
        return None


def _is_under(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
        return True
    except ValueError:
        return False


def _compile_error(output: str, searched: list[str], protos: list[str]) -> ProtoCompileError:
    imports = _IMPORT_RE.findall(output)
    missing_files = [m for m in _NOT_FOUND_RE.findall(output) if m not in imports]
    types = _UNDEFINED_RE.findall(output)
    parts: list[str] = []
    if imports:
        parts.append("unresolved import " + ", ".join(f'"{i}"' for i in dict.fromkeys(imports)))
    if types:
        parts.append("undefined type " + ", ".join(f'"{t}"' for t in dict.fromkeys(types)))
    if missing_files and not imports:
        parts.append("file not found " + ", ".join(dict.fromkeys(missing_files)))
    head = "; ".join(parts) if parts else "protoc failed"
    message = (
        f"cannot compile {', '.join(Path(p).name for p in protos)}: {head}. "
        f"Searched: {', '.join(searched)}.\nprotoc said:\n{output}"
    )
    return ProtoCompileError(message, list(dict.fromkeys(imports + types + missing_files)), searched, output)


# -- streaming JSON / text (issue 15: peak memory of a full typed decode) ----------------------------

_STREAM_MIN_BYTES: Final = 1 << 20  # below this the whole-message printers' memory does not matter
_CHUNK: Final = 1 << 16
_WELL_KNOWN: Final = frozenset(f"google.protobuf.{n}" for n in (
    "Any", "Duration", "Timestamp", "FieldMask", "Struct", "Value", "ListValue", "Empty", "DoubleValue", "FloatValue",
    "Int64Value", "UInt64Value", "Int32Value", "UInt32Value", "BoolValue", "StringValue", "BytesValue"))


class _Chunked:
    """A file-like ``write`` that hands ``sink`` pieces of about 64 KB (text_format writes tokens)."""

    def __init__(self, sink: Callable[[str], object]) -> None:
        self._sink = sink
        self._parts: list[str] = []
        self._size = 0

    def write(self, text: str) -> None:
        self._parts.append(text)
        self._size += len(text)
        if self._size >= _CHUNK:
            self.flush()

    def flush(self) -> None:
        if self._parts:
            self._sink("".join(self._parts))
            self._parts.clear()
            self._size = 0


def _is_map(field: FieldDescriptor) -> bool:
    mt = field.message_type
    return mt is not None and mt.GetOptions().map_entry


_ANY_CACHE: dict[str, bool] = {}


def _holds_any(desc: Any) -> bool:
    """Whether a message of this type can contain a google.protobuf.Any at any depth."""
    key = desc.full_name
    hit = _ANY_CACHE.get(key)
    if hit is not None:
        return hit
    seen: set[str] = set()
    stack = [desc]
    found = False
    while stack and not found:
        d = stack.pop()
        if d.full_name == "google.protobuf.Any":
            found = True
        elif d.full_name not in seen:
            seen.add(d.full_name)
            stack.extend(f.message_type for f in d.fields if f.message_type is not None)
    _ANY_CACHE[key] = found
    return found


def _dumps(obj: object, indent: int, depth: int) -> str:
    text = json.dumps(obj, indent=indent, ensure_ascii=True)
    return text.replace("\n", "\n" + " " * (indent * depth)) if depth else text


def _only(msg: PbMessage, field: FieldDescriptor, value: Any) -> PbMessage:
    """A message of ``msg``'s type holding only ``field`` (set to ``value``)."""
    tmp = type(msg)()
    if field.is_extension:
        ext: Any = tmp.Extensions
        if field.is_repeated:
            ext[field].extend(value)
        elif field.message_type is not None:
            ext[field].CopyFrom(value)
        else:
            ext[field] = value
    elif _is_map(field):
        getattr(tmp, field.name).MergeFrom(value)
    elif field.is_repeated:
        getattr(tmp, field.name).extend(value)
    elif field.message_type is not None:
        getattr(tmp, field.name).CopyFrom(value)
    else:
        setattr(tmp, field.name, value)
    return tmp


def _one_field_json(msg: PbMessage, field: FieldDescriptor, value: Any, pool: descriptor_pool.DescriptorPool) -> object:
    """What json_format prints for one (non-map) field of ``msg``: a copy holding only it, printed."""
    tmp = _only(msg, field, value)
    js = json_format.MessageToDict(tmp, preserving_proto_field_name=True, descriptor_pool=pool)
    return js[field.name]


def _write_json_fields(msg: PbMessage, write: Callable[[str], object], indent: int,
                       pool: descriptor_pool.DescriptorPool) -> None:
    """json.dumps(MessageToDict(msg), indent=indent) for a message with no map or extension set."""
    pad1 = " " * indent
    pad2 = pad1 * 2
    fields = msg.ListFields()
    if not fields:
        write("{}")
        return
    write("{")
    for n, (field, value) in enumerate(fields):
        head = ("," if n else "") + "\n" + pad1 + json.dumps(field.name, ensure_ascii=True) + ": "
        if field.is_repeated and field.message_type is not None:
            write(head + "[")
            out = _Chunked(write)
            for k, elem in enumerate(value):
                js = json_format.MessageToDict(elem, preserving_proto_field_name=True, descriptor_pool=pool)
                out.write(("," if k else "") + "\n" + pad2 + _dumps(js, indent, 2))
            out.flush()
            write("\n" + pad1 + "]")  # a repeated field is listed only when it has elements
        else:
            write(head + _dumps(_one_field_json(msg, field, value, pool), indent, 1))
    write("\n}")
