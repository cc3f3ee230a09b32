"""Building a demo (or benchmark) province in the database."""
from __future__ import annotations

import time
from importlib import resources

import yaml
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from legalcredit.audit import services as audit
from legalcredit.audit.models import AuditEntry
from legalcredit.core.models import ImportBatch
from legalcredit.domain import synthetic
from legalcredit.refdata.models import Region, SubjectCategory

from .bulk import BulkWriter, write_all
from .models import Subject

SIZES = {"small": 3_000, "medium": 50_000, "large": 500_000}


def parse_size(size: str) -> int:
    if size in SIZES:
        return SIZES[size]
    try:
        n = int(size.replace("_", "").replace(",", ""))
    except ValueError:
        raise ValueError(f"--size 应为 small、medium、large 或正整数，收到 {size}") from None
    if n < 10:
        raise ValueError("--size 至少为 10")
    return n


def profile() -> dict:
    raw = resources.files("legalcredit.refdata").joinpath("data", "demo_profile.yaml").read_bytes()
    return yaml.safe_load(raw)


def province(code: str) -> synthetic.Province:
    prov = Region.objects.filter(code=code, level="province").first()
    if prov is None:
        raise ValueError(f"省级行政区划代码 {code} 不存在，请先运行 legalcredit refdata load")
    prefix = code[:2]

    def row(r):
        return synthetic.Region(r.code, r.name, r.level, r.parent_id)

    cities = [row(r) for r in Region.objects.filter(code__startswith=prefix, level="city", in_force=True)]
    counties = [row(r) for r in Region.objects.filter(code__startswith=prefix, level="county",
                                                      in_force=True)]
    national = list(Region.objects.filter(level="county").values_list("code", flat=True))
    if not counties:
        raise ValueError(f"{prov.name}下没有县级行政区划")
    return synthetic.Province(row(prov), cities, counties, national)


def build(size: str | int, *, province_code: str, seed: int = 2260, actor=None,
          progress=None) -> tuple[ImportBatch, float]:
    """Generate and store a province; one transaction, so a failure leaves nothing."""
    total = size if isinstance(size, int) else parse_size(size)
    started = time.perf_counter()
    prov = province(province_code)
    with transaction.atomic():
        first_id = (Subject.objects.aggregate(m=Max("id"))["m"] or 0) + 1
        gen = synthetic.Generator(prov, profile(), seed=seed, first_id=first_id,
                                  uscc_serial_start=first_id, today=timezone.localdate())
        gen.seen_ids.update(Subject.objects.exclude(id_number=None).values_list("id_number", flat=True))
        for row in Subject.objects.values("subject_type").annotate(n=Count("id")):
            gen.license_seq[row["subject_type"]] = row["n"]
        batch = ImportBatch.objects.create(
            kind="demo", source=f"legalcredit demo（{prov.province.name}）",
            created_by=actor if getattr(actor, "pk", None) else None,
            parameters={"size": total, "province": province_code, "seed": seed})
        categories = {(c.subject_type_id, c.code): c.pk for c in SubjectCategory.objects.all()}
        writer = BulkWriter(batch.pk, categories)
        write_all(gen.generate(total), writer, progress=progress)
        batch.rows = writer.subjects
        ImportBatch.objects.filter(pk=batch.pk).update(rows=writer.subjects)
        # Bulk rows carry no per-row history; the batch itself is the audited write.
        audit.record(action=AuditEntry.Action.BULK, actor=actor, object_type="core.importbatch",
                     object_id=batch.pk, summary=f"{batch.source}：{writer.subjects} 个主体",
                     reason="生成演示数据", data=batch.parameters)
    return batch, time.perf_counter() - started
