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

import dataclasses
import logging
import math
from collections.abc import Callable, Hashable, Sequence
from pathlib import Path

import networkx as nx
import numpy as np
import scipy.sparse as sp

from sim.core.params import MAX_HOSTILITY, MAX_WEIGHT, DynamicsParams, NetworkParams, from_bounds

log = logging.getLogger(__name__)

_DYN = {f.name: f for f in dataclasses.fields(DynamicsParams)}

#: Node attributes a network file may carry, with the rule their values must satisfy:
#: finite, and inside the range of the parameter they stand in for.
NODE_ATTRIBUTES: dict[str, tuple[str, object]] = {
    "region": ("any label (mapped to region codes 0..R-1)", None),
    "grievance": from_bounds(_DYN["grievance_mean"]),
    "restraint": from_bounds(_DYN["restraint_mean"]),
    "hostility": (f"a finite number in [0, {MAX_HOSTILITY:g}]",
                  lambda v: 0 <= v <= MAX_HOSTILITY),
    "will_to_settle": from_bounds(_DYN["will_to_settle_mean"]),
    "past_war": ("true/false or 0/1", lambda v: v in (0, 1)),
    "salience": ("a finite number in [0, 1]", lambda v: 0 <= v <= 1),
    "alignment": ("a finite number in [-1, 1]", lambda v: -1 <= v <= 1),
}
WEIGHT_RULE = f"a finite number in [0, {MAX_WEIGHT:g}]"


class NetworkError(ValueError):
    """A network that cannot be used; the message names the problem and where it is."""


def _nx_seed(rng: np.random.Generator) -> int:
    return int(rng.integers(0, 2**31 - 1))


def build_network(p: NetworkParams, rng: np.random.Generator,
                  check_size: Callable[[int, int], None] | None = None) -> nx.Graph:
    """Build (or load) the party network described by ``p``, seeded by ``rng``: a
    generated family of :data:`FAMILIES` gets regions and tie weights drawn in
    ``[weight_min, weight_max]``. ``check_size(parties, ties)`` is called on a file's
    graph as soon as it is read (before regions are computed for it)."""
    if p.kind == "file":
        return load_network(p.path, p.file_format, check_size)
    if p.kind not in FAMILIES:  # validate() rejects other kinds; this guards direct calls
        raise NetworkError(f"network.kind = {p.kind!r}: unknown network family")
    graph, regions = FAMILIES[p.kind](p, rng)
    nx.set_node_attributes(graph, regions, "region")
    weights = rng.uniform(p.weight_min, p.weight_max, size=graph.number_of_edges())
    nx.set_edge_attributes(graph, dict(zip(graph.edges, weights.tolist())), "weight")
    graph.graph["kind"] = p.kind
    return validate_graph(graph)


def regional_blocks(p: NetworkParams, rng: np.random.Generator
                    ) -> tuple[nx.Graph, dict[Hashable, int]]:
    """A stochastic block model of ``n_regions`` equal regions with the expected degrees
    ``within_degree`` and ``between_degree``; regions are the blocks."""
    n = p.n_parties
    sizes = [len(block) for block in np.array_split(np.arange(n), p.n_regions)]
    probs = [[_tie_probability(p, sizes, i, j) for j in range(len(sizes))]
             for i in range(len(sizes))]
    if n <= SPARSE_BLOCK_MODEL_FROM:
        # networkx skips ahead by log(u)/log(1 - p), a division by zero once 1 - p
        # rounds to 1: such probabilities give under 1e-5 expected ties here
        probs = [[q if q >= MIN_TIE_PROBABILITY else 0.0 for q in row] for row in probs]
        graph = nx.stochastic_block_model(sizes, probs, seed=_nx_seed(rng))
        regions = {v: graph.nodes[v]["block"] for v in graph}
        for v in graph:
            del graph.nodes[v]["block"]
        graph.graph.pop("partition", None)
        return graph, regions
    graph = sparse_block_model(sizes, probs, rng)
    starts = np.cumsum([0] + sizes[:-1])
    return graph, {v: int(np.searchsorted(starts, v, side="right") - 1) for v in graph}


