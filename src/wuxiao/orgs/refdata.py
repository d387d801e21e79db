"""Zhengzhou's county-level trade unions (the notice's 开发区、区县（市）总工会), loaded as data."""

import csv
from pathlib import Path

UNITS_CSV = Path(__file__).resolve().parent / "data" / "zhengzhou_units.csv"
COMMITTEE_OFFICE_NAME = "郑州市“五小”创新竞赛组委会办公室（郑州市职工服务中心）"


def union_name(area: str) -> str:
    return f"{area}总工会"


def load_zhengzhou_units(org_model=None, path: Path = UNITS_CSV) -> int:
    """Create each district/county/zone federation of trade unions once; returns how many rows exist."""
    if org_model is None:
        from .models import Organisation as org_model
    with path.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        name = union_name(row["name"])
        org_model.objects.get_or_create(
            kind="district_union", name=name,
            defaults={"region_code": row["code"], "union_name": name, "registration_status": "accepted"},
        )
    org_model.objects.get_or_create(kind="committee", name=COMMITTEE_OFFICE_NAME,
                                    defaults={"address": "郑州市工人路84号205房间"})
    return len(rows)
