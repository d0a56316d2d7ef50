"""The bureau's HTML report of a merge: one self-contained file rendered from a MergeSummary.

Pure functions of the summary and the policy: the report never goes back to the submitted files,
so `merge --html` and `report MASTER.xlsx` give the same bytes for the same summary. This module
turns the summary into a view (plain values, numbers already formatted, chart geometry computed);
the template only lays the view out. Everything a submitter typed reaches the page through
jinja2's autoescaping, and the page loads nothing from anywhere (see the template's CSP).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict, namedtuple
from functools import cache

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from macros_py.model.findings import ERROR, INFO, SEVERITY_ORDER, WARNING
from macros_py.model.paths import TEMPLATES_DIR
from macros_py.model.privacy import mask_stream
from macros_py.model.summary import BaseCard, MergeSummary, StudioCard
from macros_py.policy.load import CHANNEL_CITY, Policy
from macros_py.report.charts import Chart, fmt_money, fmt_number, stacked_bars
from macros_py.rules.catalog import CATALOG

TEMPLATE = "merge_report.html.j2"

# Stable keys for the headline's file counts (data-figure="files_<key>"); an unknown status keeps its
# own name so that nothing is dropped.
FILE_STATUS_KEYS = {"已汇总": "merged", "已被替代": "superseded", "重复文件": "duplicate",
                    "无法使用": "unusable", "已跳过": "skipped"}
SEVERITY_CSS = {ERROR: "sev-error", WARNING: "sev-warning", INFO: "sev-info"}
CITY_GROUP = "市直部门"
NO_TIER = "未填档次"
STUDIO_SERIES = "工作室"
OTHER_SECTION = "未识别推荐单位的文件及汇总检查"

# One line of a findings table. A tuple, not a dict: the report may hold thousands of them.
FindingRow = namedtuple("FindingRow", "rule severity css where anchor column value message hint")


def when(text: str | None) -> str:
    """An ISO date-time as people write it: "2025-12-10T09:05:00" → "2025-12-10 09:05"."""
    if not text:
        return "—"
    match = re.fullmatch(r"(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d)(:\d\d(\.\d+)?)?([+-]\d\d:?\d\d|Z)?", text)
    return f"{match.group(1)} {match.group(2)}" if match else text


@cache
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=select_autoescape(("html", "htm", "xml", "j2"), default_for_string=True, default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.filters["when"] = when
    return env


def render_report(summary: MergeSummary, policy: Policy) -> str:
    """The report as HTML text. ID numbers are masked in the finished page, once, whatever value,
    attribute or chart label they came in (model.privacy)."""
    return "".join(_pieces(summary, policy))


def _pieces(summary: MergeSummary, policy: Policy):
    return mask_stream(_environment().get_template(TEMPLATE).generate(build_view(summary, policy)))


def write_report(summary: MergeSummary, path, policy: Policy) -> None:
    """Render and write the report atomically (temporary file beside the target, then rename), a
    block at a time: the page of a merge of thousands of files is never one string."""
    from macros_py.write.xlsx_pack import write_atomic

    write_atomic(path, (text.encode("utf-8") for text in _pieces(summary, policy)))


# ---------------------------------------------------------------- the view


def build_view(summary: MergeSummary, policy: Policy) -> dict:
    links = _CardLinks(summary, policy)
    by_file = _findings_by_file(summary.findings)
    return {
        "title": f"{summary.policy_year}年度市级高技能人才培训基地和技能大师工作室申报汇总报告",
        "issuer": policy.get("notice.receiver"),
        "summary": summary,
        "headline": headline(summary, policy),
        "charts": {
            "county": county_chart(summary, policy),
            "studios": studio_chart(summary, policy),
            "city": city_chart(summary, policy),
            "funding": funding_chart(summary, policy),
            "rules": rules_chart(summary.findings),
        },
        "made": data_time(summary),
        "budget": budget(summary, policy),
        "funding_unit": policy.funding["unit"],
        "duplicates": _duplicates(summary, links),
        "late": [f for f in summary.files if f.late],
        "missing": [r for r in summary.recommenders if r.expected and not r.received],
        "problem_files": [f for f in summary.files if f.status != "已汇总"],
        "sections": _sections(summary, by_file, links),
        "base_groups": _base_groups(summary, policy, links),
        "studio_cards": [_studio_view(i, c, links) for i, c in enumerate(summary.studios)],
        "standards": _standards(policy),
    }


def data_time(summary: MergeSummary) -> str:
    """When the report's data stands: the last file received (the same summary gives the same page)."""
    latest = max((f.received for f in summary.files if f.received), default=None)
    return when(latest)


