"""gRPC servicers: translate requests into Engine calls and EngineErrors into statuses.

They hold no rules of their own; everything they decide is in the engine.
"""
