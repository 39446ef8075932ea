"""The trainer's event log: read through convert's reader, held as time-sorted arrays, and split by time.

Raw logs are read by ``convert.py`` (``python -m streamrec_model convert``), the one reader of the raw formats (JSON
lines, generic CSV, Taobao UserBehavior.csv, Diginetica item views) and the one the Java evaluator relies on: the
trainer gets exactly the events ``convert`` writes, with the same skipped lines, whatever the format. This module only
turns those events into an EventLog and keeps, for training.json, the first skipped line of each reason.
"""
import collections

import numpy as np

from . import EVENT_TYPES, TYPE_INDEX
from . import convert


class BadRows:
    """Counts unusable rows by reason (convert's reasons) and keeps the first example of each."""

    def __init__(self):
        self.counts = collections.Counter()
        self.examples = {}

    def add(self, reason, line_no, raw):
        self.counts[reason] += 1
        if reason not in self.examples:
            self.examples[reason] = {"line": line_no, "raw": str(raw)[:200]}

    @property
    def total(self):
        return sum(self.counts.values())

    def as_dict(self):
        return {"total": self.total, "by_reason": dict(sorted(self.counts.items())), "examples": self.examples}


class EventLog:
    """Events as parallel arrays, sorted by (ts, file order). ``types`` holds type indices (1..6)."""

    def __init__(self, users, items, types, ts, categories=None, source="", bad=None):
        order = np.argsort(np.asarray(ts, dtype=np.int64), kind="stable")
        self.users = [users[i] for i in order]
        self.items = [items[i] for i in order]
        self.types = np.asarray(types, dtype=np.int64)[order]
        self.ts = np.asarray(ts, dtype=np.int64)[order]
        self.categories = [categories[i] for i in order] if categories is not None else None
        self.source = source
        self.bad = bad if bad is not None else BadRows()

    def __len__(self):
        return len(self.ts)

    def subset(self, mask):
        idx = np.nonzero(mask)[0]
        cats = [self.categories[i] for i in idx] if self.categories is not None else None
        return EventLog([self.users[i] for i in idx], [self.items[i] for i in idx], self.types[idx], self.ts[idx],
                        cats, self.source, self.bad)

    def summary(self):
        return {"events": int(len(self)), "users": len(set(self.users)), "items": len(set(self.items)),
                "by_type": {t: int((self.types == TYPE_INDEX[t]).sum()) for t in EVENT_TYPES},
                "ts_min": int(self.ts.min()) if len(self) else None,
                "ts_max": int(self.ts.max()) if len(self) else None}


class _NumberedLines:
    """The lines it passes on, remembering the number (from 1) and text of the last one."""

    def __init__(self, lines):
        self._lines = iter(lines)
        self.number, self.text = 0, ""

    def __iter__(self):
        return self

    def __next__(self):
        self.text = next(self._lines)
        self.number += 1
        return self.text


class _Tally(collections.Counter):
    """The Counter convert's readers count skipped lines in; every count also goes to BadRows with the line being
    read (convert's readers count a line while it is the last one they took)."""

    def __init__(self, bad, lines):
        super().__init__()
        self.bad, self.lines = bad, lines

    def __setitem__(self, reason, count):
        for _ in range(count - self[reason]):
            self.bad.add(reason, self.lines.number, self.lines.text)
        super().__setitem__(reason, count)


def read_lines(lines, fmt, source=""):
    """An EventLog from a log's lines (each with or without its line end) in format fmt (not auto), read by convert.
    Raises convert.FormatError (a ValueError) when the log cannot be read in that format at all (a wrong header)."""
    return _read(convert.without_line_ends(lines), fmt, source)


def read_events(path, fmt="auto"):
    """An EventLog from the file at path, read as convert reads it; fmt auto: the format convert.detect_format finds."""
    fmt = convert.detect_format(path) if fmt in (None, "auto") else fmt
    return _read(convert.open_lines(path), fmt, "%s (%s)" % (path, fmt))


def _read(lines, fmt, source):
    numbered = _NumberedLines(lines)
    bad = BadRows()
    events, _ = convert.read_lines(numbered, fmt, bad=_Tally(bad, numbered))
    cats = [e.category for e in events]
    return EventLog([e.user_id for e in events], [e.item_id for e in events], [TYPE_INDEX[e.type] for e in events],
                    [e.ts for e in events], cats if any(c is not None for c in cats) else None, source=source, bad=bad)


def time_split(log, train_fraction):
    """Split by time, never randomly: events with ts < cutoff train, the rest test. The cutoff is the timestamp at the
    ``train_fraction`` quantile of events, so roughly that fraction of events lands in train. ``train_fraction`` 1.0
    puts every event in train (empty test part: for a bundle trained on everything, evaluated elsewhere)."""
    if not 0.0 < train_fraction <= 1.0:
        raise ValueError("train_fraction must be in (0, 1]")
    if len(log) < 2:
        raise ValueError("need at least two events to split")
    if train_fraction == 1.0:
        cutoff = int(log.ts.max()) + 1
        return log.subset(log.ts < cutoff), log.subset(log.ts >= cutoff), cutoff
    k = min(max(int(len(log) * train_fraction), 1), len(log) - 1)
    cutoff = int(np.sort(log.ts)[k])
    train = log.subset(log.ts < cutoff)
    test = log.subset(log.ts >= cutoff)
    return train, test, cutoff
