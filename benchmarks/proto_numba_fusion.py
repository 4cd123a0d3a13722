"""Prototype, not part of PrevSim: would a compiled step reach issue 6's 3× target?

Needs numba, which is not a dependency (``.venv/bin/python -m pip install numba``;
uninstall it afterwards). It replaces, in this process only, the model's hostility
update and its levels-and-feedbacks phase with numba kernels that do the same IEEE
operations in the same order, one pass over the parties instead of about thirty numpy
passes (``np.tanh`` stays in numpy: numba's libm ``tanh`` differs from numpy's in the
last bit, which would move results). Then:

* ``check``: four seeded runs (1 at 2,000 parties) give identical level histories and
  final hostility with and without the kernels (must print ``True`` everywhere);
* ``numpy`` / ``fused``: the step at 10,000 parties (graduated policy, 156 weeks, blocks
  of 4 steps interleaved with ``bench_step.PlainLoop``, best of 3 runs) and the ratio to
  the bare loop. Run them alternately, in separate processes::

    .venv/bin/python benchmarks/proto_numba_fusion.py check
    for i in 1 2; do .venv/bin/python benchmarks/proto_numba_fusion.py numpy
                     .venv/bin/python benchmarks/proto_numba_fusion.py fused; done

Measured in two rounds of alternating runs (``benchmarks/README.md``): fused
3.48–3.57×, numpy 3.56–3.80×: 40–80 µs of a ~1.2 ms step. What these phases cost is
mostly the two random draws and ``W @ h``, not the elementwise passes.
"""

from __future__ import annotations

import gc
import math
import sys
import time
from pathlib import Path

import numpy as np

try:
    from numba import njit
except ImportError:
    sys.exit("this prototype needs numba (not a PrevSim dependency): "
             ".venv/bin/python -m pip install numba")

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench_step, as the others do

import sim
from sim import dynamics
from sim.core.events import EventKind
from sim.core.model import VIOLENCE, ConflictModel


@njit(cache=True)
def fused_hostility(h, wh, scale, eps, grievance, election, cost, weariness, restraint,
                    noise, noise_mult, strength, reaction, dt, cap, feedback, tanhs, out):
    for i in range(h.size):
        d = grievance[i] + election[i]
        d = d - cost[i]
        if feedback:
            m = tanhs[i] + 1.0
            m = m * 0.5
            m = m * strength
            d = d + m
            d = d - weariness[i]
        p = wh[i] + scale[i] * eps[i]
        nz = noise[i] * noise_mult
        o = p * reaction
        o = o - restraint[i] * h[i]
        o = o + d
        o = o * dt
        o = h[i] + o
        o = o + nz
        out[i] = min(max(o, 0.0), cap)
    return out


@njit(cache=True)
def fused_levels(h, level, t, td, out):
    for i in range(h.size):
        up = 0
        down = 0
        for k in range(t.size):
            up += h[i] >= t[k]
            down += h[i] >= td[k]
        out[i] = min(max(level[i], up), down)
    return out


@njit(cache=True)
def fused_feedback(wear, griev, base, new, vt, rate_dt, keep, dt, gain, decay):
    for i in range(new.size):
        war = new[i] >= vt
        wear[i] = wear[i] + rate_dt if war else wear[i] * keep
        g = griev[i]
        griev[i] = g + dt * (gain * war - decay * (g - base[i]))


def fused_update_hostility(self: ConflictModel) -> None:
    s, dyn, b = self.state, self.params.dynamics, self._buffers
    eps = self._perception_rng.standard_normal(out=b["eps_perception"])
    noise = self._noise_rng.standard_normal(out=b["noise"])
    if self._perception_of is not s.misperception:
        self._perception_of = s.misperception
        self._perception_scale = dynamics.perception_scale(dyn.noise_sd * s.misperception,
                                                           self._row_norm)
    wh = self.adjacency @ s.hostility
    election = np.broadcast_to(self.shocks.election_drive(self.week), wh.shape)
    tanhs = np.subtract(s.hostility, dyn.mobilisation_threshold, out=b["work"])
    tanhs /= dyn.mobilisation_width
    tanhs *= 0.5
    np.tanh(tanhs, out=tanhs)
    s.hostility = fused_hostility(
        s.hostility, wh, self._perception_scale, eps, s.grievance, election, s.cost,
        s.weariness, s.restraint, noise, dyn.noise_sd * math.sqrt(self.dt),
        dyn.mobilisation, dyn.reaction, self.dt, dyn.hostility_cap, dyn.feedback, tanhs, wh)


