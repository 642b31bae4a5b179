"""The ``nianbao`` command line: thin wrappers over the library's functions."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from typing import Any

import click

from indexer.errors import NianbaoError
from indexer.model import APPLICANT_COLUMNS, Report, Value


def _user_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Print a NianbaoError as one line and exit 1, never a traceback."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except NianbaoError as exc:
            click.echo(f"错误: {exc}", err=True)
            sys.exit(1)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="nianbao")
def main() -> None:
    """Nianbao (年报): search and analyse 政府信息公开工作年度报告."""


@main.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the whole model as one JSON object.")
@_user_errors
def parse(file: str, as_json: bool) -> None:
    """Parse one report FILE (.txt .docx .pdf .html) and show what was recovered."""
    from indexer.parse import parse_file

    report = parse_file(file)
    if as_json:
        click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        click.echo(render_summary(report))


def _cell(v: Value) -> str:
    if v.value is None:
        return "—"
    return f"{v.value:g}" + ("*" if v.derived else "")


def render_summary(report: Report) -> str:
    """A readable summary of a parsed report: metadata, sections, tables, failing checks."""
    r = report.region
    region = " / ".join(x for x in (r.province, r.city, r.county) if x) if r else "未识别"
    lines = [
        f"标题: {report.title or '未识别'}",
        f"发布机关: {report.publisher or '未识别'}  (层级: {report.level or '未知'})",
        f"地区: {region}",
        f"年度: {report.year or '未识别'}   模板: {report.template}",
        "章节: " + " | ".join(f"{s.number or '-'} {s.heading} [{s.kind}]" for s in report.sections),
    ]
    if report.proactive:
        lines.append("第二十条表:")
        for row, cells in report.proactive.items():
            lines.append(f"  {row}: " + ", ".join(f"{k}={_cell(v)}" for k, v in cells.items()))
    if report.requests:
        lines.append("申请表 (" + " ".join(APPLICANT_COLUMNS) + "):")
        width = max(len(k) for k in report.requests)
        for row, cells in report.requests.items():
            lines.append(f"  {row:<{width}} " + " ".join(f"{_cell(v):>4}" for v in cells))
    if report.review_litigation:
        lines.append("复议/诉讼表:")
        for block, cells in report.review_litigation.items():
            lines.append(f"  {block}: " + ", ".join(f"{k}={_cell(v)}" for k, v in cells.items()))
    failing = [c for c in report.consistency if c.ok is False]
    unevaluated = [c for c in report.consistency if c.ok is None]
    lines.append(f"一致性检查: {len(failing)} 项不通过, {len(unevaluated)} 项无法检查")
    lines += [f"  ✗ {c.check}: {c.detail}" for c in failing]
    lines += [f"  ? {c.check}: {c.detail}" for c in unevaluated]
    if report.derived_cells:
        lines.append(
            "推算的单元格 (*): " + "; ".join(f"{d.row}/{d.column or '?'}={d.value:g}" for d in report.derived_cells)
        )
    lines += [f"警告: {w}" for w in report.warnings]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
