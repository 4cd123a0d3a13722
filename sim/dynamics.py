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


def sigmoid(x: np.ndarray) -> np.ndarray:
    """Logistic function, written with tanh so it never overflows."""
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def mobilisation(h: np.ndarray, strength: float, threshold: float, width: float) -> np.ndarray:
    """Self-reinforcing mobilisation ``m·sigmoid((h − θ)/s)``: on near the violence
    threshold, it makes peace and war two stable states (bistability)."""
    return strength * sigmoid((h - threshold) / width)


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
    party (``eps``) instead of one per edge.
    """
    return W @ h + scale * eps


def hostility_step(
    h: np.ndarray, pressure: np.ndarray, restraint: np.ndarray, drive: np.ndarray,
    reaction: float, dt: float, noise: np.ndarray, cap: float,
) -> np.ndarray:
    """One explicit step of the Richardson map with incentives.

    ``h' = clip(h + dt·(k·pressure − a∘h + drive) + noise, 0, cap)``; ``drive`` holds
    grievance, shocks, mobilisation minus weariness and international cost; ``noise`` is
    already scaled (``noise_sd·√dt·ε``).
    """
    out = h + dt * (reaction * pressure - restraint * h + drive) + noise
    return np.clip(out, 0.0, cap, out=out)


def update_levels(
    h: np.ndarray, level: np.ndarray, thresholds: np.ndarray, hysteresis: float
) -> np.ndarray:
    """Levels 0-4 with hysteresis.

    A party rises to every level whose entry threshold its hostility reaches, and falls
    only below ``threshold − hysteresis`` of the level it is at; in between it stays.
    With ``up = #{thresholds ≤ h}`` and ``down = #{thresholds − hysteresis ≤ h}``
    (``down ≥ up``) the new level is ``clip(old, up, down)``.
    """
    up = np.zeros(h.shape, dtype=np.int8)
    down = np.zeros(h.shape, dtype=np.int8)
    for t in thresholds:  # four comparisons are much faster than searchsorted here
        up += h >= t
        down += h >= t - hysteresis
    return np.minimum(np.maximum(level, up), down)


def weariness_step(
    weariness: np.ndarray, at_war: np.ndarray, rate: float, decay: float, dt: float
) -> np.ndarray:
    """War weariness grows by ``rate`` per week at violence; out of violence it fades by
    ``decay`` per week (it does not fade while the fighting goes on)."""
    return np.where(at_war, weariness + rate * dt, weariness * (1.0 - decay * dt))


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
