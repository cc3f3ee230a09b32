"""A realistic synthetic province of legal-service subjects (no Django).

Used by ``legalcredit demo`` and by the benchmarks: one seeded generator, so
the demo a user sees and the million-subject benchmark set are the same kind
of data. Proportions come from ``refdata/data/demo_profile.yaml``.

Identifiers are valid and unique by construction: USCC bodies and licence
numbers from counters, ID numbers checked against a set, and ID-number
address codes only for years in which that county existed.
"""
from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from faker.providers.person.zh_CN import Provider as _Names

from .identifiers import generate, id_number

_SURNAMES = list(_Names.last_names.keys())
_SURNAME_WEIGHTS = list(_Names.last_names.values())
_GIVEN_M = _Names.first_names_male
_GIVEN_F = _Names.first_names_female
_SINGLE_M = [g for g in _GIVEN_M if len(g) == 1]
_SINGLE_F = [g for g in _GIVEN_F if len(g) == 1]
# Characters that trade names (字号) of Chinese firms are commonly built from.
_TRADE = ("德恒信诚正和衡泰明君达天元中伦金汇通博瀚海华睿卓远鼎盛安康宏泽弘毅方圆立本仁义"
          "崇法致远开元同心大成京师国浩锦城广盛至善公允明镜平正嘉")
_ROADS = ("人民", "解放", "建设", "中山", "和平", "长江", "淮海", "文化", "健康", "新华", "光明",
          "青年", "胜利", "东风", "环城", "学府", "迎宾", "振兴", "太平", "友谊")


@dataclass
class SubjectRow:
    id: int
    kind: str
    subject_type: str
    category: str | None
    name: str
    region: str
    status: str
    status_since: dt.date
    uscc: str | None = None
    address: str = ""
    legal_representative: str = ""
    id_number: str | None = None
    gender: str = ""
    birth_date: dt.date | None = None
    license_no: str | None = None
    license_issued_on: dt.date | None = None
    license_valid_until: dt.date | None = None


@dataclass
class AffiliationRow:
    person: int
    institution: int
    role: str
    valid_from: dt.date
    valid_to: dt.date | None


@dataclass
class Region:
    code: str
    name: str
    level: str
    parent: str | None


@dataclass
class Province:
    """The province's divisions, as the refdata tables hold them."""

    province: Region
    cities: list[Region]
    counties: list[Region]
    # All county codes of the country, for where practitioners were born.
    national_counties: list[str] = field(default_factory=list)

    def city_of(self, county: Region) -> Region:
        return next((c for c in self.cities if c.code == county.parent), self.province)


