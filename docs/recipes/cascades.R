# Practice adoption cascades in R's igraph: for each practice, the city it comes from and the
# cities that took it up, as a tree of transfers.
#
#   graphkit cascades --format csv > cascades.csv
#   Rscript docs/recipes/cascades.R cascades.csv > adoptions.csv
#
# Prints one CSV row per practice and city, the origin first: practice_id, city_id, city,
# role ("origin" or "adopter"), source_city_id (who it came from), generation (transfers from
# the origin: 0 for the origin, 1 for the cities it passed the practice to, ...), year (when
# known) and event_time (see below). An unnamed group of receiving cities is one city
# ("4 unnamed cities", id <transfer-id>/targets), as in graphkit.
#
# Origins are kept. The origin of a practice is the row without a source city; its year is the
# practice's start, which the sources often do not give. A model of diffusion such as
# NetworkInference needs a time for every node of a cascade, and dropping the rows without a
# year (df[!is.na(df$year), ]) drops those origins, so the cascade seems to start at its first
# adopter. event_time keeps them: it is the year where known, and for an origin without one,
# ORIGIN_LEAD years before the first dated adoption of its practice. That is an assumption
# (the origin had the practice before it passed it on), not a fact from the sources; choose
# the lead that suits your model. Rows still without an event_time (undated adopters, cascades
# with no date at all) cannot be placed in time. Then, with NetworkInference from CRAN:
#
#   timed <- adoptions[!is.na(adoptions$event_time), ]
#   casc <- NetworkInference::as_cascade_long(timed, cascade_node_name = "city_id",
#                                             event_time = "event_time",
#                                             cascade_id = "practice_id")

suppressPackageStartupMessages(library(igraph))

ORIGIN_LEAD <- 1

args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 1) {
  stop("usage: Rscript cascades.R CASCADES.csv")
}
# UTF-8 with a byte-order mark; empty cells are "" in text columns and NA in year.
rows <- read.csv(args[1], fileEncoding = "UTF-8-BOM", stringsAsFactors = FALSE,
                 colClasses = c(year = "integer"), na.strings = "")
rows[is.na(rows$source_city_id), "source_city_id"] <- ""

cascade <- function(practice) {
  members <- rows[rows$practice_id == practice, ]
  cities <- unique(members$city_id)
  adopters <- members[members$source_city_id != "", ]
  tree <- graph_from_data_frame(adopters[, c("source_city_id", "city_id")], directed = TRUE,
                                vertices = data.frame(name = cities))
  origins <- members$city_id[members$source_city_id == ""]
  hops <- distances(tree, v = origins, to = cities, mode = "out")
  generation <- apply(hops, 2, min)
  dated <- members$year[members$source_city_id != ""]
  first <- if (any(!is.na(dated))) min(dated, na.rm = TRUE) else NA
  origin <- members$source_city_id == ""
  event_time <- ifelse(origin & is.na(members$year), first - ORIGIN_LEAD, members$year)
  out <- data.frame(
    practice_id = practice,
    city_id = members$city_id,
    city = members$city,
    role = ifelse(origin, "origin", "adopter"),
    source_city_id = members$source_city_id,
    generation = as.integer(generation[match(members$city_id, cities)]),
    year = members$year,
    event_time = event_time,
    stringsAsFactors = FALSE
  )
  out[order(out$role != "origin", out$generation, out$event_time, out$city_id), ]
}

adoptions <- do.call(rbind, lapply(unique(rows$practice_id), cascade))
write.csv(adoptions, stdout(), row.names = FALSE, na = "")