def fused_levels_and_feedbacks(self: ConflictModel) -> None:
    s, dyn, t = self.state, self.params.dynamics, self._thresholds
    new = fused_levels(s.hostility, s.level, t, t - self.params.escalation.hysteresis,
                       np.empty_like(s.level))
    changed, old, now = self.event_log.add_level_changes(self.week, s.level, new)
    if changed.size:
        onset = changed[(old < VIOLENCE) & (now >= VIOLENCE)]
        self.event_log.add_many(self.week, EventKind.RELAPSE,
                                onset[self.response.agreed[onset]], "", "after an agreement")
    s.level = new
    s.ever_violent |= new >= VIOLENCE
    if dyn.feedback:
        wear, griev = s.weariness.copy(), s.grievance.copy()
        fused_feedback(wear, griev, s.grievance_base, new, VIOLENCE,
                       dyn.weariness_rate * self.dt, 1.0 - dyn.weariness_decay * self.dt,
                       self.dt, dyn.grievance_gain, dyn.grievance_decay)
        s.weariness, s.grievance = wear, griev


def fuse() -> None:
    ConflictModel._update_hostility = fused_update_hostility
    ConflictModel._update_levels_and_feedbacks = fused_levels_and_feedbacks


CASES = [["seed=11", "policy=graduated"], ["seed=11", "policy=none"],
         ["seed=5", "scenario=electoral_crisis", "policy=graduated"],
         ["seed=13", "network.n_parties=2000", "horizon_weeks=104", "policy=graduated"]]


def final_state(overrides: list[str]) -> tuple[np.ndarray, np.ndarray]:
    model = ConflictModel(sim.compose(overrides)).run()
    return model.level_history.copy(), model.state.hostility.copy()


def step_ratio(n: int = 10_000, runs: int = 3) -> tuple[float, float]:
    from bench_step import PlainLoop

    best_model = best_bare = math.inf
    for _ in range(runs):
        model = ConflictModel(sim.compose(["policy=graduated", f"network.n_parties={n}",
                                           "horizon_weeks=156"]))
        plain = PlainLoop(model, np.random.default_rng(1), np.random.default_rng(2))
        for _ in range(4):
            model.step()
        plain.run(4)
        t_model = t_bare = 0.0
        steps = 0
        gc.collect()
        while model.steps < model.n_steps - 4:
            t0 = time.perf_counter()
            for _ in range(4):
                model.step()
            t_model += time.perf_counter() - t0
            t0 = time.perf_counter()
            plain.run(4)
            t_bare += time.perf_counter() - t0
            steps += 4
        best_model, best_bare = min(best_model, t_model / steps), min(best_bare, t_bare / steps)
    return best_model, best_bare


def main() -> int:
    mode = sys.argv[1] if len(sys.argv) > 1 else "check"
    if mode == "check":
        reference = [final_state(c) for c in CASES]
        fuse()
        for case, (levels, hostility) in zip(CASES, reference):
            levels2, hostility2 = final_state(case)
            print(" ".join(case), "| levels identical:", np.array_equal(levels, levels2),
                  "| hostility identical:", np.array_equal(hostility, hostility2))
        return 0
    if mode not in ("numpy", "fused"):
        sys.exit("mode: check, numpy or fused")
    if mode == "fused":
        fuse()
    model_s, bare_s = step_ratio()
    print(f"{mode}: 10000 parties, model {model_s * 1e6:.0f} us/step, bare "
          f"{bare_s * 1e6:.0f} us/step, model/bare {model_s / bare_s:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
