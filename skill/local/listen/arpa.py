"""A trigram language model in ARPA form from weighted sentences, with interpolated Witten-Bell smoothing.

pocketsphinx ships a builder (pocketsphinx.lm.ArpaBoLM), but it counts whole sentences only, discounts a fixed half
of every context's mass, and gives "<s>" a unigram probability, so the decoder hypothesises sentence starts in the
middle of an utterance. Here a sentence may weigh less than one (skill.local.listen.vocabulary), and each context
keeps for unseen words the share Witten-Bell gives it: its number of distinct followers (each counted at most its
weight) over that plus its total weight. In ARPA terms, a seen n-gram's probability includes its lower order's
share, and a context's backoff weight is exactly that share, so every context's distribution sums to one.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Iterable, TextIO

START, END = "<s>", "</s>"
ORDER = 3
NEVER = -99.0  # log10 probability ARPA files give "<s>", which is a context only


def witten_bell(sentences: Iterable[tuple[tuple[str, ...], float]], order: int = ORDER) -> list[dict]:
    """log10 probability and backoff weight of every n-gram up to `order`: one dict per order, n-gram -> (log10
    probability, log10 backoff or None for the highest order)."""
    counts: list[dict[tuple[str, ...], float]] = [defaultdict(float) for _ in range(order)]
    for words, weight in sentences:
        if weight <= 0:
            raise ValueError(f"a sentence must weigh more than nothing: {' '.join(words)!r}")
        padded = (START, *words, END)
        for n in range(1, order + 1):
            for i in range(len(padded) - n + 1):
                gram = padded[i:i + n]
                if gram != (START,):
                    counts[n - 1][gram] += weight
    # Per context: total weight of what follows it, and its followers counted at most their weight each.
    followed: list[dict[tuple[str, ...], float]] = [defaultdict(float) for _ in range(order)]
    kinds: list[dict[tuple[str, ...], float]] = [defaultdict(float) for _ in range(order)]
    for n in range(1, order + 1):
        for gram, count in counts[n - 1].items():
            followed[n - 1][gram[:-1]] += count
            kinds[n - 1][gram[:-1]] += min(1.0, count)

    def unseen_share(n: int, context: tuple[str, ...]) -> float:
        total = followed[n - 1].get(context, 0.0)
        return 1.0 if total == 0 else kinds[n - 1][context] / (total + kinds[n - 1][context])

    probability: list[dict[tuple[str, ...], float]] = [{} for _ in range(order)]
    unigram_total = followed[0][()]
    for (word,), count in counts[0].items():
        probability[0][(word,)] = count / unigram_total
    for n in range(2, order + 1):
        for gram, count in counts[n - 1].items():
            context = gram[:-1]
            share = unseen_share(n, context)
            lower = _probability(probability, gram[1:], unseen_share)
            probability[n - 1][gram] = (1 - share) * count / followed[n - 1][context] + share * lower
    model = []
    for n in range(1, order + 1):
        entries = {}
        grams = list(probability[n - 1]) + ([(START,)] if n == 1 else [])
        for gram in grams:
            logp = NEVER if gram == (START,) else math.log10(probability[n - 1][gram])
            backoff = math.log10(unseen_share(n + 1, gram)) if n < order and followed[n].get(gram) else None
            if n < order and backoff is None and gram != (END,):
                backoff = 0.0
            entries[gram] = (logp, backoff)
        model.append(entries)
    return model


def _probability(probability: list[dict], gram: tuple[str, ...], unseen_share) -> float:
    """P(last word | the words before it) in the interpolated model, backing off through unseen contexts."""
    n = len(gram)
    if gram in probability[n - 1]:
        return probability[n - 1][gram]
    if n == 1:
        raise KeyError(f"{gram[0]!r} was never counted")
    return unseen_share(n, gram[:-1]) * _probability(probability, gram[1:], unseen_share)


def write_arpa(model: list[dict], out: TextIO) -> None:
    """The model as an ARPA file, n-grams sorted so the same sentences always give the same bytes."""
    out.write("\\data\\\n")
    for n, entries in enumerate(model, 1):
        out.write(f"ngram {n}={len(entries)}\n")
    for n, entries in enumerate(model, 1):
        out.write(f"\n\\{n}-grams:\n")
        for gram in sorted(entries):
            logp, backoff = entries[gram]
            line = f"{logp:.4f} {' '.join(gram)}"
            out.write(line + (f" {backoff:.4f}\n" if backoff is not None else "\n"))
    out.write("\n\\end\\\n")
