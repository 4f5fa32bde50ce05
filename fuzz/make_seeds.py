#!/usr/bin/env python3
"""Writes the committed seed corpus fuzz/corpus/<target>/ from the string
literals of the tests (YAML documents, quantities, --set arguments), so the
fuzzers start from every case the tests already know. Files from scenarios/
and tests/data/ are added by scripts/fuzz.sh at run time, not copied here.

    python3 fuzz/make_seeds.py        (from the source tree; needs gcc -E)
"""
import hashlib
import os
import re
import subprocess
import sys

TOKEN = re.compile(r"'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\"|\s+|.", re.S)


def literals(path):
    """Adjacent string literals of a preprocessed C file, concatenated."""
    src = subprocess.run(["gcc", "-E", "-P", "-iquote", "sim", "-I", "tests",
                          "-DCLUSTERSIM_SOURCE_DIR=\".\"", "-DCLUSTERSIM_VERSION=\"0\"",
                          "-DCLUSTERSIM_DATA_DIR=\".\"", path],
                         check=True, capture_output=True, text=True).stdout
    out, cur = [], None
    for m in TOKEN.finditer(src):
        t = m.group(0)
        if t.startswith('"'):
            body = t[1:-1].encode("latin1").decode("unicode_escape")
            cur = body if cur is None else cur + body
        elif t.isspace():
            continue
        else:
            if cur is not None:
                out.append(cur)
            cur = None
    return out


def save(target, data):
    d = os.path.join("fuzz", "corpus", target)
    os.makedirs(d, exist_ok=True)
    b = data.encode("utf-8", "surrogateescape") if isinstance(data, str) else data
    with open(os.path.join(d, hashlib.sha1(b).hexdigest()), "wb") as f:
        f.write(b)


EXTRA_DICT = ["&a ", "*a", "[", "]", "{", "}", ": ", "- ", "\n  ", "\"", "---\n", "!!str ",
              "~", "null", "1e999", ".nan", ".inf", "-1", "0", "nan", "inf", "1e308",
              "100000", "1000000000", "1e12", "9223372036854775807",
              "18446744073709551616", "0.0000001s", "366d", "36500d", "1ms", "t3.medium",
              "m5.large", "big.custom", "trace.csv", "trace-unsorted.csv", "/dev/zero",
              "/dev/stdin", "..", "Mi", "Gi", "Ei", "250m"]

EXTRA_SET = [
    "traffic.0.rate.rps=7\nworkloads[batch].hpa={max: 4, min: 2}",
    "node_groups.workers.labels[node.kubernetes.io/role]=web",
    "workloads.web.limits.memory=\nworkloads.web.requests={cpu: 1, memory: 1Gi}",
    "duration=366d\nsample_interval=1ms",
    "traffic.0.rate={shape: trace, file: trace-unsorted.csv}",
    "workloads.web.replicas=1000000000",
    "traffic.0.rate.rps=1e12",
    "workloads.web.request_cpu={dist: lognormal, mean: .nan, cv: .inf}",
]


def write_dict():
    """fuzz/scenario.dict: every key and value name of docs/scenario.md."""
    doc = open("docs/scenario.md").read()
    words = set(re.findall(r"`([A-Za-z_][A-Za-z0-9_.\-/]*)`", doc))
    with open("fuzz/scenario.dict", "w") as f:
        f.write("# scenario keys and values, from docs/scenario.md (fuzz/make_seeds.py)\n")
        for w in sorted(words) + EXTRA_DICT:
            f.write('"%s"\n' % "".join(c if " " <= c <= "~" and c not in '"\\'
                                       else "\\x%02x" % ord(c) for c in w))


def main():
    write_dict()
    for s in EXTRA_SET:
        save("set", s)
    yaml_tests = ["tests/test_scenario.c", "tests/test_ydoc.c", "tests/test_run.c",
                  "tests/test_sweep.c"]
    for path in yaml_tests:
        for s in literals(path):
            if "scenario:" in s:
                save("sweep", s)
            elif "\n" in s and ":" in s:
                save("scenario", s)
    for path in ["tests/test_scenario.c", "tests/test_sweep.c"]:
        for s in literals(path):
            if re.match(r"^[A-Za-z_\[][^=\n ]*=[^\n]*$", s):
                save("set", s)
    for s in literals("tests/test_units.c"):
        if len(s) < 64 and "\n" not in s and "%" not in s:
            for sel in range(6):
                save("units", bytes([sel]) + s.encode("utf-8", "surrogateescape"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
