"""Uploaded files, handled once for every app that keeps them.

* :mod:`.validation` — what a file is, read from its first bytes and then checked whole (a PDF
  parsed with pypdf, an image verified by Pillow within a pixel limit), and whether it may be kept;
* :mod:`.models` — :class:`~.models.StoredUpload`, the abstract model of a kept upload;
* :mod:`.storage` — :func:`~.storage.store_upload` and :func:`~.storage.delete_stored`, which
  tie the file on disk to the transaction that writes or deletes its row;
* :mod:`.responses` — :func:`~.responses.file_response`, which serves a kept upload with safe
  headers (the caller has checked permission first).
"""
