"""`convert`: each raw fixture in tests/fixtures/logs becomes exactly its expected JSON lines (the Java
EventLogReader's events), the CLI prints its summary and fails cleanly on a wrong format, and training (data.py)
reads every fixture, the edge ones included, to convert's events and skipped lines, from the raw file as from its
converted JSON lines."""
import os
import subprocess
import sys

import numpy as np
import pytest

from streamrec_model import convert as cv
from streamrec_model import java_rules as jr
from streamrec_model import TYPE_INDEX
from streamrec_model.data import read_events, read_lines

HERE = os.path.dirname(os.path.abspath(__file__))
LOGS = os.path.join(HERE, "fixtures", "logs")
PKG = os.path.dirname(HERE)

# input file -> (the format auto finds, the skipped lines by reason)
FIXTURES = {
    "taobao.csv": ("taobao", {"bad_item_id": 1, "bad_ts": 2, "bad_user_id": 1, "unknown_type": 1,
                              "wrong_column_count": 1}),
    "diginetica.csv": ("diginetica", {"bad_item_id": 1, "bad_ts": 2, "bad_user_id": 1, "wrong_column_count": 1}),
    "generic.csv": ("csv", {"bad_ts": 2, "bad_user_id": 1, "unknown_type": 1, "wrong_column_count": 1}),
    "events.jsonl": ("jsonl", {"bad_ts": 3, "bad_user_id": 1, "invalid_json": 1, "missing_item_id": 1,
                               "missing_ts": 1, "not_an_object": 1, "unknown_type": 1}),
    "bom.csv": ("diginetica", {}),
    "edge-generic.csv": ("csv", {"bad_ts": 2, "wrong_column_count": 2}),
    "edge-taobao.csv": ("taobao", {"bad_user_id": 1}),
    "edge-diginetica.csv": ("diginetica", {"bad_ts": 2}),
    "edge-events.jsonl": ("jsonl", {"invalid_json": 2, "unknown_type": 1}),
}

def expected_path(name):
    return os.path.join(LOGS, name.rsplit(".", 1)[0] + ".expected.jsonl")


def test_every_fixture_has_its_expected_file():
    inputs = {f for f in os.listdir(LOGS) if not f.endswith((".expected.jsonl", ".md")) and f[0] != "."}
    assert inputs == set(FIXTURES)
    for f in FIXTURES:
        assert os.path.exists(expected_path(f)), f


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_convert_writes_the_expected_json_lines(name, tmp_path):
    out = tmp_path / "out.jsonl"
    fmt, written, bad = cv.convert(os.path.join(LOGS, name), str(out))
    with open(expected_path(name), "rb") as f:
        expected = f.read()
    assert out.read_bytes() == expected
    assert fmt == FIXTURES[name][0]
    assert dict(bad) == FIXTURES[name][1]
    assert written == expected.count(b"\n")
    assert list(tmp_path.iterdir()) == [out]  # no temporary file left behind


def test_explicit_format_and_id_prefix(tmp_path):
    out = tmp_path / "t.jsonl"
    cv.convert(os.path.join(LOGS, "taobao.csv"), str(out), fmt="taobao", prefix="train-")
    with open(expected_path("taobao.csv"), "rb") as f:
        assert out.read_bytes() == f.read().replace(b'"event_id":"r', b'"event_id":"train-')


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "streamrec_model", "convert", *args], cwd=PKG,
                          capture_output=True, text=True)


def test_cli_writes_the_file_and_one_summary_line(tmp_path):
    out = tmp_path / "taobao.jsonl"
    p = run_cli(os.path.join(LOGS, "taobao.csv"), str(out))
    assert p.returncode == 0, p.stderr
    assert p.stdout == ""
    lines = p.stderr.splitlines()
    assert len(lines) == 1
    assert "(taobao)" in lines[0] and "7 events written, 6 lines skipped" in lines[0]
    assert "wrong_column_count 1" in lines[0] and "bad_ts 2" in lines[0]
    with open(expected_path("taobao.csv"), "rb") as f:
        assert out.read_bytes() == f.read()


def test_cli_report_file_has_the_skipped_counts(tmp_path):
    out, report = tmp_path / "taobao.jsonl", tmp_path / "taobao.report.json"
    p = run_cli("--report", str(report), os.path.join(LOGS, "taobao.csv"), str(out))
    assert p.returncode == 0, p.stderr
    import json
    r = json.loads(report.read_text(encoding="utf-8"))
    assert r == {"input": os.path.join(LOGS, "taobao.csv"), "format": "taobao", "events": 7,
                 "skipped": FIXTURES["taobao.csv"][1]}
    p = run_cli("--report", str(report), "--format", "csv", os.path.join(LOGS, "bom.csv"), str(out))
    assert p.returncode == 2  # a format error converts nothing and reports nothing new
    assert json.loads(report.read_text(encoding="utf-8"))["format"] == "taobao"


