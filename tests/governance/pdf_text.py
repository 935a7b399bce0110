"""Reading the text and link targets of a PDF WeasyPrint made, for assertions; not a PDF parser."""

import re
import zlib

_OBJECT = re.compile(rb"(\d+) 0 obj\s*")
_LENGTH = re.compile(rb"/Length (\d+)")
_REF = re.compile(rb"/([A-Za-z0-9_.+-]+) (\d+) 0 R")
_TOUNICODE = re.compile(rb"/ToUnicode (\d+) 0 R")
_BFCHAR = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")
_BFRANGE = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")
_SHOW = re.compile(rb"/([A-Za-z0-9_.+-]+) [\d.]+ Tf|<([0-9A-Fa-f]*)>|(ET)")


def _objects(pdf: bytes) -> tuple[dict[int, bytes], dict[int, bytes]]:
    """Every object's dictionary and, for streams, its inflated data (object streams unpacked)."""
    heads: dict[int, bytes] = {}
    streams: dict[int, bytes] = {}
    position = 0
    while match := _OBJECT.search(pdf, position):
        number, start = int(match.group(1)), match.end()
        stream_at, end_at = pdf.find(b"stream", start), pdf.find(b"endobj", start)
        if 0 <= stream_at < end_at:
            head = pdf[start:stream_at]
            length = _LENGTH.search(head)
            data_at = (
                stream_at
                + len(b"stream")
                + (2 if pdf[stream_at + 6 : stream_at + 8] == b"\r\n" else 1)
            )
            raw = pdf[data_at : data_at + int(length.group(1))] if length else b""
            heads[number] = head
            streams[number] = zlib.decompress(raw) if b"/FlateDecode" in head else raw
            position = pdf.find(b"endobj", data_at + len(raw))
        else:
            heads[number] = pdf[start:end_at]
            position = end_at
        if position < start:
            break
    for number, head in list(heads.items()):
        if b"/ObjStm" in head and number in streams:
            data = streams[number]
            first = int(re.search(rb"/First (\d+)", head).group(1))
            pairs = data[:first].split()
            numbers, offsets = pairs[0::2], [int(o) for o in pairs[1::2]]
            for i, inner in enumerate(numbers):
                end = offsets[i + 1] if i + 1 < len(offsets) else len(data) - first
                heads[int(inner)] = data[first + offsets[i] : first + end]
    return heads, streams


def _cmap(data: bytes) -> dict[bytes, str]:
    glyphs: dict[bytes, str] = {}
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for low, high, start in _BFRANGE.findall(block):
            width = len(low) // 2
            for k in range(int(high, 16) - int(low, 16) + 1):
                code = (int(low, 16) + k).to_bytes(width, "big")
                glyphs[code] = chr(int(start, 16) + k)
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        for code, text in _BFCHAR.findall(block):
            glyphs[bytes.fromhex(code.decode())] = bytes.fromhex(text.decode()).decode("utf-16-be")
    return glyphs


def pdf_text(pdf: bytes) -> str:
    """The text a PDF shows, in content order; each text object on a line of its own."""
    heads, streams = _objects(pdf)
    fonts = {}
    for number, head in heads.items():
        if b"/ToUnicode" in head:
            fonts[number] = _cmap(streams[int(_TOUNICODE.search(head).group(1))])
    names = {
        name: fonts[int(number)]
        for head in heads.values()
        for name, number in _REF.findall(head)
        if int(number) in fonts
    }
    contents = {
        int(n)
        for head in heads.values()
        if b"/Type /Page" in head
        for n in re.findall(rb"/Contents (\d+) 0 R", head)
    }
    lines: list[str] = []
    for number in sorted(contents):
        glyphs: dict[bytes, str] = {}
        line = ""
        for font, shown, end in _SHOW.findall(streams[number]):
            if font:
                glyphs = names.get(font, {})
            elif end:
                lines.append(line)
                line = ""
            else:
                raw = bytes.fromhex(shown.decode())
                line += "".join(glyphs.get(raw[i : i + 2], "") for i in range(0, len(raw), 2))
    return "\n".join(lines)


def pdf_links(pdf: bytes) -> list[str]:
    """The targets of the PDF's link annotations."""
    heads, _streams = _objects(pdf)
    return [m.decode() for head in heads.values() for m in re.findall(rb"/URI \((.*?)\)", head)]


def pdf_structure_types(pdf: bytes) -> set[str]:
    """The types of the structure elements the PDF is tagged with (H1, Table, Link, …)."""
    heads, _streams = _objects(pdf)
    # Actions have an /S too ("/S /URI"); the few extra names do not matter for a subset test.
    return {kind.decode() for head in heads.values() for kind in re.findall(rb"/S /(\w+)", head)}


def pdf_font_names(pdf: bytes) -> set[str]:
    """The names of the fonts the PDF embeds, without the subset prefix ("ABCDEF+")."""
    heads, _streams = _objects(pdf)
    return {
        name.decode().split("+", 1)[-1]
        for head in heads.values()
        for name in re.findall(rb"/BaseFont\s*/([^\s/<>\[\]()]+)", head)
    }


def pdf_images(pdf: bytes) -> list[tuple[int, int]]:
    """The width and height of each image the PDF holds."""
    heads, _streams = _objects(pdf)
    sizes = []
    for head in heads.values():
        if re.search(rb"/Subtype\s*/Image", head):
            width = re.search(rb"/Width (\d+)", head)
            height = re.search(rb"/Height (\d+)", head)
            if width and height:
                sizes.append((int(width.group(1)), int(height.group(1))))
    return sizes
