// A SPARQL 1.1 Protocol and Graph Store Protocol server over Apache Jena's in-memory dataset
// and ARQ query engine, laid out like Fuseki's `--mem --update /ds` (/ds/query, /ds/sparql,
// /ds/data), for graphkit's tests where Fuseki itself cannot be fetched (Debian packages Jena's
// libraries, libapache-jena-java, but not Fuseki). Query evaluation, the SPARQL JSON results
// writer and the RDF parsers and writers are Jena's own, the code Fuseki runs; the HTTP layer is
// the JDK's.
//
// Run: java -cp '/usr/share/java/*' tests/jena/JenaServer.java PORT QUERY_TIMEOUT_SECONDS
// It listens on 127.0.0.1 only.

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.jena.graph.Graph;
import org.apache.jena.graph.Node;
import org.apache.jena.graph.NodeFactory;
import org.apache.jena.query.Dataset;
import org.apache.jena.query.DatasetFactory;
import org.apache.jena.query.Query;
import org.apache.jena.query.QueryCancelledException;
import org.apache.jena.query.QueryExecution;
import org.apache.jena.query.QueryFactory;
import org.apache.jena.query.QueryParseException;
import org.apache.jena.query.ResultSetFormatter;
import org.apache.jena.rdf.model.Model;
import org.apache.jena.riot.Lang;
import org.apache.jena.riot.RDFDataMgr;
import org.apache.jena.riot.RDFLanguages;
import org.apache.jena.riot.RiotException;
import org.apache.jena.sparql.core.DatasetGraph;
import org.apache.jena.sparql.core.DatasetGraphFactory;
import org.apache.jena.sparql.core.DynamicDatasets;
import org.apache.jena.sparql.graph.GraphFactory;
import org.apache.jena.system.Txn;

public final class JenaServer {
    private static final DatasetGraph DATA = DatasetGraphFactory.createTxnMem();
    private static long queryTimeoutSeconds;

