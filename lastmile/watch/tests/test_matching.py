"""Matching tolerates the recognition confusions, says how far and why, and nothing else."""

from __future__ import annotations

from lastmile.watch.matching import PlateIndex, compare, normalise_read, plate_key


def test_a_read_with_one_confusable_character_matches_with_distance_confidence_and_reason():
    m = compare("湘A5D802", "湘A5D8O2", camera_confidence=0.9)  # 0 read as O
    assert m is not None and m.distance == 1
    assert abs(m.confidence - 0.9 * 0.85) < 1e-9
    assert "第6位" in m.reason and "0/D/Q/O" in m.reason


def test_each_confusion_group_is_tolerated_and_other_differences_are_not():
    for watched, read in (
        ("湘A10000", "湘AI0000"),
        ("湘A8B000", "湘AB8000"),
        ("湘A2Z000", "湘AZ2000"),
        ("湘A5S000", "湘AS5000"),
        ("湘AQ0000", "湘A0D000"),
    ):
        assert compare(watched, read) is not None, (watched, read)
    assert compare("湘A12345", "湘A12346") is None  # 5 vs 6: not a confusion
    assert compare("湘A12345", "湘B12345") is None  # another office
    assert compare("湘A12345", "湘A1234") is None


def test_the_index_finds_the_entry_only_within_the_maximum_distance():
    index = PlateIndex([(1, "湘A5D802"), (2, "湘J3D8K2")], max_distance=2)
    assert [e for e, _ in index.lookup("湘A5D802")] == [1]
    assert [e for e, _ in index.lookup("湘ASDB02")] == [1]  # two confusions
    assert index.lookup("湘ASQBOZ") == []  # five confusions: too far
    assert index.lookup("湘A77777") == []
    assert plate_key("湘A5D802") == plate_key("湘AS0B0Z")


def test_reads_are_normalised_and_garbage_refused():
    assert normalise_read(" 湘a·5d802 ") == "湘A5D802"
    assert normalise_read("湘AI2345") == "湘AI2345"  # a misread I is still a read
    assert normalise_read("ABC") is None and normalise_read("") is None
