"""Print item counts of the evaluation sets per file, language and label/topic.

Run from the repository root:  .venv/bin/python tests/eval/counts.py
"""
import collections
import glob
import os

import yaml

LANGS = "en ar fr de ru tr".split()
HERE = os.path.dirname(os.path.abspath(__file__))


def row(name, values):
    return f"  {name:24}" + "".join(f"{n:>5}" for n in values) + f"{sum(values):>7}"


for path in sorted(glob.glob(os.path.join(HERE, "*.yaml"))):
    items = yaml.safe_load(open(path, encoding="utf-8"))
    key = "topic" if "matcher" in os.path.basename(path) else "label"
    print(f"{os.path.relpath(path)}: {len(items)} items")
    print(f"  {key:24}" + "".join(f"{lang:>5}" for lang in LANGS) + "  total")
    for cat in sorted({x[key] for x in items}):
        print(row(cat,
                  [sum(1 for x in items
                       if x["lang"] == lang and x[key] == cat) for lang in LANGS]))
    if key == "label":
        for name, pred in [
            ("(urgent)", lambda x: x["urgent"]),
            ("(urgent distress)", lambda x: x["urgent"] and x["label"] == "distress"),
            ("(hostile)", lambda x: x["hostile"]),
            ("(hard_negative_question)", lambda x: x["kind"] == "hard_negative_question"),
        ]:
            print(row(name,
                      [sum(1 for x in items if x["lang"] == lang and pred(x)) for lang in LANGS]))
        kinds = collections.Counter(x["kind"] for x in items)
        print("  kinds: " + ", ".join(f"{k} {n}" for k, n in kinds.most_common()))
    else:
        print(row("(with also)",
                  [sum(1 for x in items
                       if x["lang"] == lang and x.get("also")) for lang in LANGS]))
    print(row("ALL", [sum(1 for x in items if x["lang"] == lang) for lang in LANGS]))
    print()
