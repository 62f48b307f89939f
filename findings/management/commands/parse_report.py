from findings.management.commands._document_command import DocumentCommand
from findings.report_parser import REPORT_KEYS, parse_report


class Command(DocumentCommand):
    help = "Print the fields read from an Ofsted inspection report (ILACS or SIF)."
    keys = REPORT_KEYS

    def parse(self, text):
        return parse_report(text)
