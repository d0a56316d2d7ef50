"""The expert review after intake (notice 二（二）–（五）, 表5): from the merged master to the 公示名单 and
the 认定名单. prepare writes the 复核表, one 评分表 per expert and the 表5 expert list; collect reads them
back (R-PANEL, R-SCORE, R-RECUSE, R-REVIEWED, R-TIE, R-VACANT), scores, ranks and fills the places;
publicize writes the 公示名单 and its working-day period; finalize writes the 认定名单 and the 资金拨付表.
Every step records itself in the ledger's review table and writes the same bytes when re-run.

May import: report, write, merge, check, rules, read, policy, model."""