def budget(summary: MergeSummary, policy: Policy) -> dict:
    """上级财政补助 applied for against the notice's budget (places × subsidy of each tier)."""
    source = policy.funding["sources"][0]
    parts = [(t.name, t.places, t.subsidy) for t in policy.tiers.values()]
    total = sum(places * subsidy for _, places, subsidy in parts)
    applied = sum(card.funding.get(source, 0.0) for card in summary.bases)
    by_tier = {name: sum(c.funding.get(source, 0.0) for c in summary.bases if c.tier == name) for name, _, _ in parts}
    formula = " + ".join(f"{name} 档 {places}×{fmt_number(subsidy)}" for name, places, subsidy in parts)
    return {"source": source, "budget": fmt_number(total), "formula": formula, "applied": fmt_money(applied),
            "ratio": f"{applied / total * 100:.0f}%" if total else "—",
            "by_tier": [(name, fmt_money(v)) for name, v in by_tier.items()], "over": applied > total}


def headline(summary: MergeSummary, policy: Policy) -> dict:
    """The figures at the top; each has a stable key the browser test reads (data-figure)."""
    statuses = Counter(f.status for f in summary.files)
    ordered = [s for s in FILE_STATUS_KEYS if statuses.get(s)] + sorted(s for s in statuses if s not in FILE_STATUS_KEYS)
    expected = [r for r in summary.recommenders if r.expected]
    severities = Counter(f.get("severity") for f in summary.findings)

    tiers = []
    for name, tier in policy.tiers.items():
        quota = _quota(summary, lambda kind, n=name: kind.startswith(f"{n}档"))
        applications = quota.applications if quota else sum(1 for b in summary.bases if b.tier == name)
        places = quota.places if quota else tier.places
        tiers.append({"name": name, "applications": applications, "places": places,
                      "ratio": _ratio_text(applications, places)})
    quota = _quota(summary, lambda kind: "工作室" in kind)
    studios = quota.applications if quota else len(summary.studios)
    studio_places = quota.places if quota else policy.get("targets.studios")
    return {
        "files": len(summary.files),
        "file_statuses": [(FILE_STATUS_KEYS.get(s, s), s, statuses[s]) for s in ordered],
        "recommenders_received": sum(1 for r in expected if r.received),
        "recommenders_expected": len(expected),
        "recommenders_unlisted": sum(1 for r in summary.recommenders if not r.expected and r.received),
        "tiers": tiers,
        "studios": studios,
        "studio_places": studio_places,
        "studio_ratio": _ratio_text(studios, studio_places),
        "errors": severities.get(ERROR, 0),
        "warnings": severities.get(WARNING, 0),
        "infos": severities.get(INFO, 0),
        "rows_read": summary.rows_read,
        "rows_merged": summary.rows_merged,
        "rows_rejected": summary.rows_rejected,
    }


def _quota(summary: MergeSummary, match):
    return next((q for q in summary.quotas if match(q.kind)), None)


def _ratio_text(applications: int, places: int) -> str:
    return f"竞争比 {applications / places:.1f} : 1" if places else ""


# ---------------------------------------------------------------- charts


def _county_of(policy: Policy):
    counties = list(policy.get("region.counties"))
    rec_county = {r.name: r.county for r in policy.recommenders if r.county}

    def group(county, recommender, channel):
        if channel == CHANNEL_CITY:
            return None                      # city departments have their own chart
        if county in counties:
            return county
        return rec_county.get(recommender) or "其他"
    return counties, group


def county_chart(summary: MergeSummary, policy: Policy) -> Chart:
    """Bases by county and tier (属地 channel: where the project is, else the recommender's county)."""
    counties, group = _county_of(policy)
    tiers = list(policy.tiers)
    counts: dict[str, Counter] = defaultdict(Counter)
    for b in summary.bases:
        g = group(b.county, b.recommender, b.channel)
        if g:
            counts[g][b.tier if b.tier in tiers else NO_TIER] += 1
    labels = counties + (["其他"] if "其他" in counts else [])
    series = [(t, f"ser-tier-{i}", f"{t}档基地") for i, t in enumerate(tiers)]
    series += [(NO_TIER, "ser-none", "档次未填或无效")]
    return stacked_bars([(label, dict(counts.get(label, {}))) for label in labels], series)


