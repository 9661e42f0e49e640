"""Pelorus: a desktop admin console and the gRPC job engine behind it."""
