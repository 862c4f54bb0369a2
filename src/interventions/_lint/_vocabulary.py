"""The benign vocabulary of the common-word sweep: wordfreq's most frequent words, or a word
list read with a size limit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from interventions._lint._config import LintConfigError
from interventions._yaml import TooLargeError, read_bounded

__all__ = [
    "DEFAULT_VOCAB_LANGUAGES",
    "DEFAULT_VOCAB_SIZE",
    "MAX_WORD_LIST_BYTES",
    "VocabWord",
    "read_vocabulary",
    "wordfreq_vocabulary",
]

DEFAULT_VOCAB_LANGUAGES = ("en", "pl", "sv")
DEFAULT_VOCAB_SIZE = 30_000


@dataclass(frozen=True, slots=True)
class VocabWord:
    """A benign word of the sweep: its language (None if unknown), frequency rank and source."""

    text: str
    language: str | None
    rank: int
    source: str

    def label(self) -> str:
        return f"{self.text} ({self.source} #{self.rank})"


def wordfreq_vocabulary(
    languages: Sequence[str] = DEFAULT_VOCAB_LANGUAGES, size: int = DEFAULT_VOCAB_SIZE
) -> list[VocabWord]:
    """The ``size`` most frequent words of each language, from wordfreq (an optional dependency:
    it is in the ``dev`` extra). Raises :class:`LintConfigError` when wordfreq is missing."""
    try:
        import wordfreq
    except ImportError as exc:
        raise LintConfigError(
            "the common-word sweep needs wordfreq (pip install wordfreq, or the dev extra), "
            "or a word list given with --vocab FILE"
        ) from exc
    out: list[VocabWord] = []
    for lang in languages:
        words = wordfreq.top_n_list(lang, size)
        out.extend(VocabWord(w, lang, i, lang) for i, w in enumerate(words, start=1))
    return out


MAX_WORD_LIST_BYTES = 64 << 20
"""A word list for the common-word sweep is refused past this size (wordfreq's 90,000 most
frequent words of a language are about 1 MB)."""


def read_vocabulary(path: str | Path) -> list[VocabWord]:
    """A word list, most frequent first: one word per line, optionally followed by a tab and its
    language (``word<TAB>sv``). Blank lines and lines starting with ``#`` are skipped; a word's
    rank is its position among the words."""
    p = Path(path)
    try:
        text = read_bounded(p, MAX_WORD_LIST_BYTES).decode("utf-8")
    except (OSError, UnicodeDecodeError, TooLargeError) as exc:
        raise LintConfigError(f"{path}: cannot read the word list: {exc}") from exc
    out: list[VocabWord] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        word, _, lang = line.partition("\t")
        out.append(VocabWord(word.strip(), lang.strip() or None, len(out) + 1, p.name))
    return out
