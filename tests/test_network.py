"""Networks: seeded families, files, validation, the matrix W."""

from __future__ import annotations

import re

import networkx as nx
import numpy as np
import pytest

from sim.core.network import FAMILIES as network_families
from sim.core.network import (
    NetworkError,
    build_network,
    load_network,
    spectral_radius,
    validate_graph,
    weight_matrix,
)
from sim.core.params import NetworkParams
from tests.conftest import ROOT

FAMILIES = list(network_families)


def build(kind, seed, **kw):
    p = NetworkParams(kind=kind, **kw)
    return build_network(p, np.random.default_rng(seed))


def edges_with_weights(g):
    return sorted((u, v, round(d["weight"], 12)) for u, v, d in g.edges(data=True))


@pytest.mark.parametrize("kind", FAMILIES)
def test_same_seed_same_graph_different_seed_different(kind):
    a, b, c = build(kind, 1), build(kind, 1), build(kind, 2)
    assert edges_with_weights(a) == edges_with_weights(b)
    assert nx.get_node_attributes(a, "region") == nx.get_node_attributes(b, "region")
    assert edges_with_weights(a) != edges_with_weights(c)


def test_networkx_global_random_is_never_used():
    import random

    random.seed(123)
    a = build("small_world", 5)
    random.seed(999)
    b = build("small_world", 5)
    assert edges_with_weights(a) == edges_with_weights(b)


@pytest.mark.parametrize("kind", FAMILIES)
def test_generated_graph_attributes(kind):
    g = build(kind, 3, n_parties=80, weight_min=0.2, weight_max=0.9)
    assert g.number_of_nodes() == 80
    weights = np.array([d["weight"] for _, _, d in g.edges(data=True)])
    assert weights.min() >= 0.2 and weights.max() <= 0.9
    regions = nx.get_node_attributes(g, "region")
    assert len(regions) == 80 and min(regions.values()) == 0


def test_block_model_ties_mostly_within_regions():
    g = build("regional_blocks", 0, n_parties=400, n_regions=4, within_degree=4,
              between_degree=0.5)
    region = nx.get_node_attributes(g, "region")
    assert sorted(set(region.values())) == [0, 1, 2, 3]
    within = sum(region[u] == region[v] for u, v in g.edges)
    between = g.number_of_edges() - within
    # expected within:between = 4:0.5; allow wide statistical tolerance (±35%)
    assert 8 * 0.65 < within / between < 8 * 1.35
    mean_degree = 2 * g.number_of_edges() / 400
    assert 4.5 * 0.85 < mean_degree < 4.5 * 1.15


@pytest.mark.parametrize("kind", FAMILIES)
def test_row_normalised_w(kind):
    g = build(kind, 4)
    order = list(g.nodes)
    W = weight_matrix(g, order, "row")
    sums = np.asarray(W.sum(axis=1)).ravel()
    degree = np.array([g.degree(v) for v in order])
    assert np.allclose(sums[degree > 0], 1.0) and np.all(sums[degree == 0] == 0)
    if (degree > 0).all():
        assert spectral_radius(W) == pytest.approx(1.0, abs=1e-9)


def test_spectral_normalisation_and_raw_weights():
    g = build("scale_free", 4)
    order = list(g.nodes)
    raw = weight_matrix(g, order, "none")
    assert raw[0, 1] == pytest.approx(g[order[0]][order[1]]["weight"]) if g.has_edge(
        order[0], order[1]) else raw[0, 1] == 0
    assert spectral_radius(weight_matrix(g, order, "spectral")) == pytest.approx(1.0)


def test_spectral_radius_sparse_path_matches_dense():
    g = build("regional_blocks", 2, n_parties=700)
    W = weight_matrix(g, list(g.nodes), "none")
    dense = float(np.max(np.abs(np.linalg.eigvals(W.toarray()))))
    assert spectral_radius(W) == pytest.approx(dense, rel=1e-6)


def test_load_graphml_with_attributes():
    g = load_network(ROOT / "tests" / "data" / "two_regions.graphml")
    assert set(g.nodes) == {"north_gov", "north_opp", "south_gov", "south_rebels"}
    assert g.graph["region_labels"] == ["north", "south"]
    assert g.nodes["south_gov"]["region"] == 1
    assert g["south_gov"]["south_rebels"]["weight"] == 2.0


