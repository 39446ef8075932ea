"""make_example_sets builds several example sets with two online co-visitation replays in all instead of two per set;
the sets must come out exactly as separate make_examples calls make them (same random draws, same features)."""
import json
import os

import numpy as np

from streamrec_model.candidates import make_example_sets, make_examples
from streamrec_model.config import load_config
from streamrec_model.data import read_lines, time_split
from streamrec_model.features import Vocab, popular_items
from streamrec_model.prepared import Prepared, train_positions
from streamrec_model.synth import generate
from streamrec_model.train import build_sources


def _world():
    events = generate(n_users=60, n_items=150, n_categories=6, days=4, seed=11)
    log = read_lines([json.dumps(e) for e in events], "jsonl", source="generated")
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    cfg = load_config(os.path.join(here, "configs", "eval-default.json"),
                      ["retrieval.epochs=1", "data.train_fraction=0.8", "threads=1"])
    train_log, _, cutoff = time_split(log, float(cfg["data"]["train_fraction"]))
    P = Prepared(log, cfg, cutoff)
    P.set_vocab(Vocab([it for it, _ in popular_items(train_log.items, None)]))
    cut = int(np.quantile(P.ts[P.is_train], 0.5))
    src = build_sources(P, cfg, np.random.default_rng(1), cut)
    P.compute_interest(src["E"], cfg["features"]["event_type_weights"], float(cfg["features"]["decay_half_life_s"]))
    pos = train_positions(P, cutoff, cut)
    return P, src["gen"], cfg, pos[: len(pos) * 2 // 3], pos[len(pos) * 2 // 3:]


def test_shared_replays_give_the_examples_separate_calls_give():
    P, gen, cfg, tr_pos, va_pos = _world()
    assert cfg["ranker"]["serving_candidates"] and "online_covisit" in cfg["features"]["candidate_features"]
    tr1 = make_examples(P, gen, tr_pos, cfg, np.random.default_rng(7), True)
    rng = np.random.default_rng(7)
    tr2, va2 = make_example_sets(P, gen, [(tr_pos, True, 0), (va_pos, False, 3)], cfg, rng)
    va1 = make_examples(P, gen, va_pos, cfg, _after(tr_pos, P, gen, cfg), False, samples=3)
    for one, two in ((tr1, tr2), (va1, va2)):
        assert np.array_equal(one["pos"], two["pos"]) and np.array_equal(one["labels"], two["labels"])
        assert len(one["cands"]) == len(two["cands"]) > 0
        for a, b in zip(one["cands"], two["cands"]):
            assert np.array_equal(a, b)
        for a, b in zip(one["feats"], two["feats"]):
            assert np.array_equal(a, b)
        assert one["sample_rows"] == two["sample_rows"] and one["online_rows"] == two["online_rows"]
    j = cfg["features"]["candidate_features"].index("online_covisit")
    assert any(f[:, j].any() for f in va2["feats"])  # the shared fill pass reached the second set
    assert va2["online_rows"]                         # and kept the golden rows' tables


def _after(tr_pos, P, gen, cfg):
    """The generator state a separate call for the second set starts from: after the first set's draws."""
    rng = np.random.default_rng(7)
    make_examples(P, gen, tr_pos, cfg, rng, True)
    return rng
