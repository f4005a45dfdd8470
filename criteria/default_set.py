"""The proposed default criteria set every new workshop starts from (version 1).

The wording is ours, written for the portal from the sources each criterion cites; it is a
proposal for staff to adapt, not AI Office text. The strings are data stored in the database
(staff edit them per workshop), so they are not marked for translation.

Source tags: [S&S] GPAI Code of Practice, Safety and Security chapter (10 July 2025);
[STREAM] the STREAM reporting standard; [PASKOV] Paskov et al. on evaluation rigour;
[BB] BetterBench; [METR] METR's elicitation protocol. See /work/shared/domain.md, section 0.

The layout is the interchange format of criteria/interchange.py, so the default set can be
exported, edited and imported like any other.
"""

import copy
from decimal import Decimal

TITLE = "Proportionality criteria (proposed default)"

DESCRIPTION = (
    "A proposed starting point for scoring evaluations of general-purpose AI models with "
    "systemic risk. It is derived from the GPAI Code of Practice (Safety and Security "
    "chapter: Appendix 3 and Measures 3.2, 4.1 and 7.3), the STREAM reporting standard, "
    "Paskov et al. on evaluation rigour, BetterBench and METR's elicitation protocol. It is "
    "not AI Office text: staff adapt it for each workshop.\n"
    "Each criterion is scored from 0 (absent) to 4 (state of the art), or N/A with a reason "
    "where the criterion allows it. Every score needs a short justification."
)


def _levels(*descriptors: str) -> list[dict]:
    names = ("Absent", "Weak", "Partial", "Meets the Code's expectation", "State of the art")
    return [
        {"level": level, "descriptor": f"{name}: {text}"}
        for level, (name, text) in enumerate(zip(names, descriptors, strict=True))
    ]


def _criterion(code: str, title: str, **fields) -> dict:
    return {
        "code": code,
        "title": title,
        "description": fields["description"],
        "guidance": fields["guidance"],
        "sources": fields["sources"],
        "levels": fields["levels"],
        "allow_na": fields.get("allow_na", False),
        "weight": Decimal("1"),
        "justification_required": True,
    }


