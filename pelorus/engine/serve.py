"""`python main.py engine serve` / `pelorus-engine`: run the engine until SIGTERM/SIGINT.

Default: a unix socket in the data directory, readable only by the user, no tokens.
`--listen HOST:PORT` is for a team's remote engine: it needs TLS and a tokens file,
unless `--insecure` says, explicitly, that neither is wanted.

`--config FILE` reads the same settings from YAML: each key is a flag's name without the
dashes (`ray-address: http://head:8265`; `ray_address` works too), flags given on the
command line win, and relative paths in the file are relative to the file. Unknown keys
and values of the wrong type are refused with the key's name, before anything starts.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import resource
import sys
from pathlib import Path
from typing import Any

import yaml

from pelorus.engine.auth import load_token_file
from pelorus.engine.guard import DEFAULT_MAX_STREAMS_PER_CLIENT
from pelorus.engine.paths import default_data_dir
from pelorus.engine.privacy import NotPrivate, check_secret_file
from pelorus.engine.server import DataDirLocked, ServeOptions, run_until_signal


def build_parser(prog: str = "pelorus-engine") -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=prog, description="Run the Pelorus job engine.")
    p.add_argument("--config", type=Path, metavar="FILE",
                   help="YAML file with the same settings as the flags (keys: the flag names, e.g. "
                        "'ray-address'); command-line flags override it")
    p.add_argument("--data-dir", type=Path, default=None,
                   help="store, spool and socket directory (default: the user data dir, or $PELORUS_DATA_DIR)")
    p.add_argument("--socket", type=Path, default=None, help="unix socket path (default: DATA_DIR/engine.sock)")
    p.add_argument("--listen", metavar="HOST:PORT", help="also serve TCP; a bare PORT binds 127.0.0.1")
    p.add_argument("--tls-cert", type=Path, help="PEM certificate chain for --listen")
    p.add_argument("--tls-key", type=Path, help="PEM private key for --listen")
    p.add_argument("--tokens-file", type=Path,
                   help="YAML: tokens: [{token: ..., role: viewer|operator|admin, name: ...}]")
    p.add_argument("--insecure", action="store_true",
                   help="allow --listen without TLS and/or without tokens (you take the risk)")
    p.add_argument("--executor", choices=["local", "ray"], default="local",
                   help="what runs pods: local subprocesses (default) or Ray jobs on a Ray cluster")
    p.add_argument("--ray-address", metavar="URL", default=None,
                   help="Ray dashboard / Jobs API address for --executor ray (default: $RAY_ADDRESS "
                        "or http://127.0.0.1:8265)")
    p.add_argument("--ray-autoscaling", action="store_true",
                   help="the Ray cluster may grow (an autoscaler adds nodes): a pod no node can fit yet is "
                        "accepted and shown UNSCHEDULABLE until one joins; without it such a pod is refused "
                        "at create (INVALID_ARGUMENT naming the resource and the largest node)")
    p.add_argument("--max-running-pods", type=int, default=256, help="engine-wide limit on running pods")
    p.add_argument("--max-streams-per-client", type=int, default=DEFAULT_MAX_STREAMS_PER_CLIENT,
                   help="streams (Watch, log follow, listings) one client - its token, else its connection - "
                        "may hold open at once; more fail RESOURCE_EXHAUSTED")
    p.add_argument("--stop-pods-on-exit", action="store_true",
                   help="stop running pods when the engine exits (default: leave them to be re-adopted)")
    p.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    # Hidden knobs for tests: how a job's callback POST is retried.
    p.add_argument("--callback-attempts", type=int, default=None, help=argparse.SUPPRESS)
    p.add_argument("--callback-first-delay", type=float, default=None, help=argparse.SUPPRESS)
    p.add_argument("--watch-buffer", type=int, default=None, help=argparse.SUPPRESS)  # changes per slow watcher
    p.add_argument("--max-cold-jobs", type=int, default=None, help=argparse.SUPPRESS)  # finished jobs in memory
    return p


class ConfigError(ValueError):
    """The config file cannot be used; the message names the file and the key."""


def _config_keys(parser: argparse.ArgumentParser) -> dict[str, argparse.Action]:
    """The flags a config file may set: every documented long option except --config / --help."""
    keys: dict[str, argparse.Action] = {}
    for action in parser._actions:
        longs = [o for o in action.option_strings if o.startswith("--")]
        if not longs or action.help == argparse.SUPPRESS or action.dest in ("config", "help"):
            continue
        keys[longs[0][2:]] = action
    return keys


def _config_value(path: Path, key: str, action: argparse.Action, value: Any) -> Any:
    where = f"{path}: {key!r}"
    if isinstance(action, argparse._StoreTrueAction):
        if not isinstance(value, bool):
            raise ConfigError(f"{where} must be true or false, not {value!r}")
        return value
    if value is None:
        return None
    if action.type is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{where} must be a whole number, not {value!r}")
    elif isinstance(value, (dict, list, bool)) or not isinstance(value, (str, int, float)):
        raise ConfigError(f"{where} must be a string, not {value!r}")
    elif action.type is Path:
        value = Path(str(value)).expanduser()
        return value if value.is_absolute() else (path.parent / value)
    else:
        value = str(value)
    if action.choices is not None and value not in action.choices:
        raise ConfigError(f"{where} must be one of {', '.join(map(str, action.choices))}, not {value!r}")
    return value


def load_config(path: Path, parser: argparse.ArgumentParser) -> dict[str, Any]:
    """The config file's settings as argparse defaults (dest -> value), checked."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror or exc}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"config file {path} is not valid YAML: {exc}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"config file {path} must be a mapping of settings (key: value), not {type(data).__name__}")
    keys = _config_keys(parser)
    out: dict[str, Any] = {}
    for raw_key, value in data.items():
        key = str(raw_key).replace("_", "-")
        action = keys.get(key)
        if action is None:
            raise ConfigError(f"{path}: unknown key {raw_key!r} (known: {', '.join(sorted(keys))})")
        out[action.dest] = _config_value(path, key, action, value)
    return out


