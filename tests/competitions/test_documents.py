"""Required documents: a group asks for kinds of document (a signed statement for the
replication group); the unit uploads them on the entry page; the entry cannot be sent without
them; whoever reads the entry reads them, nobody else."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lumbung.competitions.models import Entry, EntryDocument
from lumbung.competitions.services import entries

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]"
    b"/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n"
    b"startxref\n0\n%%EOF\n"
)  # a real one-page PDF


def test_a_required_statement_is_uploaded_before_the_entry_is_sent(client, cw):
    cw.general.required_documents = ["statement"]
    cw.general.save()
    entry = entries.entry_create(
        actor=cw.officer, round_=cw.round, group=cw.general, innovation=cw.published
    )
    entries.entry_update(
        actor=cw.officer, entry=entry, answers={cw.general.sections.get().pk: "Ringkas."}
    )
    client.force_login(cw.officer)
    page = client.get(reverse("competitions:entry", args=[entry.pk])).content.decode()
    assert "Upload the signed statement." in page
    refused = client.post(
        reverse("competitions:entry", args=[entry.pk]),
        {f"section_{cw.general.sections.get().pk}": "Ringkas.", "send": "1"},
    )
    assert "Upload the signed statement." in refused.content.decode()
    assert Entry.objects.get(pk=entry.pk).state == Entry.State.DRAFT
    not_a_pdf = SimpleUploadedFile("surat.pdf", b"<html>bukan pdf</html>")
    client.post(
        reverse("competitions:document_add", args=[entry.pk]),
        {"kind": "statement", "file": not_a_pdf},
    )
    assert not EntryDocument.objects.exists()
    client.post(
        reverse("competitions:document_add", args=[entry.pk]),
        {
            "kind": "statement",
            "title": "Surat pernyataan",
            "file": SimpleUploadedFile("s.pdf", PDF),
        },
    )
    document = EntryDocument.objects.get()
    assert document.content_type == "application/pdf" and document.title == "Surat pernyataan"
    url = reverse("competitions:document", args=[entry.pk, document.pk])
    assert client.get(url).status_code == 200
    entries.entry_send(actor=cw.officer, entry=entry)
    assert Entry.objects.get(pk=entry.pk).state == Entry.State.AT_AGENCY
    removed = client.post(reverse("competitions:document_remove", args=[entry.pk, document.pk]))
    assert removed.status_code == 302 and EntryDocument.objects.count() == 1  # sent: kept
    for person in (cw.other_officer, cw.other_admin, cw.judge):
        client.force_login(person)
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 404
