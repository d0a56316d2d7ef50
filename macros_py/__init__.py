"""shenbao（申报）：大同市高技能人才培训基地和技能大师工作室申报的校验、汇总与 Excel 加载项。"""

__version__ = "0.1.0"

import os as _os

# openpyxl writes through lxml when lxml is installed and through its own writer otherwise; the
# two give different bytes (measured), so the committed workbooks regenerate byte-identically
# only with one of them. Read when openpyxl is first imported: importing this package first fixes it.
_os.environ.setdefault("OPENPYXL_LXML", "False")
