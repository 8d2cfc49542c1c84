from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

#: Human names of this app's audit actions (see ``core.audit.register_action_labels``).
AUDIT_LABELS = {
    "programme.create": _("programme created"),
    "programme.update": _("programme changed"),
    "programme.join": _("agency joined the programme"),
    "programme.leave": _("agency left the programme"),
    "programme.targets_add": _("target units added"),
    "programme.target_remove": _("target unit removed"),
    "project.start": _("project started"),
    "project.update": _("project changed"),
    "project.transition": _("stage changed"),
    "project.document_add": _("document added"),
    "project.document_remove": _("document removed"),
    "project.components": _("core components assessed"),
    "project.adaptation_add": _("adaptation recorded"),
    "project.adaptation_remove": _("adaptation removed"),
    "project.form_decision": _("form of replication decided"),
    "project.comment": _("comment added"),
    "project.link_request": _("replica link requested"),
    "project.link_answer": _("replica link answered"),
    "project.link_replica": _("replica linked"),
    "session.create": _("facilitation session recorded"),
    "commitment.create": _("commitment recorded"),
    "commitment.update": _("commitment updated"),
    "commitment.fulfil": _("commitment fulfilled by the project's stage"),
}


class ReplicationConfig(AppConfig):
    name = "lumbung.replication"
    label = "replication"
    verbose_name = _("Replication and scaling up")

    def ready(self) -> None:
        from . import gates, notices, policies  # noqa: F401  (registers the policies)

        gates.check_configuration()
        notices.register()  # the kinds of notification about replication work

        from lumbung.core.audit import register_action_labels

        register_action_labels(AUDIT_LABELS)

        from lumbung.catalog import related as catalog_related

        from . import related

        # an innovation's page links to what this app has about it
        catalog_related.register("replication", related.innovation_related)
