package io.streamrec.catalog;

import io.streamrec.event.UserEventJson;
import java.nio.charset.StandardCharsets;

/**
 * Writes an {@link ItemUpdate} as an {@code item-updates} record value: the inverse of {@link ItemUpdateParser}, so
 * that parsing what this writes gives the update back. The one writer of that contract (the simulator writes these
 * bytes). Fields in the order item_id, category, price, in_stock, deleted, ts; a null category or price is left out;
 * strings and prices are written as {@link UserEventJson} writes them.
 */
public final class ItemUpdateJson {
    private ItemUpdateJson() {}

    public static String toJson(ItemUpdate u) {
        StringBuilder sb = new StringBuilder(128);
        sb.append("{\"item_id\":");
        UserEventJson.appendString(sb, u.itemId);
        if (u.category != null) {
            sb.append(",\"category\":");
            UserEventJson.appendString(sb, u.category);
        }
        if (u.price != null && Double.isFinite(u.price)) {
            sb.append(",\"price\":");
            UserEventJson.appendPrice(sb, u.price);
        }
        sb.append(",\"in_stock\":").append(u.inStock)
                .append(",\"deleted\":").append(u.deleted)
                .append(",\"ts\":").append(u.ts).append('}');
        return sb.toString();
    }

    public static byte[] toJsonBytes(ItemUpdate u) {
        return toJson(u).getBytes(StandardCharsets.UTF_8);
    }
}
