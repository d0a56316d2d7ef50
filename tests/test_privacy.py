"""Privacy and injection (issue 11 §3) and the time zone (§4), on every output a user meets.

ID numbers are typed where they do not belong (手机, 备注, 主要荣誉, an 18-digit one and a 15-digit one),
and the masters' own IDs are in 身份证号; then merge (master incl. hidden sheets, feedback files, HTML,
JSON, console) and check (console, JSON, HTML, annotated copy) are scanned for any whole ID number.
Only the master's 大师身份信息 holds them, and the scan proves it can see them there."""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLE_FILES
from openpyxl import load_workbook

from macros_py.model.privacy import check_character, console_text, is_id_number, mask_id, mask_ids
from macros_py.write.fill import write_filled
from macros_py.write.samples import generate

ID18 = "140221197503121230"          # 阳高县, valid check character (DESIGN)
ID18_B = "140213200003121239"        # 平城区
ID15 = "140221750312123"             # first generation
ESC_TEXT = "_x001B_]0;pwned_x0007__x001B_[2J"   # sets the window title, clears the screen
# A whole ID anywhere: 18 with a valid check character, or 15 digits, standing alone.
_ANY_ID = re.compile(r"(?<![0-9A-Za-z.])(\d{17}[0-9X]|\d{15})(?![0-9A-Za-z.])")


def whole_ids(text: str) -> set[str]:
    found = set()
    for m in _ANY_ID.finditer(text):
        s = m.group(1)
        if len(s) == 15 or check_character(s[:17]) == s[17]:
            found.add(s)
    return found


def test_masking_rules():
    assert check_character(ID18[:17]) == ID18[17]
    assert mask_id(ID18) == "140221********1230"
    assert mask_id(ID15) == "140221********3"           # 6 + 1: birth date and 2 of 3 sequence digits hidden
    assert mask_ids(f"电话{ID18}，旧证 {ID15}。") == "电话140221********1230，旧证 140221********3。"
    assert is_id_number("140221197503121000")           # Excel kept 15 digits: the date still says it is one
    assert mask_ids("a" + ID18) == "a" + ID18            # part of something longer (a hash) is left alone
    assert mask_ids("13912345678") == "13912345678"
    assert console_text("x\x1b]0;t\x07y\u202ez") == "x\\x1b]0;t\\x07y\\u202ez"


def _plant(data: dict) -> dict:
    data = copy.deepcopy(data)
    data["bases"][0]["mobile"] = ID18
    data["bases"][0]["note"] = f"负责人身份证{ID15}"
    data["bases"][1]["mobile"] = "ESCMARKER"            # C-PHONE prints the value on the console
    data["bases"][2]["address"] = "=HYPERLINK(\"http://example.invalid\",\"点我\")"
    if data["studios"]:
        data["studios"][0]["honours"] = f"全国技术能手（证件号 {ID18_B}）"
        data["studios"][0]["mobile"] = ID15
    return data


@pytest.fixture(scope="module")
def planted(tmp_path_factory, policy):
    folder = tmp_path_factory.mktemp("privacy")
    inbox = folder / "inbox"
    inbox.mkdir()
    samples = generate(policy)
    chosen = [s for s in samples if s.data["studios"]][:2] + [samples[0]]
    masters = set()
    for s in {s.name: s for s in chosen}.values():
        data = _plant(s.data)
        masters |= {m["id_number"] for m in data["masters"] if m.get("id_number")}
        path = write_filled(inbox / s.name, data, policy)
        from hostile_files import replace_text

        replace_text(path, "ESCMARKER", ESC_TEXT)
    out = folder / "out"
    merge = subprocess.run([sys.executable, "-m", "macros_py", "merge", str(inbox), "-o", str(out / "汇总.xlsx"),
                            "--feedback", str(out / "反馈"), "--html", str(out / "汇总报告.html"),
                            "--summary-json", str(out / "summary.json")], cwd=ROOT, capture_output=True)
    first = sorted(inbox.iterdir())[0]
    check = subprocess.run([sys.executable, "-m", "macros_py", "check", str(first), "--json", str(out / "c.json"),
                            "--html", str(out / "c.html"), "--annotate", str(out / "c_校验.xlsx")],
                           cwd=ROOT, capture_output=True)
    return {"out": out, "merge": merge, "check": check, "masters": masters, "first": first}


def _sheet_texts(path: Path, skip: set[str] = frozenset()) -> dict[str, str]:
    wb = load_workbook(path)
    texts = {}
    for ws in wb.worksheets:
        if ws.title in skip:
            continue
        parts = []
        for row in ws.iter_rows():
            for c in row:
                if c.value is not None:
                    parts.append(str(int(c.value)) if isinstance(c.value, float) and c.value.is_integer()
                                 else str(c.value))
                if c.comment is not None:
                    parts.append(c.comment.text)
        texts[ws.title] = "".join(parts) if ws.sheet_state != "visible" else "\n".join(parts)
    return texts


def test_the_outputs_were_written(planted):
    assert planted["merge"].returncode == 0, planted["merge"].stderr.decode()[-2000:]
    assert planted["check"].returncode in (0, 1), planted["check"].stderr.decode()[-2000:]


