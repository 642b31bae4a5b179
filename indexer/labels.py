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

# Why a file was rejected, as a researcher reads it: (pattern of the reason, its Chinese; {0} is the
# part the pattern captures, kept as it is). A reason no pattern knows is shown as it is.
_REASONS = (
    (r"file is empty", "文件为空"),
    (r"file not found", "找不到该文件"),
    (r"not a regular file", "不是普通文件"),
    (
        r"legacy Word \.doc files are not supported.*",
        "不支持旧版 Word .doc 文件：请用 Word、WPS 或 LibreOffice 另存为 .docx 再导入",
    ),
    (
        r"this is a legacy Word \.doc file named \.docx.*",
        "这是扩展名为 .docx 的旧版 .doc 文件：请用 Word、WPS 或 LibreOffice 另存为 .docx",
    ),
    (r"WPS Writer \.wps files are not supported.*", "不支持 WPS .wps 文件：请在 WPS 中另存为 .docx 再导入"),
    (r"file is too large: ([\d.]+ MB).*", "文件过大（{0}），超过单个报告的上限"),
    (r"no text found in the file.*", "文件中没有文字（只有图片的文件请先转换为 PDF 再导入，扫描版 PDF 会做文字识别）"),
    (r"cannot read the file: (.*)", "无法读取文件：{0}"),
    (r"not a text file: binary content.*", "不是文本文件（内容为二进制）"),
    (r"cannot parse the HTML page: (.*)", "无法解析该网页：{0}"),
    (r"PDF is encrypted with an open password.*", "PDF 设有打开密码：请用密码打开后另存一份不加密的副本再导入"),
    (r"PDF uses an encryption that cannot be read.*", "PDF 的加密方式无法读取"),
    (r"not a valid PDF file.*", "不是有效的 PDF 文件（已损坏、不完整或并非 PDF）"),
    (r"not a valid \.docx file.*", "不是有效的 .docx 文件"),
    (r"the text layer cannot be decoded.*", "PDF 的文字层无法解码（字形不对应任何字符）"),
    (r"scanned PDF \(no text layer\): (.*)", "扫描版 PDF（没有文字层）：{0}"),
    (
        r"not a government information disclosure annual report.*",
        "不是政府信息公开工作年度报告（找不到报告标题、章节或信息公开用语）",
    ),
    (r"another ingest is writing to this store.*", "另一个导入正在写入此库，请等它完成"),
    (r"unsupported file type '([^']*)'; supported: (.*)", "不支持的文件类型 {0}；支持 {1}"),
    (r"(.+); supported: (.*)", "不支持的文件（{0}）；支持 {1}"),
)


def reason_label(reason: str) -> str:
    """A rejected file's reason in Chinese (the details a pattern captures kept as they are)."""
    import re

    for pattern, chinese in _REASONS:
        m = re.fullmatch(pattern, reason.strip(), re.S)
        if m:
            return chinese.format(*m.groups())
    return reason