def test_load_edgelist_with_and_without_weights(tmp_path):
    f = tmp_path / "net.txt"
    f.write_text("# two ties\na b 2.5\nb c 1\n\nd\n")
    g = load_network(f)
    assert g["a"]["b"]["weight"] == 2.5 and "d" in g and g.degree("d") == 0
    f2 = tmp_path / "plain.edges"
    f2.write_text("a b\nb c\n")
    g2 = load_network(f2)
    assert all(d["weight"] == 1.0 for _, _, d in g2.edges(data=True))
    assert set(nx.get_node_attributes(g2, "region")) == {"a", "b", "c"}


@pytest.mark.parametrize("text,fragment", [
    ("a a 1\n", "self loops"),
    ("a b -1\n", ":1: the weight (third field) must be a finite number in [0, 1e+06]"),
    ("a b 1e308\n", ":1: the weight (third field) must be a finite number in [0, 1e+06]"),
    ("a b inf\n", ":1: the weight (third field) must be a finite number"),
    ("a b x\n", ":1: the weight (third field) is not a number"),
    ("a b 1 2\n", ":1: expected 'source target [weight]' (1 to 3 fields), found 4"),
    ("a b 1\nc d 2\nb a 3\n", ":3: a second tie between the same two parties (the first "
     "is on line 1)"),
    ("a b\na b\n", ":2: a second tie"),
    ("a b 1\nb c\n", "'weight' is on 1 of 2 edges"),
    ("# nothing\n", "empty"),
])
def test_malformed_edgelists_are_named(tmp_path, text, fragment):
    f = tmp_path / "bad.txt"
    f.write_text(text)
    with pytest.raises(NetworkError, match=re.escape(fragment)):
        load_network(f)


def test_graphml_with_partial_node_attribute(tmp_path):
    text = (ROOT / "tests" / "data" / "two_regions.graphml").read_text()
    text = text.replace('<data key="region">south</data><data key="past_war">0</data>',
                        '<data key="past_war">0</data>')
    f = tmp_path / "partial.graphml"
    f.write_text(text)
    with pytest.raises(NetworkError, match=r"node attribute 'region' is on 3 of 4 nodes"):
        load_network(f)


def test_missing_file_and_bad_xml(tmp_path):
    with pytest.raises(NetworkError, match="no such file"):
        load_network(tmp_path / "nope.graphml")
    bad = tmp_path / "bad.graphml"
    bad.write_text("<graphml><graph")
    with pytest.raises(NetworkError, match="not readable as GraphML"):
        load_network(bad)


def test_validate_graph_rejects_bad_node_values():
    g = nx.Graph()
    g.add_node("a", region=0, will_to_settle=2.0)
    with pytest.raises(NetworkError, match="will_to_settle"):
        validate_graph(g)
    with pytest.raises(NetworkError, match="empty"):
        validate_graph(nx.Graph())


def test_sparse_block_model_matches_the_block_model_statistically():
    """Same distribution as networkx's generator: ties within and between regions at the
    configured rates (tolerance ±10% on counts of about 10^4), no self loops or repeats."""
    from sim.core.network import sparse_block_model

    sizes = [3000, 3000, 4000]
    probs = [[1e-3, 1e-4, 2e-4], [1e-4, 2e-3, 0.0], [2e-4, 0.0, 5e-4]]
    g = sparse_block_model(sizes, probs, np.random.default_rng(3))
    starts = np.cumsum([0] + sizes[:-1])
    block = np.searchsorted(starts, np.arange(sum(sizes)), side="right") - 1
    counts = np.zeros((3, 3))
    for u, v in g.edges:
        a, b = sorted((block[u], block[v]))
        counts[a, b] += 1
    for r in range(3):
        for q in range(r, 3):
            pairs = sizes[r] * (sizes[r] - 1) / 2 if r == q else sizes[r] * sizes[q]
            expected = pairs * probs[r][q]
            if expected == 0:
                assert counts[r, q] == 0
            else:
                assert abs(counts[r, q] - expected) < 0.1 * expected, (r, q)
    assert nx.number_of_selfloops(g) == 0


def test_large_block_model_is_built_sparsely_and_seeded():
    a = build("regional_blocks", 9, n_parties=20_000)
    b = build("regional_blocks", 9, n_parties=20_000)
    assert edges_with_weights(a) == edges_with_weights(b)
    assert sorted(set(nx.get_node_attributes(a, "region").values())) == [0, 1, 2, 3]
    mean_degree = 2 * a.number_of_edges() / 20_000
    assert 3.5 * 0.95 < mean_degree < 3.5 * 1.05


def test_sparse_block_model_pairs_are_distinct_and_ordered():
    """Every tie index of a block maps to its own pair (i < j): no repeats are lost."""
    from sim.core.network import sparse_block_model

    g = sparse_block_model([60], [[1.0]], np.random.default_rng(0))  # every pair tied
    assert g.number_of_edges() == 60 * 59 // 2


