"""Indonesian: "5 Agu 2024", "5 Agu 2024, 09.30" (the three-letter month, never "Sep.")."""

DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H.i"
TIME_FORMAT = "H.i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "d-m-Y"
SHORT_DATETIME_FORMAT = "d-m-Y H.i"
# numbers and the formats of input: Django's own (django/conf/locale/id/formats.py)