def small_world(p: NetworkParams, rng: np.random.Generator
                ) -> tuple[nx.Graph, dict[Hashable, int]]:
    """A Watts-Strogatz ring of ``k_nearest`` neighbours, rewired with ``rewire_prob``;
    regions are contiguous arcs of the ring."""
    n = p.n_parties
    graph = nx.watts_strogatz_graph(n, p.k_nearest, p.rewire_prob, seed=_nx_seed(rng))
    return graph, {v: v * p.n_regions // n for v in graph}


def scale_free(p: NetworkParams, rng: np.random.Generator
               ) -> tuple[nx.Graph, dict[Hashable, int]]:
    """Barabási-Albert preferential attachment (``attach_edges`` ties per new party);
    regions are seeded Louvain communities."""
    graph = nx.barabasi_albert_graph(p.n_parties, p.attach_edges, seed=_nx_seed(rng))
    return graph, community_regions(graph, rng)


#: Generated network families: ``network.kind`` -> builder returning the graph and each
#: party's region (weights are drawn by :func:`build_network`). With ``file``, these are
#: the choices of ``network.kind`` (a test checks they agree).
FAMILIES = {"regional_blocks": regional_blocks, "small_world": small_world,
            "scale_free": scale_free}


#: Above this many parties the block model is drawn by :func:`sparse_block_model` (time
#: and memory linear in ties); networkx's generator visits every pair of parties, which
#: took 49 s at 100,000 parties. Below it networkx's is kept so that the default
#: scenario's seeded networks (and every figure documented for them) stay as they are.
SPARSE_BLOCK_MODEL_FROM = 5000
#: Tie probabilities below this are 0 in networkx's block model (see build_network).
MIN_TIE_PROBABILITY = 1e-12


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


def load_network(path: str | Path | None, file_format: str = "auto",
                 check_size: Callable[[int, int], None] | None = None) -> nx.Graph:
    """Read a GraphML or edge-list file and validate it.

    Edge lists: one tie per line, ``source target [weight]``; ``#`` starts a comment.
    Node ids are kept as strings. GraphML may carry the node attributes of
    :data:`NODE_ATTRIBUTES` and an edge attribute ``weight``. ``check_size(parties,
    ties)`` may refuse the graph before anything costly is done with it.
    """
    try:
        return _load_network(path, file_format, check_size)
    except OSError as exc:  # reading, not writing: say so
        raise NetworkError(f"network.path = {str(path)!r}: cannot be read "
                           f"({exc.strerror or type(exc).__name__})") from None


def _load_network(path, file_format: str, check_size) -> nx.Graph:
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
            # the position only: an error text can quote the file (never echoed)
            where = (f" at line {exc.position[0]}, column {exc.position[1]}"
                     if getattr(exc, "position", None) else "")
            raise NetworkError(f"network.path = {str(path)!r}: not readable as GraphML"
                               f"{where} ({type(exc).__name__})") from None
    elif fmt == "edgelist":
        graph = _read_edgelist(path)
    else:
        raise NetworkError(f"network.file_format = {file_format!r}: one of auto, graphml, "
                           "edgelist")
    if isinstance(graph, (nx.MultiGraph, nx.MultiDiGraph)):
        raise NetworkError(f"network.path = {str(path)!r}: a tie between the same two "
                           "parties appears twice (parallel edges are not allowed: merge "
                           "them into one weighted edge)")
    graph.graph["kind"] = "file"
    graph.graph["source"] = str(path)
    if check_size is not None:
        check_size(graph.number_of_nodes(), graph.number_of_edges())
    return validate_graph(_complete_from_file(graph, path), source=path)


def _read_edgelist(path: Path) -> nx.Graph:
    """An edge list as an undirected graph. Errors name the line and the field, never
    the text of the file."""
    graph = nx.Graph()
    first_line: dict[frozenset, int] = {}
    with path.open("rb") as fh:
        for lineno, raw_bytes in enumerate(fh, start=1):
            try:
                raw = raw_bytes.decode("utf-8-sig" if lineno == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                raise NetworkError(f"{path}:{lineno}: not UTF-8 text (undecodable byte at "
                                   f"column {exc.start + 1}); save the file as UTF-8"
                                   ) from None
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            parts = line.split()
            if len(parts) not in (1, 2, 3):
                raise NetworkError(f"{path}:{lineno}: expected 'source target [weight]' "
                                   f"(1 to 3 fields), found {len(parts)} fields")
            if len(parts) == 1:  # an isolated party
                graph.add_node(parts[0])
                continue
            u, v = parts[:2]
            pair = frozenset((u, v))
            if pair in first_line:
                raise NetworkError(f"{path}:{lineno}: a second tie between the same two "
                                   f"parties (the first is on line {first_line[pair]}); "
                                   "merge them into one weighted edge")
            first_line[pair] = lineno
            attrs = {}
            if len(parts) == 3:
                try:
                    attrs["weight"] = float(parts[2])
                except ValueError:
                    raise NetworkError(f"{path}:{lineno}: the weight (third field) is not "
                                       "a number") from None
                if not (math.isfinite(attrs["weight"]) and 0 <= attrs["weight"] <= MAX_WEIGHT):
                    raise NetworkError(f"{path}:{lineno}: the weight (third field) must be "
                                       f"{WEIGHT_RULE}")
            graph.add_edge(u, v, **attrs)
    return graph


def _complete_from_file(graph: nx.Graph, path: Path) -> nx.Graph:
    """Check attribute coverage of a file's graph; fill what is legitimately absent."""
    edges = list(graph.edges(data=True))
    weighted = [e for e in edges if "weight" in e[2]]
    if weighted and len(weighted) < len(edges):
        missing = [f"#{k}" for k, (_, _, d) in enumerate(edges, start=1)
                   if "weight" not in d][:5]
        raise NetworkError(f"network.path = {str(path)!r}: edge attribute 'weight' is on "
                           f"{len(weighted)} of {len(edges)} edges; missing on edge "
                           f"{', '.join(missing)} (in file order). Give every edge a weight "
                           "or none (then all are 1).")
    if not weighted:
        nx.set_edge_attributes(graph, 1.0, "weight")
        log.info("network file %s has no edge weights: all set to 1", path)
    for attr in NODE_ATTRIBUTES:
        having = [v for v, d in graph.nodes(data=True) if attr in d]
        if having and len(having) < graph.number_of_nodes():
            missing = [f"#{k}" for k, (_, d) in enumerate(graph.nodes(data=True), start=1)
                       if attr not in d][:5]
            raise NetworkError(f"network.path = {str(path)!r}: node attribute {attr!r} is "
                               f"on {len(having)} of {graph.number_of_nodes()} nodes; "
                               f"missing on node {', '.join(missing)} (in file order)")
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


def validate_graph(graph: nx.Graph, source: Path | None = None) -> nx.Graph:
    """Raise :class:`NetworkError` unless ``graph`` is usable; return it otherwise.

    For a graph read from a file (``source``), nodes and edges are named by their place
    in the file ("node #3") and values are not quoted: an error never echoes the file's
    contents (it may be a file the user should not see, behind a link)."""
    where = f"network.path = {str(source)!r}: " if source is not None else ""
    nodes = {v: (f"node #{k}" if source is not None else f"node {v!r}")
             for k, v in enumerate(graph, start=1)}
    if graph.number_of_nodes() == 0:
        raise NetworkError(f"{where}the network is empty: it has no parties")
    loops = [nodes[v] for v in nx.nodes_with_selfloops(graph)]
    if loops:
        raise NetworkError(f"{where}the network has self loops at {', '.join(loops[:5])} (a "
                           "party cannot react to itself through W; remove these edges)")
    for k, (u, v, d) in enumerate(graph.edges(data=True), start=1):
        name = f"edge #{k}" if source is not None else f"edge ({u!r}, {v!r})"
        w = d.get("weight")
        if w is None:
            raise NetworkError(f"{where}{name} has no 'weight' attribute")
        try:
            ok = math.isfinite(float(w)) and 0 <= float(w) <= MAX_WEIGHT
        except (TypeError, ValueError, OverflowError):
            ok = False
        if not ok:
            raise NetworkError(f"{where}{name}: the weight must be {WEIGHT_RULE}")
    for v, d in graph.nodes(data=True):
        if "region" not in d:
            raise NetworkError(f"{where}{nodes[v]} has no 'region' attribute")
        for attr, (allowed, rule) in NODE_ATTRIBUTES.items():
            if rule is None or attr not in d:
                continue
            try:
                value = float(d[attr])
                ok = math.isfinite(value) and rule(value)
            except (TypeError, ValueError, OverflowError):
                ok = False
            if not ok:
                raise NetworkError(f"{where}{nodes[v]}: attribute {attr!r} must be {allowed}")
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
        with np.errstate(over="ignore"):  # an infinite inverse is refused below
            inv = np.divide(1.0, sums, out=np.zeros_like(sums), where=sums > 0)
        W = sp.csr_array(sp.diags_array(inv) @ raw)
    elif normalise == "spectral":
        rho = spectral_radius(raw)
        W = sp.csr_array(raw / rho) if rho > 0 else raw
    elif normalise == "none":
        W = raw
    else:
        raise NetworkError(f"network.normalise = {normalise!r}: one of row, spectral, none")
    if not np.isfinite(W.data).all():  # e.g. subnormal weights, whose inverse overflows
        raise NetworkError(f"network.normalise = {normalise!r}: the normalised tie weights "
                           "are not all finite (weights too small to divide by); rescale "
                           "the weights or use network.normalise=none")
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
