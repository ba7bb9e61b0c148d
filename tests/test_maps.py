"""The transfer map: which transfers and cities it places, and the static figure's files."""

from __future__ import annotations

import io

import pytest

from graphkit.views.maps import (
    NO_PROGRAMME,
    draw_map,
    draw_map_figure,
    map_xy,
    render_map_html,
    transfer_map,
)
from tests.helpers import bundled_csv, city_names


@pytest.fixture(scope="module")
def bundled_map(bundled_graph):
    return transfer_map(bundled_graph)


def placed_city_ids() -> set[str]:
    cities = bundled_csv("cities")
    return set(cities.loc[(cities["latitude"] != "") & (cities["longitude"] != ""), "id"])


def test_the_map_draws_every_transfer_between_two_placed_cities(bundled_map):
    transfers = bundled_csv("transfers")
    placed = placed_city_ids()
    drawable = transfers[
        transfers["origin_city"].isin(placed) & transfers["target_city"].isin(placed)
    ]
    assert set(bundled_map.transfers["transfer"]) == set(drawable["id"])
    assert set(bundled_map.cities["label"]) == set(
        city_names(set(drawable["origin_city"]) | set(drawable["target_city"]))
    )


def test_transfers_to_no_named_city_are_counted_as_not_drawn(bundled_map):
    transfers = bundled_csv("transfers")
    unnamed = set(transfers.loc[transfers["target_city"] == "", "id"])
    assert unnamed, "the bundled data has transfers to unnamed cities"
    assert unnamed <= set(bundled_map.unplaced["transfer"])
    assert f"not drawn: {len(unnamed)} to no named city" in bundled_map.summary()


def test_city_sizes_count_the_transfers_each_city_sent_and_received(bundled_map):
    transfers = bundled_csv("transfers")
    drawn = transfers[transfers["id"].isin(bundled_map.transfers["transfer"])]
    busiest = bundled_map.cities.iloc[0]
    expected = (drawn["origin_city"] == busiest["id"]).sum() + (
        drawn["target_city"] == busiest["id"]
    ).sum()
    assert busiest["transfers"] == expected
    counts = (
        drawn["origin_city"].value_counts().add(drawn["target_city"].value_counts(), fill_value=0)
    )
    assert busiest["transfers"] == counts.max()


def test_programmes_come_from_the_projects_the_transfers_went_through(bundled_map):
    projects = bundled_csv("projects").set_index("id")
    transfers = bundled_csv("transfers").set_index("id")
    for row in bundled_map.transfers.to_dict("records"):
        project = transfers.at[row["transfer"], "project"]
        if (
            project
            and not projects.at[project, "programme"]
            and not projects.at[project, "part_of"]
        ):
            assert row["programme"] == NO_PROGRAMME, row["transfer"]
    assert bundled_map.programmes[0] != NO_PROGRAMME


def test_a_year_filter_keeps_only_dated_transfers_in_range(bundled_graph):
    tmap = transfer_map(bundled_graph, since=2015, until=2018)
    assert len(tmap.transfers) > 0
    assert tmap.transfers["year"].between(2015, 2018).all()
    assert "since 2015" in tmap.title and "until 2018" in tmap.title


def test_the_projection_puts_its_centre_at_zero_and_the_north_up():
    x, y = map_xy([10.0, 10.0, 20.0], [52.0, 60.0, 52.0])
    assert abs(x[0]) < 1e-9 and abs(y[0]) < 1e-9
    assert y[1] > 850 and abs(x[1]) < 1e-6  # 8 degrees north: about 890 km
    assert x[2] > 600  # 10 degrees east at 52 N: about 685 km


def test_the_page_is_self_contained_and_carries_no_raw_markup(bundled_map):
    page = render_map_html(bundled_map)
    assert "default-src 'none'" in page
    assert "http://" not in page.split("<script", 1)[0].replace(
        'xmlns="http://www.w3.org/2000/svg"', ""
    )
    assert "<script src" not in page and "<link" not in page
    assert page.count("<script") == 2


@pytest.mark.parametrize("fmt", ["png", "svg", "pdf"])
def test_the_static_figure_is_a_real_file_of_its_format(bundled_map, fmt):
    content = draw_map_figure(bundled_map, fmt)
    if fmt == "png":
        from PIL import Image

        assert content.startswith(b"\x89PNG\r\n\x1a\n")
        image = Image.open(io.BytesIO(content))
        assert image.width > 1500 and image.height > 1000
        grey = image.convert("L").histogram()
        assert sum(grey[:200]) / sum(grey) > 0.02  # arrows, labels and borders are drawn
    elif fmt == "pdf":
        assert content.startswith(b"%PDF-") and content.rstrip().endswith(b"%%EOF")
    else:
        text = content.decode("utf-8")
        assert text.lstrip().startswith("<?xml") and "<svg" in text
        busiest = bundled_map.cities.iloc[0]["label"]
        assert busiest in text  # the busiest city is labelled (text stays text)
        assert f"{len(bundled_map.transfers)} transfers between" in text  # the title's counts
        assert bundled_map.programmes[0] in text  # the legend
        first, last = bundled_map.years
        assert f"{first}–{last}" in text
        assert text.count("<path") > len(bundled_map.transfers)  # arrows and heads


def test_the_figure_is_the_same_every_time(bundled_map):
    assert draw_map_figure(bundled_map, "svg") == draw_map_figure(bundled_map, "svg")


def test_a_map_with_nothing_to_draw_says_so(bundled_graph):
    from graphkit.errors import ViewError

    with pytest.raises(ViewError, match="Nothing to draw"):
        draw_map(bundled_graph, since=2999)
