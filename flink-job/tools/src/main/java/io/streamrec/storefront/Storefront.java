package io.streamrec.storefront;

import java.net.InetAddress;
import java.time.Duration;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * A small web shop in front of streamrec: a product grid from the catalogue topic, a shopper selector, a live
 * "Recommended for you" panel fed by the recommendations topic over server-sent events, and a gateway that turns the
 * page's clicks, add-to-carts and purchases into real {@code user-events} records. It is how the product is shown to
 * people and tested end to end in a browser. Served by Jetty 12 on {@link StorefrontOptions#bind} (loopback unless
 * told otherwise).
 *
 * <pre>{@code
 * try (Storefront s = Storefront.start(options)) { System.out.println(s.url()); ... }
 * }</pre>
 */
public final class Storefront implements AutoCloseable {
    private final StorefrontOptions options;
    private final ProductCatalog catalog = new ProductCatalog();
    private final RecommendationFeed feed = new RecommendationFeed();
    private final ShopperDirectory shoppers;
    private final EventGateway gateway = EventGateway.withDefaults();
    private final StorefrontKafka kafka;
    private final Server server;
    private final ServerConnector connector;

    private Storefront(StorefrontOptions o) {
        this.options = o;
        this.shoppers = new ShopperDirectory(o.suggestedShoppers);
        this.kafka = new StorefrontKafka(o, catalog, feed, shoppers);
        QueuedThreadPool pool = new QueuedThreadPool(64, 4);
        pool.setName("streamrec-storefront-http");
        pool.setDaemon(true);
        this.server = new Server(pool);
        this.connector = new ServerConnector(server, 1, 1);
        connector.setHost(o.bind);
        connector.setPort(o.port);
        connector.setIdleTimeout(60_000);
        server.addConnector(connector);
        server.setHandler(new StorefrontHandler(catalog, feed, shoppers, gateway, kafka::send, isLoopback(o.bind)));
        server.setStopTimeout(2_000);
    }

    /** Connects to Kafka, positions the readers and starts serving; fails with one clear message if it cannot. */
    public static Storefront start(StorefrontOptions o) throws Exception {
        Storefront s = new Storefront(o);
        try {
            s.kafka.start(Duration.ofSeconds(90));
            s.server.start();
        } catch (java.io.IOException e) {
            s.close();
            throw new IllegalStateException("cannot listen on " + o.bind + ":" + o.port + ": " + e.getMessage(), e);
        } catch (Exception e) {
            s.close();
            throw e;
        }
        return s;
    }

    /**
     * As {@link #start}, but when the chosen port is taken it listens on a free one instead (and says so to
     * {@code log}): the demo must come up even where 8088 is in use.
     */
    public static Storefront startOrOnFreePort(StorefrontOptions o, java.util.function.Consumer<String> log)
            throws Exception {
        try {
            return start(o);
        } catch (IllegalStateException e) {
            if (o.port == 0 || !(e.getCause() instanceof java.io.IOException)) {
                throw e;
            }
            log.accept("port " + o.port + " is taken; the storefront takes a free one");
            o.port = 0;
            return start(o);
        }
    }

    private static boolean isLoopback(String bind) {
        try {
            return InetAddress.getByName(bind).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    /** The page's address, e.g. {@code http://127.0.0.1:8088/}. */
    public String url() {
        String host = options.bind;
        try {
            if (InetAddress.getByName(host).isAnyLocalAddress()) {
                host = "localhost";
            }
        } catch (java.net.UnknownHostException e) {
            // a name: keep it
        }
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return "http://" + host + ":" + port() + "/";
    }

    /** The port it listens on (the chosen one when started with port 0). */
    public int port() {
        return connector.getLocalPort();
    }

    public ProductCatalog catalog() {
        return catalog;
    }

    public RecommendationFeed feed() {
        return feed;
    }

    /** A failure of the Kafka reader, or null while it runs. */
    public Exception kafkaFailure() {
        return kafka.failure();
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            // stopping anyway
        }
        kafka.close();
    }
}
