"""Regenerate extractors/data/regions.csv from the adcodes table of the cpca package.

cpca (MIT licence) ships the national administrative-division codes (GB/T 2260,
province / prefecture / county) as ``cpca/resources/adcodes.csv``.  We keep a
derived, reviewed copy in the repo so that the pipeline needs no extra runtime
dependency.  Run this only on purpose, then review the diff:

    pip download --no-deps cpca==0.5.5 -d /tmp/cpca && unzip -o /tmp/cpca/*.whl -d /tmp/cpca
    python scripts/make_regions.py /tmp/cpca/cpca/resources/adcodes.csv
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

# Placeholder prefecture names that stand for "the municipality itself".
PLACEHOLDER_CITIES = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
HEADER = (
    "# China administrative divisions (province, prefecture city, county level), derived from the adcodes table\n"
    "# of the MIT-licensed cpca 0.5.5 package by scripts/make_regions.py. Municipalities use their own name as city.\n"
)


def main(adcodes_csv: str, out_csv: str = "extractors/data/regions.csv") -> None:
    with open(adcodes_csv, encoding="utf-8") as fh:
        names = {row["adcode"][:6]: row["name"] for row in csv.DictReader(fh)}
    rows = []
    for code, name in sorted(names.items()):
        province = names.get(code[:2] + "0000", "")
        if code.endswith("0000"):
            rows.append((code, province, "", ""))
            continue
        if code.endswith("00"):
            if name in PLACEHOLDER_CITIES:
                continue
            rows.append((code, province, name, ""))
            continue
        city = names.get(code[:4] + "00", "")
        if not city or city in PLACEHOLDER_CITIES:
            city = province if province.endswith("市") else ""
        rows.append((code, province, city, name))
    with Path(out_csv).open("w", encoding="utf-8", newline="") as fh:
        fh.write(HEADER)
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["adcode", "province", "city", "county"])
        writer.writerows(rows)
    print(f"{len(rows)} regions written to {out_csv}")


if __name__ == "__main__":
    main(*sys.argv[1:])
