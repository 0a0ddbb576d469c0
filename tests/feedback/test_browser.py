"""The reports in a real browser: headless Chromium renders them, lays them out and loads the charts.

Each page is rendered twice: as written, for a screenshot (saved under the test's tmp_path), and
as a copy with a small probe script appended, dumped with --dump-dom: the probe writes what only a
browser knows (the charts' decoded widths, the computed colour of a wrong cell, horizontal
overflow on a phone-sized window) into attributes of <body>. The reports themselves have no script.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from autograder.feedback import class_html, student_html
from test_class_report import NAMES

CHROMIUM = next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="no headless Chromium on PATH "
                       "(chromium or chromium-browser; Debian: apt-get install chromium)"),
]

PROBE = """<script>
console.log("dlgrade-probe");
window.addEventListener("load", function () {
  var b = document.body, root = document.documentElement;
  var widths = Array.prototype.map.call(document.images, function (img) { return img.naturalWidth; });
  b.setAttribute("data-image-widths", widths.join(","));
  var wrong = document.querySelector("td.wrong");
  b.setAttribute("data-wrong-bg", wrong ? getComputedStyle(wrong).backgroundColor : "none");
  b.setAttribute("data-overflow", String(root.scrollWidth - root.clientWidth));
  var walker = document.createTreeWalker(b, NodeFilter.SHOW_TEXT), text, visible = false;
  while ((text = walker.nextNode())) {  // the words themselves, shown, not in a closed <details>
    var el = text.parentElement;
    if (text.nodeValue.indexOf("differs from the exercise: layer") >= 0 && el.getClientRects().length > 0
        && !el.closest("details:not([open])")) { visible = true; }
  }
  b.setAttribute("data-difference-visible", String(visible));
  var failures = document.querySelector("#failures table");
  b.setAttribute("data-failures-overflow", failures ?
      String(Math.ceil(failures.getBoundingClientRect().right - root.clientWidth)) : "none");
  b.setAttribute("data-probe", "done");
});
</script>"""
CONSOLE = re.compile(r":CONSOLE[:(\]].*")


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    cmd = [CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
           "--no-first-run", "--disable-extensions", "--disable-background-networking",
           f"--user-data-dir={tmp_path / 'chromium-profile'}", "--enable-logging=stderr", "--v=0",
           "--virtual-time-budget=5000", *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc


def probe(tmp_path: Path, page: str, name: str, width: int) -> tuple[dict, str]:
    """The probe's attributes and the dumped DOM; asserts the console had nothing but the probe."""
    path = tmp_path / f"{name}-probe.html"
    path.write_text(page.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    proc = chromium(tmp_path, f"--window-size={width},900", "--dump-dom", path.as_uri())
    console = [m.group(0) for m in CONSOLE.finditer(proc.stderr)]
    assert any("dlgrade-probe" in line for line in console), "console messages were not captured"
    errors = [line for line in console if "dlgrade-probe" not in line]
    assert not errors, errors
    body = re.search(r"<body([^>]*)>", proc.stdout).group(1)
    attrs = dict(re.findall(r'data-([\w-]+)="([^"]*)"', body))
    assert attrs.get("probe") == "done", proc.stdout[:500]
    return attrs, proc.stdout


def screenshot(tmp_path: Path, page: str, name: str, size: str = "1000,1800") -> Path:
    path = tmp_path / f"{name}.html"
    path.write_text(page, encoding="utf-8")
    png = tmp_path / f"{name}.png"
    chromium(tmp_path, f"--window-size={size}", f"--screenshot={png}", path.as_uri())
    from PIL import Image

    with Image.open(png) as image:
        assert image.size == tuple(int(n) for n in size.split(","))
        colours = image.convert("RGB").getcolors(maxcolors=1 << 16)
    assert colours is None or len(colours) > 20, "the screenshot is blank"
    return png


def test_student_report_in_chromium(tmp_path, load):
    page = student_html(load("conv-pooling-ben"), cell_timeout=60)
    # A phone-sized window: the page must not scroll sideways (wide tables scroll in their box).
    attrs, dom = probe(tmp_path, page, "student", width=390)
    assert "<title>conv-pooling — feedback for ben</title>" in dom
    assert re.search(r'<p class="score-total" id="score">3\.33 / 15</p>', dom)
    assert '<pre class="counterexample">' in dom and '<table class="grid">' in dom
    assert attrs["wrong-bg"] == "rgb(252, 232, 230)"  # the highlight's CSS applied
    assert int(attrs["overflow"]) <= 0
    screenshot(tmp_path, page, "student")


def test_class_report_in_chromium(tmp_path, load):
    page = class_html("conv-pooling", [load(f"conv-pooling-{n}") for n in NAMES])
    attrs, dom = probe(tmp_path, page, "class", width=1000)
    assert "<title>conv-pooling — class report</title>" in dom
    # Both charts decoded: the histogram and the difficulty bars, 600 px wide (6 in at 100 dpi).
    assert attrs["image-widths"] == "600,600"
    assert int(attrs["overflow"]) <= 0
    screenshot(tmp_path, page, "class", size="1000,2400")


def test_class_report_at_phone_width(tmp_path, load):
    """412 px (a phone): the failures' rows become blocks, nothing runs off the screen."""
    page = class_html("conv-pooling", [load(f"conv-pooling-{n}") for n in NAMES])
    attrs, _ = probe(tmp_path, page, "class-phone", width=412)
    assert int(attrs["overflow"]) <= 0
    assert attrs["failures-overflow"] != "none" and int(attrs["failures-overflow"]) <= 0
    screenshot(tmp_path, page, "class-phone", size="412,2400")


def test_a_model_difference_is_visible_without_opening_anything(tmp_path, model_difference):
    """What differs from the exercise is in the headline a student sees, on a phone, not in a
    collapsed "Full message"."""
    page = student_html(model_difference, cell_timeout=60)
    attrs, _ = probe(tmp_path, page, "difference", width=390)
    assert attrs["difference-visible"] == "true"
    assert int(attrs["overflow"]) <= 0
    screenshot(tmp_path, page, "difference", size="390,1800")