# The parser's notes on a table cell (why it is blank, how it was derived), clause by clause ("; "):
# each pattern's groups are kept as printed, a quoted row label or a parser phrase translated first.
_WHAT = (
    (r"'(.+)' row", "「{0}」行"),
    (r"复议/诉讼表", "复议/诉讼表"),
)
_BASES = {
    "the columns' kinds": "各列的类型",
    "its row total": "行合计",
    "its row total and the table's identities between rows": "行合计和表内各行之间的恒等式",
    "each block's 总计": "各部分的总计",
}
_NOTES = (
    (r"OCR'd text: (.+)", "OCR 识别文本：{0!n}"),
    (
        r"OCR'd '(.+)' row shows (\d+) numbers \((.*)\) for (\d+) columns: a misread cell cannot be told from a"
        r" blank one",
        "OCR 识别的「{0}」行只有 {1} 个数字（{2}），应有 {3} 列：分不清误识的格与空白的格",
    ),
    (
        r"OCR'd row whose parts do not add up to its 总计: a number in it was misread, or printed so",
        "OCR 识别的此行各项之和不等于总计：其中有数字被误识，或原件即如此",
    ),
    (r"'(.+)' row prints (\d+) numbers \((.*)\) for (\d+) columns", "「{0}」行印有 {1} 个数字（{2}），应有 {3} 列"),
    (r"'(.+)' row prints only the amount '(.*)'", "「{0}」行只印了金额「{1}」"),
    (
        r"'(.+)' row prints '(.*)', one number or two, and (\d+) numbers for (\d+) columns: which cells are blank"
        r" cannot be told",
        "「{0}」行印有「{1}」（一个数字或两个），共 {2} 个数字，应有 {3} 列：无法判断哪些格是空白",
    ),
    (r"row '(.+)' not found in the table", "表中没有「{0}」行"),
    (
        r"the text lost the table's layout \(numbers stand apart from their row labels: (.*) …\), so no number can"
        r" be placed in its row",
        "文本已失去表格版式（数字与行标签分离：{0} …），无法确定数字所在的行",
    ),
    (r"the original PDF or page keeps the layout", "原文件（PDF 或网页）保留了版式"),
    (r"no placement satisfies the row total", "没有一种排法符合行合计"),
    (r"the dropped cell's position cannot be proven", "无法确定缺的是哪一格"),
    (
        r"every placement consistent with the row total( and with 新收 \+ 上年结转)? gives this row",
        "符合行合计{0!w}的每种排法都得出此行",
    ),
    (
        r"the only placement with which every block adds up to its 总计 gives it",
        "只有一种排法使每部分都等于其总计，由此得出",
    ),
    (r"blank in the printed table", "表中此格空白"),
    (r"blank or misread by OCR", "此格空白或被 OCR 误识"),
    (r"forced by the row total of '(.+)'", "由「{0}」行的合计推出"),
    (r"forced by 新收 \+ 上年结转 = 总计 \+ 结转下年度", "由 新收 + 上年结转 = 总计 + 结转下年度 推出"),
    (r"forced by （七）总计 = sum of the outcome rows", "由（七）总计 = 各项办理结果之和 推出"),
    (
        r"cell of '(.+)' is blank and the table's identities disagree on it",
        "「{0}」行此格空白，表内恒等式推出的值互相矛盾",
    ),
    (r"cell of '(.+)' is blank in the printed table", "「{0}」行此格在表中空白"),
    (r"cell is blank in the printed table", "此格在表中空白"),
    (r"复议/诉讼表 prints (\d+) numbers for (\d+) cells", "复议/诉讼表印有 {0} 个数字，应有 {1} 格"),
    (r"which cells are blank cannot be told", "无法判断哪些格是空白"),
    (
        r"(.+) prints '(.*)' with no separator, and no split into (\d+) cells fits (.+)",
        "{0!q}印作「{1}」，数字之间没有分隔，拆成 {2} 格的任何拆法都不符合{3!b}",
    ),
    (
        r"(.+) prints '(.*)' with no separator: too many splits into (\d+) cells to decide",
        "{0!q}印作「{1}」，数字之间没有分隔，拆成 {2} 格的拆法太多，无法判断",
    ),
    (r"(.+) prints '(.*)' with no separator", "{0!q}印作「{1}」，数字之间没有分隔"),
    (
        r"(.+) prints '(.*)', (\d+) numbers kept apart by spaces for (\d+) cells, and no split fits (.+?): which"
        r" cells are blank cannot be told",
        "{0!q}印作「{1}」：{2} 个以空格分开的数字对应 {3} 格，任何拆法都不符合{4!b}，无法判断哪些格是空白",
    ),
    (
        r"(\d+) splits into (\d+) cells fit (.+) and give this cell (\d+) values",
        "符合{2!b}的 {0} 种 {1} 格拆法给此格 {3} 个不同的值",
    ),
    (
        r"read from the glued '(.*)': the only split into (\d+) cells fitting (.+) give it",
        "由连写的「{0}」拆出：拆成 {1} 格且符合{2!b}的拆法只有一种",
    ),
    (
        r"read from the glued '(.*)': all (\d+) splits into (\d+) cells fitting (.+) give it",
        "由连写的「{0}」拆出：拆成 {2} 格且符合{3!b}的 {1} 种拆法都得出此值",
    ),
)

# What the flat parser adds to a basis: the bound of 新收 + 上年结转, a row read with blank cells.
_BASIS_CLAUSES = (
    (r"no column above its 新收 \+ 上年结转", "，且各列不超过新收 + 上年结转"),
    (
        r"read as (\d+(?: or \d+)?) numbers \(fewer than (\d+) digits\) placed among the (\d+) columns",
        "，按 {0} 个数字（不足 {1} 位数字）排入 {2} 列",
    ),
)


def _basis_clause(text: str) -> str:
    import re

    for pattern, chinese in _BASIS_CLAUSES:
        m = re.fullmatch(pattern, text)
        if m:
            return chinese.format(*(g.replace(" or ", "或") for g in m.groups()))
    return ", " + text


def note_label(note: str) -> str:
    """A parser's note on a cell (its blank's reason or its derivation's basis) in Chinese."""
    import re

    def convert(value: str, how: str) -> str:
        if how == "n":
            return note_label(value)
        if how == "w":
            return "及新收 + 上年结转" if value else ""
        if how == "b":  # a basis, then the clauses the flat parser adds to it (", …")
            first, *more = value.split(", ")
            return _BASES.get(first, first) + "".join(_basis_clause(c) for c in more)
        if how == "q":
            for pattern, chinese in _WHAT:
                m = re.fullmatch(pattern, value)
                if m:
                    return chinese.format(*m.groups())
        return value

    def clause(text: str) -> str:
        for pattern, chinese in _NOTES:
            m = re.fullmatch(pattern, text.strip(), re.S)
            if m:
                groups = [g or "" for g in m.groups()]
                return re.sub(r"\{(\d+)(?:!(\w))?\}", lambda f, g=groups: convert(g[int(f[1])], f[2] or ""), chinese)
        return text

    if note.startswith("OCR'd text: "):
        return clause(note)
    return "；".join(clause(part) for part in note.split("; "))
