"""Plain-language help for every field of the guided form; the model's help is for the board."""

from typing import Final

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

HELP: Final[dict[str, Promise]] = {
    "title": _("Ein kurzer, sprechender Name, z. B. „Vorprüfung von Wohngeldanträgen“."),
    "short_description": _(
        "Zwei bis drei Sätze in einfacher Sprache, höchstens 400 Zeichen. "
        "Dieser Text erscheint im öffentlichen Register."
    ),
    "purpose": _("Welches Problem löst der Einsatz, und was soll besser werden?"),
    "status": _("Wie weit ist das Vorhaben? Eine Idee kann später geändert werden."),
    "start_date": _("Wann begann oder beginnt der Einsatz? Leer lassen, wenn offen."),
    "end_date": _("Nur ausfüllen, wenn der Einsatz befristet ist."),
    "department": _("Der Fachbereich, der den Einsatz verantwortet und den Eintrag pflegt."),
    "responsible_role": _(
        "Eine Funktion, kein Personenname, z. B. „Sachgebietsleitung Wohngeld“. "
        "So bleibt der Eintrag auch bei Personalwechsel richtig."
    ),
    "technical_contact": _(
        "Wer kümmert sich um den Betrieb? Eine Funktion oder ein Team, "
        "z. B. „IT-Service Team Fachverfahren“."
    ),
    "public_contact_email": _(
        "Ein Funktionspostfach für Fragen von Bürgerinnen und Bürgern, keine persönliche Adresse. "
        "Leer gelassen, gilt die Adresse der Kommune."
    ),
    "legal_basis_explanation": _(
        "Erklären Sie in ein, zwei Sätzen, warum diese Vorschriften die Verarbeitung erlauben."
    ),
    "law": _("Das Gesetz, z. B. DSGVO, SGB X, BauGB."),
    "provision": _("Artikel oder Paragraf, z. B. „Art. 6 Abs. 1 lit. e“ oder „§ 67“."),
    "url": _("Optional: ein Link zum Gesetzestext, z. B. auf gesetze-im-internet.de."),
    "processes_personal_data": _(
        "Ja, sobald sich Daten auf einen bestimmten Menschen beziehen lassen, "
        "auch über ein Aktenzeichen."
    ),
    "processes_special_categories": _(
        "Gesundheit, Herkunft, Religion, politische Meinung, Gewerkschaft, Sexualleben, "
        "genetische oder biometrische Daten (Art. 9 DSGVO)."
    ),
    "data_categories": _("Welche Arten von Daten? z. B. Name, Anschrift, Einkommen, Antragsdaten."),
    "retention": _("Wie lange werden die Daten gespeichert? z. B. „6 Monate nach Bescheid“."),
    "name": _("Woher kommen die Daten? z. B. „Antragsformular“ oder „Fachverfahren Wohngeld“."),
    "register": _(
        "Wird ein Register genutzt, z. B. Melderegister oder Gewerberegister? "
        "Leer lassen, wenn nicht."
    ),
    "description": _("Optional: kurze Erläuterung."),
    "ai_system": _(
        "Wählen Sie ein KI-System, das Ihre Kommune schon erfasst hat. Gibt es das System noch "
        "nicht, tragen Sie es darunter neu ein."
    ),
    "interfaces": _("An welche Fachverfahren ist das System angebunden? Leer lassen, wenn keine."),
    "complements_rpa": _("Ergänzt das System eine Software-Automatisierung (RPA)?"),
    "residual_risk_note": _(
        "Was kann trotz aller Vorkehrungen schiefgehen, und wie schätzen Sie das ein?"
    ),
    "oversight_mode": _(
        "Gibt ein Mensch jedes Ergebnis frei, überwacht er den Betrieb, oder steuert er nur den "
        "Einsatz insgesamt?"
    ),
    "oversight_role": _(
        "Welche Funktion beaufsichtigt das System? z. B. „Sachbearbeitung Wohngeld“."
    ),
    "oversight_can_override": _("Kann die Aufsicht ein Ergebnis ändern oder verwerfen?"),
    "oversight_can_stop": _("Kann die Aufsicht das System jederzeit anhalten?"),
    "objection_procedure": _(
        "Wie können Betroffene widersprechen oder verlangen, dass ein Mensch ihren Fall prüft?"
    ),
    "output_sampling": _(
        "Wie oft werden Ergebnisse stichprobenartig geprüft? z. B. „5 % wöchentlich“."
    ),
    "dpia_status": _(
        "Die Datenschutz-Folgenabschätzung (DSFA) ist nötig, wenn die Verarbeitung "
        "voraussichtlich ein hohes Risiko für Betroffene hat. Fragen Sie im Zweifel die DSB."
    ),
    "dpia_date": _("Datum des Abschlusses,"),
    "dpia_reference": _("Aktenzeichen, Dokumentname oder Link."),
    "dpia_not_needed_reason": _("Nur nötig, wenn keine DSFA erforderlich ist: Warum nicht?"),
    "fria_status": _(
        "Vor dem ersten Einsatz eines Hochrisiko-Systems müssen Behörden die Folgen für die "
        "Grundrechte abschätzen (Art. 27 KI-VO)."
    ),
    "fria_date": _("Datum des Abschlusses,"),
    "fria_reference": _("Aktenzeichen, Dokumentname oder Link."),
    "security_concept_status": _(
        "Gibt es ein Informationssicherheitskonzept für das System? Fragen Sie im Zweifel den ISB."
    ),
    "security_concept_date": _("Datum des Konzepts,"),
    "security_concept_reference": _("Aktenzeichen, Dokumentname oder Link."),
    "monitors_staff": _(
        "Ja, wenn das System geeignet ist, Verhalten oder Leistung der Beschäftigten zu "
        "überwachen – auch wenn das nicht beabsichtigt ist. Dann ist der Personalrat zu beteiligen."
    ),
    "staff_council_status": _("Wie ist der Stand der Beteiligung des Personalrats?"),
    "staff_council_date": _("Wann wurde der Personalrat beteiligt?"),
    "service_agreement": _("Name oder Aktenzeichen der Dienstvereinbarung, falls es eine gibt."),
    "leika_key": _("14 Ziffern aus dem Leistungskatalog (LeiKa), z. B. 99102011000000."),
    "service_name": _("Optional: die Bezeichnung der Leistung, z. B. „Wohngeld beantragen“."),
    "yearly_case_volume": _("Ungefähr wie viele Fälle im Jahr? Eine Schätzung genügt."),
    "rule_clarity": _("Wie klar sind die Regeln, nach denen die Fälle bearbeitet werden?"),
    "input_structure": _("Wie gut lassen sich die Eingaben in feste Felder bringen?"),
    "review_interval_months": _(
        "Alle wie viele Monate soll der Einsatz überprüft werden? "
        "Üblich: 12 bei hohem Risiko, sonst 24."
    ),
    "next_review_date": _("Wann ist die nächste Überprüfung fällig?"),
    "is_published": _(
        "Nach der Freigabe erscheint der Eintrag im öffentlichen Register. Abwählen nur mit gutem "
        "Grund, etwa Sicherheit."
    ),
    "policy_area": _("In welchem Politikfeld wird das System eingesetzt? z. B. soziale Sicherung."),
    "benefit": _(
        "Was wird für Bürgerinnen, Bürger und die Verwaltung besser? "
        "z. B. kürzere Bearbeitungszeit."
    ),
    "previous_process": _("Wie wurde die Aufgabe bisher ohne das System erledigt?"),
    "alternatives_considered": _(
        "Welche anderen Lösungen wurden geprüft, auch ohne KI, und warum wurden sie verworfen?"
    ),
    "deployer_address": _(
        "Die Postanschrift der Kommune oder Dienststelle, die das System einsetzt. Sie erscheint "
        "im Register und im Eintrag für die EU-Datenbank."
    ),
    "deployer_representative": _(
        "Welche Stelle handelt für die Kommune, z. B. „Hauptamt, Digitalisierung“? "
        "Eine Funktion, kein Personenname."
    ),
    "training_data": _(
        "Mit welchen Daten wurde das System trainiert, angepasst oder getestet? "
        "Fragen Sie im Zweifel den Anbieter."
    ),
    "processing_register_reference": _(
        "Nummer oder Titel des Eintrags im Verzeichnis von Verarbeitungstätigkeiten "
        "(Art. 30 DSGVO)."
    ),
    "model_task": _("Was genau berechnet oder erzeugt das Modell? z. B. „ordnet Anträge zu“."),
    "model_inputs": _("Welche Eingaben bekommt das Modell?"),
    "model_outputs": _("Was gibt das Modell aus, z. B. einen Vorschlag mit Begründung?"),
    "model_version": _("Die Version des Modells oder Produkts, z. B. „2.3“."),
    "model_performance": _(
        "Wie gut arbeitet das Modell? z. B. „92 von 100 Zuordnungen im Test richtig“."
    ),
    "model_limitations": _("Wo liegen die bekannten Grenzen oder Fehlerquellen des Modells?"),
    "provider_eu_database_url": _(
        "Bei Hochrisiko-Systemen: der Link zum Eintrag des Anbieters in der EU-Datenbank."
    ),
    "source_code_url": _("Optional: ein Link zum Quellcode, wenn er offen ist."),
    "product_url": _("Optional: ein Link zur Produktbeschreibung des Anbieters."),
    "risks_and_mitigations": _(
        "Welche Risiken bestehen für Betroffene, und was tun Sie dagegen? "
        "Dieser Text ist öffentlich."
    ),
    "proportionality": _("Warum ist der Einsatz angemessen im Verhältnis zu seinem Zweck?"),
    "impact_on_affected": _("Was bedeutet der Einsatz für die Menschen, deren Fälle er betrifft?"),
    "dpia_summary": _(
        "Eine kurze Zusammenfassung der Datenschutz-Folgenabschätzung für die Öffentlichkeit."
    ),
    "fria_summary": _(
        "Eine kurze Zusammenfassung der Grundrechte-Folgenabschätzung für die Öffentlichkeit "
        "und die EU-Datenbank."
    ),
    "open_data_licence": _(
        "Unter welcher Lizenz dürfen andere den veröffentlichten Eintrag weiterverwenden?"
    ),
    "field": _("Welche Angabe soll die Öffentlichkeit nicht sehen?"),
    "reason": _("Warum? z. B. „Angaben zum System würden Angriffe erleichtern.“"),
    "note": _(
        "Optional: Was haben Sie geändert und warum? Die Notiz wird mit der Änderung in der "
        "Historie gespeichert."
    ),
}
