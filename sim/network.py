"""The network of parties: generated families, files, validation, the matrix W.

Every generator gets an integer seed drawn from the ``network`` stream (networkx otherwise
falls back to Python's global ``random``). Every graph, generated or loaded, passes
:func:`validate_graph` before the model uses it.

Conventions:
    * Node attribute ``region`` (int code, 0..R-1) on every node.
    * Edge attribute ``weight`` (float, ≥ 0) on every edge: how strongly the parties react
      to each other. In a directed graph an edge ``i → j`` means *i reacts to j* (w_ij).
    * Optional node attributes read from files override the drawn initial state:
      see :data:`NODE_ATTRIBUTES`.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Hashable, Sequence
from pathlib import Path

import networkx as nx
import numpy as np
import scipy.sparse as sp

from sim.params import NetworkParams

log = logging.getLogger(__name__)

#: Node attributes a network file may carry, with the rule their values must satisfy.
NODE_ATTRIBUTES: dict[str, tuple[str, object]] = {
    "region": ("any label (mapped to region codes 0..R-1)", None),
    "grievance": ("a number >= 0", lambda v: v >= 0),
    "restraint": ("a number > 0", lambda v: v > 0),
    "hostility": ("a number >= 0", lambda v: v >= 0),
    "will_to_settle": ("a number in [0, 1]", lambda v: 0 <= v <= 1),
    "past_war": ("true/false or 0/1", lambda v: v in (0, 1)),
}


class NetworkError(ValueError):
    """A network that cannot be used; the message names the problem and where it is."""


def _nx_seed(rng: np.random.Generator) -> int:
    return int(rng.integers(0, 2**31 - 1))


def build_network(p: NetworkParams, rng: np.random.Generator) -> nx.Graph:
    """Build (or load) the party network described by ``p``, seeded by ``rng``."""
    if p.kind == "file":
        return load_network(p.path, p.file_format)
    n = p.n_parties
    if p.kind == "regional_blocks":
        sizes = [len(block) for block in np.array_split(np.arange(n), p.n_regions)]
        probs = [[_tie_probability(p, sizes, i, j) for j in range(len(sizes))]
                 for i in range(len(sizes))]
        if n <= SPARSE_BLOCK_MODEL_FROM:
            graph = nx.stochastic_block_model(sizes, probs, seed=_nx_seed(rng))
            regions = {v: graph.nodes[v]["block"] for v in graph}
            for v in graph:
                del graph.nodes[v]["block"]
            graph.graph.pop("partition", None)
        else:
            graph = sparse_block_model(sizes, probs, rng)
            starts = np.cumsum([0] + sizes[:-1])
            regions = {v: int(np.searchsorted(starts, v, side="right") - 1) for v in graph}
    elif p.kind == "small_world":
        graph = nx.watts_strogatz_graph(n, p.k_nearest, p.rewire_prob, seed=_nx_seed(rng))
        regions = {v: v * p.n_regions // n for v in graph}  # contiguous arcs of the ring
    elif p.kind == "scale_free":
        graph = nx.barabasi_albert_graph(n, p.attach_edges, seed=_nx_seed(rng))
        regions = community_regions(graph, rng)
    else:  # validate() rejects other kinds; this guards direct calls
        raise NetworkError(f"network.kind = {p.kind!r}: unknown network family")
    nx.set_node_attributes(graph, regions, "region")
    weights = rng.uniform(p.weight_min, p.weight_max, size=graph.number_of_edges())
    nx.set_edge_attributes(graph, dict(zip(graph.edges, weights.tolist())), "weight")
    graph.graph["kind"] = p.kind
    return validate_graph(graph)


#: Above this many parties the block model is drawn by :func:`sparse_block_model` (time
#: and memory linear in ties); networkx's generator visits every pair of parties, which
#: took 49 s at 100,000 parties. Below it networkx's is kept so that the default
#: scenario's seeded networks (and every figure documented for them) stay as they are.
SPARSE_BLOCK_MODEL_FROM = 5000


def sparse_block_model(sizes: list[int], probs: list[list[float]],
                       rng: np.random.Generator) -> nx.Graph:
    """A stochastic block model drawn in time linear in the number of ties.

    The same distribution as ``nx.stochastic_block_model`` (every pair of parties tied
    independently with its blocks' probability), drawn per pair of blocks: the number of
    ties is binomial, and the ties are that many distinct pairs chosen uniformly.
    """
    starts = np.cumsum([0] + list(sizes[:-1]))
    graph = nx.empty_graph(int(sum(sizes)))
    for r, (n_r, s_r) in enumerate(zip(sizes, starts)):
        for q in range(r, len(sizes)):
            n_q, s_q, p = sizes[q], starts[q], probs[r][q]
            pairs = n_r * (n_r - 1) // 2 if q == r else n_r * n_q
            m = int(rng.binomial(pairs, p)) if pairs and p > 0 else 0
            if not m:
                continue
            idx = rng.choice(pairs, size=m, replace=False)
            if q == r:  # unrank k -> (i, j), i < j, over the upper triangle
                j = np.floor((1 + np.sqrt(1 + 8 * idx.astype(np.float64))) / 2).astype(np.int64)
                j = np.where(j * (j - 1) // 2 > idx, j - 1, j)
                j = np.where((j + 1) * j // 2 <= idx, j + 1, j)
                i = idx - j * (j - 1) // 2
                u, v = s_r + i, s_r + j
            else:
                u, v = s_r + idx // n_q, s_q + idx % n_q
            graph.add_edges_from(zip(u.tolist(), v.tolist()))
    return graph


def _tie_probability(p: NetworkParams, sizes: list[int], i: int, j: int) -> float:
    """Block-model tie probability giving the configured expected degrees."""
    if i == j:
        others = sizes[i] - 1
        return min(1.0, p.within_degree / others) if others > 0 else 0.0
    # one probability for every pair of regions (the matrix must be symmetric), set by
    # the mean number of parties outside a region
    outside = sum(sizes) * (1 - 1 / len(sizes))
    return min(1.0, p.between_degree / outside) if outside > 0 else 0.0


def community_regions(graph: nx.Graph, rng: np.random.Generator) -> dict[Hashable, int]:
    """Regions as Louvain communities (seeded), numbered by their smallest node order."""
    order = {v: k for k, v in enumerate(graph)}
    communities = nx.community.louvain_communities(graph, weight=None, seed=_nx_seed(rng))
    communities = sorted(communities, key=lambda c: min(order[v] for v in c))
    return {v: r for r, members in enumerate(communities) for v in members}


def load_network(path: str | Path | None, file_format: str = "auto") -> nx.Graph:
    """Read a GraphML or edge-list file and validate it.

    Edge lists: one tie per line, ``source target [weight]``; ``#`` starts a comment.
    Node ids are kept as strings. GraphML may carry the node attributes of
    :data:`NODE_ATTRIBUTES` and an edge attribute ``weight``.
    """
    if not path:
        raise NetworkError("network.path is empty: give a GraphML or edge-list file")
    path = Path(path)
    if not path.is_file():
        raise NetworkError(f"network.path = {str(path)!r}: no such file")
    fmt = file_format
    if fmt == "auto":
        fmt = "graphml" if path.suffix.lower() in (".graphml", ".xml") else "edgelist"
    if fmt == "graphml":
        try:
            graph = nx.read_graphml(path)
        except Exception as exc:  # networkx raises several kinds for malformed XML
            raise NetworkError(f"network.path = {str(path)!r}: not readable as GraphML "
                               f"({exc})") from exc
    elif fmt == "edgelist":
        graph = _read_edgelist(path)
    else:
        raise NetworkError(f"network.file_format = {file_format!r}: one of auto, graphml, "
                           "edgelist")
    if isinstance(graph, (nx.MultiGraph, nx.MultiDiGraph)):
        raise NetworkError(f"network.path = {str(path)!r}: parallel edges are not allowed "
                           "(merge them into one weighted edge)")
    graph.graph["kind"] = "file"
    graph.graph["source"] = str(path)
    return validate_graph(_complete_from_file(graph, path))


def _read_edgelist(path: Path) -> nx.Graph:
    graph = nx.Graph()
    with path.open(encoding="utf-8") as fh:
        for lineno, raw in enumerate(fh, start=1):
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            parts = line.split()
            if len(parts) not in (1, 2, 3):
                raise NetworkError(f"{path}:{lineno}: expected 'source target [weight]', "
                                   f"got {raw.strip()!r}")
            if len(parts) == 1:  # an isolated party
                graph.add_node(parts[0])
                continue
            u, v = parts[:2]
            attrs = {}
            if len(parts) == 3:
                try:
                    attrs["weight"] = float(parts[2])
                except ValueError:
                    raise NetworkError(f"{path}:{lineno}: weight {parts[2]!r} is not a "
                                       "number") from None
            graph.add_edge(u, v, **attrs)
    return graph


def _complete_from_file(graph: nx.Graph, path: Path) -> nx.Graph:
    """Check attribute coverage of a file's graph; fill what is legitimately absent."""
    edges = list(graph.edges(data=True))
    weighted = [e for e in edges if "weight" in e[2]]
    if weighted and len(weighted) < len(edges):
        missing = [(u, v) for u, v, d in edges if "weight" not in d][:5]
        raise NetworkError(f"network.path = {str(path)!r}: edge attribute 'weight' is on "
                           f"{len(weighted)} of {len(edges)} edges; missing on e.g. "
                           f"{missing}. Give every edge a weight or none (then all are 1).")
    if not weighted:
        nx.set_edge_attributes(graph, 1.0, "weight")
        log.info("network file %s has no edge weights: all set to 1", path)
    for attr in NODE_ATTRIBUTES:
        having = [v for v, d in graph.nodes(data=True) if attr in d]
        if having and len(having) < graph.number_of_nodes():
            missing = [v for v, d in graph.nodes(data=True) if attr not in d][:5]
            raise NetworkError(f"network.path = {str(path)!r}: node attribute {attr!r} is "
                               f"on {len(having)} of {graph.number_of_nodes()} nodes; "
                               f"missing on e.g. {missing}")
    labels = nx.get_node_attributes(graph, "region")
    if labels:
        codes = {label: k for k, label in enumerate(sorted(set(labels.values()), key=str))}
        nx.set_node_attributes(graph, {v: codes[lab] for v, lab in labels.items()}, "region")
        graph.graph["region_labels"] = [str(lab) for lab in codes]
    elif graph.number_of_nodes():
        nx.set_node_attributes(graph, community_regions(
            graph.to_undirected(as_view=True), np.random.default_rng(0)), "region")
        log.info("network file %s has no 'region' attribute: regions are Louvain "
                 "communities", path)
    return graph


def validate_graph(graph: nx.Graph) -> nx.Graph:
    """Raise :class:`NetworkError` unless ``graph`` is usable; return it otherwise."""
    if graph.number_of_nodes() == 0:
        raise NetworkError("the network is empty: it has no parties")
    loops = list(nx.nodes_with_selfloops(graph))
    if loops:
        raise NetworkError(f"the network has self loops at {loops[:5]} (a party cannot "
                           "react to itself through W; remove these edges)")
    for u, v, d in graph.edges(data=True):
        w = d.get("weight")
        if w is None:
            raise NetworkError(f"edge ({u!r}, {v!r}) has no 'weight' attribute")
        try:
            w = float(w)
        except (TypeError, ValueError):
            raise NetworkError(f"edge ({u!r}, {v!r}): weight {w!r} is not a number") from None
        if not math.isfinite(w) or w < 0:
            raise NetworkError(f"edge ({u!r}, {v!r}): weight {w!r}; weights must be finite "
                               "and >= 0")
    for v, d in graph.nodes(data=True):
        if "region" not in d:
            raise NetworkError(f"node {v!r} has no 'region' attribute")
        for attr, (allowed, rule) in NODE_ATTRIBUTES.items():
            if rule is None or attr not in d:
                continue
            try:
                ok = rule(float(d[attr]))
            except (TypeError, ValueError):
                ok = False
            if not ok:
                raise NetworkError(f"node {v!r}: {attr} = {d[attr]!r}; must be {allowed}")
    return graph


def weight_matrix(graph: nx.Graph, order: Sequence[Hashable], normalise: str) -> sp.csr_array:
    """W as a CSR matrix in ``order``: row i holds how much party i reacts to each j.

    Its index arrays are 32-bit when they fit: the weekly product ``W @ h`` reads all of
    W, and smaller indices cut that traffic by a third (the values are the same).
    """
    raw = nx.to_scipy_sparse_array(graph, nodelist=list(order), weight="weight",
                                   dtype=np.float64, format="csr")
    raw.eliminate_zeros()
    if normalise == "row":
        sums = np.asarray(raw.sum(axis=1)).ravel()
        inv = np.divide(1.0, sums, out=np.zeros_like(sums), where=sums > 0)
        W = sp.csr_array(sp.diags_array(inv) @ raw)
    elif normalise == "spectral":
        rho = spectral_radius(raw)
        W = sp.csr_array(raw / rho) if rho > 0 else raw
    elif normalise == "none":
        W = raw
    else:
        raise NetworkError(f"network.normalise = {normalise!r}: one of row, spectral, none")
    if W.nnz < np.iinfo(np.int32).max and W.shape[0] < np.iinfo(np.int32).max:
        W = sp.csr_array((W.data, W.indices.astype(np.int32), W.indptr.astype(np.int32)),
                         shape=W.shape)
    return W


def spectral_radius(matrix: sp.sparray | np.ndarray) -> float:
    """ρ(W), the largest absolute eigenvalue (dense for small, ARPACK for large)."""
    n = matrix.shape[0]
    if n <= 600:
        dense = matrix.toarray() if sp.issparse(matrix) else np.asarray(matrix)
        return float(np.max(np.abs(np.linalg.eigvals(dense)))) if n else 0.0
    from scipy.sparse.linalg import eigs

    vals = eigs(sp.csr_array(matrix, dtype=np.float64), k=1, which="LM",
                return_eigenvectors=False, v0=np.ones(n))
    return float(np.abs(vals[0]))
