"""GB/T 4754-2017 industry table (R21.1), loaded from data/gbt4754_2017.csv as data, not code."""

import csv
from pathlib import Path

GBT4754_CSV = Path(__file__).resolve().parent / "data" / "gbt4754_2017.csv"


def load_industries(industry_model=None, path: Path = GBT4754_CSV) -> int:
    """Insert or update every row of the table; returns the number of rows. Safe to run again."""
    if industry_model is None:
        from .models import Industry as industry_model
    with path.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    existing = {i.code: i for i in industry_model.objects.all()}
    # Parents come before children in the file; insert level by level so FKs resolve.
    for level in ("section", "division", "group", "class"):
        new, changed = [], []
        for row in rows:
            if row["level"] != level:
                continue
            parent_id = row["parent"] or None
            obj = existing.get(row["code"])
            if obj is None:
                new.append(industry_model(code=row["code"], name=row["name"], level=level, parent_id=parent_id))
            elif (obj.name, obj.parent_id) != (row["name"], parent_id):
                obj.name, obj.parent_id = row["name"], parent_id
                changed.append(obj)
        industry_model.objects.bulk_create(new, batch_size=500)
        industry_model.objects.bulk_update(changed, ["name", "parent"], batch_size=500)
    return len(rows)
