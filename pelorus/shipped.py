"""The files Pelorus ships beside its code: demo job specs, icons, the API's .proto files.

They live at the checkout's top level (resources/, proto/). pelorus/resources and pelorus/proto
are symlinks to those folders, and pyproject.toml lists them as package data, so a wheel carries
copies of the files inside the `pelorus` package. Looking them up through importlib.resources
therefore finds the same files in a checkout, an editable install and a wheel installed
anywhere, whatever the working directory.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path


class MissingResources(RuntimeError):
    """A shipped folder is absent: the installation is incomplete (or zipped)."""


def _shipped_dir(name: str) -> Path:
    found = resources.files("pelorus").joinpath(name)
    if not isinstance(found, Path) or not found.is_dir():
        # Not a plain directory: a zipped install, or a build that left the package data out.
        raise MissingResources(
            f"Pelorus's {name}/ folder is not installed beside the pelorus package ({found}); "
            "reinstall Pelorus (pip install .) from a complete checkout")
    return found


def resources_dir() -> Path:
    """resources/: the desktop entry, the icon and demo/."""
    return _shipped_dir("resources")


def demo_dir() -> Path:
    """The demo job specs (YAML, one job per file)."""
    return resources_dir() / "demo"


def proto_dir() -> Path:
    """The import root of Pelorus's own .proto files (pelorus/v1/*.proto under it)."""
    return _shipped_dir("proto")


def icon_path() -> Path:
    """The application icon (SVG)."""
    return resources_dir() / "pelorus.svg"
