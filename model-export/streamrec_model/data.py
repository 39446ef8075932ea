"""Event-log readers and the time split.

Every reader returns an EventLog plus a BadRows counter: a row that cannot be used is counted by reason, never
dropped silently. Supported formats:
  * ``jsonl``       the input topic's JSON lines (event_id, user_id, item_id, type, ts required; others ignored)
  * ``csv``         generic CSV with header ``user_id,item_id,event_type,ts_ms[,category]``
  * ``taobao``      UserBehavior.csv (no header; user,item,category,behavior,ts seconds)
  * ``diginetica``  sample_train-item-views.csv (``;``-separated; session_id;user_id;item_id;timeframe;eventdate)

These are the trainer's readers. The reference for the raw formats is ``convert.py`` (``python -m streamrec_model
convert``), which follows the Java evaluator's rules; on the fixtures in tests/fixtures/logs these readers give the
same events from a raw file as from its converted JSON lines, and the ``edge-*`` fixtures there are the corner cases
where they do not (a ``+`` sign, a quote inside a CSV field, no-break spaces as ids, ``yyyy-M-d`` dates, ...).
"""
import collections
import csv
import datetime as _dt
import io
import itertools
import json
import os

import numpy as np

from . import EVENT_TYPES, TYPE_INDEX

TAOBAO_BEHAVIOUR = {"pv": "view", "fav": "click", "cart": "add_to_cart", "buy": "purchase"}


class BadRows:
    """Counts unusable rows by reason and keeps a few examples of each."""

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


def _ts_ok(v):
    return isinstance(v, int) and not isinstance(v, bool) and v >= 0


def _nonempty_id(v):
    if isinstance(v, bool) or v is None:
        return None
    if isinstance(v, (int, str)):
        s = str(v)
        return s if s.strip() != "" else None
    return None


def read_jsonl(lines, bad=None):
    """Input-topic JSON lines. Required event_id, user_id, item_id, type, ts (epoch ms integer)."""
    bad = bad or BadRows()
    U, I, T, TS, C = [], [], [], [], []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            o = json.loads(line)
        except ValueError:
            bad.add("invalid_json", n, line)
            continue
        if not isinstance(o, dict):
            bad.add("not_an_object", n, line)
            continue
        missing = [k for k in ("event_id", "user_id", "item_id", "type", "ts") if k not in o or o[k] is None]
        if missing:
            bad.add("missing_" + missing[0], n, line)
            continue
        u, it = _nonempty_id(o["user_id"]), _nonempty_id(o["item_id"])
        if u is None:
            bad.add("bad_user_id", n, line)
            continue
        if it is None:
            bad.add("bad_item_id", n, line)
            continue
        if o["type"] not in TYPE_INDEX:
            bad.add("unknown_type", n, line)
            continue
        ts = o["ts"]
        if isinstance(ts, float) and ts.is_integer():
            ts = int(ts)
        if not _ts_ok(ts):
            bad.add("bad_ts", n, line)
            continue
        cat = o.get("category")
        U.append(u); I.append(it); T.append(TYPE_INDEX[o["type"]]); TS.append(ts)
        C.append(str(cat) if cat is not None else None)
    return U, I, T, TS, C, bad


def _int_or_none(s):
    try:
        s = s.strip()
        if not s or not (s.isdigit() or (s[0] == "-" and s[1:].isdigit())):
            return None
        return int(s)
    except (AttributeError, IndexError):
        return None


def read_generic_csv(lines, bad=None):
    """CSV with a header; columns user_id,item_id,event_type,ts_ms[,category] (located by name)."""
    bad = bad or BadRows()
    U, I, T, TS, C = [], [], [], [], []
    reader = csv.reader(lines)
    header = next(reader, None)
    if header is None:
        return U, I, T, TS, C, bad
    header = [h.strip() for h in header]
    need = ["user_id", "item_id", "event_type", "ts_ms"]
    if any(h not in header for h in need):
        raise ValueError("CSV header must contain %s, got %s" % (need, header))
    col = {h: header.index(h) for h in header}
    for n, row in enumerate(reader, 2):
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        if len(row) != len(header):
            bad.add("wrong_column_count", n, ",".join(row))
            continue
        u, it, ty = row[col["user_id"]].strip(), row[col["item_id"]].strip(), row[col["event_type"]].strip()
        if not u:
            bad.add("bad_user_id", n, ",".join(row)); continue
        if not it:
            bad.add("bad_item_id", n, ",".join(row)); continue
        if ty not in TYPE_INDEX:
            bad.add("unknown_type", n, ",".join(row)); continue
        ts = _int_or_none(row[col["ts_ms"]])
        if ts is None or ts < 0:
            bad.add("bad_ts", n, ",".join(row)); continue
        U.append(u); I.append(it); T.append(TYPE_INDEX[ty]); TS.append(ts)
        C.append(row[col["category"]].strip() if "category" in col else None)
    return U, I, T, TS, C, bad


