"""The project's date formats per language (settings.FORMAT_MODULE_PATH), on top of Django's.

Pages name a format (`|date:"DAY_FORMAT"`) instead of writing a Danish pattern such as
"l j. F", so the English pages read "Friday 27 November" and the Danish "fredag 27. november".
"""
