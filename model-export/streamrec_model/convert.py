"""Raw event logs to input-topic JSON lines: the one owner of the raw log formats.

streamrec reads four log formats (the input topic's JSON lines, a generic CSV, Taobao UserBehavior.csv and
Diginetica item views). This module is the one implementation that reads them: ``python -m streamrec_model convert``
turns any of them into JSON lines in the ``user-events`` contract, which the Java evaluator (``streamrec evaluate``)
reads, and training reads every log through ``read_lines`` here. The rules (event ids, type mapping, timestamps,
skipped rows and their order) are those the Java evaluator applied when it still parsed raw logs itself, so its
figures did not move when it stopped; ``tests/fixtures/logs`` pins them, and a Java test reads the same fixtures.
"""
import collections
import io
import os
import sys
import tempfile

from .java_rules import (INVALID_JSON, csv_fields, epoch_day_ms, java_as_text, java_is_blank, java_strip, java_trim,
                         json_id, json_long, json_quote, parse_long, read_tree, wrap_long)

FORMATS = ("jsonl", "csv", "taobao", "diginetica")
WIRE_TYPES = ("view", "click", "add_to_cart", "remove_from_cart", "purchase", "search")
TAOBAO_TYPES = {"pv": "view", "fav": "click", "cart": "add_to_cart", "buy": "purchase"}
DIGINETICA_HEADER = ["session_id", "user_id", "item_id", "timeframe", "eventdate"]
CSV_REQUIRED = ["user_id", "item_id", "event_type", "ts_ms"]
DEFAULT_ID_PREFIX = "r"  # EventLogReader.read(path, format) numbers rows "r<line>"


class FormatError(ValueError):
    """The log cannot be read in the format at all (a wrong header, an unknown format): nothing is converted."""


Event = collections.namedtuple("Event", "event_id user_id item_id type ts category seq")


def read_jsonl(lines, prefix, out, bad):
    for n, line in enumerate(lines, 1):
        if java_is_blank(line):
            continue
        o = read_tree(line)
        if o is INVALID_JSON:
            bad["invalid_json"] += 1
            continue
        if not isinstance(o, dict):
            bad["not_an_object"] += 1
            continue
        missing = next((k for k in ("event_id", "user_id", "item_id", "type", "ts") if o.get(k) is None), None)
        if missing:
            bad["missing_" + missing] += 1
            continue
        u, it = json_id(o["user_id"]), json_id(o["item_id"])
        if u is None:
            bad["bad_user_id"] += 1
            continue
        if it is None:
            bad["bad_item_id"] += 1
            continue
        ty = o["type"] if isinstance(o["type"], str) and o["type"] in WIRE_TYPES else None
        if ty is None:
            bad["unknown_type"] += 1
            continue
        ts = json_long(o["ts"])
        if ts is None or ts < 0:
            bad["bad_ts"] += 1
            continue
        cat = o.get("category")
        out.append(Event(java_as_text(o["event_id"]), u, it, ty, ts, None if cat is None else java_as_text(cat), n))


# --- the CSV formats ------------------------------------------------------------------------------------------------

def _add(out, bad, event_id, user, item, ty, ts, category, n):
    """The checks every format shares, in this order; the first failing one counts the row under its reason. An id
    is bad when it is empty or blank by String.isBlank (an ideographic space survives trim() but is blank): the job
    and the JSON-lines reader would refuse it, so convert never writes one."""
    if not user or java_is_blank(user):
        bad["bad_user_id"] += 1
    elif not item or java_is_blank(item):
        bad["bad_item_id"] += 1
    elif ty is None:
        bad["unknown_type"] += 1
    elif ts is None or ts < 0:
        bad["bad_ts"] += 1
    else:
        out.append(Event(event_id, user, item, ty, ts, category, n))


def read_csv(lines, prefix, out, bad):
    """Generic CSV with a header naming user_id, item_id, event_type, ts_ms (ms) and optionally category."""
    lines = iter(lines)
    header_line = next(lines, None)
    if header_line is None:
        return
    header = [java_trim(h) for h in csv_fields(header_line)]
    if any(h not in header for h in CSV_REQUIRED):
        raise FormatError("CSV header must contain user_id,item_id,event_type,ts_ms, got %s" % header)
    cu, ci, ct, cts = (header.index(h) for h in CSV_REQUIRED)
    cc = header.index("category") if "category" in header else -1
    for n, line in enumerate(lines, 2):
        if java_is_blank(line):
            continue
        row = csv_fields(line)
        if len(row) != len(header):
            bad["wrong_column_count"] += 1
            continue
        ty = java_trim(row[ct])
        _add(out, bad, prefix + str(n), java_trim(row[cu]), java_trim(row[ci]), ty if ty in WIRE_TYPES else None,
             parse_long(row[cts]), java_trim(row[cc]) if cc >= 0 else None, n)


