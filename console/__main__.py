"""`python -m console [ARGS]`: the same as `pelorus [ARGS]` (the desktop entry starts this)."""

from console.cli import main

raise SystemExit(main())
