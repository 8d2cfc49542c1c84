from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

#: Human names of this app's audit actions (see ``core.audit.register_action_labels``).
AUDIT_LABELS = {
    "round.create": _("competition round created"),
    "round.copy": _("competition round copied from an earlier one"),
    "round.open": _("competition round opened"),
    "round.configure": _("competition round set up"),
    "round.publish": _("competition results published"),
    "entry.create": _("competition entry started"),
    "entry.update": _("competition entry changed"),
    "entry.send": _("competition entry sent to the agency"),
    "entry.return": _("competition entry returned to the unit"),
    "entry.submit": _("competition entry submitted to the organiser"),
    "entry.check": _("administrative check recorded"),
    "entry.withdraw": _("competition entry withdrawn"),
    "entry.feed": _("entry carried over from the internal selection"),
    "entry.document_add": _("document added to the entry"),
    "entry.document_remove": _("document removed from the entry"),
    "judge.add": _("judge added to the pool"),
    "judge.remove": _("judge taken out of the pool"),
    "judge.conflict": _("conflict of interest declared"),
    "stage.assign": _("judges assigned"),
    "stage.close": _("stage closed and ranked"),
    "assignment.create": _("judge assigned by hand"),
    "assignment.delete": _("assignment removed"),
    "assignment.submit": _("scores submitted"),
    "objection.raise": _("objection raised"),
    "consensus.propose": _("panel scores proposed"),
    "consensus.confirm": _("panel scores agreed"),
    "objection.resolve": _("objection resolved"),
}


class CompetitionsConfig(AppConfig):
    name = "lumbung.competitions"
    label = "competitions"
    verbose_name = _("Competitions")

    def ready(self) -> None:
        from lumbung.core.audit import register_action_labels

        from . import notices, policies  # noqa: F401  (policies: registers them)

        register_action_labels(AUDIT_LABELS)
        notices.register()  # the kinds of notification about competitions
