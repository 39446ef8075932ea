package io.streamrec.storefront;

import io.streamrec.kafka.Topics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Settings of one storefront: where Kafka is, the topic names, and the address the page is served on. */
public final class StorefrontOptions {
    public String bootstrapServers = "localhost:9092";
    public String eventsTopic = Topics.EVENTS;
    public String itemsTopic = Topics.ITEMS;
    public String recommendationsTopic = Topics.RECOMMENDATIONS;
    /** Loopback by default: the gateway writes to the shop's input topic, so it is not offered to the network. */
    public String bind = "127.0.0.1";
    /** 0 picks a free port (tests, and the demo when 8088 is taken). */
    public int port = 8088;
    /** Kafka client settings (SASL, TLS, …) for the consumer and the producer. */
    public Map<String, String> kafkaProperties = new LinkedHashMap<>();
    /** Shopper ids offered first in the page's selector (the demo passes its most active simulated shoppers). */
    public List<String> suggestedShoppers = new ArrayList<>();
}
