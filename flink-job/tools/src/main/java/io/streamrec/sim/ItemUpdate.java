package io.streamrec.sim;

import java.nio.charset.StandardCharsets;

/** A record of the compacted {@code item-updates} topic (key = item_id). */
public record ItemUpdate(String itemId, String category, long priceCents, boolean inStock, boolean deleted, long ts) implements World.Output {

    public ItemUpdate withTs(long newTs) {
        return new ItemUpdate(itemId, category, priceCents, inStock, deleted, newTs);
    }

    public double price() {
        return priceCents / 100.0;
    }

    public String toJson() {
        StringBuilder sb = new StringBuilder(128);
        sb.append("{\"item_id\":\"").append(itemId)
                .append("\",\"category\":\"").append(category)
                .append("\",\"price\":");
        SimEvent.appendCents(sb, priceCents);
        sb.append(",\"in_stock\":").append(inStock)
                .append(",\"deleted\":").append(deleted)
                .append(",\"ts\":").append(ts).append('}');
        return sb.toString();
    }

    public byte[] toJsonBytes() {
        return toJson().getBytes(StandardCharsets.UTF_8);
    }
}
