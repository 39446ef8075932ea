"""Training: time split, vocabulary, co-visitation, popularity, retrieval embeddings, the ranker and the re-visit
order, then the offline table, written as a checkpoint directory that ``export`` turns into a bundle. Sources are
built twice: stage A from train events before a ranker cut (the ranker learns on triggers after it, so no feature
has seen the answer), stage B from every train event (what ships). ``train(cfg, log, out_dir)`` is the entry point;
for the same config, seed and log it writes the same checkpoint (timings aside) bit for bit."""
import json
import os
import time

import numpy as np
import torch

from . import TYPE_INDEX
from .candidates import CandidateGen, make_example_sets, make_examples
from .config import candidate_feature_names, revisit_params
from .data import time_split
from .evaluate import evaluate, format_table, metrics_from_lists, ranked_lists_from_scores, score_examples
from .features import Vocab, build_covisit, context_feature_names, popular_items, type_weight_array
from .model import Ranker, Retrieval
from .prepared import TYPE_NAME, Prepared, log_msg, train_positions
from .progress import Progress
from .revisit import fit_revisit


def train_retrieval(P, cfg, rng, cut, init=None):
    rc, fc = cfg["retrieval"], cfg["features"]
    n_items, d = len(P.vocab), int(fc["embedding_dim"])
    torch.manual_seed(int(cfg["seed"]))
    model = Retrieval(n_items, d)
    epochs = int(rc["epochs"])
    if init is not None:  # warm start keeps the embedding space the ranker was trained against
        with torch.no_grad():
            model.emb.copy_(torch.from_numpy(init))
        epochs = int(rc["finetune_epochs"])
        if epochs == 0:
            return init.copy()
    pos = train_positions(P, cut)
    W = int(rc["window"])
    hp = P.history(pos, W)
    ok = hp >= 0
    safe = np.where(ok, hp, 0)
    warr = type_weight_array(fc["event_type_weights"])
    age_s = np.maximum(0, P.ts[pos][:, None] - P.ts[safe]) / 1000.0
    coef = np.where(ok, warr[P.types[safe]] * np.power(2.0, -age_s / float(fc["decay_half_life_s"])), 0.0)
    hist = torch.from_numpy(np.where(ok, P.item[safe], 0))
    coef = torch.from_numpy(coef.astype(np.float32))
    target = torch.from_numpy(P.item[pos + 1])
    counts = np.bincount(P.item[P.ts < cut], minlength=n_items + 1).astype(np.float64)
    counts[0] = 0
    q = counts ** 0.5
    q /= q.sum()
    logq = torch.from_numpy(np.log(np.maximum(q, 1e-12)).astype(np.float32))
    bs, nneg = int(rc["batch_size"]), min(int(rc["negatives"]), n_items)
    log_msg("retrieval: %d training positions, %d items, d=%d" % (len(pos), n_items, d))
    l2 = float(rc["l2"])
    if bool(rc.get("sparse", False)):
        # Sparse gathers and SparseAdam: a step touches only its batch's rows (history, targets, negatives), where
        # the dense loop's backward and Adam step run over the whole table, most of its epoch on a large catalogue.
        # Not numerically the same training: Adam's moments of a row move only on steps that touch it.
        table = torch.nn.Embedding(n_items + 1, d, padding_idx=0, sparse=True)
        with torch.no_grad():
            table.weight.copy_(model.emb)
            table.weight[0] = 0  # the unknown item; padding_idx keeps it out of every gradient
        opt = torch.optim.SparseAdam(table.parameters(), lr=float(rc["lr"]))

        def batch_loss(idx, tgt, neg):
            v = (table(hist[idx]) * coef[idx].unsqueeze(-1)).sum(1)
            return _sampled_softmax_loss(v, table, tgt, neg, logq, l2, True)

        def final():
            return table.weight
    else:
        opt = torch.optim.Adam(model.parameters(), lr=float(rc["lr"]))

        def batch_loss(idx, tgt, neg):
            v = model.interest(hist[idx], coef[idx])
            E = model.weight()
            return _sampled_softmax_loss(v, lambda ix: E[ix], tgt, neg, logq, l2, False)

        final = model.weight
    for ep in range(epochs):
        perm = torch.from_numpy(rng.permutation(len(pos)))
        tot, nb = 0.0, 0
        bar = Progress(len(pos), "retrieval epoch %d/%d" % (ep + 1, epochs), log_msg)
        for b in range(0, len(pos), bs):
            idx = perm[b:b + bs]
            tgt = target[idx]
            neg = torch.from_numpy(rng.choice(n_items + 1, size=nneg, p=q))
            loss = batch_loss(idx, tgt, neg)
            opt.zero_grad()
            loss.backward()
            opt.step()
            tot += float(loss)
            nb += 1
            bar.update(b + len(idx))
        bar.close()
        log_msg("retrieval epoch %d/%d loss %.4f" % (ep + 1, epochs, tot / max(nb, 1)))
    E = final().detach().numpy().astype(np.float32)
    E[0] = 0
    return E


