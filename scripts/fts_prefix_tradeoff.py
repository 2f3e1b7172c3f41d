#!/usr/bin/env python3
"""What FTS5 prefix indexes would cost and buy the catalog's full-text table (a measurement,
not a test): 100,000 documents shaped like the benchmarks' generated entities (name, title,
60-120 words of description, tags, drawn from plugins/catalog-backend/benches/words.txt with
a fixed seed), inserted into a contentless FTS5 table with prefix='3' (Backlot's today),
'2 3' and '1 2 3'; then counting the matches of one-, two- and three-letter prefixes, as the
first keystrokes of a search do.

Run: python3 scripts/fts_prefix_tradeoff.py  (about 30 s; Python's own SQLite)
"""
import pathlib
import random
import sqlite3
import time

N = 100_000
WORDS = (pathlib.Path(__file__).resolve().parent.parent
         / "plugins/catalog-backend/benches/words.txt").read_text().split()
QUERIES = ['"p"*', '"pa"*', '"pay"*', '"p"* "i"*']


def documents():
    rng = random.Random(7)
    for i in range(N):
        yield (i + 1,
               f"{rng.choice(WORDS)}-{rng.choice(WORDS)}-{i}",
               " ".join(rng.choices(WORDS, k=2)),
               " ".join(rng.choices(WORDS, k=rng.randint(60, 120))),
               " ".join(rng.choices(WORDS, k=3)))


def main():
    docs = list(documents())
    print(f"{'prefix':8} {'insert s':>9} " + " ".join(f"{q:>12}" for q in QUERIES) + "   (count, ms)")
    for prefix in ["3", "2 3", "1 2 3"]:
        db = sqlite3.connect(":memory:")
        db.execute("CREATE VIRTUAL TABLE f USING fts5(name, title, description, tags, kind, "
                   f"content='', prefix='{prefix}', "
                   "tokenize=\"unicode61 remove_diacritics 2 tokenchars '+#'\")")
        started = time.perf_counter()
        with db:
            db.executemany("INSERT INTO f (rowid, name, title, description, tags, kind) "
                           "VALUES (?, ?, ?, ?, ?, 'component')", docs)
        insert_s = time.perf_counter() - started
        timings = []
        for q in QUERIES:
            started = time.perf_counter()
            for _ in range(5):
                db.execute("SELECT count(*) FROM f WHERE f MATCH ?", (q,)).fetchone()
            timings.append((time.perf_counter() - started) / 5 * 1000)
        print(f"{prefix:8} {insert_s:9.2f} " + " ".join(f"{t:12.1f}" for t in timings))


if __name__ == "__main__":
    main()
