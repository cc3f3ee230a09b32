"""Uploads for an application: checked for type (by extension and content) and size before storing."""
from __future__ import annotations

import hashlib
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction

from ..models import Material
from .common import policy, step

KINDS = {"proof": "履行义务证明", "letter": "信用修复承诺书", "other": "其他材料", "decision": "行政处罚决定书"}


def check(name: str, content: bytes) -> str:
    """The extension, or ValidationError naming the rule broken."""
    up = policy().uploads
    ext = PurePath(name or "").suffix.lower().lstrip(".")
    allowed = "、".join(sorted(up.types))
    if ext not in up.types:
        raise ValidationError({"file": f"文件：类型“{ext or '无扩展名'}”不允许上传，仅限 {allowed}"})
    if not content:
        raise ValidationError({"file": "文件：不能为空文件"})
    if len(content) > up.max_bytes:
        raise ValidationError({"file": f"文件：大小 {len(content) / 1048576:.1f} MB 超过上限 "
                                       f"{up.max_bytes // 1048576} MB"})
    if not any(content.startswith(m) for m in up.types[ext]):
        raise ValidationError({"file": f"文件：内容与扩展名“{ext}”不符（不是有效的 {ext.upper()} 文件）"})
    return ext


@transaction.atomic
def attach(case_type: str, case, *, by, kind: str, name: str, content: bytes, on) -> Material:
    if kind not in KINDS:
        raise ValidationError({"kind": f"材料类别：须为 {'、'.join(KINDS)} 之一"})
    check(name, content)
    if Material.objects.filter(case_type=case_type, case_id=case.pk).count() >= policy().uploads.max_files:
        raise ValidationError({"file": f"文件：每件申请最多上传 {policy().uploads.max_files} 个文件"})
    digest = hashlib.sha256(content).hexdigest()
    m = Material(case_type=case_type, case_id=case.pk, kind=kind, name=PurePath(name).name[:200],
                 size=len(content), sha256=digest, uploaded_by=by)
    m.file.save(f"{digest[:16]}{PurePath(name).suffix.lower()}", ContentFile(content), save=False)
    m.save(force_insert=True)
    step(case_type, case, f"上传{KINDS[kind]}", by, on, f"{m.name}（{m.size} 字节，SHA-256 {digest}）")
    return m


def has(case_type: str, case_id: int, kind: str) -> bool:
    return Material.objects.filter(case_type=case_type, case_id=case_id, kind=kind).exists()
