"""导入: upload report files; each is ingested into the store and reported with its result."""

from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from indexer.ingest import ingest
from indexer.read import MAX_REPORT_BYTES, SUPPORTED_EXTENSIONS
from ui.common import backend, db_path, setup

STATUS = {"ingested": "已导入", "replaced": "已替换旧版本", "unchanged": "未变（已在库中）", "failed": "失败"}


def main() -> None:
    setup("导入报告")
    st.caption(f"支持 {' '.join(SUPPORTED_EXTENSIONS)}；单个文件不超过 {MAX_REPORT_BYTES // 1024 // 1024} MB。")
    files = st.file_uploader(
        "选择报告文件", type=[e.lstrip(".") for e in SUPPORTED_EXTENSIONS], accept_multiple_files=True, key="uploads"
    )
    if not files or not st.button("导入", type="primary"):
        return
    folder = Path(tempfile.mkdtemp(prefix="nianbao-upload-"))
    paths, rejected = [], []
    for f in files:
        if f.size > MAX_REPORT_BYTES:
            rejected.append((f.name, f"文件过大（{f.size / 1e6:.1f} MB）"))
            continue
        path = folder / Path(f.name).name
        path.write_bytes(f.getvalue())
        paths.append(path)
    bar = st.progress(0.0, text="导入中…")
    summary = ingest(
        paths,
        db=db_path(),
        workers=1,
        progress=lambda done, total: bar.progress(done / max(total, 1), text=f"导入中… {done}/{total}"),
    )
    bar.progress(1.0, text="完成")
    st.cache_data.clear()
    backend.clear()
    reasons = {Path(f.path).name: f.reason for f in summary.failed}
    for path in paths:
        status = summary.statuses.get(str(path.resolve()), "failed")
        message = f"{path.name}：{STATUS[status]}"
        if status == "failed":
            st.error(f"{message} — {reasons.get(path.name, '')}")
        else:
            st.success(message)
    for name, reason in rejected:
        st.error(f"{name}：失败 — {reason}")
    st.caption(f"用时 {summary.seconds:.1f} 秒")


main()
