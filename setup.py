"""The optional C extension (the raw decode's hot loop); everything else is declared in pyproject.toml.

``optional=True``: an install without a C compiler or Python headers still succeeds, and the pure-Python
renderer (pelorus/protobuf/render.py, the reference the extension is tested against) is used instead.
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension("pelorus.protobuf._rawwire", ["pelorus/protobuf/_rawwire.c"], optional=True,
                  extra_compile_args=["-O2"]),
    ],
)
