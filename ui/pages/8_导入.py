"""导入: upload report files (each placed as ingest places a file: one report, counted once), and remove
reports from the store."""

from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from indexer.labels import reason_label
from indexer.read import MAX_REPORT_BYTES, SUPPORTED_EXTENSIONS
from ui.common import library, report_link, setup

STATUS = {
    "new": "已导入为新报告",
    "unchanged": "未变（已在库中）",
    "moved": "已在库中（位置已更新）",
    "attached": "已作为同一报告的另一来源",
    "updated": "已更新",
    "version": "已作为该报告的另一版本",
    "failed": "失败",
}
REMOVAL_CHOICES = 200
DETAIL_HINTS = {"version": "同一发布机关、同一年度、内容不同：较新的版本计入统计，其余列为已被取代的版本"}


def upload() -> None:
    files = st.file_uploader(
        "选择报告文件", type=[e.lstrip(".") for e in SUPPORTED_EXTENSIONS], accept_multiple_files=True, key="uploads"
    )
    if not files or not st.button("导入", type="primary"):
        return
    folder = Path(tempfile.mkdtemp(prefix="nianbao-upload-"))
    names, rejected = {}, []
    for i, f in enumerate(files):
        if f.size > MAX_REPORT_BYTES:
            rejected.append((f.name, f"文件过大（{f.size / 1e6:.1f} MB）"))
            continue
        path = folder / f"{i}{Path(f.name).suffix.lower()}"  # the upload's own name is recorded, not this path
        path.write_bytes(f.getvalue())
        names[str(path)] = Path(f.name).name
    bar = st.progress(0.0, text="导入中…")
    summary = library().ingest(
        list(names),
        workers=1,
        progress=lambda done, total: bar.progress(done / max(total, 1), text=f"导入中… {done}/{total}"),
        names=names,
    )
    bar.progress(1.0, text="完成")
    st.cache_data.clear()
    st.cache_resource.clear()  # the store changed: the Library and every shared result
    for o in summary.outcomes:
        message = f"{o.location}：{STATUS.get(o.status, o.status)}"
        if o.status == "failed":
            st.error(f"{message} — {reason_label(o.detail or '')}")
            continue
        st.success(message + (f"。{DETAIL_HINTS[o.status]}" if o.status in DETAIL_HINTS else ""))
        if o.uid:
            report_link(o.uid, f"打开报告 {o.uid}")
    for name, reason in rejected:
        st.error(f"{name}：失败 — {reason}")
    st.caption(f"用时 {summary.seconds:.1f} 秒")


def removal() -> None:
    st.subheader("删除报告")
    if not library().exists() or not library().count():
        st.caption("库中还没有报告。")
        return
    contains = st.text_input("标题包含（筛选要删除的报告）", key="remove_filter").strip()
    titles = library().report_titles(contains, limit=REMOVAL_CHOICES)  # never every report of a large store
    for uid in st.session_state.get("remove_ids") or []:
        titles.setdefault(uid, uid)  # what is chosen stays chosen while the filter changes
    labels = {uid: f"{title or '（无标题）'} [{uid}]" for uid, title in titles.items()}
    chosen = st.multiselect(
        "选择要删除的报告", list(labels), format_func=labels.get, key="remove_ids", placeholder="选择报告"
    )
    if len(titles) >= REMOVAL_CHOICES:
        st.caption(f"只列出最新的 {REMOVAL_CHOICES} 份；输入标题中的字词以缩小范围。")
    if chosen and st.button("删除所选报告", key="remove_button"):
        titles = library().remove(chosen)
        st.cache_data.clear()
        st.cache_resource.clear()  # the store changed: the Library and every shared result
        st.success("已删除：" + "、".join(titles))


def main() -> None:
    setup("导入报告", needs_store=False)
    st.caption(
        f"支持 {' '.join(SUPPORTED_EXTENSIONS)}；单个文件不超过 {MAX_REPORT_BYTES // 1024 // 1024} MB。"
        "同一份报告（同一发布机关、同一年度）无论上传几次、以何种格式上传，都只计为一份。"
    )
    upload()
    removal()


main()
