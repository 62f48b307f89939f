"""Word documents far larger inside than out, built in memory for the import tests
and the import benchmark: very many short paragraphs, which zip down to almost
nothing (the 95 MB of paragraphs in a 300 KB file that once took minutes and
1.5 GB to refuse)."""

import io
import zipfile

SHORT_PARAGRAPH = b"<w:p><w:r><w:t>Short line.</w:t></w:r></w:p>"
WORD_BODY_START = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    b"<w:body>"
)
WORD_BODY_END = b"</w:body></w:document>"


def docx_of_short_paragraphs(body_bytes):
    """A .docx whose body is ``body_bytes`` of short paragraphs, and its paragraph count."""
    import docx

    template = io.BytesIO()
    docx.Document().save(template)
    count = body_bytes // len(SHORT_PARAGRAPH)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(template) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target,
    ):
        for item in source.infolist():
            if item.filename != "word/document.xml":
                target.writestr(item, source.read(item.filename))
        body = zipfile.ZipInfo("word/document.xml")
        body.compress_type = zipfile.ZIP_DEFLATED
        with target.open(body, "w") as stream:
            stream.write(WORD_BODY_START)
            batch = SHORT_PARAGRAPH * 10_000
            for _ in range(count // 10_000):
                stream.write(batch)
            stream.write(SHORT_PARAGRAPH * (count % 10_000))
            stream.write(WORD_BODY_END)
    return out.getvalue(), count
