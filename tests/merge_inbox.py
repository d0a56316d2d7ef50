"""A realistic inbox for the merge tests: what a bureau's folder looks like in late December.

Own-template files (with the samples' deliberate breaks), two files in the notice's printed layout,
a file that is not a workbook inside, an Excel lock file, the same unit sent by a county and by a
city department, the same master in two files, a late file, a resubmission, a byte-identical copy
in a subfolder, a unit name that is a formula, and the receipt register.
"""

from __future__ import annotations

import copy
import shutil
from dataclasses import dataclass
from pathlib import Path

from macros_py.merge.inbox import REGISTER_NAME
from macros_py.write.fill import write_filled
from macros_py.write.printed import write_printed_submission
from macros_py.write.samples import generate

INJECTED = '=HYPERLINK("http://example.invalid/x","点我")'


@dataclass
class Inbox:
    path: Path
    files: dict[str, str]          # role → relative path
    data: dict[str, dict]          # role → the data written
    received: dict[str, str]       # relative path → register date
    s_dup_leader: str
    s_dup_id: str


def build_inbox(folder: Path, policy) -> Inbox:
    folder.mkdir(parents=True, exist_ok=True)
    samples = generate(policy)
    files, data = {}, {}

    def put(role: str, name: str, d: dict, printed: bool = False) -> None:
        (write_printed_submission if printed else write_filled)(folder / name, d, policy)
        files[role], data[role] = name, d

    # Own template, with the samples' breaks (B-SUBSIDY, B-RATIO, ... and B-DUP between 09 and 14).
    for i in (0, 1, 2, 3, 8):
        put(f"t{i}", samples[i].name, samples[i].data)
    city = copy.deepcopy(samples[-1].data)         # 大同市交通运输局, with the county's unit (B-DUP)
    city["bases"][0]["unit"] = INJECTED            # a unit name that is a formula
    for key in ("conditions", "funding", "majors"):
        for row in city[key]:
            if row.get("unit") == samples[-1].data["bases"][0]["unit"]:
                row["unit"] = INJECTED
    # S-DUP: the first studio (and its master row) of sample 04 also sent by the city department.
    donor = next(s for s in samples[4:] if s.data["studios"])
    studio, master = copy.deepcopy(donor.data["studios"][0]), copy.deepcopy(donor.data["masters"][0])
    city["studios"].append(studio)
    city["masters"].append(master)
    put("city", samples[-1].name, city)
    put("donor", donor.name, donor.data)

    # Printed layout, from two clean samples.
    clean = [s for s in samples if not s.breaks and s.name not in files.values()
             and all(s.name != x for x in (donor.name,))]
    put("printed1", "附件7附件8_" + clean[0].name, clean[0].data, printed=True)
    put("printed2", "附件7附件8_" + clean[1].name, clean[1].data, printed=True)

    # A resubmission: the first version, then a corrected one from the same recommender.
    resub = next(s for s in samples if s.name == "02_云冈区人力资源和社会保障局.xlsx")
    first = copy.deepcopy(resub.data)
    first["bases"] = first["bases"][:1]
    first["conditions"], first["funding"] = first["conditions"][:1], first["funding"][:1]
    first["majors"] = [m for m in first["majors"] if m["unit"] == first["bases"][0]["unit"]]
    first["studios"], first["masters"] = [], []
    put("resub_old", "云冈区_第一次报送.xlsx", first)
    files["resub_new"] = files.pop("t1")        # sample 02 itself is the corrected file
    data["resub_new"] = data.pop("t1")

    # Not a workbook, a lock file, and a byte-identical copy in a subfolder.
    (folder / "坏文件.xlsx").write_bytes(b"this is not a workbook, just text saved with the wrong name\n")
    files["broken"] = "坏文件.xlsx"
    (folder / ("~$" + files["t0"])).write_bytes(b"\x00" * 165)
    files["lock"] = "~$" + files["t0"]
    (folder / "邮件附件").mkdir()
    shutil.copy2(folder / files["t3"], folder / "邮件附件" / files["t3"])
    files["copy"] = "邮件附件/" + files["t3"]

    received = {files[r]: f"2025-12-{10 + n:02d} 10:00" for n, r in enumerate(sorted(files)) if r not in ("lock",)}
    received[files["resub_old"]] = "2025-12-05 09:00"
    received[files["resub_new"]] = "2025-12-20 09:00"
    received[files["donor"]] = "2026-01-03 15:00"   # late
    lines = ["文件名,收文日期", *(f"{k},{v}" for k, v in received.items())]
    (folder / REGISTER_NAME).write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    return Inbox(folder, files, data, received, studio["leader"], master["id_number"])
