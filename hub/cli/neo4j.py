"""``credit-hub neo4j start|stop|status``: the local Neo4j 5.26 Community (``graph.local``),
sized by the settings (``Settings.local_neo4j``), in ``--data-dir`` or the settings' data dir."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from graph import local
from hub.settings import Settings


def install(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    neo4j = sub.add_parser("neo4j", help="the local Neo4j 5.26 Community").add_subparsers(
        required=True, metavar="ACTION"
    )
    start = neo4j.add_parser("start", help="start it (idempotent); prints the bolt URI")
    start.add_argument("--port", type=int, default=7687)
    start.add_argument("--data-dir", type=Path, default=None)
    start.set_defaults(command=_start)
    for name, handler in (("stop", _stop), ("status", _status)):
        action = neo4j.add_parser(name)
        action.add_argument("--data-dir", type=Path, default=None)
        action.set_defaults(command=handler)


def _data_dir(args: argparse.Namespace, settings: Settings) -> Path:
    return Path(args.data_dir) if args.data_dir else settings.data_dir


def _start(args: argparse.Namespace, settings: Settings) -> int:
    started = time.perf_counter()
    data_dir = _data_dir(args, settings)
    uri = local.start(data_dir, port=args.port, config=settings.local_neo4j)
    print(uri)
    print(f"# ready in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    print(f"# user neo4j, password in {local.password_file(data_dir)}", file=sys.stderr)
    return 0


def _stop(args: argparse.Namespace, settings: Settings) -> int:
    stopped = local.stop(_data_dir(args, settings), config=settings.local_neo4j)
    print("stopped" if stopped else "not running")
    return 0


def _status(args: argparse.Namespace, settings: Settings) -> int:
    status = local.status(_data_dir(args, settings))
    if status.running:
        print(f"running pid={status.pid} {status.uri}")
        return 0
    print("not running")
    return 3