def parse_args(argv: list[str] | None, prog: str = "pelorus-engine") -> argparse.Namespace:
    """Flags over the config file over the built-in defaults."""
    parser = build_parser(prog)
    args = parser.parse_args(argv)
    if args.config is None:
        return args
    try:
        defaults = load_config(args.config.expanduser(), parser)
    except ConfigError as exc:
        parser.exit(2, f"{parser.prog}: error: {exc}\n")
    parser.set_defaults(**defaults)
    return parser.parse_args(argv)


def options_from_args(args: argparse.Namespace) -> ServeOptions:
    listen = args.listen
    if listen:
        if listen.isdigit():
            listen = f"127.0.0.1:{listen}"
        elif listen.startswith(":"):
            listen = f"127.0.0.1{listen}"
        has_tls = bool(args.tls_cert and args.tls_key)
        if bool(args.tls_cert) != bool(args.tls_key):
            raise SystemExit("--tls-cert and --tls-key go together")
        if not args.insecure and not has_tls:
            raise SystemExit("--listen needs --tls-cert and --tls-key (or --insecure to serve plaintext)")
        if not args.insecure and not args.tokens_file:
            raise SystemExit("--listen needs --tokens-file (or --insecure to serve without authentication)")
        for path in (args.tls_cert, args.tls_key):
            if path and not path.is_file():
                raise SystemExit(f"TLS file {path} does not exist")
        if args.tls_key:
            _private_or_exit(args.tls_key, "TLS key")
    ray_address = ""
    if args.executor == "ray":
        from pelorus.engine.executors.ray import RayUnavailable, require_ray

        try:
            require_ray()
        except RayUnavailable as exc:
            raise SystemExit(f"pelorus-engine: {exc}") from None
        ray_address = args.ray_address or os.environ.get("RAY_ADDRESS") or "http://127.0.0.1:8265"
    elif args.ray_address and not args.config:  # a config file may keep it for when ray is chosen
        raise SystemExit("--ray-address needs --executor ray")
    elif args.ray_autoscaling and not args.config:
        raise SystemExit("--ray-autoscaling needs --executor ray")
    if args.tokens_file and args.tokens_file.exists():
        _private_or_exit(args.tokens_file, "tokens file")
    tokens, token_names = load_token_file(args.tokens_file) if args.tokens_file else ({}, {})
    return ServeOptions(
        data_dir=(args.data_dir or default_data_dir()).expanduser(), socket=args.socket, listen=listen,
        tls_cert=args.tls_cert, tls_key=args.tls_key, tokens=tokens, token_names=token_names,
        insecure=args.insecure,
        max_running_pods=args.max_running_pods, stop_pods_on_exit=args.stop_pods_on_exit,
        callback_attempts=args.callback_attempts, callback_first_delay=args.callback_first_delay,
        executor=args.executor, ray_address=ray_address, ray_autoscaling=args.ray_autoscaling,
        max_streams_per_client=max(1, args.max_streams_per_client), watch_buffer=args.watch_buffer,
        max_cold_jobs=args.max_cold_jobs,
    )


def _private_or_exit(path: Path, what: str) -> None:
    try:
        check_secret_file(path, what)
    except NotPrivate as exc:
        raise SystemExit(f"pelorus-engine: {exc}") from None


def _raise_fd_limit() -> None:
    """Each running pod holds a few descriptors; the default soft limit (often 1024) is low."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def main(argv: list[str] | None = None, prog: str = "pelorus-engine") -> int:
    args = parse_args(argv, prog)
    logging.basicConfig(level=args.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    options = options_from_args(args)
    _raise_fd_limit()
    try:
        asyncio.run(run_until_signal(options))
    except (DataDirLocked, NotPrivate) as exc:
        print(f"pelorus-engine: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
