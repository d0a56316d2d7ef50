"""`shenbao addin build` and `shenbao addin install`: the Excel add-in (高技能人才申报 ribbon)."""


def register(sub) -> None:
    p = sub.add_parser("addin", help="生成或安装 Excel 加载项（“高技能人才申报”选项卡）",
                       description="生成或安装 Excel 加载项（“高技能人才申报”选项卡和 =SB_... 工作表函数）。")
    actions = p.add_subparsers(title="操作", dest="addin_command", metavar="操作")

    b = actions.add_parser("build", help="由 addin/ 中的源文件生成 .xlam 加载项",
                           description="由 addin/ 中的源文件和已安装的 xlwings 生成 .xlam 加载项；同样的源文件生成完全相同的文件。")
    b.add_argument("-o", "--output", required=True, metavar="文件", help="输出的 .xlam 文件")
    b.add_argument("--force", action="store_true", help="覆盖已存在的文件")
    b.add_argument("--selftest", action="store_true",
                   help="生成供 LibreOffice 测试用的版本（不含 xlwings 模块，含自检宏）")
    b.set_defaults(func=run_build)

    i = actions.add_parser("install", help="生成加载项并放到 Excel 加载项文件夹（Windows、macOS）",
                           description="生成加载项并放到 Excel 加载项文件夹，说明做了什么和下一步；Linux 上没有 Excel，只写出文件。")
    i.add_argument("--force", action="store_true", help="覆盖已安装的加载项")
    i.set_defaults(func=run_install)
    p.set_defaults(func=lambda args: p.print_help() or 2)


def run_build(args) -> int:
    from macros_py.addin.build import build_addin, claim_addin, write_addin

    claim_addin(args.output, force=args.force)  # before the build: a refusal costs nothing
    path = write_addin(args.output, build_addin(selftest=args.selftest), force=args.force)
    kind = "自检版加载项（仅供 LibreOffice 测试）" if args.selftest else "加载项"
    print(f"已生成{kind}：{path}")
    return 0


def run_install(args) -> int:
    from macros_py.addin.install import install, plan_install

    for line in install(plan_install(), force=args.force):
        print(line)
    return 0
