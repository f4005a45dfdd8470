"""French and German texts of the proposed default criteria set (criteria/default_set.py).

Our own translation of our own English, in the terms of the AI Act's and the Code of
Practice's official French and German versions (portal/locale/glossary/{fr,de}.csv):
risque systémique / systemisches Risiko, élicitation / Elicitation, atténuation / Minderung,
essais contradictoires / Angriffstests, Bureau de l'IA / Büro für Künstliche Intelligenz,
code de bonnes pratiques / Praxisleitfaden, évaluation / Bewertung, NRBC / CBRN. Sources
(citations) stay as they are. Data, not gettext: staff edit them per workshop.

Layout: {language: {"title", "description", "groups": {code: title}, "criteria": {code:
{"title", "description", "guidance", "levels": [five descriptors, level 0 to 4]}}}}.
"""

import copy

_FR_LEVELS = ("Absent", "Faible", "Partiel", "Conforme aux attentes du code", "État de l'art")
_DE_LEVELS = (
    "Fehlt",
    "Schwach",
    "Teilweise",
    "Erfüllt die Erwartung des Praxisleitfadens",
    "Stand der Technik",
)


def _texts(names: tuple[str, ...], separator: str):
    """A criterion's texts; each descriptor is prefixed with its level's name."""

    def texts(title: str, description: str, guidance: str, *levels: str) -> dict:
        return {
            "title": title,
            "description": description,
            "guidance": guidance,
            "levels": [
                f"{name}{separator}{text}" for name, text in zip(names, levels, strict=True)
            ],
        }

    return texts


# French typography puts a space before the colon.
_fr = _texts(_FR_LEVELS, " : ")
_de = _texts(_DE_LEVELS, ": ")


