import io
import json

import numpy as np
import pytest

from streamrec_model import TYPE_INDEX
from streamrec_model.convert import detect_format
from streamrec_model.data import read_events, read_lines, time_split, EventLog


def lines(text):
    return io.StringIO(text)


def test_jsonl_valid_and_bad_rows():
    good = {"event_id": "e1", "user_id": "u1", "item_id": "i1", "type": "view", "ts": 1700000000000,
            "session_id": "s", "category": "c1", "price": 3.5, "query": "q", "context": {"device": "web"},
            "some_unknown_field": [1, 2]}
    rows = [json.dumps(good),
            json.dumps(dict(good, event_id="e2", item_id=42, type="purchase", ts=1700000001000)),
            "{not json",
            json.dumps({k: v for k, v in good.items() if k != "event_id"}),
            json.dumps({k: v for k, v in good.items() if k != "ts"}),
            json.dumps(dict(good, type="like")),
            json.dumps(dict(good, ts="yesterday")),
            json.dumps(dict(good, ts=-5)),
            json.dumps(dict(good, user_id="")),
            json.dumps([1, 2]),
            ""]
    log = read_lines(lines("\n".join(rows) + "\n"), "jsonl")
    assert len(log) == 2
    assert log.items == ["i1", "42"]
    assert list(log.types) == [TYPE_INDEX["view"], TYPE_INDEX["purchase"]]
    assert log.bad.total == 8
    assert dict(log.bad.counts) == {"invalid_json": 1, "missing_event_id": 1, "missing_ts": 1, "unknown_type": 1,
                                    "bad_ts": 2, "bad_user_id": 1, "not_an_object": 1}
    assert log.bad.as_dict()["examples"]["invalid_json"]["line"] == 3


def test_generic_csv_with_and_without_category():
    text = ("user_id,item_id,event_type,ts_ms,category\n"
            "u1,i1,view,1000,c1\n"
            "u1,i2,add_to_cart,2000,c2\n"
            "u2,i1,teleport,3000,c1\n"
            "u2,i1,view,soon,c1\n"
            "u2,i1,view\n"
            ",i1,view,4000,c1\n"
            "u3,i3,search,500,c3\n")
    log = read_lines(lines(text), "csv")
    assert len(log) == 3
    assert list(log.ts) == [500, 1000, 2000]  # time-sorted
    assert log.categories == ["c3", "c1", "c2"]
    assert dict(log.bad.counts) == {"unknown_type": 1, "bad_ts": 1, "wrong_column_count": 1, "bad_user_id": 1}
    log2 = read_lines(lines("ts_ms,event_type,item_id,user_id\n5,click,i9,u9\n"), "csv")
    assert log2.users == ["u9"] and log2.categories is None
    with pytest.raises(ValueError):
        read_lines(lines("a,b\n1,2\n"), "csv")


def test_taobao_mapping_and_truncated_last_line():
    text = ("1,2268318,2520377,pv,1511544070\n"
            "1,2333346,2520771,fav,1511561733\n"
            "1,2576651,149192,cart,1511572885\n"
            "2,3830808,4181361,buy,1511593493\n"
            "2,3830808,4181361,like,1511593494\n"
            "100370,1968385,1875258,pv")  # the real file ends like this: no ts, no newline
    log = read_lines(lines(text), "taobao")
    assert len(log) == 4
    assert [int(t) for t in log.types] == [TYPE_INDEX[t] for t in ("view", "click", "add_to_cart", "purchase")]
    assert log.ts[0] == 1511544070 * 1000
    assert log.categories[0] == "2520377"
    assert dict(log.bad.counts) == {"wrong_column_count": 1, "unknown_type": 1}
    assert log.bad.examples["wrong_column_count"]["raw"] == "100370,1968385,1875258,pv"


def test_diginetica_session_as_user_and_timestamps():
    text = ("session_id;user_id;item_id;timeframe;eventdate\n"
            "1;NA;81766;526309;2016-05-09\n"
            "1;NA;31331;1031018;2016-05-09\n"
            "2;77;1;0;2016-05-10\n"
            "3;NA;5;x;2016-05-10\n"
            "4;NA;5;10;2016-13-40\n"
            "5;NA;5;10\n")
    log = read_lines(lines(text), "diginetica")
    assert len(log) == 3
    assert log.users == ["s1", "s1", "77"]
    day = 1462752000000  # 2016-05-09T00:00:00Z
    assert list(log.ts) == [day + 526309, day + 1031018, day + 86400000]
    assert set(int(t) for t in log.types) == {TYPE_INDEX["view"]}
    assert dict(log.bad.counts) == {"bad_ts": 2, "wrong_column_count": 1}