GROUPS: list[dict] = [
    {
        "code": "A",
        "title": "Relevance to systemic risk",
        "criteria": [
            _criterion(
                "REL-1",
                "Systemic-risk relevance",
                description=(
                    "Is the evaluation aimed at a specified systemic risk (CBRN, loss of "
                    "control, cyber offence, harmful manipulation) or at another risk the "
                    "submitters identify? Does it say which sources of the risk it probes "
                    "(capabilities, propensities, affordances) and tie its measurements to a "
                    "concrete risk scenario?"
                ),
                guidance=(
                    "Look for an explicit statement of the risk and of the scenario the "
                    "results speak to. A list of generic harms, or a benchmark name on its "
                    "own, is not a scenario. For a 4 the submitters also argue why their "
                    "coverage of the risk (tasks, threat actors, modalities) is sufficient."
                ),
                sources=(
                    "[S&S] Appendix 1 (risk taxonomy), Measure 2.2 (risk scenarios), "
                    "Measure 3.2 (model evaluations); [STREAM] threat relevance."
                ),
                levels=_levels(
                    "no link to any systemic risk is made.",
                    "only a generic harm is mentioned.",
                    "the risk is named, but no scenario connects the results to it.",
                    "the risk, the sources probed and a scenario are all explicit.",
                    "as 3, and the coverage and modalities chosen are justified.",
                ),
            ),
            _criterion(
                "REL-2",
                "Decision relevance",
                description=(
                    "Can the results inform a decision? Does the evaluation say which results "
                    "would rule a capability in or out, compare against baselines, and "
                    "connect its outcomes to the provider's systemic-risk tiers?"
                ),
                guidance=(
                    "Thresholds chosen after the results were known are post hoc (level 2). "
                    "For a 3, thresholds and baselines are stated and explained. For a 4 they "
                    "were fixed before the runs (for example pre-registered), are mapped onto "
                    "risk tiers, and leave a safety margin for under-elicitation."
                ),
                sources=(
                    "[STREAM] results interpretation (rule-in and rule-out thresholds); "
                    "[S&S] Measure 4.1 (systemic-risk tiers, safety margin)."
                ),
                levels=_levels(
                    "raw scores only, with no reading of what they mean.",
                    "an informal interpretation of the scores.",
                    "thresholds exist but were set after seeing the results.",
                    "thresholds and baselines are stated before interpretation.",
                    "pre-registered thresholds, mapped to risk tiers with a safety margin.",
                ),
            ),
        ],
    },
    {
        "code": "B",
        "title": "Rigour and validity",
        "criteria": [
            _criterion(
                "VAL-1",
                "Internal validity",
                description=(
                    "Can the results be trusted as measurements? Consider the statistical "
                    "treatment and uncertainty, control of confounds and of test-set "
                    "contamination, repeated runs, and inspection of agent trajectories or "
                    "transcripts."
                ),
                guidance=(
                    "A single run reported as a point estimate is a 0. Uncertainty without "
                    "any contamination control caps the score at 2. For a 4, look also for a "
                    "power analysis (was the sample large enough for the effect of interest?) "
                    "and for checks that the model did not evade oversight or underperform "
                    "on purpose during the evaluation."
                ),
                sources=(
                    "[S&S] Appendix 3.1 (rigour: internal validity); [PASKOV]; "
                    "[BB] (significance reporting)."
                ),
                levels=_levels(
                    "a single run, no statistics.",
                    "some statistics, but no treatment of uncertainty.",
                    "uncertainty is reported, but contamination is not controlled.",
                    "confidence intervals, re-runs, contamination control and trajectory review.",
                    "as 3, plus a power analysis and checks for evasion of oversight.",
                ),
            ),
            _criterion(
                "VAL-2",
                "External validity",
                description=(
                    "Is the evaluation environment documented, and is its distance from real "
                    "deployment analysed? For human uplift studies: do the participants and "
                    "tasks represent the threat actors and tasks that matter?"
                ),
                guidance=(
                    "Describing the environment earns a 2; analysing how it differs from "
                    "deployment (tools, access, safeguards, users) earns a 3. A 4 needs "
                    "evidence that the results carry over, such as field data, incident data "
                    "or a validated proxy."
                ),
                sources=(
                    "[S&S] Appendix 3.1 (external validity), Measure 3.2 (human uplift "
                    "studies, simulations); [PASKOV]."
                ),
                levels=_levels(
                    "external validity is not discussed.",
                    "validity is claimed without support.",
                    "the environment is described.",
                    "the divergence from deployment is analysed.",
                    "results are validated against real-world or proxy evidence.",
                ),
            ),
            _criterion(
                "VAL-3",
                "Measurement quality",
                description=(
                    "How were the test items built and graded? Consider item construction, "
                    "the grader (human expert or model) and its agreement with other graders, "
                    "and the human baselines the model is compared with."
                ),
                guidance=(
                    "Item counts without saying how items were made or graded are a 1. A 3 "
                    "needs quality control of items, reported grader agreement (or a model "
                    "grader checked against humans) and a human baseline. A 4 adds expert "
                    "validation of the items and a baseline drawn from the relevant "
                    "population (for example domain experts rather than crowd workers)."
                ),
                sources=(
                    "[STREAM] test construction, grading and scoring; baseline performance; "
                    "[BB]; [S&S] Measure 7.3 (comparison with human baselines)."
                ),
                levels=_levels(
                    "how items were built and graded is unknown.",
                    "only item counts are reported.",
                    "the grading procedure is described.",
                    "quality control, grader agreement and a human baseline.",
                    "expert-validated items and a calibrated human baseline.",
                ),
            ),
        ],
    },
    {
        "code": "C",
        "title": "Elicitation",
        "criteria": [
            _criterion(
                "ELI-1",
                "Capability elicitation",
                description=(
                    "Does the evaluation draw out what the model can actually do, with effort "
                    "matched to the actors who might misuse it and to its context of use? "
                    "Does it address deliberate underperformance (sandbagging)?"
                ),
                guidance=(
                    "Default prompting only is a 0. Tools, scaffolds or extra test-time "
                    "compute without an argument for why they are the right ones is a 2. A 3 "
                    "matches elicitation to plausible threat actors and analyses spurious "
                    "failures (formatting, tool errors, refusals). A 4 also tests a "
                    "fine-tuned or least-mitigated version and probes for sandbagging."
                ),
                sources=(
                    "[S&S] Appendix 3.2 (elicitation, sandbagging); [METR] elicitation "
                    "protocol; [STREAM] model elicitation."
                ),
                levels=_levels(
                    "the default prompt only.",
                    "ad-hoc prompting.",
                    "tools or scaffolds, without justification.",
                    "matched to threat actors, with spurious failures analysed.",
                    "as 3, plus fine-tuning or the least-mitigated version, and sandbagging "
                    "probes.",
                ),
            ),
            _criterion(
                "ELI-2",
                "Mitigation robustness",
                allow_na=True,
                description=(
                    "Were the safeguards of the model or system tested under adversarial "
                    "pressure, such as jailbreaks and fine-tuning attacks, and how well did "
                    "they hold?"
                ),
                guidance=(
                    "Choose N/A, with a reason, when the evaluation deliberately measures "
                    "capabilities without safeguards. Replaying published jailbreaks is a 1. "
                    "A 3 needs attacks that adapt to the defences and a measure of how often "
                    "or how easily safeguards are circumvented. A 4 also forecasts how "
                    "robustness will degrade as attacks improve."
                ),
                sources=(
                    "[S&S] Appendix 3.3 (adversarial testing of mitigations), Measure 3.2 "
                    "(red-teaming)."
                ),
                levels=_levels(
                    "safeguards are not tested.",
                    "known jailbreaks only.",
                    "a structured red-teaming exercise.",
                    "adaptive attacks, with circumvention measured.",
                    "as 3, plus a forecast of how robustness degrades.",
                ),
            ),
        ],
    },
    {
        "code": "D",
        "title": "Proportionality",
        "criteria": [
            _criterion(
                "PRP-1",
                "Proportionate depth",
                description=(
                    "Does the effort spent (breadth of tasks, depth of model access, time) "
                    "fit how severe and how plausible the risk is?"
                ),
                guidance=(
                    "Proportionality cuts both ways: a shallow test of a severe, plausible "
                    "risk scores low, and so does heavy effort on a risk the submitters "
                    "themselves consider implausible, unless they say why. A 4 states what "
                    "was traded off and why."
                ),
                sources="[S&S] recital (c) (proportionality), Measure 3.2; [PASKOV].",
                levels=_levels(
                    "effort and risk are clearly mismatched.",
                    "the match is weakly argued.",
                    "effort partly matches the risk.",
                    "the level of effort is justified.",
                    "justified, with the trade-offs made explicit.",
                ),
            ),
            _criterion(
                "PRP-2",
                "Uncertainty and limitations",
                description=(
                    "Does the evaluation state its assumptions and limitations, including "
                    "possible under-elicitation and capability growth after the evaluation, "
                    "in a form that can feed a safety margin?"
                ),
                guidance=(
                    "Generic disclaimers are a 1. Listing the specific limitations is a 2; "
                    "putting numbers on them (for example the expected gain from stronger "
                    "elicitation) is a 3. A 4 names the conditions under which the "
                    "conclusions would stop holding."
                ),
                sources=(
                    "[S&S] Measure 4.1 (safety margin, under-elicitation), Appendix 3.2; "
                    "[STREAM] results interpretation."
                ),
                levels=_levels(
                    "no limitations are given.",
                    "boilerplate only.",
                    "the limitations are listed.",
                    "the limitations are quantified.",
                    "as 3, plus the conditions under which the conclusions would fail.",
                ),
            ),
        ],
    },
    {
        "code": "E",
        "title": "Transparency",
        "criteria": [
            _criterion(
                "TRN-1",
                "Reproducibility",
                description=(
                    "Could others reproduce the evaluation? Are the code, data and "
                    "environment available publicly or, for hazardous material, securely to "
                    "the AI Office?"
                ),
                guidance=(
                    "A complete description of the method without artefacts is a 2. Sharing "
                    "artefacts through a secure channel counts as much as publishing them "
                    "when the material is hazardous. A 4 needs an independent reproduction "
                    "of the results."
                ),
                sources="[S&S] Appendix 3.1 (reproducibility); [BB] (replicability); [PASKOV].",
                levels=_levels(
                    "nothing is available.",
                    "parts of the method are described.",
                    "the full method is described, without artefacts.",
                    "artefacts are shared, securely where hazardous.",
                    "the results have been reproduced independently.",
                ),
            ),
            _criterion(
                "TRN-2",
                "Reporting and responsible disclosure",
                description=(
                    "Does the report identify the model and version evaluated, the settings "
                    "and access used, show input and output samples, and justify any "
                    "redaction?"
                ),
                guidance=(
                    "Check the STREAM minimum items (model, version, settings, elicitation, "
                    "samples) for a 3 and full STREAM compliance for a 4. The Code asks for "
                    "at least five random input/output samples per evaluation. Redacting "
                    "hazardous or commercially sensitive content is fine when it is explained."
                ),
                sources=(
                    "[STREAM] minimum and full compliance; [S&S] Measure 7.3(1)(e) to (g) "
                    "(method, samples, access)."
                ),
                levels=_levels(
                    "it is unclear which model was evaluated.",
                    "the model is named.",
                    "the version and settings are given.",
                    "the STREAM minimum is met, with samples.",
                    "full STREAM compliance.",
                ),
            ),
        ],
    },
    {
        "code": "F",
        "title": "Conditions",
        "criteria": [
            _criterion(
                "CND-1",
                "Access, expertise and independence",
                description=(
                    "Under what conditions was the evaluation run: the evaluators' "
                    "qualifications, their independence from the provider, the model access "
                    "they had (black, grey or white box) and the time available?"
                ),
                guidance=(
                    "The Code expects qualified teams, access suited to the evaluation and, "
                    "for most evaluations, at least 20 business days. A 3 needs independence "
                    "and disclosure of access and time. A 4 adds grey- or white-box access "
                    "(for example logits, activations or helpful-only versions) and at least "
                    "20 business days."
                ),
                sources=(
                    "[S&S] Appendix 3.4 and 3.5, Measure 3.5 (qualified and independent "
                    "external evaluators, access, time)."
                ),
                levels=_levels(
                    "the conditions are not disclosed.",
                    "the conditions are inadequate for the claims made.",
                    "the conditions are adequate for the claims made.",
                    "independent, with access and time disclosed.",
                    "independent, grey- or white-box access, 20 business days or more.",
                ),
            ),
        ],
    },
]


def default_content() -> dict:
    """The default set in the interchange layout (a fresh copy each time)."""
    return {"title": TITLE, "description": DESCRIPTION, "groups": copy.deepcopy(GROUPS)}


def content_create(*, criteria_set, content: dict, group_model, criterion_model) -> None:
    """Insert the groups and criteria of `content` into an empty set, in three queries.

    The model classes are passed in so that the data migration can use its historical
    models; services pass the real ones.
    """
    groups = group_model.objects.bulk_create(
        group_model(criteria_set=criteria_set, code=group["code"], title=group["title"], position=i)
        for i, group in enumerate(content["groups"])
    )
    criterion_model.objects.bulk_create(
        criterion_model(
            criteria_set=criteria_set,
            group=group,
            position=position,
            code=item["code"],
            title=item["title"],
            description=item["description"],
            guidance=item["guidance"],
            sources=item["sources"],
            levels=item["levels"],
            allow_na=item["allow_na"],
            weight=item["weight"],
            justification_required=item["justification_required"],
        )
        for group, spec in zip(groups, content["groups"], strict=True)
        for position, item in enumerate(spec["criteria"])
    )