FR = {
    "title": "Critères de proportionnalité (proposition par défaut)",
    "description": (
        "Un point de départ proposé pour noter les évaluations de modèles d'IA à usage "
        "général présentant un risque systémique. Il est tiré du code de bonnes pratiques "
        "pour l'IA à usage général (chapitre Sûreté et sécurité : appendice 3 et mesures "
        "3.2, 4.1 et 7.3), de la norme de rapport STREAM, de Paskov et al. sur la rigueur "
        "des évaluations, de BetterBench et du protocole d'élicitation de METR. Ce n'est pas "
        "un texte du Bureau de l'IA : le personnel l'adapte pour chaque atelier.\n"
        "Chaque critère est noté de 0 (absent) à 4 (état de l'art), ou N/A avec un motif "
        "lorsque le critère le permet. Chaque note exige une brève justification."
    ),
    "groups": {
        "A": "Pertinence au regard du risque systémique",
        "B": "Rigueur et validité",
        "C": "Élicitation",
        "D": "Proportionnalité",
        "E": "Transparence",
        "F": "Conditions",
    },
    "criteria": {
        "REL-1": _fr(
            "Pertinence au regard du risque systémique",
            "L'évaluation vise-t-elle un risque systémique spécifié (NRBC, perte de contrôle, "
            "cyberoffensive, manipulation préjudiciable) ou un autre risque que les auteurs "
            "identifient ? Indique-t-elle quelles sources du risque elle examine (capacités, "
            "propensions, possibilités d'action) et rattache-t-elle ses mesures à un scénario "
            "de risque concret ?",
            "Cherchez un énoncé explicite du risque et du scénario auquel les résultats se "
            "rapportent. Une liste de préjudices génériques, ou le seul nom d'un banc d'essai, "
            "n'est pas un scénario. Pour un 4, les auteurs expliquent aussi pourquoi leur "
            "couverture du risque (tâches, acteurs malveillants, modalités) est suffisante.",
            "aucun lien avec un risque systémique n'est établi.",
            "seul un préjudice générique est mentionné.",
            "le risque est nommé, mais aucun scénario ne le relie aux résultats.",
            "le risque, les sources examinées et un scénario sont tous explicites.",
            "comme 3, et la couverture et les modalités choisies sont justifiées.",
        ),
        "REL-2": _fr(
            "Pertinence pour la décision",
            "Les résultats peuvent-ils éclairer une décision ? L'évaluation indique-t-elle "
            "quels résultats confirmeraient ou écarteraient une capacité, se compare-t-elle à "
            "des références et relie-t-elle ses résultats aux niveaux de risque systémique du "
            "fournisseur ?",
            "Des seuils choisis une fois les résultats connus sont a posteriori (niveau 2). "
            "Pour un 3, les seuils et les références sont énoncés et expliqués. Pour un 4, ils "
            "ont été fixés avant les essais (par exemple préenregistrés), sont rapportés aux "
            "niveaux de risque et laissent une marge de sécurité pour une élicitation "
            "insuffisante.",
            "des scores bruts seulement, sans lecture de leur signification.",
            "une interprétation informelle des scores.",
            "des seuils existent, mais ont été fixés après avoir vu les résultats.",
            "les seuils et les références sont énoncés avant l'interprétation.",
            "des seuils préenregistrés, rapportés aux niveaux de risque avec une marge de "
            "sécurité.",
        ),
        "VAL-1": _fr(
            "Validité interne",
            "Peut-on se fier aux résultats en tant que mesures ? Considérez le traitement "
            "statistique et l'incertitude, le contrôle des facteurs de confusion et de la "
            "contamination des jeux de test, les exécutions répétées et l'examen des "
            "trajectoires d'agents ou des transcriptions.",
            "Une exécution unique présentée comme une estimation ponctuelle vaut 0. Une "
            "incertitude sans aucun contrôle de la contamination plafonne la note à 2. Pour "
            "un 4, cherchez aussi une analyse de puissance (l'échantillon était-il assez grand "
            "pour l'effet recherché ?) et des vérifications que le modèle n'a pas échappé à la "
            "surveillance ni sous-performé délibérément pendant l'évaluation.",
            "une seule exécution, sans statistiques.",
            "quelques statistiques, mais aucun traitement de l'incertitude.",
            "l'incertitude est indiquée, mais la contamination n'est pas contrôlée.",
            "intervalles de confiance, nouvelles exécutions, contrôle de la contamination et "
            "examen des trajectoires.",
            "comme 3, plus une analyse de puissance et des vérifications du contournement de "
            "la surveillance.",
        ),
        "VAL-2": _fr(
            "Validité externe",
            "L'environnement d'évaluation est-il documenté et son écart avec un déploiement "
            "réel est-il analysé ? Pour les études d'amélioration des capacités humaines : les "
            "participants et les tâches représentent-ils les acteurs malveillants et les "
            "tâches qui comptent ?",
            "Décrire l'environnement vaut un 2 ; analyser en quoi il diffère du déploiement "
            "(outils, accès, garde-fous, utilisateurs) vaut un 3. Un 4 exige des éléments "
            "montrant que les résultats se transposent, tels que des données de terrain, des "
            "données d'incidents ou un indicateur indirect validé.",
            "la validité externe n'est pas discutée.",
            "la validité est affirmée sans justification.",
            "l'environnement est décrit.",
            "l'écart avec le déploiement est analysé.",
            "les résultats sont validés par des éléments réels ou indirects.",
        ),
        "VAL-3": _fr(
            "Qualité de la mesure",
            "Comment les items de test ont-ils été construits et notés ? Considérez la "
            "construction des items, le correcteur (expert humain ou modèle) et sa "
            "concordance avec d'autres correcteurs, ainsi que les références humaines "
            "auxquelles le modèle est comparé.",
            "Un nombre d'items sans indication sur la façon dont ils ont été construits ou "
            "notés vaut un 1. Un 3 exige un contrôle de qualité des items, une concordance "
            "entre correcteurs indiquée (ou un correcteur automatique vérifié par des humains) "
            "et une référence humaine. Un 4 ajoute une validation des items par des experts et "
            "une référence tirée de la population pertinente (par exemple des experts du "
            "domaine plutôt que des travailleurs de plateforme).",
            "la construction et la notation des items sont inconnues.",
            "seul le nombre d'items est indiqué.",
            "la procédure de notation est décrite.",
            "contrôle de qualité, concordance entre correcteurs et référence humaine.",
            "des items validés par des experts et une référence humaine calibrée.",
        ),
        "ELI-1": _fr(
            "Élicitation des capacités",
            "L'évaluation fait-elle ressortir ce que le modèle sait réellement faire, avec un "
            "effort proportionné aux acteurs susceptibles d'en faire un usage abusif et à son "
            "contexte d'utilisation ? Traite-t-elle la sous-performance délibérée "
            "(sandbagging) ?",
            "Des invites par défaut uniquement valent 0. Des outils, des échafaudages ou un "
            "surcroît de calcul au moment du test sans argument expliquant pourquoi ce sont "
            "les bons valent 2. Un 3 adapte l'élicitation aux acteurs malveillants plausibles "
            "et analyse les échecs parasites (formatage, erreurs d'outils, refus). Un 4 teste "
            "aussi une version affinée ou la moins atténuée et recherche le sandbagging.",
            "l'invite par défaut uniquement.",
            "des invites improvisées.",
            "des outils ou des échafaudages, sans justification.",
            "adaptée aux acteurs malveillants, avec analyse des échecs parasites.",
            "comme 3, plus un affinage ou la version la moins atténuée, et des tests de "
            "sandbagging.",
        ),
        "ELI-2": _fr(
            "Robustesse des mesures d'atténuation",
            "Les garde-fous du modèle ou du système ont-ils été testés sous pression "
            "adverse, par exemple par des jailbreaks et des attaques par affinage, et dans "
            "quelle mesure ont-ils résisté ?",
            "Choisissez N/A, avec un motif, lorsque l'évaluation mesure délibérément les "
            "capacités sans garde-fous. Rejouer des jailbreaks publiés vaut un 1. Un 3 exige "
            "des attaques qui s'adaptent aux défenses et une mesure de la fréquence ou de la "
            "facilité du contournement des garde-fous. Un 4 prévoit aussi comment la "
            "robustesse se dégradera à mesure que les attaques progressent.",
            "les garde-fous ne sont pas testés.",
            "des jailbreaks connus uniquement.",
            "un exercice structuré d'essais contradictoires (red teaming).",
            "des attaques adaptatives, avec mesure du contournement.",
            "comme 3, plus une prévision de la dégradation de la robustesse.",
        ),
        "PRP-1": _fr(
            "Profondeur proportionnée",
            "L'effort consenti (étendue des tâches, profondeur de l'accès au modèle, durée) "
            "correspond-il à la gravité et à la plausibilité du risque ?",
            "La proportionnalité joue dans les deux sens : un test superficiel d'un risque "
            "grave et plausible obtient une note basse, tout comme un effort important sur un "
            "risque que les auteurs eux-mêmes jugent peu plausible, à moins qu'ils n'en "
            "expliquent la raison. Un 4 indique ce qui a été arbitré et pourquoi.",
            "l'effort et le risque sont manifestement décalés.",
            "la correspondance est faiblement argumentée.",
            "l'effort correspond en partie au risque.",
            "le niveau d'effort est justifié.",
            "justifié, avec les arbitrages explicités.",
        ),
        "PRP-2": _fr(
            "Incertitude et limites",
            "L'évaluation énonce-t-elle ses hypothèses et ses limites, y compris une "
            "éventuelle élicitation insuffisante et la croissance des capacités après "
            "l'évaluation, sous une forme qui peut alimenter une marge de sécurité ?",
            "Des avertissements génériques valent un 1. Énumérer les limites spécifiques vaut "
            "un 2 ; les chiffrer (par exemple le gain attendu d'une élicitation plus poussée) "
            "vaut un 3. Un 4 nomme les conditions dans lesquelles les conclusions cesseraient "
            "d'être valables.",
            "aucune limite n'est indiquée.",
            "des formules toutes faites uniquement.",
            "les limites sont énumérées.",
            "les limites sont quantifiées.",
            "comme 3, plus les conditions dans lesquelles les conclusions ne tiendraient plus.",
        ),
        "TRN-1": _fr(
            "Reproductibilité",
            "D'autres pourraient-ils reproduire l'évaluation ? Le code, les données et "
            "l'environnement sont-ils disponibles publiquement ou, pour les contenus "
            "dangereux, de manière sécurisée pour le Bureau de l'IA ?",
            "Une description complète de la méthode sans les artefacts vaut un 2. Partager "
            "les artefacts par un canal sécurisé compte autant que les publier lorsque le "
            "contenu est dangereux. Un 4 exige une reproduction indépendante des résultats.",
            "rien n'est disponible.",
            "certaines parties de la méthode sont décrites.",
            "la méthode complète est décrite, sans les artefacts.",
            "les artefacts sont partagés, de manière sécurisée s'ils sont dangereux.",
            "les résultats ont été reproduits de manière indépendante.",
        ),
        "TRN-2": _fr(
            "Rapport et divulgation responsable",
            "Le rapport identifie-t-il le modèle et la version évalués, les paramètres et "
            "l'accès utilisés, présente-t-il des exemples d'entrées et de sorties et "
            "justifie-t-il toute occultation ?",
            "Vérifiez les éléments minimaux de STREAM (modèle, version, paramètres, "
            "élicitation, exemples) pour un 3 et la conformité complète à STREAM pour un 4. "
            "Le code demande au moins cinq exemples aléatoires d'entrées et de sorties par "
            "évaluation. Occulter un contenu dangereux ou commercialement sensible est "
            "acceptable lorsque c'est expliqué.",
            "on ne sait pas quel modèle a été évalué.",
            "le modèle est nommé.",
            "la version et les paramètres sont indiqués.",
            "le minimum STREAM est atteint, avec des exemples.",
            "conformité complète à STREAM.",
        ),
        "CND-1": _fr(
            "Accès, expertise et indépendance",
            "Dans quelles conditions l'évaluation a-t-elle été menée : les qualifications "
            "des évaluateurs, leur indépendance vis-à-vis du fournisseur, l'accès au modèle "
            "dont ils disposaient (boîte noire, grise ou blanche) et le temps disponible ?",
            "Le code attend des équipes qualifiées, un accès adapté à l'évaluation et, pour "
            "la plupart des évaluations, au moins 20 jours ouvrables. Un 3 exige "
            "l'indépendance et la communication de l'accès et du temps. Un 4 ajoute un accès "
            "en boîte grise ou blanche (par exemple logits, activations ou versions "
            "uniquement serviables) et au moins 20 jours ouvrables.",
            "les conditions ne sont pas communiquées.",
            "les conditions sont inadaptées aux affirmations formulées.",
            "les conditions sont adaptées aux affirmations formulées.",
            "indépendance, avec l'accès et le temps communiqués.",
            "indépendance, accès en boîte grise ou blanche, 20 jours ouvrables ou plus.",
        ),
    },
}

