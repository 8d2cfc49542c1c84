"""The upload form of the import page."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lumbung.core.files.sizes import file_size
from lumbung.core.imports.registry import ImportKind
from lumbung.core.imports.services import max_bytes, max_rows
from lumbung.core.pages import form_field

#: what the file chooser offers (the content decides: a zip is read as XLSX, anything else as CSV)
ACCEPT = (
    ".csv,.xlsx,.txt,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("What to import"), widget=forms.RadioSelect)
    file = forms.FileField(label=gettext_lazy("File (CSV or XLSX)"))

    def __init__(self, *args: Any, kinds: Sequence[ImportKind], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind = form_field(self, "kind", forms.ChoiceField)
        kind.choices = [(k.key, k.label) for k in kinds]
        if len(kinds) == 1:
            kind.initial = kinds[0].key
        upload = form_field(self, "file", forms.FileField)
        upload.widget.attrs["accept"] = ACCEPT
        upload.help_text = _(
            "A CSV saved as UTF-8 (comma, semicolon or tab) or an XLSX workbook (its first "
            "sheet), with a header row. At most %(size)s and %(rows)s rows."
        ) % {
            "size": file_size(max_bytes()),
            "rows": number_format(max_rows(), force_grouping=True),
        }

    def clean_file(self) -> bytes:
        upload: UploadedFile = self.cleaned_data["file"]
        limit = max_bytes()
        if upload.size is not None and upload.size > limit:
            raise forms.ValidationError(
                _("The file is too large (%(size)s); the limit is %(limit)s.")
                % {"size": file_size(upload.size), "limit": file_size(limit)}
            )
        self.filename = upload.name or ""
        return upload.read()
