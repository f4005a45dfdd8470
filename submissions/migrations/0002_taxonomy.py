"""Seed the vocabularies from shared/domain.md (GPAI Code of Practice, S&S chapter)."""

from django.db import migrations

RISK_AREAS = [
    # Appendix 1.4: specified systemic risks.
    ("cbrn", "CBRN", "specified"),
    ("loss_of_control", "Loss of control", "specified"),
    ("cyber_offence", "Cyber offence", "specified"),
    ("harmful_manipulation", "Harmful manipulation", "specified"),
    # Appendix 1.1: other types.
    ("public_health", "Public health", "other_type"),
    ("safety", "Safety", "other_type"),
    ("public_security", "Public security", "other_type"),
    ("fundamental_rights", "Fundamental rights", "other_type"),
    ("society", "Society as a whole", "other_type"),
]

METHODS = [
    ("benchmark", "Benchmarks and Q&A sets"),
    ("task_based", "Task-based evaluations"),
    ("red_teaming", "Red-teaming and adversarial testing"),
    ("human_uplift", "Human uplift study"),
    ("model_organisms", "Model organisms"),
    ("simulation", "Simulation"),
    ("open_ended", "Open-ended testing"),
    ("agentic", "Agentic tasks"),
    ("proxy", "Proxy evaluations"),
    ("automated", "Automated evaluations"),
    ("other", "Other"),
]

PROVIDERS = [
    "Aleph Alpha",
    "Amazon",
    "Anthropic",
    "DeepSeek",
    "Google DeepMind",
    "Meta",
    "Microsoft",
    "Mistral AI",
    "OpenAI",
    "xAI",
]


def seed_vocabularies(RiskArea, Method, Provider) -> None:  # noqa: N803 - model classes
    """Idempotent; also called by the tests after a transactional test empties the tables."""
    for position, (code, name, kind) in enumerate(RISK_AREAS):
        RiskArea.objects.update_or_create(
            code=code, defaults={"name": name, "kind": kind, "position": position}
        )
    for position, (code, name) in enumerate(METHODS):
        Method.objects.update_or_create(code=code, defaults={"name": name, "position": position})
    for name in PROVIDERS:
        Provider.objects.get_or_create(name=name)


def seed(apps, schema_editor):
    seed_vocabularies(
        apps.get_model("submissions", "RiskArea"),
        apps.get_model("submissions", "Method"),
        apps.get_model("submissions", "Provider"),
    )


class Migration(migrations.Migration):
    dependencies = [("submissions", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