def _sampled_softmax_loss(v, rows, tgt, neg, logq, l2, reuse_target_rows):
    """The retrieval loss of one batch: softmax of the target against the sampled negatives (logQ-corrected, a
    negative equal to the target masked out), plus l2 on the targets' rows. ``rows(ix)`` looks rows up; the dense
    loop looks the targets up again for the l2 term (``reuse_target_rows`` false), as it always has, which keeps its
    bundles bit for bit; the sparse loop reuses them."""
    et = rows(tgt)
    pos_logit = (v * et).sum(-1, keepdim=True)
    neg_logit = v @ rows(neg).T - logq[neg]
    neg_logit = neg_logit.masked_fill(neg.unsqueeze(0) == tgt.unsqueeze(1), -1e9)
    logits = torch.cat([pos_logit - logq[tgt].unsqueeze(1), neg_logit], dim=1)
    loss = torch.nn.functional.cross_entropy(logits, torch.zeros(len(tgt), dtype=torch.int64))
    return loss + l2 * ((et if reuse_target_rows else rows(tgt)) ** 2).sum(-1).mean()


def train_ranker(P, gen, E, cfg, rng, start, cut):
    rc, fc = cfg["ranker"], cfg["features"]
    pos = train_positions(P, cut, start)
    if int(rc["max_examples"]) and len(pos) > int(rc["max_examples"]):
        pos = np.sort(rng.choice(pos, size=int(rc["max_examples"]), replace=False))
    # validation = the latest val_fraction of training triggers by time (never random)
    tcut = np.quantile(P.ts[pos], 1.0 - float(rc["val_fraction"]))
    tr_pos, va_pos = pos[P.ts[pos] < tcut], pos[P.ts[pos] >= tcut]
    if int(rc["val_max_examples"]) and len(va_pos) > int(rc["val_max_examples"]):
        va_pos = np.sort(rng.choice(va_pos, size=int(rc["val_max_examples"]), replace=False))
    log_msg("ranker: building %d training and %d validation examples" % (len(tr_pos), len(va_pos)))
    tr, va = make_example_sets(P, gen, [(tr_pos, True, 0), (va_pos, False, 0)], cfg, rng)
    log_msg("ranker: %d training examples whose next item is among the serving candidates" % len(tr["cands"]))
    tr_pos = tr["pos"]
    torch.manual_seed(int(cfg["seed"]))
    model = Ranker(len(P.vocab), int(fc["embedding_dim"]), int(fc["seq_len"]), len(context_feature_names()),
                   len(candidate_feature_names(cfg)),
                   torch.from_numpy(E), hidden=tuple(rc["hidden"]), item_residual=bool(rc["item_residual"]),
                   item_bias=bool(rc["item_bias"]), unknown_features=bool(rc.get("unknown_features", False)))
    opt = torch.optim.Adam(model.parameters(), lr=float(rc["lr"]), weight_decay=float(rc["weight_decay"]))
    bs = int(rc["batch_size"])
    best, best_state, bad_epochs, history = -1.0, None, 0, []
    K = len(tr["cands"][0])
    # loss weight of discovery examples (next item not in the user's history) relative to repeats
    dw = float(rc.get("discovery_weight", 1.0))
    ex_w = torch.from_numpy(np.where(tr["is_new"], dw, 1.0).astype(np.float32))
    log_msg("ranker: %.1f%% of training examples are discovery (weight %.2f)" % (100 * tr["is_new"].mean(), dw))
    stacked = dict(tr)
    stacked["cands"] = np.stack(tr["cands"])
    stacked["feats"] = np.stack(tr["feats"])
    for ep in range(int(rc["epochs"])):
        model.train()
        perm = rng.permutation(len(tr_pos))
        tot, nb = 0.0, 0
        bar = Progress(len(perm), "ranker epoch %d/%d" % (ep + 1, int(rc["epochs"])), log_msg)
        for b in range(0, len(perm), bs):
            idx = perm[b:b + bs]
            tt = lambda a: torch.from_numpy(np.ascontiguousarray(a[idx]))
            s = model(tt(stacked["interest"]), tt(stacked["hist_items"]), tt(stacked["hist_types"]),
                      tt(stacked["hist_ages"]), tt(stacked["cands"]),
                      torch.from_numpy(np.ascontiguousarray(stacked["feats"][idx])),
                      tt(stacked["context"]))
            if dw == 1.0:  # exactly the unweighted loss, so default runs reproduce earlier bundles bit for bit
                loss = torch.nn.functional.cross_entropy(s, torch.zeros(len(idx), dtype=torch.int64))
            else:
                wb = ex_w[torch.from_numpy(np.ascontiguousarray(idx))]
                loss = (torch.nn.functional.cross_entropy(s, torch.zeros(len(idx), dtype=torch.int64),
                                                          reduction="none") * wb).sum() / wb.sum()
            opt.zero_grad()
            loss.backward()
            opt.step()
            tot += float(loss)
            nb += 1
            bar.update(b + len(idx))
        bar.close()
        vs = score_examples(model, va)
        if va["cand_ids"]:  # by item id, like the job: an unknown item (index 0) that comes back is a hit
            lists = [np.asarray(ids, dtype=object)[np.argsort(-s, kind="stable")[:20]]
                     for ids, s in zip(va["cand_ids"], vs)]
            m = metrics_from_lists(lists, np.asarray([P.item_str[p + 1] for p in va["pos"]], dtype=object), 20)
        else:
            m = metrics_from_lists(ranked_lists_from_scores(va, vs, 20), P.item[va["pos"] + 1], 20)
        history.append({"epoch": ep + 1, "loss": tot / max(nb, 1), "val_mrr20": m["MRR@20"], "val_hr20": m["HR@20"]})
        log_msg("ranker epoch %d/%d loss %.4f  validation (latest %.0f%% of train, serving candidates) "
                "MRR@20 %.4f HR@20 %.4f" % (ep + 1, int(rc["epochs"]), tot / max(nb, 1),
                                             100 * float(rc["val_fraction"]), m["MRR@20"], m["HR@20"]))
        if m["MRR@20"] > best:
            best, bad_epochs = m["MRR@20"], 0
            best_state = {k: v.clone() for k, v in model.state_dict().items()}
        else:
            bad_epochs += 1
            if bad_epochs >= int(rc["patience"]):
                log_msg("ranker: early stop (no validation gain for %d epochs)" % bad_epochs)
                break
    model.load_state_dict(best_state)
    model.eval()
    return model, {"epochs": history, "best_val_mrr20": best, "train_examples": int(len(tr_pos)),
                   "val_examples": int(len(va_pos)), "candidates_per_training_example": K}