def read_taobao(lines, bad=None):
    """UserBehavior.csv: no header; user,item,category,behavior(pv|cart|fav|buy),ts(unix seconds)."""
    bad = bad or BadRows()
    U, I, T, TS, C = [], [], [], [], []
    for n, line in enumerate(lines, 1):
        line = line.rstrip("\r\n")
        if not line:
            continue
        row = line.split(",")
        if len(row) != 5:
            bad.add("wrong_column_count", n, line); continue
        u, it, cat, beh, ts = (x.strip() for x in row)
        if not u:
            bad.add("bad_user_id", n, line); continue
        if not it:
            bad.add("bad_item_id", n, line); continue
        if beh not in TAOBAO_BEHAVIOUR:
            bad.add("unknown_type", n, line); continue
        t = _int_or_none(ts)
        if t is None or t < 0:
            bad.add("bad_ts", n, line); continue
        U.append(u); I.append(it); T.append(TYPE_INDEX[TAOBAO_BEHAVIOUR[beh]]); TS.append(t * 1000); C.append(cat)
    return U, I, T, TS, C, bad


def read_diginetica(lines, bad=None):
    """sample_train-item-views.csv: ';'-separated with header session_id;user_id;item_id;timeframe;eventdate.
    user = user_id, or ``s<session_id>`` when user_id is NA; ts = eventdate (UTC midnight) + timeframe ms; all views."""
    bad = bad or BadRows()
    U, I, T, TS, C = [], [], [], [], []
    it_lines = iter(lines)
    header = next(it_lines, None)
    if header is None:
        return U, I, T, TS, C, bad
    cols = [h.strip() for h in header.rstrip("\r\n").split(";")]
    if cols != DIGINETICA_HEADER:
        raise ValueError("unexpected Diginetica header: %s" % cols)
    for n, line in enumerate(it_lines, 2):
        line = line.rstrip("\r\n")
        if not line:
            continue
        row = line.split(";")
        if len(row) != 5:
            bad.add("wrong_column_count", n, line); continue
        sess, user, item, tf, date = (x.strip() for x in row)
        if not sess and (not user or user == "NA"):
            bad.add("bad_user_id", n, line); continue
        if not item:
            bad.add("bad_item_id", n, line); continue
        tfv = _int_or_none(tf)
        try:
            day = _dt.datetime.strptime(date, "%Y-%m-%d").replace(tzinfo=_dt.timezone.utc)
        except ValueError:
            day = None
        if tfv is None or tfv < 0 or day is None:
            bad.add("bad_ts", n, line); continue
        U.append(user if user and user != "NA" else "s" + sess)
        I.append(item); T.append(TYPE_INDEX["view"]); TS.append(int(day.timestamp()) * 1000 + tfv); C.append(None)
    return U, I, T, TS, C, bad


READERS = {"jsonl": read_jsonl, "csv": read_generic_csv, "taobao": read_taobao, "diginetica": read_diginetica}


DIGINETICA_HEADER = ["session_id", "user_id", "item_id", "timeframe", "eventdate"]


def sniff_format(first_line):
    """The format a log's first non-blank line shows, or None: a JSON object (jsonl), Diginetica's header, a CSV header
    naming user_id and item_id (csv), or a Taobao row (five fields, the fourth a behaviour: pv, cart, fav, buy).
    The Java evaluator's EventLogReader.sniffFormat applies the same rules."""
    line = first_line.lstrip("\ufeff").strip()
    if line.startswith("{"):
        return "jsonl"
    if [c.strip().lower() for c in line.split(";")] == DIGINETICA_HEADER:
        return "diginetica"
    cols = [c.strip() for c in line.split(",")]
    if "user_id" in cols and "item_id" in cols:
        return "csv"
    if len(cols) == 5 and cols[3] in TAOBAO_BEHAVIOUR:
        return "taobao"
    return None


def detect_format(path):
    """``auto``: the format the file's first non-blank line shows (sniff_format); when it shows none (or the file
    cannot be read), the file name's: *.jsonl/.json/.ndjson, *userbehavior* (Taobao), *item-views* (Diginetica),
    else csv."""
    try:
        with io.open(path, "r", encoding="utf-8-sig", errors="replace", newline="") as f:
            for line in itertools.islice(f, 1000):
                if line.strip():
                    fmt = sniff_format(line)
                    if fmt:
                        return fmt
                    break
    except OSError:
        pass
    name = os.path.basename(path).lower()
    if name.endswith(".jsonl") or name.endswith(".json") or name.endswith(".ndjson"):
        return "jsonl"
    if "userbehavior" in name:
        return "taobao"
    if "item-views" in name:
        return "diginetica"
    return "csv"


def read_lines(lines, fmt, source=""):
    if fmt not in READERS:
        raise ValueError("unknown format %r (one of %s)" % (fmt, sorted(READERS)))
    U, I, T, TS, C, bad = READERS[fmt](lines)
    cats = C if any(c is not None for c in C) else None
    return EventLog(U, I, T, TS, cats, source=source, bad=bad)


def read_events(path, fmt="auto"):
    fmt = detect_format(path) if fmt in (None, "auto") else fmt
    with io.open(path, "r", encoding="utf-8-sig", errors="replace", newline="") as f:  # -sig: a leading BOM is dropped
        return read_lines(f, fmt, source="%s (%s)" % (path, fmt))


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
