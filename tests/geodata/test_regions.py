"""Point classification into the former oblast, the seven districts, Azerbaijan, Nakhchivan,
Armenia or elsewhere."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from geodata.layers import REGIONS, classify_regions, load_layers
from geodata.regions import classify_regions as classify_direct

KNOWN = [
    ("Stepanakert", 46.752, 39.815, "Former NKAO"),
    ("Shusha", 46.748, 39.758, "Former NKAO"),
    ("Hadrut", 47.032, 39.520, "Former NKAO"),
    ("Martakert", 46.820, 40.214, "Former NKAO"),
    ("Aghdam", 46.927, 39.991, "Aghdam district"),
    ("Fuzuli", 47.145, 39.601, "Fuzuli district"),
    ("Horadiz", 47.335, 39.450, "Fuzuli district"),
    ("Jabrayil", 47.028, 39.399, "Jabrayil district"),
    ("Zangilan", 46.660, 39.084, "Zangilan district"),
    ("Qubadli", 46.582, 39.344, "Qubadli district"),
    ("Lachin", 46.550, 39.637, "Lachin district"),
    ("Kalbajar", 46.044, 40.110, "Kalbajar district"),
    ("Baku", 49.867, 40.409, "Azerbaijan"),
    ("Ganja", 46.361, 40.682, "Azerbaijan"),
    ("Tartar", 46.932, 40.342, "Azerbaijan"),
    ("Astara (on the coast)", 48.875, 38.456, "Azerbaijan"),
    ("Nakhchivan", 45.412, 39.209, "Nakhchivan"),
    ("Ordubad", 46.022, 38.907, "Nakhchivan"),
    ("Yerevan", 44.513, 40.181, "Armenia"),
    ("Goris", 46.340, 39.510, "Armenia"),
    ("Tbilisi", 44.790, 41.720, "Elsewhere"),
    ("Tabriz", 46.290, 38.080, "Elsewhere"),
    ("Moscow", 37.620, 55.750, "Elsewhere"),
]


@pytest.mark.parametrize(("place", "lon", "lat", "label"), KNOWN, ids=[k[0] for k in KNOWN])
def test_known_places_get_their_region(place, lon, lat, label):
    assert classify_regions(np.array([lon]), np.array([lat]))[0] == label


def test_all_known_places_at_once_match_one_by_one():
    lon = np.array([k[1] for k in KNOWN])
    lat = np.array([k[2] for k in KNOWN])
    assert list(classify_regions(lon, lat)) == [k[3] for k in KNOWN]


def test_missing_coordinates_get_an_empty_label():
    out = classify_regions(np.array([np.nan, 46.752, 46.0]), np.array([39.8, np.nan, 40.0]))
    assert list(out[:2]) == ["", ""]
    assert out[2] != ""


def test_labels_come_from_regions_and_shape_is_kept():
    rng = np.random.default_rng(1)
    lon = rng.uniform(43.0, 50.5, (40, 50))
    lat = rng.uniform(37.5, 42.5, (40, 50))
    out = classify_direct(lon, lat)
    assert out.shape == (40, 50) and out.dtype == object
    assert set(out.ravel()) <= set(REGIONS)
    assert {"Former NKAO", "Azerbaijan", "Armenia", "Elsewhere"} <= set(out.ravel())


def test_former_nkao_label_agrees_with_the_nkao_layer():
    layers, _ = load_layers()
    nkao = layers["nkao"].frame.geometry.union_all()
    rng = np.random.default_rng(2)
    lon = rng.uniform(46.2, 47.5, 5000)
    lat = rng.uniform(39.3, 40.4, 5000)
    inside = shapely.contains_xy(nkao, lon, lat)
    out = classify_regions(lon, lat)
    assert np.array_equal(out == "Former NKAO", inside)


def test_accepts_lists_and_rejects_mismatched_shapes():
    assert list(classify_regions([44.513], [40.181])) == ["Armenia"]
    with pytest.raises(ValueError, match="shape"):
        classify_regions(np.zeros(3), np.zeros(2))


def test_empty_input_gives_empty_output():
    assert classify_regions(np.array([]), np.array([])).shape == (0,)


def test_regions_are_listed_in_display_order():
    assert REGIONS[0] == "Former NKAO" and REGIONS[-1] == "Elsewhere"
    assert len(REGIONS) == len(set(REGIONS)) == 12


def test_a_single_scalar_point_is_classified():
    assert classify_regions(np.float64(46.752), np.float64(39.815)).item() == "Former NKAO"
