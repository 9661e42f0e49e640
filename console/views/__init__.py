"""Widgets, windows and dialogs. They hold no business rules: they show models and ask the
session to act."""
