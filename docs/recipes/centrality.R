# Degree, betweenness and PageRank of a graphkit network in R's igraph, computed the way
# `graphkit network centrality` computes them, so both give the same numbers.
#
#   graphkit export --format graphml --graph cities --out cities.graphml
#   graphkit export --format graphml --graph transfers --out transfers.graphml
#   Rscript docs/recipes/centrality.R cities.graphml transfers.graphml
#
# or from the two CSV tables (cities.csv stands for cities-nodes.csv and cities-edges.csv):
#
#   graphkit export --format csv --graph cities --out cities.csv
#   Rscript docs/recipes/centrality.R cities.csv
#
# GraphML records whether a network is directed; CSV tables do not, so they are read as
# undirected (cities, organisations, actors); the tables given after --directed are read as
# directed (transfers, knowledge):
#
#   graphkit export --format csv --graph transfers --out transfers.csv
#   Rscript docs/recipes/centrality.R cities.csv --directed transfers.csv
#
# Prints one CSV row per node and network, highest betweenness first: network (the file
# given), id, label, degree, in_degree and out_degree (directed networks only),
# weighted_degree, betweenness, pagerank and reach.
#
# How graphkit computes them, and so how this script does:
# - Parallel edges (two transfers between the same cities) are first merged into one edge
#   whose weight is their sum (1 each where an edge has no weight). Without simplify(), igraph
#   would count each parallel edge as a shortest path of its own.
# - degree: distinct neighbours, whatever the direction; weighted_degree: the sum of the
#   weights (shared projects and events, or transfers).
# - betweenness: on hops, NOT on weights (weights = NA). igraph's betweenness() would
#   otherwise read the weight as a distance, so the cities that share the most projects would
#   look furthest apart. If you want weighted betweenness, the weight is a strength: use
#   distances = 1 / weight (weights = 1 / E(g)$weight); graphkit does not.
#   Normalised as networkx normalises: by (n - 1)(n - 2) / 2 pairs in an undirected network and
#   (n - 1)(n - 2) ordered pairs in a directed one, which is what normalized = TRUE does.
#   graphkit estimates betweenness from a sample of 200 sources above 1000 nodes (it says
#   so); this script is always exact.
# - pagerank: damping 0.85, weighted, an undirected edge counting in both directions.
# - reach: how many nodes can be reached (following the direction of transfers).

suppressPackageStartupMessages(library(igraph))

read_network <- function(path, directed) {
  if (grepl("\\.graphml$", path, ignore.case = TRUE)) {
    return(read_graph(path, format = "graphml"))
  }
  if (!grepl("\\.csv$", path, ignore.case = TRUE)) {
    stop(path, ": expected a .graphml file or the x.csv given to graphkit export --format csv")
  }
  stem <- sub("\\.csv$", "", path, ignore.case = TRUE)
  # UTF-8 with a byte-order mark, so that spreadsheets show "Košice".
  read <- function(file) {
    read.csv(file, fileEncoding = "UTF-8-BOM", stringsAsFactors = FALSE, check.names = FALSE)
  }
  nodes <- read(paste0(stem, "-nodes.csv"))
  edges <- read(paste0(stem, "-edges.csv"))
  g <- graph_from_data_frame(edges, directed = directed, vertices = nodes)
  V(g)$id <- V(g)$name
  g
}

# Parallel edges merged into one whose weight is their sum, as graphkit's simple_graph().
merged <- function(g) {
  if (!"weight" %in% edge_attr_names(g)) {
    E(g)$weight <- 1
  }
  simplify(g, remove.multiple = TRUE, remove.loops = FALSE,
           edge.attr.comb = list(weight = "sum", "ignore"))
}

measures <- function(path, directed_csv) {
  g <- merged(read_network(path, directed_csv))
  directed <- is_directed(g)
  both_ways <- as.undirected(g, mode = "collapse")
  reach <- ego_size(g, order = vcount(g), mode = "out") - 1
  table <- data.frame(
    network = path,
    id = V(g)$id,
    label = V(g)$label,
    degree = degree(both_ways, loops = FALSE),
    in_degree = if (directed) degree(g, mode = "in") else NA,
    out_degree = if (directed) degree(g, mode = "out") else NA,
    weighted_degree = strength(g, mode = "all", weights = E(g)$weight),
    betweenness = betweenness(g, directed = directed, weights = NA, normalized = TRUE),
    pagerank = page_rank(g, damping = 0.85, directed = directed, weights = E(g)$weight)$vector,
    reach = reach,
    stringsAsFactors = FALSE
  )
  table[order(-table$betweenness, -table$degree, table$id), ]
}

args <- commandArgs(trailingOnly = TRUE)
files <- args[args != "--directed"]
if (length(files) == 0) {
  stop("usage: Rscript centrality.R NETWORK.graphml ... [--directed NETWORK.csv ...]")
}
# --directed applies to the CSV tables given after it.
directed_csv <- cumsum(args == "--directed")[args != "--directed"] > 0
result <- do.call(rbind, Map(measures, files, directed_csv))
write.csv(result, stdout(), row.names = FALSE, na = "")
