"""`shenbao template` and `shenbao samples`: write the county workbook and the embedded samples."""

from __future__ import annotations

from pathlib import Path

from macros_py.model.errors import UsageError
from macros_py.model.paths import SAMPLES_OUTPUT


def register(sub) -> None:
    p = sub.add_parser("template", help="生成标准化申报工作簿（县区和市直部门填报用）",
                       description="生成标准化申报工作簿（县区和市直部门填报用）。")
    p.add_argument("-o", "--output", required=True, metavar="文件", help="输出的 .xlsx 文件")
    p.add_argument("--recommender", metavar="推荐单位", help="预先填好的推荐单位名称（须在政策文件名单中）")
    p.add_argument("--allow-new", action="store_true", help="允许不在政策文件名单中的推荐单位")
    p.add_argument("--force", action="store_true", help="覆盖已存在的文件")
    p.add_argument("--policy", metavar="文件", help="政策文件（默认 workbooks/policy_2025.toml）")
    p.set_defaults(func=run_template)

    p = sub.add_parser("samples", help="生成内置的示例报送文件（含若干故意的错误，见 manifest.json）和评审示例",
                       description="按固定随机种子生成各推荐单位的示例报送工作簿。")
    p.add_argument("-o", "--output", metavar="目录", default=str(SAMPLES_OUTPUT), help="输出目录（默认 workbooks/samples）")
    p.add_argument("--seed", type=int, default=2025, metavar="种子", help="随机种子（默认 2025）")
    p.add_argument("--printed", type=int, default=0, metavar="个数",
                   help="其中几个按通知印制的附件7、附件8、表4-2 格式写出（默认 0，全部用标准工作簿）")
    p.add_argument("--force", action="store_true", help="目录中已有示例时覆盖")
    p.add_argument("--policy", metavar="文件", help="政策文件")
    p.set_defaults(func=run_samples)


def resolve_recommender(name: str | None, policy, allow_new: bool) -> str | None:
    """The policy's spelling of a recommender typed on the command line; unknown names need --allow-new."""
    from macros_py.model.normalize import clean_text
    from macros_py.policy.recommenders import resolve

    who = resolve(name, policy)
    if who is None:
        return None
    if who.expected:
        return who.name
    if allow_new:
        return clean_text(name)
    raise UsageError(f"推荐单位“{name}”不在政策文件 {policy.path.name} 的名单中。"
                     "请检查名称，或加 --allow-new 使用新的推荐单位（市直部门名单可在政策文件中增补）。")


def _load(args):
    from macros_py.policy.load import load_policy

    return load_policy(args.policy)


def run_template(args) -> int:
    from macros_py.write.outputs import TEMPLATE, claim
    from macros_py.write.template import write_template

    policy = _load(args)
    out = claim(args.output, TEMPLATE, force=args.force, inputs=[policy.path], option="-o")
    recommender = resolve_recommender(args.recommender, policy, args.allow_new)
    write_template(out, policy, recommender)
    print(f"已生成申报工作簿：{out}" + (f"（推荐单位：{recommender}）" if recommender else ""))
    return 0


def run_samples(args) -> int:
    from macros_py.write.samples import write_samples

    policy = _load(args)
    out = Path(args.output)
    if out.exists() and any(out.glob("*.xlsx")) and not args.force:
        raise UsageError(f"目录 {out} 中已有工作簿；如需覆盖请加 --force。")
    from macros_py.review.example import write_review_example

    paths = write_samples(out, policy, args.seed, printed=args.printed)
    print(f"已生成 {len(paths)} 个示例报送文件和 manifest.json：{out}")
    example = write_review_example(out, policy, args.seed)
    print(f"已生成评审示例（专家名单、收回的复核表和评分表）：{example}")
    return 0