def read_taobao(lines, prefix, out, bad):
    """UserBehavior.csv: no header; user,item,category,behaviour (pv|fav|cart|buy),unix seconds."""
    for n, line in enumerate(lines, 1):
        if not line:
            continue
        row = line.split(",")
        if len(row) != 5:
            bad["wrong_column_count"] += 1
            continue
        seconds = parse_long(row[4])
        _add(out, bad, prefix + str(n), java_trim(row[0]), java_trim(row[1]), TAOBAO_TYPES.get(java_trim(row[3])),
             None if seconds is None or seconds < 0 else wrap_long(seconds * 1000), java_trim(row[2]), n)


def read_diginetica(lines, prefix, out, bad):
    """Diginetica item views: ';'-separated, header session_id;user_id;item_id;timeframe;eventdate. The user is
    user_id, or s<session_id> when user_id is empty or NA; ts = eventdate at UTC midnight + timeframe (ms); views."""
    lines = iter(lines)
    header = next(lines, None)
    if header is None:
        return
    cols = [java_trim(c) for c in header.split(";")]
    if cols != DIGINETICA_HEADER:
        raise FormatError("unexpected Diginetica header: %s" % cols)
    for n, line in enumerate(lines, 2):
        if not line:
            continue
        row = line.split(";")
        if len(row) != 5:
            bad["wrong_column_count"] += 1
            continue
        sess, user = java_trim(row[0]), java_trim(row[1])
        u = user if user and user != "NA" else ("s" + sess if sess else "")
        tf, day = parse_long(row[3]), epoch_day_ms(java_trim(row[4]))
        _add(out, bad, prefix + str(n), u, java_trim(row[2]), "view",
             None if tf is None or tf < 0 or day is None else wrap_long(day + tf), None, n)


READERS = {"jsonl": read_jsonl, "csv": read_csv, "taobao": read_taobao, "diginetica": read_diginetica}


# --- format detection, reading, writing -----------------------------------------------------------------------------

def sniff_format(first_line):
    """The format a log's first non-blank line shows, or None: a JSON object, Diginetica's header, a CSV header
    naming user_id and item_id, or a Taobao row (five fields, the fourth pv, cart, fav or buy)."""
    line = java_strip(first_line)
    if line.startswith("{"):
        return "jsonl"
    if [java_strip(c).lower() for c in line.split(";")] == DIGINETICA_HEADER:
        return "diginetica"
    cols = [java_strip(c) for c in line.split(",")]
    if "user_id" in cols and "item_id" in cols:
        return "csv"
    if len(cols) == 5 and cols[3] in TAOBAO_TYPES:
        return "taobao"
    return None


def format_by_name(path):
    name = os.path.basename(path).lower()
    if name.endswith((".jsonl", ".json", ".ndjson")):
        return "jsonl"
    if "userbehavior" in name:
        return "taobao"
    if "item-views" in name:
        return "diginetica"
    return "csv"


def open_lines(path):
    """The file's lines as Java's BufferedReader.readLine gives them: UTF-8 (malformed bytes replaced), a leading
    byte-order mark dropped, split at \\n, \\r or \\r\\n, without the terminator."""
    with io.open(path, "r", encoding="utf-8-sig", errors="replace", newline="") as f:
        yield from without_line_ends(f)


def without_line_ends(lines):
    """Each line without its terminator (\\r\\n, \\n or \\r at its end), as readLine returns it."""
    for line in lines:
        if line.endswith("\r\n"):
            yield line[:-2]
        elif line.endswith(("\n", "\r")):
            yield line[:-1]
        else:
            yield line


def detect_format(path):
    """``auto``: the format the first non-blank line (of the first 1000) shows, else the one the name suggests."""
    try:
        for i, line in enumerate(open_lines(path)):
            if i >= 1000:
                break
            if not java_is_blank(line):
                fmt = sniff_format(line)
                if fmt:
                    return fmt
                break
    except OSError:
        pass
    return format_by_name(path)


