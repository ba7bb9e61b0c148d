# Communities of a graphkit network in R's igraph: graphkit's Louvain partition read back and
# scored by igraph, and igraph's own Louvain partition beside it.
#
#   graphkit export --format graphml --graph cities --out cities.graphml
#   graphkit network communities --graph cities --format csv > communities.csv
#   Rscript docs/recipes/communities.R cities.graphml communities.csv
#
# Prints CSV rows "network,partition,communities,modularity": for each network given, one for
# graphkit's partition and one for igraph's cluster_louvain(). Several networks may follow
# each other: cities.graphml cities-communities.csv organisations.graphml ...
#
# How graphkit computes them, and so how this script does: parallel edges are merged into one
# edge whose weight is their sum, directions are ignored, and modularity is weighted with
# resolution 1. So igraph's modularity() of graphkit's partition is the modularity graphkit
# prints (on stderr, rounded to 6 digits) for the undirected networks (cities, organisations,
# actors).
#
# For a directed network (transfers) the two differ where two nodes are linked both ways
# (in the bundled data: two pairs of cities that transferred practices to each other): this
# script adds the weights of the two directions; graphkit keeps the weight of one of them
# (networkx's to_undirected()), so its modularity differs slightly from this one.
#
# Louvain is a heuristic whose answer depends on the order it visits the nodes: networkx
# (graphkit, seed 42) and igraph visit them differently, so cluster_louvain() may find a
# different partition, with a different number of communities and a close but different
# modularity. Compare partitions by their modularity, or use graphkit's partition (read here)
# in R when the numbers must match a graphkit report.

suppressPackageStartupMessages(library(igraph))

# graphkit's partition and igraph's Louvain partition of one network.
partitions <- function(network, communities) {
  g <- read_graph(network, format = "graphml")
  if (!"weight" %in% edge_attr_names(g)) {
    E(g)$weight <- 1
  }
  g <- as.undirected(g, mode = "collapse", edge.attr.comb = list(weight = "sum", "ignore"))
  g <- simplify(g, remove.multiple = TRUE, remove.loops = FALSE,
                edge.attr.comb = list(weight = "sum", "ignore"))

  partition <- read.csv(communities, fileEncoding = "UTF-8-BOM", stringsAsFactors = FALSE)
  membership <- partition$community[match(V(g)$id, partition$id)]
  if (anyNA(membership)) {
    stop(communities, " has no community for ",
         paste(V(g)$id[is.na(membership)], collapse = ", "),
         "; give the communities of the same network (--graph) as ", network)
  }
  set.seed(42)  # igraph's Louvain visits the nodes in a random order
  louvain <- cluster_louvain(g, weights = E(g)$weight)
  data.frame(
    network = network,
    partition = c("graphkit", "igraph cluster_louvain"),
    communities = c(length(unique(membership)), length(louvain)),
    modularity = c(modularity(g, membership, weights = E(g)$weight), modularity(louvain))
  )
}

args <- commandArgs(trailingOnly = TRUE)
if (length(args) == 0 || length(args) %% 2 != 0) {
  stop("usage: Rscript communities.R NETWORK.graphml COMMUNITIES.csv [NETWORK.graphml COMMUNITIES.csv ...]")
}
networks <- args[c(TRUE, FALSE)]
result <- do.call(rbind, Map(partitions, networks, args[c(FALSE, TRUE)]))
write.csv(result, stdout(), row.names = FALSE)
