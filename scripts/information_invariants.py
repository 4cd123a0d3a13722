"""Print what the standing invariants of information measure (tests/test_information.py):
for each shipped policy and each kind of better information, the paired difference in
violence party-weeks and in the risk of armed conflict against the defaults, with its 95%
bootstrap interval, on the tests' 40 seeds; and the two other invariants (a UN office in
region 0, no warning system at all). docs/validation.md §6 shows its output.

    .venv/bin/python scripts/information_invariants.py        # about 3 minutes
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.test_information import BETTER_INFORMATION, NO_WARNING, POLICIES, SEEDS, interval, runs


def cell(diff) -> str:
    mean, low, high = interval(diff, 0.95)
    return f"{mean:+.1f} [{low:+.1f}, {high:+.1f}]"


def risk_cell(diff) -> str:
    mean, low, high = interval(diff, 0.95)
    return f"{100 * mean:+.0f} [{100 * low:+.0f}, {100 * high:+.0f}]"


def main() -> None:
    print(f"Paired differences from the defaults on seeds {SEEDS.start}-{SEEDS.stop - 1}, "
          "mean [95% bootstrap interval]: violence party-weeks; armed conflict, points")
    header = f"{'policy':<22}{'default':>9}" + "".join(f"{k:>44}" for k in BETTER_INFORMATION)
    print(header)
    for policy in POLICIES:
        base = runs(policy)
        row = f"{policy:<22}{base[0].mean():>9.1f}"
        for overrides in BETTER_INFORMATION.values():
            better = runs(policy, overrides)
            row += f"{cell(better[0] - base[0]) + '; ' + risk_cell(better[1] - base[1]):>44}"
        print(row)
    print("\nNo warning system at all minus the defaults (violence party-weeks):")
    for policy in ("early_statement", "fact_finding", "envoy", "late_envoy", "graduated"):
        print(f"  {policy:<20}{cell(runs(policy, NO_WARNING)[0] - runs(policy)[0])}")
    print("\nA UN office in region 0 minus none, violence party-weeks in region 0:")
    for policy in ("envoy", "early_statement", "graduated"):
        office = runs(policy, ("un.regional_offices=[0]",))
        print(f"  {policy:<20}{cell(office[2] - runs(policy)[2])}")


if __name__ == "__main__":
    main()
