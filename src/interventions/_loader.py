"""Read a rules folder (``*.yaml`` + ``cards/*.yaml``) into a validated :class:`RuleSet`.

Every mistake is a :class:`RuleFileError` naming the file, the line and the rule id; nothing
is skipped or guessed. Terms are normalized here, with the query normalizer, so a term that
normalizes to nothing is caught before it can silently never match.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import functools
import hashlib
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import regex

from interventions._anchors import near_anchor_problem
from interventions._errors import InputError, RuleFileError
from interventions._model import (
    CONTACT_KEYS,
    Action,
    Campaign,
    CardDefinition,
    CardText,
    Example,
    Intent,
    Lexicon,
    Resource,
    Rule,
    RuleSet,
    Status,
    Term,
    TermKind,
    UnlessScope,
    Window,
    WordSet,
)
from interventions._normalize import collapse, normalize
from interventions._regex_risk import regex_load_problem
from interventions._scripts import is_dense, is_unspaced_term, unspaced_min
from interventions._yaml import MAX_FILE_BYTES, TooLargeError, YList, YMap, read_bounded, read_yaml

__all__ = [
    "common_keys_bytes",
    "is_lexicon_file",
    "load_rules",
    "load_rules_from_texts",
    "merge_lexicons",
    "parse_card",
    "parse_lexicon_doc",
    "parse_locale_key",
    "parse_rule_doc",
    "read_common_keys",
    "read_common_words_file",
    "read_vocabulary_file",
    "rule_files",
]

RULE_FILE_KEYS = ("category", "card", "description", "rules")
RULE_KEYS = (
    "id",
    "action",
    "priority",
    "card",
    "status",
    "intent",
    "on_help_cue",
    "active",
    "languages",
    "description",
    "references",
    "terms",
    "unless",
    "unless_scope",
    "examples",
)
WINDOW_KEYS = ("from", "until", "yearly")
CAMPAIGN_KEYS = ("id", "active", "text", "description")
TERM_KINDS = ("word", "phrase", "prefix", "substring", "regex", "near")
NEAR_KEYS = ("near", "within", "ordered")
NEAR_WINDOW = 5
"""Default ``within`` of a near term: its groups within five words of the query."""
NEAR_MAX_WINDOW = 12
NEAR_MAX_GROUPS = 4
MIN_NEAR_PREFIX = 3
LEXICON_FILE_KEYS = ("lexicons", "description")
CARD_KEYS = ("id", "text", "resources", "description", "campaigns")
RESOURCE_KEYS = (
    "name",
    "phone",
    "sms",
    "chat",
    "url",
    "email",
    "hours",
    "languages",
    "note",
    "remarks",
    "source",
    "verified",
)
UNLESS_SCOPES = tuple(s.value for s in UnlessScope)

MIN_PREFIX = 4
MIN_SUBSTRING = 5
MIN_DENSE_PREFIX = 2
"""Prefixes in Hangul, Han or kana, where one character is a syllable or a word."""
MIN_DENSE_SUBSTRING = 3
FUZZY_MIN_LENGTH = {1: 5, 2: 8}

_ID_RE = re.compile(r"[a-z0-9][a-z0-9_.-]*\Z")
_NAME_RE = re.compile(r"[a-z][a-z0-9_]*\Z")
_LANG_RE = re.compile(r"[a-z]{2,3}\Z")
_LOCALE_KEY_RE = re.compile(r"(default|[a-z]{2,3}|[a-z]{2,3}-[A-Z]{2}|[A-Z]{2})\Z")


class _Where:
    """Where we are while reading: the file, and the rule id once known."""

    def __init__(self, path: str, lexicons: dict[str, Lexicon] | None = None) -> None:
        self.path = path
        self.rule_id: str | None = None
        self.lexicons: dict[str, Lexicon] = lexicons if lexicons is not None else {}
        self.used: set[str] = set()

    def error(self, message: str, line: int | None) -> RuleFileError:
        return RuleFileError(message, path=self.path, line=line, rule_id=self.rule_id)


def _check_keys(
    m: YMap, allowed: Iterable[str], required: Iterable[str], what: str, where: _Where
) -> None:
    allowed = tuple(allowed)
    for key in m:
        if key not in allowed:
            close = difflib.get_close_matches(key, allowed, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise where.error(
                f"unknown key {key!r} in {what} (allowed: {', '.join(allowed)}){hint}",
                m.key_lines[key],
            )
    for key in required:
        if key not in m:
            raise where.error(f"{what} is missing the required key {key!r}", m.line)


def _type_name(value: Any) -> str:
    if isinstance(value, YMap):
        return "a mapping"
    if isinstance(value, YList):
        return "a list"
    if value is None:
        return "nothing (null)"
    return f"{type(value).__name__} {value!r}"


def _line(m: YMap, key: str) -> int:
    return m.key_lines.get(key, m.line)


def _text(m: YMap, key: str, where: _Where, *, what: str | None = None) -> str:
    value = m[key]
    if not isinstance(value, str) or not value.strip():
        if isinstance(value, int | float) and not isinstance(value, bool):
            hint = f' (write it in quotes: {key}: "{value}")'
        else:
            hint = ""
        raise where.error(
            f"{what or key!r} must be non-empty text, got {_type_name(value)}{hint}",
            _line(m, key),
        )
    return value


def _mapping(value: Any, line: int, what: str, where: _Where) -> YMap:
    if not isinstance(value, YMap):
        raise where.error(f"{what} must be a mapping, got {_type_name(value)}", line)
    return value


def _list(value: Any, line: int, what: str, where: _Where, *, non_empty: bool = False) -> YList:
    if not isinstance(value, YList):
        raise where.error(f"{what} must be a list, got {_type_name(value)}", line)
    if non_empty and not value:
        raise where.error(f"{what} must not be empty", line)
    return value


def _choice(m: YMap, key: str, choices: Iterable[str], where: _Where) -> str:
    choices = tuple(choices)
    value = m[key]
    if value not in choices:
        raise where.error(
            f"{key} must be one of {', '.join(choices)}, got {_type_name(value)}", _line(m, key)
        )
    return str(value)


def _languages(m: YMap, where: _Where) -> frozenset[str]:
    items = _list(m["languages"], _line(m, "languages"), "languages", where)
    out = set()
    for item, line in zip(items, items.item_lines, strict=True):
        if not isinstance(item, str) or not _LANG_RE.match(item):
            raise where.error(
                f"languages are ISO 639 codes like 'pl' or 'sv', got {_type_name(item)}", line
            )
        out.add(item)
    return frozenset(out)


# -- terms ------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1 << 16)
def _word_tokens(word: str) -> tuple[str, ...]:
    """The tokens one written word of a term normalizes to. Rules repeat the same exception
    words many times (every pack's help words), so each is normalized once."""
    return tuple(t.text for t in normalize(word).tokens)


def _term_tokens(text: str, where: _Where, line: int) -> tuple[tuple[str, ...], tuple[bool, ...]]:
    tokens: list[str] = []
    prefix: list[bool] = []
    for word in text.split():
        is_prefix = word.endswith("*")
        core = word.rstrip("*")
        if "*" in core:
            raise where.error(f"term {text!r}: '*' may only end a word (a prefix)", line)
        normalized = _word_tokens(core)
        if not normalized:
            raise where.error(
                f"term {text!r}: {core!r} normalizes to nothing (no letters or digits)", line
            )
        tokens.extend(normalized)
        prefix.extend([False] * (len(normalized) - 1) + [is_prefix])
    if not tokens:
        raise where.error(f"term {text!r} normalizes to nothing", line)
    return tuple(tokens), tuple(prefix)


def _parse_term(item: Any, line: int, where: _Where, *, min_prefix: int = MIN_PREFIX) -> Term:
    fuzzy = 0
    if isinstance(item, str):
        text, explicit = item, None
    elif isinstance(item, YMap):
        kinds = [k for k in TERM_KINDS if k in item]
        _check_keys(item, (*TERM_KINDS, "fuzzy", "within", "ordered"), (), "a term", where)
        if len(kinds) != 1:
            raise where.error(
                f"a term mapping needs exactly one of {', '.join(TERM_KINDS)}, got "
                f"{', '.join(kinds) or 'none'}",
                item.line,
            )
        explicit = kinds[0]
        if explicit == "near":
            return _parse_near(item, where)
        for key in ("within", "ordered"):
            if key in item:
                raise where.error(f"{key} applies to near terms only", _line(item, key))
        text = _text(item, explicit, where, what=f"the {explicit} term")
        if "fuzzy" in item:
            fuzzy = item["fuzzy"]
            if explicit != "word":
                raise where.error("fuzzy applies to word terms only", _line(item, "fuzzy"))
            if fuzzy not in (1, 2) or isinstance(fuzzy, bool):
                raise where.error(
                    f"fuzzy is an edit distance of 1 or 2, got {_type_name(fuzzy)}",
                    _line(item, "fuzzy"),
                )
    else:
        raise where.error(
            f"a term is text or a mapping like {{prefix: przemoc}}, got {_type_name(item)}", line
        )
    if not text.strip():
        raise where.error("a term must not be empty", line)

    if explicit == "regex":
        # refused before compiling: a crafted pattern must cost neither time nor memory
        problem = regex_load_problem(text)
        if problem is not None:
            if _small_repeats(text):  # a syntax error says more than "cannot model"
                try:
                    regex.compile(text, regex.V1)
                except regex.error as exc:
                    raise where.error(f"regex {text!r} does not compile: {exc}", line) from exc
            raise where.error(f"regex {text!r} is refused: {problem}", line)
        try:
            regex.compile(text, regex.V1)
        except regex.error as exc:
            raise where.error(f"regex {text!r} does not compile: {exc}", line) from exc
        return Term(TermKind.REGEX, text, (), (), 0, line)

    tokens, prefix = _term_tokens(text, where, line)
    if explicit == "prefix":
        prefix = (*prefix[:-1], True)
    if explicit is None:
        if len(tokens) > 1:
            kind = TermKind.PHRASE
        else:
            kind = TermKind.PREFIX if prefix[0] else TermKind.WORD
    else:
        kind = TermKind(explicit)
    if kind in (TermKind.WORD, TermKind.SUBSTRING) and (len(tokens) > 1 or any(prefix)):
        raise where.error(
            f"a {kind} term is one token without '*'; {text!r} normalizes to "
            f"{' '.join(tokens)!r} (use a phrase or a prefix)",
            line,
        )
    if kind is TermKind.PHRASE and len(tokens) < 2:
        raise where.error(f"a phrase needs at least two words; {text!r} has one", line)
    if kind is TermKind.PREFIX and len(tokens) > 1:
        kind = TermKind.PHRASE
    for tok, is_prefix in zip(tokens, prefix, strict=True):
        if is_prefix and is_dense(tok):
            # a Hangul syllable or a Han character carries what three or four letters do
            if len(tok) < MIN_DENSE_PREFIX:
                raise where.error(
                    f"prefix {tok!r} in {text!r} is shorter than {MIN_DENSE_PREFIX} characters "
                    "and would match too many words",
                    line,
                )
            continue
        if is_prefix and len(collapse(tok)) < min_prefix - 1:
            raise where.error(
                f"prefix {tok!r} in {text!r} collapses to {collapse(tok)!r}, which would match "
                "too many words",
                line,
            )
        if is_prefix and len(tok) < min_prefix:
            raise where.error(
                f"prefix {tok!r} in {text!r} is shorter than {min_prefix} letters and would "
                "match too many words",
                line,
            )
    if kind is TermKind.SUBSTRING:
        least = (
            unspaced_min(tokens[0])
            if is_unspaced_term(tokens[0])
            else MIN_DENSE_SUBSTRING
            if is_dense(tokens[0])
            else MIN_SUBSTRING
        )
        if len(tokens[0]) < least:
            raise where.error(
                f"substring term {text!r} is shorter than {least} "
                f"{'letters' if tokens[0].isascii() else 'characters'} and would hit "
                "ordinary words",
                line,
            )
    if fuzzy and len(tokens[0]) < FUZZY_MIN_LENGTH[fuzzy]:
        raise where.error(
            f"fuzzy: {fuzzy} needs a term of at least {FUZZY_MIN_LENGTH[fuzzy]} letters; "
            f"{text!r} has {len(tokens[0])}",
            line,
        )
    return Term(kind, text, tokens, prefix, fuzzy, line)


def _lexicon_terms(ref: str, line: int, where: _Where) -> tuple[Term, ...]:
    """The terms of a lexicon reference (``@partner``)."""
    name = ref[1:]
    if not _NAME_RE.match(name):
        raise where.error(f"lexicon reference {ref!r} must be @ and a name like @partner", line)
    lexicon = where.lexicons.get(name)
    if lexicon is None:
        known = ", ".join("@" + n for n in sorted(where.lexicons)) or "none"
        close = difflib.get_close_matches(name, list(where.lexicons), n=1)
        hint = f"; did you mean @{close[0]}?" if close else ""
        raise where.error(f"unknown lexicon {ref!r} (known: {known}){hint}", line)
    where.used.add(name)
    return lexicon.terms


def _term_items(items: YList, where: _Where, *, min_prefix: int = MIN_PREFIX) -> list[Term]:
    """Terms of a list, with lexicon references (``@help``) expanded in place."""
    out: list[Term] = []
    for item, line in zip(items, items.item_lines, strict=True):
        if isinstance(item, str) and item.startswith("@"):
            out.extend(_lexicon_terms(item.strip(), line, where))
        else:
            out.append(_parse_term(item, line, where, min_prefix=min_prefix))
    return out


def _near_text(value: Any) -> str:
    """A near group's items as written (lexicon references kept), for messages and matches."""
    if isinstance(value, YMap):
        return " ".join(f"{k}:{v}" for k, v in value.items())
    return str(value)


def _parse_near(item: YMap, where: _Where) -> Term:
    """``{near: [[boyfriend, husband, @partner], [hit*, beat*], [me]], within: 5}``."""
    line = _line(item, "near")
    raw = _list(item["near"], line, "near", where, non_empty=True)
    if not 2 <= len(raw) <= NEAR_MAX_GROUPS:
        raise where.error(
            f"near needs 2 to {NEAR_MAX_GROUPS} groups (lists of words), got {len(raw)}", line
        )
    groups: list[tuple[Term, ...]] = []
    shown: list[str] = []
    for group, gline in zip(raw, raw.item_lines, strict=True):
        items = _list(group, gline, "a near group", where, non_empty=True)
        # a group only counts beside the others, so a shorter prefix is safe there (hit*)
        alternatives = _term_items(items, where, min_prefix=MIN_NEAR_PREFIX)
        for t in alternatives:
            if t.kind not in (TermKind.WORD, TermKind.PHRASE, TermKind.PREFIX) or t.fuzzy:
                raise where.error(
                    f"a near group holds words, phrases and prefixes, not {t.kind} term "
                    f"{t.text!r}" + (" with fuzzy" if t.fuzzy else ""),
                    t.line,
                )
        groups.append(tuple(alternatives))
        shown.append("[" + ", ".join(_near_text(x) for x in items) + "]")
    window = item.get("within", NEAR_WINDOW)
    if not isinstance(window, int) or isinstance(window, bool):
        raise where.error(f"within is a number of words, got {_type_name(window)}", line)
    if not len(groups) <= window <= NEAR_MAX_WINDOW:
        raise where.error(
            f"within must be between the number of groups ({len(groups)}) and "
            f"{NEAR_MAX_WINDOW} words, got {window}",
            _line(item, "within"),
        )
    ordered = item.get("ordered", False)
    if not isinstance(ordered, bool):
        raise where.error(f"ordered is true or false, got {_type_name(ordered)}", line)
    text = "near " + " ".join(shown) + f" within {window}" + (" ordered" if ordered else "")
    term = Term(
        TermKind.NEAR, text, (), (), 0, line, groups=tuple(groups), window=window, ordered=ordered
    )
    problem = near_anchor_problem(term)
    if problem is not None:
        raise where.error(f"near term: {problem}", line)
    return term


def _parse_terms(m: YMap, key: str, where: _Where, *, non_empty: bool) -> tuple[Term, ...]:
    items = _list(m[key], _line(m, key), key, where, non_empty=non_empty)
    terms = _term_items(items, where)
    shared = {id(t) for lexicon in where.lexicons.values() for t in lexicon.terms}
    seen: dict[tuple[TermKind, tuple[str, ...], tuple[bool, ...]], Term] = {}
    out: list[Term] = []
    for term in terms:
        key_ = (term.kind, term.tokens or (term.text,), term.prefix_tokens)
        if key_ in seen:
            if id(term) in shared or id(seen[key_]) in shared:
                continue  # a lexicon and the list (or two lexicons) share a word: keep one
            raise where.error(
                f"term {term.text!r} repeats {seen[key_].text!r} (line {seen[key_].line}) "
                "after normalization",
                term.line,
            )
        seen[key_] = term
        out.append(term)
    return tuple(out)


def _parse_examples(m: YMap, where: _Where) -> tuple[tuple[Example, ...], tuple[Example, ...]]:
    ex = _mapping(m["examples"], _line(m, "examples"), "examples", where)
    _check_keys(ex, ("match", "no_match"), ("match",), "examples", where)
    out: list[tuple[Example, ...]] = []
    for key in ("match", "no_match"):
        if key not in ex:
            out.append(())
            continue
        items = _list(ex[key], _line(ex, key), f"examples.{key}", where, non_empty=key == "match")
        parsed = []
        for item, line in zip(items, items.item_lines, strict=True):
            if isinstance(item, str):
                parsed.append(Example(item, None, line))
            elif isinstance(item, YMap):
                _check_keys(item, ("query", "locale"), ("query",), "an example", where)
                query = item["query"]
                locale = item.get("locale")
                if not isinstance(query, str):
                    raise where.error(f"example query must be text, got {_type_name(query)}", line)
                if locale is not None and not isinstance(locale, str):
                    raise where.error(
                        f"example locale must be text, got {_type_name(locale)}", line
                    )
                parsed.append(Example(query, locale, line))
            else:
                raise where.error(
                    f"an example is a query or {{query: ..., locale: ...}}, got {_type_name(item)}",
                    line,
                )
        out.append(tuple(parsed))
    return out[0], out[1]


def _references(m: YMap, where: _Where) -> tuple[str, ...]:
    """Where a rule's terms come from: citations as plain text, one per item."""
    items = _list(m["references"], _line(m, "references"), "references", where, non_empty=True)
    out: list[str] = []
    for item, line in zip(items, items.item_lines, strict=True):
        if not isinstance(item, str) or not item.strip():
            raise where.error(
                f"a reference must be non-empty text (a citation or URL), got {_type_name(item)}",
                line,
            )
        out.append(item.strip())
    return tuple(out)


_COUNTED = re.compile(r"\{(\d+)(?:,(\d*))?\}")


def _small_repeats(pattern: str) -> bool:
    """Whether compiling ``pattern`` is safe whatever its nesting: its counted repeats multiply
    to at most a million even if every one nests in the others."""
    product = 1
    for low, high in _COUNTED.findall(pattern):
        product *= max(int(low), int(high or 0), 1)
        if product > 1_000_000:
            return False
    return True


def _parse_rule(item: Any, line: int, category: str, file_card: str | None, where: _Where) -> Rule:
    m = _mapping(item, line, "a rule", where)
    where.rule_id = None
    if "id" in m:
        rule_id = _text(m, "id", where)
        if not _ID_RE.match(rule_id):
            raise where.error(
                f"rule id {rule_id!r} must match [a-z0-9][a-z0-9_.-]* (like 'ed.thinspo')",
                _line(m, "id"),
            )
        where.rule_id = rule_id
    intent = (
        Intent(_choice(m, "intent", [i.value for i in Intent], where))
        if "intent" in m
        else (Intent.HARM)
    )
    required = (
        ("id", "terms", "examples")
        if intent is Intent.CUE
        else ("id", "action", "terms", "examples")
    )
    _check_keys(m, RULE_KEYS, required, "a rule", where)
    if "action" in m:
        action = Action(
            _choice(m, "action", [a.value for a in Action if a is not Action.NONE], where)
        )
    else:
        action = Action.BANNER
    if intent is Intent.SUPPORT and action is not Action.BANNER:
        raise where.error(
            f"a support rule (intent: support) answers with a banner, not {action.value}",
            _line(m, "action"),
        )
    ignore_help_cue = False
    if "on_help_cue" in m:
        ignore_help_cue = _choice(m, "on_help_cue", ("support", "ignore"), where) == "ignore"
        if intent is not Intent.HARM:
            raise where.error(
                "on_help_cue is for harm rules (a cue only changes how harm is answered)",
                _line(m, "on_help_cue"),
            )
    active = _window(m, "active", where) if "active" in m else None
    priority = m.get("priority", 0)
    if not isinstance(priority, int) or isinstance(priority, bool):
        raise where.error(
            f"priority must be a whole number, got {_type_name(priority)}", _line(m, "priority")
        )
    card = _text(m, "card", where) if "card" in m else file_card
    if card is None:
        if intent is not Intent.CUE:
            raise where.error(
                "no card: give the rule a 'card' or the file a top-level 'card'", m.line
            )
        card = ""  # a cue is never a decision's winner: it needs no card
    status = (
        Status(_choice(m, "status", [s.value for s in Status], where))
        if "status" in m
        else (Status.STABLE)
    )
    languages = _languages(m, where) if "languages" in m else frozenset()
    description = _text(m, "description", where) if "description" in m else ""
    terms = _parse_terms(m, "terms", where, non_empty=True)
    if intent is Intent.CUE:
        for t in terms:
            if t.kind in (TermKind.NEAR, TermKind.REGEX):
                raise where.error(
                    f"a cue rule's terms are words, phrases and prefixes, not {t.kind.value} terms",
                    t.line,
                )
    unless = _parse_terms(m, "unless", where, non_empty=False) if "unless" in m else ()
    for t in unless:
        if t.kind is TermKind.NEAR:
            raise where.error("near terms are for terms, not for unless", t.line)
    scope = (
        UnlessScope(_choice(m, "unless_scope", UNLESS_SCOPES, where))
        if "unless_scope" in m
        else UnlessScope.QUERY
    )
    if "unless_scope" in m and not unless:
        raise where.error("unless_scope without unless terms", _line(m, "unless_scope"))
    references = _references(m, where) if "references" in m else ()
    match, no_match = _parse_examples(m, where)
    return Rule(
        id=where.rule_id or "",
        category=category,
        action=action,
        card=card,
        terms=terms,
        unless=unless,
        unless_scope=scope,
        priority=priority,
        status=status,
        languages=languages,
        description=description,
        match_examples=match,
        no_match_examples=no_match,
        references=references,
        path=where.path,
        line=m.line,
        intent=intent,
        ignore_help_cue=ignore_help_cue,
        active=active,
    )


def _window(m: YMap, key: str, where: _Where) -> Window:
    """``active: {from: 2026-11-25, until: 2026-12-10, yearly: true}``: both days included."""
    w = _mapping(m[key], _line(m, key), key, where)
    _check_keys(w, WINDOW_KEYS, ("from", "until"), f"an {key} window", where)
    days: list[dt.date] = []
    for k in ("from", "until"):
        value = w[k]
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            raise where.error(
                f"{key}.{k} must be a date like 2026-11-25, got {_type_name(value)}", _line(w, k)
            )
        days.append(value)
    yearly = w.get("yearly", False)
    if not isinstance(yearly, bool):
        raise where.error(
            f"{key}.yearly must be true or false, got {_type_name(yearly)}", _line(w, "yearly")
        )
    start, until = days
    if until < start and not yearly:
        raise where.error(f"{key}: until ({until}) is before from ({start})", _line(w, "until"))
    return Window(start, until, yearly)


def is_lexicon_file(doc: Any) -> bool:
    """A file of shared term lists (``lexicons:``) rather than rules."""
    return isinstance(doc, YMap) and "lexicons" in doc and "rules" not in doc


def parse_lexicon_doc(doc: Any, display: str) -> list[Lexicon]:
    """``lexicons: {partner: {en: [...], pl: [...]}, help: [...]}``: a name is a list of terms,
    or a mapping language -> list of terms."""
    where = _Where(display)
    m = _mapping(doc, 1, "a lexicon file", where)
    _check_keys(m, LEXICON_FILE_KEYS, ("lexicons",), "a lexicon file", where)
    table = _mapping(m["lexicons"], _line(m, "lexicons"), "lexicons", where)
    out: list[Lexicon] = []
    for name, value in table.items():
        line = table.key_lines[name]
        if not isinstance(name, str) or not _NAME_RE.match(name):
            raise where.error(f"lexicon name {name!r} must match [a-z][a-z0-9_]*", line)
        if isinstance(value, YMap):
            languages: list[str] = []
            terms: list[Term] = []
            for lang, items in value.items():
                if not isinstance(lang, str) or not _LANG_RE.match(lang):
                    raise where.error(
                        f"lexicon {name!r}: {lang!r} is not a language code like 'pl'",
                        value.key_lines[lang],
                    )
                languages.append(lang)
                terms.extend(_lexicon_items(items, value.key_lines[lang], name, where))
        else:
            languages, terms = [], _lexicon_items(value, line, name, where)
        out.append(Lexicon(name, tuple(terms), tuple(languages), display, line))
    return out


def _lexicon_items(value: Any, line: int, name: str, where: _Where) -> list[Term]:
    items = _list(value, line, f"lexicon {name!r}", where, non_empty=True)
    terms: list[Term] = []
    for item, iline in zip(items, items.item_lines, strict=True):
        if isinstance(item, str) and item.startswith("@"):
            raise where.error(f"lexicon {name!r} refers to {item!r}: lexicons do not nest", iline)
        term = _parse_term(item, iline, where)
        if term.kind is TermKind.NEAR:
            raise where.error(f"lexicon {name!r} holds a near term: use it in a rule", iline)
        terms.append(term)
    return terms


def merge_lexicons(found: Iterable[Lexicon]) -> dict[str, Lexicon]:
    """Lexicons of the same name in several files (one per language pack) are one list."""
    merged: dict[str, Lexicon] = {}
    for lex in found:
        first = merged.get(lex.name)
        if first is None:
            merged[lex.name] = lex
        else:
            merged[lex.name] = Lexicon(
                lex.name,
                first.terms + lex.terms,
                first.languages + lex.languages,
                first.path,
                first.line,
            )
    return merged


def _parse_rule_file(
    path: Path, display: str, lexicons: dict[str, Lexicon] | None = None
) -> tuple[list[Rule], int]:
    rules, card_line, _ = parse_rule_doc(read_yaml(path, display), display, lexicons)
    return rules, card_line


def parse_rule_doc(
    doc: Any, display: str, lexicons: dict[str, Lexicon] | None = None
) -> tuple[list[Rule], int, set[str]]:
    """A rule file's rules, the line of its card, and the lexicons it used."""
    where = _Where(display, lexicons)
    m = _mapping(doc, 1, "a rule file", where)
    _check_keys(m, RULE_FILE_KEYS, ("category", "rules"), "a rule file", where)
    category = _text(m, "category", where)
    if not _NAME_RE.match(category):
        raise where.error(f"category {category!r} must match [a-z][a-z0-9_]*", _line(m, "category"))
    file_card = _text(m, "card", where) if "card" in m else None
    items = _list(m["rules"], _line(m, "rules"), "rules", where, non_empty=True)
    rules = [
        _parse_rule(item, line, category, file_card, where)
        for item, line in zip(items, items.item_lines, strict=True)
    ]
    return rules, _line(m, "card"), where.used


# -- cards ------------------------------------------------------------------------------------


def parse_locale_key(key: str) -> bool:
    """Whether ``key`` is a valid card key: default, pl, pl-PL or PL."""
    return bool(_LOCALE_KEY_RE.match(key))


def _locale_keys(m: YMap, what: str, where: _Where) -> None:
    for key in m:
        if not parse_locale_key(key):
            raise where.error(
                f"{what} key {key!r} is not 'default', a language (pl), a locale (pl-PL) or a "
                "region (PL)",
                m.key_lines[key],
            )
    if "default" not in m:
        raise where.error(f"{what} needs a 'default' entry (the fallback)", m.line)


def _parse_resource(item: Any, line: int, where: _Where) -> Resource:
    m = _mapping(item, line, "a resource", where)
    _check_keys(m, RESOURCE_KEYS, ("name", "source", "verified"), "a resource", where)
    values: dict[str, str | None] = {}
    for key in ("name", "source", *CONTACT_KEYS, "hours", "remarks"):
        values[key] = _text(m, key, where) if key in m else None
    note, notes = _note(m, where) if "note" in m else (None, ())
    if not any(values[k] for k in CONTACT_KEYS):
        raise where.error(
            f"resource {values['name']!r} has no contact: give one of {', '.join(CONTACT_KEYS)}",
            m.line,
        )
    for key in ("url", "chat"):
        value = values[key]
        if key == "url" and value and not value.startswith(("https://", "http://")):
            raise where.error(
                f"url must start with https:// or http://, got {value!r}", _line(m, key)
            )
    verified = m["verified"]
    if isinstance(verified, dt.datetime) or not isinstance(verified, dt.date):
        raise where.error(
            f"verified must be a date like 2025-07-04, got {_type_name(verified)}",
            _line(m, "verified"),
        )
    languages: tuple[str, ...] = ()
    if "languages" in m:
        languages = tuple(sorted(_languages(m, where)))
    return Resource(
        name=values["name"] or "",
        source=values["source"] or "",
        verified=verified,
        phone=values["phone"],
        sms=values["sms"],
        chat=values["chat"],
        url=values["url"],
        email=values["email"],
        hours=values["hours"],
        note=note,
        languages=languages,
        notes=notes,
        remarks=values["remarks"],
    )


def _note(m: YMap, where: _Where) -> tuple[str, tuple[tuple[str, str], ...]]:
    """A resource's note: text for everyone, or a mapping language -> text with a ``default``."""
    value = m["note"]
    if not isinstance(value, YMap):
        return _text(m, "note", where), ()
    for key in value:
        if key != "default" and not _LANG_RE.match(str(key)):
            raise where.error(
                f"note key {key!r} must be 'default' or a language code like 'pl'",
                value.key_lines[key],
            )
    if "default" not in value:
        raise where.error(
            "a note given per language needs a 'default' (shown to every other language)",
            _line(m, "note"),
        )
    notes = tuple((str(k), _text(value, str(k), where, what=f"note.{k}")) for k in value)
    return dict(notes)["default"], tuple(sorted(n for n in notes if n[0] != "default"))


def parse_card(path: Path, display: str) -> CardDefinition:
    where = _Where(display)
    m = _mapping(read_yaml(path, display), 1, "a card file", where)
    _check_keys(m, CARD_KEYS, ("id", "text", "resources"), "a card", where)
    card_id = _text(m, "id", where)
    if card_id != path.stem:
        raise where.error(
            f"card id {card_id!r} must equal the file name {path.stem!r}", _line(m, "id")
        )
    text_map = _mapping(m["text"], _line(m, "text"), "text", where)
    _locale_keys(text_map, "text", where)
    texts: dict[str, CardText] = {}
    for key, value in text_map.items():
        t = _mapping(value, text_map.key_lines[key], f"text.{key}", where)
        _check_keys(t, ("title", "body"), ("title", "body"), f"text.{key}", where)
        texts[key] = CardText(_text(t, "title", where), _text(t, "body", where))
    campaigns = _campaigns(m, where) if "campaigns" in m else ()
    res_map = _mapping(m["resources"], _line(m, "resources"), "resources", where)
    _locale_keys(res_map, "resources", where)
    resources: dict[str, tuple[Resource, ...]] = {}
    for key, value in res_map.items():
        items = _list(value, res_map.key_lines[key], f"resources.{key}", where, non_empty=True)
        resources[key] = tuple(
            _parse_resource(item, line, where)
            for item, line in zip(items, items.item_lines, strict=True)
        )
    return CardDefinition(card_id, texts, resources, display, m.line, campaigns)


def _card_texts(text_map: YMap, what: str, where: _Where) -> dict[str, CardText]:
    texts: dict[str, CardText] = {}
    for key, value in text_map.items():
        t = _mapping(value, text_map.key_lines[key], f"{what}.{key}", where)
        _check_keys(t, ("title", "body"), ("title", "body"), f"{what}.{key}", where)
        texts[key] = CardText(_text(t, "title", where), _text(t, "body", where))
    return texts


def _campaigns(m: YMap, where: _Where) -> tuple[Campaign, ...]:
    """A card's campaign variants: in its window, a campaign's text for a key (``pl``,
    ``default``) replaces the card's text of that key, resources unchanged."""
    items = _list(m["campaigns"], _line(m, "campaigns"), "campaigns", where, non_empty=True)
    out: list[Campaign] = []
    for item, line in zip(items, items.item_lines, strict=True):
        c = _mapping(item, line, "a campaign", where)
        _check_keys(c, CAMPAIGN_KEYS, ("id", "active", "text"), "a campaign", where)
        cid = _text(c, "id", where)
        if not _NAME_RE.match(cid):
            raise where.error(f"campaign id {cid!r} must match [a-z][a-z0-9_]*", _line(c, "id"))
        if any(o.id == cid for o in out):
            raise where.error(f"campaign {cid!r} is defined twice", _line(c, "id"))
        text_map = _mapping(c["text"], _line(c, "text"), "campaign text", where)
        for key in text_map:
            if not parse_locale_key(key):
                raise where.error(
                    f"campaign text key {key!r} is not 'default', a language (pl), a locale "
                    "(pl-PL) or a region (PL)",
                    text_map.key_lines[key],
                )
            if key not in m["text"]:
                raise where.error(
                    f"campaign text {key!r} replaces the card's text of that key, which the "
                    "card does not have",
                    text_map.key_lines[key],
                )
        out.append(
            Campaign(cid, _window(c, "active", where), _card_texts(text_map, "text", where), line)
        )
    return tuple(out)


# -- the folder ---------------------------------------------------------------------------------


# Sub-folders of a rules folder that hold other things than rule files.
RESERVED_FOLDERS = frozenset({"cards", "vocabulary", "quality", "lint"})


def _yaml_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


def rule_files(root: Path) -> list[Path]:
    """The rule files of a rules folder: ``*.yaml`` at the top and in every sub-folder.

    A language pack is a sub-folder (``rules/es/*.yaml``), so that one reviewer reads one
    language in one place; ``cards/``, ``vocabulary/``, ``quality/`` and ``lint/`` hold other data.
    Hidden folders (``.git``) are skipped. Sorted by path, so the load order is stable.
    """
    out = _yaml_files(root)
    for sub in sorted(p for p in root.iterdir() if p.is_dir()):
        if sub.name in RESERVED_FOLDERS or sub.name.startswith((".", "_")):
            continue
        out.extend(
            p
            for p in sorted(sub.rglob("*"))
            if p.suffix in (".yaml", ".yml")
            and p.is_file()
            and not any(part.startswith(".") for part in p.parts[len(root.parts) :])
        )
    return out


def _duplicate(
    first: Rule, second: Rule, loaded: Iterable[Rule], in_file: Iterable[Rule]
) -> RuleFileError:
    """The error for a rule id defined twice, placed on the definition that looks newer.

    The id stays with the file where the rules of its prefix live (``ed.`` in ``ed.thinspo``):
    the definition in the file with fewer rules of that prefix is reported, so a draft that
    reuses an id is blamed, not the untouched file the id has always been in. A tie (or both in
    one file) goes to the one loaded later (files sort by path, top-level files before
    sub-folders). The message names the other place.
    """
    prefix = first.id.split(".", 1)[0] + "."

    def kin(rules: Iterable[Rule], path: str) -> int:
        return sum(r.path == path and r.id.startswith(prefix) for r in rules)

    if first.path != second.path and kin(in_file, second.path) > kin(loaded, first.path):
        return RuleFileError(
            f"duplicate rule id (also defined at {second.path}:{second.line}, the file where "
            f"the {prefix}* rules live, so this one is taken to be the newer)",
            path=first.path,
            line=first.line,
            rule_id=first.id,
        )
    return RuleFileError(
        f"duplicate rule id (first defined at {first.path}:{first.line})",
        path=second.path,
        line=second.line,
        rule_id=second.id,
    )


def load_rules_from_texts(files: Mapping[str, str | bytes]) -> RuleSet:
    """A rule set from memory: ``{"eating.yaml": "...", "cards/support.yaml": "..."}``, laid out
    and validated exactly as a rules folder (rule files at the top or in pack folders, cards in
    ``cards/``, vocabulary in ``vocabulary/``), with the same version hash as that folder.
    Errors and the rules' ``path`` name the keys given.

    >>> rs = load_rules_from_texts({
    ...     "rules.yaml": "category: c\\ncard: k\\nrules:\\n  - id: a.b\\n    action: banner\\n"
    ...                   "    terms: [zzword]\\n    examples: {match: [zzword]}\\n",
    ...     "cards/k.yaml": "id: k\\ntext: {default: {title: T, body: B}}\\nresources:\\n"
    ...                     "  default: [{name: N, url: 'https://example.org', source: s, "
    ...                     "verified: 2024-01-01}]\\n",
    ... })
    >>> [r.id for r in rs.rules], rs.rules[0].path
    (['a.b'], 'rules.yaml')
    """
    import tempfile

    if not isinstance(files, Mapping) or not files:
        raise InputError("files must be a non-empty mapping of relative path -> YAML text")
    with tempfile.TemporaryDirectory(prefix="interventions-") as tmp:
        root = Path(tmp)
        for name, text in files.items():
            rel = Path(name) if isinstance(name, str) else None
            if (
                rel is None
                or rel.is_absolute()
                or not rel.parts
                or ".." in rel.parts
                or rel.suffix not in (".yaml", ".yml", ".txt")
            ):
                raise InputError(
                    f"{name!r} is not a relative path of a .yaml or .txt file inside the rules"
                )
            data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
            if not isinstance(data, bytes):
                raise InputError(f"{name}: the file's text must be str or bytes")
            if len(data) > MAX_FILE_BYTES:
                raise RuleFileError(
                    f"file is {len(data)} bytes; rule files are limited to {MAX_FILE_BYTES} bytes",
                    path=name,
                )
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_bytes(data)
        prefix = str(root) + os.sep

        def named(path: str) -> str:
            return path[len(prefix) :] if path.startswith(prefix) else path

        try:
            ruleset = load_rules(root)
        except RuleFileError as exc:
            raise RuleFileError(
                exc.reason.replace(prefix, ""),
                path=named(exc.path),
                line=exc.line,
                rule_id=exc.rule_id,
            ) from None
    return dataclasses.replace(
        ruleset,
        source="<memory>",
        rules=tuple(dataclasses.replace(r, path=named(r.path)) for r in ruleset.rules),
        cards={k: dataclasses.replace(c, path=named(c.path)) for k, c in ruleset.cards.items()},
        lexicons={
            k: dataclasses.replace(x, path=named(x.path)) for k, x in ruleset.lexicons.items()
        },
    )


def load_rules(path: str | Path, *, today: dt.date | None = None) -> RuleSet:
    """Load and validate the rules folder at ``path``.

    Raises :class:`RuleFileError` for the first mistake found, naming file, line and rule id.
    The result never depends on the clock or time zone of the machine (a ``verified`` date
    after today is a lint warning, not an error); ``today`` is accepted and ignored so that
    callers written for earlier versions keep working.
    """
    del today  # a cold start must not fail because the server's date lags the author's
    root = Path(path)
    if not root.is_dir():
        raise RuleFileError("not a folder of rule files", path=str(path))

    def display(p: Path) -> str:
        return str(p)

    rule_paths = rule_files(root)
    if not rule_paths:
        raise RuleFileError("no rule files (*.yaml) in this folder", path=str(path))
    cards_dir = root / "cards"
    card_files = _yaml_files(cards_dir) if cards_dir.is_dir() else []

    cards: dict[str, CardDefinition] = {}
    for p in card_files:
        card = parse_card(p, display(p))
        if card.id in cards:
            raise RuleFileError(
                f"card {card.id!r} is defined twice (also in {cards[card.id].path})",
                path=display(p),
            )
        cards[card.id] = card

    docs = [(p, read_yaml(p, display(p))) for p in rule_paths]
    lexicons = merge_lexicons(
        lex for p, doc in docs if is_lexicon_file(doc) for lex in parse_lexicon_doc(doc, display(p))
    )
    used: set[str] = set()
    rules: dict[str, Rule] = {}
    categories: list[str] = []
    for p, doc in docs:
        if is_lexicon_file(doc):
            continue
        parsed, _, used_here = parse_rule_doc(doc, display(p), lexicons)
        used |= used_here
        for rule in parsed:
            if rule.id in rules:
                raise _duplicate(rules[rule.id], rule, rules.values(), parsed)
            if rule.card not in cards and rule.intent is not Intent.CUE:
                known = ", ".join(sorted(cards)) or "none"
                raise RuleFileError(
                    f"card {rule.card!r} does not exist in {cards_dir} (known: {known})",
                    path=rule.path,
                    line=rule.line,
                    rule_id=rule.id,
                )
            rules[rule.id] = rule
        if parsed and parsed[0].category not in categories:
            categories.append(parsed[0].category)

    vocab_dir = root / "vocabulary"
    vocab_files = (
        sorted(p for p in vocab_dir.iterdir() if p.suffix == ".txt" and p.is_file())
        if vocab_dir.is_dir()
        else []
    )
    vocabulary: set[str] = set()
    for p in vocab_files:
        vocabulary |= read_vocabulary_file(p, display(p))
    common_dir = vocab_dir / "common"
    common_files = (
        sorted(p for p in common_dir.iterdir() if p.suffix == ".txt" and p.is_file())
        if common_dir.is_dir()
        else []
    )
    keys_path = common_dir / COMMON_KEYS
    if keys_path.is_file():
        common = read_common_keys(keys_path, common_files, display(keys_path))
        common_files.append(keys_path)
    else:
        common = WordSet.of_parts(read_common_words_file(p, display(p)) for p in common_files)

    digest = hashlib.sha256()
    for p in [*rule_paths, *card_files, *vocab_files, *common_files]:
        digest.update(p.relative_to(root).as_posix().encode() + b"\0")
        digest.update(p.read_bytes() + b"\0")
    return RuleSet(
        rules=tuple(rules.values()),
        cards=cards,
        version=digest.hexdigest()[:16],
        source=str(root),
        categories=tuple(categories),
        vocabulary=frozenset(vocabulary),
        common_words=common,
        lexicons={
            name: dataclasses.replace(lex, used=name in used) for name, lex in lexicons.items()
        },
    )


MAX_COMMON_WORD = 64
"""The longest line of a common-words file."""
COMMON_KEYS = "words.keys"
"""The common words' keys, beside their lists (``tools/common_words.py`` writes it): the sha256
of the lists it was made from, then the sorted 64-bit keys (``WordSet.data``). Loading reads
it instead of half a million words (a tenth of the time, and of the memory at its peak)."""
MAX_COMMON_KEYS_BYTES = 64 << 20


def common_lists_digest(lists: list[Path]) -> bytes:
    """The sha256 of common-word lists (each file's name and bytes, in the order given)."""
    digest = hashlib.sha256()
    for path in lists:
        digest.update(path.name.encode() + b"\0")
        digest.update(read_bounded(path, MAX_FILE_BYTES) + b"\0")
    return digest.digest()


def common_keys_bytes(lists: list[Path]) -> bytes:
    """What :data:`COMMON_KEYS` holds for these lists."""
    words = WordSet.of_parts(read_common_words_file(p, p.name) for p in lists)
    return common_lists_digest(lists) + words.data


def read_common_keys(path: Path, lists: list[Path], display: str) -> WordSet:
    """The common words from their keys file, which must have been made from ``lists`` as they
    are now (else: an error that says to run the tool)."""
    where = _Where(display)
    try:
        data = read_bounded(path, MAX_COMMON_KEYS_BYTES)
    except TooLargeError as exc:
        raise where.error(f"file is over {MAX_COMMON_KEYS_BYTES} bytes", None) from exc
    try:
        lists_now = common_lists_digest(lists)
    except TooLargeError as exc:
        raise where.error(f"a common-words list is over {MAX_FILE_BYTES} bytes", None) from exc
    if data[:32] != lists_now:
        raise where.error(
            "was not made from the common-word lists beside it (a list changed): run "
            "tools/common_words.py --keys-only to write it again",
            None,
        )
    try:
        return WordSet.from_bytes(memoryview(data)[32:])  # no copy of 4 MB
    except ValueError as exc:
        raise where.error(f"not a keys file: {exc}", None) from exc


def _read_word_list(path: Path, where: _Where) -> str:
    """A word-list file's text: size-checked before it is read, UTF-8."""
    try:
        return read_bounded(path, MAX_FILE_BYTES).decode("utf-8")
    except TooLargeError as exc:
        raise where.error(f"file is over {MAX_FILE_BYTES} bytes", None) from exc
    except UnicodeDecodeError as exc:
        raise where.error(f"not valid UTF-8 (byte {exc.start})", None) from exc


def read_common_words_file(path: Path, display: str) -> list[str]:
    """One word per line, already normalized (``tools/common_words.py`` writes them so: at tens
    of thousands of words per language, normalizing each at every load would cost seconds); a
    line that starts with ``#`` is a comment. A word with a space, a capital or over
    MAX_COMMON_WORD characters is an error naming its line; one that is not in normalized form
    otherwise is never met, and does nothing. Checked in C loops over the whole file."""
    where = _Where(display)
    text = _read_word_list(path, where)
    lines = text.splitlines()
    del text
    words = [line for line in lines if line and not line.startswith("#")]
    joined = "\n".join(words)
    if (
        joined.lower() != joined
        or _SPACE_IN_LINE.search(joined)
        or max(map(len, words), default=0) > MAX_COMMON_WORD
    ):
        for number, line in enumerate(lines, start=1):
            if line and not line.startswith("#") and not _normalized_word(line):
                raise where.error(
                    f"{line[:MAX_COMMON_WORD]!r} is not a normalized word (one token, lower "
                    f"case, at most {MAX_COMMON_WORD} characters); tools/common_words.py writes "
                    "these files",
                    number,
                )
    return words


_SPACE_IN_LINE = re.compile(r"[^\S\n]")


def _normalized_word(line: str) -> bool:
    return len(line) <= MAX_COMMON_WORD and line == line.lower() and line.split() == [line]


def read_vocabulary_file(path: Path, display: str) -> set[str]:
    """One word per line; ``#`` starts a comment. Each word must normalize to one token."""
    where = _Where(display)
    text = _read_word_list(path, where)
    words: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        word = line.split("#", 1)[0].strip()
        if not word:
            continue
        tokens = [t.text for t in normalize(word).tokens]
        if len(tokens) != 1:
            raise where.error(f"{word!r} is not one word after normalization: {tokens}", number)
        words.add(tokens[0])
    return words
