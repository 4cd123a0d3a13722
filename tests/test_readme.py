"""The README's Python example runs and prints what the README shows."""

from __future__ import annotations

import re
import subprocess
import sys

from tests.conftest import ROOT


def blocks(text: str, lang: str) -> list[tuple[int, str]]:
    return [(m.start(), m.group(1)) for m in
            re.finditer(rf"```{lang}\n(.*?)```", text, flags=re.S)]


def test_readme_python_example_output_is_real(tmp_path):
    text = (ROOT / "README.md").read_text()
    python = blocks(text, "python")
    assert python, "README has no python example"
    outputs = blocks(text, "text")
    for start, code in python:
        expected = next(out for pos, out in outputs if pos > start)
        result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path,
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        assert result.stdout == expected


def test_readme_cli_summary_matches_a_real_run(tmp_path):
    text = (ROOT / "README.md").read_text()
    shown = next(out for _, out in blocks(text, "text") if out.startswith("PrevSim"))
    result = subprocess.run([sys.executable, "-m", "sim", "seed=4", "policy=envoy",
                             f"run_dir={tmp_path / 'r'}"], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    summary = lambda s: s.split("\nrecords:")[0]  # noqa: E731 - the folder name differs
    assert summary(result.stdout) == summary(shown)


def test_readme_make_run_table_matches_a_real_sweep(tmp_path):
    """The quick start's table is what `make run` (compare_policies) produces."""
    text = (ROOT / "README.md").read_text()
    shown = next(out for _, out in blocks(text, "text") if out.startswith("| scenario"))
    result = subprocess.run([sys.executable, "-m", "sim", "experiment=compare_policies",
                             "study.sweep_name=readme", "study.progress=false"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    report = (tmp_path / "results" / "compare_policies" / "readme" / "report.md").read_text()
    for line in shown.strip().splitlines():
        assert line in report, line
