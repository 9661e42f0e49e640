"""Qt model tests run headless: the platform must be chosen before Qt is first imported."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Callable  # noqa: E402

import pytest  # noqa: E402
from models.jobs_factory import make_job  # noqa: E402

from pelorus.api import job_pb2  # noqa: E402


@pytest.fixture
def job() -> Callable[..., job_pb2.JobSummary]:
    """Factory fixture: ``job(i, state="FAILED", ...)``."""
    return make_job
