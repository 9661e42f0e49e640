"""Regenerate pelorus/api/v1 from proto/pelorus/v1.

    python pelorus/api/regenerate.py

protoc writes `from pelorus.v1 import x_pb2`; we rewrite that to the package path
(`pelorus.api.v1`) so the generated code imports without touching sys.path.

The *_pb2_grpc.py files refuse to import under a grpcio older than the grpcio-tools that
generated them (`GRPC_GENERATED_VERSION`). That version is set to the grpcio lower bound in
pyproject.toml, so every grpcio the project accepts can import the code, whichever newer
grpcio-tools happened to run here.
"""

from __future__ import annotations

import re
import shutil
import sys
import tempfile
import tomllib
from pathlib import Path

import grpc_tools
from grpc_tools import protoc

ROOT = Path(__file__).resolve().parents[2]
PROTO_DIR = ROOT / "proto"
OUT_DIR = Path(__file__).resolve().parent
PACKAGE_PATH = "pelorus.api.v1"
_IMPORT = re.compile(r"^from pelorus\.v1 import ", re.MULTILINE)
_GENERATED_VERSION = re.compile(r"^GRPC_GENERATED_VERSION = '[^']*'$", re.MULTILINE)
_LOWER_BOUND = re.compile(r"^grpcio\s*>=\s*([0-9]+(?:\.[0-9]+)*)\s*(?:,|$)")


def grpcio_lower_bound(pyproject: Path = ROOT / "pyproject.toml") -> str:
    """The grpcio lower bound of pyproject.toml's dependencies, as three numbers ("1.85" -> "1.85.0")."""
    deps = tomllib.loads(pyproject.read_text())["project"]["dependencies"]
    for dep in deps:
        match = _LOWER_BOUND.match(dep.strip())
        if match:
            parts = match.group(1).split(".")
            return ".".join((parts + ["0", "0"])[:3])
    raise SystemExit("pyproject.toml has no `grpcio>=X` dependency to pin GRPC_GENERATED_VERSION to")


def proto_files() -> list[Path]:
    return sorted((PROTO_DIR / "pelorus" / "v1").glob("*.proto"))


def well_known_include() -> Path:
    return Path(grpc_tools.__file__).resolve().parent / "_proto"


def generate(out_dir: Path) -> None:
    """Run protoc into out_dir and rewrite the imports."""
    args = [
        "protoc",
        f"-I{PROTO_DIR}",
        f"-I{well_known_include()}",
        f"--python_out={out_dir}",
        f"--pyi_out={out_dir}",
        f"--grpc_python_out={out_dir}",
        *[str(p.relative_to(PROTO_DIR)) for p in proto_files()],
    ]
    if protoc.main(args) != 0:
        raise SystemExit("protoc failed; see the messages above")
    lower = grpcio_lower_bound()
    for path in sorted((out_dir / "pelorus" / "v1").glob("*.py*")):
        text = path.read_text()
        if path.name.endswith("_pb2_grpc.py"):
            if "class " not in text:
                path.unlink()  # a file without services gets an empty stub module; drop it
                continue
            text, n = _GENERATED_VERSION.subn(f"GRPC_GENERATED_VERSION = '{lower}'", text)
            if n != 1:
                raise SystemExit(f"{path.name}: found no GRPC_GENERATED_VERSION line to pin to {lower}")
        path.write_text(_IMPORT.sub(f"from {PACKAGE_PATH} import ", text))
    (out_dir / "pelorus" / "v1" / "__init__.py").touch()


def descriptor_set() -> bytes:
    """The FileDescriptorSet protoc builds from proto/ today (for the staleness test)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "set.binpb"
        args = ["protoc", f"-I{PROTO_DIR}", f"-I{well_known_include()}",
                f"--descriptor_set_out={out}", *[str(p.relative_to(PROTO_DIR)) for p in proto_files()]]
        if protoc.main(args) != 0:
            raise RuntimeError("protoc failed")
        return out.read_bytes()


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        generate(Path(tmp))
        target = OUT_DIR / "v1"
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(Path(tmp) / "pelorus" / "v1", target)
    print(f"generated {len(proto_files())} protos into {target.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
