"""A small deterministic XML serializer for ElementTree trees, with CDATA sections.

ElementTree cannot write CDATA; Moodle XML wants HTML question text in CDATA.
Text wrapped in `CData` is written as a CDATA section (any `]]>` inside is split
across two sections); everything else is escaped. Attributes keep insertion order.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape, quoteattr


class CData(str):
    """Element text to be written as <![CDATA[...]]>."""


def cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _write(el: ET.Element, out: list[str], depth: int, indent: str) -> None:
    pad = "\n" + indent * depth
    attrs = "".join(f" {k}={quoteattr(str(v))}" for k, v in el.attrib.items())
    out.append(f"{pad}<{el.tag}{attrs}")
    text = el.text
    if text is None and len(el) == 0:
        out.append("/>")
        return
    out.append(">")
    if text is not None:
        out.append(cdata(text) if isinstance(text, CData) else escape(text))
    for child in el:
        _write(child, out, depth + 1, indent)
    if len(el):
        out.append(pad)
    out.append(f"</{el.tag}>")


def tostring(root: ET.Element, indent: str = "  ") -> bytes:
    out: list[str] = ['<?xml version="1.0" encoding="UTF-8"?>']
    _write(root, out, 0, indent)
    return ("".join(out) + "\n").encode("utf-8")


def sub(parent: ET.Element, tag: str, text: str | None = None, **attrib) -> ET.Element:
    el = ET.SubElement(parent, tag, {k: str(v) for k, v in attrib.items()})
    if text is not None:
        el.text = text
    return el
