"""Time refusing a Word document of very many short paragraphs under the unzipped-size
check (by default 95 MB of them in a 318 KB file), and the peak memory it takes.

    .venv/bin/python manage.py benchmark_import
    .venv/bin/python manage.py benchmark_import --baseline   # also builds it all, as before

With ``--baseline`` it also times building the whole document in memory, as reading
did before the streaming count (minutes, and more than a gigabyte), and prints the
ratio of the two in the same process.
"""

import resource
import time

from django.core.management.base import BaseCommand

from findings.documents import DocumentError, extract_text
from findings.large_documents import docx_of_short_paragraphs


def peak_megabytes():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Command(BaseCommand):
    help = "Time refusing a small Word document of very many short paragraphs."

    def add_arguments(self, parser):
        parser.add_argument("--megabytes", type=int, default=95)
        parser.add_argument("--baseline", action="store_true")

    def handle(self, *args, megabytes, baseline, **options):
        data, count = docx_of_short_paragraphs(megabytes * 1024 * 1024)
        self.stdout.write(f"file: {len(data) / 1024:.0f} KB, {count:,} paragraphs")
        before = peak_megabytes()
        started = time.perf_counter()
        try:
            extract_text("letter.docx", data)
            outcome = "read"
        except DocumentError as error:
            outcome = f"refused: {error.message}"
        streamed = time.perf_counter() - started
        self.stdout.write(
            f"streamed count: {streamed:.3f} s, peak memory {peak_megabytes():.0f} MB "
            f"({before:.0f} MB before), {outcome}"
        )
        if baseline:
            import io

            import docx

            started = time.perf_counter()
            document = docx.Document(io.BytesIO(data))
            paragraphs = len(document.paragraphs)
            built = time.perf_counter() - started
            self.stdout.write(
                f"built in memory: {built:.1f} s, peak memory {peak_megabytes():.0f} MB, "
                f"{paragraphs:,} paragraphs; {built / streamed:,.0f} times the streamed count"
            )
