package io.streamrec.storefront;

import io.streamrec.cli.Args;
import io.streamrec.cli.Command;
import io.streamrec.kafka.Topics;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/** {@code streamrec storefront}: the web shop against a running broker and job, until Ctrl-C. */
public final class StorefrontCommand implements Command {
    private static final Set<String> OPTIONS = Set.of("kafka.bootstrap-servers", "topic.events", "topic.items",
            "topic.recommendations", "bind", "port");

    @Override
    public String name() {
        return "storefront";
    }

    @Override
    public String summary() {
        return "a web shop with a live \"Recommended for you\" panel; clicks become real events";
    }

    @Override
    public String usage() {
        return String.join("\n",
                "Usage: streamrec storefront [--kafka.bootstrap-servers H:P] [--bind ADDR] [--port 8088] [options]",
                "",
                "Serves a product grid from the catalogue topic, a shopper selector and a live \"Recommended for",
                "you\" panel that follows the recommendations topic; clicks, add-to-cart and buy are sent to the",
                "events topic, checked with the job's own event contract. Ctrl-C stops it.",
                "  --kafka.bootstrap-servers H:P   Kafka (default localhost:9092)",
                "  --topic.events T          events topic (default " + Topics.EVENTS + ")",
                "  --topic.items T           catalogue topic (default " + Topics.ITEMS + ")",
                "  --topic.recommendations T lists topic (default " + Topics.RECOMMENDATIONS + ")",
                "  --bind ADDR               address to listen on (default 127.0.0.1: this machine only)",
                "  --port N                  port (default 8088; 0 picks a free one)",
                "  --kafka.properties.K V    a Kafka client setting (SASL, TLS, ...)");
    }

    @Override
    public int run(String[] argv) throws Exception {
        StorefrontOptions o = options(argv);
        try (Storefront s = Storefront.start(o)) {
            System.out.println("[storefront] serving " + s.url() + " (Kafka " + o.bootstrapServers + "); Ctrl-C stops");
            if (!isLoopback(o.bind)) {
                System.out.println("[storefront] warning: listening on " + o.bind + ": anyone who can reach it can "
                        + "send events to " + o.eventsTopic);
            }
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "streamrec-storefront-stop"));
            while (!stop.await(1, java.util.concurrent.TimeUnit.SECONDS)) {
                if (s.kafkaFailure() != null) {
                    throw s.kafkaFailure();
                }
            }
        }
        return 0;
    }

    /** The command line as options; a bad one raises {@link Args.UsageException} naming the option. */
    static StorefrontOptions options(String[] argv) {
        Args a = Args.parseOptions(argv, OPTIONS, Set.of("help"),
                Args.Names.of("storefront", java.util.Map.of()).withPrefixes("kafka.properties."));
        StorefrontOptions o = new StorefrontOptions();
        o.bootstrapServers = a.get("kafka.bootstrap-servers", o.bootstrapServers);
        o.eventsTopic = a.get("topic.events", o.eventsTopic);
        o.itemsTopic = a.get("topic.items", o.itemsTopic);
        o.recommendationsTopic = a.get("topic.recommendations", o.recommendationsTopic);
        o.bind = a.get("bind", o.bind);
        o.port = a.getInt("port", o.port, 0);
        if (o.port > 65535) {
            throw new Args.UsageException("option --port must be at most 65535, got " + o.port);
        }
        o.kafkaProperties.putAll(a.withPrefix("kafka.properties."));
        return o;
    }

    private static boolean isLoopback(String bind) {
        try {
            return java.net.InetAddress.getByName(bind).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }
}