def test_no_whole_id_number_leaves_the_tool_but_in_the_id_sheet(planted):
    out = planted["out"]
    leaks: dict[str, set[str]] = {}
    texts = {"merge console": planted["merge"].stdout.decode() + planted["merge"].stderr.decode(),
             "check console": planted["check"].stdout.decode() + planted["check"].stderr.decode()}
    for name in ("汇总报告.html", "summary.json", "c.json", "c.html"):
        texts[name] = (out / name).read_text("utf-8")
    for book in [out / "汇总.xlsx", *sorted((out / "反馈").glob("*.xlsx"))]:
        for sheet, text in _sheet_texts(book, skip={"大师身份信息"}).items():
            texts[f"{book.name}:{sheet}"] = text
    # The annotated copy is the county's own workbook: what the tool adds is its 校验结果 and the notes.
    annotated = _sheet_texts(out / "c_校验.xlsx")
    texts["c_校验.xlsx:校验结果"] = annotated["校验结果"]
    wb = load_workbook(out / "c_校验.xlsx")
    texts["c_校验.xlsx:notes"] = "\n".join(c.comment.text for ws in wb.worksheets for row in ws.iter_rows()
                                           for c in row if c.comment is not None)
    assert list((out / "反馈").glob("*.xlsx"))
    for where, text in texts.items():
        found = whole_ids(text)
        if found:
            leaks[where] = found
    assert not leaks, leaks
    # the scan sees IDs where they are kept: the masters' and the planted ones are in 大师身份信息 / the file
    kept = whole_ids(_sheet_texts(out / "汇总.xlsx")["大师身份信息"])
    assert planted["masters"] and planted["masters"] <= kept
    assert "140221********1230" in texts["summary.json"] and "140221********3" in texts["汇总报告.html"] + \
        texts["summary.json"]


def test_control_characters_never_reach_the_console_raw(planted):
    for run in (planted["merge"], planted["check"]):
        raw = run.stdout + run.stderr
        assert b"\x1b" not in raw and b"\x07" not in raw
    assert b"\\x1b]0;pwned" in planted["check"].stdout      # shown, as an escape, where the value is printed


def test_formula_like_text_keeps_the_quote_prefix_in_the_master_and_the_annotated_copy(planted):
    out = planted["out"]
    wb = load_workbook(out / "汇总.xlsx")
    cells = [c for row in wb["基地汇总"].iter_rows() for c in row
             if isinstance(c.value, str) and c.value.startswith("=HYPERLINK")]
    assert cells and all(c.data_type == "s" and c.quotePrefix for c in cells)
    feedback = [c for book in (out / "反馈").glob("*.xlsx") for ws in load_workbook(book).worksheets
                for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith(("=", "-"))]
    assert all(c.quotePrefix for c in feedback)


def test_the_check_report_has_the_merge_reports_content_security_policy(planted):
    out = planted["out"]
    csp = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">')
    merge_policy = csp.search((out / "汇总报告.html").read_text("utf-8")).group(1)
    assert csp.search((out / "c.html").read_text("utf-8")).group(1) == merge_policy
    assert "default-src 'none'" in merge_policy


# ------------------------------------------------------------------ time zone
def test_the_same_inbox_gives_the_same_bytes_under_two_time_zones(tmp_path):
    # No receipt register: received = mtime, 2025-12-30 20:00 UTC = 2025-12-31 04:00 in Datong: late (C-LATE).
    import os

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    stamp = 1767124800  # 2025-12-30T20:00:00Z
    for src in SAMPLE_FILES[:3]:
        (inbox / src.name).write_bytes(src.read_bytes())
        os.utime(inbox / src.name, (stamp, stamp))
    outs = {}
    for tz in ("UTC", "Asia/Shanghai"):
        out = tmp_path / tz.replace("/", "_")
        run = subprocess.run([sys.executable, "-m", "macros_py", "merge", str(inbox), "-o", str(out / "汇总.xlsx"),
                              "--feedback", str(out / "反馈"), "--html", str(out / "r.html"),
                              "--summary-json", str(out / "s.json")], cwd=ROOT, capture_output=True,
                             env={**os.environ, "TZ": tz})
        assert run.returncode == 0, run.stderr.decode()[-2000:]
        outs[tz] = {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
                    if p.is_file() and p.suffix != ".sqlite"}
    assert outs["UTC"].keys() == outs["Asia/Shanghai"].keys()
    assert [k for k in outs["UTC"] if outs["UTC"][k] != outs["Asia/Shanghai"][k]] == []
    summary = json.loads(outs["UTC"]["s.json"])
    assert {f["received"] for f in summary["files"]} == {"2025-12-31 04:00:00"}
    assert sum(1 for f in summary["findings"] if f["rule"] == "C-LATE") == 3


def test_an_unknown_time_zone_in_the_policy_file_is_named(tmp_path):
    from macros_py.model.errors import PolicyError
    from macros_py.policy.load import DEFAULT_POLICY, load_policy

    bad = tmp_path / "p.toml"
    bad.write_text(DEFAULT_POLICY.read_text("utf-8").replace('"Asia/Shanghai"', '"Mars/Olympus"'), "utf-8")
    with pytest.raises(PolicyError, match="notice.time_zone"):
        load_policy(bad)
