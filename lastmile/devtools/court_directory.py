"""Build ``lastmile/accounts/data/court_directory.json``: every high, intermediate and basic
people's court of the mainland, with its 法院代字, derived from the administrative division codes
(GB/T 2260) by the rule of 法〔2015〕137号 (案号意见) arts. 5–6: the province's character for a
high court, plus the two digits of the prefecture for an intermediate court, plus the four digits
of the prefecture and county for a basic court.

Special courts (maritime, railway, internet, financial, intellectual property) and the
municipalities' several intermediate courts do not follow the rule; the file lists the ordinary
courts only, each marked ``derived``; a row confirmed against the court's own published case
numbers may be marked ``verified``. Rerun with the division tables (CSV: code,name[,parent]) of
the ``china-division`` data set (MIT/WTFPL)::

    python -m lastmile.devtools.court_directory provinces.csv cities.csv areas.csv
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "accounts" / "data" / "court_directory.json"

#: The province's character in case numbers (案号意见 art. 5 and its appendix).
PROVINCE_CHARS = {
    "11": "京", "12": "津", "13": "冀", "14": "晋", "15": "内", "21": "辽", "22": "吉", "23": "黑",
    "31": "沪", "32": "苏", "33": "浙", "34": "皖", "35": "闽", "36": "赣", "37": "鲁", "41": "豫",
    "42": "鄂", "43": "湘", "44": "粤", "45": "桂", "46": "琼", "50": "渝", "51": "川", "52": "黔",
    "53": "云", "54": "藏", "61": "陕", "62": "甘", "63": "青", "64": "宁", "65": "新",
}  # fmt: skip
MUNICIPALITIES = {"11", "12", "31", "50"}


def _read(path: str) -> list[list[str]]:
    with open(path, encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    return rows[1:]


def build(provinces: str, cities: str, areas: str) -> list[dict[str, str | None]]:
    prov = {row[0]: row[1] for row in _read(provinces)}
    city = {row[0]: (row[1], row[2]) for row in _read(cities)}
    out: list[dict[str, str | None]] = []
    for pcode, pname in sorted(prov.items()):
        char = PROVINCE_CHARS.get(pcode)
        if char is None:
            continue
        out.append(
            {
                "code": char,
                "name": f"{pname}高级人民法院",
                "level": "high",
                "parent": None,
                "division": f"{pcode}0000",
            }
        )
        if pcode in MUNICIPALITIES:
            out.append(
                {
                    "code": f"{char}01",
                    "name": f"{pname}第一中级人民法院",
                    "level": "intermediate",
                    "parent": char,
                    "division": f"{pcode}0100",
                }
            )
        for ccode, (cname, cp) in sorted(city.items()):
            if cp != pcode or pcode in MUNICIPALITIES or "直辖县级" in cname:
                continue  # counties administered by the province: no intermediate court of their own
            out.append(
                {
                    "code": f"{char}{ccode[2:]}",
                    "name": f"{cname}中级人民法院",
                    "level": "intermediate",
                    "parent": char,
                    "division": f"{ccode}00",
                }
            )
    for acode, aname, ccode, pcode in _read(areas):
        char = PROVINCE_CHARS.get(pcode)
        if char is None or aname == "市辖区" or acode[4] == "7":
            continue  # 7x: development zones and the like, which have no people's court of their own
        cname = city.get(ccode, ("", ""))[0]
        if pcode in MUNICIPALITIES:
            name, parent = f"{prov[pcode]}{aname}人民法院", f"{char}01"
        elif "直辖县级" in cname:
            name, parent = f"{aname}人民法院", char
        elif aname.endswith("区"):
            name, parent = f"{cname}{aname}人民法院", f"{char}{ccode[2:]}"
        else:
            name, parent = f"{aname}人民法院", f"{char}{ccode[2:]}"
        out.append(
            {
                "code": f"{char}{acode[2:]}",
                "name": name,
                "level": "basic",
                "parent": parent,
                "division": acode,
            }
        )
    return out


def main(argv: list[str]) -> int:
    rows = build(*argv[:3])
    seen: set[str] = set()
    unique = [r for r in rows if not (r["code"] in seen or seen.add(str(r["code"])))]  # type: ignore[func-returns-value]
    payload = {
        "source": (
            "法院代字 derived from GB/T 2260 division codes (china-division 2.7.0, MIT/WTFPL) "
            "by 法〔2015〕137号 arts. 5–6; ordinary courts only; "
            "lastmile/devtools/court_directory.py rebuilds it"
        ),
        "status": "derived",
        "courts": unique,
    }
    lines = ",\n".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) for r in unique)
    head = json.dumps({k: v for k, v in payload.items() if k != "courts"}, ensure_ascii=False)[:-1]
    OUT.write_text(f'{head}, "courts": [\n{lines}\n]}}\n', encoding="utf-8")
    print(f"{len(unique)} courts -> {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
