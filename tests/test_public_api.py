"""The public surface is small on purpose; an export that appears or disappears is a decision."""

import subprocess
import sys

import interventions
from interventions import tools


def test_public_names() -> None:
    assert sorted(interventions.__all__) == [
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


def test_every_public_name_exists() -> None:
    for name in interventions.__all__:
        assert hasattr(interventions, name), name


def test_modules_behind_the_api_are_private() -> None:
    for name in interventions.__all__:
        obj = getattr(interventions, name)
        module = getattr(obj, "__module__", "interventions")
        assert module == "interventions" or module.split(".")[1].startswith("_"), (name, module)


def test_tools_public_names() -> None:
    assert sorted(tools.__all__) == [
        "BatchSummary",
        "Case",
        "CaseFileError",
        "CaseResult",
        "ChangeKind",
        "DEFAULT_FAIL_ON",
        "DiffReport",
        "Finding",
        "InputFormat",
        "LintConfigError",
        "RunReport",
        "Severity",
        "UnguardedMainError",
        "VocabWord",
        "diff_rules",
        "lint_rules",
        "read_vocabulary",
        "run_batch",
        "run_rule_tests",
    ]


def test_every_tools_name_exists_and_its_module_is_private_or_tools() -> None:
    for name in tools.__all__:
        obj = getattr(tools, name)
        module = getattr(obj, "__module__", "interventions.tools")
        assert module == "interventions.tools" or module.split(".")[1].startswith("_"), name


def test_the_library_does_not_import_the_tools() -> None:
    # the hot path stays free of the tooling (and of what it imports)
    code = "import sys, interventions; print('interventions.tools' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_metrics_and_shadow_public_names() -> None:
    from interventions import metrics, shadow

    assert sorted(metrics.__all__) == ["DecisionCounter", "DecisionCounts", "prometheus_collector"]
    assert sorted(shadow.__all__) == ["ShadowCounts", "ShadowEngine"]
    for module in (metrics, shadow):
        for name in module.__all__:
            assert hasattr(module, name), name


def test_the_library_does_not_import_metrics_shadow_or_the_server() -> None:
    # opt-in: a service that does not count pays nothing, and needs no extra
    code = (
        "import sys, interventions, interventions.metrics; "
        "print(sorted(m for m in ('prometheus_client', 'interventions.shadow', 'starlette') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_arrow_and_spark_public_names() -> None:
    from interventions import arrow, spark

    assert sorted(arrow.__all__) == ["DECISION_FIELDS", "decide"]
    assert sorted(spark.__all__) == ["decide", "diff", "ship_rules"]
    for module in (arrow, spark):
        for name in module.__all__:
            assert hasattr(module, name), name


def test_arrow_and_spark_import_their_extras_only_when_used() -> None:
    # importing the modules costs nothing: pyarrow and pyspark load when a column is decided
    code = (
        "import sys, interventions.arrow, interventions.spark, interventions.tools; "
        "print(sorted(m for m in ('pyarrow', 'pyspark', 'pandas') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
