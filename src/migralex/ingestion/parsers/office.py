"""DOCX (python-docx) and ODT (odfpy): paragraphs and tables in reading order, core title."""

from __future__ import annotations

import io

from migralex.ingestion.parsers import result


def parse_docx(data: bytes, options: dict) -> dict:
    import docx

    document = docx.Document(io.BytesIO(data))
    blocks = []
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            blocks.append(
                "".join(node.text or "" for node in child.iter() if node.tag.endswith("}t"))
            )
        elif tag == "tbl":
            for row in child.iter():
                if row.tag.endswith("}tr"):
                    cells = []
                    for cell in row.iterchildren():
                        if cell.tag.endswith("}tc"):
                            cells.append(
                                " ".join(
                                    n.text or "" for n in cell.iter() if n.tag.endswith("}t")
                                ).strip()
                            )
                    blocks.append(" | ".join(cells))
    props = document.core_properties
    metadata = {
        k: str(v)[:500]
        for k, v in {
            "author": props.author,
            "created": props.created,
            "modified": props.modified,
            "subject": props.subject,
        }.items()
        if v
    }
    text = "\n".join(blocks)
    title = (props.title or "").strip() or next((b.strip() for b in blocks if b.strip()), "")
    return result(title=title[:1000], text=text, metadata=metadata)


def parse_odt(data: bytes, options: dict) -> dict:
    from odf import teletype
    from odf.namespaces import TEXTNS
    from odf.opendocument import load

    document = load(io.BytesIO(data))
    blocks: list[str] = []
    # Walk the tree ourselves: getElementsByType would group headings apart from paragraphs.
    wanted = {(TEXTNS, "p"), (TEXTNS, "h")}

    def walk(element):
        for child in element.childNodes:
            if getattr(child, "qname", None) in wanted:
                blocks.append(teletype.extractText(child))
            elif getattr(child, "childNodes", None):
                walk(child)

    walk(document.text)
    title = ""
    for meta in document.meta.childNodes:
        if getattr(meta, "qname", (None, ""))[1] == "title":
            title = teletype.extractText(meta)
    title = title.strip() or next((b.strip() for b in blocks if b.strip()), "")
    return result(title=title[:1000], text="\n".join(blocks))
