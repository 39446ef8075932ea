package io.streamrec.storefront;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrec.event.EventLimits;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The storefront's routes over real HTTP (Jetty on a free loopback port, the Kafka producer replaced by a list): the
 * gateway's 400s with the contract's reason and nothing forwarded, its 202 with the record forwarded, the guards
 * against other web pages, and the event stream carrying only the selected shopper's lists.
 */
class StorefrontHttpTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final List<String[]> forwarded = new CopyOnWriteArrayList<>();
    private final RecommendationFeed feed = new RecommendationFeed();
    private final ProductCatalog catalog = new ProductCatalog();
    private final HttpClient http = HttpClient.newHttpClient();
    private Server server;
    private String base;

    @BeforeEach
    void start() throws Exception {
        server = new Server();
        ServerConnector c = new ServerConnector(server);
        c.setHost("127.0.0.1");
        c.setPort(0);
        server.addConnector(c);
        EventGateway gateway = new EventGateway(2048, EventLimits.defaults(), System::currentTimeMillis,
                () -> "sf-" + forwarded.size());
        server.setHandler(new StorefrontHandler(catalog, feed, new ShopperDirectory(List.of("u00001")), gateway,
                (user, value) -> {
                    forwarded.add(new String[] {user, new String(value, StandardCharsets.UTF_8)});
                    return CompletableFuture.completedFuture(null);
                }, true));
        server.start();
        base = "http://127.0.0.1:" + c.getLocalPort();
    }

    @AfterEach
    void stop() throws Exception {
        server.stop();
    }

    private HttpResponse<String> post(String body, String contentType, String origin) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/api/events"))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (origin != null) {
            b.header("Origin", origin);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String error(HttpResponse<String> r) throws Exception {
        return MAPPER.readTree(r.body()).get("error").asText();
    }

    @Test
    void badEventsAre400WithTheContractsReasonAndNotForwarded() throws Exception {
        HttpResponse<String> r = post("{\"user_id\":\"u1\",", "application/json", null);
        assertEquals(400, r.statusCode());
        assertTrue(error(r).startsWith("malformed JSON:"), r.body());
        r = post("{\"user_id\":\"u1\",\"item_id\":\"i\\u0001\",\"type\":\"click\"}", "application/json", null);
        assertEquals(400, r.statusCode());
        assertEquals("control character in id: item_id has U+0001 at index 1", error(r));
        r = post("{\"user_id\":\"u1\",\"item_id\":\"i1\",\"type\":\"click\",\"query\":\"" + "q".repeat(5000) + "\"}",
                "application/json", null);
        assertEquals(400, r.statusCode());
        assertTrue(error(r).startsWith("oversized payload:"), r.body());
        assertEquals(0, forwarded.size());
    }

    @Test
    void aGoodEventIs202AndForwardedKeyedByUser() throws Exception {
        HttpResponse<String> r = post("{\"user_id\":\"u00001\",\"item_id\":\"i00042\",\"type\":\"add_to_cart\"}",
                "application/json; charset=utf-8", base);
        assertEquals(202, r.statusCode(), r.body());
        JsonNode body = MAPPER.readTree(r.body());
        assertEquals(1, forwarded.size());
        assertEquals("u00001", forwarded.get(0)[0]);
        JsonNode sent = MAPPER.readTree(forwarded.get(0)[1]);
        assertEquals(body.get("event_id").asText(), sent.get("event_id").asText());
        assertEquals(body.get("ts").asLong(), sent.get("ts").asLong());
        assertEquals("add_to_cart", sent.get("type").asText());
    }

    @Test
    void otherPagesCannotPostEvents() throws Exception {
        assertEquals(415, post("{}", "text/plain", null).statusCode());
        assertEquals(403, post("{\"user_id\":\"u1\",\"item_id\":\"i1\",\"type\":\"click\"}", "application/json",
                "http://evil.example").statusCode());
        // a DNS-rebinding page reaches the loopback under its own name (java.net.http will not forge Host)
        URI u = URI.create(base);
        try (java.net.Socket s = new java.net.Socket(u.getHost(), u.getPort())) {
            s.getOutputStream().write(("GET /api/catalog HTTP/1.1\r\nHost: evil.example:" + u.getPort()
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String status = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
            assertEquals("HTTP/1.1 403 Forbidden", status);
        }
        assertEquals(0, forwarded.size());
    }

    @Test
    void servesThePageTheCatalogueAndTheShoppers() throws Exception {
        catalog.apply("i1".getBytes(StandardCharsets.UTF_8), ("{\"item_id\":\"i1\",\"name\":\"Walnut Desk Lamp\","
                + "\"category\":\"c18\",\"category_name\":\"lighting\",\"price\":19.99}").getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(base + "/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("Recommended for you"));
        assertTrue(page.headers().firstValue("Content-Security-Policy").orElse("").contains("default-src 'self'"));
        JsonNode cat = MAPPER.readTree(http.send(HttpRequest.newBuilder(URI.create(base + "/api/catalog")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        assertEquals("Walnut Desk Lamp", cat.get("items").get(0).get("name").asText());
        assertEquals("lighting", cat.get("items").get(0).get("category_name").asText());
        JsonNode shoppers = MAPPER.readTree(http.send(HttpRequest.newBuilder(URI.create(base + "/api/shoppers"))
                .build(), HttpResponse.BodyHandlers.ofString()).body());
        assertEquals("u00001", shoppers.get("shoppers").get(0).asText());
    }

    @Test
    void theStreamCarriesOnlyTheSelectedShoppersLists() throws Exception {
        feed.publish(RecommendationFeedTest.list("u2", 1, "x1"), 1);
        HttpResponse<java.io.InputStream> r = http.send(HttpRequest.newBuilder(URI.create(base
                + "/api/stream?user=u1")).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (feed.subscriberCount() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            feed.publish(RecommendationFeedTest.list("u2", 2, "x2"), 2);
            feed.publish(RecommendationFeedTest.list("u1", 7, "x3"), 3);
            feed.publish(RecommendationFeedTest.list("u2", 3, "x4"), 4);
            feed.publish(RecommendationFeedTest.list("u1", 8, "x5"), 5);
            List<Long> seqs = new java.util.ArrayList<>();
            String line;
            while (seqs.size() < 2 && (line = in.readLine()) != null) {
                if (line.startsWith("data: ")) {
                    JsonNode list = MAPPER.readTree(line.substring(6)).get("list");
                    assertEquals("u1", list.get("user_id").asText(), line);
                    seqs.add(list.get("seq").asLong());
                }
            }
            assertEquals(List.of(7L, 8L), seqs);
        }
    }
}
