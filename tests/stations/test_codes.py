"""Short station codes."""

from yizhan.stations.codes import ALPHABET, format_code, normalize_code, station_codes


def test_codes_are_six_crockford_characters_stable_and_unique() -> None:
    ids = [f"st-{i}" for i in range(20000)]
    codes = station_codes(ids)
    assert len(set(codes.values())) == len(ids)
    assert all(len(c) == 6 and set(c) <= set(ALPHABET) for c in codes.values())
    assert station_codes(["st-5"])["st-5"] == codes["st-5"]  # depends on the id, not on the other stations
    assert codes["st-1"] == "J36RXP"


def test_typed_codes_are_normalised() -> None:
    assert normalize_code(" 7k3-m9q ") == "7K3M9Q"
    assert normalize_code("ioL 123") == "101123"
    assert normalize_code("7K3M9") is None
    assert normalize_code("7K3M9QU") is None
    assert format_code("7K3M9Q") == "7K3 M9Q"