def studio_chart(summary: MergeSummary, policy: Policy) -> Chart:
    """Studios by county (属地) — counted apart from the bases, never added to them."""
    counties, group = _county_of(policy)
    counts: Counter = Counter(group(None, s.recommender, s.channel) for s in summary.studios)
    labels = counties + (["其他"] if counts.get("其他") else [])
    return stacked_bars([(label, {STUDIO_SERIES: counts.get(label, 0)}) for label in labels],
                        [(STUDIO_SERIES, "ser-studio", "技能大师工作室")], legend=False)


def city_chart(summary: MergeSummary, policy: Policy) -> Chart:
    """City departments' bases (by tier) and studios, each department its own bar pair."""
    tiers = list(policy.tiers)
    names = [r.name for r in policy.recommenders if r.channel == CHANNEL_CITY]
    names += sorted({c.recommender for c in [*summary.bases, *summary.studios]
                     if c.channel == CHANNEL_CITY and c.recommender not in names})
    bases: dict[str, Counter] = defaultdict(Counter)
    studios: Counter = Counter()
    for b in summary.bases:
        if b.channel == CHANNEL_CITY:
            bases[b.recommender][b.tier if b.tier in tiers else NO_TIER] += 1
    for st in summary.studios:
        if st.channel == CHANNEL_CITY:
            studios[st.recommender] += 1
    rows = []
    for n in names:
        if bases.get(n) or studios.get(n):
            short = n.removeprefix(policy.get("region.city"))
            rows.append((f"{short} 基地", dict(bases.get(n, {}))))
            rows.append((f"{short} 工作室", {STUDIO_SERIES: studios.get(n, 0)}))
    series = [(t, f"ser-tier-{i}", f"{t}档基地") for i, t in enumerate(tiers)]
    series += [(NO_TIER, "ser-none", "档次未填或无效"), (STUDIO_SERIES, "ser-studio", "技能大师工作室")]
    return stacked_bars(rows, series)


def funding_chart(summary: MergeSummary, policy: Policy) -> Chart:
    """Planned funding by source (万元), each bar labelled with its share of the whole."""
    sources = list(policy.funding["sources"])
    sources += [s for s in summary.funding_by_source if s not in sources]
    total = sum(summary.funding_by_source.values())
    unit = policy.funding["unit"]

    def text(label, value):
        share = f"（{value / total * 100:.1f}%）" if total else ""
        return f"{fmt_money(value)} {unit}{share}"

    rows = [(s, {s: summary.funding_by_source.get(s, 0.0)}) for s in sources]
    series = [(s, f"ser-src-{i % 6}", s) for i, s in enumerate(sources)]
    return stacked_bars(rows, series, total_text=text, legend=False)


def _rule_order(rule: str):
    family = {"B": 0, "S": 1, "C": 2}.get(rule.split("-", 1)[0], 3)
    return family, rule


