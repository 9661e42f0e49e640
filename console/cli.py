"""Command-line entry: `python main.py [COMMAND ...]`.

    python main.py                      open the console on the embedded engine
    python main.py engine serve [...]   run the engine (see --help)
    python main.py proto decode|encode  headless protobuf tools
    python main.py call ADDRESS|--engine [SERVICE/METHOD] [-d JSON|@FILE] [...]
                                        call any gRPC method (see call --help)
    python main.py open FILE [--type T] [--proto P ...] [-I DIR ...] [--descriptor-set F]
                                        the protobuf editor in its own window
    python main.py install-desktop [--uninstall]
                                        add Pelorus to the desktop's application launcher

Only the console and `open` import Qt: `engine`, `proto` and `call` run where PySide6 is not installed.
"""

from __future__ import annotations

import sys

USAGE = __doc__ or ""


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:2] == ["engine", "serve"]:
        from pelorus.engine.serve import main as serve_main

        return serve_main(args[2:], prog="main.py engine serve")
    if args[:1] == ["engine"]:
        print("usage: main.py engine serve [--help]", file=sys.stderr)
        return 2
    if args[:1] == ["proto"]:
        from pelorus.protobuf.cli import main as proto_main

        return proto_main(args[1:])
    if args[:1] == ["call"]:
        from console.call_engine import resolve
        from pelorus.grpccall.cli import main as call_main

        return call_main(args[1:], engine=resolve)
    if args[:1] == ["install-desktop"]:
        from console.desktop_entry import main as desktop_main

        return desktop_main(args[1:])
    if args[:1] == ["open"]:
        from console.views.proto_window import main as open_main

        return open_main(args[1:])
    if args[:1] in (["-h"], ["--help"]):
        print(USAGE)
        return 0
    from console.app import main as app_main

    return app_main(args)


if __name__ == "__main__":
    raise SystemExit(main())
