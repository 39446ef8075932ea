"""The trainer's retrieval top-N (``CandidateGen.retrieval_top``): the n best items by inner product, best first,
whatever the chunk and row blocks it is computed in, with items serving cannot retrieve left out."""
from types import SimpleNamespace

import numpy as np

from streamrec_model.candidates import CandidateGen


def _reference(E, V, n, ok=None):
    s = V @ E[1:].T
    if ok is not None:
        s = np.where(ok[None, :], s, -np.inf)
    return np.argsort(-s, axis=1, kind="stable")[:, :n] + 1


def test_retrieval_top_is_the_n_best_in_every_block_layout():
    rng = np.random.default_rng(3)
    E = rng.standard_normal((1001, 8)).astype(np.float32)  # row 0 is padding
    V = rng.standard_normal((300, 8)).astype(np.float32)
    ok = rng.random(1000) < 0.7
    want = _reference(E.astype(np.float64), V.astype(np.float64), 25)
    want_ok = _reference(E.astype(np.float64), V.astype(np.float64), 25, ok)
    for chunk, rows in [(2048, 128), (128, 128), (100, 7), (300, 1)]:
        got = CandidateGen.retrieval_top(SimpleNamespace(E=E, ret_ok=None), V, 25, chunk=chunk, rows=rows)
        assert np.array_equal(got, want), (chunk, rows)
        got = CandidateGen.retrieval_top(SimpleNamespace(E=E, ret_ok=ok), V, 25, chunk=chunk, rows=rows)
        assert np.array_equal(got, want_ok), (chunk, rows)
        assert ok[got - 1].all()
