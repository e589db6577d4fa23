"""A realistic synthetic catalogue of practices for the search benchmark (seeded, reproducible).

What makes search slow or fast at scale is how many documents each query word is found in (the
length of its postings list), so the generator aims at one thing: a word's document frequency,
as a fraction of the corpus, should be what it is in the real texts. The real texts are the demo
practices (Indonesian summaries and narratives paraphrased from public sources) and the glossary.

How a practice is written:
- It has a topic: one real practice, chosen at random, and often a second one (a practice
  about village funds that also touches health). Most of its text is runs of consecutive words
  copied from those (a run of 1-8 words, mean 3.5), so it has their words in their proportions
  and their local phrases ("dana desa", "anak tidak sekolah"), but never whole sentences.
- Some words come from the background vocabulary: every word of the real texts and of the glossary,
  ranked by how often it occurs, drawn with Zipf's law (probability ~ 1 / (rank + 2.7)), the
  rank-frequency law of natural text. Common words ("warga", "desa") spread; rare ones stay rare.
- Some words are names: coined programme names ("Sigap Taruna"-like, from Indonesian syllables),
  drawn Zipf-wise from 200,000 of them, so the vocabulary keeps growing with the corpus as real
  vocabularies do (Heaps' law); most appear in a handful of practices.
- Titles: a coined name, a few words of the topic's title, the region's name. Lengths vary
  log-normally around the real texts' lengths; texts fill summary, overview and three narrative
  sections, as many real entries do.

The old generator joined five whole demo sentences picked from any practice: every document held
the demo's common phrases, and query words were found in 30-70 % of the documents against 5-20 %
of the real practices. `document_frequency_report` prints the comparison.
"""

from __future__ import annotations

import math
import random
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

_WORD = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*")
_ONSETS = ["b", "c", "d", "g", "h", "j", "k", "l", "m", "n", "ng", "ny", "p", "r", "s", "t", "w"]
_VOWELS = ["a", "a", "a", "i", "i", "u", "u", "e", "o"]
_CODAS = ["", "", "", "n", "ng", "r", "k", "t", "s", "l"]
TAIL_NAMES = 200_000
ZIPF_SHIFT = 2.7  # Zipf-Mandelbrot's q: flattens the head a little, as in real word counts


@dataclass(frozen=True)
class Source:
    """One real practice: its title and the words of all its texts, in order."""

    title: str
    words: list[str]


@dataclass(frozen=True)
class Practice:
    title: str
    summary: str
    overview: str
    problem: str
    how_it_works: str
    results: str


def tokens(text: str) -> list[str]:
    return _WORD.findall(text)


def _coined(rng: random.Random, syllables: int) -> str:
    return "".join(
        rng.choice(_ONSETS)
        + rng.choice(_VOWELS)
        + (rng.choice(_CODAS) if i == syllables - 1 else "")
        for i in range(syllables)
    )


