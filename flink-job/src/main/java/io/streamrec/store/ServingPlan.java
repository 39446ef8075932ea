package io.streamrec.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The store's pointer file, {@code serving.json}: which bundle versions serve, as which variants, at which weights;
 * plus the plans it replaced, newest first, so that a rollback restores the previous one. Why one small file: writing
 * it is the only step of a publish, promotion or rollback that a running job sees, so each of them is atomic.
 *
 * <pre>{"format": 1, "updated": "2026-12-07T02:00:00Z", "note": "publish v2 as b at 50",
 *  "variants": [{"name": "a", "version": "v1", "weight": 50}, {"name": "b", "version": "v2", "weight": 50}],
 *  "previous": [{"updated": "...", "note": "...", "variants": [...]}]}</pre>
 */
public final class ServingPlan {
    public static final int FORMAT = 1;
    /** How many replaced plans are kept for rollback. */
    public static final int HISTORY = 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<Variant> variants;
    private final String updated;
    private final String note;
    private final List<ServingPlan> previous;

    public ServingPlan(List<Variant> variants, String updated, String note, List<ServingPlan> previous) {
        if (variants == null || variants.isEmpty()) {
            throw new IllegalArgumentException("a serving plan needs at least one variant");
        }
        Set<String> names = new HashSet<>();
        for (Variant v : variants) {
            if (!names.add(v.name())) {
                throw new IllegalArgumentException("variant " + v.name() + " appears twice");
            }
        }
        VariantAssigner.of(variants); // at least one positive weight
        this.variants = List.copyOf(variants);
        this.updated = updated == null ? "" : updated;
        this.note = note == null ? "" : note;
        this.previous = previous == null ? List.of() : List.copyOf(previous.subList(0,
                Math.min(HISTORY, previous.size())));
    }

    public List<Variant> variants() {
        return variants;
    }

    public String updated() {
        return updated;
    }

    public String note() {
        return note;
    }

    /** The plans this one replaced, newest first (without their own history). */
    public List<ServingPlan> previous() {
        return previous;
    }

    /** The variant named {@code name}, or null. */
    public Variant variant(String name) {
        for (Variant v : variants) {
            if (v.name().equals(name)) {
                return v;
            }
        }
        return null;
    }

    /** The plan that replaces this one with {@code next}, keeping this one (without its history) first in history. */
    public ServingPlan then(List<Variant> next, String when, String why) {
        List<ServingPlan> hist = new ArrayList<>();
        hist.add(new ServingPlan(variants, updated, note, List.of()));
        hist.addAll(previous);
        return new ServingPlan(next, when, why, hist);
    }

    /** Parses {@code serving.json}; the message of the exception names what is wrong. */
    public static ServingPlan parse(byte[] json) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            // Jackson's own message spans lines and quotes a redacted source: one line with the position instead.
            var at = e.getLocation();
            throw new IOException("serving.json is not valid JSON: " + e.getOriginalMessage()
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"), e);
        }
        if (root == null || !root.isObject()) {
            throw new IOException("serving.json must be a JSON object");
        }
        int format = root.path("format").asInt(FORMAT);
        if (format != FORMAT) {
            throw new IOException("serving.json format " + format + " is not supported (this job reads " + FORMAT
                    + ")");
        }
        try {
            return fromNode(root, true);
        } catch (IllegalArgumentException e) {
            throw new IOException("serving.json: " + e.getMessage(), e);
        }
    }

    private static ServingPlan fromNode(JsonNode n, boolean withHistory) {
        JsonNode vs = n.get("variants");
        if (vs == null || !vs.isArray()) {
            throw new IllegalArgumentException("'variants' must be a list");
        }
        List<Variant> variants = new ArrayList<>();
        for (JsonNode v : vs) {
            JsonNode w = v.get("weight");
            if (w != null && !w.canConvertToInt()) {
                throw new IllegalArgumentException("variant weight must be an integer, got " + w);
            }
            variants.add(new Variant(v.path("name").asText(null), v.path("version").asText(null),
                    w == null ? 100 : w.asInt()));
        }
        List<ServingPlan> previous = new ArrayList<>();
        if (withHistory && n.has("previous")) {
            for (JsonNode p : n.get("previous")) {
                previous.add(fromNode(p, false));
            }
        }
        return new ServingPlan(variants, n.path("updated").asText(""), n.path("note").asText(""), previous);
    }

    /** The file's bytes, pretty-printed. */
    public byte[] toJson() {
        ObjectNode root = toNode(true);
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root).getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private ObjectNode toNode(boolean withHistory) {
        ObjectNode root = JSON.createObjectNode();
        if (withHistory) {
            root.put("format", FORMAT);
        }
        root.put("updated", updated);
        root.put("note", note);
        ArrayNode vs = root.putArray("variants");
        for (Variant v : variants) {
            vs.addObject().put("name", v.name()).put("version", v.version()).put("weight", v.weight());
        }
        if (withHistory) {
            ArrayNode prev = root.putArray("previous");
            for (ServingPlan p : previous) {
                prev.add(p.toNode(false));
            }
        }
        return root;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (Variant v : variants) {
            sb.append(sb.length() == 0 ? "" : ", ").append(v.name()).append('=').append(v.version()).append('@')
                    .append(v.weight());
        }
        return sb.toString();
    }
}