def rules_chart(findings: list[dict]) -> Chart:
    """Findings per rule ID, each bar split by severity."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for f in findings:
        counts[f.get("rule") or "?"][f.get("severity")] += 1
    rows = [(f"{rule} {CATALOG[rule].title}" if rule in CATALOG else rule, dict(counts[rule]))
            for rule in sorted(counts, key=_rule_order)]
    series = [(sev, SEVERITY_CSS[sev], sev) for sev in SEVERITY_ORDER]
    return stacked_bars(rows, series)


# ---------------------------------------------------------------- findings, linked to the cards


def _sheet_and_row(cell: str | None, default_sheet: str) -> tuple[str, int | None]:
    """("Sheet", row) from "B5", "Sheet!B5" or "'Sheet name'!B5"."""
    if not cell:
        return default_sheet, None
    sheet, _, address = cell.rpartition("!")
    sheet = sheet.strip("'").replace("''", "'") or default_sheet
    digits = re.search(r"(\d+)$", address)
    return sheet, int(digits.group(1)) if digits else None


class _CardLinks:
    """Which project card a finding's file, sheet and row belong to.

    A card gives its cell as "Sheet!A1", or as "A1" on its entity's summary sheet (附件7/附件8 of the
    standard workbook). A file in the notice's printed layout names its sheets as it likes; when all
    of such a file's cards are of one kind, a finding on a sheet the standard workbook does not have
    belongs to the card of its row. A finding on another sheet of the standard workbook (基地条件,
    经费预算) names no card row, so it stays plain text rather than pointing at the wrong project.
    """

    def __init__(self, summary: MergeSummary, policy: Policy):
        from macros_py.policy.schema import build_schema

        schema = build_schema(policy)
        self.standard = {sheet.title for sheet in schema.sheets}
        self.anchors: dict[tuple, str] = {}
        self.loose: dict[tuple, str] = {}
        kinds: dict[str, set[str]] = defaultdict(set)
        for prefix, cards, sheet_key in (("b", summary.bases, "bases"), ("s", summary.studios, "studios")):
            default = schema.sheet(sheet_key).title
            for i, card in enumerate(cards):
                for part_sheet, part_row in card.rows:   # 基地条件, 表4-2, 专业预算, 大师信息 rows
                    self.anchors.setdefault((card.file, part_sheet, part_row), f"{prefix}{i}")
                sheet, row = _sheet_and_row(card.cell, default)
                if row is not None:
                    self.anchors.setdefault((card.file, sheet, row), f"{prefix}{i}")
                    if "!" not in (card.cell or ""):
                        self.loose.setdefault((card.file, row), f"{prefix}{i}")
                        kinds[card.file].add(prefix)
        self.loose = {key: anchor for key, anchor in self.loose.items() if len(kinds[key[0]]) == 1}
        self.by_anchor: dict[str, list[dict]] = defaultdict(list)
        for f in summary.findings:
            anchor = self.anchor(f.get("file"), f.get("sheet"), f.get("row"))
            if anchor:
                self.by_anchor[anchor].append(f)

    def anchor(self, file, sheet, row) -> str | None:
        if not file or row is None:
            return None
        found = self.anchors.get((file, sheet, row))
        if found is None and sheet not in self.standard:
            found = self.loose.get((file, row))
        return found


def _where(sheet, cell) -> str:
    if sheet and cell:
        return f"{sheet}!{cell}"
    return sheet or "（整个文件）"


def _finding_row(f: dict, links: _CardLinks) -> FindingRow:
    value = f.get("value")
    return FindingRow(f.get("rule") or "", f.get("severity") or "", SEVERITY_CSS.get(f.get("severity"), ""),
            _where(f.get("sheet"), f.get("cell")), links.anchor(f.get("file"), f.get("sheet"), f.get("row")),
            f.get("column") or "", "" if value is None else str(value), f.get("message") or "", f.get("hint") or "")


def _findings_by_file(findings: list[dict]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = defaultdict(list)
    for f in findings:
        out[f.get("file") or ""].append(f)
    return out


def _finding_sort_key(f: dict):
    return (SEVERITY_ORDER.get(f.get("severity"), 9), f.get("sheet") or "", f.get("row") or 0,
            f.get("cell") or "", f.get("rule") or "")


def _sections(summary: MergeSummary, by_file: dict[str, list[dict]], links: _CardLinks) -> list[dict]:
    """One section per recommender that sent something, then one for what has no recommender."""
    files_of: dict[str | None, list] = defaultdict(list)
    for f in summary.files:
        files_of[f.recommender].append(f)
    known = {r.name for r in summary.recommenders}

    def file_blocks(files):
        blocks = []
        for f in files:
            found = sorted(by_file.get(f.name, ()), key=_finding_sort_key)
            blocks.append({"file": f, "findings": [_finding_row(x, links) for x in found]})
        return blocks

    sections = []
    for r in summary.recommenders:
        if r.received or files_of.get(r.name):
            sections.append({"name": r.name, "status": r, "blocks": file_blocks(files_of.get(r.name, []))})
    orphans = [f for rec, files in files_of.items() if rec not in known for f in files]
    named = {f.name for f in summary.files}
    loose = sorted((f for name, fs in by_file.items() if name not in named for f in fs), key=_finding_sort_key)
    if orphans or loose:
        blocks = file_blocks(orphans)
        if loose:
            blocks.append({"file": None, "findings": [_finding_row(x, links) for x in loose]})
        sections.append({"name": OTHER_SECTION, "status": None, "blocks": blocks})
    for s in sections:
        s["count"] = sum(len(b["findings"]) for b in s["blocks"])
    return sections


def _duplicates(summary: MergeSummary, links: _CardLinks) -> list[dict]:
    out = []
    for g in summary.duplicates:
        members = []
        for m in g.members:
            sheet, row = _sheet_and_row(m.cell, m.sheet)
            members.append({"m": m, "where": _where(m.sheet, m.cell), "anchor": links.anchor(m.file, sheet, row)})
        out.append({"g": g, "css": SEVERITY_CSS.get(g.severity, ""), "members": members})
    return out


# ---------------------------------------------------------------- project cards


def _standards(policy: Policy) -> dict:
    """The notice's standards, printed beside each card's numbers so reviewers can compare."""
    base = policy.base
    lo, hi = base["ratio_min_trainees_per_teacher"], base["ratio_max_trainees_per_teacher"]
    return {"ratio": f"标准 1:{fmt_number(lo)}–1:{fmt_number(hi)}",
            "senior": f"标准 ≥ {fmt_number(base['senior_teacher_share_min'])}%",
            "coop": f"标准 ≥ {base['coop_enterprises_min']} 家"}


def _num(value, pattern: str) -> str:
    return "—" if value is None else pattern.format(value)


# Which figure of a base card a rule is about: that figure is marked in its finding's colour.
CARD_FIELDS = {"B-RATIO": "ratio", "B-SENIOR": "senior", "B-COOP": "coop", "B-SUBSIDY": "subsidy",
               "B-TIER-FIT": "supported", "B-SCALE": "supported", "B-CERT": "supported"}


MARKED = ("ratio", "senior", "coop", "supported")


def _card_findings(anchor: str, links: _CardLinks) -> list[tuple]:
    """(rule, rule name, severity, css, message) of every finding on the project's rows, worst first."""
    found = sorted(links.by_anchor.get(anchor, ()), key=_finding_sort_key)
    return [(f.get("rule") or "", CATALOG[f["rule"]].title if f.get("rule") in CATALOG else "",
             f.get("severity") or "", SEVERITY_CSS.get(f.get("severity"), ""), f.get("message") or "") for f in found]