    private JenaServer() {}

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[0]);
        queryTimeoutSeconds = Long.parseLong(args[1]);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 50);
        server.createContext("/ds/query", JenaServer::handleQuery);
        server.createContext("/ds/sparql", JenaServer::handleQuery);
        server.createContext("/ds/data", JenaServer::handleGraphStore);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
    }

    private static final class Refused extends Exception {
        final int status;

        Refused(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    private static void handleQuery(HttpExchange exchange) throws IOException {
        try {
            answerQuery(exchange);
        } catch (Refused refused) {
            send(exchange, refused.status, "text/plain", refused.getMessage().getBytes(StandardCharsets.UTF_8));
        } catch (QueryCancelledException timedOut) {
            // Fuseki's answer to a query over its time limit.
            send(exchange, 503, "text/plain", "Query timed out".getBytes(StandardCharsets.UTF_8));
        } catch (RuntimeException error) {
            send(exchange, 500, "text/plain", String.valueOf(error).getBytes(StandardCharsets.UTF_8));
        } finally {
            exchange.close();
        }
    }

    private static void answerQuery(HttpExchange exchange) throws IOException, Refused {
        Map<String, List<String>> fields = form(exchange.getRequestURI().getRawQuery());
        String method = exchange.getRequestMethod();
        String contentType = header(exchange, "Content-Type");
        if (method.equals("POST")) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (contentType.startsWith("application/sparql-query")) {
                fields.computeIfAbsent("query", k -> new ArrayList<>()).add(body);
            } else if (contentType.startsWith("application/x-www-form-urlencoded")) {
                form(body).forEach((k, v) -> fields.computeIfAbsent(k, x -> new ArrayList<>()).addAll(v));
            } else {
                throw new Refused(415, "Unsupported Media Type: " + contentType);
            }
        } else if (!method.equals("GET")) {
            throw new Refused(405, "Method Not Allowed: " + method);
        }
        List<String> texts = fields.getOrDefault("query", List.of());
        if (texts.size() != 1) {
            throw new Refused(400, "Give exactly one query");
        }
        Query query;
        try {
            query = QueryFactory.create(texts.get(0));
        } catch (QueryParseException error) {
            throw new Refused(400, "Parse error: " + error.getMessage());
        }
        List<Node> defaults = new ArrayList<>();
        for (String iri : fields.getOrDefault("default-graph-uri", List.of())) {
            defaults.add(NodeFactory.createURI(iri));
        }
        String accept = header(exchange, "Accept");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String mediaType = Txn.calculateRead(DATA, () -> {
            DatasetGraph target = defaults.isEmpty()
                    ? DATA
                    : DynamicDatasets.dynamicDataset(defaults, List.of(), DATA, false);
            Dataset dataset = DatasetFactory.wrap(target);
            try (QueryExecution execution = QueryExecution.dataset(dataset).query(query)
                    .timeout(queryTimeoutSeconds, TimeUnit.SECONDS).build()) {
                if (query.isSelectType()) {
                    ResultSetFormatter.outputAsJSON(out, execution.execSelect());
                    return "application/sparql-results+json";
                }
                if (query.isAskType()) {
                    ResultSetFormatter.outputAsJSON(out, execution.execAsk());
                    return "application/sparql-results+json";
                }
                Model model = query.isConstructType() ? execution.execConstruct() : execution.execDescribe();
                Lang lang = graphLang(accept);
                RDFDataMgr.write(out, model, lang);
                return lang.getContentType().getContentTypeStr();
            }
        });
        send(exchange, 200, mediaType, out.toByteArray());
    }

    private static void handleGraphStore(HttpExchange exchange) throws IOException {
        try {
            answerGraphStore(exchange);
        } catch (Refused refused) {
            send(exchange, refused.status, "text/plain", refused.getMessage().getBytes(StandardCharsets.UTF_8));
        } catch (RuntimeException error) {
            send(exchange, 500, "text/plain", String.valueOf(error).getBytes(StandardCharsets.UTF_8));
        } finally {
            exchange.close();
        }
    }

    private static void answerGraphStore(HttpExchange exchange) throws IOException, Refused {
        Map<String, List<String>> fields = form(exchange.getRequestURI().getRawQuery());
        Node name;
        if (fields.containsKey("default") && !fields.containsKey("graph")) {
            name = null;
        } else if (fields.getOrDefault("graph", List.of()).size() == 1 && !fields.containsKey("default")) {
            name = NodeFactory.createURI(fields.get("graph").get(0));
        } else {
            throw new Refused(400, "Give either ?default or ?graph=IRI");
        }
        String method = exchange.getRequestMethod();
        if (method.equals("GET")) {
            Lang lang = graphLang(header(exchange, "Accept"));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            boolean found = Txn.calculateRead(DATA, () -> {
                if (name != null && !DATA.containsGraph(name)) {
                    return false;
                }
                RDFDataMgr.write(out, name == null ? DATA.getDefaultGraph() : DATA.getGraph(name), lang);
                return true;
            });
            if (!found) {
                throw new Refused(404, "No such graph: <" + name.getURI() + ">");
            }
            send(exchange, 200, lang.getContentType().getContentTypeStr(), out.toByteArray());
            return;
        }
        if (!method.equals("PUT") && !method.equals("POST")) {
            throw new Refused(405, "Method Not Allowed: " + method);
        }
        String contentType = header(exchange, "Content-Type").split(";")[0].trim();
        Lang lang = RDFLanguages.contentTypeToLang(contentType);
        if (lang == null) {
            throw new Refused(415, "Unsupported Media Type: " + contentType);
        }
        Graph parsed = GraphFactory.createDefaultGraph();
        try {
            RDFDataMgr.read(parsed, exchange.getRequestBody(), lang);
        } catch (RiotException error) {
            throw new Refused(400, "Parse error: " + error.getMessage());
        }
        boolean replace = method.equals("PUT");
        Txn.executeWrite(DATA, () -> {
            Graph graph = name == null ? DATA.getDefaultGraph() : DATA.getGraph(name);
            if (replace) {
                graph.clear();
            }
            parsed.find().forEachRemaining(graph::add);
            if (name != null && !DATA.containsGraph(name)) {
                DATA.addGraph(name, graph);
            }
        });
        send(exchange, 204, null, new byte[0]);
    }

    private static Lang graphLang(String accept) {
        return accept.contains("text/turtle") && !accept.contains("application/n-triples")
                ? Lang.TURTLE
                : Lang.NTRIPLES;
    }

    private static String header(HttpExchange exchange, String name) {
        String value = exchange.getRequestHeaders().getFirst(name);
        return value == null ? "" : value;
    }

    private static Map<String, List<String>> form(String encoded) {
        Map<String, List<String>> fields = new LinkedHashMap<>();
        if (encoded == null || encoded.isEmpty()) {
            return fields;
        }
        for (String pair : encoded.split("&")) {
            int equals = pair.indexOf('=');
            String key = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
            String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
            fields.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        }
        return fields;
    }

    private static void send(HttpExchange exchange, int status, String mediaType, byte[] body)
            throws IOException {
        if (mediaType != null) {
            exchange.getResponseHeaders().set("Content-Type", mediaType);
        }
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
