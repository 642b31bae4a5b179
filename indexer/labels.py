"""What a researcher reads for the model's names: section kinds and levels in Chinese."""

from __future__ import annotations

SECTION_LABELS = {
    "preamble": "标题与导言",
    "overview": "一、总体情况",
    "proactive": "二、主动公开",
    "applications": "三、依申请公开",
    "review_litigation": "四、复议诉讼",
    "problems": "五、问题及改进",
    "other": "六、其他事项",
}
LEVEL_LABELS = {"province": "省级", "city": "市级", "county": "县级", "department": "部门", "township": "乡镇"}
TABLE_LABELS = {
    "proactive": "主动公开情况",
    "requests": "收到和处理申请情况",
    "review_litigation": "行政复议、行政诉讼情况",
}
# The proactive table's columns (both templates) and the review table's, as the reports print them.
FIELD_LABELS = {
    "new_made": "本年新制作数量",
    "new_published": "本年新公开数量",
    "total": "对外公开总数量",
    "issued": "本年制发件数",
    "repealed": "本年废止件数",
    "in_force": "现行有效件数",
    "prev_items": "上一年项目数量",
    "change": "本年增/减",
    "decisions": "处理决定数量",
    "items": "采购项目数量",
    "amount_wan_yuan": "金额（万元）",
    "维持": "结果维持",
    "纠正": "结果纠正",
    "其他": "其他结果",
    "尚未审结": "尚未审结",
    "总计": "总计",
}
GROUPING_LABELS = {"province": "省份", "city": "地市", "county": "区县", "level": "层级", "year": "年度"}


def cell_label(table: str, row: str, column: str) -> str:
    """A table cell as a researcher names it: 申请情况 · 予以公开 · 自然人."""
    return f"{TABLE_LABELS.get(table, table)} · {row} · {FIELD_LABELS.get(column, column)}"
