"""Look-alike characters between Latin and other scripts, for tokens that mix scripts.

Keys are characters *before* case folding, because folding loses the look: Greek capital eta
``Η`` looks like ``H`` but folds to ``η``, which looks like ``n``. The tables come from Unicode's
confusables data (UTS #39), generated into ``_confusables_data.py`` by
``tools/gen_confusables.py``; ``EVASION_SUPPLEMENT`` adds the look-alikes seen in evasions that
UTS #39 does not list (small letters whose capitals are confusable, letters with diacritics),
reviewed by hand. Enclosed and negative letters that NFKC leaves alone are in ``ALWAYS``.
"""

from __future__ import annotations

from interventions._confusables_data import LATIN_TO_CYRILLIC, UTS39_TO_LATIN

__all__ = ["ALWAYS", "LATIN_TO_CYRILLIC", "MIXED_SCRIPT"]

EVASION_SUPPLEMENT: dict[str, str] = {
    "в": "b", "ё": "e", "з": "3", "и": "u", "й": "u", "к": "k", "м": "m", "н": "h", "п": "n",
    "т": "t", "ш": "w", "щ": "w", "ь": "b", "ї": "i", "ӓ": "a", "ӧ": "o", "ӱ": "y", "Ё": "e",
    "З": "3", "Ї": "i", "Ԛ": "q", "Һ": "h", "ӏ": "l", "І": "i",
    "β": "b", "ε": "e", "η": "n", "κ": "k", "ς": "s", "τ": "t", "χ": "x", "ω": "w", "μ": "u",
    "ί": "i", "ό": "o", "ύ": "u", "έ": "e", "ά": "a", "Ι": "i",
}  # fmt: skip
"""Reviewed look-alikes outside UTS #39 (which maps, for example, only capital К to K)."""

MIXED_SCRIPT: dict[str, str] = {**UTS39_TO_LATIN, **EVASION_SUPPLEMENT}
"""Letters of other scripts that look like a Latin letter: mapped inside a token that is mostly
Latin; a token written wholly in them also gets a Latin reading (``_normalize.token_keys``)."""


def _enclosed() -> dict[str, str]:
    table: dict[str, str] = {}
    for base in (0x1F150, 0x1F170, 0x1F1E6):  # negative circled, negative squared, regional
        for k in range(26):
            table[chr(base + k)] = chr(ord("a") + k)
    return table


ALWAYS: dict[str, str] = _enclosed()
"""Symbols that are only ever letters in disguise; NFKC leaves them alone and unidecode turns
them into ``(T)``-style text, so they are mapped wherever they appear."""
