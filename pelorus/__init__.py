"""Pelorus's Qt-free core: the API, the job engine, the protobuf codec and editor logic, the client.

Everything here runs on a headless server; the desktop app in `console/` is built on top of it
and nothing here imports it (import-linter checks both).
"""
