"""interventions: decide whether a search query touches a harmful area, and what to show instead.

>>> from interventions import Engine
>>> decision = Engine.default().check("#thinspo", locale="sv-SE")
>>> decision.action.value, decision.category
('redirect', 'eating_disorder')
"""

from interventions._decision import Card, Decision, Match
from interventions._engine import Engine, Explanation
from interventions._errors import ArtifactError, InputError, InterventionsError, RuleFileError
from interventions._loader import load_rules
from interventions._model import Action, Intent, Resource, RuleSet, TermKind
from interventions._version import __version__

__all__ = [
    "Action",
    "ArtifactError",
    "Card",
    "Decision",
    "Engine",
    "Explanation",
    "InputError",
    "Intent",
    "InterventionsError",
    "Match",
    "Resource",
    "RuleFileError",
    "RuleSet",
    "TermKind",
    "__version__",
    "load_rules",
]
