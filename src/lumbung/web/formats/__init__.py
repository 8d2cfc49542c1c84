"""Date and time formats of Lumbung's languages (``FORMAT_MODULE_PATH``), read before Django's.

Django's own use the "N" month (Associated Press style), which in Indonesian mixes "Agu" and
"Sep." and in English "Aug." and "Sept."; ours use the three-letter month of both languages
("5 Agu 2024", "5 Sep 2024"; "Aug 5, 2024", "Sep 5, 2024") everywhere a date is shown.
"""
