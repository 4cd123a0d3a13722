"""Hardening (issue 12): nothing escapes results/, nothing non-finite gets in, one
process per sweep folder, every failure a message saying what to do.

Each test runs ``python -m sim`` (or ``python -m sim.report``) as a user would and checks
the exit code, that the message names the field or path, that no traceback is printed,
and that nothing is written where it must not be.
"""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import networkx as nx
import pytest

from sim.study import storage
from tests.conftest import ROOT, run_cli

SMALL = ["horizon_weeks=8", "network.n_parties=20", "study.replications=2",
         "study.progress=false"]


def listing(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


def assert_clean_refusal(result, code: int, *fragments: str) -> None:
    """Exit ``code``, each fragment in the message, no traceback."""
    text = result.stderr + result.stdout
    assert result.returncode == code, text
    for fragment in fragments:
        assert fragment in text, (fragment, text)
    assert "Traceback" not in text, text


# ---------------------------------------------------------------- names and paths
@pytest.mark.parametrize("args,field", [
    (["policy.name=../../../../x"], "policy.name"),
    (["scenario.name=../x"], "scenario.name"),
    (["scenario.name=" + "x" * 300], "scenario.name"),
    (["-m", "policy=none", "study.name=../../../x"], "study.name"),
    (["-m", "policy=none", "study.sweep_name=../../../../x"], "study.sweep_name"),
    (["-m", "policy=none", "study.sweep_name=" + "s" * 300], "study.sweep_name"),
    (["-m", "policy=none", "study.sweep_name=."], "study.sweep_name"),
    (["-m", "policy=none", "study.sweep_name=''"], "study.sweep_name"),
])
def test_names_that_would_leave_results_are_refused(tmp_path, args, field):
    work = tmp_path / "a" / "b" / "c" / "d"
    work.mkdir(parents=True)
    result = run_cli(*args, *SMALL, cwd=work)
    assert_clean_refusal(result, 2, field, "1-64 letters, digits")
    assert listing(tmp_path) == ["a", "a/b", "a/b/c", "a/b/c/d"]


def test_a_link_inside_results_cannot_lead_a_run_out(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    work = tmp_path / "work"
    (work / "results").mkdir(parents=True)
    (work / "results" / "runs").symlink_to(outside)
    result = run_cli(*SMALL, cwd=work)
    assert_clean_refusal(result, 2, "results/runs resolves to", "outside")
    assert listing(outside) == []


def test_a_link_cannot_lead_a_sweep_out(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    work = tmp_path / "work"
    (work / "results").mkdir(parents=True)
    (work / "results" / "mine").symlink_to(outside)
    result = run_cli("-m", "policy=none", "study.name=mine", "study.sweep_name=s", *SMALL,
                     cwd=work)
    assert_clean_refusal(result, 2, "results/mine/s resolves to", "outside")
    assert listing(outside) == []


def test_a_link_inside_a_sweep_folder_fails_the_job_not_the_containment(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    work = tmp_path / "work"
    sweep_dir = work / "results" / "mine" / "s"
    sweep_dir.mkdir(parents=True)
    (sweep_dir / "jobs").symlink_to(outside)
    result = run_cli("-m", "policy=none", "study.name=mine", "study.sweep_name=s", *SMALL,
                     cwd=work)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert listing(outside) == []
    (record,) = (sweep_dir / "failed").glob("*.json")
    assert "resolves to" in json.loads(record.read_text())["error"]


def test_an_explicit_sweep_folder_is_where_the_user_chose(tmp_path):
    chosen = tmp_path / "elsewhere" / "sweep"
    result = run_cli("-m", "policy=none", f"hydra.sweep.dir={chosen}", *SMALL,
                     cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (chosen / "report.md").exists()
    assert not (tmp_path / "results").exists()


# ---------------------------------------------------------------- values
def graphml_with(tmp_path: Path, **attrs) -> Path:
    g = nx.Graph()
    g.add_node("a", region="n", **attrs)
    g.add_node("b", region="n", **{k: 0.5 for k in attrs})
    g.add_edge("a", "b", weight=1.0)
    path = tmp_path / "net.graphml"
    nx.write_graphml(g, path)
    return path


@pytest.mark.parametrize("args,fragments", [
    (["shocks.enabled=2"], ["shocks.enabled = 2: must be true or false"]),
    (["+foo=1"], ["foo = 1: not a parameter"]),
    (["+dynamics.foo=1"], ["dynamics.foo = 1: not a parameter"]),
    (["step_days=1e-300"], ["step_days = 1e-300: must be >= 1"]),
    (["step_days=0.001"], ["step_days = 0.001: must be >= 1"]),
    (["shocks.election_interval_weeks=1000000000000"], ["shocks.election_interval_weeks"]),
    (["shocks.election_lag_weeks=1000000000000"], ["shocks.election_lag_weeks"]),
    (["dynamics.reaction=inf"], ["dynamics.reaction = inf: must be a finite number"]),
    (["network.n_parties=10000000"], ["record.memory_limit_gb", "would need about"]),
])
def test_values_that_used_to_run_or_crash_are_refused_up_front(tmp_path, args, fragments):
    result = run_cli(*args, cwd=tmp_path)
    assert_clean_refusal(result, 2, *fragments)
    assert listing(tmp_path) == []


@pytest.mark.parametrize("args,fragment", [
    (["network.n_parties=2.5"], "Value '2.5' of type 'float' could not be converted to Integer"),
    (["dynamics.reacton=0.2"], "Key 'reacton' not in 'DynamicsParams'"),
])
def test_hydras_own_composition_errors_name_the_key_and_write_nothing(tmp_path, args,
                                                                      fragment):
    """Hydra refuses these while composing, before PrevSim sees them: exit 1, its message."""
    result = run_cli(*args, cwd=tmp_path)
    assert result.returncode == 1 and fragment in result.stderr, result.stderr
    assert listing(tmp_path) == []


@pytest.mark.parametrize("attr", ["hostility", "grievance", "restraint"])
def test_infinite_node_attributes_are_refused(tmp_path, attr):
    path = graphml_with(tmp_path, **{attr: float("inf")})
    result = run_cli("network=file", f"network.path={path}", cwd=tmp_path)
    assert_clean_refusal(result, 2, f"node #1: attribute '{attr}' must be a finite number")
    assert listing(tmp_path) == ["net.graphml"]


def test_huge_weights_without_normalisation_are_refused(tmp_path):
    g = nx.Graph()
    g.add_nodes_from(["a", "b"], region="n")
    g.add_edge("a", "b", weight=1e308)
    path = tmp_path / "net.graphml"
    nx.write_graphml(g, path)
    result = run_cli("network=file", f"network.path={path}", "network.normalise=none",
                     cwd=tmp_path)
    assert_clean_refusal(result, 2, "edge #1: the weight must be a finite number")


@pytest.mark.parametrize("content,fragment", [
    (b"a b 1\nb \xff 2\n", "net.txt:2: not UTF-8 text"),
    (b"a b 1\nb a 2\n", "net.txt:2: a second tie between the same two parties"),
])
def test_edge_list_problems_are_named_by_line(tmp_path, content, fragment):
    path = tmp_path / "net.txt"
    path.write_bytes(content)
    result = run_cli("network=file", f"network.path={path}", cwd=tmp_path)
    assert_clean_refusal(result, 2, fragment)
    assert listing(tmp_path) == ["net.txt"]


def test_a_secret_behind_a_link_is_never_echoed(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("root x 0 0 TOPSECRET /root /bin/bash\n")
    link = tmp_path / "net.txt"
    link.symlink_to(secret)
    result = run_cli("network=file", f"network.path={link}", cwd=tmp_path)
    assert_clean_refusal(result, 2, "net.txt:1:")
    assert "TOPSECRET" not in result.stderr + result.stdout


# ---------------------------------------------------------------- sweeps checked whole
@pytest.mark.parametrize("args,fragment", [
    (["experiment=sensitivity", "sensitivity.uncertainties={dynamics.reaction:[0.3,0.1]}"],
     "[low, high] with low < high"),
    (["experiment=sensitivity", "sensitivity.uncertainties={dynamics.reaction:[0.1,200]}"],
     "sensitivity.uncertainties.dynamics.reaction (at 200) = 200.0: must be >= 0"),
    (["experiment=sensitivity", "sensitivity.chunk=4"], "below sensitivity.chunks = 4"),
    (["experiment=sensitivity", "sensitivity.outcome=nope"], "sensitivity.outcome = 'nope'"),
    (["experiment=compare_policies", "study.objective=nope"], "study.objective = 'nope'"),
    (["experiment=policy_search", "study.objective=nope"], "study.objective = 'nope'"),
    (["experiment=policy_search",
      "hydra.sweeper.params={policy.response_delay_days:'interval(0,5000)'}"],
     "policy.response_delay_days = 5000.0: must be >= 0 and <= 3650"),
    (["-m", "policy=none,envoy", "dynamics.reaction=0.1,200"],
     "dynamics.reaction = 200.0: must be >= 0 and <= 100"),
])
def test_a_sweep_is_validated_whole_before_anything_is_written(tmp_path, args, fragment):
    result = run_cli(*args, cwd=tmp_path)
    assert_clean_refusal(result, 2, fragment, "nothing was run or written")
    assert listing(tmp_path) == []


@pytest.mark.parametrize("name,bounds,fragment", [
    ("dynamics.reactio", [0.1, 0.2], "a numeric parameter of sim.params"),
    ("shocks.enabled", [0, 1], "a numeric parameter of sim.params"),
    ("scenario.name", [0, 1], "a numeric parameter of sim.params"),
    ("dynamics.restraint_mean", [0.5, 1.5], "(at 1.5) = 1.5: at most 1/dt"),
])
def test_sensitivity_uncertainties_must_be_numeric_parameters_valid_at_both_ends(
        name, bounds, fragment):
    from sim.config import AppConfig, validate_app
    from sim.core.params import ParameterError

    app = AppConfig()
    app.study.sweep_name = "s"  # the CLI resolves its ${now:...} default
    app.sensitivity.uncertainties = {name: bounds}
    with pytest.raises(ParameterError) as err:
        validate_app(app)
    assert f"sensitivity.uncertainties.{name}" in str(err.value) and fragment in str(err.value)


# ---------------------------------------------------------------- one process per folder
SWEEP = ["-m", "policy=none,envoy,early_statement", "study.name=twice",
         "study.sweep_name=same", "study.replications=12", "study.progress=false"]


def start(args: list[str], cwd: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "sim", *args], cwd=cwd, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=dict(os.environ, PYTHONHASHSEED="0"))


def wait_for_lock(folder: Path, timeout: float = 60) -> None:
    """Until a process holds the lock of ``folder``."""
    lock = storage.FolderLock(folder)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if lock.path.exists():
            try:
                lock.acquire()
            except storage.FolderBusy:
                return
            lock.release()
        time.sleep(0.05)
    raise AssertionError(f"nobody took the lock of {folder}")


def test_two_identical_sweeps_one_runs_the_other_refuses(tmp_path):
    folder = tmp_path / "results" / "twice" / "same"
    first = start(SWEEP, tmp_path)
    wait_for_lock(folder)
    before = listing(folder)
    second = run_cli(*SWEEP, cwd=tmp_path)
    assert_clean_refusal(second, 4, f"{folder.relative_to(tmp_path)} is in use by process "
                         f"{first.pid}", "nothing was run or written",
                         "study.wait_for_lock=true")
    out, err = first.communicate(timeout=300)
    assert first.returncode == 0, err
    assert "report:" in out and not (folder / "failed").exists()
    assert set(before) <= set(listing(folder))  # the second wrote nothing of its own
    report = (folder / "report.md").read_text()
    assert "Failed jobs" not in report and "Jobs without results" not in report


def test_a_second_sweep_can_wait_for_the_first(tmp_path):
    folder = tmp_path / "results" / "twice" / "same"
    first = start(SWEEP, tmp_path)
    wait_for_lock(folder)
    second = run_cli(*SWEEP, "study.wait_for_lock=true", cwd=tmp_path, timeout=300)
    out, err = first.communicate(timeout=300)
    assert first.returncode == 0 and second.returncode == 0, (err, second.stderr)
    assert "waiting:" in second.stderr and f"process {first.pid}" in second.stderr
    assert second.stdout.count("reused policy=") == 3  # all done by the first


def test_a_report_is_not_rebuilt_while_its_sweep_runs(tmp_path):
    folder = tmp_path / "results" / "twice" / "same"
    first = start(SWEEP, tmp_path)
    wait_for_lock(folder)
    result = subprocess.run([sys.executable, "-m", "sim.report", str(folder)],
                            capture_output=True, text=True, cwd=tmp_path)
    assert_clean_refusal(result, 4, "is in use by process")
    first.communicate(timeout=300)
    result = subprocess.run([sys.executable, "-m", "sim.report", str(folder)],
                            capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr


def test_temporary_files_are_removed_only_for_processes_that_are_gone(tmp_path):
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    try:
        host = storage.host_name()
        live = tmp_path / f".job.{host}.{sleeper.pid}.abcd1234.tmp"
        dead = tmp_path / f".job.{host}.{ended.pid}.abcd1234.tmp"
        remote = tmp_path / f".job.othernode.{ended.pid}.abcd1234.tmp"
        for path in (live, dead, remote):
            path.mkdir()
        assert storage.clean_stale_temps(tmp_path) == [dead]
        assert live.exists() and remote.exists() and not dead.exists()
    finally:
        sleeper.kill()


def test_a_rebuilt_report_removes_what_an_interrupted_one_left(tmp_path):
    result = run_cli("-m", "policy=none", "study.name=r", "study.sweep_name=s", *SMALL,
                     cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    folder = tmp_path / "results" / "r" / "s"
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    stale = folder / "figures" / f".cost_vs_risk.png.{storage.host_name()}.{ended.pid}.x1.tmp"
    stale.write_bytes(b"half a figure")
    result = subprocess.run([sys.executable, "-m", "sim.report", str(folder)],
                            capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert not stale.exists()


# ---------------------------------------------------------------- operating-system errors
FAULTS = """
import errno, os, runpy, sys
import sim.study.sweep as sweep
faults = sys.argv[1].split(",")
if "job" in faults:
    def broken(*a, **k): raise RuntimeError("simulated failure of the job")
    sweep.run_replications = broken
if "record" in faults:
    def no_space(sweep_dir, *a, **k):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(sweep_dir) + "/failed/x")
    sweep.record_failure = no_space
sys.argv = ["sim"] + sys.argv[2:]
runpy.run_module("sim", run_name="__main__")
"""


def test_a_failure_record_that_cannot_be_written_does_not_hide_the_failure(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", FAULTS, "job,record", "-m", "policy=none,envoy", *SMALL,
         "study.name=f", "study.sweep_name=s"], capture_output=True, text=True, cwd=tmp_path,
        env=dict(os.environ, PYTHONHASHSEED="0"))
    text = result.stderr
    assert result.returncode == 1, text
    assert text.count("failed (simulated failure of the job), and its failure record could "
                      "not be written: cannot write") == 2
    assert "No space left on device; free disk space" in text
    assert "2 job(s) ended with neither results nor a failure record" in text
    assert "Traceback" not in text
    report = (tmp_path / "results" / "f" / "s" / "report.md").read_text()
    assert "## Jobs without results" in report


def test_os_errors_are_described_with_what_to_do():
    for number, advice in ((errno.ENOSPC, "free disk space"), (errno.EACCES, "permissions"),
                           (errno.EROFS, "read-only"), (errno.ENAMETOOLONG, "shorter")):
        text = storage.describe_os_error(OSError(number, os.strerror(number), "/x/y"))
        assert text.startswith("cannot write /x/y: ") and advice in text


def test_a_library_error_without_a_path_gets_the_file_it_was_writing(tmp_path):
    def pyarrow_like(_path):
        raise OSError("Error writing bytes to file. Detail: [errno 28] No space left")

    with pytest.raises(OSError) as err:
        storage.write_atomic(tmp_path / "t.parquet", pyarrow_like)
    assert err.value.errno == errno.ENOSPC and err.value.filename == str(tmp_path / "t.parquet")
    assert listing(tmp_path) == []  # nothing half-written


def _can_mount() -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "-m", "sh", "-c",
                            "mount -t tmpfs -o size=16k tmpfs /mnt"], capture_output=True)
    return probe.returncode == 0


needs_mount = pytest.mark.skipif(not _can_mount(), reason="needs unshare -m and mount (root "
                                 "in a mount namespace) for a full or read-only file system")


def in_filesystem(tmp_path: Path, options: str, args: list[str]) -> subprocess.CompletedProcess:
    """``python -m sim args`` with its working folder on a fresh tmpfs mounted with
    ``options``, in a private mount namespace (gone when the command ends)."""
    where = tmp_path / "fs"
    where.mkdir()
    command = " ".join(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where), "&&",
                        "cd", str(where), "&&", sys.executable, "-m", "sim", *args,
                        ";", "rc=$?;", "ls", "-A1R", ".", ">&2;", "exit", "$rc"])
    return subprocess.run(["unshare", "-m", "sh", "-c", command], capture_output=True,
                          text=True, env=dict(os.environ, PYTHONHASHSEED="0"), timeout=120)


@needs_mount
def test_a_read_only_results_folder_is_a_message(tmp_path):
    result = in_filesystem(tmp_path, "ro,size=64k", ["horizon_weeks=4"])
    assert result.returncode == 3, result.stderr
    assert "error: cannot write results: Read-only file system; the file system is " \
           "read-only" in result.stderr
    assert "Traceback" not in result.stderr


@needs_mount
def test_a_full_disk_leaves_nothing_half_written(tmp_path):
    result = in_filesystem(tmp_path, "size=96k", ["network.n_parties=400"])
    assert result.returncode == 3, result.stderr
    assert re.search(r"error: cannot write \S+: No space left on device; free disk space",
                     result.stderr)
    assert "Traceback" not in result.stderr
    listed = result.stderr.split("\n.:\n", 1)[-1]
    assert ".tmp" not in listed and "seed0" not in listed  # no run folder, no temporary


@needs_mount
def test_a_sweep_on_a_read_only_folder_is_a_message(tmp_path):
    result = in_filesystem(tmp_path, "ro,size=64k", ["-m", "policy=none", *SMALL])
    assert result.returncode == 3, result.stderr
    assert "error: cannot write results" in result.stderr
    assert "Traceback" not in result.stderr


# ---------------------------------------------------------------- nothing loads code
UNSAFE = [r"\bpickle\.loads?\(", r"\bdill\b", r"\bcloudpickle\b", r"yaml\.load\(",
          r"yaml\.unsafe_load", r"yaml\.full_load", r"Loader=yaml\.(Full|Unsafe)?Loader",
          r"read_pickle", r"allow_pickle\s*=\s*True", r"\beval\(", r"\bexec\(",
          r"torch\.load", r"joblib\.load", r"marshal\.loads?"]


def test_nothing_in_prevsim_loads_pickles_or_unsafe_yaml():
    sources = [p for folder in ("sim", "hydra_plugins", "scripts", "experiments")
               for p in (ROOT / folder).rglob("*") if p.is_file() and p.suffix in (".py", "")
               and "__pycache__" not in p.parts]
    assert sources
    found = [f"{p.relative_to(ROOT)}: {pattern}" for p in sources
             for pattern in UNSAFE if re.search(pattern, p.read_text(errors="ignore"))]
    assert not found, found


# ---------------------------------------------------------------- found by trying to break it
def test_the_lock_file_is_never_written_through_a_link(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("mine")
    folder = tmp_path / "results" / "sweep" / "s1"
    folder.mkdir(parents=True)
    (folder / "sweep.lock").symlink_to(victim)
    result = run_cli("-m", "seed=1", "study.sweep_name=s1", *SMALL, cwd=tmp_path)
    assert_clean_refusal(result, 2, "sweep.lock is a symbolic link")
    assert victim.read_text() == "mine"
    (folder / "sweep.lock").unlink()
    (folder / "multirun.yaml").symlink_to(victim)
    result = run_cli("-m", "seed=1", "study.sweep_name=s1", *SMALL, cwd=tmp_path)
    assert_clean_refusal(result, 2, "multirun.yaml is a symbolic link")
    assert victim.read_text() == "mine"


def test_hydras_job_folders_stay_inside_the_sweep(tmp_path):
    result = run_cli("-m", "seed=1", "hydra.sweep.subdir=../../../escaped", *SMALL,
                     cwd=tmp_path)
    assert_clean_refusal(result, 2, "hydra.sweep.subdir = '../../../escaped'")
    assert listing(tmp_path) == []


@pytest.mark.parametrize("args,fragment", [
    (["-m", "seed=1,2", "network=file", "network.path=missing.txt"], "no such file"),
    (["-m", "un.regional_offices=[0],[9]"], "un.regional_offices = [9]: region codes of "
     "this network: 0 … 3"),
    (["-m", "un.regional_offices=[-1]"], "un.regional_offices = [-1]"),
    (["-m", "seed=1,2", "study.runner=sensitivity"], "sensitivity.uncertainties = {}"),
    (["-m", "study.name=a,b"], "they cannot be swept"),
    (["-m", "study.sweep_name=x,y"], "they cannot be swept"),
    (["-m", "seed=1,1"], "a sweep runs each configuration once"),
    (["experiment=sensitivity", "sensitivity.chunks=0"], "the sweep has no jobs"),
    (["-m", "seed=${nope}"], "seed = '${…}': an interpolation that resolves"),
    (["experiment=policy_search", "hydra.sweeper.n_trials=0"], "n_trials = 0: at least 1"),
    (["experiment=policy_search",
      "hydra.sweeper.params={policy.response_delay_days:'tag(log,interval(0,180))'}"],
     "a log interval must start above 0"),
    (["experiment=policy_search",
      "hydra.sweeper.params={policy.response_delay_days:'interval(180,0)'}"],
     "must have low < high"),
])
def test_what_a_sweep_would_only_meet_while_running_is_refused_before(tmp_path, args,
                                                                      fragment):
    result = run_cli(*args, *SMALL, cwd=tmp_path)
    assert_clean_refusal(result, 2, fragment, "nothing was run or written")
    assert listing(tmp_path) == []


def test_a_design_valid_at_each_end_but_not_together_is_refused(tmp_path):
    experiment = tmp_path / "cfg" / "experiment"
    experiment.mkdir(parents=True)
    (experiment / "joint.yaml").write_text(
        "# @package _global_\ndefaults:\n  - sensitivity\nsensitivity:\n  uncertainties:\n"
        "    escalation.hysteresis: [0.0, 0.7]\n    escalation.tension: [0.5, 0.9]\n")
    result = run_cli("--config-dir", str(tmp_path / "cfg"), "experiment=joint", cwd=tmp_path)
    assert_clean_refusal(result, 2, "sensitivity design point",
                         "escalation.hysteresis: must be below escalation.tension")
    assert listing(tmp_path) == ["cfg", "cfg/experiment", "cfg/experiment/joint.yaml"]


def test_integers_beyond_any_float_are_refused(tmp_path):
    text = ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">\n'
            '<key id="w" for="edge" attr.name="weight" attr.type="long"/>\n'
            '<graph edgedefault="undirected"><node id="a"/><node id="b"/>\n'
            f'<edge source="a" target="b"><data key="w">{"9" * 401}</data></edge>\n'
            '</graph></graphml>\n')
    path = tmp_path / "big.graphml"
    path.write_text(text)
    result = run_cli("network=file", f"network.path={path}", cwd=tmp_path)
    assert_clean_refusal(result, 2, "edge #1: the weight must be a finite number")
    from sim import ConflictModel
    from sim.params import ParameterError

    with pytest.raises(ParameterError, match="dynamics.reaction = 9+: must be a finite"):
        ConflictModel(dynamics__reaction=10**400 - 1)


def test_run_dir_is_taken_as_the_folder_it_names(tmp_path):
    result = run_cli("run_dir=sub/..", *SMALL, cwd=tmp_path)
    assert_clean_refusal(result, 2, "run_dir = '.' already exists")
    assert listing(tmp_path) == []


def test_output_without_utf8_is_escaped_not_a_crash(tmp_path):
    env = dict(os.environ, PYTHONHASHSEED="0", PYTHONIOENCODING="ascii")
    result = subprocess.run([sys.executable, "-m", "sim", *SMALL[:2]], cwd=tmp_path,
                            capture_output=True, text=True, env=env)
    assert result.returncode == 0 and "Traceback" not in result.stderr
    assert "PrevSim \\u2014 scenario" in result.stdout


def test_a_damaged_sweep_folder_is_named_in_the_report(tmp_path):
    result = run_cli("-m", "policy=none", "study.name=d", "study.sweep_name=s", *SMALL,
                     cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    folder = tmp_path / "results" / "d" / "s"
    (table,) = folder.glob("jobs/*/runs.parquet")
    table.write_bytes(b"not parquet")
    result = subprocess.run([sys.executable, "-m", "sim.report", str(folder)],
                            capture_output=True, text=True, cwd=tmp_path)
    assert_clean_refusal(result, 2, "runs.parquet cannot be read", "remove its job folder")


def test_a_byte_order_mark_does_not_hide_a_duplicate_tie(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbfa b 1\nb c 1\nb a 2\n")
    result = run_cli("network=file", f"network.path={path}", cwd=tmp_path)
    assert_clean_refusal(result, 2, "bom.txt:3: a second tie")


def test_a_file_that_cannot_be_read_is_a_read_error():
    from sim.network import NetworkError, load_network

    with pytest.raises(NetworkError, match="cannot be read"):
        load_network("/proc/self/mem", "edgelist")


def test_the_model_takes_parameters_not_text():
    from sim import ConflictModel
    from sim.params import ParameterError

    with pytest.raises(ParameterError, match="params = 'seed=1': a sim.Params"):
        ConflictModel("seed=1")