def build_sources(P, cfg, rng, cut, init=None):
    """Co-visitation, popularity and retrieval embeddings from the events before ``cut``."""
    fc, cc = cfg["features"], cfg["covisit"]
    vocab = P.vocab
    before = P.ts < cut
    tw = {TYPE_INDEX[t]: float(w) for t, w in fc["event_type_weights"].items() if w > 0} if cc["type_weighted"] else None
    seqs = []
    for s, e in zip(P.starts, P.ends):
        idx = np.arange(s, e)[before[s:e]]
        if len(idx) > 1:
            seqs.append(([P.item_str[i] for i in idx], P.types[idx], P.ts[idx]))
    covisit = build_covisit(seqs, int(cc["pair_window"]), int(cc["max_gap_s"]) * 1000, int(cc["top_n"]), tw,
                            bool(cc.get("distance_weighted", False)))
    popular = popular_items([P.item_str[i] for i in np.flatnonzero(before)], int(cfg["popular_top_n"]))
    log_msg("sources: %d events, covisit lists for %d items, popular top %d" % (before.sum(), len(covisit), len(popular)))
    E = train_retrieval(P, cfg, rng, cut, init)
    counts = np.bincount(P.item[before], minlength=len(vocab) + 1)
    cov_idx = {vocab.idx(a): [(vocab.idx(b), w) for b, w in lst] for a, lst in covisit.items()}
    gen = CandidateGen(P, E, cov_idx, [vocab.idx(i) for i, _ in popular], cfg, counts)
    return {"E": E, "covisit": covisit, "popular": popular, "gen": gen}


