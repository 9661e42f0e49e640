"""Regenerate pelorus/api/v1 from proto/pelorus/v1.

    python pelorus/api/regenerate.py

protoc writes `from pelorus.v1 import x_pb2`; we rewrite that to the package path
(`pelorus.api.v1`) so the generated code imports without touching sys.path.
"""

from __future__ import annotations

import re
import shutil
import sys
import tempfile
from pathlib import Path

import grpc_tools
from grpc_tools import protoc

ROOT = Path(__file__).resolve().parents[2]
PROTO_DIR = ROOT / "proto"
OUT_DIR = Path(__file__).resolve().parent
PACKAGE_PATH = "pelorus.api.v1"
_IMPORT = re.compile(r"^from pelorus\.v1 import ", re.MULTILINE)


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
    for path in sorted((out_dir / "pelorus" / "v1").glob("*.py*")):
        text = path.read_text()
        if path.name.endswith("_pb2_grpc.py") and "class " not in text:
            path.unlink()  # a file without services gets an empty stub module; drop it
            continue
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
