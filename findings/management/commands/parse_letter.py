from findings.letter_parser import LETTER_KEYS, parse_letter
from findings.management.commands._document_command import DocumentCommand


class Command(DocumentCommand):
    help = "Print the fields read from an Ofsted monitoring or focused visit letter."
    keys = LETTER_KEYS

    def parse(self, text):
        return parse_letter(text)
