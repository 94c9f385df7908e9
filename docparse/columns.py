"""What the columns of a 任务分工表 hold, found by the words of their header cells."""

from __future__ import annotations

from .model import squash

# Header words of each role, most specific first.  A header cell takes the first role
# whose word it contains.
ROLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("seq", ("序号", "编号")),
    ("coop", ("配合单位", "配合部门", "协办单位", "协办部门", "参与单位", "协助单位", "配合")),
    (
        "lead",
        (
            "牵头单位",
            "牵头部门",
            "牵头负责",
            "责任单位",
            "责任部门",
            "主责单位",
            "主责部门",
            "负责单位",
            "负责部门",
            "主办单位",
            "承办单位",
            "牵头",
        ),
    ),
    ("deadline", ("完成时限", "时间节点", "完成时间", "时限要求", "进度安排", "时限", "时间")),
    ("group", ("重点任务", "主要任务", "任务类别", "工作类别", "类别", "领域", "板块", "方面")),
    (
        "task",
        (
            "具体措施",
            "工作措施",
            "主要内容",
            "工作内容",
            "具体任务",
            "任务内容",
            "重点工作",
            "工作任务",
            "任务",
            "措施",
            "举措",
            "事项",
            "内容",
            "目标",
        ),
    ),
    ("note", ("备注", "说明")),
)


def role_of(name: str) -> str | None:
    key = squash(name)
    if not key or len(key) > 16:
        return None
    for role, words in ROLES:
        if any(word in key for word in words):
            return role
    return None


def group_columns(rows: list[list[str]], scan: int = 6) -> tuple[int, set[int]]:
    """The header row's index and the columns it says group the rows (重点任务 beside
    具体措施, 类别 …); (-1, set()) when no header row is found."""
    for k, row in enumerate(rows[:scan]):
        roles = [role_of(c) for c in row]
        if "task" in roles or "lead" in roles:
            return k, ({c for c, role in enumerate(roles) if role == "group"} if "task" in roles else set())
    return -1, set()
