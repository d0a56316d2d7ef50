"""The `shenbao` command: one argparse tree, Chinese throughout; each subcommand lives in cli/<name>.py.

Subcommand modules only declare their parser in register() and import heavy modules inside their
handler, so that `shenbao --help` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from macros_py import __version__
from macros_py.model.errors import ShenbaoError

SUBCOMMANDS = ("template", "check", "merge", "report", "review", "addin")  # cli/template.py also registers "samples"

# argparse's own words, shown to the user: translated so that every help and error is Chinese.
_ARGPARSE_ZH = {
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "optional arguments": "选项",
    "show this help message and exit": "显示本帮助并退出",
    "the following arguments are required: %s": "缺少必填参数：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选项 %(value)r（可选：%(choices)s）",
    "expected one argument": "需要一个参数值",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "invalid %(type)s value: %(value)r": "无效的 %(type)s 值：%(value)r",
    "show program's version number and exit": "显示版本号并退出",
}


def _zh(text: str) -> str:
    return _ARGPARSE_ZH.get(text, text)


argparse._ = _zh  # argparse looks its messages up through this module-level gettext alias


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="shenbao",
        description="大同市高技能人才培训基地和技能大师工作室申报：生成标准化工作簿、校验、汇总、加载项。",
    )
    parser.add_argument("--version", action="version", version=f"shenbao {__version__}", help="显示版本号并退出")
    sub = parser.add_subparsers(title="子命令", dest="command", metavar="子命令")
    for name in SUBCOMMANDS:
        importlib.import_module(f"{__package__}.{name}").register(sub)
    return parser


class SafeConsole:
    """What the command prints, on its way to the terminal: ID numbers masked and control characters
    from the data (ESC, which can clear the screen or retitle the window) shown as escapes
    (model.privacy.console_text). Everything the command prints passes here, whoever printed it."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text: str) -> int:
        from macros_py.model.privacy import console_text

        self._stream.write(console_text(text))
        return len(text)

    def __getattr__(self, name):
        return getattr(self._stream, name)


def main(argv: list[str] | None = None) -> int:
    streams = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = SafeConsole(sys.stdout), SafeConsole(sys.stderr)
    try:
        return _main(argv)
    finally:
        sys.stdout, sys.stderr = streams


def _main(argv: list[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except ShenbaoError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