# Rows that crashed the trainer's own readers before it read through convert (int() of a superscript digit, the
# csv module's field size limit, JSON nested past the recursion limit, a list as the type, times beyond int64), and
# a date before 1970 they turned into a negative time. Each is now a skipped line or, as in Java, an event.
HOSTILE = {
    "taobao superscript seconds": ("taobao", "1,2,3,pv,\u00b2\n", {"bad_ts": 1}, None),
    "csv superscript time": ("csv", "user_id,item_id,event_type,ts_ms\nu,i,view,\u00b2\n", {"bad_ts": 1}, None),
    "csv field of 200000 chars": ("csv", 'user_id,item_id,event_type,ts_ms\nu,"%s",view,5\n' % ("x" * 200000), {},
                                  [5]),
    "diginetica superscript timeframe": ("diginetica", "session_id;user_id;item_id;timeframe;eventdate\n"
                                         "1;NA;5;\u00b9;2016-05-09\n", {"bad_ts": 1}, None),
    "diginetica date before 1970": ("diginetica", "session_id;user_id;item_id;timeframe;eventdate\n"
                                    "1;NA;5;1;1900-01-01\n", {"bad_ts": 1}, None),
    "json nested 100000 deep": ("jsonl", "[" * 100000 + "\n", {"invalid_json": 1}, None),
    "json list as type": ("jsonl", '{"event_id":"e","user_id":"u","item_id":"i","type":["view"],"ts":1}\n',
                          {"unknown_type": 1}, None),
    "json time past int64": ("jsonl", '{"event_id":"e","user_id":"u","item_id":"i","type":"view",'
                             '"ts":99999999999999999999999}\n', {}, [99999999999999999999999 % (1 << 64)]),
    "json float time past int64": ("jsonl", '{"event_id":"e","user_id":"u","item_id":"i","type":"view","ts":1e30}\n',
                                   {}, [(1 << 63) - 1]),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_rows_do_not_crash_the_reader(case):
    fmt, text, bad, ts = HOSTILE[case]
    log = read_lines(lines(text), fmt)
    assert dict(log.bad.counts) == bad
    assert list(log.ts) == (ts or [])
    for reason, ex in log.bad.examples.items():
        assert ex["line"] == len(text.splitlines()) and len(ex["raw"]) <= 200


def test_detect_format_reads_the_first_line_before_the_file_name(tmp_path):
    lines = {"jsonl": '\n{"event_id": "e1", "user_id": "u", "item_id": "i", "type": "view", "ts": 1}\n',
             "diginetica": "session_id;user_id;item_id;timeframe;eventdate\n1;NA;81766;526309;2016-05-09\n",
             "csv": "\ufeffuser_id,item_id,event_type,ts_ms,category\nu1,i1,view,1,c\n",
             "taobao": "1,2268318,2520377,pv,1511544070\n"}
    for fmt, text in lines.items():
        for name in ("events.txt", "UserBehavior.csv", "sim.jsonl"):  # names that would say something else
            path = tmp_path / ("%s-%s" % (fmt, name))
            path.write_text(text, encoding="utf-8")
            assert detect_format(str(path)) == fmt, (fmt, name)
            assert read_events(str(path)).source.endswith("(%s)" % fmt)
    # a first line that shows nothing: the file name decides
    odd = tmp_path / "odd-item-views.csv"
    odd.write_text("a;b\n")
    assert detect_format(str(odd)) == "diginetica"


def test_detect_format():
    assert detect_format("/x/UserBehavior.csv") == "taobao"
    assert detect_format("/x/sample_train-item-views.csv") == "diginetica"
    assert detect_format("/x/sim-events.jsonl") == "jsonl"
    assert detect_format("/x/log.csv") == "csv"


def test_time_split_is_by_time():
    rng = np.random.default_rng(0)
    n = 1000
    ts = rng.integers(0, 10_000_000, size=n)
    log = EventLog(["u%d" % (i % 7) for i in range(n)], ["i%d" % (i % 13) for i in range(n)],
                   np.ones(n, dtype=np.int64), ts)
    tr, te, cutoff = time_split(log, 0.8)
    assert len(tr) + len(te) == n
    assert tr.ts.max() < cutoff <= te.ts.min()
    assert abs(len(tr) - 800) <= 5
    tr2, te2, cutoff2 = time_split(log, 0.8)
    assert cutoff2 == cutoff and list(tr2.ts) == list(tr.ts)   # deterministic, never random
    with pytest.raises(ValueError):
        time_split(log, 1.5)
    with pytest.raises(ValueError):
        time_split(log, 0.0)
    tr3, te3, cutoff3 = time_split(log, 1.0)                    # everything trains, empty test part
    assert len(tr3) == n and len(te3) == 0 and tr3.ts.max() < cutoff3