class Generator:
    def __init__(self, province: Province, profile: dict, *, seed: int = 2260,
                 today: dt.date | None = None, first_id: int = 1, uscc_serial_start: int = 1):
        self.p = province
        self.profile = profile
        self.rng = random.Random(seed)
        self.today = today or dt.date.today()
        self.next_id = first_id
        self.serial = uscc_serial_start
        self.license_seq: dict[str, int] = {}
        self.seen_ids: set[str] = set()
        self._recent: dict[str, list[int]] = {}
        self._local_codes, self._any_codes = self._birth_codes_by_year()

    # --- helpers ---------------------------------------------------------------
    def _birth_codes_by_year(self) -> tuple[dict[int, list[str]], dict[int, list[str]]]:
        """Address codes in force in each birth year: (local ones, ones from anywhere).

        stdnum's table knows when each county existed; an ID number must carry a
        code that was in force in the holder's birth year, and many of today's
        districts were created after most practitioners were born.
        """
        local = [c.code for c in self.p.counties]
        local += id_number.codes_in_province(self.p.province.code[:2])
        national = self.rng.sample(self.p.national_counties, min(300, len(self.p.national_counties)))
        local_by_year: dict[int, list[str]] = {}
        any_by_year: dict[int, list[str]] = {}
        local_set = set(local)
        for code in dict.fromkeys(local + national):
            for year in range(1950, 2006):
                if id_number.region_name(code, dt.date(year, 6, 1)) is not None:
                    any_by_year.setdefault(year, []).append(code)
                    if code in local_set:
                        local_by_year.setdefault(year, []).append(code)
        if not any_by_year:
            raise ValueError("没有可用于生成身份证号的地址码")
        return local_by_year, any_by_year

    def _new_id(self) -> int:
        self.next_id += 1
        return self.next_id - 1

    def _date_between(self, start: dt.date, end: dt.date) -> dt.date:
        if end <= start:
            return start
        return start + dt.timedelta(days=self.rng.randint(0, (end - start).days))

    def person_name(self, sex: str) -> str:
        surname = self.rng.choices(_SURNAMES, _SURNAME_WEIGHTS)[0]
        male = sex == "male"
        given = self.rng.choice(_GIVEN_M if male else _GIVEN_F)
        if len(given) == 1 and self.rng.random() < 0.6:
            given += self.rng.choice(_SINGLE_M if male else _SINGLE_F)
        return surname + given

    def trade_name(self) -> str:
        return "".join(self.rng.sample(_TRADE, 2))

    def address(self, county: Region) -> str:
        city = self.p.city_of(county)
        city_name = city.name if city.code != self.p.province.code else ""
        return (f"{self.p.province.name}{city_name}{county.name}{self.rng.choice(_ROADS)}"
                f"{self.rng.choice('路街')}{self.rng.randint(1, 899)}号")

    def id_number(self, sex: str, born: dt.date) -> str:
        # Most practitioners were born in the province, some anywhere in the country.
        pool = self._local_codes.get(born.year) if self.rng.random() < 0.8 else None
        pool = pool or self._any_codes[born.year]
        for _ in range(10_000):
            seq = self.rng.randint(0, 499) * 2 + (1 if sex == "male" else 0)
            number = generate.id_number_for(self.rng.choice(pool), born, seq)
            if number not in self.seen_ids:
                self.seen_ids.add(number)
                return number
        raise ValueError(f"{born} 出生的人员过多，无法生成不重复的身份证号")

    def license_no(self, ptype: str, county: Region, year: int, category: str | None,
                   sex: str) -> str:
        seq = self.license_seq.get(ptype, 0) + 1
        self.license_seq[ptype] = seq
        prov = self.p.province.code[:2]
        if ptype == "lawyer":
            cat = {"full_time": "1", "part_time": "2"}.get(category or "", "1")
            if seq > 999_999:
                raise ValueError("律师执业证号顺序号超过6位")
            return generate.lawyer_license_no(province=prov, city=county.code[2:4], year=year,
                                              category=cat, sex=sex, sequence=seq)
        prefix = self.profile["practitioner_types"][ptype]["license_prefix"]
        return f"{prefix}{prov}{year:04d}{seq:07d}"

    # --- generation ------------------------------------------------------------
    def plan(self, total: int) -> dict[str, tuple[int, float]]:
        """Institutions per type and mean staff, scaled so the total is about ``total``."""
        inst = self.profile["institution_types"]
        weight = sum(t["share"] * (1 + t["staff"]) for t in inst.values())
        n_inst = total / weight
        return {code: (max(1, round(n_inst * t["share"])), t["staff"]) for code, t in inst.items()}

    def generate(self, total: int) -> Iterator[tuple[list[SubjectRow], list[AffiliationRow]]]:
        """Yield (subjects, affiliations) one institution with its staff at a time, ``total``
        subjects in all."""
        plan = self.plan(total)
        ptype_of = {code: t["practitioner_type"] for code, t in self.profile["institution_types"].items()}
        budget = total
        # Staff sizes are drawn, so the planned institutions may fall short of the total (338
        # of 400 was seen): another round of the plan's institutions then fills it.
        while budget > 0:
            order = [(code, i) for code, (n, _) in plan.items() for i in range(n)]
            self.rng.shuffle(order)
            for code, _ in order:
                if budget <= 0:
                    break
                staff_mean = plan[code][1]
                # Firm sizes are skewed: many small, a few large (geometric around the mean).
                staff = min(int(self.rng.expovariate(1 / staff_mean)) + (1 if staff_mean >= 1 else 0),
                            budget - 1)
                subjects, affs = self.institution_with_staff(code, ptype_of[code], staff)
                budget -= len(subjects)
                yield subjects, affs

    def institution_with_staff(self, itype: str, ptype: str, staff: int):
        cfg = self.profile["institution_types"][itype]
        county = self.rng.choice(self.p.counties)
        city = self.p.city_of(county)
        founded = self._date_between(dt.date(1985, 1, 1), self.today - dt.timedelta(days=400))
        inst_id = self._new_id()
        category = self.rng.choice(cfg["categories"]) if cfg.get("categories") else None
        base = (county.name if itype in {"grassroots_office", "mediation_committee"}
                else city.name if itype in {"arbitration_commission", "notary_office"}
                else self.p.province.name.removesuffix("省").removesuffix("市"))
        name = cfg["name_pattern"].format(area=base, trade=self.trade_name(),
                                          county=county.name, city=city.name)
        uscc = None
        if cfg.get("uscc_prefix") and self.rng.random() < cfg.get("uscc_coverage", 1.0):
            prefix = cfg["uscc_prefix"]
            uscc = generate.uscc_code(self.rng, authority=prefix[0], category=prefix[1],
                                      region=county.code, serial=self.serial)
            self.serial += 1
        inst = SubjectRow(id=inst_id, kind="institution", subject_type=itype, category=category,
                          name=name, region=county.code, status="practising", status_since=founded,
                          uscc=uscc, address=self.address(county), license_issued_on=founded,
                          license_valid_until=None)
        subjects, affs = [inst], []
        people = []
        pcfg = self.profile["practitioner_types"][ptype]
        recent = self._recent.setdefault(itype, [])
        last_day = self.today - dt.timedelta(days=30)
        for _ in range(staff):
            sex = "male" if self.rng.random() < pcfg.get("male_share", 0.6) else "female"
            born = self._date_between(dt.date(1955, 1, 1), dt.date(2000, 12, 31))
            licensed = self._date_between(min(born + dt.timedelta(days=24 * 365), last_day), last_day)
            pcat = self.rng.choice(pcfg["categories"]) if pcfg.get("categories") else None
            pid = self._new_id()
            person = SubjectRow(
                id=pid, kind="practitioner", subject_type=ptype, category=pcat,
                name=self.person_name(sex), region=county.code, status="practising",
                status_since=licensed, id_number=self.id_number(sex, born), gender=sex,
                birth_date=born, license_issued_on=licensed,
                license_no=self.license_no(ptype, county, licensed.year, pcat, sex)
                if pcfg.get("licensed", True) else None)
            subjects.append(person)
            people.append(person)
            joined = max(licensed, founded)
            # About one in six moved here from another institution of the same
            # type: their earlier membership stays as history.
            if recent and self.rng.random() < 0.16 and (joined - licensed).days > 400:
                affs.append(AffiliationRow(pid, self.rng.choice(recent), "member", licensed,
                                           joined - dt.timedelta(days=1)))
            affs.append(AffiliationRow(pid, inst_id, "member", joined, None))
        self._link_leaders(inst, people, affs)
        recent.append(inst_id)
        del recent[:-50]
        return subjects, affs

    def _link_leaders(self, inst: SubjectRow, people: list[SubjectRow], affs: list[AffiliationRow]):
        if not people:
            return
        head = people[0]
        inst.legal_representative = head.name
        start = max(head.license_issued_on, inst.license_issued_on)
        if len(people) > 2 and self.rng.random() < 0.12:
            # A change of head: an earlier head served until this one took over.
            earlier = people[1]
            earlier_start = max(earlier.license_issued_on, inst.license_issued_on)
            first_switch = max(start, earlier_start) + dt.timedelta(days=1)
            if first_switch < self.today:
                switch = self._date_between(first_switch, self.today - dt.timedelta(days=1))
                affs.append(AffiliationRow(earlier.id, inst.id, "head", earlier_start,
                                           switch - dt.timedelta(days=1)))
                start = switch
        affs.append(AffiliationRow(head.id, inst.id, "head", start, None))
        if inst.category == "partnership":
            for partner in people[: min(len(people), self.rng.randint(2, 4))]:
                affs.append(AffiliationRow(partner.id, inst.id, "partner",
                                           max(partner.license_issued_on, inst.license_issued_on), None))