def test_edge_list_that_is_not_utf8_is_named(tmp_path):
    f = tmp_path / "latin1.txt"
    f.write_bytes("a b 1\nb caf\xe9 2\n".encode("latin-1"))
    with pytest.raises(NetworkError, match=r"latin1.txt:2: not UTF-8 text \(undecodable "
                       r"byte at column 6\)"):
        load_network(f)


SECRET = "s3cr3t-token"


@pytest.mark.parametrize("text", [
    f"a b 1\n{SECRET} x y z\n",          # too many fields
    f"a b {SECRET}\n",                   # a weight that is not a number
    f"{SECRET} {SECRET} 1\n",            # a self loop
    f"a b 1\nb {SECRET}\n",              # weights on some edges only
])
def test_errors_never_echo_the_file(tmp_path, text):
    """A network file may be a link to a file the user should not read: errors name the
    line and the field, never the text."""
    f = tmp_path / "net.txt"
    f.write_text(text)
    with pytest.raises(NetworkError) as err:
        load_network(f)
    assert SECRET not in str(err.value)
    link = tmp_path / "link.txt"
    link.symlink_to(f)
    with pytest.raises(NetworkError) as err:
        load_network(link)
    assert SECRET not in str(err.value)


def test_graphml_errors_never_echo_the_file(tmp_path):
    g = nx.Graph()
    g.add_node(SECRET, region="r", hostility=-1.0)
    g.add_node("b", region="r", hostility=0.0)
    g.add_edge(SECRET, "b", weight=1.0)
    f = tmp_path / "net.graphml"
    nx.write_graphml(g, f)
    with pytest.raises(NetworkError, match=r"node #1: attribute 'hostility' must be a finite "
                       r"number in \[0, 1e\+30\]") as err:
        load_network(f)
    assert SECRET not in str(err.value)
    f.write_text(f"<graphml><graph>{SECRET}<")
    with pytest.raises(NetworkError, match="not readable as GraphML at line 1") as err:
        load_network(f)
    assert SECRET not in str(err.value)


@pytest.mark.parametrize("attr,value", [
    ("hostility", "INF"), ("hostility", "NaN"), ("grievance", "INF"), ("restraint", "INF"),
    ("hostility", "1e31"), ("grievance", "-0.5"), ("restraint", "0"),
    ("will_to_settle", "1.5"), ("past_war", "2"),
])
def test_non_finite_or_out_of_range_node_attributes_are_refused(tmp_path, attr, value):
    """GraphML doubles read 'INF' and 'NaN' as floats: they must not get into a run."""
    text = ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">\n'
            f'<key id="r" for="node" attr.name="region" attr.type="string"/>\n'
            f'<key id="x" for="node" attr.name="{attr}" attr.type="double"/>\n'
            '<graph edgedefault="undirected">\n'
            f'<node id="a"><data key="r">n</data><data key="x">{value}</data></node>\n'
            '<node id="b"><data key="r">n</data><data key="x">0.5</data></node>\n'
            '<edge source="a" target="b"/>\n</graph></graphml>\n')
    f = tmp_path / "attrs.graphml"
    f.write_text(text)
    with pytest.raises(NetworkError, match=f"node #1: attribute '{attr}' must be"):
        load_network(f)


@pytest.mark.parametrize("weight,normalise,fragment", [
    (1e308, "none", "the weight must be a finite number in [0, 1e+06]"),
    (float("inf"), "row", "the weight must be a finite number"),
    (1e-320, "row", "the normalised tie weights are not all finite"),
])
def test_weights_that_would_overflow_are_refused(tmp_path, weight, normalise, fragment):
    from sim import ConflictModel
    from tests.conftest import make_params

    path = tmp_path / "w.graphml"
    g = nx.Graph()
    g.add_node("a", region="n")
    g.add_node("b", region="n")
    g.add_edge("a", "b", weight=weight)
    nx.write_graphml(g, path)
    with pytest.raises(NetworkError) as err:
        ConflictModel(make_params(**{"network.kind": "file", "network.path": str(path),
                                     "network.normalise": normalise}))
    assert fragment in str(err.value)


def test_tiny_tie_probabilities_build(tmp_path):
    """networkx's block model divides by log(1 - p), which is 0 for p below ~1e-16."""
    from sim.core.params import NetworkParams

    g = build_network(NetworkParams(n_parties=10, n_regions=2, between_degree=1e-300),
                      np.random.default_rng(0))
    assert g.number_of_nodes() == 10
