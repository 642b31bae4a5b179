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


# The applications table's rows as the templates print them (2019: one （六）其他处理 row; 2021: three).
REQUEST_ROW_LABELS = {
    "新收": "一、本年新收政府信息公开申请数量",
    "上年结转": "二、上年结转政府信息公开申请数量",
    "予以公开": "三、本年度办理结果 （一）予以公开",
    "部分公开": "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "不予公开.国家秘密": "（三）不予公开 1.属于国家秘密",
    "不予公开.法律法规禁止": "2.其他法律行政法规禁止公开",
    "不予公开.三安全一稳定": "3.危及“三安全一稳定”",
    "不予公开.第三方合法权益": "4.保护第三方合法权益",
    "不予公开.内部事务": "5.属于三类内部事务信息",
    "不予公开.过程性信息": "6.属于四类过程性信息",
    "不予公开.行政执法案卷": "7.属于行政执法案卷",
    "不予公开.行政查询事项": "8.属于行政查询事项",
    "无法提供.不掌握": "（四）无法提供 1.本机关不掌握相关政府信息",
    "无法提供.需另行制作": "2.没有现成信息需要另行制作",
    "无法提供.补正后仍不明确": "3.补正后申请内容仍不明确",
    "不予处理.信访举报投诉": "（五）不予处理 1.信访举报投诉类申请",
    "不予处理.重复申请": "2.重复申请",
    "不予处理.公开出版物": "3.要求提供公开出版物",
    "不予处理.大量反复申请": "4.无正当理由大量反复申请",
    "不予处理.确认或重新出具": "5.要求行政机关确认或重新出具已获取信息",
    "其他处理": "（六）其他处理",
    "其他处理.逾期不补正": "（六）其他处理 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "其他处理.逾期未缴费": "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "其他处理.其他": "3.其他",
    "总计": "（七）总计",
    "结转下年度": "四、结转下年度继续办理",
}
REVIEW_BLOCK_LABELS = {
    "复议": "行政复议",
    "直接起诉": "行政诉讼 · 未经复议直接起诉",
    "复议后起诉": "行政诉讼 · 复议后起诉",
}
# The checks as a researcher names them.
CHECK_LABELS = {
    "requests.balance": "新收 + 上年结转 = 办理结果总计 + 结转下年度",
    "requests.total_row": "（七）总计 = 各项办理结果之和",
    "requests.row_sum": "每行总计 = 各类申请人之和",
    "review.sum": "复议、诉讼：总计 = 维持 + 纠正 + 其他 + 尚未审结",
    "narrative.requests": "正文所述申请数 = 表中申请数",
    "narrative.breakdown": "正文分项之和不超过所述总数",
    "narrative.rate": "正文所列比率 = 其数字之比",
    "narrative.conflict": "正文对同一事项的数字一致",
    "sections.missing": "六个部分齐全",
    "tables.missing": "三张统计表齐全",
}