class Generator:
    def __init__(
        self,
        sources: Sequence[Source],
        *,
        extra_texts: Sequence[str] = (),
        region_names: Sequence[str] = (),
        seed: int = 20261128,
    ) -> None:
        self.sources = [s for s in sources if len(s.words) >= 20]
        self.rng = random.Random(seed)
        counts: Counter[str] = Counter()
        for source in self.sources:
            counts.update(w.lower() for w in source.words)
        for text in extra_texts:
            counts.update(w.lower() for w in tokens(text))
        self.vocabulary = [w for w, _n in counts.most_common()]
        self.vocabulary_weights = list(
            _cumulative(1.0 / (rank + ZIPF_SHIFT) for rank in range(1, len(self.vocabulary) + 1))
        )
        names_rng = random.Random(seed + 1)
        self.names = [
            _coined(names_rng, names_rng.choice((2, 2, 3, 3, 4))) for _ in range(TAIL_NAMES)
        ]
        self.name_weights = list(
            _cumulative(1.0 / (rank + ZIPF_SHIFT) for rank in range(1, TAIL_NAMES + 1))
        )
        self.region_names = list(region_names) or ["Indonesia"]
        lengths = [len(s.words) for s in self.sources]
        self.mean_log_length = sum(math.log(n) for n in lengths) / len(lengths)
        self.sd_log_length = max(
            0.3,
            math.sqrt(
                sum((math.log(n) - self.mean_log_length) ** 2 for n in lengths) / len(lengths)
            ),
        )

    def _background(self) -> str:
        return self.rng.choices(self.vocabulary, cum_weights=self.vocabulary_weights)[0]

    def _name(self) -> str:
        return self.rng.choices(self.names, cum_weights=self.name_weights)[0]

    def _run(self, source: Source) -> list[str]:
        length = min(8, 1 + int(self.rng.expovariate(1 / 2.5)))
        start = self.rng.randrange(max(1, len(source.words) - length))
        return source.words[start : start + length]

    def text(self, length: int, main: Source, second: Source | None) -> list[str]:
        out: list[str] = []
        while len(out) < length:
            draw = self.rng.random()
            if draw < 0.66:
                out += self._run(main)
            elif draw < 0.80 and second is not None:
                out += self._run(second)
            elif draw < 0.96:
                out.append(self._background())
            else:
                out.append(self._name())
        return out[:length]

    def practice(self, region: str) -> Practice:
        rng = self.rng
        main = rng.choice(self.sources)
        second = rng.choice(self.sources) if rng.random() < 0.6 else None
        length = max(30, int(rng.lognormvariate(self.mean_log_length, self.sd_log_length)))
        words = self.text(length, main, second)
        name = self._name().capitalize()
        title_words = tokens(main.title)
        take = min(len(title_words), rng.randint(2, 5))
        start = rng.randrange(len(title_words) - take + 1) if title_words else 0
        title = " ".join([name, *title_words[start : start + take], region])
        # A third of practices have only a summary (as many catalogue entries do).
        cuts = sorted(rng.sample(range(1, length), 4)) if rng.random() > 0.33 else []
        parts = [" ".join(words[a:b]) for a, b in zip([0, *cuts], [*cuts, length], strict=True)]
        parts += [""] * (5 - len(parts))
        summary = parts[0][:1].upper() + parts[0][1:] + "."
        return Practice(title[:300], summary, *parts[1:5])

    def practices(self, count: int) -> Iterator[Practice]:
        for _ in range(count):
            yield self.practice(self.rng.choice(self.region_names))


def _cumulative(values: Iterator[float]) -> Iterator[float]:
    total = 0.0
    for value in values:
        total += value
        yield total


def document_frequency_report(
    real: dict[str, float], synthetic: dict[str, float], query_terms: Sequence[str], top: int = 15
) -> str:
    """Lines comparing, for the real corpus's most common terms and for the query terms, the
    share of documents holding each term (a fraction, 0-1) in the real and the synthetic corpus."""
    lines = [f"{'term':18} {'real':>6} {'synthetic':>10}"]
    for term in sorted(real, key=lambda t: -real[t])[:top]:
        lines.append(f"{term:18} {real[term]:6.0%} {synthetic.get(term, 0.0):10.0%}")
    present = [t for t in dict.fromkeys(query_terms) if t in real]
    if present:
        mean_real = sum(real[t] for t in present) / len(present)
        mean_synthetic = sum(synthetic.get(t, 0.0) for t in present) / len(present)
        lines.append(
            f"{'query terms, mean':18} {mean_real:6.0%} {mean_synthetic:10.0%}"
            f"   (the {len(present)} stems of the benchmark queries found in the real texts)"
        )
        worst = max(present, key=lambda t: synthetic.get(t, 0.0))
        lines.append(
            f"{'query terms, max':18} {max(real[t] for t in present):6.0%}"
            f" {synthetic.get(worst, 0.0):10.0%}   (synthetic: {worst})"
        )
    return "\n".join(lines)