def train(cfg, log, out_dir):
    t0 = time.time()
    torch.set_num_threads(int(cfg.get("threads", 1)))
    seed = int(cfg["seed"])
    rng = np.random.default_rng(seed)
    torch.manual_seed(seed)
    fc = cfg["features"]
    rv_params = revisit_params(cfg)  # fails here, before any training, on a bad revisit section
    log_msg("data: %s, %d events, bad rows %s" % (log.source, len(log), log.bad.as_dict()["by_reason"]))
    train_log, test_log, cutoff = time_split(log, float(cfg["data"]["train_fraction"]))
    log_msg("split at ts %d: %d train / %d test events" % (cutoff, len(train_log), len(test_log)))
    P = Prepared(log, cfg, cutoff)
    # vocabulary = items seen in training, most frequent first (ties by id)
    pop_all = popular_items(train_log.items, None)
    vocab = Vocab([it for it, _ in pop_all])
    P.set_vocab(vocab)
    # Stage A: sources built only from train events before ranker_cut; the ranker learns on triggers after it.
    # Features computed from data that already contains the (trigger, next item) pair would leak the answer
    # (co-visitation counts it, retrieval embeddings memorise it), and the ranker would learn to trust them.
    rf = float(cfg["ranker"]["train_fraction_of_train"])
    ranker_cut = int(np.quantile(P.ts[P.is_train], 1.0 - rf))
    log_msg("stage A: sources from train events before ts %d, ranker trained on triggers after it" % ranker_cut)
    srcA = build_sources(P, cfg, rng, ranker_cut)
    EA = srcA["E"]
    full_item = P.item
    if bool(cfg["ranker"].get("serving_candidates", False)):
        # As at serving time: items first seen after the cut are unknown to the sources (model index 0, zero
        # embedding, never retrieved); the job still proposes them as recent items, so the ranker must learn to
        # score index 0 from behaviour (history, context) alone.
        first = np.full(len(vocab) + 1, np.iinfo(np.int64).max, dtype=np.int64)
        np.minimum.at(first, P.item, P.ts)
        known = first < ranker_cut
        known[0] = False
        P.item = np.where(known[P.item], P.item, 0)
        EA = EA.copy()
        EA[~known] = 0
        srcA["gen"].E = EA
        srcA["gen"].ret_ok = known[1:]
        log_msg("stage A: %d of %d items known before the cut" % (int(known.sum()), len(vocab)))
    P.compute_interest(EA, fc["event_type_weights"], float(fc["decay_half_life_s"]))
    model, rinfo = train_ranker(P, srcA["gen"], EA, cfg, rng, ranker_cut, cutoff)
    P.item = full_item
    # the re-visit order: which history items fill the slots the ranker gives to re-visits (by item id, no sources)
    revisit, rv_summary = None, {"enabled": False}
    if rv_params["enabled"]:
        weights, rv_summary = fit_revisit(P, cutoff, rv_params)
        if weights is not None:
            revisit = (rv_params["features"], weights)
    else:
        log_msg("revisit: disabled in the config (the bundle keeps the ranker's order)")
    if cfg["eval"].get("diagnose_stage_a"):
        repA, _ = evaluate(P, srcA["gen"], model, cfg, np.random.default_rng(seed), revisit=revisit)
        log_msg("DIAGNOSTIC: test metrics with stage-A sources (not shipped)")
        print(format_table(repA), flush=True)
    # Stage B: the sources that ship in the bundle, from every train event; the ranker reads them at serving time
    log_msg("stage B: sources from all train events")
    src = build_sources(P, cfg, rng, cutoff, init=srcA["E"])
    E, covisit, popular, gen = src["E"], src["covisit"], src["popular"], src["gen"]
    P.compute_interest(E, fc["event_type_weights"], float(fc["decay_half_life_s"]))
    model.remb.copy_(torch.from_numpy(E))
    if len(test_log):
        report, ex = evaluate(P, gen, model, cfg, rng, samples=6, revisit=revisit)
        print(format_table(report), flush=True)
    else:  # train_fraction 1.0: nothing to evaluate here; golden-case samples come from the last training triggers
        report = {"note": "no test part (data.train_fraction 1.0): evaluate the bundle elsewhere"}
        ex = make_examples(P, gen, train_positions(P, cutoff)[-6:], cfg, rng, False, samples=6)
        log_msg("no test part: offline table skipped")
    training = {
        "dataset": log.source, "events": int(len(log)), "bad_rows": log.bad.as_dict(),
        "split": {"method": "time", "train_fraction": float(cfg["data"]["train_fraction"]), "cutoff_ts": int(cutoff),
                  "ranker_cutoff_ts": ranker_cut,
                  "train": train_log.summary(), "test": test_log.summary()},
        "metrics": report, "ranker_training": rinfo, "revisit": rv_summary, "seed": seed,
        "serving_candidates": dict(cfg["candidates"]),
        "protocol": ("list after each test event scored against the same user's next event; full catalogue; no "
                     "sampled negatives; user's train history counts as history; ranker re-ranks the serving "
                     "candidates (miss if the next item is not among them); repeat and covisit_knn are filled up "
                     "with popular items to 20; with a re-visit order, ranker is the shipped list (the ranker's "
                     "re-visit slots refilled in re-visit order) and ranker_no_revisit the ranker's own order"),
        "train_seconds": round(time.time() - t0, 1),
    }
    os.makedirs(out_dir, exist_ok=True)
    save_checkpoint(out_dir, cfg, vocab, E, covisit, popular, model, training, P, ex, revisit)
    log_msg("checkpoint written to %s (%.0f s)" % (out_dir, time.time() - t0))
    return training


