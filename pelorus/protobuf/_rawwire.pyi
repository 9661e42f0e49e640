"""The C raw-text renderer (pelorus/protobuf/_rawwire.c); render.native_raw_text says whether it is used."""

from typing import Any, Literal, overload

def runs(buf: Any, start: int, stop: int) -> dict[int, int]: ...

@overload
def raw_text(buf: Any, start: int, stop: int, indent: str, depth: int = 0, runs: bool = True,
             as_bytes: Literal[False] = False) -> str: ...
@overload
def raw_text(buf: Any, start: int, stop: int, indent: str, depth: int = 0, runs: bool = True, *,
             as_bytes: Literal[True]) -> bytes: ...
