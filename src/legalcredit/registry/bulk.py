"""Bulk writing of generated or imported subjects, fast on both databases.

Django's ``bulk_create`` costs about three times raw ``executemany`` on
SQLite, and PostgreSQL's COPY is faster still (stack notes); a million
subjects with their affiliations and name index must load in minutes. Rows
carry explicit ids so affiliations can point at subjects without a round trip.
The caller holds one transaction: a failed load leaves nothing behind.
"""
from __future__ import annotations

from collections.abc import Iterable

from django.db import connection
from django.utils import timezone

from legalcredit.core.sealing import seal
from legalcredit.domain.synthetic import AffiliationRow, SubjectRow
from legalcredit.domain.text import pinyin_initials

from . import search_index

SUBJECT_COLUMNS = (
    "id", "kind", "subject_type_id", "category_id", "name", "region_id", "status_id",
    "status_since", "status_until", "uscc", "address", "legal_representative", "id_number",
    "gender", "birth_date", "license_no", "license_issued_on", "license_valid_until",
    "pinyin_initials", "import_batch_id", "created_at", "updated_at")
AFFILIATION_COLUMNS = ("person_id", "institution_id", "role", "valid_from", "valid_to",
                       "import_batch_id", "created_by_id")


class BulkWriter:
    def __init__(self, batch_id: int, categories: dict[tuple[str, str], int]):
        self.batch_id = batch_id
        self.categories = categories
        self.now = timezone.now()
        self.vendor = connection.vendor
        self.subjects = 0
        self.affiliations = 0

    def _subject_tuple(self, s: SubjectRow):
        cat = self.categories.get((s.subject_type, s.category)) if s.category else None
        return (s.id, s.kind, s.subject_type, cat, s.name, s.region, s.status, s.status_since,
                None, s.uscc, s.address, s.legal_representative, seal(s.id_number), s.gender,
                s.birth_date, s.license_no, s.license_issued_on, s.license_valid_until,
                pinyin_initials(s.name), self.batch_id, self.now, self.now)

    def _aff_tuple(self, a: AffiliationRow):
        return (a.person, a.institution, a.role, a.valid_from, a.valid_to, self.batch_id, None)

    def write(self, subjects: list[SubjectRow], affiliations: list[AffiliationRow]) -> None:
        names = [(s.id, s.name, s.region, s.kind) for s in subjects]
        with connection.cursor() as cur:
            if self.vendor == "postgresql":
                raw = cur.cursor
                with raw.copy(f"COPY registry_subject ({', '.join(SUBJECT_COLUMNS)}) FROM STDIN") as cp:
                    for s in subjects:
                        cp.write_row(self._subject_tuple(s))
                with raw.copy("COPY registry_affiliation "
                              f"({', '.join(AFFILIATION_COLUMNS)}) FROM STDIN") as cp:
                    for a in affiliations:
                        cp.write_row(self._aff_tuple(a))
                search_index.copy_names_postgres(raw, names)
            else:
                marks = ", ".join(["%s"] * len(SUBJECT_COLUMNS))
                cur.executemany(f"INSERT INTO registry_subject ({', '.join(SUBJECT_COLUMNS)}) "
                                f"VALUES ({marks})", [self._subject_tuple(s) for s in subjects])
                marks = ", ".join(["%s"] * len(AFFILIATION_COLUMNS))
                cur.executemany(f"INSERT INTO registry_affiliation ({', '.join(AFFILIATION_COLUMNS)}) "
                                f"VALUES ({marks})", [self._aff_tuple(a) for a in affiliations])
                search_index.index_names(names, replace=False)
        self.subjects += len(subjects)
        self.affiliations += len(affiliations)

    def finish(self) -> None:
        """Move id sequences past the explicit ids and refresh planner statistics."""
        with connection.cursor() as cur:
            if self.vendor == "postgresql":
                for table in ("registry_subject", "registry_affiliation"):
                    cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                f"GREATEST((SELECT MAX(id) FROM {table}), 1))")
                search_index.flush_postgres(cur)
                cur.execute("ANALYZE registry_subject; ANALYZE registry_affiliation; "
                            "ANALYZE registry_name_index")
            else:
                cur.execute("ANALYZE")


def write_all(batches: Iterable[tuple[list[SubjectRow], list[AffiliationRow]]], writer: BulkWriter,
              *, chunk: int = 20000, progress=None) -> None:
    """Group the generator's per-institution output into chunks and write them."""
    subjects: list[SubjectRow] = []
    affs: list[AffiliationRow] = []
    for s, a in batches:
        subjects.extend(s)
        affs.extend(a)
        if len(subjects) >= chunk:
            writer.write(subjects, affs)
            subjects, affs = [], []
            if progress:
                progress(writer.subjects)
    if subjects:
        writer.write(subjects, affs)
        if progress:
            progress(writer.subjects)
    writer.finish()
