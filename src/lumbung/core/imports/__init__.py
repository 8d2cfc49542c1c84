"""Imports run in the background: the uploaded file and its report kept as an
:class:`~.models.ImportJob`, the kinds of import the apps above offer (:mod:`.registry`), the
services that check, queue and run a job (:mod:`.services`), the background task (:mod:`.tasks`,
django-tasks) and its progress (:mod:`.progress`).

The apps that own the records register what they import (``catalog``: innovations;
``organisations``: units and people) in their ``AppConfig.ready()``; the web pages list the kinds
a person may import. Core knows none of them.
"""