def save_checkpoint(out_dir, cfg, vocab, E, covisit, popular, model, training, P, ex, revisit=None):
    with open(os.path.join(out_dir, "config.json"), "w") as f:
        json.dump(cfg, f, indent=1)
    rpath = os.path.join(out_dir, "revisit.json")
    if revisit is not None:  # (feature names, weights): the manifest's "revisit"
        with open(rpath, "w") as f:
            json.dump({"features": list(revisit[0]), "weights": [float(x) for x in revisit[1]]}, f, indent=1)
    elif os.path.exists(rpath):  # a reused checkpoint directory must not ship an older run's weights
        os.remove(rpath)
    with open(os.path.join(out_dir, "items.txt"), "w", encoding="utf-8") as f:
        f.write("".join(it + "\n" for it in vocab.items))
    np.save(os.path.join(out_dir, "embeddings.npy"), E)
    with open(os.path.join(out_dir, "covisit.json"), "w") as f:
        json.dump(covisit, f)
    with open(os.path.join(out_dir, "popular.json"), "w") as f:
        json.dump(popular, f)
    torch.save(model.state_dict(), os.path.join(out_dir, "ranker.pt"))
    with open(os.path.join(out_dir, "training.json"), "w") as f:
        json.dump(training, f, indent=1)
    # realistic inputs for golden cases: a few test triggers (or train ones if the test part is empty)
    samples = []
    n = len(ex["cands"])
    rows = ex["sample_rows"] if ex.get("sample_rows") else list(range(min(n, 6)))
    for r in rows:
        p = int(ex["pos"][r])
        s = P.seq_start[p]
        events = [{"item_id": P.item_str[i], "type": TYPE_NAME[int(P.types[i])], "ts": int(P.ts[i]),
                   **({"category": P.cat_str[i]} if P.cat_str is not None and P.cat_str[i] else {})}
                  for i in range(max(s, p - 60), p + 1)]
        if not ex.get("sample_rows"):  # covisit only: exactly the samples earlier bundles were made from
            samples.append({"events": events, "candidates": [vocab.items[c - 1] for c in ex["cands"][r][:40] if c > 0]})
            continue
        # hist/online features: candidates by id (unknown items too), and the online table as it stood then
        cids = ex["cand_ids"][r] if ex["cand_ids"] else [vocab.items[c - 1] for c in ex["cands"][r] if c > 0]
        samples.append({"events": events, "candidates": list(cids[:40]),
                        "online_covisit": ex["online_rows"].get(r, {})})
    with open(os.path.join(out_dir, "samples.json"), "w") as f:
        json.dump(samples, f)
