package io.streamrec.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrec.event.RawRecord;

import java.nio.charset.StandardCharsets;

/**
 * Parses {@code item-updates} records. A tombstone keyed by item id is a deletion. Returns null and sets
 * {@link #lastError} for anything malformed, so the caller can route it to the dead-letter topic.
 */
public final class ItemUpdateParser {
    private final ObjectMapper mapper = new ObjectMapper();
    public String lastError;

    public ItemUpdate parse(RawRecord r) {
        lastError = null;
        if (r.value == null) {
            if (r.key == null || r.key.length == 0) {
                lastError = "tombstone without a key";
                return null;
            }
            ItemUpdate u = new ItemUpdate(new String(r.key, StandardCharsets.UTF_8), false, true);
            u.ts = r.timestamp;
            return u;
        }
        JsonNode n;
        try {
            n = mapper.readTree(r.value);
        } catch (Exception e) {
            lastError = "malformed JSON: " + e.getMessage();
            return null;
        }
        if (n == null || !n.isObject()) {
            lastError = "not a JSON object";
            return null;
        }
        JsonNode id = n.get("item_id");
        if (id == null || !id.isTextual() || id.asText().isBlank()) {
            lastError = "missing or non-string field 'item_id'";
            return null;
        }
        ItemUpdate u = new ItemUpdate();
        u.itemId = id.asText();
        JsonNode inStock = n.get("in_stock");
        if (inStock != null && !inStock.isNull()) {
            if (!inStock.isBoolean()) {
                lastError = "field 'in_stock' must be a boolean";
                return null;
            }
            u.inStock = inStock.asBoolean();
        }
        JsonNode deleted = n.get("deleted");
        if (deleted != null && !deleted.isNull()) {
            if (!deleted.isBoolean()) {
                lastError = "field 'deleted' must be a boolean";
                return null;
            }
            u.deleted = deleted.asBoolean();
        }
        JsonNode category = n.get("category");
        if (category != null && category.isTextual()) {
            u.category = category.asText();
        }
        JsonNode price = n.get("price");
        if (price != null && price.isNumber()) {
            u.price = price.asDouble();
        }
        JsonNode ts = n.get("ts");
        u.ts = ts != null && ts.canConvertToLong() ? ts.asLong() : r.timestamp;
        return u;
    }
}
