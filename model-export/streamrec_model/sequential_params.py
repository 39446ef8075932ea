"""The GRU4Rec baseline's knobs and their defaults, apart from sequential.py so that the CLI can list them without
importing torch (native thread pools are sized when torch loads, see __main__.limit_threads)."""

DEFAULTS = {
    "session_gap_s": 1800,  # EvalSettings.sessionGapS: the session rule of SessionIndex.java
    "max_len": 20,          # the model sees the last max_len items of the running session
    "dim": 64,
    "dropout": 0.3,
    "epochs": 30,
    "batch_size": 128,
    "lr": 0.01,
    "negatives": 2048,
    "holdout": 0.1,
    "patience": 3,
    "time_budget_s": 600.0,
    "val_max_positions": 20000,
    "seed": 7,
    "threads": 1,
}
