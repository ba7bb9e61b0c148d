"""The loader reads curated CSVs faithfully and rejects bad rows, naming file, line and column."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from graphkit.data.load import LoadError, load_datasets, quote_occurs
from graphkit.errors import DatasetError
from tests.helpers import replace_in


def errors_of(*folders: Path) -> list[LoadError]:
    with pytest.raises(DatasetError) as caught:
        load_datasets(list(folders))
    return caught.value.errors


def only(errors: list[LoadError], rule: str) -> list[LoadError]:
    return [e for e in errors if e.rule == rule]


def test_mini_dataset_loads_every_row(mini_dir: Path) -> None:
    dataset = load_datasets([mini_dir])
    assert len(dataset.tables["cities"]) == 3
    assert set(dataset.tables["transfers"]["id"]) == {
        "testnet-kosice-housing-to-unnamed",
        "testnet-vienna-to-taranto",
    }
    # Taranto is the second data row of cities.csv, so line 3 (the header is line 1).
    file, line = dataset.origin("taranto")
    assert (Path(file).name, line) == ("cities.csv", 3)


def test_bom_header_reads_as_a_clean_id_column(mini_copy: Path) -> None:
    path = mini_copy / "cities.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    dataset = load_datasets([mini_copy])
    assert list(dataset.tables["cities"].columns[:2]) == ["id", "name"]
    assert "kosice" in set(dataset.tables["cities"]["id"])


def test_values_like_na_and_leading_zeros_stay_text(mini_copy: Path) -> None:
    replace_in(mini_copy / "organisations.csv", ",FA,", ",NA,")
    replace_in(mini_copy / "quantities.csv", "lead and partner cities", "007 cities")
    dataset = load_datasets([mini_copy])
    assert dataset.tables["organisations"]["acronym"].iloc[0] == "NA"
    assert dataset.tables["quantities"]["description"].iloc[0] == "007 cities"


def test_duplicate_id_names_both_rows(mini_copy: Path) -> None:
    replace_in(mini_copy / "practices.csv", "vienna-welcome-house,", "casa-test,")
    (error,) = only(errors_of(mini_copy), "duplicate-id")
    assert error.file.endswith("practices.csv") and error.line == 4 and error.column == "id"
    assert "practices.csv:2" in error.message
    assert error.value == "casa-test"


def test_duplicate_id_across_files_is_reported(mini_copy: Path) -> None:
    replace_in(mini_copy / "themes.csv", "housing,housing,", "vienna,housing,")
    replace_in(mini_copy / "projects.csv", ",housing,", ",vienna,")
    replace_in(mini_copy / "events.csv", ",housing,", ",vienna,")
    replace_in(mini_copy / "practices.csv", ",housing,", ",vienna,")
    errors = errors_of(mini_copy)
    (dup,) = only(errors, "duplicate-id")
    assert dup.value == "vienna" and "cities.csv:4" in dup.message


def test_dangling_reference_names_file_line_column_and_value(mini_copy: Path) -> None:
    replace_in(mini_copy / "cities.csv", "taranto,Taranto,,,italy", "taranto,Taranto,,,itly")
    (error,) = only(errors_of(mini_copy), "dangling-reference")
    assert (Path(error.file).name, error.line, error.column, error.value) == (
        "cities.csv",
        3,
        "country",
        "itly",
    )
    assert "countries.csv" in error.message
    assert str(error).startswith(f"{error.file}:3:country: [dangling-reference]")


@pytest.mark.parametrize(
    ("bad", "fragment"),
    [
        ("2019-13-01", "month 13"),
        ("2019-02-30", "not a day"),
        ("04/05/2020", "ISO date"),
        ("1235-xx-01", "ISO date"),
        ("20x9", "ISO date"),
        ("2019-4-9", "ISO date"),
    ],
)
def test_impossible_and_ambiguous_dates_are_rejected(
    mini_copy: Path, bad: str, fragment: str
) -> None:
    replace_in(mini_copy / "events.csv", "2019-04-09", bad)
    errors = only(errors_of(mini_copy), "date")
    assert [(Path(e.file).name, e.line, e.column, e.value) for e in errors] == [
        ("events.csv", 2, "start", bad)
    ]
    assert fragment in errors[0].message


def test_end_before_start_is_rejected(mini_copy: Path) -> None:
    replace_in(mini_copy / "projects.csv", ",2019,2020-06,", ",2019,2018-06,")
    (error,) = only(errors_of(mini_copy), "date-order")
    assert error.column == "end" and error.value == "2018-06"


def test_missing_column_is_named(mini_copy: Path) -> None:
    path = mini_copy / "themes.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines = [",".join(p for i, p in enumerate(line.split(",")) if i != 3) for line in lines]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    errors = errors_of(mini_copy)
    (missing,) = only(errors, "missing-column")
    assert (Path(missing.file).name, missing.line, missing.column) == (
        "themes.csv",
        1,
        "definition",
    )


def test_decomposed_accents_are_rejected(mini_copy: Path) -> None:
    replace_in(
        mini_copy / "cities.csv", "Košice,Kassa", unicodedata.normalize("NFD", "Košice") + ",Kassa"
    )
    (error,) = only(errors_of(mini_copy), "not-nfc")
    assert (Path(error.file).name, error.line, error.column) == ("cities.csv", 2, "name")


def test_romanian_cedilla_forms_are_rejected(mini_copy: Path) -> None:
    with (mini_copy / "countries.csv").open("a", encoding="utf-8") as handle:
        handle.write("romania,Romania,RO,România,fixture.txt,Theme: housing.,\n")
    with (mini_copy / "cities.csv").open("a", encoding="utf-8") as handle:
        handle.write("timisoara,Timişoara,,Ţimisoara,romania,fixture.txt,Theme: housing.,\n")
    errors = only(errors_of(mini_copy), "cedilla")
    assert {(Path(e.file).name, e.line, e.column) for e in errors} == {
        ("cities.csv", 5, "name"),
        ("cities.csv", 5, "alt_names"),
    }


def test_turkish_s_cedilla_is_accepted(mini_copy: Path) -> None:
    replace_in(mini_copy / "cities.csv", "taranto,Taranto,,,", "taranto,Taranto,,Beşiktaş,")
    assert "Beşiktaş" in set(load_datasets([mini_copy]).tables["cities"]["alt_names"])


def test_wrong_encoding_names_the_line(mini_copy: Path) -> None:
    path = mini_copy / "cities.csv"
    path.write_bytes(
        path.read_text(encoding="utf-8").replace("š", "s").replace("Wien", "Wíen").encode("latin-1")
    )
    (error,) = only(errors_of(mini_copy), "encoding")
    assert (Path(error.file).name, error.line) == ("cities.csv", 4)
    assert "UTF-8" in error.message


def test_empty_required_value_is_rejected(mini_copy: Path) -> None:
    replace_in(mini_copy / "lessons.csv", ",went_well,", ",,")
    (error,) = only(errors_of(mini_copy), "required")
    assert (Path(error.file).name, error.line, error.column) == ("lessons.csv", 2, "polarity")


def test_unknown_enum_value_lists_the_allowed_ones(mini_copy: Path) -> None:
    replace_in(
        mini_copy / "transfers.csv",
        ",policy_transfer,,2019-04",
        ",policy_transfer;osmosis,,2019-04",
    )
    (error,) = only(errors_of(mini_copy), "enum")
    assert error.value == "osmosis" and "study_visit" in error.message


def test_transfer_needs_exactly_one_kind_of_target(mini_copy: Path) -> None:
    replace_in(mini_copy / "transfers.csv", "kosice,,,,3,", "kosice,,taranto,,3,")
    (error,) = only(errors_of(mini_copy), "one-of")
    assert error.line == 2 and "target_city / target_count" in error.message


def test_quote_must_occur_in_its_source(mini_copy: Path) -> None:
    replace_in(mini_copy / "cities.csv", "Vienna lies in Austria,", "Vienna lies in Germany,")
    (error,) = only(errors_of(mini_copy), "quote-not-in-source")
    assert (Path(error.file).name, error.line, error.column) == ("cities.csv", 4, "quote")


def test_unknown_source_is_rejected(mini_copy: Path) -> None:
    replace_in(mini_copy / "themes.csv", "fixture.txt", "https://example.org/page")
    (error,) = only(errors_of(mini_copy), "unknown-source")
    assert error.column == "source" and error.value == "https://example.org/page"


def test_name_collision_under_different_ids(mini_copy: Path) -> None:
    with (mini_copy / "cities.csv").open("a", encoding="utf-8") as handle:
        handle.write("kosice-2,KOSICE,,,slovakia,fixture.txt,Košice lies in Slovakia,\n")
    (error,) = only(errors_of(mini_copy), "name-collision")
    assert error.line == 5 and "'kosice'" in error.message


def test_every_error_is_reported_at_once(mini_copy: Path) -> None:
    replace_in(mini_copy / "cities.csv", "italy,fixture.txt", "itly,fixture.txt")
    replace_in(mini_copy / "events.csv", "2019-04-09", "2019-04-31")
    replace_in(mini_copy / "lessons.csv", ",went_well,", ",,")
    rules = {e.rule for e in errors_of(mini_copy)}
    assert {"dangling-reference", "date", "required"} <= rules


def test_user_folder_adds_to_bundled_folder(mini_dir: Path, tmp_path: Path) -> None:
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "cities.csv").write_text(
        "id,name,local_names,alt_names,country,source,quote,note\n"
        "bratislava,Bratislava,Pozsony,,slovakia,fixture.txt,Košice lies in Slovakia,\n",
        encoding="utf-8",
    )
    dataset = load_datasets([mini_dir, extra])
    assert {"kosice", "bratislava"} <= set(dataset.tables["cities"]["id"])


def test_quote_check_tolerates_typography_and_omissions() -> None:
    text = "The city’s “Integrated Plan” – for 3 social neighbourhoods – was reviewed."
    assert quote_occurs('The city\'s "Integrated Plan" - for 3', text)
    assert quote_occurs("The city’s … was reviewed.", text)
    assert not quote_occurs("was reviewed … The city", text)
    assert not quote_occurs("Integrated Plans", text)


def test_decimals_must_be_canonical(mini_copy: Path) -> None:
    replace_in(mini_copy / "quantities.csv", "partner_cities,3,", "partner_cities,3.50,")
    (error,) = only(errors_of(mini_copy), "number")
    assert (error.column, error.value) == ("value", "3.50")
    assert "trailing zeros" in error.message


def _web_source(folder: Path, record: str) -> None:
    """Cite a web page with ``record`` as its record from the second transfer of ``folder``."""
    url = "https://example.org/network"
    with (folder / "sources.csv").open("a", encoding="utf-8") as out:
        out.write(f"web-example-network,{url},Example network,web_page,,,records/example.md,\n")
    (folder / "sources" / "records").mkdir(exist_ok=True)
    (folder / "sources" / "records" / "example.md").write_text(record, encoding="utf-8")
    # The status stays shown by the fixture document.
    replace_in(folder / "transfers.csv", "still_operating,,", "still_operating,fixture.txt,")
    replace_in(
        folder / "transfers.csv",
        "casa-test,,fixture.txt,The Welcome House of Vienna was transferred to Taranto through "
        "TESTNET study visits,",
        f"casa-test,,{url},Vienna passed its Welcome House on to Taranto,",
    )


def test_a_quote_from_a_web_page_is_checked_against_its_record(mini_copy: Path) -> None:
    record = (
        "url: https://example.org/network\ntitle: Example network\nretrieved: 2026-12-04\n\n"
        "Vienna passed its Welcome House on to Taranto in 2014.\n"
    )
    _web_source(mini_copy, record)
    assert load_datasets([mini_copy]).tables["transfers"]["source"].str.startswith("https").any()
    (mini_copy / "sources" / "records" / "example.md").write_text(
        record.replace("Taranto in", "Bari in"), encoding="utf-8"
    )
    (error,) = only(errors_of(mini_copy), "quote-not-in-source")
    assert (Path(error.file).name, error.line, error.column) == ("transfers.csv", 3, "quote")
    assert "records/example.md" in error.message


def test_a_record_without_a_url_is_reported_at_its_source_row(mini_copy: Path) -> None:
    _web_source(
        mini_copy,
        "title: Example network\nretrieved: 2026-12-04\n\n"
        "Vienna passed its Welcome House on to Taranto.\n",
    )
    (error,) = only(errors_of(mini_copy), "record-header")
    assert (Path(error.file).name, error.column, error.value) == (
        "sources.csv",
        "record",
        "records/example.md",
    )
    assert "'url:'" in error.message


def test_a_record_of_another_page_is_reported(mini_copy: Path) -> None:
    _web_source(
        mini_copy,
        "url: https://example.org/other\ntitle: Example network\nretrieved: 2026-12-04\n\n"
        "Vienna passed its Welcome House on to Taranto.\n",
    )
    (error,) = only(errors_of(mini_copy), "record-url")
    assert "https://example.org/other" in error.message


def test_a_transfer_from_a_city_to_itself_is_rejected(mini_copy: Path) -> None:
    replace_in(mini_copy / "transfers.csv", "vienna,,taranto,", "vienna,,vienna,")
    (error,) = only(errors_of(mini_copy), "self-transfer")
    assert (error.line, error.column, error.value) == (3, "target_city", "vienna")


def test_a_period_that_ends_before_it_starts_is_rejected(mini_copy: Path) -> None:
    replace_in(
        mini_copy / "transfers.csv",
        ",policy_transfer,,2019-04,,",
        ",policy_transfer,,2019-04,2018,",
    )
    (error,) = only(errors_of(mini_copy), "date-order")
    assert (error.line, error.column, error.value) == (2, "end", "2018")


def test_a_known_status_needs_the_quote_that_shows_it(mini_copy: Path) -> None:
    replace_in(
        mini_copy / "transfers.csv",
        "still_operating,,The Welcome House of Vienna was transferred to Taranto through TESTNET "
        "study visits,",
        "still_operating,,,",
    )
    (error,) = only(errors_of(mini_copy), "status-evidence")
    assert (error.line, error.column) == (3, "status_quote") and "still_operating" in error.message


def test_a_status_quote_is_checked_against_its_source(mini_copy: Path) -> None:
    replace_in(
        mini_copy / "transfers.csv",
        "still_operating,,The Welcome House of Vienna was transferred",
        "still_operating,,The Welcome House of Vienna was closed",
    )
    (error,) = only(errors_of(mini_copy), "quote-not-in-source")
    assert (error.line, error.column) == (3, "status_quote")


@pytest.mark.parametrize(
    ("dirty", "shown"),
    [
        ("Vie\x00nna", "Vie\\x00nna"),  # NUL
        ("Vie\x1b]0;owned\x07nna", "Vie\\x1b]0;owned\\x07nna"),  # retitles a terminal
        ("Vie\u202enna", "Vie\\u202enna"),  # right-to-left override
    ],
)
def test_control_characters_are_refused_and_shown_escaped(
    mini_copy: Path, dirty: str, shown: str
) -> None:
    replace_in(mini_copy / "cities.csv", "Vienna,", f"{dirty},")
    (error,) = only(errors_of(mini_copy), "control-character")
    assert (Path(error.file).name, error.column, error.value) == ("cities.csv", "name", dirty)
    assert shown in str(error) and dirty not in str(error)


def test_carriage_returns_alone_as_line_ends_are_one_clear_error(mini_copy: Path) -> None:
    path = mini_copy / "cities.csv"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r"))
    errors = errors_of(mini_copy)
    assert [(Path(e.file).name, e.rule) for e in errors] == [("cities.csv", "line-ends")]


def test_a_cell_over_the_limit_is_reported_at_its_line_with_the_limit(mini_copy: Path) -> None:
    from graphkit.data.load import MAX_CELL

    path = mini_copy / "cities.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[2] = lines[2] + "x" * (MAX_CELL + 1)
    path.write_text("\n".join(lines), encoding="utf-8")
    (error,) = errors_of(mini_copy)
    assert (Path(error.file).name, error.line, error.rule) == ("cities.csv", 3, "csv")
    assert f"{MAX_CELL:,} characters" in error.message


def test_a_row_with_a_cell_too_many_is_reported_at_its_own_line_alone(mini_copy: Path) -> None:
    path = mini_copy / "cities.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[2] = lines[2] + ",extra"
    path.write_text("\n".join(lines), encoding="utf-8")
    # The unread file's error comes alone: no "dangling reference" into it from other files.
    (error,) = errors_of(mini_copy)
    assert (Path(error.file).name, error.line, error.rule) == ("cities.csv", 3, "cell-count")


@pytest.mark.parametrize("damage", ["cr", "utf-16"])
def test_lint_data_refuses_what_build_refuses_and_rewrites_nothing(
    mini_copy: Path, damage: str
) -> None:
    from click.testing import CliRunner

    from graphkit.cli import main

    path = mini_copy / "cities.csv"
    text = path.read_text(encoding="utf-8")
    raw = text.replace("\n", "\r").encode() if damage == "cr" else text.encode("utf-16")
    path.write_bytes(raw)
    result = CliRunner().invoke(main, ["lint-data", str(mini_copy)])
    assert result.exit_code == 1
    assert "cities.csv:1" in result.output and "Traceback" not in result.output
    assert path.read_bytes() == raw
