"""Canvas QTI 1.2: a zip with imsmanifest.xml and one assessment file.

Canvas reads the question type from itemmetadata `question_type`
(numerical_question / multiple_choice_question) and `points_possible`. Numeric
input is `response_str` with `render_fib fibtype="Decimal"`; the key is an
"exact answer with margin": `<or><varequal>x</varequal><and><vargte>lo</vargte>
<varlte>hi</varlte></and></or>` (without the exact form Canvas imports a range).
Canvas treats every scoring condition of a numerical question as a correct
answer, so mistakes cannot be listed as wrong answers there: their feedback goes
in the general incorrect feedback. Multiple choice is `response_lid` with one
`respcondition` per option for its feedback. HTML in `mattext` is escaped.

Deterministic: fixed timestamps (1980-01-01), sorted entries, fixed permissions.
"""
from __future__ import annotations

import hashlib
import io
import xml.etree.ElementTree as ET
import zipfile

from autograder.quiz.exporters.xmlwrite import sub, tostring
from autograder.quiz.model import Item, format_number, rounded
from autograder.quiz.render import escape, question_html

QTI_NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
QTI_SCHEMA = ("http://www.imsglobal.org/xsd/ims_qtiasiv1p2 "
              "http://www.imsglobal.org/xsd/ims_qtiasiv1p2p1.xsd")
CP_NS = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
RESPONSE = "response1"


def _ident(text: str) -> str:
    """A stable XML-safe identifier derived from text."""
    return "g" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def _mattext(parent, html: str) -> None:
    material = sub(parent, "material")
    sub(material, "mattext", html, texttype="text/html")


def _metadata(item_el, fields: list[tuple[str, str]]) -> None:
    md = sub(sub(item_el, "itemmetadata"), "qtimetadata")
    for label, entry in fields:
        f = sub(md, "qtimetadatafield")
        sub(f, "fieldlabel", label)
        sub(f, "fieldentry", entry)


def _itemfeedback(item_el, ident: str, html: str) -> None:
    fb = sub(item_el, "itemfeedback", ident=ident)
    _mattext(sub(fb, "flow_mat"), html)


def _num(value, decimals: int) -> str:
    return format_number(rounded(value, decimals), decimals)


def qti_item(section: ET.Element, item: Item) -> None:
    item = item.lms_item()
    ident = _ident(f"{item.name}-{item.seed:016x}")
    it = sub(section, "item", ident=ident, title=item.name)
    numeric = item.kind == "numeric"
    options = [] if numeric else item.display_options()
    option_ids = [f"{ident}_a{i}" for i in range(len(options))]
    fields = [("question_type", "numerical_question" if numeric else "multiple_choice_question"),
              ("points_possible", "1.0")]
    if not numeric:
        fields.append(("original_answer_ids", ",".join(option_ids)))
    _metadata(it, fields)
    pres = sub(it, "presentation")
    _mattext(pres, question_html(item))
    if numeric:
        rs = sub(pres, "response_str", ident=RESPONSE, rcardinality="Single")
        sub(sub(rs, "render_fib", fibtype="Decimal"), "response_label", ident="answer1")
    else:
        rl = sub(pres, "response_lid", ident=RESPONSE, rcardinality="Single")
        rc = sub(rl, "render_choice")
        for oid, o in zip(option_ids, options):
            _mattext(sub(rc, "response_label", ident=oid), escape(o.text))
    proc = sub(it, "resprocessing")
    sub(sub(proc, "outcomes"), "decvar", maxvalue="100", minvalue="0", varname="SCORE",
        vartype="Decimal")
    if numeric:
        key = rounded(item.answer, item.decimals)
        scored = sub(proc, "respcondition", **{"continue": "No"})
        cond = sub(scored, "conditionvar")
        either = sub(cond, "or")
        sub(either, "varequal", _num(key, item.decimals), respident=RESPONSE)
        both = sub(either, "and")
        sub(both, "vargte", _num(key - item.tolerance, item.decimals), respident=RESPONSE)
        sub(both, "varlte", _num(key + item.tolerance, item.decimals), respident=RESPONSE)
        sub(scored, "setvar", "100", action="Set", varname="SCORE")
        sub(scored, "displayfeedback", feedbacktype="Response", linkrefid="correct_fb")
        other = sub(proc, "respcondition", **{"continue": "Yes"})
        sub(sub(other, "conditionvar"), "other")
        sub(other, "displayfeedback", feedbacktype="Response", linkrefid="general_incorrect_fb")
        _itemfeedback(it, "correct_fb", f"<p>{escape(item.key.feedback)}</p>")
        mistakes = "".join(f"<li>{escape(o.text)}: {escape(o.feedback)}</li>"
                           for o in item.distractors)
        wrong = f"<p>{escape(item.explanation)}</p>"
        if mistakes:
            wrong += f"<p>Common mistakes:</p><ul>{mistakes}</ul>"
        _itemfeedback(it, "general_incorrect_fb", wrong)
    else:
        for oid in option_ids:
            rc = sub(proc, "respcondition", **{"continue": "Yes"})
            sub(sub(rc, "conditionvar"), "varequal", oid, respident=RESPONSE)
            sub(rc, "displayfeedback", feedbacktype="Response", linkrefid=f"{oid}_fb")
        key_id = option_ids[options.index(item.key)]
        rc = sub(proc, "respcondition", **{"continue": "No"})
        sub(sub(rc, "conditionvar"), "varequal", key_id, respident=RESPONSE)
        sub(rc, "setvar", "100", action="Set", varname="SCORE")
        for oid, o in zip(option_ids, options):
            _itemfeedback(it, f"{oid}_fb", f"<p>{escape(o.feedback)}</p>")


def assessment_xml(items, title: str, ident: str) -> bytes:
    root = ET.Element("questestinterop", {"xmlns": QTI_NS, "xmlns:xsi": XSI_NS,
                                          "xsi:schemaLocation": QTI_SCHEMA})
    assessment = sub(root, "assessment", ident=ident, title=title)
    md = sub(assessment, "qtimetadata")
    f = sub(md, "qtimetadatafield")
    sub(f, "fieldlabel", "cc_maxattempts")
    sub(f, "fieldentry", "1")
    section = sub(assessment, "section", ident="root_section")
    for item in items:
        qti_item(section, item)
    return tostring(root)


def manifest_xml(ident: str, href: str, title: str) -> bytes:
    root = ET.Element("manifest", {"identifier": f"{ident}_manifest", "xmlns": CP_NS})
    md = sub(root, "metadata")
    sub(md, "schema", "IMS Content")
    sub(md, "schemaversion", "1.1.3")
    sub(root, "organizations")
    resources = sub(root, "resources")
    res = sub(resources, "resource", identifier=ident, type="imsqti_xmlv1p2", href=href)
    sub(res, "file", href=href)
    return tostring(root)


def export_qti(items, *, title: str, quiz_seed) -> bytes:
    ident = _ident(title + "|" + "|".join(f"{i.name}-{i.seed:016x}" for i in items))
    href = f"{ident}/{ident}.xml"
    files = {"imsmanifest.xml": manifest_xml(ident, href, title),
             href: assessment_xml(items, title, ident)}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            zf.writestr(info, files[name])
    return buf.getvalue()
