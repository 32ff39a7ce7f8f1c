"""EDA speed: emobench ``eda`` vs TextAttack's EasyDataAugmenter vs nlpaug, same texts, same copies, one run.

    python benchmarks/bench_augmenters.py [--n 2000] [--copies 4] [--seed 0]

The same ``--n`` GoEmotions train texts (seeded sample) go through each augmenter with ``--copies`` copies per
text and 10% of the words changed:

- ``eda``: emobench's EDA (synonym replacement, random insertion, swap, deletion; one operation per copy);
- ``textattack:eda``: TextAttack 0.3.11 EasyDataAugmenter through the emobench plugin (the same four operations);
- ``nlpaug``: nlpaug 1.1.11, copies cycled over ``SynonymAug(wordnet)``, ``RandomWordAug(swap)`` and
  ``RandomWordAug(delete)`` (nlpaug has no model-free random synonym insertion, so 3 of the 4 operations).
  Offline there is no NLTK POS tagger, so nlpaug's ``pos_tag`` is replaced by one that tags every token ``X``:
  nlpaug then looks synonyms up in every part of speech, as EDA does.

Set-up (imports, WordNet loading) is done and a 20-text warm-up run before timing. Reported: wall time, CPU time
(``time.process_time``, less sensitive to other jobs on the machine), sentences/s for both, and our speed-up.
"""
import argparse
import os
import random
import time


def timed(fn):
    t, c = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - t, time.process_time() - c


def nlpaug_eda(copies, p):
    import nlpaug.augmenter.word as naw
    from nlpaug.model.word_dict import WordNet

    WordNet.pos_tag = classmethod(lambda cls, tokens: [(t, "X") for t in tokens])
    ops = [naw.SynonymAug(aug_src="wordnet", aug_p=p), naw.RandomWordAug(action="swap", aug_p=p),
           naw.RandomWordAug(action="delete", aug_p=p)]

    def run(texts, seed):
        random.seed(seed)
        out = []
        for text in texts:
            if not text.split():
                out.append([])
                continue
            out.append([ops[i % len(ops)].augment(text)[0] for i in range(copies)])
        return out

    return run


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--copies", type=int, default=4)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()

    from benchmark import plugins
    from benchmark.runner import load_data
    from plugins import textattack_aug

    textattack_aug._nltk_data()
    train = load_data("goemotions", {}).texts("train")
    texts = random.Random(args.seed).sample(train, args.n)
    p = 0.1
    ours = plugins.get("augmenter", "eda").create(alpha_sr=p, alpha_ri=p, alpha_rs=p, p_rd=p)
    ta = plugins.get("augmenter", "textattack:eda").create(pct_words_to_swap=p)
    nl = nlpaug_eda(args.copies, p)
    systems = [("eda (emobench)", lambda t: ours.augment(t, args.copies, args.seed)),
               ("textattack:eda (TextAttack 0.3.11 EasyDataAugmenter)", lambda t: ta.augment(t, args.copies, args.seed)),
               ("nlpaug 1.1.11 (synonym/swap/delete)", lambda t: nl(t, args.seed))]
    rows = []
    for name, fn in systems:
        fn(texts[:20])  # warm-up: lazy WordNet loading, memo tables
        out, wall, cpu = timed(lambda: fn(texts))
        made = sum(len(v) for v in out)
        rows.append((name, wall, cpu, made))
        print(f"{name}: {wall:.2f} s wall, {cpu:.2f} s CPU, {made} copies", flush=True)
    base_wall, base_cpu = rows[0][1], rows[0][2]
    print(f"\n{args.n} GoEmotions train texts, {args.copies} copies each, 10% of words; "
          f"load average {open('/proc/loadavg').read().split()[0] if os.path.exists('/proc/loadavg') else '?'}\n")
    print("| augmenter | copies made | wall s | sentences/s (wall) | CPU s | sentences/s (CPU) | ours is × faster (wall / CPU) |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, wall, cpu, made in rows:
        print(f"| {name} | {made} | {wall:.2f} | {args.n / wall:,.0f} | {cpu:.2f} | {args.n / cpu:,.0f} | "
              f"{wall / base_wall:,.0f} / {cpu / base_cpu:,.0f} |")


if __name__ == "__main__":
    main()