def read_log(path, fmt="auto", prefix=DEFAULT_ID_PREFIX):
    """(format, events sorted by (ts, line), Counter of skipped lines by reason)."""
    fmt = detect_format(path) if fmt in (None, "auto") else fmt
    out, bad = read_lines(open_lines(path), fmt, prefix)
    return fmt, out, bad


def read_lines(lines, fmt, prefix=DEFAULT_ID_PREFIX, bad=None):
    """(events sorted by (ts, line), skipped lines by reason) from a log's lines as open_lines gives them, in format
    fmt (not auto). bad: the Counter to count skipped lines into (a subclass may note which line it was), or a new
    one. The training side (data.py) reads every raw log through here."""
    if fmt not in READERS:
        raise FormatError("unknown format '%s' (one of jsonl, csv, taobao, diginetica, auto)" % fmt)
    out, bad = [], collections.Counter() if bad is None else bad
    READERS[fmt](lines, prefix, out, bad)
    out.sort(key=lambda e: (e.ts, e.seq))
    return out, bad


def to_json(e):
    """LogEvent.toJsonBytes: the user-events contract, fields in this order, no spaces, category only when set."""
    s = '{"event_id":%s,"user_id":%s,"item_id":%s,"type":"%s","ts":%d' % (
        json_quote(e.event_id), json_quote(e.user_id), json_quote(e.item_id), e.type, e.ts)
    if e.category is not None:
        s += ',"category":' + json_quote(e.category)
    return (s + "}").encode("utf-8", "replace")  # a lone surrogate becomes '?', as String.getBytes does


def write_jsonl(events, out):
    for e in events:
        out.write(to_json(e))
        out.write(b"\n")


def convert(src, dst, fmt="auto", prefix=DEFAULT_ID_PREFIX):
    """Converts src to JSON lines at dst ('-': standard output); returns (format, events written, skipped Counter).
    The file appears complete or not at all."""
    fmt, events, bad = read_log(src, fmt, prefix)
    if dst == "-":
        write_jsonl(events, sys.stdout.buffer)
        sys.stdout.buffer.flush()
    else:
        d = os.path.dirname(os.path.abspath(dst))
        fd, tmp = tempfile.mkstemp(prefix=".convert-", dir=d)
        try:
            with os.fdopen(fd, "wb") as f:
                write_jsonl(events, f)
            os.replace(tmp, dst)
        except BaseException:
            os.unlink(tmp)
            raise
    return fmt, len(events), bad


def summary(src, dst, fmt, written, bad):
    reasons = ", ".join("%s %d" % (k, v) for k, v in sorted(bad.items()))
    return "convert: %s (%s) -> %s: %d events written, %d lines skipped%s" % (
        src, fmt, dst, written, sum(bad.values()), " (%s)" % reasons if reasons else "")


def write_report(path, src, fmt, written, bad):
    """The outcome for a program (the Java evaluator puts the skipped counts in its report):
    {"input": ..., "format": ..., "events": N, "skipped": {reason: count, ...}}, reasons sorted."""
    import json
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"input": src, "format": fmt, "events": written, "skipped": dict(sorted(bad.items()))}, f)
        f.write("\n")


def add_arguments(ap):
    ap.add_argument("--format", default="auto", choices=("auto",) + FORMATS,
                    help="the input's format; auto: the first non-blank line shows it, else the file name")
    ap.add_argument("--id-prefix", default=DEFAULT_ID_PREFIX,
                    help="event ids of formats without them are PREFIX + line number (default r)")
    ap.add_argument("--report", default=None, metavar="FILE",
                    help="also write the outcome as JSON: input, format, events written, skipped lines by reason")
    ap.add_argument("input")
    ap.add_argument("output", help="the JSON lines file to write; - for standard output")


def run(a):
    try:
        fmt, written, bad = convert(a.input, a.output, a.format, a.id_prefix)
    except FormatError as e:
        print("convert: %s: %s" % (a.input, e), file=sys.stderr)
        return 2
    except OSError as e:
        print("convert: %s" % e, file=sys.stderr)
        return 1
    print(summary(a.input, a.output, fmt, written, bad), file=sys.stderr)
    if a.report:
        write_report(a.report, a.input, fmt, written, bad)
    return 0
