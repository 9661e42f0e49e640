"""The Pelorus job engine: gRPC servicers over a SQLite store, a scheduler and executors.

Plain Python: nothing here imports Qt (an import-linter contract checks it).
"""
