"""Writing results without ever leaving half of them, nor anywhere else.

* Atomic files and folders: a run folder is written under a temporary name beside its
  final place and renamed when every file is complete, so a folder either holds a whole
  run or does not exist. Temporary names say which host and process made them
  (``.<name>.<host>.<pid>.<random>.tmp``), so :func:`clean_stale_temps` removes only
  those of processes that are gone.
* Containment: inside :func:`writing_under`, every file and folder written here must
  resolve (symbolic links followed) inside the chosen folder; :class:`OutsideError`
  otherwise.
* One process per sweep folder: :class:`FolderLock`, an OS lock on ``sweep.lock``.
* Operating-system failures as one line saying what to do: :func:`describe_os_error`.
* Manifests: config, seeds, versions, git commit, command, times.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import datetime as dt
import errno
import fcntl
import functools
import json
import os
import platform
import re
import shutil
import socket
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
#: Where results go unless the user chooses a folder (run_dir, hydra.sweep.dir).
RESULTS = Path("results")
LOCK_NAME = "sweep.lock"


class OutsideError(ValueError):
    """A file would be written outside the folder chosen for results."""


# ---------------------------------------------------------------- containment
_ROOT: contextvars.ContextVar[Path | None] = contextvars.ContextVar("prevsim_root",
                                                                   default=None)


@contextlib.contextmanager
def writing_under(root: Path) -> Iterator[Path]:
    """Within this block, everything written by this module must resolve inside
    ``root`` (checked on the real path: a symbolic link cannot lead out either)."""
    real = Path(os.path.realpath(root))
    token = _ROOT.set(real)
    try:
        yield real
    finally:
        _ROOT.reset(token)


def host_name() -> str:
    """This host's name as it appears in temporary file names."""
    return _host()


def check_inside(path: Path, root: Path | None = None) -> Path:
    """``path`` (which need not exist yet), unless its real path leaves ``root`` (by
    default the folder of :func:`writing_under`; no check outside such a block)."""
    root = Path(os.path.realpath(root)) if root is not None else _ROOT.get()
    if root is None:
        return Path(path)
    real = Path(os.path.realpath(path))
    if real != root and root not in real.parents:
        raise OutsideError(f"{path} resolves to {real}, outside {root}, the folder results "
                           "go to (a symbolic link leads out of it); remove the link, or "
                           "choose where results go with run_dir= or hydra.sweep.dir=")
    return Path(path)


# ---------------------------------------------------------------- temporary files
def _host() -> str:
    return re.sub(r"[^A-Za-z0-9-]", "-", socket.gethostname())[:40] or "host"


def _temp_prefix(name: str) -> str:
    """``.<name>.<host>.<pid>.``: who made a temporary file, for :func:`clean_stale_temps`."""
    return f".{name}.{_host()}.{os.getpid()}."


_TEMP = re.compile(r"^\..+\.(?P<host>[A-Za-z0-9-]+)\.(?P<pid>\d+)\.[^.]+\.tmp$")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def clean_stale_temps(folder: Path, name: str = "") -> list[Path]:
    """Remove the temporary files and folders in ``folder`` (those of ``name`` only, if
    given) left by processes of this host that are gone; returns what was removed.

    A temporary file of a live process, or of another host (a cluster node, which this
    host cannot ask), is left alone: only the process that made it removes it."""
    removed = []
    if not Path(folder).is_dir():
        return removed
    for path in Path(folder).glob(f".{name}*.tmp" if name else ".*.tmp"):
        match = _TEMP.match(path.name)
        if not match or match["host"] != _host() or _alive(int(match["pid"])):
            continue
        check_inside(path.parent)
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        removed.append(path)
    return removed


