"""Confidence intervals for sweep results (pure numpy/scipy; no plotting, no I/O).

* proportions (0/1 outcomes such as ``armed_conflict``): Wilson score interval;
* means and paired differences (policy minus the ``none`` counterfactual on the same
  seeds, common random numbers): percentile bootstrap, seeded, so a report is
  reproducible and an interval never leaves the range the data can take (violence
  party-weeks are skewed and never negative; a t interval can be);
* :func:`t_interval` is kept for checks and for users who want it.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import special  # ndtri, stdtrit: what scipy.stats calls, without its import cost


def wilson_interval(successes: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion (Wilson 1927)."""
    if n <= 0:
        return (float("nan"), float("nan"))
    z = float(special.ndtri(0.5 + level / 2))  # = scipy.stats.norm.ppf
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


def t_interval(values, level: float = 0.95) -> tuple[float, float, float]:
    """Mean and Student t interval of ``values`` (nan-free); (mean, low, high)."""
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    n = x.size
    if n == 0:
        return (float("nan"),) * 3
    mean = float(x.mean())
    if n == 1:
        return (mean, float("nan"), float("nan"))
    half = float(special.stdtrit(n - 1, 0.5 + level / 2)  # = scipy.stats.t.ppf
                 * x.std(ddof=1) / math.sqrt(n))
    return (mean, mean - half, mean + half)


BOOTSTRAP_RESAMPLES = 4000
BOOTSTRAP_SEED = 0


def bootstrap_interval(values, level: float = 0.95, resamples: int = BOOTSTRAP_RESAMPLES,
                       seed: int = BOOTSTRAP_SEED) -> tuple[float, float, float]:
    """Mean and percentile-bootstrap interval of the mean; (mean, low, high)."""
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    if x.size == 0:
        return (float("nan"),) * 3
    mean = float(x.mean())
    if x.size == 1:
        return (mean, float("nan"), float("nan"))
    rng = np.random.default_rng(seed)
    means = x[rng.integers(0, x.size, size=(resamples, x.size))].mean(axis=1)
    lo, hi = np.quantile(means, [0.5 - level / 2, 0.5 + level / 2])
    return (mean, float(lo), float(hi))


def bootstrap_ratio(numerator, denominator, level: float = 0.95,
                    resamples: int = BOOTSTRAP_RESAMPLES, seed: int = BOOTSTRAP_SEED
                    ) -> tuple[float, float, float]:
    """Ratio of means ``mean(numerator) / mean(denominator)`` of paired values and its
    percentile-bootstrap interval (pairs resampled together); (ratio, low, high). The
    interval is nan where a resample's denominator mean is not positive in more than
    ``(1 − level) / 2`` of the resamples (the ratio is then unbounded)."""
    x, y = np.asarray(numerator, dtype=float), np.asarray(denominator, dtype=float)
    keep = ~(np.isnan(x) | np.isnan(y))
    x, y = x[keep], y[keep]
    if x.size == 0 or y.mean() <= 0:
        return (float("nan"),) * 3
    ratio = float(x.mean() / y.mean())
    if x.size == 1:
        return (ratio, float("nan"), float("nan"))
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, x.size, size=(resamples, x.size))
    num, den = x[idx].mean(axis=1), y[idx].mean(axis=1)
    if (den <= 0).mean() > (1 - level) / 2:
        return (ratio, float("nan"), float("nan"))
    ratios = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.inf)
    lo, hi = np.quantile(ratios, [0.5 - level / 2, 0.5 + level / 2])
    return (ratio, float(lo), float(hi))


def summarise(values, proportion: bool, level: float = 0.95) -> dict[str, float]:
    """Mean and interval of one outcome: Wilson for proportions, bootstrap for means."""
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    if proportion:
        lo, hi = wilson_interval(int(x.sum()), x.size, level)
        mean = float(x.mean()) if x.size else float("nan")
    else:
        mean, lo, hi = bootstrap_interval(x, level)
    return {"mean": mean, "low": lo, "high": hi, "n": int(x.size)}