DE = {
    "title": "Verhältnismäßigkeitskriterien (vorgeschlagener Standard)",
    "description": (
        "Ein vorgeschlagener Ausgangspunkt für die Einstufung von Bewertungen von "
        "KI-Modellen mit allgemeinem Verwendungszweck mit systemischem Risiko. Er beruht "
        "auf dem Praxisleitfaden für KI mit allgemeinem Verwendungszweck (Kapitel Sicherheit "
        "und Gefahrenabwehr: Anhang 3 und Maßnahmen 3.2, 4.1 und 7.3), dem "
        "Berichtsstandard STREAM, Paskov et al. zur Sorgfalt von Bewertungen, BetterBench "
        "und dem Elicitation-Protokoll von METR. Er ist kein Text des Büros für Künstliche "
        "Intelligenz: Das Personal passt ihn für jeden Workshop an.\n"
        "Jedes Kriterium wird von 0 (fehlt) bis 4 (Stand der Technik) eingestuft, oder mit "
        "N/A und Begründung, wo das Kriterium es zulässt. Jede Einstufung braucht eine "
        "kurze Begründung."
    ),
    "groups": {
        "A": "Relevanz für systemische Risiken",
        "B": "Sorgfalt und Validität",
        "C": "Elicitation",
        "D": "Verhältnismäßigkeit",
        "E": "Transparenz",
        "F": "Bedingungen",
    },
    "criteria": {
        "REL-1": _de(
            "Relevanz für systemische Risiken",
            "Zielt die Bewertung auf ein spezifiziertes systemisches Risiko (CBRN, "
            "Kontrollverlust, Cyberoffensive, schädliche Manipulation) oder auf ein anderes "
            "von den Einreichenden benanntes Risiko? Gibt sie an, welche Risikoquellen sie "
            "untersucht (Fähigkeiten, Neigungen, Handlungsmöglichkeiten), und verknüpft sie "
            "ihre Messungen mit einem konkreten Risikoszenario?",
            "Achten Sie auf eine ausdrückliche Angabe des Risikos und des Szenarios, auf das "
            "sich die Ergebnisse beziehen. Eine Liste allgemeiner Schäden oder nur der Name "
            "eines Benchmarks ist kein Szenario. Für eine 4 begründen die Einreichenden auch, "
            "warum ihre Abdeckung des Risikos (Aufgaben, Bedrohungsakteure, Modalitäten) "
            "ausreicht.",
            "es wird kein Bezug zu einem systemischen Risiko hergestellt.",
            "nur ein allgemeiner Schaden wird erwähnt.",
            "das Risiko wird genannt, aber kein Szenario verbindet die Ergebnisse damit.",
            "das Risiko, die untersuchten Quellen und ein Szenario sind ausdrücklich angegeben.",
            "wie 3, und die gewählte Abdeckung und die Modalitäten sind begründet.",
        ),
        "REL-2": _de(
            "Entscheidungsrelevanz",
            "Können die Ergebnisse eine Entscheidung stützen? Gibt die Bewertung an, welche "
            "Ergebnisse eine Fähigkeit bestätigen oder ausschließen würden, vergleicht sie "
            "mit Referenzwerten und verknüpft sie ihre Ergebnisse mit den Stufen "
            "systemischen Risikos des Anbieters?",
            "Schwellenwerte, die nach Kenntnis der Ergebnisse gewählt wurden, sind post hoc "
            "(Stufe 2). Für eine 3 sind Schwellenwerte und Referenzwerte angegeben und "
            "erläutert. Für eine 4 wurden sie vor den Durchläufen festgelegt (zum Beispiel "
            "präregistriert), den Risikostufen zugeordnet und lassen eine Sicherheitsmarge "
            "für unzureichende Elicitation.",
            "nur Rohwerte, ohne Deutung ihrer Bedeutung.",
            "eine informelle Deutung der Werte.",
            "Schwellenwerte gibt es, sie wurden aber nach Sichtung der Ergebnisse festgelegt.",
            "Schwellenwerte und Referenzwerte werden vor der Deutung angegeben.",
            "präregistrierte Schwellenwerte, den Risikostufen mit Sicherheitsmarge zugeordnet.",
        ),
        "VAL-1": _de(
            "Interne Validität",
            "Kann man den Ergebnissen als Messungen vertrauen? Berücksichtigen Sie die "
            "statistische Auswertung und die Unsicherheit, die Kontrolle von Störfaktoren "
            "und von Kontamination der Testdaten, wiederholte Durchläufe und die Prüfung von "
            "Agentenverläufen oder Transkripten.",
            "Ein einzelner Durchlauf, als Punktschätzung berichtet, ist eine 0. Unsicherheit "
            "ohne jede Kontaminationskontrolle begrenzt die Punktzahl auf 2. Für eine 4 "
            "achten Sie auch auf eine Poweranalyse (war die Stichprobe groß genug für den "
            "interessierenden Effekt?) und auf Prüfungen, dass das Modell sich der Aufsicht "
            "nicht entzogen oder während der Bewertung absichtlich schlechter abgeschnitten "
            "hat.",
            "ein einzelner Durchlauf, keine Statistik.",
            "etwas Statistik, aber keine Behandlung der Unsicherheit.",
            "die Unsicherheit wird berichtet, aber die Kontamination nicht kontrolliert.",
            "Konfidenzintervalle, Wiederholungen, Kontaminationskontrolle und Prüfung der "
            "Verläufe.",
            "wie 3, dazu eine Poweranalyse und Prüfungen auf Umgehung der Aufsicht.",
        ),
        "VAL-2": _de(
            "Externe Validität",
            "Ist die Bewertungsumgebung dokumentiert, und wird ihr Abstand zum realen "
            "Einsatz analysiert? Bei Studien zur Leistungssteigerung von Menschen: Stehen "
            "die Teilnehmenden und Aufgaben für die maßgeblichen Bedrohungsakteure und "
            "Aufgaben?",
            "Die Beschreibung der Umgebung ergibt eine 2; die Analyse, wie sie sich vom "
            "Einsatz unterscheidet (Werkzeuge, Zugang, Schutzmaßnahmen, Nutzende), eine 3. "
            "Eine 4 erfordert Belege, dass sich die Ergebnisse übertragen lassen, etwa "
            "Felddaten, Vorfallsdaten oder einen validierten Ersatzindikator.",
            "die externe Validität wird nicht erörtert.",
            "Validität wird ohne Beleg behauptet.",
            "die Umgebung wird beschrieben.",
            "die Abweichung vom Einsatz wird analysiert.",
            "die Ergebnisse werden anhand realer oder indirekter Belege validiert.",
        ),
        "VAL-3": _de(
            "Messqualität",
            "Wie wurden die Testaufgaben erstellt und bewertet? Berücksichtigen Sie die "
            "Erstellung der Aufgaben, die bewertende Instanz (menschliche Fachleute oder ein "
            "Modell) und ihre Übereinstimmung mit anderen Bewertenden sowie die menschlichen "
            "Referenzwerte, mit denen das Modell verglichen wird.",
            "Aufgabenzahlen ohne Angabe, wie die Aufgaben erstellt oder bewertet wurden, sind "
            "eine 1. Eine 3 erfordert eine Qualitätskontrolle der Aufgaben, eine berichtete "
            "Übereinstimmung der Bewertenden (oder ein an Menschen geprüftes bewertendes "
            "Modell) und einen menschlichen Referenzwert. Eine 4 fügt eine Validierung der "
            "Aufgaben durch Fachleute und einen Referenzwert aus der maßgeblichen Population "
            "hinzu (zum Beispiel Fachleute des Gebiets statt Crowdworker).",
            "wie die Aufgaben erstellt und bewertet wurden, ist unbekannt.",
            "nur die Zahl der Aufgaben wird berichtet.",
            "das Bewertungsverfahren wird beschrieben.",
            "Qualitätskontrolle, Übereinstimmung der Bewertenden und ein menschlicher "
            "Referenzwert.",
            "von Fachleuten validierte Aufgaben und ein kalibrierter menschlicher Referenzwert.",
        ),
        "ELI-1": _de(
            "Elicitation von Fähigkeiten",
            "Bringt die Bewertung zum Vorschein, was das Modell tatsächlich kann, mit einem "
            "Aufwand, der den Akteuren, die es missbrauchen könnten, und seinem "
            "Einsatzkontext entspricht? Geht sie auf absichtliches Unterperformen "
            "(Sandbagging) ein?",
            "Nur Standard-Prompts sind eine 0. Werkzeuge, Gerüste oder zusätzliche "
            "Rechenleistung zur Testzeit ohne Begründung, warum es die richtigen sind, sind "
            "eine 2. Eine 3 passt die Elicitation an plausible Bedrohungsakteure an und "
            "analysiert Scheinfehler (Formatierung, Werkzeugfehler, Verweigerungen). Eine 4 "
            "testet auch eine feinabgestimmte oder die am wenigsten abgesicherte Version und "
            "prüft auf Sandbagging.",
            "nur der Standard-Prompt.",
            "spontane Prompts.",
            "Werkzeuge oder Gerüste, ohne Begründung.",
            "an Bedrohungsakteure angepasst, mit Analyse der Scheinfehler.",
            "wie 3, dazu Feinabstimmung oder die am wenigsten abgesicherte Version und "
            "Prüfungen auf Sandbagging.",
        ),
        "ELI-2": _de(
            "Robustheit der Minderungsmaßnahmen",
            "Wurden die Schutzmaßnahmen des Modells oder Systems unter gegnerischem Druck "
            "getestet, etwa durch Jailbreaks und Angriffe durch Feinabstimmung, und wie gut "
            "haben sie standgehalten?",
            "Wählen Sie N/A mit Begründung, wenn die Bewertung bewusst Fähigkeiten ohne "
            "Schutzmaßnahmen misst. Das Wiederholen veröffentlichter Jailbreaks ist eine 1. "
            "Eine 3 erfordert Angriffe, die sich an die Abwehr anpassen, und ein Maß dafür, "
            "wie oft oder wie leicht Schutzmaßnahmen umgangen werden. Eine 4 prognostiziert "
            "zudem, wie die Robustheit mit besseren Angriffen nachlässt.",
            "die Schutzmaßnahmen werden nicht getestet.",
            "nur bekannte Jailbreaks.",
            "strukturierte Angriffstests (Red-Teaming).",
            "adaptive Angriffe, mit gemessener Umgehung.",
            "wie 3, dazu eine Prognose, wie die Robustheit nachlässt.",
        ),
        "PRP-1": _de(
            "Verhältnismäßige Tiefe",
            "Entspricht der Aufwand (Breite der Aufgaben, Tiefe des Modellzugangs, Zeit) "
            "der Schwere und Plausibilität des Risikos?",
            "Verhältnismäßigkeit wirkt in beide Richtungen: Ein oberflächlicher Test eines "
            "schweren, plausiblen Risikos erhält eine niedrige Punktzahl, ebenso ein hoher "
            "Aufwand für ein Risiko, das die Einreichenden selbst für unplausibel halten, es "
            "sei denn, sie begründen es. Eine 4 legt dar, was abgewogen wurde und warum.",
            "Aufwand und Risiko passen offensichtlich nicht zusammen.",
            "die Passung ist schwach begründet.",
            "der Aufwand entspricht teilweise dem Risiko.",
            "der Umfang des Aufwands ist begründet.",
            "begründet, mit ausdrücklich dargelegten Abwägungen.",
        ),
        "PRP-2": _de(
            "Unsicherheit und Grenzen",
            "Nennt die Bewertung ihre Annahmen und Grenzen, einschließlich möglicher "
            "unzureichender Elicitation und eines Zuwachses an Fähigkeiten nach der "
            "Bewertung, in einer Form, die in eine Sicherheitsmarge einfließen kann?",
            "Allgemeine Haftungsausschlüsse sind eine 1. Die konkreten Grenzen aufzuzählen "
            "ist eine 2; sie zu beziffern (zum Beispiel den erwarteten Gewinn durch stärkere "
            "Elicitation) ist eine 3. Eine 4 nennt die Bedingungen, unter denen die "
            "Schlussfolgerungen nicht mehr gelten würden.",
            "es werden keine Grenzen angegeben.",
            "nur Standardformulierungen.",
            "die Grenzen werden aufgezählt.",
            "die Grenzen werden beziffert.",
            "wie 3, dazu die Bedingungen, unter denen die Schlussfolgerungen nicht mehr gelten.",
        ),
        "TRN-1": _de(
            "Reproduzierbarkeit",
            "Könnten andere die Bewertung reproduzieren? Sind Code, Daten und Umgebung "
            "öffentlich verfügbar oder, bei gefährlichem Material, auf sicherem Weg für das "
            "Büro für Künstliche Intelligenz?",
            "Eine vollständige Beschreibung der Methode ohne Artefakte ist eine 2. Artefakte "
            "über einen sicheren Kanal bereitzustellen zählt bei gefährlichem Material so "
            "viel wie ihre Veröffentlichung. Eine 4 erfordert eine unabhängige Reproduktion "
            "der Ergebnisse.",
            "nichts ist verfügbar.",
            "Teile der Methode werden beschrieben.",
            "die vollständige Methode wird beschrieben, ohne Artefakte.",
            "Artefakte werden bereitgestellt, bei Gefährlichkeit auf sicherem Weg.",
            "die Ergebnisse wurden unabhängig reproduziert.",
        ),
        "TRN-2": _de(
            "Berichterstattung und verantwortungsvolle Offenlegung",
            "Nennt der Bericht das bewertete Modell und seine Version, die verwendeten "
            "Einstellungen und den Zugang, zeigt er Beispiele für Ein- und Ausgaben und "
            "begründet er jede Schwärzung?",
            "Prüfen Sie für eine 3 die Mindestangaben von STREAM (Modell, Version, "
            "Einstellungen, Elicitation, Beispiele) und für eine 4 die vollständige "
            "Einhaltung von STREAM. Der Praxisleitfaden verlangt mindestens fünf zufällige "
            "Ein-/Ausgabebeispiele pro Bewertung. Gefährliche oder geschäftlich sensible "
            "Inhalte zu schwärzen ist zulässig, wenn es erläutert wird.",
            "es ist unklar, welches Modell bewertet wurde.",
            "das Modell wird genannt.",
            "Version und Einstellungen werden angegeben.",
            "das STREAM-Minimum ist erfüllt, mit Beispielen.",
            "vollständige Einhaltung von STREAM.",
        ),
        "CND-1": _de(
            "Zugang, Fachwissen und Unabhängigkeit",
            "Unter welchen Bedingungen wurde die Bewertung durchgeführt: die Qualifikation "
            "der Bewerter, ihre Unabhängigkeit vom Anbieter, ihr Zugang zum Modell (Black-, "
            "Grey- oder White-Box) und die verfügbare Zeit?",
            "Der Praxisleitfaden erwartet qualifizierte Teams, einen der Bewertung "
            "angemessenen Zugang und für die meisten Bewertungen mindestens 20 Arbeitstage. "
            "Eine 3 erfordert Unabhängigkeit und die Offenlegung von Zugang und Zeit. Eine 4 "
            "fügt Grey- oder White-Box-Zugang hinzu (zum Beispiel Logits, Aktivierungen oder "
            "nur auf Hilfsbereitschaft trainierte Versionen) und mindestens 20 Arbeitstage.",
            "die Bedingungen werden nicht offengelegt.",
            "die Bedingungen sind für die getroffenen Aussagen unzureichend.",
            "die Bedingungen sind für die getroffenen Aussagen angemessen.",
            "unabhängig, mit offengelegtem Zugang und offengelegter Zeit.",
            "unabhängig, Grey- oder White-Box-Zugang, 20 Arbeitstage oder mehr.",
        ),
    },
}


def default_translations() -> dict[str, dict]:
    """The default set's French and German texts (a fresh copy each time)."""
    return {"fr": copy.deepcopy(FR), "de": copy.deepcopy(DE)}
