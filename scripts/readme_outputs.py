"""Refresh the README's real output: the single run's summary and the `make run` table.

tests/test_readme.py checks that both blocks are what the commands print; after a model
change this script reruns the commands and writes what they print into README.md, so
nothing in the README is retyped by hand.

Usage (from the repository root):
    .venv/bin/python scripts/readme_outputs.py           rewrite the two blocks
    .venv/bin/python scripts/readme_outputs.py --check   exit 1 if either block differs
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
RUN = ["seed=4", "policy=envoy"]
TABLE_COLUMNS = "| scenario | policy | runs |"


def single_run(tmp: Path) -> str:
    out = subprocess.run([sys.executable, "-m", "sim", *RUN, f"run_dir={tmp / 'r'}"],
                         cwd=ROOT, capture_output=True, text=True, check=True).stdout
    summary = out.split("\nrecords:")[0]
    return summary + "\nrecords: results/runs/<time>_default_envoy_seed4\n"


def sweep_table(tmp: Path) -> str:
    subprocess.run([sys.executable, "-m", "sim", "experiment=compare_policies",
                    "study.sweep_name=readme", "study.progress=false"],
                   cwd=tmp, capture_output=True, text=True, check=True)
    report = (tmp / "results" / "compare_policies" / "readme" / "report.md").read_text()
    lines = report.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(TABLE_COLUMNS))
    end = next((i for i in range(start, len(lines)) if not lines[i].startswith("|")),
               len(lines))
    return "\n".join(lines[start:end]) + "\n"


def replace_block(text: str, starts: str, new: str) -> str:
    """Replace the body of the first ```text block whose body starts with ``starts``."""
    for m in re.finditer(r"```text\n(.*?)```", text, flags=re.S):
        if m.group(1).startswith(starts):
            return text[:m.start(1)] + new + text[m.end(1):]
    raise SystemExit(f"README.md: no text block starting with {starts!r}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    text = README.read_text()
    with tempfile.TemporaryDirectory() as tmp:
        new = replace_block(text, "PrevSim", single_run(Path(tmp)))
        new = replace_block(new, TABLE_COLUMNS, sweep_table(Path(tmp)))
    if args.check:
        return int(new != text)
    README.write_text(new)
    return 0


if __name__ == "__main__":
    sys.exit(main())
