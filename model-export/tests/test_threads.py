"""The config's ``threads`` caps every native thread pool (OpenBLAS, OpenMP, MKL), not only torch's: those pools are
sized when numpy or torch is first imported, so the CLI must set them before that, or training uses every core and
its sums (and so the bundle) depend on the machine's core count."""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

PROBE = """
import json, os, sys
from streamrec_model import __main__ as m
calls = []
real = m.limit_threads
def spy(n):
    calls.append([int(n), real(n)])
    return calls[-1][1]
m.limit_threads = spy
try:
    m.main(sys.argv[1:])
except BaseException:
    pass  # the data file does not exist: the point is what happened before reading it
print(json.dumps({"calls": calls, "env": [os.environ.get(v) for v in m.THREAD_POOL_VARIABLES]}))
"""


def _probe(args):
    env = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    out = subprocess.run([sys.executable, "-c", PROBE] + args, cwd=HERE, env=env, capture_output=True, text=True,
                         check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def test_build_caps_the_native_thread_pools_before_numpy_or_torch_loads(tmp_path):
    got = _probe(["build", "--data", str(tmp_path / "missing.jsonl"), "--bundle", str(tmp_path / "b"),
                  "--set", "threads=2"])
    assert got["calls"] == [[2, True]], got  # True: numpy and torch were not loaded yet
    assert got["env"] == ["2", "2", "2"]


def test_the_gru4rec_baseline_caps_them_with_its_own_threads_knob(tmp_path):
    got = _probe(["baseline-gru4rec", "--data", str(tmp_path / "missing.jsonl"), "--out", str(tmp_path / "g"),
                  "--threads", "1"])
    assert got["calls"] == [[1, True]], got
    assert got["env"] == ["1", "1", "1"]
