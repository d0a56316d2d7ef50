"""`shenbao template`: write the standardized county workbook."""


def register(sub) -> None:
    p = sub.add_parser("template", help="生成标准化申报工作簿（县区和市直部门填报用）",
                       description="生成标准化申报工作簿（县区和市直部门填报用）。")
    p.add_argument("-o", "--output", required=True, metavar="文件", help="输出的 .xlsx 文件")
    p.add_argument("--recommender", metavar="推荐单位", help="预先填好的推荐单位名称（须在政策文件名单中）")
    p.add_argument("--allow-new", action="store_true", help="允许不在政策文件名单中的推荐单位")
    p.add_argument("--force", action="store_true", help="覆盖已存在的文件")
    p.add_argument("--policy", metavar="文件", help="政策文件（默认 workbooks/policy_2025.toml）")
    p.set_defaults(func=run)


def run(args) -> int:
    raise NotImplementedError
