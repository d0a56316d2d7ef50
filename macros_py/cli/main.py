"""The `shenbao` command: one argparse tree, Chinese throughout; each subcommand lives in cli/<name>.py.

Subcommand modules only declare their parser in register() and import heavy modules inside their
handler, so that `shenbao --help` stays fast.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import os
import sys
import tempfile
from pathlib import Path

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


class HelpFormatter(argparse.HelpFormatter):
    """Lists a group of subcommands under its heading only: argparse would repeat the heading (子命令:)
    as the group's first line (子命令) before the subcommands."""

    def _format_action(self, action):
        if isinstance(action, argparse._SubParsersAction):
            return "".join(self._format_action(a) for a in self._iter_indented_subactions(action))
        return super()._format_action(action)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="shenbao", formatter_class=HelpFormatter,
        description="大同市高技能人才培训基地和技能大师工作室申报：生成标准化工作簿、校验、汇总、加载项。",
    )
    parser.add_argument("--version", action="version", version=f"shenbao {__version__}", help="显示版本号并退出")
    sub = parser.add_subparsers(title="子命令", dest="command", metavar="子命令")
    sub.add_parser = functools.partial(sub.add_parser, formatter_class=HelpFormatter)
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


def _unraisable(hook_args) -> None:
    """Errors Python can only report while collecting objects (a half-written zip after a full disk):
    never a traceback on screen; the run's own message has said what failed."""


def main(argv: list[str] | None = None) -> int:
    streams = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = SafeConsole(sys.stdout), SafeConsole(sys.stderr)
    sys.unraisablehook = _unraisable
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
        print(f"{exc.label}：{exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - the last line of defence: never a traceback on screen
        print(unexpected_message(exc, args), file=sys.stderr)
        return 2


def log_folder() -> Path:
    """Where tracebacks of unexpected errors go: SHENBAO_LOG_DIR, else the system's temporary folder."""
    return Path(os.environ.get("SHENBAO_LOG_DIR") or tempfile.gettempdir())


def unexpected_message(exc: BaseException, args=None) -> str:
    """Write the traceback to a log file and return the Chinese message that names it."""
    import datetime as dt
    import platform
    import traceback

    now = dt.datetime.now()
    text = (f"shenbao {__version__}  {now.isoformat(timespec='seconds')}\n"
            f"Python {sys.version.split()[0]}  {platform.platform()}\n"
            f"命令：{' '.join(sys.argv)}\n\n" + "".join(traceback.format_exception(exc)))
    what = f"{type(exc).__name__}: {exc}"
    if isinstance(exc, OSError) and exc.errno is not None:
        from macros_py.write.outputs import describe_os_error

        what = f"{describe_os_error(exc)}（{what}）"
    try:
        folder = log_folder()
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"shenbao-错误-{now:%Y%m%d-%H%M%S}-{os.getpid()}.log"
        path.write_text(text, encoding="utf-8")
        where = f"详细信息已写入 {path}，请把这个文件和所用的命令发给系统维护人员。"
    except OSError as log_exc:
        where = f"（详细信息也无法写入日志文件：{log_exc.strerror or log_exc}。）"
    return f"错误：程序遇到了意外的故障，没有完成：{what}。{where}"


if __name__ == "__main__":
    sys.exit(main())