# ---------------------------------------------------------------- errors
#: What to do about the operating-system errors a run can meet while writing.
ADVICE = {
    errno.ENOSPC: "free disk space, or write elsewhere (run_dir=… or hydra.sweep.dir=…)",
    errno.EDQUOT: "free space in your quota, or write elsewhere (run_dir=… or "
                  "hydra.sweep.dir=…)",
    errno.EACCES: "check the folder's permissions, or write elsewhere (run_dir=… or "
                  "hydra.sweep.dir=…)",
    errno.EPERM: "check the folder's permissions, or write elsewhere (run_dir=… or "
                 "hydra.sweep.dir=…)",
    errno.EROFS: "the file system is read-only: write elsewhere (run_dir=… or "
                 "hydra.sweep.dir=…)",
    errno.ENAMETOOLONG: "use a shorter folder or name",
    errno.ENOTDIR: "a file stands where a folder is needed: move it or write elsewhere",
    errno.EEXIST: "choose another name (results are never overwritten)",
}


def describe_os_error(exc: OSError, doing: str = "write") -> str:
    """One line: the path, what failed and what to do (no traceback)."""
    path = exc.filename if exc.filename is not None else "a file"
    reason = exc.strerror or type(exc).__name__
    advice = ADVICE.get(exc.errno, "check the path and try again")
    return f"cannot {doing} {path}: {reason}; {advice}"


# ---------------------------------------------------------------- one process per folder
class FolderBusy(RuntimeError):
    """Another process holds the folder's lock; ``holder`` says who (as it wrote it)."""

    def __init__(self, folder: Path, holder: dict[str, Any]):
        self.folder, self.holder = folder, holder
        who = (f"process {holder.get('pid', '?')} on {holder.get('host', '?')}, started "
               f"{holder.get('started', '?')}: {holder.get('command', '?')}"
               if holder else "another process")
        super().__init__(f"{folder} is in use by {who}")


class FolderLock:
    """An exclusive OS lock (``flock``) on ``<folder>/sweep.lock``, held until
    :meth:`release` or the process ends (a killed process leaves no stale lock).

    The holder writes who it is into the file; a second process reads it to say who
    holds the folder. Taking the lock creates the folder and the lock file if needed,
    and nothing else: a process that does not get the lock has written nothing else.
    """

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.path = self.folder / LOCK_NAME
        self._fd: int | None = None

    def acquire(self, wait: bool = False, on_wait=None) -> "FolderLock":
        """Take the lock; if another process holds it, raise :class:`FolderBusy`, or
        with ``wait`` call ``on_wait(holder)`` once and block until it is free."""
        check_inside(self.folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        try:  # never through a link: the lock file is written to
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o666)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise OutsideError(f"{self.path} is a symbolic link; remove it (a sweep "
                                   "folder's lock file is written to)") from None
            raise
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = self.holder()
                if not wait:
                    raise FolderBusy(self.folder, holder) from None
                if on_wait is not None:
                    on_wait(FolderBusy(self.folder, holder))
                fcntl.flock(fd, fcntl.LOCK_EX)
            info = json.dumps({"pid": os.getpid(), "host": socket.gethostname(),
                               "started": now_iso(), "command": command_line()})
            os.ftruncate(fd, 0)
            os.pwrite(fd, (info + "\n").encode(), 0)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd
        return self

    def holder(self) -> dict[str, Any]:
        """Who holds the lock, as they wrote it (empty if unreadable)."""
        try:
            return json.loads(self.path.read_text(encoding="utf-8") or "{}")
        except (OSError, ValueError):
            return {}

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    @property
    def held(self) -> bool:
        return self._fd is not None


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
    check_inside(final.parent)
    if final.exists():
        raise FileExistsError(f"{final} already exists; results are never overwritten")
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=_temp_prefix(final.name), suffix=".tmp",
                                dir=final.parent))
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
    check_inside(path.parent)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=_temp_prefix(path.name), suffix=".tmp",
                               dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        _default_mode(Path(tmp), 0o666)  # mkstemp makes 0600
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise _naming(exc, path) from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _naming(exc: OSError, path: Path) -> OSError:
    """``exc`` with the file it was writing and its error number, where the library that
    raised it gave neither (pyarrow: "[errno 28] Error writing bytes to file")."""
    if exc.errno is not None and exc.filename is not None:
        return exc
    found = re.search(r"errno (\d+)", str(exc))
    number = exc.errno if exc.errno is not None else int(found[1]) if found else None
    reason = os.strerror(number) if number is not None else str(exc)
    return type(exc)(number, reason, str(path)) if number is not None else OSError(
        errno.EIO, reason, str(path))


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
