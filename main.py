"""Pelorus: `python main.py` opens the console on the embedded engine; see console/cli.py."""

from console.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
