"""Severity names shared by the schema, the engine and every renderer."""

ERROR = "错误"
WARNING = "警告"
INFO = "提示"

SEVERITY_ORDER = {ERROR: 0, WARNING: 1, INFO: 2}
