"""Corrections to Django's own Indonesian catalog.

Django 5.2's Indonesian translation says the opposite of some of its messages — a duplicate is
reported as "… ini tidak ada" ("does not exist") — and uses the non-standard "rubah" for "ubah".
Marking the messages here puts them in our catalog (``locale/id``), which Django reads before its
own (``LOCALE_PATHS`` come first), so our wording wins wherever Django shows them: model
validation of unique constraints, the admin.
"""

from django.utils.translation import gettext_noop

CORRECTED = (
    gettext_noop("%(model_name)s with this %(field_labels)s already exists."),
    gettext_noop("Change or view list link"),
    gettext_noop("After you’ve created a user, you’ll be able to edit more user options."),
)