def test_cli_standard_output_and_format_errors(tmp_path):
    p = subprocess.run([sys.executable, "-m", "streamrec_model", "convert", "--format", "diginetica",
                        os.path.join(LOGS, "bom.csv"), "-"], cwd=PKG, capture_output=True)
    with open(expected_path("bom.csv"), "rb") as f:
        assert p.returncode == 0 and p.stdout == f.read()
    out = tmp_path / "x.jsonl"
    p = run_cli("--format", "diginetica", os.path.join(LOGS, "generic.csv"), str(out))
    assert p.returncode == 2 and "unexpected Diginetica header" in p.stderr
    assert not out.exists()
    p = run_cli("--format", "csv", os.path.join(LOGS, "taobao.csv"), str(out))
    assert p.returncode == 2 and "CSV header must contain" in p.stderr
    p = run_cli(str(tmp_path / "missing.csv"), str(out))
    assert p.returncode == 1 and not out.exists()


def same_events(log, events):
    """The EventLog holds exactly these convert events, in the same order."""
    cats = [e.category for e in events]
    assert log.users == [e.user_id for e in events] and log.items == [e.item_id for e in events]
    assert list(log.types) == [TYPE_INDEX[e.type] for e in events] and list(log.ts) == [e.ts for e in events]
    assert log.categories == (cats if any(c is not None for c in cats) else None)


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_training_reads_convert_s_events_and_skipped_lines(name):
    path = os.path.join(LOGS, name)
    fmt, events, bad = cv.read_log(path)
    log = read_events(path, "auto")
    assert len(log) == len(events) > 0
    same_events(log, events)
    assert log.source == "%s (%s)" % (path, FIXTURES[name][0])
    assert dict(log.bad.counts) == dict(bad) == FIXTURES[name][1]
    lines = list(cv.open_lines(path))
    for reason, ex in log.bad.as_dict()["examples"].items():  # the first skipped line of each reason, as read
        assert ex["raw"] == lines[ex["line"] - 1][:200], reason
    assert set(log.bad.examples) == set(bad)


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_training_reads_converted_lines_to_the_raw_files_events(name):
    raw = read_events(os.path.join(LOGS, name), "auto")
    conv = read_events(expected_path(name), "auto")
    assert dict(conv.bad.counts) == {}, "convert writes only lines its JSON-lines reader accepts"
    assert len(raw) == len(conv) > 0
    assert raw.users == conv.users and raw.items == conv.items
    assert np.array_equal(raw.types, conv.types) and np.array_equal(raw.ts, conv.ts)
    assert raw.categories == conv.categories


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_training_reads_lines_in_memory_as_convert_reads_the_file(name):
    path = os.path.join(LOGS, name)
    fmt, events, bad = cv.read_log(path)
    with open(path, "r", encoding="utf-8-sig", errors="replace", newline="") as f:
        log = read_lines(f.readlines(), fmt)
    same_events(log, events)
    assert dict(log.bad.counts) == dict(bad)


def test_java_number_and_text_rules():
    assert [jr.parse_long(s) for s in (" +12 ", "-3", "\uff11\uff12", "\u00b2", "", "+", "9223372036854775808")] == \
        [12, -3, 12, None, None, None, None]
    assert jr.wrap_long((1 << 63) + 5) == -(1 << 63) + 5
    assert [jr.java_double_to_string(x) for x in (1.0, 0.001, 1e7, 1234567.5, 1e-4, -2.5e20, 0.0)] == \
        ["1.0", "0.001", "1.0E7", "1234567.5", "1.0E-4", "-2.5E20", "0.0"]
    assert jr.java_trim("\u00a0 a \t") == "\u00a0 a" and jr.java_strip("\u2003a\u00a0") == "a\u00a0"
    assert jr.epoch_day_ms("1970-01-01") == 0 and jr.epoch_day_ms("2016-02-29") == 1456704000000
    assert jr.epoch_day_ms("2015-02-29") is None and jr.epoch_day_ms("2016-5-9") is None
    assert jr.epoch_day_ms("12016-01-01") is None and jr.epoch_day_ms("1969-12-31") is None
    assert jr.json_quote('a"\\\n\x01\u00e9') == '"a\\"\\\\\\n\\u0001\u00e9"'
