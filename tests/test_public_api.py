"""The public surface is small on purpose; an export that appears or disappears is a decision."""

import interventions


def test_public_names() -> None:
    assert sorted(interventions.__all__) == [
        "Action",
        "ArtifactError",
        "Card",
        "Decision",
        "Engine",
        "Explanation",
        "InputError",
        "InterventionsError",
        "Match",
        "Resource",
        "RuleFileError",
        "RuleSet",
        "TermKind",
        "__version__",
        "load_rules",
    ]


def test_every_public_name_exists() -> None:
    for name in interventions.__all__:
        assert hasattr(interventions, name), name


def test_modules_behind_the_api_are_private() -> None:
    for name in interventions.__all__:
        obj = getattr(interventions, name)
        module = getattr(obj, "__module__", "interventions")
        assert module == "interventions" or module.split(".")[1].startswith("_"), (name, module)
