"""What parse_letter and parse_report share: read PATH, extract its text, print."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from findings.documents import DocumentError, extract_text


class DocumentCommand(BaseCommand):
    keys = ()

    def parse(self, text):
        raise NotImplementedError

    def add_arguments(self, parser):
        parser.add_argument("path", help="a .txt, .pdf or .docx file")
        parser.add_argument(
            "--json", action="store_true", help="print the fields as one JSON object"
        )

    def handle(self, *args, **options):
        path = Path(options["path"])
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}") from error
        try:
            text = extract_text(path.name, data)
        except DocumentError as error:
            raise CommandError(f"{path}: {error.message}") from error
        fields = self.parse(text)
        result = {key: fields[key] for key in self.keys}
        if options["json"]:
            self.stdout.write(json.dumps(result, indent=2, ensure_ascii=False))
        else:
            self.stdout.write(self.summary(result))

    def summary(self, result):
        lines = []
        for key, value in result.items():
            label = key.replace("_", " ").capitalize()
            if isinstance(value, dict):
                lines.append(f"{label}:")
                lines.extend(f"  {name}: {grade}" for name, grade in value.items())
                if not value:
                    lines[-1] += " (none found)"
            elif isinstance(value, list):
                lines.append(f"{label}: {len(value)}" if value else f"{label}: (none found)")
                lines.extend(
                    f"  {number}. {_shorten(item)}" for number, item in enumerate(value, start=1)
                )
            else:
                lines.append(f"{label}: {'(not found)' if value is None else value}")
        return "\n".join(lines)


def _shorten(text, width=100):
    return text if len(text) <= width else text[: width - 1].rstrip() + "\u2026"