def _marks(findings: list[tuple]) -> dict[str, str]:
    """Card field → the css class of the worst finding about it."""
    out: dict[str, str] = {}
    for rule, _, _, css, _ in findings:      # worst first: the first one stays
        field = CARD_FIELDS.get(rule)
        if field:
            out.setdefault(field, css)
    return out


def _base_view(i: int, card: BaseCard, sources: list[str], links: _CardLinks) -> dict:
    anchor = f"b{i}"
    keys = sources + [s for s in card.funding if s not in sources]
    findings = _card_findings(anchor, links)
    marks = _marks(findings)
    funding = [(s, fmt_money(card.funding.get(s, 0.0)), _num(card.shares.get(s), "{:.1f}%"),
                marks.get("subsidy", "") if n == 0 else "") for n, s in enumerate(keys)]
    return {
        "id": anchor, "c": card, "majors": "、".join(card.majors) or "—",
        "tier": card.tier or "—", "supported": card.supported_tier or "—",
        "tier_differs": bool(card.tier and card.supported_tier and card.tier != card.supported_tier),
        "ratio": _num(card.ratio, "1:{:.1f}"), "senior": _num(card.senior_share, "{:.1f}%"),
        "coop": "—" if card.coop is None else f"{fmt_number(card.coop)} 家",
        "funding": funding, "total": fmt_money(card.total),
        "worst_css": SEVERITY_CSS.get(card.worst, "sev-none"), "findings": findings,
        **{f"{field}_css": f"mark {marks[field]}" if field in marks else "mark" for field in MARKED},
    }


def _base_groups(summary: MergeSummary, policy: Policy, links: _CardLinks) -> list[dict]:
    """Base cards grouped by the tier applied for, in the policy's order, then the rest."""
    sources = list(policy.funding["sources"])
    groups: dict[str, list] = {t: [] for t in policy.tiers}
    for i, card in enumerate(summary.bases):
        groups.setdefault(card.tier if card.tier in policy.tiers else NO_TIER, []).append(
            _base_view(i, card, sources, links))
    out = []
    for key, cards in groups.items():
        title = f"申报 {key} 档" if key in policy.tiers else "申报档次未填或无效"
        places = policy.tiers[key].places if key in policy.tiers else None
        out.append({"key": key, "title": title, "places": places, "cards": cards})
    return out


def _studio_view(i: int, card: StudioCard, links: _CardLinks) -> dict:
    anchor = f"s{i}"
    return {"id": anchor, "c": card, "worst_css": SEVERITY_CSS.get(card.worst, "sev-none"),
            "findings": _card_findings(anchor, links)}
