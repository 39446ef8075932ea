package io.streamrec.storefront;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamrec.catalog.ItemUpdate;
import io.streamrec.catalog.ItemUpdateParser;
import io.streamrec.event.RawRecord;
import java.util.Map;
import java.util.TreeMap;

/**
 * The product grid's data: the compacted {@code item-updates} topic read from its start, one entry per item with the
 * job's own {@link ItemUpdateParser} reading stock, price, category and deletion, plus the optional display labels
 * {@code name} and {@code category_name} that the job ignores. A deleted item (flag or tombstone) leaves the grid; an
 * out-of-stock one stays, marked, as a shop shows it. Items without a name show their id. Thread-safe.
 */
public final class ProductCatalog {
    private final ObjectMapper mapper = new ObjectMapper();
    private final ItemUpdateParser parser = new ItemUpdateParser();
    private final Map<String, Product> products = new TreeMap<>();
    private long updates;

    /** One item as the page shows it. */
    public record Product(String itemId, String name, String category, String categoryName, Double price,
            boolean inStock) {}

    /** Applies one record of the catalogue topic (a null value is a tombstone for {@code key}). */
    public synchronized void apply(byte[] key, byte[] value) {
        ItemUpdate u = parser.parse(new RawRecord(key, value, "item-updates", 0, 0, 0));
        if (u == null) {
            return; // malformed: the job routes it to its dead letters; the grid just skips it
        }
        updates++;
        if (u.deleted) {
            products.remove(u.itemId);
            return;
        }
        String name = null;
        String categoryName = null;
        try {
            JsonNode n = mapper.readTree(value);
            name = text(n, "name");
            categoryName = text(n, "category_name");
        } catch (Exception e) {
            // the parser accepted it, so it is JSON; labels are optional anyway
        }
        Product before = products.get(u.itemId);
        products.put(u.itemId, new Product(u.itemId,
                name != null ? name : before != null ? before.name() : u.itemId,
                u.category != null ? u.category : before != null ? before.category() : null,
                categoryName != null ? categoryName : before != null ? before.categoryName() : null,
                u.price != null ? u.price : before != null ? before.price() : null, u.inStock));
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v != null && v.isTextual() && !v.asText().isBlank() ? v.asText() : null;
    }

    public synchronized Product get(String itemId) {
        return products.get(itemId);
    }

    public synchronized int size() {
        return products.size();
    }

    /** Catalogue records applied so far. */
    public synchronized long updates() {
        return updates;
    }

    /** The grid as JSON: {@code {"items":[{item_id,name,category,category_name,price,in_stock}…]}}, by item id. */
    public synchronized String toJson() {
        ObjectNode root = mapper.createObjectNode();
        ArrayNode items = root.putArray("items");
        for (Product p : products.values()) {
            ObjectNode o = items.addObject();
            o.put("item_id", p.itemId());
            o.put("name", p.name());
            o.put("category", p.category());
            o.put("category_name", p.categoryName());
            if (p.price() == null) {
                o.putNull("price");
            } else {
                o.put("price", p.price());
            }
            o.put("in_stock", p.inStock());
        }
        return root.toString();
    }
}
