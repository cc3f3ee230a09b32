"""The registered purposes of use for non-public credit data (refdata ``query_purposes.yaml``)."""
from __future__ import annotations

import re
from dataclasses import dataclass

_CODE = re.compile(r"^[a-z][a-z_]{1,39}$")


class PurposeError(ValueError):
    """A purpose catalogue that cannot be applied; the message names the place."""


@dataclass(frozen=True)
class Purpose:
    code: str
    name: str
    basis: str


@dataclass(frozen=True)
class Catalogue:
    version: str
    purposes: dict[str, Purpose]

    def find(self, stated: str) -> Purpose | None:
        """The purpose a caller stated, by code or by name; None when it is not registered."""
        stated = (stated or "").strip()
        if stated in self.purposes:
            return self.purposes[stated]
        return next((p for p in self.purposes.values() if p.name == stated), None)

    def listing(self) -> str:
        return "、".join(f"{p.code}（{p.name}）" for p in self.purposes.values())


def parse(doc: dict) -> Catalogue:
    items = doc.get("purposes")
    if not isinstance(items, list) or not items:
        raise PurposeError("purposes：至少登记一项查询用途")
    out: dict[str, Purpose] = {}
    names = set()
    for i, item in enumerate(items):
        where = f"purposes[{i}]"
        code, name, basis = (str(item.get(k, "")).strip() for k in ("code", "name", "basis"))
        if not _CODE.match(code):
            raise PurposeError(f"{where}.code：应为小写字母和下划线，收到“{code}”")
        if code in out or name in names:
            raise PurposeError(f"{where}：代码或名称重复（{code} {name}）")
        if not name or not basis:
            raise PurposeError(f"{where}：name 与 basis（依据）必须填写")
        out[code] = Purpose(code, name, basis)
        names.add(name)
    return Catalogue(version=str(doc["version"]), purposes=out)
