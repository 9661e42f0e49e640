"""The committed code under pelorus/api must match proto/: regenerate with
`python pelorus/api/regenerate.py` when this fails."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from google.protobuf import descriptor_pb2

import pelorus.api as api

ROOT = Path(__file__).resolve().parents[2]


def _regenerate_module():  # the script is not importable as pelorus.api.* on purpose
    spec = importlib.util.spec_from_file_location("regenerate", ROOT / "pelorus" / "api" / "regenerate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _strip_json_names(messages) -> None:
    """protoc fills json_name in descriptor sets but not in embedded descriptors."""
    for message in messages:
        for field in message.field:
            field.ClearField("json_name")
        _strip_json_names(message.nested_type)


def test_committed_descriptors_match_the_protos() -> None:
    regen = _regenerate_module()
    fresh = descriptor_pb2.FileDescriptorSet.FromString(regen.descriptor_set())
    fresh_by_name = {f.name: f for f in fresh.file}
    committed = {}
    for name in api.__all__:
        module = getattr(api, name)
        if name.endswith("_pb2"):
            # serialized_pb is exactly what protoc embedded when the module was generated
            fd = descriptor_pb2.FileDescriptorProto.FromString(module.DESCRIPTOR.serialized_pb)
            committed[fd.name] = fd
    assert set(committed) == set(fresh_by_name), "a .proto was added or removed: regenerate pelorus/api"
    for name, fd in committed.items():
        want = fresh_by_name[name]
        want.ClearField("source_code_info")
        _strip_json_names(want.message_type)
        assert fd.SerializeToString(deterministic=True) == want.SerializeToString(deterministic=True), (
            f"{name} changed since pelorus/api was generated: run `python pelorus/api/regenerate.py`")


def test_every_service_method_has_a_stub() -> None:
    for module_name in ("job_service", "pod_service", "watch_service"):
        pb2 = getattr(api, f"{module_name}_pb2")
        grpc_module = getattr(api, f"{module_name}_pb2_grpc")
        for service in pb2.DESCRIPTOR.services_by_name.values():
            stub_source = Path(grpc_module.__file__).read_text()
            for method in service.methods:
                assert f"/{service.full_name}/{method.name}" in stub_source, (
                    f"{service.name}.{method.name} has no stub: regenerate pelorus/api")


def test_generated_imports_use_the_package_path() -> None:
    for path in (ROOT / "pelorus" / "api" / "v1").glob("*.py"):
        assert "from pelorus.v1 import" not in path.read_text(), f"{path.name}: run regenerate.py"


def test_generated_grpc_code_accepts_every_grpcio_the_project_accepts() -> None:
    """GRPC_GENERATED_VERSION (the oldest grpcio the stubs import under) is pyproject's grpcio
    lower bound, set by regenerate.py, not whatever grpcio-tools ran last."""
    lower = _regenerate_module().grpcio_lower_bound()
    for module_name in ("job_service", "pod_service", "watch_service"):
        module = getattr(api, f"{module_name}_pb2_grpc")
        assert module.GRPC_GENERATED_VERSION == lower, (
            f"{module_name}_pb2_grpc.py wants grpcio {module.GRPC_GENERATED_VERSION}, pyproject.toml allows {lower}: "
            "run `python pelorus/api/regenerate.py`")


def test_the_lower_bound_is_read_as_three_numbers(tmp_path: Path) -> None:
    regen = _regenerate_module()
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[project]\ndependencies = ["grpcio-tools>=2.0", "grpcio >= 1.85", "x"]\n')
    assert regen.grpcio_lower_bound(pyproject) == "1.85.0"
    pyproject.write_text('[project]\ndependencies = ["grpcio>=1.86.2,<2"]\n')
    assert regen.grpcio_lower_bound(pyproject) == "1.86.2"
