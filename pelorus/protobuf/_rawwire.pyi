"""The C raw-text renderer (pelorus/protobuf/_rawwire.c); render.native_raw_text says whether it is used."""

from typing import Any, Literal, overload

def runs(buf: Any, start: int, stop: int) -> dict[int, int]: ...
def raw_json(buf: Any, start: int, stop: int, first: bool = True, repeated: int = 1, depth: int = 0,
             runs: bool = True) -> bytes: ...

@overload
def raw_text(buf: Any, start: int, stop: int, indent: str, depth: int = 0, runs: bool = True,
             as_bytes: Literal[False] = False) -> str: ...
@overload
def raw_text(buf: Any, start: int, stop: int, indent: str, depth: int = 0, runs: bool = True, *,
             as_bytes: Literal[True]) -> bytes: ...
