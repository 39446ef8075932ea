package io.streamrec.catalog;

import io.streamrec.event.UserEventJson;
import java.nio.charset.StandardCharsets;

/**
 * Writes an {@link ItemUpdate} as an {@code item-updates} record value: the inverse of {@link ItemUpdateParser}, so
 * that parsing what this writes gives the update back. The one writer of that contract (the simulator writes these
 * bytes). Fields in the order item_id, name, category, category_name, price, in_stock, deleted, ts; a null name,
 * category, category name or price is left out; strings and prices are written as {@link UserEventJson} writes them.
 * {@code name} and {@code category_name} are display labels for people (a storefront's product grid): the job ignores
 * them, so they are arguments here rather than fields the job would carry in its state.
 */
public final class ItemUpdateJson {
    private ItemUpdateJson() {}

    public static String toJson(ItemUpdate u) {
        return toJson(u, null, null);
    }

    /** As {@link #toJson(ItemUpdate)}, with the item's readable name and its category's, where not null. */
    public static String toJson(ItemUpdate u, String name, String categoryName) {
        StringBuilder sb = new StringBuilder(160);
        sb.append("{\"item_id\":");
        UserEventJson.appendString(sb, u.itemId);
        if (name != null) {
            sb.append(",\"name\":");
            UserEventJson.appendString(sb, name);
        }
        if (u.category != null) {
            sb.append(",\"category\":");
            UserEventJson.appendString(sb, u.category);
        }
        if (categoryName != null) {
            sb.append(",\"category_name\":");
            UserEventJson.appendString(sb, categoryName);
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

    /** {@link #toJson(ItemUpdate, String, String)} as UTF-8. */
    public static byte[] toJsonBytes(ItemUpdate u, String name, String categoryName) {
        return toJson(u, name, categoryName).getBytes(StandardCharsets.UTF_8);
    }
}
