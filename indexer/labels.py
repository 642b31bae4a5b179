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
