"""Evidence files: the type is decided by the content, never by the name."""

from django.utils.translation import gettext_lazy as _

from duban.core.errors import InvalidInput

MAX_BYTES = 20 * 1024 * 1024
TOO_BIG = _("The file is larger than 20 MB.")
EMPTY = _("The file is empty.")
NOT_ALLOWED = _("“%(name)s” is not an allowed evidence file (PDF, Word, Excel, an image or plain text).")
DISGUISED = _(
    "“%(name)s” is named like a %(ext)s file but its content is something else. Nothing was uploaded."
)

# extension → the content types that may carry it
EXTENSIONS = {
    "pdf": {"application/pdf"},
    "png": {"image/png"},
    "jpg": {"image/jpeg"},
    "jpeg": {"image/jpeg"},
    "docx": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
    "xlsx": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    "pptx": {"application/vnd.openxmlformats-officedocument.presentationml.presentation"},
    "doc": {"application/msword"},
    "xls": {"application/vnd.ms-excel"},
    "txt": {"text/plain"},
}


def _ooxml(data: bytes) -> str | None:
    import io
    import zipfile

    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except zipfile.BadZipFile:
        return None
    if "[Content_Types].xml" not in names:
        return None
    if any(n.startswith("word/") for n in names):
        return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    if any(n.startswith("xl/") for n in names):
        return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    if any(n.startswith("ppt/") for n in names):
        return "application/vnd.openxmlformats-officedocument.presentationml.presentation"
    return None


def sniff(data: bytes) -> str | None:
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"PK\x03\x04"):
        return _ooxml(data)
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "application/x-ole"  # .doc or .xls: the extension decides which
    if b"\x00" not in data[:8192]:
        for enc in ("utf-8", "gb18030"):
            try:
                data[:65536].decode(enc)
                return "text/plain"
            except UnicodeDecodeError:
                continue
    return None


def check_upload(name: str, data: bytes) -> str:
    """The content type to store, or InvalidInput with a Chinese message."""
    if len(data) > MAX_BYTES:
        raise InvalidInput(TOO_BIG)
    if not data:
        raise InvalidInput(EMPTY)
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    allowed = EXTENSIONS.get(ext)
    if allowed is None:
        raise InvalidInput(NOT_ALLOWED, params={"name": name})
    found = sniff(data)
    if found == "application/x-ole" and ext in ("doc", "xls"):
        found = next(iter(allowed))
    if found not in allowed:
        raise InvalidInput(DISGUISED, params={"name": name, "ext": ext.upper()}, code="disguised")
    return found
