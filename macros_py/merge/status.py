"""What the merge says of each file (FileSummary) and of each recommender (RecommenderStatus): the
states a file can be in, its counts, and who has submitted, late, or not at all."""

from __future__ import annotations

from collections import Counter, defaultdict

from macros_py.model.findings import ERROR, WARNING
from macros_py.model.summary import FileSummary, RecommenderStatus
from macros_py.rules import bureau as rules_bureau
from macros_py.rules.bureau import Current

MERGED, SUPERSEDED, DUPLICATE, UNUSABLE, SKIPPED = "已汇总", "已被替代", "重复文件", "无法使用", "已跳过"
REFUSED = "不予受理"     # the bureau's decision (人工裁定)


def file_summaries(items, outcomes, status, received, counts, findings, policy, whos, sizes) -> list[FileSummary]:
    sev = defaultdict(Counter)
    for f in findings:
        sev[f.file][f.severity] += 1
    out = []
    by_rel = {o.item.relpath: o for o in outcomes}
    for item in items:
        if item.kind == "register":
            continue
        o = by_rel.get(item.relpath)
        if o is None:
            out.append(FileSummary(name=item.relpath, sha256="", size=sizes.get(item.relpath, 0),
                                   received="", status=SKIPPED, reason=item.reason))
            continue
        state, reason = status[item.relpath]
        who = whos.get(item.relpath) if o.sub else None
        c = counts[item.relpath]
        when = received[item.relpath]
        out.append(FileSummary(
            name=item.relpath, sha256=o.sha256 or "", size=o.size, received=when.isoformat(sep=" "),
            status=state, reason=reason or "", recommender=who.name if who else (o.sub.recommender if o.sub else None),
            channel=who.channel if who else None, layout=o.sub.layout if o.sub else None,
            template_version=o.sub.template_version if o.sub else None, late=rules_bureau.is_late(when, policy),
            bases=len(o.sub.rows("bases")) if o.sub else 0, studios=len(o.sub.rows("studios")) if o.sub else 0,
            rows_read=c["read"], rows_merged=c["merged"], rows_rejected=c["rejected"],
            errors=sev[item.relpath][ERROR], warnings=sev[item.relpath][WARNING]))
    return out


def recommender_status(policy, currents, files, history, findings) -> list[RecommenderStatus]:
    current_by: dict[str, list[Current]] = defaultdict(list)
    for c in currents:
        current_by[c.recommender].append(c)
    by_file = {f.name: f for f in files}
    earlier = defaultdict(list)
    for f in files:
        if f.recommender and f.status == SUPERSEDED:
            earlier[f.recommender].append(f"{f.name}（{f.received[:16]}，已被替代）")
    for h in history:
        if h.recommender and h.relpath not in by_file:
            earlier[h.recommender].append(f"{h.relpath}（{h.received[:16]}，本次收件夹中已没有）")
    out = []
    names = [(r.name, r.channel, True) for r in policy.recommenders]
    names += list(dict.fromkeys((c.recommender, c.channel, False) for c in currents
                                if c.recommender not in {r.name for r in policy.recommenders}))
    for name, channel, expected in names:
        curs = current_by.get(name)
        if not curs:
            out.append(RecommenderStatus(name, channel, expected, False, status="未报送",
                                         history=sorted(earlier[name], reverse=True)))
            continue
        fss = [by_file[c.sub.name] for c in curs]      # 附件7 and 附件8 sent as two files: both kept
        late = any(fs.late for fs in fss)
        state = "已报送" + ("（逾期）" if late else "") + ("" if expected else "（名单外单位）")
        out.append(RecommenderStatus(name, channel, expected, True, when=max(fs.received for fs in fss),
                                     file="、".join(fs.name for fs in fss), late=late,
                                     bases=sum(fs.bases for fs in fss), studios=sum(fs.studios for fs in fss),
                                     errors=sum(fs.errors for fs in fss), warnings=sum(fs.warnings for fs in fss),
                                     status=state, history=sorted(earlier[name], reverse=True)))
    return out
