package io.streamrec.storefront;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The storefront's HTTP routes on Jetty's core handler API: the page's three static files, {@code GET /api/catalog},
 * {@code GET /api/shoppers}, {@code GET /api/stream?user=ID} (server-sent events: that shopper's lists, nobody
 * else's) and {@code POST /api/events} (the gateway: JSON in, 202 with the assigned event id, or 400 with the
 * contract's reason). Writes are guarded against other web pages: the body must be {@code application/json} (a form
 * on another site cannot send that without a CORS preflight, which is never answered), an {@code Origin} header must
 * be this server, and the {@code Host} must be a name of this machine's loopback when bound there (so a DNS-rebinding
 * page cannot reach it by another name).
 */
final class StorefrontHandler extends Handler.Abstract {
    /** Pages following a shopper at once; each holds one HTTP thread. */
    static final int MAX_STREAMS = 32;
    private static final Set<String> LOOPBACK_NAMES = Set.of("localhost", "127.0.0.1", "::1", "[::1]");
    private static final Map<String, String> STATIC = Map.of(
            "/", "index.html", "/index.html", "index.html", "/app.js", "app.js", "/style.css", "style.css");

    private final ObjectMapper mapper = new ObjectMapper();
    private final ProductCatalog catalog;
    private final RecommendationFeed feed;
    private final ShopperDirectory shoppers;
    private final EventGateway gateway;
    private final BiFunction<String, byte[], CompletableFuture<Void>> forward;
    private final boolean loopbackOnly;
    private final AtomicInteger streams = new AtomicInteger();

    StorefrontHandler(ProductCatalog catalog, RecommendationFeed feed, ShopperDirectory shoppers,
            EventGateway gateway, BiFunction<String, byte[], CompletableFuture<Void>> forward, boolean loopbackOnly) {
        this.catalog = catalog;
        this.feed = feed;
        this.shoppers = shoppers;
        this.gateway = gateway;
        this.forward = forward;
        this.loopbackOnly = loopbackOnly;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = Request.getPathInContext(request);
        String method = request.getMethod();
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        if (loopbackOnly && !LOOPBACK_NAMES.contains(Request.getServerName(request))) {
            return json(response, callback, 403, error("this storefront answers to localhost only"));
        }
        if (method.equals("GET") && STATIC.containsKey(path)) {
            return file(response, callback, STATIC.get(path));
        }
        if (method.equals("GET") && path.equals("/api/catalog")) {
            return json(response, callback, 200, catalog.toJson());
        }
        if (method.equals("GET") && path.equals("/api/shoppers")) {
            ObjectNode o = mapper.createObjectNode();
            shoppers.top(50).forEach(o.putArray("shoppers")::add);
            return json(response, callback, 200, o.toString());
        }
        if (method.equals("GET") && path.equals("/api/stream")) {
            String user = Request.extractQueryParameters(request).getValue("user");
            if (user == null || user.isBlank()) {
                return json(response, callback, 400, error("missing query parameter 'user'"));
            }
            return stream(user, response, callback);
        }
        if (path.equals("/api/events")) {
            if (!method.equals("POST")) {
                response.getHeaders().put(HttpHeader.ALLOW, "POST");
                return json(response, callback, 405, error("POST a JSON event"));
            }
            return postEvent(request, response, callback);
        }
        return json(response, callback, 404, error("no such page: " + path));
    }

    private boolean postEvent(Request request, Response response, Callback callback) throws Exception {
        long received = System.currentTimeMillis();
        String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            return json(response, callback, 415, error("Content-Type must be application/json"));
        }
        String origin = request.getHeaders().get(HttpHeader.ORIGIN);
        if (origin != null && !sameOrigin(origin, request)) {
            return json(response, callback, 403, error("cross-origin request refused: " + origin));
        }
        long max = gateway.maxBodyBytes();
        byte[] body;
        try (InputStream in = Content.Source.asInputStream(request)) {
            body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
        }
        if (body.length > max) {
            return json(response, callback, 400, error(gateway.oversized(max)));
        }
        EventGateway.Outcome out = gateway.accept(body);
        if (!out.accepted()) {
            return json(response, callback, 400, error(out.reason()));
        }
        feed.clicked(out.eventId(), received); // before sending: the list can come back before the send returns
        try {
            forward.apply(out.userId(), out.value()).get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            return json(response, callback, 503, error("Kafka did not take the event: " + e));
        }
        ObjectNode o = mapper.createObjectNode();
        o.put("event_id", out.eventId());
        o.put("ts", out.ts());
        return json(response, callback, 202, o.toString());
    }

    private static boolean sameOrigin(String origin, Request request) {
        try {
            URI u = URI.create(origin);
            int port = u.getPort() != -1 ? u.getPort() : "https".equals(u.getScheme()) ? 443 : 80;
            return u.getHost() != null && u.getHost().equalsIgnoreCase(Request.getServerName(request))
                    && port == Request.getServerPort(request);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Server-sent events: one {@code data:} line per list, a comment every 10 s so proxies keep it open. */
    private boolean stream(String user, Response response, Callback callback) {
        if (streams.incrementAndGet() > MAX_STREAMS) {
            streams.decrementAndGet();
            return json(response, callback, 503, error("too many open pages (" + MAX_STREAMS + ")"));
        }
        BlockingQueue<String> queue = new ArrayBlockingQueue<>(16);
        AutoCloseable sub = null;
        try {
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream; charset=utf-8");
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
            sub = feed.subscribe(user, m -> {
                while (!queue.offer(m)) {
                    queue.poll(); // a slow page skips to the newest lists
                }
            });
            OutputStream out = Content.Sink.asOutputStream(response);
            out.write(": following \n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            while (!Thread.currentThread().isInterrupted() && isStarted()) {
                String m = queue.poll(10, TimeUnit.SECONDS);
                out.write((m == null ? ": keep-alive\n\n" : "data: " + m + "\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
            callback.succeeded();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            callback.failed(e);
        } catch (IOException e) {
            callback.failed(e); // the page went away
        } finally {
            streams.decrementAndGet();
            if (sub != null) {
                try {
                    sub.close();
                } catch (Exception ignored) {
                    // unsubscribing cannot fail
                }
            }
        }
        return true;
    }

    private boolean file(Response response, Callback callback, String name) throws IOException {
        String type = name.endsWith(".html") ? "text/html; charset=utf-8"
                : name.endsWith(".js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8";
        byte[] bytes;
        try (InputStream in = StorefrontHandler.class.getResourceAsStream("web/" + name)) {
            if (in == null) {
                return json(response, callback, 500, error("missing resource " + name));
            }
            bytes = in.readAllBytes();
        }
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
        response.getHeaders().put("Content-Security-Policy",
                "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
        response.write(true, ByteBuffer.wrap(bytes), callback);
        return true;
    }

    private String error(String reason) {
        ObjectNode o = mapper.createObjectNode();
        o.put("error", reason);
        return o.toString();
    }

    private static boolean json(Response response, Callback callback, int status, String body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
        return true;
    }
}
