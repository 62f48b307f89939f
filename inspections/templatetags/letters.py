from django import template

from inspections.letters import letter_html

register = template.Library()

# {{ visit.letter_text|letter }}: the letter's headings, paragraphs and lists as GOV.UK
# styles them, sanitised (inspections/letters.py).
register.filter("letter", letter_html)
