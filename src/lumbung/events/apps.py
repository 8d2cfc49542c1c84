from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

#: Human names of this app's audit actions (see ``core.audit.register_action_labels``).
AUDIT_LABELS = {
    "event.create": _("event created"),
    "event.update": _("event changed"),
    "event.publish": _("event published"),
    "event.unpublish": _("event unpublished"),
    "event.invite": _("invitations sent"),
    "event.uninvite": _("invitation withdrawn"),
    "event.register": _("people registered"),
    "event.waitlist": _("people put on the wait-list"),
    "event.promote": _("registration promoted from the wait-list"),
    "event.cancel_registration": _("registration cancelled"),
    "event.check_in": _("attendance checked"),
    "event.check_in_undo": _("check-in taken back"),
    "event.intent": _("intent recorded"),
    "event.testimonial_add": _("testimonial added"),
    "event.testimonial_remove": _("testimonial removed"),
    "event.material_add": _("material added"),
    "event.material_remove": _("material removed"),
}


class EventsConfig(AppConfig):
    name = "lumbung.events"
    label = "events"
    verbose_name = _("Learning events")

    def ready(self) -> None:
        from . import notices, policies

        notices.register()  # the kinds of notification about learning events

        from lumbung.core.audit import register_action_labels

        register_action_labels(AUDIT_LABELS)

        from lumbung.catalog import related as catalog_related

        from . import related

        # an innovation's page links to what this app has about it
        catalog_related.register("events", related.innovation_related)

        from lumbung.replication.policies import register_origin_readers

        # the hosts and facilitators of an event follow the commitments made at it
        register_origin_readers("event", policies.managed_event_refs)
