"""The one error type of docparse.

Every reason a document cannot be read is a :class:`ParseError` carrying a Chinese and an
English message and, where it helps, a location (file, line).  ``str(error)`` is a single
line, which is what the command line prints on stderr before exiting with status 2.

The messages are constants so that callers and tests can compare them exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

# Limits.  A provincial work plan is 10–100 KB of text; a whole year's set of plans is a few
# MB.  Anything above these is not a plan but a mistake (a dump, a scanned book, a video),
# and reading it would only make the caller wait.
MAX_FILE_BYTES = 20 * 1024 * 1024  # 20 MiB on disk (.docx/.pdf carry images and fonts)
MAX_TEXT_CHARS = 5_000_000  # 5 million characters of text once decoded / extracted

# (Chinese, English) message pairs.
EMPTY = ("文件为空", "file is empty")
NOT_FOUND = ("文件不存在或无法读取", "file not found or not readable")
BINARY = ("文件是二进制数据，不是文本", "binary data, not text")
UNDECODABLE = (
    "无法识别文字编码（应为 UTF-8 或 GB18030/GBK）",
    "undecodable text (expected UTF-8 or GB18030/GBK)",
)
TOO_LARGE = ("文件过大（上限 {limit}）", "file too large (limit {limit})")
NO_TEXT_LAYER = ("PDF 没有文字层，需要先做文字识别（OCR）", "no text layer: needs OCR")
BAD_PDF = ("PDF 文件损坏，无法读取", "damaged PDF, cannot be read")
ENCRYPTED_PDF = ("PDF 已加密，无法读取", "encrypted PDF, cannot be read")
BAD_DOCX = ("Word 文件损坏，无法读取", "damaged .docx, cannot be read")
LEGACY_DOC = (
    "不支持旧版 Word（.doc）或其他 OLE 文件，请另存为 .docx",
    "legacy .doc/OLE files are not supported: save as .docx",
)
UNSUPPORTED_ZIP = (
    "压缩文件不是 Word（.docx）或 Excel（.xlsx）文档",
    "zip archive that is not a .docx or .xlsx document",
)
BAD_XLSX = ("Excel 文件损坏，无法读取", "damaged .xlsx, cannot be read")
TABLE_HEADER = (
    "无法识别表头：找到的列为“{columns}”；任务分工表需要任务列（重点任务/具体措施/工作内容）"
    "和牵头单位列（牵头单位/责任单位/主责单位）",
    "table header not understood: columns found are “{columns}”; a division-of-labour table needs a task "
    "column (重点任务/具体措施/工作内容) and a lead-unit column (牵头单位/责任单位/主责单位)",
)
NO_STRUCTURE = (
    "未找到可识别的结构（没有“一、”“（一）”“1.”等编号的章节或条目）",
    "no recognisable structure (no numbered sections or items)",
)


@dataclass(frozen=True)
class Location:
    """Where a problem is: a file and, when known, a 1-based line of the extracted text."""

    path: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        if self.path and self.line:
            return f"{self.path}:{self.line}"
        if self.line:
            return f"line {self.line}"
        return self.path or ""


class ParseError(Exception):
    """A document that cannot be turned into a plan.

    ``zh`` and ``en`` are the reason in Chinese and English; ``location`` says where.
    """

    def __init__(self, message: tuple[str, str], location: Location | None = None, **fmt: object):
        zh, en = message
        self.zh = zh.format(**fmt)
        self.en = en.format(**fmt)
        self.location = location or Location()
        super().__init__(str(self))

    def __str__(self) -> str:
        where = str(self.location)
        text = f"{self.zh} / {self.en}"
        line = f"{where}: {text}" if where else text
        return " ".join(line.split())  # always one line, whatever a path contains
