"""English: "Aug 5, 2024", "Aug 5, 2024, 09:30" (the three-letter month, never "Sept.")."""

DATE_FORMAT = "M j, Y"
DATETIME_FORMAT = "M j, Y, H:i"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "F j"
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
# the rest (numbers, the formats of input): Django's own (django/conf/locale/en/formats.py)
