"""The escalation mathematics: pure, vectorised functions over arrays of parties.

Nothing here holds state or draws random numbers; the model passes the noise in. Each
function is one mechanism of docs/model.md §Details, so each can be tested alone.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np
import scipy.sparse as sp


class Level(IntEnum):
    """The escalation ladder (DOMAIN.md §1)."""

    STABLE = 0
    TENSION = 1
    CRISIS = 2
    VIOLENCE = 3
    ARMED_CONFLICT = 4


# The step functions take ``out=`` buffers: the model reuses a few per-party buffers
# each step instead of allocating temporaries, which keeps them in cache. In-place or
# not, every function performs the same floating-point operations in the same order.

def _into(value) -> np.ndarray | None:
    """``value`` as an ``out=`` buffer: itself if it is an array (scalars have none)."""
    return value if isinstance(value, np.ndarray) else None


def sigmoid(x: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Logistic function ``0.5·(1 + tanh(x/2))``, written with tanh so it never
    overflows. ``out`` may be ``x``."""
    out = np.multiply(x, 0.5, out=out)
    out = np.tanh(out, out=_into(out))
    out += 1.0
    out *= 0.5
    return out


def mobilisation(h: np.ndarray, strength: float, threshold: float, width: float,
                 out: np.ndarray | None = None) -> np.ndarray:
    """Self-reinforcing mobilisation ``m·sigmoid((h − θ)/s)``: on near the violence
    threshold, it makes peace and war two stable states (bistability)."""
    out = np.subtract(h, threshold, out=out)
    out /= width
    out = sigmoid(out, out=_into(out))
    out *= strength
    return out


def perception_scale(perception_sd: np.ndarray, row_norm: np.ndarray) -> np.ndarray:
    """``σ_i·‖w_i‖₂``: the sd of party i's summed misreading of its neighbours (see
    :func:`perceived_pressure`); constant while misperception does not change."""
    return perception_sd * row_norm


def perceived_pressure(
    W: sp.csr_array, h: np.ndarray, scale: np.ndarray, eps: np.ndarray,
) -> np.ndarray:
    """``(W·h̃)_i``: the hostility party i perceives around it.

    Each party misreads each neighbour j independently, ``h̃_ij = h_j + σ_i·ε_ij``. The
    sum ``Σ_j w_ij·σ_i·ε_ij`` is exactly normal with sd ``σ_i·‖w_i‖₂``
    (``scale``, :func:`perception_scale`), so it is drawn with one standard normal per
    party (``eps``) instead of one per edge. ``eps`` is overwritten with the error.
    """
    out = W @ h
    out += np.multiply(scale, eps, out=eps)
    return out


def hostility_step(
    h: np.ndarray, pressure: np.ndarray, restraint: np.ndarray, drive: np.ndarray,
    reaction: float, dt: float, noise: np.ndarray, cap: float,
    out: np.ndarray | None = None, work: np.ndarray | None = None,
) -> np.ndarray:
    """One explicit step of the Richardson map with incentives.

    ``h' = clip(h + dt·(k·pressure − a∘h + drive) + noise, 0, cap)``; ``drive`` holds
    grievance, shocks, mobilisation minus weariness and international cost; ``noise`` is
    already scaled (``noise_sd·√dt·ε``). ``out`` may be ``pressure``; ``work`` is scratch
    space for ``a∘h``.
    """
    out = np.multiply(pressure, reaction, out=out)
    out -= np.multiply(restraint, h, out=work)
    out += drive
    out *= dt
    out = np.add(h, out, out=_into(out))
    out += noise
    return np.clip(out, 0.0, cap, out=_into(out))


def update_levels(
    h: np.ndarray, level: np.ndarray, thresholds: np.ndarray, hysteresis: float
) -> np.ndarray:
    """Levels 0-4 with hysteresis.

    A party rises to every level whose entry threshold its hostility reaches, and falls
    only below ``threshold − hysteresis`` of the level it is at; in between it stays.
    With ``up = #{thresholds ≤ h}`` and ``down = #{thresholds − hysteresis ≤ h}``
    (``down ≥ up``) the new level is ``clip(old, up, down)``. ``thresholds`` ascend (the
    parameters are validated so).
    """
    count = _count_by_search if h.size < LEVELS_BY_SEARCH_BELOW else _count_by_comparison
    up, down = count(h, thresholds), count(h, thresholds - hysteresis)
    return np.minimum(np.maximum(level, up), down)


#: Below this many parties ``searchsorted`` counts thresholds faster (one call); above,
#: four comparisons do (measured crossover about 3,000 parties). Both give the same counts.
LEVELS_BY_SEARCH_BELOW = 2000


def _count_by_search(h: np.ndarray, ascending: np.ndarray) -> np.ndarray:
    """``#{t ≤ h}`` per party, for ascending thresholds ``t``."""
    return np.searchsorted(ascending, h, side="right").astype(np.int8)


def _count_by_comparison(h: np.ndarray, ascending: np.ndarray) -> np.ndarray:
    """``#{t ≤ h}`` per party, one comparison per threshold."""
    count = np.zeros(h.shape, dtype=np.int8)
    for t in ascending:
        count += h >= t
    return count


def weariness_step(
    weariness: np.ndarray, at_war: np.ndarray, rate: np.ndarray | float, decay: float,
    dt: float, ceiling: np.ndarray | float | None = None,
) -> np.ndarray:
    """War weariness grows by ``rate`` per week at violence (per party, or one rate for
    all); out of violence it fades by ``decay`` per week (it does not fade while the
    fighting goes on). With a ``ceiling`` (per party or one for all, > 0) it saturates:
    it grows by ``rate·(1 − w/ceiling)`` and, from below, approaches the ceiling without
    passing it (for ``rate·dt ≤ ceiling``); None means no ceiling, linear growth."""
    grow = rate * dt
    if ceiling is not None:
        grow = grow * (1.0 - weariness / ceiling)
    return np.where(at_war, weariness + grow, weariness * (1.0 - decay * dt))


def grievance_step(
    grievance: np.ndarray, baseline: np.ndarray, at_war: np.ndarray, gain: float,
    decay: float, dt: float,
) -> np.ndarray:
    """Grievance memory: grows by ``gain`` per week at violence, relaxes to baseline."""
    return grievance + dt * (gain * at_war - decay * (grievance - baseline))


def linear_equilibrium(W: sp.csr_array, restraint: np.ndarray, grievance: np.ndarray,
                       reaction: float) -> np.ndarray:
    """``(diag(a) − k·W)⁻¹·g``: where the linear map settles when it is stable."""
    from scipy.sparse.linalg import spsolve

    system = sp.csc_array(sp.diags_array(restraint) - reaction * W)
    return np.asarray(spsolve(system, grievance), dtype=float)
