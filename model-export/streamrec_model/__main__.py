"""CLI: /usr/bin/python3 -m streamrec_model {train,export,verify,build,synth,convert,baseline-gru4rec} ..."""
import argparse
import json
import os
import sys


def _add_common(ap):
    ap.add_argument("--config", default=None, help="JSON config (default: configs/default.json)")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                    help="override one config key, e.g. --set ranker.epochs=4 (repeatable)")
    ap.add_argument("--format", default=None, help="jsonl | csv | taobao | diginetica | auto")


# The native thread pools that read these when numpy or torch is first imported: OpenBLAS (numpy's and Debian torch's
# matrix products), OpenMP, MKL. torch.set_num_threads alone leaves OpenBLAS on every core.
THREAD_POOL_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def limit_threads(n):
    """Caps every native thread pool at ``n`` threads. Must run before numpy or torch is imported: without it OpenBLAS
    starts one thread per core whatever ``threads`` says, and results then depend on the machine's core count (its
    sums are split differently). Returns False (and changes nothing) if numpy or torch is already loaded."""
    if "numpy" in sys.modules or "torch" in sys.modules:
        return False
    for v in THREAD_POOL_VARIABLES:
        os.environ[v] = str(max(1, int(n)))
    return True


def _cfg(a):
    from .config import load_config
    cfg = load_config(a.config, a.set)
    limit_threads(cfg.get("threads", 1))
    if getattr(a, "data", None):
        cfg["data"]["path"] = a.data
    if getattr(a, "format", None):
        cfg["data"]["format"] = a.format
    return cfg


def cmd_train(a):
    cfg = _cfg(a)  # first: it sizes the thread pools, before numpy and torch load
    from .data import read_events
    from .train import train
    if not cfg["data"]["path"]:
        sys.exit("train: give the event log (--data PATH or data.path in the config)")
    log = read_events(cfg["data"]["path"], cfg["data"]["format"])
    train(cfg, log, a.checkpoint)


def cmd_export(a):
    from .export import export_bundle
    from .verify import verify_bundle
    export_bundle(a.checkpoint, a.bundle, model_version=a.model_version)
    if not a.no_verify:
        ok = verify_bundle(a.bundle)
        if not ok:
            sys.exit(1)


def cmd_verify(a):
    from .verify import verify_bundle
    sys.exit(0 if verify_bundle(a.bundle) else 1)


def cmd_build(a):
    if not a.checkpoint:  # keep checkpoints out of git: runs/ is ignored
        here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        a.checkpoint = os.path.join(here, "runs", "checkpoints", os.path.basename(os.path.abspath(a.bundle)))
    cmd_train(a)
    cmd_export(a)


def cmd_gru4rec(a):
    """Trains the GRU4Rec baseline on a log (read as `train` reads it), exports it, then validates the export."""
    limit_threads(a.threads)
    from .data import read_events
    from .sequential import log, train
    from .sequential_params import DEFAULTS
    from .sequential_export import export, validate
    ev = read_events(a.data, a.format or "auto")
    params = {k: getattr(a, k) for k in DEFAULTS}
    model, vocab, report, x = train(ev.users, ev.items, ev.ts, params)
    report["source"] = ev.source
    export(model, vocab, report, a.out, x)
    problems = validate(a.out)
    for p in problems:
        log("INVALID: " + p)
    if problems:
        sys.exit(1)
    log("exported and checked: %s (%d items, max_len %d)" % (a.out, len(vocab), params["max_len"]))


def _add_gru4rec(sub):
    from .sequential_params import DEFAULTS
    g = sub.add_parser("baseline-gru4rec", help="train the GRU4Rec baseline of `streamrec evaluate` and export it "
                                                "to ONNX (gru4rec.onnx, gru4rec.json, gru4rec.golden.json)")
    g.add_argument("--data", required=True, help="the training event log")
    g.add_argument("--format", default="auto", help="jsonl | csv | taobao | diginetica | auto")
    g.add_argument("--out", required=True, help="directory for the three files")
    for k, v in DEFAULTS.items():
        g.add_argument("--" + k.replace("_", "-"), dest=k, type=type(v), default=v, help="default %s" % v)


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python3 -m streamrec_model")
    sub = ap.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("train", help="train and evaluate; writes a checkpoint directory")
    t.add_argument("--data", required=False)
    t.add_argument("--checkpoint", required=True)
    _add_common(t)
    e = sub.add_parser("export", help="write a model bundle from a checkpoint, then verify it")
    e.add_argument("--checkpoint", required=True)
    e.add_argument("--bundle", required=True)
    e.add_argument("--model-version", default=None)
    e.add_argument("--no-verify", action="store_true", help="skip the automatic verification (not recommended)")
    v = sub.add_parser("verify", help="validate a bundle directory or zip against docs/MODEL_BUNDLE.md")
    v.add_argument("bundle")
    b = sub.add_parser("build", help="train + export + verify")
    b.add_argument("--data", required=False)
    b.add_argument("--bundle", required=True)
    b.add_argument("--checkpoint", default=None)
    b.add_argument("--model-version", default=None)
    b.add_argument("--no-verify", action="store_true")
    _add_common(b)
    s = sub.add_parser("synth", help="write generated storefront traffic (JSON lines)")
    s.add_argument("args", nargs=argparse.REMAINDER)
    c = sub.add_parser("convert", help="write a raw event log (JSON lines, CSV, Taobao, Diginetica) as the input "
                                       "topic's JSON lines")
    from .convert import add_arguments
    add_arguments(c)
    _add_gru4rec(sub)
    a = ap.parse_args(argv)
    if a.cmd == "convert":
        from .convert import run
        rc = run(a)
        if rc:
            sys.exit(rc)
        return 0
    if a.cmd == "synth":
        from .synth import main as smain
        return smain(a.args)
    {"train": cmd_train, "export": cmd_export, "verify": cmd_verify, "build": cmd_build,
     "baseline-gru4rec": cmd_gru4rec}[a.cmd](a)


if __name__ == "__main__":
    main()
