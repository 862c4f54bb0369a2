"""Function words of the languages the shipped rules cover, written out by hand.

The compiler indexes a phrase under one of its tokens (its anchor), and every query holding that
token has to look at the phrase. Articles, pronouns, prepositions, conjunctions and auxiliaries
are in most queries, so a phrase is never anchored on one of them when it has another token
(``blood and honour`` waits behind ``honour``, not ``and``). This is only a preference: it
changes how fast a query is answered, never whether it matches.
"""

from __future__ import annotations

__all__ = ["FUNCTION_WORDS"]

_EN = """
a about above after again against all am an and any are as at be because been before being
below between both but by can could did do does doing down during each either every few for
from further had has have having he her here hers herself him himself his how i if in into is
it its itself just let me more most my myself neither no nor not now of off on once one only or
other our ours ourselves out over own same she should so some something such than that the their
theirs them themselves then there these they this those through to too under until up upon us
very was we were what when where which while who whom whose why will with within without would
you your yours yourself yourselves
"""

_PL = """
a aby ale bez by być ci co czy dla do gdy gdzie go i ich im jak jako jakie jej jest jestem już
ja je jego ją każdy kiedy kto ku lub ma mam mi mnie moja moje mój my na nad nam nas nie nic nim
o od on ona one oni oraz po pod przez przy się są ta tak tam te tego tej ten też to tu ty tylko
u w we więc wszystko z za ze że żeby
"""

_SV = """
alla allt att av bara de dem den denna det detta dig din dina du där efter ej eller en er era
ett för från ha hade han hans har henne hennes hon honom hur här i icke ingen inom inte jag ju
kan kunde man med mellan men mig min mina mot mycket ni nu när någon något och om oss på samma
sedan sig sin sina själv ska skulle som så till under upp ut utan vad var vara varför vi vid
vilken vill än är åt över
"""

_DE = """
aber alle als also am an auch auf aus bei bin bis bist da das dass dein dem den der des die
dich dir doch du ein eine einem einen einer er es für hat hatte ich ihm ihn ihr im in ist ja
kein man mein mich mir mit nach nicht noch nur ob oder sein sich sie sind so über um und uns
unser von vor war was wenn wer wie wir wo zu zum zur
"""

FUNCTION_WORDS: frozenset[str] = frozenset((_EN + _PL + _SV + _DE).split())
"""As written (``się``, ``för``); ``_compile`` compares their normalized forms."""
