"""Writing results without ever leaving half of them: atomic files and folders, manifests.

A run folder is written under a temporary name beside its final place and renamed when
every file is complete, so a folder either holds a whole run or does not exist.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Any, Iterator

import pandas as pd
import yaml

PACKAGES = ("prevsim", "mesa", "numpy", "scipy", "networkx", "pandas", "pyarrow",
            "hydra-core", "omegaconf", "matplotlib")
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def now_iso() -> str:
    """Current UTC time, ISO 8601 (seconds)."""
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


@functools.cache
def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def package_versions() -> dict[str, str]:
    """Installed versions of the packages results depend on (looked up once per process:
    a sweep writes one manifest per job)."""
    return dict(_versions())


@functools.cache
def git_commit(root: Path = PROJECT_ROOT) -> str:
    """``HEAD`` of the project's repository (``+dirty`` if it has changes), or unknown;
    as of the first call in this process (the code it runs was loaded then)."""
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True,
                              text=True, timeout=10, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               cwd=root, capture_output=True, text=True, timeout=10,
                               check=True).stdout.strip()
        return head + ("+dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def command_line() -> str:
    """How this process was started, as a user would type it."""
    prog = Path(sys.argv[0])
    if prog.name == "__main__.py":
        prog_text = f"python -m {prog.parent.name}"
    elif prog.suffix == ".py":
        module = prog.stem
        prog_text = f"python -m sim.{module}" if prog.parent.name == "sim" else f"python {prog}"
    else:
        prog_text = prog.name
    return " ".join([prog_text, *sys.argv[1:]])


def manifest(config: Any, seeds: list[int], started: str, **extra: Any) -> dict[str, Any]:
    """Provenance of an output folder: config, seeds, versions, commit, times."""
    return {
        "config": dataclasses.asdict(config) if dataclasses.is_dataclass(config) else config,
        "seeds": list(seeds),
        "versions": package_versions(),
        "git_commit": git_commit(),
        "command": command_line(),
        "started": started,
        "finished": now_iso(),
        **extra,
    }


@contextlib.contextmanager
def atomic_dir(final: Path) -> Iterator[Path]:
    """Yield a temporary folder beside ``final``; rename it to ``final`` on success.

    Raises FileExistsError (before any work) if ``final`` exists: results are never
    overwritten. On error the temporary folder is removed and nothing is left.
    """
    final = Path(final)
    if final.exists():
        raise FileExistsError(f"{final} already exists; results are never overwritten")
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".tmp", dir=final.parent))
    try:
        yield tmp
        _default_mode(tmp, 0o777)   # mkdtemp makes 0700: results are for sharing
        os.replace(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def write_atomic(path: Path, write) -> Path:
    """Call ``write(tmp_path)`` then rename the temporary file to ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        _default_mode(Path(tmp), 0o666)  # mkstemp makes 0600
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _default_mode(path: Path, mode: int) -> None:
    """Give a temporary file or folder the permissions a normal one would get (umask)."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, mode & ~umask)


def write_json(path: Path, data: Any) -> Path:
    """JSON, atomically, with stable key order (``nan`` written as null)."""
    text = json.dumps(_jsonable(data), indent=2, allow_nan=False) + "\n"
    return write_atomic(path, lambda p: p.write_text(text, encoding="utf-8"))


def write_yaml(path: Path, data: Any) -> Path:
    """YAML, atomically (dataclasses become mappings)."""
    if dataclasses.is_dataclass(data):
        data = dataclasses.asdict(data)
    text = yaml.safe_dump(_jsonable(data), sort_keys=False, allow_unicode=True)
    return write_atomic(path, lambda p: p.write_text(text, encoding="utf-8"))


def write_table(path: Path, frame: pd.DataFrame) -> Path:
    """A table, atomically: Parquet or CSV by the file's extension."""
    if Path(path).suffix == ".parquet":
        return write_atomic(path, lambda p: frame.to_parquet(p, index=False))
    return write_atomic(path, lambda p: frame.to_csv(p, index=False))


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, float) and value != value:
        return None
    if hasattr(value, "item") and callable(value.item):  # numpy scalars
        return _jsonable(value.item())
    return value
